import { describe, expect, it } from "vitest";
import { percentile, summarize } from "../../../bench/lib/stats.mjs";

describe("stats", () => {
	it("interpolates percentiles between the closest ranks", () => {
		expect(percentile([40, 10, 30, 20], 50)).toBe(25);
		expect(percentile([1, 2, 3, 4, 5], 95)).toBeCloseTo(4.8);
		expect(percentile([], 50)).toBeNull();
	});

	it("summarizes median, extremes and the 5th and 95th percentiles", () => {
		expect(summarize([3, 1, 2])).toEqual({ n: 3, median: 2, min: 1, max: 3, p5: 1.1, p95: 2.9 });
		expect(summarize([])).toBeNull();
	});
});

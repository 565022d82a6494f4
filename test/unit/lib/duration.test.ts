import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatDuration } from "../../../src/lib/duration";

describe("formatDuration", () => {
	it("writes the largest unit that fits, in narrow unit style", () => {
		expect(
			[0, 850, 999.9, 1000, 12_345, 59_999, 60_000, 65_300, 83_000, 3_599_999, 3_725_000].map(formatDuration),
		).toEqual([
			"0ms",
			"850ms",
			"999ms",
			"1.0s",
			"12.3s",
			"59.9s",
			"1m 00s",
			"1m 05s",
			"1m 23s",
			"59m 59s",
			"1h 02m",
		]);
	});

	it("reads an unknown duration as a dash and a negative one as zero", () => {
		expect([null, Number.NaN, Number.POSITIVE_INFINITY].map(formatDuration)).toEqual(["–", "–", "–"]);
		expect(formatDuration(-5)).toBe("0ms");
	});

	it("never reads as more than the duration: a longer one never sorts before a shorter one's unit", () => {
		const unitRank = (text: string) =>
			/h /.test(text) ? 3 : /m /.test(text) ? 2 : /\ds$/.test(text) ? 1 : 0;
		fc.assert(
			fc.property(fc.nat(10 * 3_600_000), fc.nat(10 * 3_600_000), (a, b) => {
				const [shorter, longer] = a <= b ? [a, b] : [b, a];
				expect(unitRank(formatDuration(shorter))).toBeLessThanOrEqual(unitRank(formatDuration(longer)));
			}),
		);
	});
});

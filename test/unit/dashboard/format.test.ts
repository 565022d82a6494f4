import { describe, expect, it } from "vitest";
import { formatChange, formatPercent, formatTokens, formatUsd } from "../../../public/assets/format.js";

describe("dashboard formatting", () => {
	it("abbreviates tokens and keeps sub-cent costs visible", () => {
		expect([12, 12_345, 3_400_000].map(formatTokens)).toEqual(["12", "12.3k", "3.40M"]);
		expect([0, 0.00042, 1.234, null].map(formatUsd)).toEqual(["$0.00", "$0.0004", "$1.23", "unknown"]);
	});

	it("signs changes except those that round to zero", () => {
		expect([0.1234, -0.5, -0.001, 0].map(formatChange)).toEqual(["+0.12", "−0.50", "0.00", "0.00"]);
		expect([0.875, null].map(formatPercent)).toEqual(["88 %", "–"]);
	});
});

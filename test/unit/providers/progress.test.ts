import { describe, expect, it } from "vitest";
import { CHARS_PER_TOKEN, TurnProgressMeter } from "../../../src/providers/progress";
import { type TokenUsage, type TurnProgress, ZERO_TOKEN_USAGE } from "../../../src/providers/types";

function listenedMeter(): { meter: TurnProgressMeter; updates: TurnProgress[] } {
	const updates: TurnProgress[] = [];
	return { meter: new TurnProgressMeter((update) => updates.push(update)), updates };
}

const usage = (fields: Partial<TokenUsage>): TokenUsage => ({ ...ZERO_TOKEN_USAGE, ...fields });

describe("TurnProgressMeter", () => {
	it("estimates a call's output from its streamed text until the API counts it", () => {
		const { meter, updates } = listenedMeter();
		meter.phase("researching");
		meter.streamed("x".repeat(CHARS_PER_TOKEN * 10));
		meter.streamed("x".repeat(CHARS_PER_TOKEN * 5 + 1));
		meter.counted({ outputTokens: 30, inputTokens: 900 });
		expect(updates).toEqual([
			{ outputTokens: 0, inputTokens: 0, searches: 0, phase: "researching" },
			{ outputTokens: 10, inputTokens: 0, searches: 0 },
			{ outputTokens: 16, inputTokens: 0, searches: 0 },
			{ outputTokens: 30, inputTokens: 900, searches: 0 },
		]);
	});

	it("adds each finished call's usage to the next call's progress, and never reports less than before", () => {
		const { meter, updates } = listenedMeter();
		meter.streamed("x".repeat(CHARS_PER_TOKEN * 100));
		meter.settle(usage({ outputTokens: 80, inputTokens: 500, cacheReadTokens: 1500, searchCalls: 2 }));
		meter.phase("writing the findings");
		meter.streamed("x".repeat(CHARS_PER_TOKEN * 30));
		meter.settle(usage({ outputTokens: 140, inputTokens: 900, cacheReadTokens: 3000, searchCalls: 2 }));
		expect(updates.map((update) => update.outputTokens)).toEqual([100, 100, 100, 110, 140]);
		expect(updates.at(-1)).toEqual({ outputTokens: 140, inputTokens: 3900, searches: 2 });
	});

	it("counts searches as they begin, and keeps them when the usage counts fewer", () => {
		const { meter, updates } = listenedMeter();
		meter.searched();
		meter.searched();
		meter.searched();
		meter.settle(usage({ searchCalls: 2 }));
		expect(updates.map((update) => update.searches)).toEqual([1, 2, 3]);
	});

	it("stays silent without a listener", () => {
		const meter = new TurnProgressMeter(undefined);
		expect(meter.listening).toBe(false);
		meter.phase("researching");
		meter.streamed("text");
		meter.settle(usage({ outputTokens: 1 }));
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	type AttemptLimits,
	type AttemptStage,
	attemptProgress,
	foldTurnProgress,
	TURN_START,
	type TurnState,
} from "../../../src/agents/attempt-progress";
import type { TurnProgress } from "../../../src/providers/types";

const LIMITS: AttemptLimits = { maxOutputTokens: 8192, maxSearches: 6 };

/** A provider's updates as an adapter sends them: counts that never fall, phases now and then. */
const arbitraryUpdates = fc
	.array(
		fc.record(
			{
				outputTokens: fc.nat({ max: 2_000 }),
				searches: fc.nat({ max: 3 }),
				phase: fc.constantFrom("researching", "writing the findings", "repairing the findings"),
			},
			{ requiredKeys: [] },
		),
		{ maxLength: 40 },
	)
	.map((steps) => {
		let outputTokens = 0;
		let searches = 0;
		return steps.map((step): TurnProgress => {
			outputTokens += step.outputTokens ?? 0;
			searches += step.searches ?? 0;
			return {
				...(step.outputTokens === undefined ? {} : { outputTokens }),
				...(step.searches === undefined ? {} : { searches }),
				...(step.phase === undefined ? {} : { phase: step.phase }),
			};
		});
	});

const arbitraryLimits = fc.record({
	maxOutputTokens: fc.integer({ min: 1, max: 64_000 }),
	maxSearches: fc.integer({ min: 1, max: 10 }),
});

/** The stages of one attempt in order: reading, the turn's updates, then snapshotting and registering or not. */
function stagesOf(updates: TurnProgress[], snapshots: boolean, registers: boolean): AttemptStage[] {
	const stages: AttemptStage[] = [
		{ kind: "reading", sources: 3 },
		{ kind: "calling", turn: TURN_START },
	];
	let turn: TurnState = TURN_START;
	for (const update of updates) {
		turn = foldTurnProgress(turn, update);
		stages.push({ kind: "calling", turn });
	}
	if (snapshots) stages.push({ kind: "snapshotting", pages: 4 });
	if (registers) stages.push({ kind: "registering", sources: 2 });
	return stages;
}

describe("an attempt's progress", () => {
	it("never falls and stays within 0–99, whatever the provider reports", () => {
		fc.assert(
			fc.property(
				arbitraryUpdates,
				arbitraryLimits,
				fc.boolean(),
				fc.boolean(),
				(updates, limits, snapshots, registers) => {
					const percents = stagesOf(updates, snapshots, registers).map(
						(stage) => attemptProgress(stage, limits).percent,
					);
					for (const [index, percent] of percents.entries()) {
						expect(percent).toBeGreaterThanOrEqual(0);
						expect(percent).toBeLessThanOrEqual(99);
						if (index > 0) expect(percent).toBeGreaterThanOrEqual(percents[index - 1] ?? 0);
					}
				},
			),
		);
	});

	it("moves through the turn's band with output tokens, searches and phases, and past it after", () => {
		const percent = (turn: Partial<TurnState>) =>
			attemptProgress({ kind: "calling", turn: { ...TURN_START, ...turn } }, LIMITS).percent;
		expect(attemptProgress({ kind: "reading", sources: 2 }, LIMITS).percent).toBe(5);
		expect(percent({})).toBe(10);
		expect(percent({ outputTokens: 4096 })).toBeCloseTo(32.5);
		expect(percent({ searches: 6 })).toBeCloseTo(21.25);
		expect(percent({ phases: 2 })).toBeCloseTo(19);
		expect(percent({ outputTokens: 8192, searches: 6, phases: 3 })).toBe(55);
		expect(percent({ outputTokens: 100_000 })).toBe(55);
		expect(attemptProgress({ kind: "snapshotting", pages: 3 }, LIMITS).percent).toBe(60);
		expect(attemptProgress({ kind: "registering", sources: 3 }, LIMITS).percent).toBe(80);
	});

	it("says what the attempt is doing", () => {
		const note = (stage: AttemptStage) => attemptProgress(stage, LIMITS).note;
		expect(note({ kind: "reading", sources: 1 })).toBe("reading 1 stored source");
		expect(note({ kind: "reading", sources: 0 })).toBe("no stored sources to read");
		expect(note({ kind: "calling", turn: TURN_START })).toBe("waiting for the provider");
		expect(
			note({ kind: "calling", turn: { outputTokens: 1412, searches: 2, phase: "researching", phases: 1 } }),
		).toBe("researching, search 2 of 6, 1,412 tokens so far");
		expect(note({ kind: "calling", turn: { ...TURN_START, searches: 9 } })).toBe("search 9");
		expect(note({ kind: "calling", turn: { ...TURN_START, phase: "ranking 40 passages", phases: 2 } })).toBe(
			"ranking 40 passages",
		);
		expect(note({ kind: "snapshotting", pages: 4 })).toBe("snapshotting 4 retrieved pages");
		expect(note({ kind: "registering", sources: 2 })).toBe("registering 2 new sources");
	});
});

describe("folding a turn's updates", () => {
	it("keeps the highest counts, the latest phase, and counts a phase only when it changes", () => {
		const updates: TurnProgress[] = [
			{ phase: "researching" },
			{ searches: 1 },
			{ outputTokens: 40, searches: 1 },
			{ phase: "researching", outputTokens: 90 },
			{ outputTokens: 60 },
			{ phase: "writing the findings", outputTokens: 400, inputTokens: 2_000 },
		];
		expect(updates.reduce(foldTurnProgress, TURN_START)).toEqual({
			outputTokens: 400,
			searches: 1,
			phase: "writing the findings",
			phases: 2,
		});
	});
});

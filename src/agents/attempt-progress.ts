/**
 * What a running attempt tells its coordinator with each heartbeat: a percentage and a short note. The
 * percentage follows the attempt's stages and never falls as they go by:
 *
 *   reading the job's sources     5 %
 *   the provider turn             10 + 45 × min(1, t / T + s / (4 × S) + p / 10) %
 *   snapshotting retrieved pages  60 %
 *   registering new sources       80 %
 *
 * where t is the turn's output tokens so far against its cap T, s its searches and page fetches so far
 * against their bound S, and p the phases the provider has moved through. Output is most of a turn's
 * time, so tokens weigh most; searches come before the writing, and a phase (a call, a round of tools, a
 * step of the offline provider) moves the bar even when nothing is streamed. 100 % is left to the
 * coordinator, which sets it when it accepts the result.
 */
import type { TurnProgress } from "../providers/types";
import { plural } from "../synthesis/report-text";

/** A provider turn's progress as its updates add up. */
export type TurnState = {
	outputTokens: number;
	searches: number;
	/** The latest phase the provider named. */
	phase: string | null;
	/** How many times the phase changed. */
	phases: number;
};

/** Where an attempt is. */
export type AttemptStage =
	| { kind: "reading"; sources: number }
	| { kind: "calling"; turn: TurnState }
	| { kind: "snapshotting"; pages: number }
	| { kind: "registering"; sources: number };

/** The bounds a turn's progress is measured against. */
export type AttemptLimits = { maxOutputTokens: number; maxSearches: number };

export type AttemptProgress = { percent: number; note: string };

/** A turn nothing was heard from yet. */
export const TURN_START: TurnState = { outputTokens: 0, searches: 0, phase: null, phases: 0 };

/** The percentages of the stages; the turn's band runs from `callStart` over `callSpan` points. */
const PERCENT = { reading: 5, callStart: 10, callSpan: 45, snapshotting: 60, registering: 80 } as const;
/** The share of the turn's band one search or fetch is worth, at `maxSearches` of them together. */
const SEARCH_SHARE = 1 / 4;
/** The share of the turn's band one phase change is worth. */
const PHASE_SHARE = 1 / 10;

/**
 * The turn's state after one more update; counts only ever rise, and a phase counts when it changes.
 * @example foldTurnProgress(TURN_START, { phase: "researching", searches: 1 }) // { …, searches: 1, phase: "researching", phases: 1 }
 */
export function foldTurnProgress(state: TurnState, update: TurnProgress): TurnState {
	const changed = update.phase !== undefined && update.phase !== state.phase;
	return {
		outputTokens: Math.max(state.outputTokens, update.outputTokens ?? 0),
		searches: Math.max(state.searches, update.searches ?? 0),
		phase: update.phase ?? state.phase,
		phases: state.phases + (changed ? 1 : 0),
	};
}

/**
 * The percentage and note of a heartbeat at `stage` (the formula is in the module comment).
 * @example attemptProgress({ kind: "snapshotting", pages: 4 }, limits) // { percent: 60, note: "snapshotting 4 retrieved pages" }
 */
export function attemptProgress(stage: AttemptStage, limits: AttemptLimits): AttemptProgress {
	switch (stage.kind) {
		case "reading":
			return {
				percent: PERCENT.reading,
				note:
					stage.sources > 0
						? `reading ${plural(stage.sources, "stored source")}`
						: "no stored sources to read",
			};
		case "calling":
			return { percent: turnPercent(stage.turn, limits), note: turnNote(stage.turn, limits) };
		case "snapshotting":
			return { percent: PERCENT.snapshotting, note: `snapshotting ${plural(stage.pages, "retrieved page")}` };
		case "registering":
			return { percent: PERCENT.registering, note: `registering ${plural(stage.sources, "new source")}` };
	}
}

function turnPercent(turn: TurnState, limits: AttemptLimits): number {
	const share =
		turn.outputTokens / Math.max(1, limits.maxOutputTokens) +
		(SEARCH_SHARE * turn.searches) / Math.max(1, limits.maxSearches) +
		PHASE_SHARE * turn.phases;
	return PERCENT.callStart + PERCENT.callSpan * Math.min(1, share);
}

/** @example turnNote({ outputTokens: 412, searches: 2, phase: "researching", phases: 1 }, limits) // "researching, search 2 of 6, 412 tokens so far" */
function turnNote(turn: TurnState, limits: AttemptLimits): string {
	// Gemini's grounding has no bound on its searches, so a turn may run past the planned number.
	const bound = turn.searches > limits.maxSearches ? "" : ` of ${limits.maxSearches}`;
	const parts = [
		turn.phase,
		turn.searches > 0 ? `search ${turn.searches}${bound}` : null,
		turn.outputTokens > 0 ? `${turn.outputTokens.toLocaleString("en-US")} tokens so far` : null,
	].filter((part) => part !== null);
	return parts.length > 0 ? parts.join(", ") : "waiting for the provider";
}

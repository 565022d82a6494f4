/**
 * The progress of one provider turn while it runs (`AgentTurn.onProgress`). Adapters feed the meter what
 * their streams say — output text as it arrives, the API's running token counts, each search or page
 * fetch as it begins — and settle it with the turn's usage after every call; the meter reports the
 * turn's totals so far.
 *
 * Output tokens of the call under way are the API's running count where the stream carries one, else
 * ⌈streamed characters / CHARS_PER_TOKEN⌉, whichever is larger; once the call has finished, its reported
 * usage counts instead. No reported value ever decreases: an estimate that ran ahead of the call's real
 * count is held until the real totals pass it.
 */
import type { TokenUsage, TurnProgress } from "./types";

/** Characters of streamed text counted as one output token where the API streams no running count. */
export const CHARS_PER_TOKEN = 4;

/** The phases the model adapters report, the same words on every provider. */
export const TURN_PHASES = {
	/** A call that may search the web. */
	research: "researching",
	/** A call that writes the structured findings without searching. */
	write: "writing the findings",
	/** The one repair call after output that failed the schema. */
	repair: "repairing the findings",
} as const;

type Totals = { outputTokens: number; inputTokens: number; searches: number };
type CallCounts = { chars: number; outputTokens: number; inputTokens: number };

const NO_CALL: CallCounts = { chars: 0, outputTokens: 0, inputTokens: 0 };

/** Running totals of one turn, reported to its `onProgress` listener (none: the meter stays silent). */
export class TurnProgressMeter {
	private settled = { outputTokens: 0, inputTokens: 0 };
	private call: CallCounts = NO_CALL;
	private searches = 0;
	private reported: Totals = { outputTokens: 0, inputTokens: 0, searches: 0 };

	constructor(private readonly listener: ((update: TurnProgress) => void) | undefined) {}

	/** Whether anyone listens: adapters stream their calls only then. */
	get listening(): boolean {
		return this.listener !== undefined;
	}

	/** The turn moved on to `phase` (a call began, a round of tools). */
	phase(phase: string): void {
		this.report(phase);
	}

	/** Output text of the call under way (answer, tool input or thinking), as it streams in. */
	streamed(text: string): void {
		if (text.length === 0) return;
		this.call = { ...this.call, chars: this.call.chars + text.length };
		this.report();
	}

	/** The API's running token counts of the call under way. */
	counted(counts: { outputTokens?: number; inputTokens?: number }): void {
		this.call = {
			...this.call,
			outputTokens: Math.max(this.call.outputTokens, counts.outputTokens ?? 0),
			inputTokens: Math.max(this.call.inputTokens, counts.inputTokens ?? 0),
		};
		this.report();
	}

	/** A web search or page fetch began. */
	searched(): void {
		this.searches += 1;
		this.report();
	}

	/** A call finished; `turnUsage`, the turn's usage so far, replaces whatever was estimated of it. */
	settle(turnUsage: TokenUsage): void {
		this.settled = {
			outputTokens: turnUsage.outputTokens,
			inputTokens: turnUsage.inputTokens + turnUsage.cacheReadTokens + turnUsage.cacheWriteTokens,
		};
		this.call = NO_CALL;
		this.searches = Math.max(this.searches, turnUsage.searchCalls + turnUsage.fetchCalls);
		this.report();
	}

	private report(phase?: string): void {
		if (!this.listener) return;
		const estimated = Math.max(this.call.outputTokens, Math.ceil(this.call.chars / CHARS_PER_TOKEN));
		const totals: Totals = {
			outputTokens: Math.max(this.reported.outputTokens, this.settled.outputTokens + estimated),
			inputTokens: Math.max(this.reported.inputTokens, this.settled.inputTokens + this.call.inputTokens),
			searches: this.searches,
		};
		const changed =
			totals.outputTokens !== this.reported.outputTokens ||
			totals.inputTokens !== this.reported.inputTokens ||
			totals.searches !== this.reported.searches;
		this.reported = totals;
		if (phase !== undefined) this.listener({ ...totals, phase });
		else if (changed) this.listener(totals);
	}
}

/**
 * The agents' outputs as they returned them, before any checking, for the JSON report's appendix:
 * bounded so that a verbose agent cannot bloat the report. Pure.
 *
 * The bound: every agent gets `min(RAW_OUTPUT_CHARS_PER_AGENT, RAW_OUTPUT_CHARS_PER_REPORT / agents)`
 * characters. Its text (narrative, or the raw output that failed the output schema) is cut to half of
 * that at most; its findings are then kept in the order it returned them while their JSON fits in the
 * rest, and the ones after the first that does not fit are counted, not shown.
 */
import type { ReportRawOutput } from "./report-schema";
import type { RawAgentOutput } from "./types";

/** The most characters of one agent's output the report keeps. */
export const RAW_OUTPUT_CHARS_PER_AGENT = 20_000;
/** The most characters of all agents' outputs together. */
export const RAW_OUTPUT_CHARS_PER_REPORT = 200_000;

/**
 * Each agent's output within its share of the bound (module comment), in the order given.
 * @example boundRawOutputs([{ taskId: "explorer", role: "explorer", findings, narrative, malformedOutput: null }])
 */
export function boundRawOutputs(outputs: readonly RawAgentOutput[]): ReportRawOutput[] {
	const budget = Math.min(
		RAW_OUTPUT_CHARS_PER_AGENT,
		Math.floor(RAW_OUTPUT_CHARS_PER_REPORT / Math.max(1, outputs.length)),
	);
	return outputs.map((output) => {
		const textBudget = Math.floor(budget / 2);
		const narrative = output.narrative.slice(0, textBudget);
		const malformedOutput = output.malformedOutput?.slice(0, textBudget) ?? null;
		let left = budget - narrative.length - (malformedOutput?.length ?? 0);
		let kept = 0;
		for (const finding of output.findings) {
			const size = JSON.stringify(finding).length;
			if (size > left) break;
			left -= size;
			kept += 1;
		}
		return {
			taskId: output.taskId,
			role: output.role,
			findings: output.findings.slice(0, kept),
			findingsOmitted: output.findings.length - kept,
			narrative,
			malformedOutput,
			truncated:
				narrative.length < output.narrative.length ||
				(malformedOutput?.length ?? 0) < (output.malformedOutput?.length ?? 0),
		};
	});
}

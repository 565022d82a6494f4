/** A finished job's trajectory: what it did and achieved, as the reward and later recalls read it. */
import type { Trajectory } from "../learning/reward";
import type { Aggregation } from "../synthesis/types";
import { computeMetrics, type JobState } from "./state";

/** The trajectory of `state`'s job, whose report produced `aggregation`. */
export function trajectoryOf(state: JobState, aggregation: Aggregation, now: number): Trajectory {
	const ran = state.tasks.find((task) => task.status === "completed");
	const metrics = computeMetrics(state, now);
	return {
		task: state.task,
		config: state.config,
		agents: state.tasks.map(({ id, role, status, timeShare, startedAt, finishedAt }) => ({
			id,
			role,
			status,
			timeShare,
			startedAt,
			finishedAt,
		})),
		provider: ran?.provider ?? state.config.provider,
		model: ran?.model ?? state.config.model,
		durationMs: metrics.durationMs ?? 0,
		usage: metrics.usage,
		verification: aggregation.verification,
		quality: aggregation.quality,
		sourcesRetrieved: state.sources.filter((source) => source.status === "retrieved").length,
		supportedFindings: aggregation.findings.filter((finding) => finding.support.verdict === "supported")
			.length,
		budgetLimited: state.budget.limited,
	};
}

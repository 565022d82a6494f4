/**
 * A job's part in learning: before it is planned, the tenant's similar successful patterns adjust its
 * plan and prompts; once it completes, its trajectory becomes a pattern for later jobs.
 */
import { recordPatternUses } from "../db/learning-queries";
import { database } from "../db/queries";
import { type AppliedLearning, applyPatterns } from "../learning/apply";
import { linkPattern } from "../learning/consolidate";
import type { Trajectory } from "../learning/reward";
import { recallClusters, recallPatterns, recordPattern } from "../learning/service";
import { configuredProviders, providerSettings } from "../providers/settings";
import type { JobState } from "./state";

/**
 * What the tenant's similar successful patterns change in this job, or a note saying why none did.
 * Learning improves a job and never stops one: a failed recall is only noted.
 */
export async function recallLearning(
	env: Env,
	state: JobState,
	now: number,
): Promise<AppliedLearning | { note: string }> {
	try {
		const patterns = await recallPatterns(env, state.tenantId, state.task);
		if (patterns.length === 0) return { note: "No similar successful pattern was found for this task." };
		const configured = configuredProviders(providerSettings(env));
		const clusters = await recallClusters(
			env,
			state.tenantId,
			patterns.map((pattern) => pattern.id),
		);
		const applied = applyPatterns(state.config, patterns, state.explicit, configured, clusters);
		if (applied.patternsUsed.length === 0) {
			return {
				note: "The similar patterns found came from single-agent runs, which are not applied to a swarm.",
			};
		}
		await recordPatternUses(
			database(env.DB),
			state.tenantId,
			state.jobId,
			applied.patternsUsed.map((used) => ({ patternId: used.id, score: used.score, changes: used.changed })),
			now,
		);
		return applied;
	} catch (error) {
		console.error("pattern recall failed", state.jobId, String(error));
		return { note: "Learned patterns could not be consulted for this job." };
	}
}

/**
 * Records the completed job's trajectory as a pattern and links it to the tenant's other patterns;
 * throws when the pattern index or D1 refuses (both steps are idempotent, so a retry is safe).
 */
export async function learnFromJob(
	env: Env,
	state: JobState,
	trajectory: Trajectory,
	now: number,
): Promise<void> {
	const { patternId } = await recordPattern(env, {
		jobId: state.jobId,
		tenantId: state.tenantId,
		taskType: state.config.taskType,
		trajectory,
		now,
	});
	await linkPattern(env, state.tenantId, patternId, now);
}

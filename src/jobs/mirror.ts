/**
 * The D1 mirror of a job: its row in `jobs` and its agents' rows in `agent_runs`, which the job list, the
 * dashboard and the learning views read. The coordinator stays authoritative; the mirror only follows.
 */
import { type AgentRunRow, database, syncJob } from "../db/queries";
import { TERMINAL_JOB_STATUSES } from "../protocol";
import { jobProgress } from "../swarm/dag";
import { computeMetrics, type JobState } from "./state";

/**
 * Writes the job's row and its agents' rows as they are in `state`; throws when D1 refuses.
 * @example await mirrorJob(env.DB, state, Date.now()); // then record state.mirror.version as synced
 */
export async function mirrorJob(db: D1Database, state: JobState, now: number): Promise<void> {
	const runs: AgentRunRow[] = state.tasks.map((task) => ({
		tenantId: state.tenantId,
		jobId: state.jobId,
		taskId: task.id,
		role: task.role,
		phase: task.phase,
		status: task.status,
		attempts: task.attempts,
		provider: task.provider,
		model: task.model,
		startedAt: task.startedAt,
		finishedAt: task.finishedAt,
		inputTokens: task.usage.inputTokens,
		outputTokens: task.usage.outputTokens,
		costUsd: task.usage.costUsd,
		error: task.error,
	}));
	const terminal = TERMINAL_JOB_STATUSES.includes(state.status);
	await syncJob(
		database(db),
		state.tenantId,
		state.jobId,
		{
			status: state.status,
			progress: jobProgress(state.tasks),
			partial: state.partial,
			error: state.error ? JSON.stringify(state.error) : null,
			metrics: terminal ? JSON.stringify(computeMetrics(state, now)) : null,
			updatedAt: state.updatedAt,
			completedAt: state.phaseStartedAt.finished,
		},
		runs,
	);
}

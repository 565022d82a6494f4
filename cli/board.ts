/**
 * The progress display's picture of a job read from its job view rather than folded from its events: the
 * view is authoritative, so the final frame and the `view` command show every agent's end state.
 */
import type { AgentProgress, JobProgress } from "../src/events/progress.ts";
import { emptyProgress } from "../src/events/progress.ts";
import type { JobView, TaskView } from "../src/protocol.ts";

function agentFromTask(task: TaskView): AgentProgress {
	return {
		id: task.id,
		role: task.role,
		phase: task.phase,
		dependsOn: task.dependsOn,
		timeShare: task.timeShare,
		subgoalId: task.subgoalId ?? null,
		status: task.status,
		progress: task.progress,
		attempt: task.attempts,
		completions: task.status === "completed" ? 1 : 0,
		dispatchedAt: task.dispatchedAt,
		startedAt: task.startedAt,
		finishedAt: task.finishedAt,
		provider: task.provider,
		model: task.model,
		usage: task.usage,
		findings: null,
		providerMs: null,
		note: null,
		error: task.error,
	};
}

/** The job's progress as its job view states it. */
export function progressFromJob(job: JobView): JobProgress {
	const ended = job.completedAt !== null;
	return {
		...emptyProgress(),
		jobId: job.id,
		status: job.status,
		task: job.task,
		config: job.config,
		acceptedAt: job.createdAt,
		finishedAt: job.completedAt,
		agents: job.plan.map(agentFromTask),
		terminalEvents: ended ? 1 : 0,
		partial: job.partial,
		error: job.error,
		metrics: ended ? job.metrics : null,
	};
}

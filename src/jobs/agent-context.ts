/** What an agent attempt is told when it starts: its task, its time, its sources and its upstream results. */
import type { AgentContext, UpstreamResult } from "../protocol";
import type { JobState, TaskRuntime } from "./state";

/** An agent attempt must end inside the queue consumer's 15-minute wall clock. */
const MAX_ATTEMPT_MS = 14 * 60_000;

/**
 * The context of `task`'s current attempt. Its time budget is its share of the job's time, never more
 * than the consumer allows nor past the job's deadline, and at least a second.
 */
export function agentContext(
	state: JobState,
	task: TaskRuntime,
	upstream: UpstreamResult[],
	now: number,
): AgentContext {
	const budget = state.config.timeMinutes * 60_000 * task.timeShare;
	return {
		jobId: state.jobId,
		tenantId: state.tenantId,
		taskId: task.id,
		attempt: task.attempts,
		role: task.role,
		phase: task.phase,
		task: researchTask(state, task),
		config: state.config,
		provider: task.provider ?? state.config.provider,
		model: task.model,
		timeShare: task.timeShare,
		timeBudgetMs: Math.max(1_000, Math.min(budget, MAX_ATTEMPT_MS, state.deadline - now)),
		sources: state.sources,
		upstream,
		lessons: state.learning.lessons,
	};
}

/** What an agent researches: its sub-goal in goal mode (with the overall goal for context), else the task. */
function researchTask(state: JobState, task: TaskRuntime): string {
	const subgoal = state.goal?.subgoals.find((candidate) => candidate.id === task.subgoalId);
	return subgoal ? `${subgoal.description} (part of: ${state.task})` : state.task;
}

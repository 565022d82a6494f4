/**
 * A job's progress as its event log tells it, for MCP progress notifications: the planned tasks'
 * states folded event by event, and the percentage the job view would show.
 */
import { z } from "@hono/zod-openapi";
import { type JobEvent, PlannedTaskSchema, type TaskStatus, TERMINAL_EVENT_TYPES } from "../protocol";
import { jobProgress, type TaskState } from "../swarm/dag";

/** What the events so far say: the tasks of the plan (empty until `job.planned`) and whether the job ended. */
export type EventProgress = { tasks: readonly TaskState[]; ended: boolean };

/** Before any event: nothing planned, not ended. */
export const NO_PROGRESS: EventProgress = { tasks: [], ended: false };

/**
 * The highest percentage a job that has not ended reports: its tasks can all be done while the report
 * is still being written, and 100 is kept for the terminal event so the last notification always rises.
 */
export const MAX_UNFINISHED_PERCENT = 99;

const PlanSchema = z.array(PlannedTaskSchema.pick({ id: true, dependsOn: true, timeShare: true }));

const STATUS_AFTER: Partial<Record<JobEvent["type"], TaskStatus>> = {
	"agent.dispatched": "dispatched",
	"agent.started": "running",
	"agent.completed": "completed",
	"agent.failed": "failed",
};

/**
 * The progress after one more event. `job.planned` sets the tasks; agent events move one task (a dispatch
 * starts a new attempt at 0 %, `agent.progress` raises it); a terminal job event ends the job.
 * Events about tasks the plan does not name change nothing.
 */
export function advance(state: EventProgress, event: JobEvent): EventProgress {
	if (TERMINAL_EVENT_TYPES.includes(event.type)) return { ...state, ended: true };
	if (event.type === "job.planned") {
		const plan = PlanSchema.safeParse(event.data.plan);
		if (!plan.success) return state;
		return {
			...state,
			tasks: plan.data.map((task) => ({ ...task, status: "pending" as const, progress: 0 })),
		};
	}
	const agentId = event.data.agentId;
	if (agentId === undefined) return state;
	const status = STATUS_AFTER[event.type];
	const reported = event.type === "agent.progress" ? z.number().safeParse(event.data.progress) : null;
	return {
		...state,
		tasks: state.tasks.map((task) => {
			if (task.id !== agentId) return task;
			if (event.type === "agent.dispatched") return { ...task, status: "dispatched", progress: 0 };
			if (status) return { ...task, status };
			if (reported?.success) return { ...task, progress: Math.max(task.progress, reported.data) };
			return task;
		}),
	};
}

/**
 * The job's percentage: 100 once it ended, otherwise the time-share-weighted progress of its tasks
 * (the job view's formula) capped at MAX_UNFINISHED_PERCENT.
 * @example percentOf({ tasks: [], ended: false }) // 0
 */
export function percentOf(state: EventProgress): number {
	if (state.ended) return 100;
	return Math.min(MAX_UNFINISHED_PERCENT, jobProgress(state.tasks));
}

/**
 * A short line naming the event and, for agent events, the agent.
 * @example describeEvent(event) // "agent.completed: explorer (t1)"
 */
export function describeEvent(event: JobEvent): string {
	const { role, agentId } = event.data;
	if (role === undefined || agentId === undefined) return event.type;
	return `${event.type}: ${role} (${agentId})`;
}

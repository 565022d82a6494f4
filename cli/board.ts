/**
 * The live picture of a job that the progress display draws: the job's status and one row per agent,
 * folded from the job's events or read from a job view. Pure data in, data out.
 */

import { z } from "zod";
import { usageTokens } from "../public/assets/format.js";
import {
	type JobEvent,
	type JobStatus,
	type JobView,
	PlannedTaskSchema,
	type Role,
	type TaskStatus,
	TERMINAL_EVENT_TYPES,
	UsageSchema,
} from "../src/protocol.ts";

/** A task's status, plus `retrying` between a failed attempt and the next dispatch. */
export type AgentStatus = TaskStatus | "retrying";

export type AgentRow = {
	id: string;
	role: Role;
	status: AgentStatus;
	/** Percent, 0–100. */
	progress: number;
	startedAt: number | null;
	finishedAt: number | null;
	/** Input, output and cache tokens together. */
	tokens: number;
	costUsd: number;
};

export type Board = {
	jobId: string;
	status: JobStatus;
	/** When the job was accepted (server clock), once known. */
	acceptedAt: number | null;
	finishedAt: number | null;
	agents: AgentRow[];
};

const JOB_STATUS_AFTER: Partial<Record<JobEvent["type"], JobStatus>> = {
	"job.accepted": "queued",
	"job.planned": "running",
	"job.synthesizing": "synthesizing",
	"job.completed": "completed",
	"job.failed": "failed",
	"job.cancelled": "cancelled",
};

/** The `plan` of a `job.planned` event. */
export const PlanSchema = z.array(PlannedTaskSchema);

/** A board for a job nothing is known about yet. */
export function emptyBoard(jobId: string): Board {
	return { jobId, status: "queued", acceptedAt: null, finishedAt: null, agents: [] };
}

function pendingAgent(id: string, role: Role): AgentRow {
	return {
		id,
		role,
		status: "pending",
		progress: 0,
		startedAt: null,
		finishedAt: null,
		tokens: 0,
		costUsd: 0,
	};
}

/** An agent's row after one of its own events. */
function applyAgentEvent(agent: AgentRow, event: JobEvent): AgentRow {
	const { at, progress } = event.data;
	switch (event.type) {
		case "agent.dispatched":
			return { ...agent, status: "dispatched", progress: 0, finishedAt: null };
		case "agent.started":
			// Elapsed time counts from the first attempt's start, so retries show in it.
			return { ...agent, status: "running", startedAt: agent.startedAt ?? at, finishedAt: null };
		case "agent.progress":
			return {
				...agent,
				status: "running",
				progress: typeof progress === "number" ? Math.min(100, Math.max(0, progress)) : agent.progress,
			};
		case "agent.completed": {
			const usage = UsageSchema.safeParse(event.data.usage);
			const spent = usage.success ? { tokens: usageTokens(usage.data), costUsd: usage.data.costUsd } : {};
			return { ...agent, status: "completed", progress: 100, finishedAt: at, ...spent };
		}
		case "agent.failed":
			return { ...agent, status: "failed", finishedAt: at };
		case "agent.retrying":
			return { ...agent, status: "retrying" };
		default:
			return agent;
	}
}

/**
 * The board after one event. `job.planned` lists the agents; agent events move them along; job events
 * move the job's status.
 */
export function applyEvent(board: Board, event: JobEvent): Board {
	const jobStatus = JOB_STATUS_AFTER[event.type];
	const next: Board = jobStatus ? { ...board, status: jobStatus } : { ...board };
	if (event.type === "job.accepted") next.acceptedAt = event.data.at;
	if (TERMINAL_EVENT_TYPES.includes(event.type)) next.finishedAt = event.data.at;
	if (event.type === "job.planned") {
		const plan = PlanSchema.safeParse(event.data.plan);
		if (plan.success) {
			const known = new Map(board.agents.map((agent) => [agent.id, agent]));
			next.agents = plan.data.map((task) => known.get(task.id) ?? pendingAgent(task.id, task.role));
		}
	}
	const { agentId, role } = event.data;
	if (event.type.startsWith("agent.") && agentId !== undefined && role !== undefined) {
		const known = next.agents.some((agent) => agent.id === agentId);
		const rows = known ? next.agents : [...next.agents, pendingAgent(agentId, role)];
		next.agents = rows.map((agent) => (agent.id === agentId ? applyAgentEvent(agent, event) : agent));
	}
	return next;
}

/** The board as a job view states it: authoritative, so the final frame shows every agent's end state. */
export function boardFromJob(job: JobView): Board {
	return {
		jobId: job.id,
		status: job.status,
		acceptedAt: job.createdAt,
		finishedAt: job.completedAt,
		agents: job.plan.map((task) => ({
			id: task.id,
			role: task.role,
			status: task.status,
			progress: task.progress,
			startedAt: task.startedAt,
			finishedAt: task.finishedAt,
			tokens: usageTokens(task.usage),
			costUsd: task.usage.costUsd,
		})),
	};
}

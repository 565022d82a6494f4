/**
 * A job's progress as its event log tells it: one pure fold shared by everything that follows a job (the
 * CLI's board, the MCP progress notifications, the dashboard's live view and the benchmarks), so each of
 * them only renders. The fold mirrors the coordinator's own bookkeeping: the same statuses, the same
 * timestamps, the same percentage as the job view.
 *
 * No schema code: the dashboard's bundle must stay free of zod.
 */
import type {
	EffectiveConfig,
	JobEvent,
	JobMetrics,
	JobStatus,
	Phase,
	Role,
	TaskStatus,
	Usage,
} from "../protocol.ts";
import { jobProgress } from "../swarm/dag.ts";
import { type AgentEvent, isAgentEvent } from "./event-types.ts";

/** A task's status, plus `retrying` while a failed attempt waits for its next delivery. */
export type AgentStatus = TaskStatus | "retrying";

/** One agent task as its events tell it. Timestamps are the coordinator's clock (ms since the epoch). */
export type AgentProgress = {
	/** The task id, which names the agent. */
	id: string;
	role: Role;
	/** Its place in the plan; null, empty and 0 for an agent the plan did not list. */
	phase: Phase | null;
	dependsOn: string[];
	timeShare: number;
	/** In goal mode, the sub-goal whose sub-swarm it belongs to (known from its first event on). */
	subgoalId: string | null;
	status: AgentStatus;
	/** Percent, 0–100. */
	progress: number;
	/** Attempts dispatched so far. */
	attempt: number;
	/** `agent.completed` events seen: more than one would mean a result was accepted twice. */
	completions: number;
	/** When the latest attempt was dispatched and started. */
	dispatchedAt: number | null;
	startedAt: number | null;
	/** When it completed, failed, or was skipped because the job ended first. */
	finishedAt: number | null;
	provider: string | null;
	model: string | null;
	/** What the completed attempt spent; null until it completed. */
	usage: Usage | null;
	findings: number | null;
	/** Time the completed attempt spent inside its provider calls, as the agent measured it. */
	providerMs: number | null;
	/** The latest progress note. */
	note: string | null;
	/** The latest error, from a retry or the failure. */
	error: string | null;
};

/** A job as its events so far tell it. */
export type JobProgress = {
	jobId: string | null;
	/** The highest sequence number folded in: an event at or below it is a replay and changes nothing. */
	lastSeq: number;
	status: JobStatus;
	task: string | null;
	config: EffectiveConfig | null;
	acceptedAt: number | null;
	finishedAt: number | null;
	sources: { retrieved: number; unreachable: number } | null;
	/** The planned agents in plan order, then any agent the plan did not list, in order of appearance. */
	agents: AgentProgress[];
	/** The most agents in flight (dispatched and not yet finished or lost) at any one time. */
	maxInFlight: number;
	firstDispatchAt: number | null;
	/** `agent.retrying` events: failed attempts to be delivered again, and lost ones sent back to pending. */
	retries: number;
	/** Terminal events seen: more than one would mean the job ended twice. */
	terminalEvents: number;
	partial: boolean;
	error: { code: string; message: string } | null;
	/** The final metrics, from the terminal event. */
	metrics: JobMetrics | null;
};

/**
 * The highest percentage a job that has not ended reports: its agents can all be done while the report is
 * still being written, so 100 is kept for the terminal event.
 */
export const MAX_UNFINISHED_PERCENT = 99;

const IN_FLIGHT: ReadonlySet<AgentStatus> = new Set(["dispatched", "running", "retrying"]);
const FINISHED: ReadonlySet<AgentStatus> = new Set(["completed", "failed", "skipped"]);

/**
 * The progress of a job nothing is known about yet.
 * @example emptyProgress().status // "queued"
 */
export function emptyProgress(): JobProgress {
	return {
		jobId: null,
		lastSeq: 0,
		status: "queued",
		task: null,
		config: null,
		acceptedAt: null,
		finishedAt: null,
		sources: null,
		agents: [],
		maxInFlight: 0,
		firstDispatchAt: null,
		retries: 0,
		terminalEvents: 0,
		partial: false,
		error: null,
		metrics: null,
	};
}

function unplannedAgent(id: string, role: Role): AgentProgress {
	return {
		id,
		role,
		phase: null,
		dependsOn: [],
		timeShare: 0,
		subgoalId: null,
		status: "pending",
		progress: 0,
		attempt: 0,
		completions: 0,
		dispatchedAt: null,
		startedAt: null,
		finishedAt: null,
		provider: null,
		model: null,
		usage: null,
		findings: null,
		providerMs: null,
		note: null,
		error: null,
	};
}

/** The agent after one of its own events, as the coordinator moves the task. */
function advanceAgent(agent: AgentProgress, event: AgentEvent): AgentProgress {
	const { at, attempt, subgoalId } = event.data;
	const next = { ...agent, attempt, subgoalId: subgoalId ?? agent.subgoalId };
	switch (event.type) {
		case "agent.dispatched":
			return { ...next, status: "dispatched", progress: 0, dispatchedAt: at, finishedAt: null };
		case "agent.started": {
			const { provider, model } = event.data;
			return { ...next, status: "running", startedAt: at, provider, model };
		}
		case "agent.progress":
			return {
				...next,
				status: "running",
				progress: Math.max(agent.progress, event.data.progress),
				note: event.data.note ?? agent.note,
			};
		case "agent.completed": {
			const { usage, findings, providerMs } = event.data;
			return {
				...next,
				status: "completed",
				progress: 100,
				finishedAt: at,
				usage,
				findings,
				providerMs,
				completions: agent.completions + 1,
				error: null,
			};
		}
		case "agent.failed":
			return { ...next, status: "failed", finishedAt: at, error: event.data.error };
		case "agent.retrying":
			// A lost attempt goes back to pending and frees its slot; a failed one keeps its lease until redelivered.
			return event.data.reason === "lease_expired"
				? { ...next, status: "pending" }
				: { ...next, status: "retrying", error: event.data.error ?? agent.error };
	}
}

function withAgentEvent(progress: JobProgress, event: AgentEvent): JobProgress {
	const { agentId, role, at } = event.data;
	const known = progress.agents.some((agent) => agent.id === agentId);
	const agents = (known ? progress.agents : [...progress.agents, unplannedAgent(agentId, role)]).map(
		(agent) => (agent.id === agentId ? advanceAgent(agent, event) : agent),
	);
	const inFlight = agents.filter((agent) => IN_FLIGHT.has(agent.status)).length;
	const dispatched = event.type === "agent.dispatched";
	return {
		...progress,
		agents,
		maxInFlight: Math.max(progress.maxInFlight, inFlight),
		firstDispatchAt: dispatched ? (progress.firstDispatchAt ?? at) : progress.firstDispatchAt,
		retries: progress.retries + (event.type === "agent.retrying" ? 1 : 0),
	};
}

function withJobEvent(progress: JobProgress, event: Exclude<JobEvent, AgentEvent>): JobProgress {
	const { at } = event.data;
	switch (event.type) {
		case "job.accepted":
			return {
				...progress,
				status: "queued",
				acceptedAt: at,
				task: event.data.task,
				config: event.data.config,
			};
		case "job.planned": {
			const known = new Map(progress.agents.map((agent) => [agent.id, agent]));
			const planned = event.data.plan.map((task) => ({
				...(known.get(task.id) ?? unplannedAgent(task.id, task.role)),
				...task,
			}));
			const plannedIds = new Set(planned.map((agent) => agent.id));
			const unplanned = progress.agents.filter((agent) => !plannedIds.has(agent.id));
			return {
				...progress,
				status: "running",
				agents: [...planned, ...unplanned],
				sources: event.data.sources,
			};
		}
		case "job.synthesizing":
			return { ...progress, status: "synthesizing" };
		case "job.completed":
		case "job.failed":
		case "job.cancelled": {
			const { status, partial, error, metrics } = event.data;
			// The coordinator skips every task that had not finished when the job ended.
			const agents = progress.agents.map((agent) =>
				FINISHED.has(agent.status) ? agent : { ...agent, status: "skipped" as const, finishedAt: at },
			);
			return {
				...progress,
				status,
				finishedAt: at,
				agents,
				partial,
				error: error ?? null,
				metrics,
				terminalEvents: progress.terminalEvents + 1,
			};
		}
	}
}

/**
 * The progress after one more event, in sequence order. An event at or below `lastSeq` (a replay after a
 * resumed stream, a duplicate) returns the same progress object.
 * @example applyEvent(emptyProgress(), acceptedEvent).acceptedAt // acceptedEvent.data.at
 */
export function applyEvent(progress: JobProgress, event: JobEvent): JobProgress {
	if (event.seq <= progress.lastSeq) return progress;
	const next = isAgentEvent(event) ? withAgentEvent(progress, event) : withJobEvent(progress, event);
	return { ...next, jobId: event.data.jobId, lastSeq: event.seq };
}

/**
 * A job's progress from its events in any order, with any duplicates: they are folded by sequence number,
 * each once.
 */
export function foldEvents(events: readonly JobEvent[]): JobProgress {
	return [...events].sort((a, b) => a.seq - b.seq).reduce(applyEvent, emptyProgress());
}

/** Whether the job has ended (its terminal event was folded in). */
export function hasEnded(progress: JobProgress): boolean {
	return progress.terminalEvents > 0;
}

/**
 * The job's percentage: 100 once it ended, otherwise the job view's formula (its agents' progress weighted
 * by time share, finished agents counting as done) capped at MAX_UNFINISHED_PERCENT.
 * @example jobPercent(emptyProgress()) // 0
 */
export function jobPercent(progress: JobProgress): number {
	if (hasEnded(progress)) return 100;
	const tasks = progress.agents.map((agent) => ({
		...agent,
		status: agent.status === "retrying" ? ("running" as const) : agent.status,
	}));
	return Math.min(MAX_UNFINISHED_PERCENT, jobProgress(tasks));
}

/**
 * A job's persisted state, how a new one starts, and the pure functions that derive views from it.
 * Transitions (`transitions.ts`) turn one state into the next; the coordinator stores it.
 */
import type { SourceRequest } from "../evidence/ingest";
import type { ExplicitChoices } from "../learning/apply";
import type { Trajectory } from "../learning/reward";
import { percentile } from "../lib/stats";
import { jobPricing, sumUsage } from "../lib/usage";
import {
	type EffectiveConfig,
	type JobMetrics,
	type JobStatus,
	type JobView,
	jobLinks,
	type Metadata,
	type PlannedTask,
	type PricingWarning,
	type SourceRecord,
	type TaskView,
	type Usage,
	ZERO_USAGE,
} from "../protocol";
import type { BreakerState } from "../providers/breaker";
import type { GoalInput } from "../synthesis/types";

export type TaskRuntime = TaskView & {
	/** When the current attempt is presumed lost unless a heartbeat or result arrives first. */
	leaseExpiresAt: number | null;
};

export type JobState = {
	jobId: string;
	tenantId: string;
	task: string;
	config: EffectiveConfig;
	metadata: Metadata | null;
	status: JobStatus;
	createdAt: number;
	updatedAt: number;
	deadline: number;
	phaseStartedAt: {
		planning: number | null;
		running: number | null;
		synthesizing: number | null;
		finished: number | null;
	};
	partial: boolean;
	error: { code: string; message: string } | null;
	pendingSources: SourceRequest[];
	sources: SourceRecord[];
	tasks: TaskRuntime[];
	counters: { retries: number; redispatches: number; errors: number };
	/** Latency of every provider call, in ms, for the p50/p95/p99 in the metrics. */
	providerLatencies: number[];
	/**
	 * Usage of every agent call a provider billed, by provider: succeeded, failed, repaired, retried or
	 * abandoned alike. Absent in states stored before it was kept; their tasks' usage stands in.
	 */
	agentUsage?: Record<string, Usage>;
	/** Usage of the calls the coordinator makes itself (goal decomposition, support judging), by provider. */
	coordinatorUsage?: Record<string, Usage>;
	/** Why the job's cost is unknown or estimated: one warning per model and kind. */
	pricingWarnings?: PricingWarning[];
	budget: { limitUsd: number | null; spentUsd: number; reservedUsd: number; limited: boolean };
	breakers: Record<string, BreakerState>;
	fallbacks: JobMetrics["fallbacks"];
	/** Raw model output of agents that failed on malformed output, for the report's appendix. */
	rawOutputs: Record<string, string>;
	finalizeFailures: number;
	/** False once the job ended until its tenant quota slot is given back; absent while it runs. */
	quotaReleased?: boolean;
	/**
	 * The D1 mirror's debt: every change the mirror must show bumps `version`, and a successful sync
	 * records the version it wrote. Stored, so an evicted coordinator still knows what it owes.
	 */
	mirror: { version: number; synced: number };
	/** Consecutive tries that left owed work undone since the job ended; it spaces out the next ones. */
	owedRetries: number;
	explicit: ExplicitChoices;
	/** Where the job's terminal event is posted, besides the tenant's webhook endpoints. */
	callbackUrl: string | null;
	/** What learned patterns did to this job (shown in the report's Learning Patterns section). */
	learning: {
		patternsUsed: { id: string; task: string; reward: number; score: number; changed: string[] }[];
		lessons: string[];
		note: string;
	};
	/** Goal mode: the sub-goals, their tasks and the GOAP plan; null in direct mode. */
	goal: GoalInput | null;
	/** Whether the finished job was recorded as a pattern; the alarm retries until it is. */
	learned: boolean;
	trajectory?: Trajectory;
};

/** What `POST /v1/research` (or a webhook) hands the coordinator to start a job. */
export type StartJobInput = {
	jobId: string;
	tenantId: string;
	task: string;
	config: EffectiveConfig;
	metadata: Metadata | null;
	sources: SourceRequest[];
	createdAt: number;
	/** Settings the request fixed itself; learned patterns never override them. */
	explicit: ExplicitChoices;
	callbackUrl: string | null;
};

/** The state of a job that was just accepted: queued, nothing planned, nothing spent. */
export function newJobState(input: StartJobInput): JobState {
	return {
		jobId: input.jobId,
		tenantId: input.tenantId,
		task: input.task,
		config: input.config,
		metadata: input.metadata,
		status: "queued",
		createdAt: input.createdAt,
		updatedAt: input.createdAt,
		deadline: input.createdAt + input.config.timeMinutes * 60_000,
		phaseStartedAt: { planning: null, running: null, synthesizing: null, finished: null },
		partial: false,
		error: null,
		pendingSources: input.sources,
		sources: [],
		tasks: [],
		counters: { retries: 0, redispatches: 0, errors: 0 },
		providerLatencies: [],
		agentUsage: {},
		budget: { limitUsd: input.config.budgetUsd, spentUsd: 0, reservedUsd: 0, limited: false },
		breakers: {},
		fallbacks: [],
		rawOutputs: {},
		explicit: input.explicit,
		callbackUrl: input.callbackUrl,
		learning: { patternsUsed: [], lessons: [], note: "No learned patterns were applied to this job." },
		learned: false,
		goal: null,
		finalizeFailures: 0,
		mirror: { version: 1, synced: 0 },
		owedRetries: 0,
	};
}

/** Side effects a job still owes, read from its stored state alone. */
export type OwedWork = { mirror: boolean; quotaRelease: boolean; pattern: boolean };

/** What the job still owes: the D1 mirror, its tenant's quota slot, its learned pattern. */
export function owedWork(state: JobState): OwedWork {
	return {
		mirror: state.mirror.synced < state.mirror.version,
		quotaRelease: state.quotaReleased === false,
		pattern: state.status === "completed" && !state.learned && state.trajectory !== undefined,
	};
}

/** Fresh run state for each planned task. */
export function initialTasks(plan: PlannedTask[]): TaskRuntime[] {
	return plan.map((task) => ({
		...task,
		status: "pending",
		attempts: 0,
		progress: 0,
		dispatchedAt: null,
		startedAt: null,
		finishedAt: null,
		usage: { ...ZERO_USAGE },
		provider: null,
		model: null,
		error: null,
		leaseExpiresAt: null,
	}));
}

function span(from: number | null, to: number | null): number | null {
	return from !== null && to !== null ? Math.max(0, to - from) : null;
}

/** Durations, usage, latency percentiles and counts of a job, as of `now`. */
export function computeMetrics(state: JobState, now: number): JobMetrics {
	const { phaseStartedAt: at } = state;
	const end = at.finished ?? now;
	const usageByProvider: Record<string, Usage> = {};
	const agentUsage = state.agentUsage
		? Object.entries(state.agentUsage)
		: state.tasks.flatMap((task) => (task.provider ? [[task.provider, task.usage] as const] : []));
	const coordinatorUsage = Object.entries(state.coordinatorUsage ?? {});
	for (const [provider, usage] of [...agentUsage, ...coordinatorUsage]) {
		usageByProvider[provider] = sumUsage(usageByProvider[provider] ?? ZERO_USAGE, usage);
	}
	const count = (status: TaskView["status"]) => state.tasks.filter((task) => task.status === status).length;
	return {
		durationMs: at.finished !== null ? at.finished - state.createdAt : null,
		phases: {
			queuedMs: span(state.createdAt, at.planning ?? (at.finished !== null ? end : null)),
			planningMs: span(at.planning, at.running ?? (at.planning !== null ? (at.finished ?? null) : null)),
			runningMs: span(at.running, at.synthesizing ?? (at.running !== null ? end : null)),
			synthesizingMs: span(at.synthesizing, at.synthesizing !== null ? end : null),
		},
		usage: sumUsage(...state.tasks.map((task) => task.usage), ...coordinatorUsage.map(([, usage]) => usage)),
		usageByProvider,
		providerLatencyMs: {
			count: state.providerLatencies.length,
			p50: percentile(state.providerLatencies, 50),
			p95: percentile(state.providerLatencies, 95),
			p99: percentile(state.providerLatencies, 99),
		},
		agents: {
			planned: state.tasks.length,
			completed: count("completed"),
			failed: count("failed"),
			skipped: count("skipped"),
		},
		errors: state.counters.errors,
		retries: state.counters.retries,
		redispatches: state.counters.redispatches,
		budget: {
			limitUsd: state.budget.limitUsd,
			spentUsd: state.budget.spentUsd,
			limited: state.budget.limited,
		},
		fallbacks: state.fallbacks,
		pricing: jobPricing(state.pricingWarnings ?? []),
	};
}

/**
 * The metrics of a job that completes at `completedAt`, for its report: the report is built before the
 * job is marked completed, and must already state the job's whole duration.
 */
export function metricsAtCompletion(state: JobState, completedAt: number): JobMetrics {
	return computeMetrics(
		{ ...state, phaseStartedAt: { ...state.phaseStartedAt, finished: completedAt } },
		completedAt,
	);
}

/** The job as `GET /v1/research/:id` shows it. */
export function toJobView(state: JobState, progress: number, now: number): JobView {
	return {
		id: state.jobId,
		status: state.status,
		task: state.task,
		createdAt: state.createdAt,
		updatedAt: state.updatedAt,
		completedAt: state.phaseStartedAt.finished,
		config: state.config,
		plan: state.tasks.map(({ leaseExpiresAt: _lease, ...task }) => task),
		progress,
		partial: state.partial,
		sources: state.sources,
		metrics: computeMetrics(state, now),
		error: state.error,
		metadata: state.metadata,
		goal: state.goal ? goalView(state, state.goal) : null,
		links: jobLinks(state.jobId),
	};
}

/** The sub-goal tree of a goal-mode job, each sub-goal with the status of its sub-swarm. */
function goalView(state: JobState, goal: GoalInput): NonNullable<JobView["goal"]> {
	return {
		goal: goal.goal,
		levels: goal.levels,
		explanation: goal.explanation,
		subgoals: goal.subgoals.map((subgoal) => {
			const tasks = state.tasks.filter((task) => task.subgoalId === subgoal.id);
			const ended = tasks.every((task) => ["completed", "failed", "skipped"].includes(task.status));
			const started = tasks.some((task) => task.status !== "pending");
			return { ...subgoal, status: ended ? "completed" : started ? "running" : "pending" };
		}),
	};
}

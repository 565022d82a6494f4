/**
 * SwarmCoordinator: one Durable Object per job. It owns the job's state machine, dispatches agent tasks
 * to the queue under the job's concurrency cap, accepts results idempotently, runs a watchdog alarm,
 * keeps the ordered event log that SSE serves, builds the report and mirrors the job into D1.
 *
 * Every state change happens in one synchronous block (mutate, then `commit()` writes state and events
 * in a single SQLite transaction), so concurrent RPCs and alarms never see half a transition. I/O —
 * queue sends, R2, D1, fetches — happens only after the commit.
 */
import { DurableObject } from "cloudflare:workers";
import { decompositionCostBounds, providerDecomposeStrategy } from "../src/agents/decompose-with-provider";
import { quotaFor } from "../src/coordinator";
import { recordPatternUses } from "../src/db/learning-queries";
import { type AgentRunRow, database, syncJob } from "../src/db/queries";
import { ingestSource, type NewSource, type SourceRequest } from "../src/evidence/ingest";
import { loadSnapshot } from "../src/evidence/snapshots";
import { normalizeUrl } from "../src/evidence/verify";
import { produceReport } from "../src/jobs/report-pipeline";
import { applyPatterns, type ExplicitChoices } from "../src/learning/apply";
import type { Trajectory } from "../src/learning/reward";
import { recallPatterns, recordPattern } from "../src/learning/service";
import { provenanceKey, reportKey } from "../src/lib/object-keys";
import type { ReportExtension } from "../src/lib/report-formats";
import {
	type AgentContext,
	type AgentResult,
	AgentResultSchema,
	type AgentTaskMessage,
	type EffectiveConfig,
	type EventType,
	type JobEvent,
	type JobStatus,
	type JobView,
	type JsonValue,
	jobLinks,
	type Metadata,
	type OutboundJobEvent,
	type PlannedTask,
	type ReportFormat,
	type SourceRecord,
	TERMINAL_JOB_STATUSES,
	type UpstreamResult,
	ZERO_USAGE,
} from "../src/protocol";
import { CLOSED_BREAKER, isOpen, recordOutcome } from "../src/providers/breaker";
import { type CostBounds, costOf, toUsage, worstCaseCost } from "../src/providers/cost";
import { priceOf } from "../src/providers/prices";
import { providerFor } from "../src/providers/registry";
import { fallbackProvider, resolveModel } from "../src/providers/router";
import { configuredProviders, providerSettings } from "../src/providers/settings";
import type { Provider, StructuredResult } from "../src/providers/types";
import { ancestorIds, isSettled, jobProgress, nextDispatch } from "../src/swarm/dag";
import type { Decomposition } from "../src/swarm/decompose";
import { type DecomposeStrategy, decomposeGoal } from "../src/swarm/goal-plan";
import { planGoalSwarm } from "../src/swarm/goal-swarm";
import { actionsForDecomposition, explainPlan, isGoapError, planGoap, REPORT_FACT } from "../src/swarm/goap";
import { planSwarm } from "../src/swarm/sizing";
import { renderHtml } from "../src/synthesis/render-html";
import { renderMarkdown } from "../src/synthesis/render-markdown";
import type { Aggregation } from "../src/synthesis/types";
import { EventStreamHub } from "./event-stream";
import {
	addUsage,
	computeMetrics,
	initialTasks,
	type JobState,
	type TaskRuntime,
	toJobView,
} from "./job-state";

/** How long a dispatched message may wait in the queue before the watchdog sends the task again. */
export const DISPATCH_LEASE_MS = 60_000;
/** How long a running task may go without a heartbeat; the consumer beats every 5 s. */
export const RUN_LEASE_MS = 30_000;
/** The watchdog's period while the job is active. */
export const WATCHDOG_MS = 15_000;
/** Dispatch attempts per task before a lost task counts as failed. */
export const MAX_TASK_ATTEMPTS = 3;
/** Report-building failures tolerated before the job fails. */
const MAX_FINALIZE_FAILURES = 3;
/** An agent attempt must end inside the queue consumer's 15-minute wall clock. */
const MAX_ATTEMPT_MS = 14 * 60_000;

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

export type CancelOutcome = { cancelled: boolean; status: JobStatus };

type EventDraft = { type: EventType; data: Record<string, JsonValue> };

const EXTENSION: Record<ReportFormat, ReportExtension> = { markdown: "md", json: "json", html: "html" };
const CONTENT_TYPE: Record<ReportExtension, string> = {
	md: "text/markdown; charset=utf-8",
	json: "application/json",
	html: "text/html; charset=utf-8",
};

export class SwarmCoordinator extends DurableObject<Env> {
	private state: JobState | null = null;
	private lastSeq = 0;
	private drafts: EventDraft[] = [];
	private readonly streams = new EventStreamHub();
	private finalizing: Promise<void> | null = null;
	private indexSync: Promise<void> = Promise.resolve();
	private indexDirty = false;
	/** Whether the outbox may hold unsent events; only terminal events add any, so most flushes can skip it. */
	private outboxPending = true;

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		const sql = ctx.storage.sql;
		sql.exec(`CREATE TABLE IF NOT EXISTS job_state (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, data TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS results (task_id TEXT NOT NULL, attempt INTEGER NOT NULL, json TEXT NOT NULL,
				PRIMARY KEY (task_id, attempt));
			CREATE TABLE IF NOT EXISTS outbox (event_id TEXT PRIMARY KEY, body TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 0);`);
		const row = sql.exec<{ json: string }>("SELECT json FROM job_state WHERE id = 1").toArray()[0];
		this.state = row ? (JSON.parse(row.json) as JobState) : null;
		this.lastSeq = sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM events").one().seq ?? 0;
	}

	// ─── API-facing RPC ────────────────────────────────────────────────────────────────────────────

	/** Persists a new job and schedules its planning. Calling it again for the same job changes nothing. */
	async start(input: StartJobInput): Promise<{ status: JobStatus }> {
		if (this.state) return { status: this.state.status };
		this.state = {
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
		};
		this.record("job.accepted", { task: input.task, config: input.config });
		this.commit();
		await this.ctx.storage.setAlarm(Date.now());
		return { status: "queued" };
	}

	/** The job's current view, or null when the job does not exist for this tenant. */
	async view(tenantId: string): Promise<JobView | null> {
		const state = this.owned(tenantId);
		return state ? toJobView(state, jobProgress(state.tasks), Date.now()) : null;
	}

	/** Events after `afterSeq`, oldest first. */
	async eventLog(tenantId: string, afterSeq = 0, limit = 1000): Promise<JobEvent[]> {
		return this.owned(tenantId) ? this.readEvents(afterSeq, limit) : [];
	}

	/** An SSE stream of the events after `afterSeq`, live until the job's terminal event. */
	async streamEvents(tenantId: string, afterSeq: number): Promise<ReadableStream<Uint8Array> | null> {
		if (!this.owned(tenantId)) return null;
		return this.streams.open(this.readEvents(afterSeq, Number.MAX_SAFE_INTEGER));
	}

	/** Cancels the job unless it already ended; tasks not yet finished are skipped. */
	async cancel(tenantId: string): Promise<CancelOutcome | null> {
		const state = this.owned(tenantId);
		if (!state) return null;
		if (TERMINAL_JOB_STATUSES.includes(state.status)) return { cancelled: false, status: state.status };
		this.skipUnfinishedTasks(state);
		this.finish(state, "cancelled", null);
		this.commit();
		await this.flushOutbox();
		await this.syncIndex();
		return { cancelled: true, status: state.status };
	}

	// ─── Consumer-facing RPC (idempotent by task + attempt) ─────────────────────────────────────────

	/** Starts (or resumes after a redelivery) a task attempt; null when the attempt is stale. */
	async beginTask(message: AgentTaskMessage): Promise<AgentContext | null> {
		const found = this.currentAttempt(message);
		if (!found) return null;
		const { state, task } = found;
		const now = Date.now();
		if (task.status === "dispatched") {
			const { provider, model } = this.chooseProvider(state, task, now);
			task.status = "running";
			task.startedAt = now;
			task.provider = provider;
			task.model = model;
			this.record("agent.started", { provider, model }, task);
		} else if (task.provider && isOpen(state.breakers[task.provider] ?? CLOSED_BREAKER, now)) {
			// A redelivery after its provider went down moves to the fallback instead of failing again.
			const { provider, model } = this.chooseProvider(state, task, now);
			task.provider = provider;
			task.model = model;
		}
		// A redelivery of a running attempt (after a retry, or a duplicate) resumes it without a new event.
		task.leaseExpiresAt = now + RUN_LEASE_MS;
		this.commit();
		const ancestors = ancestorIds(state.tasks, task.id);
		const upstream = state.tasks
			.filter((candidate) => ancestors.has(candidate.id) && candidate.status === "completed")
			.map((candidate): UpstreamResult => {
				const result = this.readResult(candidate.id, candidate.attempts);
				return {
					taskId: candidate.id,
					role: candidate.role,
					findings: result?.findings ?? [],
					narrative: result?.narrative ?? "",
				};
			});
		const budget = state.config.timeMinutes * 60_000 * task.timeShare;
		return {
			jobId: state.jobId,
			tenantId: state.tenantId,
			taskId: task.id,
			attempt: task.attempts,
			role: task.role,
			phase: task.phase,
			task: subgoalTask(state, task),
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

	/** Renews the attempt's lease and records progress; `active: false` tells the agent to stop. */
	async heartbeat(message: AgentTaskMessage, progress: number, note?: string): Promise<{ active: boolean }> {
		const found = this.currentAttempt(message);
		if (!found) return { active: false };
		const { task } = found;
		task.leaseExpiresAt = Date.now() + RUN_LEASE_MS;
		const clamped = Math.max(0, Math.min(99, Math.round(progress)));
		if (clamped > task.progress) {
			task.progress = clamped;
			this.record("agent.progress", { progress: clamped, ...(note ? { note } : {}) }, task);
		}
		this.commit();
		return { active: true };
	}

	/** Accepts an attempt's result once; duplicates and stale attempts change nothing. */
	async completeTask(message: AgentTaskMessage, result: AgentResult): Promise<{ accepted: boolean }> {
		const found = this.currentAttempt(message);
		if (!found) return { accepted: false };
		const parsed = AgentResultSchema.parse(result);
		const { state, task } = found;
		this.ctx.storage.sql.exec(
			"INSERT OR IGNORE INTO results (task_id, attempt, json) VALUES (?, ?, ?)",
			task.id,
			task.attempts,
			JSON.stringify(parsed),
		);
		task.status = "completed";
		task.progress = 100;
		task.finishedAt = Date.now();
		task.leaseExpiresAt = null;
		task.usage = parsed.usage;
		task.provider = parsed.provider;
		task.model = parsed.model;
		task.error = null;
		state.providerLatencies.push(...parsed.providerCalls.map((call) => call.latencyMs));
		state.breakers[parsed.provider] = recordOutcome(
			state.breakers[parsed.provider] ?? CLOSED_BREAKER,
			"success",
			Date.now(),
		);
		this.record(
			"agent.completed",
			{
				findings: parsed.findings.length,
				usage: parsed.usage,
				providerMs: parsed.providerCalls.reduce((total, call) => total + call.latencyMs, 0),
			},
			task,
		);
		this.ctx.waitUntil(this.advanceAndCommit(state));
		return { accepted: true };
	}

	/** Records a failed delivery that the queue will retry after `delaySeconds`, holding the lease meanwhile. */
	async retryTask(
		message: AgentTaskMessage,
		error: string,
		delaySeconds: number,
		outage = false,
	): Promise<{ accepted: boolean }> {
		const found = this.currentAttempt(message);
		if (!found) return { accepted: false };
		const { state, task } = found;
		if (outage && task.provider) {
			state.breakers[task.provider] = recordOutcome(
				state.breakers[task.provider] ?? CLOSED_BREAKER,
				"outage",
				Date.now(),
			);
		}
		task.error = error;
		task.leaseExpiresAt = Date.now() + delaySeconds * 1000 + DISPATCH_LEASE_MS;
		state.counters.retries += 1;
		state.counters.errors += 1;
		this.record("agent.retrying", { reason: "error", error, delaySeconds }, task);
		this.commit();
		return { accepted: true };
	}

	/** Marks the attempt failed for good (retries exhausted); the job carries on without the task. */
	async failTask(
		message: AgentTaskMessage,
		error: string,
		details: { rawOutput?: string; budgetLimited?: boolean } = {},
	): Promise<{ accepted: boolean }> {
		const found = this.currentAttempt(message);
		if (!found) return { accepted: false };
		const { state, task } = found;
		if (details.rawOutput) state.rawOutputs[task.id] = details.rawOutput.slice(0, 20_000);
		if (details.budgetLimited) state.budget.limited = true;
		const reason = task.error ? `${error}: ${task.error}` : error;
		this.failTaskInPlace(state, task, reason);
		this.ctx.waitUntil(this.advanceAndCommit(state));
		return { accepted: true };
	}

	/**
	 * Registers pages an attempt retrieved as job sources (deduplicated by URL) and returns every source
	 * of the job, so the attempt can point its citations at them.
	 */
	async registerSources(message: AgentTaskMessage, sources: NewSource[]): Promise<SourceRecord[]> {
		const found = this.currentAttempt(message);
		if (!found) return this.state?.sources ?? [];
		const { state } = found;
		const byUrl = new Map(
			state.sources.flatMap((source) => (source.url ? [[normalizeUrl(source.url), source]] : [])),
		);
		for (const source of sources) {
			const key = source.url ? normalizeUrl(source.url) : null;
			const existing = key ? byUrl.get(key) : undefined;
			if (existing && !(existing.status === "unreachable" && source.status === "retrieved")) continue;
			const record: SourceRecord = { ...source, id: existing?.id ?? `S${state.sources.length + 1}` };
			state.sources = existing
				? state.sources.map((candidate) => (candidate.id === record.id ? record : candidate))
				: [...state.sources, record];
			if (key) byUrl.set(key, record);
		}
		this.commit();
		return state.sources;
	}

	/** Reserves `usd` of the job's budget for one call; refused when the budget cannot cover it. */
	async reserveBudget(message: AgentTaskMessage, usd: number): Promise<{ granted: boolean }> {
		const found = this.currentAttempt(message);
		if (!found) return { granted: false };
		const { budget } = found.state;
		if (budget.limitUsd !== null && budget.spentUsd + budget.reservedUsd + usd > budget.limitUsd) {
			budget.limited = true;
			this.commit();
			return { granted: false };
		}
		budget.reservedUsd += usd;
		this.commit();
		return { granted: true };
	}

	/** Releases a reservation and books what the call really cost. */
	async settleBudget(message: AgentTaskMessage, reservedUsd: number, actualUsd: number): Promise<void> {
		const state = this.owned(message.tenantId);
		if (!state || state.jobId !== message.jobId) return;
		state.budget.reservedUsd = Math.max(0, state.budget.reservedUsd - reservedUsd);
		state.budget.spentUsd += actualUsd;
		this.commit();
	}

	// ─── Watchdog ─────────────────────────────────────────────────────────────────────────────────

	/** Plans queued jobs, recovers lost tasks, enforces the deadline and builds the report. */
	override async alarm(): Promise<void> {
		const state = this.state;
		if (!state) return;
		const now = Date.now();
		if (state.status === "queued" || state.status === "planning") {
			await this.plan(state);
		} else if (state.status === "running") {
			if (now >= state.deadline) {
				this.skipUnfinishedTasks(state);
				state.partial = true;
				this.record("job.synthesizing", { reason: "deadline" });
				this.toSynthesizing(state);
				this.commit();
			} else {
				this.recoverLostTasks(state, now);
				await this.advanceAndCommit(state);
			}
		}
		if (state.status === "synthesizing") await this.finalize(state);
		this.outboxPending = true; // the alarm is the retry path: it reads the outbox whatever this instance believes
		await this.flushOutbox();
		if (state.status === "completed" && !state.learned) await this.learnFrom(state, null);
		if (this.indexDirty) await this.syncIndex();
		if (TERMINAL_JOB_STATUSES.includes(state.status) && this.indexDirty) {
			await this.ctx.storage.setAlarm(now + WATCHDOG_MS); // retry the D1 mirror and the quota release
		}
		if (!TERMINAL_JOB_STATUSES.includes(state.status)) {
			const leases = state.tasks.flatMap((task) =>
				task.leaseExpiresAt !== null ? [task.leaseExpiresAt] : [],
			);
			await this.ctx.storage.setAlarm(Math.min(now + WATCHDOG_MS, state.deadline, ...leases));
		}
	}

	// ─── Transitions ──────────────────────────────────────────────────────────────────────────────

	private async plan(state: JobState): Promise<void> {
		if (state.status === "queued") {
			state.status = "planning";
			state.phaseStartedAt.planning = Date.now();
			this.commit();
		}
		const sources = await Promise.all(
			state.pendingSources.map((source, index) =>
				ingestSource(this.env.ARTIFACTS, state.tenantId, source, index),
			),
		);
		if (state.status !== "planning") return; // cancelled while sources were fetched
		await this.applyLearning(state);
		if (state.status !== "planning") return;
		const decomposition = await this.decompose(state);
		if (state.status !== "planning") return;
		const tasks = initialTasks(this.planTasks(state, decomposition));
		state.sources = sources;
		state.tasks = tasks;
		state.status = "running";
		state.phaseStartedAt.running = Date.now();
		this.record("job.planned", {
			plan: tasks.map(({ id, role, phase, dependsOn, timeShare }) => ({
				id,
				role,
				phase,
				dependsOn,
				timeShare,
			})),
			sources: {
				retrieved: sources.filter((source) => source.status === "retrieved").length,
				unreachable: sources.filter((source) => source.status === "unreachable").length,
			},
		});
		this.indexDirty = true;
		await this.advanceAndCommit(state);
	}

	/**
	 * Goal mode's sub-goals (null in direct mode): split by the job's provider with its explorer model
	 * when `modelDecomposer` offers it, else, or when the model's answers fail, by the deterministic split.
	 */
	private async decompose(state: JobState): Promise<Decomposition | null> {
		const { config } = state;
		if (config.mode !== "goal") return null;
		const options = { maxSubgoals: config.maxSubgoals, depth: config.depth };
		return (await decomposeGoal(state.task, options, this.modelDecomposer(state))).decomposition;
	}

	/**
	 * The job's model as a decomposition strategy, each call's cost booked to the budget and its latencies
	 * to the metrics. None for the extractive provider, a provider that is not configured, or a budget that
	 * cannot cover the worst case of a call and its repair (or cannot price the model).
	 */
	private modelDecomposer(state: JobState): DecomposeStrategy | undefined {
		const caller = this.modelCaller(state, "explorer");
		if (caller === undefined || !caller.mayCall(decompositionCostBounds(state.task), 2)) return undefined;
		return providerDecomposeStrategy(caller);
	}

	/**
	 * The job's model for a call the coordinator makes itself (decomposition, support judging): none for
	 * the extractive provider or a provider that is not configured. `mayCall` says whether the budget
	 * covers `calls` worst-case calls (never for an unpriced model on a budget); `onCall` books a call's
	 * cost to the budget and its latencies to the metrics.
	 */
	private modelCaller(
		state: JobState,
		role: "explorer" | "verifier",
	):
		| {
				provider: Provider;
				model: string;
				mayCall: (bounds: CostBounds, calls?: number) => boolean;
				onCall: (result: StructuredResult) => void;
		  }
		| undefined {
		const { provider, model: jobModel } = state.config;
		const settings = providerSettings(this.env);
		const model = resolveModel(provider, role, jobModel, provider, settings.modelOverrides);
		if (model === null || !configuredProviders(settings).includes(provider)) return undefined;
		const price = priceOf(provider, model);
		const { budget } = state;
		return {
			provider: providerFor(provider, settings),
			model,
			mayCall: (bounds, calls = 1) => {
				if (budget.limitUsd === null) return true;
				const worstCase = price ? calls * worstCaseCost(price, bounds) : Infinity;
				return budget.spentUsd + budget.reservedUsd + worstCase <= budget.limitUsd;
			},
			onCall: (result) => {
				const cost = price ? costOf(price, result.usage) : 0;
				budget.spentUsd += cost;
				state.providerLatencies.push(...result.callLatenciesMs);
				const usage = state.coordinatorUsage ?? {};
				usage[provider] = addUsage(usage[provider] ?? ZERO_USAGE, toUsage(result.usage, cost));
				state.coordinatorUsage = usage;
			},
		};
	}

	/**
	 * The job's DAG. Direct mode: one swarm. Goal mode: the GOAP planner orders the sub-goals of
	 * `decomposition` (its levels and explanation are kept for the report), and each gets a sub-swarm.
	 */
	private planTasks(state: JobState, decomposition: Decomposition | null): PlannedTask[] {
		if (decomposition === null) return planSwarm(state.config);
		const plan = planGoap({
			start: [],
			goal: [REPORT_FACT],
			actions: actionsForDecomposition(decomposition),
		});
		if (isGoapError(plan)) throw new Error(`goal plan failed: ${plan.message}`);
		const tasks = planGoalSwarm(decomposition, {
			swarmSize: state.explicit.swarmSize ? state.config.swarmSize : null,
		});
		const subgoalOf = new Map(
			plan.steps.flatMap((step) => (step.subgoalId ? [[step.name, step.subgoalId]] : [])),
		);
		state.goal = {
			goal: state.task,
			subgoals: decomposition.subgoals.map((subgoal) => ({
				...subgoal,
				taskIds: tasks.filter((task) => task.subgoalId === subgoal.id).map((task) => task.id),
			})),
			levels: plan.levels
				.map((level) => level.flatMap((name) => subgoalOf.get(name) ?? []))
				.filter((level) => level.length > 0),
			explanation: explainPlan(plan).split("\n"),
		};
		return tasks;
	}

	/**
	 * Dispatches what is ready, or moves to synthesis when every task has ended; then commits and sends.
	 * The commit happens before the first await, so when the call returns the transition is durable and
	 * a consumer-facing RPC can answer at once, leaving the queue send and the mirrors to `waitUntil`: the
	 * consumer's acknowledgement then comes sooner, and locally the next queue batch waits for it.
	 */
	private async advanceAndCommit(state: JobState): Promise<void> {
		let messages: AgentTaskMessage[] = [];
		if (state.status === "running") {
			if (isSettled(state.tasks)) {
				// A budget-limited job reports what it has, even when that is nothing.
				if (state.budget.limited || state.tasks.some((task) => task.status === "completed")) {
					this.record("job.synthesizing", { reason: "settled" });
					this.toSynthesizing(state);
				} else {
					this.finish(state, "failed", { code: "all_agents_failed", message: "every agent task failed" });
				}
			} else {
				messages = this.dispatchReady(state);
			}
		}
		this.commit();
		if (messages.length > 0) {
			try {
				await this.env.AGENT_TASKS.sendBatch(messages.map((body) => ({ body, contentType: "json" })));
			} catch (error) {
				// The leases are set; the watchdog re-dispatches these tasks if the send never happened.
				console.error("agent task dispatch failed", state.jobId, String(error));
			}
		}
		if (state.status === "synthesizing") await this.ctx.storage.setAlarm(Date.now());
		await this.flushOutbox();
		if (this.indexDirty) await this.syncIndex();
	}

	private dispatchReady(state: JobState): AgentTaskMessage[] {
		const now = Date.now();
		return nextDispatch(state.tasks, state.config.maxConcurrent).map((taskId) => {
			const task = this.taskById(state, taskId);
			task.status = "dispatched";
			task.attempts += 1;
			task.progress = 0;
			task.dispatchedAt = now;
			task.leaseExpiresAt = now + DISPATCH_LEASE_MS;
			this.record("agent.dispatched", {}, task);
			return { jobId: state.jobId, tenantId: state.tenantId, taskId, attempt: task.attempts };
		});
	}

	private recoverLostTasks(state: JobState, now: number): void {
		for (const task of state.tasks) {
			const lost =
				(task.status === "dispatched" || task.status === "running") &&
				task.leaseExpiresAt !== null &&
				task.leaseExpiresAt <= now;
			if (!lost) continue;
			if (task.attempts >= MAX_TASK_ATTEMPTS) {
				this.failTaskInPlace(
					state,
					task,
					`lease expired on attempt ${task.attempts} of ${MAX_TASK_ATTEMPTS}`,
				);
				continue;
			}
			this.record("agent.retrying", { reason: "lease_expired" }, task);
			state.counters.redispatches += 1;
			task.status = "pending";
			task.leaseExpiresAt = null;
		}
	}

	private failTaskInPlace(state: JobState, task: TaskRuntime, error: string): void {
		task.status = "failed";
		task.finishedAt = Date.now();
		task.leaseExpiresAt = null;
		task.error = error;
		state.counters.errors += 1;
		this.record("agent.failed", { error }, task);
		this.indexDirty = true;
	}

	private skipUnfinishedTasks(state: JobState): void {
		for (const task of state.tasks) {
			if (task.status === "completed" || task.status === "failed" || task.status === "skipped") continue;
			task.status = "skipped";
			task.leaseExpiresAt = null;
			task.finishedAt = Date.now();
		}
	}

	private toSynthesizing(state: JobState): void {
		state.status = "synthesizing";
		state.phaseStartedAt.synthesizing = Date.now();
		state.partial ||= state.tasks.some((task) => task.status !== "completed");
		this.indexDirty = true;
	}

	private finish(
		state: JobState,
		status: "completed" | "failed" | "cancelled",
		error: JobState["error"],
	): void {
		state.quotaReleased = false;
		state.status = status;
		state.error = error;
		state.phaseStartedAt.finished = Date.now();
		const type =
			status === "completed" ? "job.completed" : status === "failed" ? "job.failed" : "job.cancelled";
		this.addToOutbox(state, type);
		this.record(type, {
			status,
			partial: state.partial,
			...(error ? { error } : {}),
			metrics: computeMetrics(state, Date.now()),
		});
		this.indexDirty = true;
	}

	/** Builds and stores the report, then completes the job. Safe to re-run after an eviction. */
	private finalize(state: JobState): Promise<void> {
		this.finalizing ??= this.buildAndStoreReport(state)
			.then(async (aggregation) => {
				if (state.status !== "synthesizing") return; // cancelled while the report was built
				this.finish(state, "completed", null);
				this.commit();
				await this.flushOutbox();
				await this.learnFrom(state, aggregation);
			})
			.catch((error: unknown) => {
				state.finalizeFailures += 1;
				console.error("report build failed", state.jobId, String(error));
				if (state.finalizeFailures >= MAX_FINALIZE_FAILURES && state.status === "synthesizing") {
					this.finish(state, "failed", { code: "report_failed", message: "the report could not be built" });
				}
				this.commit();
			})
			.finally(() => {
				this.finalizing = null;
			});
		return this.finalizing;
	}

	private async buildAndStoreReport(state: JobState): Promise<Aggregation> {
		const completed = state.tasks.filter((task) => task.status === "completed");
		const results = completed.map((task) => ({ task, result: this.readResult(task.id, task.attempts) }));
		const judge = this.modelCaller(state, "verifier");
		const snapshots = new Map<string, string>();
		await Promise.all(
			state.sources.map(async (source) => {
				if (source.status !== "retrieved" || !source.sha256) return;
				const text = await loadSnapshot(this.env.ARTIFACTS, state.tenantId, source.sha256);
				if (text !== null) snapshots.set(source.id, text);
			}),
		);
		const completedAt = Date.now();
		const { aggregation, report, provenance } = await produceReport({
			results: results.map(({ task, result }) => ({
				taskId: task.id,
				role: task.role,
				findings: result?.findings ?? [],
			})),
			snapshots,
			...(judge === undefined ? {} : { judge }),
			jobId: state.jobId,
			tenantId: state.tenantId,
			task: state.task,
			completeness: state.partial ? "partial" : "complete",
			createdAt: state.createdAt,
			completedAt,
			config: state.config,
			tasks: toJobView(state, 100, completedAt).plan,
			sources: state.sources,
			narratives: [
				...results.map(({ task, result }) => ({
					taskId: task.id,
					role: task.role,
					narrative: result?.narrative ?? "",
				})),
				...state.tasks.flatMap((task) => {
					const raw = state.rawOutputs[task.id];
					return raw
						? [
								{
									taskId: task.id,
									role: task.role,
									narrative: `Raw output, kept because it failed the output schema:\n\n${raw}`,
								},
							]
						: [];
				}),
			],
			failures: state.tasks
				.filter((task) => task.status === "failed" || task.status === "skipped")
				.map((task) => ({
					taskId: task.id,
					role: task.role,
					error:
						task.error ?? (task.status === "skipped" ? "skipped: the job ended before it ran" : "failed"),
				})),
			// After the judging calls, so the report counts their tokens too.
			metrics: () => computeMetrics(state, completedAt),
			...(state.goal ? { goal: state.goal } : {}),
			learning: {
				patternsUsed: state.learning.patternsUsed.map(({ id, task, reward, changed }) => ({
					id,
					task,
					reward,
					changed,
				})),
				note: state.learning.note,
			},
		});
		const formats = new Set<ReportFormat>(["json", ...state.config.formats]);
		const bodies: Record<ReportFormat, () => Promise<string>> = {
			json: async () => JSON.stringify(report, null, 2),
			markdown: async () => renderMarkdown(report),
			html: () => renderHtml(report),
		};
		await this.env.ARTIFACTS.put(
			provenanceKey(state.tenantId, state.jobId),
			JSON.stringify(provenance, null, 2),
			{
				httpMetadata: { contentType: "application/json" },
			},
		);
		await Promise.all(
			[...formats].map(async (format) => {
				const extension = EXTENSION[format];
				await this.env.ARTIFACTS.put(
					reportKey(state.tenantId, state.jobId, extension),
					await bodies[format](),
					{
						httpMetadata: { contentType: CONTENT_TYPE[extension] },
					},
				);
			}),
		);
		return aggregation;
	}

	/** The provider of a starting attempt: the job's own, unless its breaker is open. */
	private chooseProvider(
		state: JobState,
		task: TaskRuntime,
		now: number,
	): { provider: string; model: string | null } {
		const settings = providerSettings(this.env);
		const wanted = state.config.provider;
		const open = new Set(
			Object.entries(state.breakers)
				.filter(([, breaker]) => isOpen(breaker, now))
				.map(([name]) => name),
		);
		const provider = open.has(wanted)
			? fallbackProvider(wanted, configuredProviders(settings), open)
			: wanted;
		if (provider !== wanted) {
			state.fallbacks.push({ taskId: task.id, attempt: task.attempts, from: wanted, to: provider, at: now });
		}
		const model = resolveModel(provider, task.role, state.config.model, wanted, settings.modelOverrides);
		return { provider, model };
	}

	/** Recalls the tenant's similar successful patterns and lets them adjust the plan and the prompts. */
	private async applyLearning(state: JobState): Promise<void> {
		try {
			const patterns = await recallPatterns(this.env, state.tenantId, state.task);
			if (patterns.length === 0) {
				state.learning.note = "No similar successful pattern was found for this task.";
				return;
			}
			const configured = configuredProviders(providerSettings(this.env));
			const applied = applyPatterns(state.config, patterns, state.explicit, configured);
			state.config = applied.config;
			state.learning = {
				patternsUsed: applied.patternsUsed,
				lessons: applied.lessons,
				note: `${applied.patternsUsed.length} similar successful job${applied.patternsUsed.length === 1 ? "" : "s"} informed this one.`,
			};
			await recordPatternUses(
				database(this.env.DB),
				state.tenantId,
				state.jobId,
				applied.patternsUsed.map((used) => ({
					patternId: used.id,
					score: used.score,
					changes: used.changed,
				})),
				Date.now(),
			);
		} catch (error) {
			// Learning improves a job; it never stops one.
			state.learning.note = "Learned patterns could not be consulted for this job.";
			console.error("pattern recall failed", state.jobId, String(error));
		}
	}

	/** Records the completed job as a pattern for later jobs. Retried by the alarm until it succeeds. */
	private async learnFrom(state: JobState, aggregation: Aggregation | null): Promise<void> {
		if (state.learned || state.status !== "completed") return;
		if (aggregation) state.trajectory = this.trajectoryOf(state, aggregation);
		const trajectory = state.trajectory;
		if (!trajectory) return;
		try {
			await recordPattern(this.env, {
				jobId: state.jobId,
				tenantId: state.tenantId,
				taskType: state.config.taskType,
				trajectory,
				now: Date.now(),
			});
			state.learned = true;
		} catch (error) {
			console.error("pattern record failed", state.jobId, String(error));
			this.indexDirty = true;
		}
		this.commit();
	}

	private trajectoryOf(state: JobState, aggregation: Aggregation): Trajectory {
		const ran = state.tasks.find((task) => task.status === "completed");
		const metrics = computeMetrics(state, Date.now());
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

	/**
	 * Records the job's terminal event for webhooks in the same synchronous step as the terminal state,
	 * so a crash between them cannot lose it. The event id is fixed per job and type.
	 */
	private addToOutbox(state: JobState, type: OutboundJobEvent["type"]): void {
		const event: OutboundJobEvent = {
			kind: "job-event",
			tenantId: state.tenantId,
			jobId: state.jobId,
			eventId: `evt_${state.jobId.replace(/^job_/, "")}_${type.slice(4)}`,
			type,
			occurredAt: Date.now(),
			callbackUrl: state.callbackUrl,
			payload: {
				jobId: state.jobId,
				status: state.status,
				task: state.task,
				partial: state.partial,
				error: state.error,
				links: jobLinks(state.jobId),
			},
		};
		this.ctx.storage.sql.exec(
			"INSERT OR IGNORE INTO outbox (event_id, body) VALUES (?, ?)",
			event.eventId,
			JSON.stringify(event),
		);
		this.outboxPending = true;
		this.indexDirty = true;
	}

	/** Sends unsent outbox events to the webhook queue; the alarm retries whatever fails. */
	private async flushOutbox(): Promise<void> {
		if (!this.outboxPending) return;
		this.outboxPending = false; // an event added while this flush runs sets it again
		const sql = this.ctx.storage.sql;
		const pending = sql
			.exec<{ event_id: string; body: string }>("SELECT event_id, body FROM outbox WHERE sent = 0")
			.toArray();
		for (const row of pending) {
			try {
				await this.env.WEBHOOKS.send(JSON.parse(row.body), { contentType: "json" });
				sql.exec("UPDATE outbox SET sent = 1 WHERE event_id = ?", row.event_id);
			} catch (error) {
				this.indexDirty = true;
				this.outboxPending = true;
				console.error("webhook outbox send failed", row.event_id, String(error));
			}
		}
	}

	// ─── Storage ──────────────────────────────────────────────────────────────────────────────────

	private record(type: EventType, data: Record<string, JsonValue>, task?: TaskRuntime): void {
		const agent: Record<string, JsonValue> = task
			? {
					agentId: task.id,
					role: task.role,
					attempt: task.attempts,
					...(task.subgoalId ? { subgoalId: task.subgoalId } : {}),
				}
			: {};
		this.drafts.push({ type, data: { ...agent, ...data } });
	}

	/** Writes the state and the recorded events in one transaction, then pushes the events to open streams. */
	private commit(): void {
		const state = this.state;
		if (!state) return;
		const now = Date.now();
		state.updatedAt = now;
		const events: JobEvent[] = this.drafts.map((draft) => ({
			seq: ++this.lastSeq,
			type: draft.type,
			data: { jobId: state.jobId, at: now, ...draft.data },
		}));
		this.drafts = [];
		const sql = this.ctx.storage.sql;
		this.ctx.storage.transactionSync(() => {
			sql.exec(
				"INSERT INTO job_state (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json",
				JSON.stringify(state),
			);
			for (const event of events) {
				sql.exec(
					"INSERT INTO events (seq, type, data) VALUES (?, ?, ?)",
					event.seq,
					event.type,
					JSON.stringify(event.data),
				);
			}
		});
		this.streams.publish(events);
	}

	private readEvents(afterSeq: number, limit: number): JobEvent[] {
		return this.ctx.storage.sql
			.exec<{ seq: number; type: string; data: string }>(
				"SELECT seq, type, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
				afterSeq,
				limit,
			)
			.toArray()
			.map((row) => ({ seq: row.seq, type: row.type as EventType, data: JSON.parse(row.data) }));
	}

	private readResult(taskId: string, attempt: number): AgentResult | null {
		const row = this.ctx.storage.sql
			.exec<{ json: string }>("SELECT json FROM results WHERE task_id = ? AND attempt = ?", taskId, attempt)
			.toArray()[0];
		return row ? (JSON.parse(row.json) as AgentResult) : null;
	}

	/** Mirrors the job row and agent rows into D1. Runs one at a time, each with the state as it is then. */
	private syncIndex(): Promise<void> {
		this.indexDirty = false;
		this.indexSync = this.indexSync.then(async () => {
			const state = this.state;
			if (!state) return;
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
			try {
				await syncJob(
					database(this.env.DB),
					state.tenantId,
					state.jobId,
					{
						status: state.status,
						progress: jobProgress(state.tasks),
						partial: state.partial,
						error: state.error ? JSON.stringify(state.error) : null,
						metrics: terminal ? JSON.stringify(computeMetrics(state, Date.now())) : null,
						updatedAt: state.updatedAt,
						completedAt: state.phaseStartedAt.finished,
					},
					runs,
				);
			} catch (error) {
				// The coordinator stays authoritative; the next alarm retries the mirror.
				this.indexDirty = true;
				console.error("D1 sync failed", state.jobId, String(error));
			}
			if (terminal && state.quotaReleased === false) {
				try {
					await quotaFor(this.env, state.tenantId).release(state.jobId);
					state.quotaReleased = true;
					this.commit();
				} catch (error) {
					this.indexDirty = true;
					console.error("quota release failed", state.jobId, String(error));
				}
			}
		});
		return this.indexSync;
	}

	// ─── Lookups ──────────────────────────────────────────────────────────────────────────────────

	private owned(tenantId: string): JobState | null {
		return this.state && this.state.tenantId === tenantId ? this.state : null;
	}

	private currentAttempt(message: AgentTaskMessage): { state: JobState; task: TaskRuntime } | null {
		const state = this.owned(message.tenantId);
		if (!state || state.jobId !== message.jobId || state.status !== "running") return null;
		const task = state.tasks.find((candidate) => candidate.id === message.taskId);
		if (!task || task.attempts !== message.attempt) return null;
		if (task.status !== "dispatched" && task.status !== "running") return null;
		return { state, task };
	}

	private taskById(state: JobState, taskId: string): TaskRuntime {
		const task = state.tasks.find((candidate) => candidate.id === taskId);
		if (!task) throw new Error(`unknown task ${taskId}`);
		return task;
	}
}

/** What an agent researches: its sub-goal in goal mode (with the overall goal for context), else the task. */
function subgoalTask(state: JobState, task: TaskRuntime): string {
	const subgoal = state.goal?.subgoals.find((candidate) => candidate.id === task.subgoalId);
	return subgoal ? `${subgoal.description} (part of: ${state.task})` : state.task;
}

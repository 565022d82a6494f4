/**
 * A job's state machine as pure functions. Each transition takes the stored state and what happened,
 * and returns the next state, the events to append to the job's log and the effects to perform once
 * both are stored. Nothing here reads a clock, storage or the network: the coordinator passes `now`
 * in, commits the result in one transaction and only then performs the effects.
 */
import type { NewSource } from "../evidence/ingest";
import { normalizeUrl } from "../evidence/verify";
import type { AppliedLearning } from "../learning/apply";
import { sumUsage, withPricingWarning } from "../lib/usage";
import {
	type AgentEventType,
	type AgentRef,
	type AgentResult,
	type AgentTaskMessage,
	type EventPayload,
	type JobLevelEventType,
	jobLinks,
	type OutboundJobEvent,
	type SettledCall,
	type SourceRecord,
	TERMINAL_JOB_STATUSES,
	type Usage,
	ZERO_USAGE,
} from "../protocol";
import { CLOSED_BREAKER, isOpen, openProviders, recordOutcome } from "../providers/breaker";
import { fallbackProvider, resolveModel } from "../providers/router";
import type { ProviderSettings } from "../providers/settings";
import type { OutageCause } from "../providers/types";
import { isSettled, nextDispatch } from "../swarm/dag";
import type { Aggregation, GoalInput } from "../synthesis/types";
import {
	computeMetrics,
	type JobState,
	newJobState,
	owedWork,
	type StartJobInput,
	type TaskRuntime,
} from "./state";
import { trajectoryOf } from "./trajectory";

/** How long a dispatched message may wait in the queue before the watchdog sends the task again. */
export const DISPATCH_LEASE_MS = 60_000;
/** How long a running task may go without a heartbeat; the consumer beats every 5 s. */
export const RUN_LEASE_MS = 30_000;
/** Dispatch attempts per task before a lost task counts as failed. */
export const MAX_TASK_ATTEMPTS = 3;
/** Report-building failures tolerated before the job fails. */
export const MAX_FINALIZE_FAILURES = 3;

/**
 * An event as a transition records it: one of the protocol's events with its own payload (and, for an
 * agent event, the agent reference); the store adds its sequence number, the job id and the time.
 */
export type EventDraft =
	| { [T in JobLevelEventType]: { type: T; data: EventPayload<T> } }[JobLevelEventType]
	| { [T in AgentEventType]: { type: T; data: EventPayload<T> & AgentRef } }[AgentEventType];

/** Work a committed transition asks for. */
export type Effect =
	/** Send these task attempts to the agent queue (their leases are already set). */
	| { kind: "dispatch"; messages: AgentTaskMessage[] }
	/** Store this terminal event in the webhook outbox, in the same transaction as the state. */
	| { kind: "notify"; event: OutboundJobEvent }
	/** Every task has ended: build the report now rather than at the next watchdog tick. */
	| { kind: "synthesize" };

/** The outcome of a transition: the next state, what to log, what to do, and the caller's answer. */
export type Transition<Result = null> = {
	state: JobState;
	events: EventDraft[];
	effects: Effect[];
	result: Result;
};

/** Which providers the deployment has, for choosing (and falling back from) a task's provider. */
export type ProviderChoices = Pick<ProviderSettings, "modelOverrides"> & { configured: readonly string[] };

/** What a job's planning produced, applied in one step by `planned`. */
export type PlanOutcome = {
	sources: SourceRecord[];
	tasks: TaskRuntime[];
	goal: GoalInput | null;
	learning: AppliedLearning | { note: string } | null;
};

type Recorder = { events: EventDraft[]; effects: Effect[] };

/** Runs `body` on a copy of `state`, collecting what it records; the input state is never changed. */
function change<Result>(
	state: JobState,
	now: number,
	body: (next: JobState, out: Recorder) => Result,
): Transition<Result> {
	const next = structuredClone(state);
	const out: Recorder = { events: [], effects: [] };
	const result = body(next, out);
	next.updatedAt = now;
	return { state: next, events: out.events, effects: out.effects, result };
}

/** No change at all: nothing to store, nothing to do. */
function unchanged<Result>(state: JobState, result: Result): Transition<Result> {
	return { state, events: [], effects: [], result };
}

/** An agent event of `task`'s current attempt, its payload typed by the event's type. */
function agentEvent<T extends AgentEventType>(task: TaskRuntime, type: T, data: EventPayload<T>): EventDraft {
	const agent: AgentRef = {
		agentId: task.id,
		role: task.role,
		attempt: task.attempts,
		...(task.subgoalId ? { subgoalId: task.subgoalId } : {}),
	};
	// TypeScript cannot tie the generic `T` to its member of the union; the signature already did.
	return { type, data: { ...agent, ...data } } as EventDraft;
}

/** The task a consumer message names, while that attempt is the task's current one and still open. */
export function currentAttempt(state: JobState | null, message: AgentTaskMessage): TaskRuntime | null {
	if (!state || state.tenantId !== message.tenantId || state.jobId !== message.jobId) return null;
	if (state.status !== "running") return null;
	const task = state.tasks.find((candidate) => candidate.id === message.taskId);
	if (!task || task.attempts !== message.attempt) return null;
	return task.status === "dispatched" || task.status === "running" ? task : null;
}

function taskIn(state: JobState, taskId: string): TaskRuntime {
	const task = state.tasks.find((candidate) => candidate.id === taskId);
	if (!task) throw new Error(`unknown task ${taskId}`);
	return task;
}

/** Applies `body` to the copy of the message's task when its attempt is current; otherwise no change. */
function onAttempt<Result>(
	state: JobState,
	message: AgentTaskMessage,
	now: number,
	stale: Result,
	body: (next: JobState, task: TaskRuntime, out: Recorder) => Result,
): Transition<Result> {
	const current = currentAttempt(state, message);
	if (!current) return unchanged(state, stale);
	return change(state, now, (next, out) => body(next, taskIn(next, current.id), out));
}

// ─── Planning ─────────────────────────────────────────────────────────────────────────────────────

/** A new job is accepted: its state is created, queued, and the acceptance logged. */
export function accept(input: StartJobInput, now: number): Transition {
	const state = newJobState(input);
	state.updatedAt = now;
	return {
		state,
		events: [{ type: "job.accepted", data: { task: input.task, config: input.config } }],
		effects: [],
		result: null,
	};
}

/** A queued job starts planning. */
export function startPlanning(state: JobState, now: number): Transition {
	if (state.status !== "queued") return unchanged(state, null);
	return change(state, now, (next) => {
		next.status = "planning";
		next.phaseStartedAt.planning = now;
		return null;
	});
}

/** The plan is ready: the job takes its sources, tasks and learning, starts running and dispatches. */
export function planned(state: JobState, plan: PlanOutcome, now: number): Transition {
	if (state.status !== "planning") return unchanged(state, null); // cancelled while it was planned
	return change(state, now, (next, out) => {
		if (plan.learning && "config" in plan.learning) {
			next.config = plan.learning.config;
			next.learning = {
				patternsUsed: plan.learning.patternsUsed,
				lessons: plan.learning.lessons,
				note: `${plan.learning.patternsUsed.length} similar successful job${plan.learning.patternsUsed.length === 1 ? "" : "s"} informed this one.`,
			};
		} else if (plan.learning) {
			next.learning.note = plan.learning.note;
		}
		next.sources = plan.sources;
		next.tasks = plan.tasks;
		next.goal = plan.goal;
		next.status = "running";
		next.phaseStartedAt.running = now;
		next.mirror.version += 1;
		out.events.push({
			type: "job.planned",
			data: {
				plan: plan.tasks.map(({ id, role, phase, dependsOn, timeShare }) => ({
					id,
					role,
					phase,
					dependsOn,
					timeShare,
				})),
				sources: {
					retrieved: plan.sources.filter((source) => source.status === "retrieved").length,
					unreachable: plan.sources.filter((source) => source.status === "unreachable").length,
				},
			},
		});
		advanceInPlace(next, now, out);
		return null;
	});
}

// ─── Task attempts ────────────────────────────────────────────────────────────────────────────────

/**
 * A consumer starts (or, after a redelivery, resumes) an attempt; the result is the task, or null when
 * the attempt is stale. A starting attempt gets its provider: the job's own unless that one's breaker
 * is open, in which case it falls back to another configured provider.
 */
export function beginTask(
	state: JobState,
	message: AgentTaskMessage,
	providers: ProviderChoices,
	now: number,
): Transition<TaskRuntime | null> {
	return onAttempt(state, message, now, null, (next, task, out) => {
		if (task.status === "dispatched") {
			const choice = chooseProvider(next, task, providers, now);
			Object.assign(task, choice);
			task.status = "running";
			task.startedAt = now;
			out.events.push(agentEvent(task, "agent.started", choice));
		} else if (task.provider && isOpen(next.breakers[task.provider] ?? CLOSED_BREAKER, now)) {
			// A redelivery after its provider went down moves to the fallback instead of failing again.
			Object.assign(task, chooseProvider(next, task, providers, now));
		}
		// A redelivery of a running attempt (after a retry, or a duplicate) resumes it without a new event.
		task.leaseExpiresAt = now + RUN_LEASE_MS;
		return task;
	});
}

function chooseProvider(
	state: JobState,
	task: TaskRuntime,
	providers: ProviderChoices,
	now: number,
): { provider: string; model: string | null } {
	const wanted = state.config.provider;
	const open = openProviders(state.breakers, now);
	const provider = open.has(wanted) ? fallbackProvider(wanted, [...providers.configured], open) : wanted;
	if (provider !== wanted) {
		const reason = state.breakers[wanted]?.cause;
		state.fallbacks.push({
			taskId: task.id,
			attempt: task.attempts,
			from: wanted,
			to: provider,
			at: now,
			...(reason ? { reason } : {}),
		});
	}
	const model = resolveModel(provider, task.role, state.config.model, wanted, providers.modelOverrides);
	return { provider, model };
}

/** The attempt is alive: its lease is renewed, and progress that moved forward is logged. */
export function heartbeat(
	state: JobState,
	message: AgentTaskMessage,
	progress: number,
	note: string | undefined,
	now: number,
): Transition<{ active: boolean }> {
	return onAttempt<{ active: boolean }>(state, message, now, { active: false }, (_next, task, out) => {
		task.leaseExpiresAt = now + RUN_LEASE_MS;
		const clamped = Math.max(0, Math.min(99, Math.round(progress)));
		if (clamped > task.progress) {
			task.progress = clamped;
			out.events.push(agentEvent(task, "agent.progress", { progress: clamped, ...(note ? { note } : {}) }));
		}
		return { active: true };
	});
}

/** The attempt delivered its (already validated) result; the job moves on. */
export function completeTask(
	state: JobState,
	message: AgentTaskMessage,
	result: AgentResult,
	now: number,
): Transition<{ accepted: boolean }> {
	return onAttempt<{ accepted: boolean }>(state, message, now, { accepted: false }, (next, task, out) => {
		task.status = "completed";
		task.progress = 100;
		task.finishedAt = now;
		task.leaseExpiresAt = null;
		// The attempt's usage and latencies were booked when its calls were settled (`settleCall`).
		next.pricingWarnings = withPricingWarning(next.pricingWarnings ?? [], result.pricingWarning);
		task.provider = result.provider;
		task.model = result.model;
		task.error = null;
		next.breakers[result.provider] = recordOutcome(
			next.breakers[result.provider] ?? CLOSED_BREAKER,
			"success",
			now,
		);
		out.events.push(
			agentEvent(task, "agent.completed", {
				findings: result.findings.length,
				usage: result.usage,
				providerMs: result.providerCalls.reduce((total, call) => total + call.latencyMs, 0),
			}),
		);
		advanceInPlace(next, now, out);
		return { accepted: true };
	});
}

/** A delivery failed and the queue retries it after `delaySeconds`; the lease covers the wait. */
export function retryTask(
	state: JobState,
	message: AgentTaskMessage,
	failure: { error: string; delaySeconds: number; outage: OutageCause | null },
	now: number,
): Transition<{ accepted: boolean }> {
	return onAttempt<{ accepted: boolean }>(state, message, now, { accepted: false }, (next, task, out) => {
		if (failure.outage && task.provider) {
			next.breakers[task.provider] = recordOutcome(
				next.breakers[task.provider] ?? CLOSED_BREAKER,
				failure.outage,
				now,
			);
		}
		task.error = failure.error;
		task.leaseExpiresAt = now + failure.delaySeconds * 1000 + DISPATCH_LEASE_MS;
		next.counters.retries += 1;
		next.counters.errors += 1;
		out.events.push(
			agentEvent(task, "agent.retrying", {
				reason: "error",
				error: failure.error,
				delaySeconds: failure.delaySeconds,
			}),
		);
		return { accepted: true };
	});
}

/** The attempt failed for good; the job carries on without the task. */
export function failTask(
	state: JobState,
	message: AgentTaskMessage,
	failure: { error: string; rawOutput?: string; budgetLimited?: boolean },
	now: number,
): Transition<{ accepted: boolean }> {
	return onAttempt<{ accepted: boolean }>(state, message, now, { accepted: false }, (next, task, out) => {
		if (failure.rawOutput) next.rawOutputs[task.id] = failure.rawOutput.slice(0, 20_000);
		if (failure.budgetLimited) next.budget.limited = true;
		const reason = task.error ? `${failure.error}: ${task.error}` : failure.error;
		failInPlace(next, task, reason, now, out);
		advanceInPlace(next, now, out);
		return { accepted: true };
	});
}

/**
 * Adds the pages an attempt retrieved to the job's sources, one per normalised URL (a retrieved copy
 * replaces an unreachable one), and returns every source of the job.
 */
export function registerSources(
	state: JobState,
	message: AgentTaskMessage,
	sources: NewSource[],
	now: number,
): Transition<SourceRecord[]> {
	const owned = state.tenantId === message.tenantId && state.jobId === message.jobId;
	return onAttempt(state, message, now, owned ? state.sources : [], (next) => {
		const byUrl = new Map(
			next.sources.flatMap((source) => (source.url ? [[normalizeUrl(source.url), source]] : [])),
		);
		for (const source of sources) {
			const key = source.url ? normalizeUrl(source.url) : null;
			const existing = key ? byUrl.get(key) : undefined;
			if (existing && !(existing.status === "unreachable" && source.status === "retrieved")) continue;
			const record: SourceRecord = { ...source, id: existing?.id ?? `S${next.sources.length + 1}` };
			next.sources = existing
				? next.sources.map((candidate) => (candidate.id === record.id ? record : candidate))
				: [...next.sources, record];
			if (key) byUrl.set(key, record);
		}
		return next.sources;
	});
}

// ─── Budget ───────────────────────────────────────────────────────────────────────────────────────

/** Reserves `usd` for one call of the attempt; refused (and the job marked budget-limited) past the limit. */
export function reserveBudget(
	state: JobState,
	message: AgentTaskMessage,
	usd: number,
	now: number,
): Transition<{ granted: boolean }> {
	return onAttempt<{ granted: boolean }>(state, message, now, { granted: false }, (next) => {
		const { budget } = next;
		if (budget.limitUsd !== null && budget.spentUsd + budget.reservedUsd + usd > budget.limitUsd) {
			budget.limited = true;
			return { granted: false };
		}
		budget.reservedUsd += usd;
		return { granted: true };
	});
}

/** Calls a provider answered and billed, priced: whose they were, their usage with its cost, their latencies. */
export type BilledCall = Omit<SettledCall, "reservedUsd">;

/** Books billed calls: the cost to the budget, the latencies to the metrics, the usage to `books` by provider. */
function bookInPlace(
	next: JobState,
	books: Record<string, Usage> | undefined,
	call: BilledCall,
): Record<string, Usage> {
	next.budget.spentUsd += call.usage.costUsd ?? 0;
	next.pricingWarnings = withPricingWarning(next.pricingWarnings ?? [], call.pricingWarning);
	next.providerLatencies.push(...call.latenciesMs);
	const usage = books ?? {};
	usage[call.provider] = sumUsage(usage[call.provider] ?? ZERO_USAGE, call.usage);
	return usage;
}

/**
 * Gives back a turn's reservation and books what its calls were billed — to the budget, the task and its
 * provider — whether the turn succeeded, failed (malformed output, a refusal, a later error) or its
 * attempt went stale: every token a provider charged is counted once.
 */
export function settleCall(
	state: JobState,
	message: AgentTaskMessage,
	call: SettledCall,
	now: number,
): Transition {
	if (state.tenantId !== message.tenantId || state.jobId !== message.jobId) return unchanged(state, null);
	return change(state, now, (next) => {
		next.budget.reservedUsd = Math.max(0, next.budget.reservedUsd - call.reservedUsd);
		next.agentUsage = bookInPlace(next, next.agentUsage, call);
		const task = next.tasks.find((candidate) => candidate.id === message.taskId);
		if (task) task.usage = sumUsage(task.usage, call.usage);
		return null;
	});
}

/** Books a call the coordinator made itself (decomposition, support judging) to the budget and metrics. */
export function bookCoordinatorCall(state: JobState, call: BilledCall, now: number): Transition {
	return change(state, now, (next) => {
		next.coordinatorUsage = bookInPlace(next, next.coordinatorUsage, call);
		return null;
	});
}

// ─── The watchdog ─────────────────────────────────────────────────────────────────────────────────

/**
 * The watchdog's tick for a running job: past the deadline it skips what is unfinished and synthesizes
 * what it has (partial); otherwise it sends lost attempts again (or fails them after the last attempt)
 * and dispatches what is ready.
 */
export function watchdog(state: JobState, now: number): Transition {
	if (state.status !== "running") return unchanged(state, null);
	return change(state, now, (next, out) => {
		if (now >= next.deadline) {
			skipUnfinished(next, now);
			next.partial = true;
			out.events.push({ type: "job.synthesizing", data: { reason: "deadline" } });
			toSynthesizing(next, now, out);
			return null;
		}
		for (const task of next.tasks) {
			const lost =
				(task.status === "dispatched" || task.status === "running") &&
				task.leaseExpiresAt !== null &&
				task.leaseExpiresAt <= now;
			if (!lost) continue;
			if (task.attempts >= MAX_TASK_ATTEMPTS) {
				failInPlace(
					next,
					task,
					`lease expired on attempt ${task.attempts} of ${MAX_TASK_ATTEMPTS}`,
					now,
					out,
				);
				continue;
			}
			out.events.push(agentEvent(task, "agent.retrying", { reason: "lease_expired" }));
			next.counters.redispatches += 1;
			task.status = "pending";
			task.leaseExpiresAt = null;
		}
		advanceInPlace(next, now, out);
		return null;
	});
}

// ─── The end of a job ─────────────────────────────────────────────────────────────────────────────

/** Cancels the job unless it already ended; tasks not yet finished are skipped. */
export function cancel(state: JobState, now: number): Transition<{ cancelled: boolean }> {
	if (TERMINAL_JOB_STATUSES.includes(state.status)) return unchanged(state, { cancelled: false });
	return change(state, now, (next, out) => {
		skipUnfinished(next, now);
		finishInPlace(next, "cancelled", null, now, out);
		return { cancelled: true };
	});
}

/** The report is stored: the job completes, keeping the trajectory it will be learned from. */
export function reportStored(state: JobState, aggregation: Aggregation, now: number): Transition {
	if (state.status !== "synthesizing") return unchanged(state, null); // cancelled while it was built
	return change(state, now, (next, out) => {
		finishInPlace(next, "completed", null, now, out);
		next.trajectory = trajectoryOf(next, aggregation, now);
		return null;
	});
}

/** Building the report failed; after `MAX_FINALIZE_FAILURES` the job fails. */
export function reportFailed(state: JobState, now: number): Transition {
	if (state.status !== "synthesizing") return unchanged(state, null);
	return change(state, now, (next, out) => {
		next.finalizeFailures += 1;
		if (next.finalizeFailures >= MAX_FINALIZE_FAILURES) {
			finishInPlace(
				next,
				"failed",
				{ code: "report_failed", message: "the report could not be built" },
				now,
				out,
			);
		}
		return null;
	});
}

/** What one try at the owed side effects achieved. */
export type OwedOutcome = { mirrorVersion?: number; quotaReleased?: boolean; learned?: boolean };

/**
 * Records what a try at the owed side effects achieved: the mirror version written, the quota slot given
 * back, the pattern recorded. A try that leaves work owed after the job ended counts toward the backoff.
 */
export function owedSettled(state: JobState, outcome: OwedOutcome, now: number): Transition {
	return change(state, now, (next) => {
		if (outcome.mirrorVersion !== undefined) {
			next.mirror.synced = Math.max(next.mirror.synced, outcome.mirrorVersion);
		}
		if (outcome.quotaReleased) next.quotaReleased = true;
		if (outcome.learned) next.learned = true;
		const stillOwed = Object.values(owedWork(next)).some(Boolean);
		next.owedRetries = stillOwed && TERMINAL_JOB_STATUSES.includes(next.status) ? next.owedRetries + 1 : 0;
		return null;
	});
}

// ─── Shared steps (on the copy inside a transition) ───────────────────────────────────────────────

/** Dispatches what is ready, or, once every task has ended, moves to synthesis (or fails the job). */
function advanceInPlace(state: JobState, now: number, out: Recorder): void {
	if (state.status !== "running") return;
	if (isSettled(state.tasks)) {
		// A budget-limited job reports what it has, even when that is nothing.
		if (state.budget.limited || state.tasks.some((task) => task.status === "completed")) {
			out.events.push({ type: "job.synthesizing", data: { reason: "settled" } });
			toSynthesizing(state, now, out);
		} else {
			finishInPlace(
				state,
				"failed",
				{ code: "all_agents_failed", message: "every agent task failed" },
				now,
				out,
			);
		}
		return;
	}
	const messages = nextDispatch(state.tasks, state.config.maxConcurrent).map((taskId) => {
		const task = taskIn(state, taskId);
		task.status = "dispatched";
		task.attempts += 1;
		task.progress = 0;
		task.dispatchedAt = now;
		task.leaseExpiresAt = now + DISPATCH_LEASE_MS;
		out.events.push(agentEvent(task, "agent.dispatched", {}));
		return { jobId: state.jobId, tenantId: state.tenantId, taskId, attempt: task.attempts };
	});
	if (messages.length > 0) out.effects.push({ kind: "dispatch", messages });
}

function failInPlace(state: JobState, task: TaskRuntime, error: string, now: number, out: Recorder): void {
	task.status = "failed";
	task.finishedAt = now;
	task.leaseExpiresAt = null;
	task.error = error;
	state.counters.errors += 1;
	state.mirror.version += 1;
	out.events.push(agentEvent(task, "agent.failed", { error }));
}

function skipUnfinished(state: JobState, now: number): void {
	for (const task of state.tasks) {
		if (task.status === "completed" || task.status === "failed" || task.status === "skipped") continue;
		task.status = "skipped";
		task.leaseExpiresAt = null;
		task.finishedAt = now;
	}
}

function toSynthesizing(state: JobState, now: number, out: Recorder): void {
	state.status = "synthesizing";
	state.phaseStartedAt.synthesizing = now;
	state.partial ||= state.tasks.some((task) => task.status !== "completed");
	state.mirror.version += 1;
	out.effects.push({ kind: "synthesize" });
}

/**
 * Ends the job. Its terminal event goes to the webhook outbox in the same commit as the state, so a
 * crash between them cannot lose it; its quota slot and D1 mirror become owed.
 */
function finishInPlace(
	state: JobState,
	status: "completed" | "failed" | "cancelled",
	error: JobState["error"],
	now: number,
	out: Recorder,
): void {
	state.quotaReleased = false;
	state.status = status;
	state.error = error;
	state.phaseStartedAt.finished = now;
	state.mirror.version += 1;
	const type = `job.${status}` as const;
	out.effects.push({ kind: "notify", event: terminalEvent(state, type, now) });
	out.events.push({
		type,
		data: {
			status,
			partial: state.partial,
			...(error ? { error } : {}),
			metrics: computeMetrics(state, now),
		},
	});
}

/** The webhook event of a job's end; its id is fixed per job and type, so a re-send is recognisable. */
function terminalEvent(state: JobState, type: OutboundJobEvent["type"], now: number): OutboundJobEvent {
	return {
		kind: "job-event",
		tenantId: state.tenantId,
		jobId: state.jobId,
		eventId: `evt_${state.jobId.replace(/^job_/, "")}_${type.slice(4)}`,
		type,
		occurredAt: now,
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
}

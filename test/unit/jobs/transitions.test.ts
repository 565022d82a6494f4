import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_OWED_RETRY_MS, nextAlarmAt, WATCHDOG_MS } from "../../../src/jobs/alarm";
import { computeMetrics, initialTasks, type JobState, owedWork } from "../../../src/jobs/state";
import * as job from "../../../src/jobs/transitions";
import type { AgentResult, AgentTaskMessage, EffectiveConfig } from "../../../src/protocol";
import { ZERO_USAGE } from "../../../src/protocol";
import { BREAKER_THRESHOLD, CLOSED_BREAKER, recordOutcome } from "../../../src/providers/breaker";
import { planSwarm } from "../../../src/swarm/sizing";
import type { Aggregation } from "../../../src/synthesis/types";
import { testConfig } from "../../fixtures/agent-context";

const T0 = 1_700_000_000_000;
const PROVIDERS: job.ProviderChoices = {
	configured: ["extractive", "anthropic", "openai"],
	modelOverrides: {},
};

function accepted(config: Partial<EffectiveConfig> = {}): JobState {
	return job.accept(
		{
			jobId: "job_1",
			tenantId: "tenant_a",
			task: "What limits heat pump efficiency in cold climates?",
			config: testConfig({ swarmSize: 3, maxConcurrent: 2, ...config }),
			metadata: null,
			sources: [],
			createdAt: T0,
			explicit: { swarmSize: true, provider: false },
			callbackUrl: null,
		},
		T0,
	).state;
}

/** A job planned with `config`'s swarm and running: explorer and depth-analyst dispatched (attempt 1). */
function running(config: Partial<EffectiveConfig> = {}): JobState {
	const queued = accepted(config);
	const planning = job.startPlanning(queued, T0 + 1).state;
	return job.planned(
		planning,
		{ sources: [], tasks: initialTasks(planSwarm(planning.config)), goal: null, learning: null },
		T0 + 2,
	).state;
}

function message(taskId: string, attempt = 1): AgentTaskMessage {
	return { jobId: "job_1", tenantId: "tenant_a", taskId, attempt };
}

function result(overrides: Partial<AgentResult> = {}): AgentResult {
	return {
		findings: [],
		narrative: "",
		usage: { ...ZERO_USAGE, inputTokens: 100, outputTokens: 20, costUsd: 0.01 },
		providerCalls: [{ latencyMs: 40 }],
		provider: "extractive",
		model: null,
		...overrides,
	} as AgentResult;
}

function taskOf(state: JobState, id: string) {
	const task = state.tasks.find((candidate) => candidate.id === id);
	if (!task) throw new Error(`no task ${id}`);
	return task;
}

/** Runs a task's attempt from begin to completion. */
function finish(state: JobState, taskId: string, now: number): JobState {
	const attempt = taskOf(state, taskId).attempts;
	const begun = job.beginTask(state, message(taskId, attempt), PROVIDERS, now).state;
	return job.completeTask(begun, message(taskId, attempt), result(), now + 10).state;
}

const EMPTY_AGGREGATION = {
	findings: [],
	verification: { total: 0, verified: 0 },
	quality: { overall: 0.5 },
} as unknown as Aggregation;

describe("planning", () => {
	it("queues a new job with its acceptance logged", () => {
		const { state, events } = job.accept(
			{
				jobId: "job_1",
				tenantId: "tenant_a",
				task: "t",
				config: testConfig(),
				metadata: null,
				sources: [],
				createdAt: T0,
				explicit: { swarmSize: false, provider: false },
				callbackUrl: null,
			},
			T0,
		);
		expect(state.status).toBe("queued");
		expect(state.deadline).toBe(T0 + 60 * 60_000);
		expect(events.map((event) => event.type)).toEqual(["job.accepted"]);
	});

	it("dispatches the ready tasks up to the concurrency cap once planned", () => {
		const planning = job.startPlanning(accepted(), T0 + 1).state;
		expect(planning.status).toBe("planning");
		const { state, events, effects } = job.planned(
			planning,
			{
				sources: [],
				tasks: initialTasks(planSwarm(planning.config)),
				goal: null,
				learning: { note: "none" },
			},
			T0 + 2,
		);
		expect(state.status).toBe("running");
		expect(state.learning.note).toBe("none");
		expect(events.map((event) => event.type)).toEqual([
			"job.planned",
			"agent.dispatched",
			"agent.dispatched",
		]);
		expect(effects).toEqual([
			{
				kind: "dispatch",
				messages: [message("explorer"), message("depth-analyst")],
			},
		]);
		expect(taskOf(state, "explorer").leaseExpiresAt).toBe(T0 + 2 + job.DISPATCH_LEASE_MS);
		expect(taskOf(state, "synthesizer").status).toBe("pending");
		expect(owedWork(state).mirror).toBe(true);
	});

	it("drops a plan that arrives after the job was cancelled", () => {
		const planning = job.startPlanning(accepted(), T0 + 1).state;
		const cancelled = job.cancel(planning, T0 + 2).state;
		const late = job.planned(cancelled, { sources: [], tasks: [], goal: null, learning: null }, T0 + 3);
		expect(late.state).toBe(cancelled);
		expect(late.events).toEqual([]);
	});
});

describe("task attempts", () => {
	it("starts an attempt on the job's provider, and resumes a redelivery without a second event", () => {
		const first = job.beginTask(running(), message("explorer"), PROVIDERS, T0 + 10);
		expect(first.result?.status).toBe("running");
		expect(first.result?.provider).toBe("extractive");
		expect(first.result?.leaseExpiresAt).toBe(T0 + 10 + job.RUN_LEASE_MS);
		expect(first.events.map((event) => event.type)).toEqual(["agent.started"]);
		const again = job.beginTask(first.state, message("explorer"), PROVIDERS, T0 + 20);
		expect(again.events).toEqual([]);
		expect(again.result?.leaseExpiresAt).toBe(T0 + 20 + job.RUN_LEASE_MS);
	});

	it("answers a stale, foreign or unknown attempt with no change", () => {
		const state = running();
		for (const stale of [
			message("explorer", 2),
			{ ...message("explorer"), tenantId: "tenant_b" },
			{ ...message("explorer"), jobId: "job_2" },
			message("synthesizer"),
			message("nobody"),
		]) {
			const begun = job.beginTask(state, stale, PROVIDERS, T0 + 10);
			expect(begun.state).toBe(state);
			expect(begun.result).toBeNull();
			expect(job.heartbeat(state, stale, 50, undefined, T0).result).toEqual({ active: false });
			expect(job.completeTask(state, stale, result(), T0).result).toEqual({ accepted: false });
			expect(job.reserveBudget(state, stale, 1, T0).result).toEqual({ granted: false });
		}
	});

	it("falls back from a provider whose breaker is open, and records the fallback", () => {
		let breaker = CLOSED_BREAKER;
		for (let outage = 0; outage < BREAKER_THRESHOLD; outage++) breaker = recordOutcome(breaker, "outage", T0);
		const state = running({ provider: "anthropic" });
		state.breakers.anthropic = breaker;
		const { result: task, state: next } = job.beginTask(state, message("explorer"), PROVIDERS, T0 + 5);
		expect(task?.provider).not.toBe("anthropic");
		expect(next.fallbacks).toEqual([
			{ taskId: "explorer", attempt: 1, from: "anthropic", to: task?.provider, at: T0 + 5, reason: "outage" },
		]);
	});

	it("treats 429s that outlasted the retries as an outage: the breaker opens and the fallback says why", () => {
		let state = job.beginTask(running({ provider: "anthropic" }), message("explorer"), PROVIDERS, T0).state;
		for (let delivery = 1; delivery <= BREAKER_THRESHOLD; delivery++) {
			state = job.retryTask(
				state,
				message("explorer"),
				{ error: "429 rate_limit_error", delaySeconds: 1, outage: "rate_limited" },
				T0 + delivery,
			).state;
			// The redelivery stays on the provider until the breaker opens, then moves.
			state = job.beginTask(state, message("explorer"), PROVIDERS, T0 + delivery + 1).state;
			const moved = delivery === BREAKER_THRESHOLD;
			expect(taskOf(state, "explorer").provider === "anthropic").toBe(!moved);
		}
		expect(state.breakers.anthropic).toMatchObject({ consecutiveOutages: 3, cause: "rate_limited" });
		expect(state.fallbacks).toEqual([
			{
				taskId: "explorer",
				attempt: 1,
				from: "anthropic",
				to: "extractive",
				at: T0 + BREAKER_THRESHOLD + 1,
				reason: "rate_limited",
			},
		]);
	});

	it("logs progress only when it rises, clamped below 100", () => {
		const begun = job.beginTask(running(), message("explorer"), PROVIDERS, T0).state;
		const half = job.heartbeat(begun, message("explorer"), 50, "reading", T0 + 1);
		expect(half.events).toEqual([
			expect.objectContaining({
				type: "agent.progress",
				data: expect.objectContaining({ progress: 50, note: "reading" }),
			}),
		]);
		expect(job.heartbeat(half.state, message("explorer"), 40, undefined, T0 + 2).events).toEqual([]);
		const over = job.heartbeat(half.state, message("explorer"), 250, undefined, T0 + 3);
		expect(taskOf(over.state, "explorer").progress).toBe(99);
	});

	it("accepts a result once, then dispatches what it unblocked", () => {
		let state = finish(running(), "explorer", T0 + 10);
		expect(taskOf(state, "explorer").status).toBe("completed");
		expect(taskOf(state, "synthesizer").status).toBe("pending");
		const duplicate = job.completeTask(state, message("explorer"), result(), T0 + 30);
		expect(duplicate.state).toBe(state);
		expect(duplicate.result).toEqual({ accepted: false });
		const begun = job.beginTask(state, message("depth-analyst"), PROVIDERS, T0 + 40).state;
		const done = job.completeTask(begun, message("depth-analyst"), result(), T0 + 50);
		expect(done.effects).toEqual([{ kind: "dispatch", messages: [message("synthesizer")] }]);
		state = finish(done.state, "synthesizer", T0 + 60);
		expect(state.status).toBe("synthesizing");
		expect(state.partial).toBe(false);
	});

	it("moves to synthesis once every task ended, asking for the report at once", () => {
		let state = finish(running(), "explorer", T0 + 10);
		state = finish(state, "depth-analyst", T0 + 20);
		const begun = job.beginTask(state, message("synthesizer"), PROVIDERS, T0 + 30).state;
		const last = job.completeTask(begun, message("synthesizer"), result(), T0 + 40);
		expect(last.events.map((event) => event.type)).toEqual(["agent.completed", "job.synthesizing"]);
		expect(last.effects).toEqual([{ kind: "synthesize" }]);
	});

	it("holds the lease over a retry's delay and counts it; an outage feeds the breaker", () => {
		const begun = job.beginTask(running(), message("explorer"), PROVIDERS, T0).state;
		const retried = job.retryTask(
			begun,
			message("explorer"),
			{ error: "503", delaySeconds: 8, outage: "outage" },
			T0 + 1,
		);
		expect(taskOf(retried.state, "explorer").leaseExpiresAt).toBe(T0 + 1 + 8_000 + job.DISPATCH_LEASE_MS);
		expect(retried.state.counters).toEqual({ retries: 1, redispatches: 0, errors: 1 });
		expect(retried.state.breakers.extractive?.consecutiveOutages).toBe(1);
	});

	it("fails the job when every task failed, owing its webhook, its quota slot and its mirror", () => {
		let state = running({ swarmSize: 1 });
		const failed = job.failTask(
			state,
			message("explorer"),
			{ error: "boom", rawOutput: "x".repeat(30_000) },
			T0 + 5,
		);
		state = failed.state;
		expect(state.status).toBe("failed");
		expect(state.error?.code).toBe("all_agents_failed");
		expect(state.rawOutputs.explorer).toHaveLength(20_000);
		expect(failed.events.map((event) => event.type)).toEqual(["agent.failed", "job.failed"]);
		const notify = failed.effects.find((effect) => effect.kind === "notify");
		expect(notify).toMatchObject({ event: { eventId: "evt_1_failed", type: "job.failed", jobId: "job_1" } });
		expect(owedWork(state)).toEqual({ mirror: true, quotaRelease: true, pattern: false });
	});

	it("synthesizes a budget-limited job even when no task completed", () => {
		const state = running({ swarmSize: 1 });
		const failed = job.failTask(state, message("explorer"), { error: "budget", budgetLimited: true }, T0 + 5);
		expect(failed.state.status).toBe("synthesizing");
		expect(failed.state.budget.limited).toBe(true);
	});
});

describe("sources and budget", () => {
	it("keeps one source per normalised URL, a retrieved copy replacing an unreachable one", () => {
		const begun = job.beginTask(running(), message("explorer"), PROVIDERS, T0).state;
		const page = {
			url: "https://example.org/a",
			title: "A",
			retrievedAt: T0,
			sha256: null,
			status: "unreachable",
		};
		const first = job.registerSources(begun, message("explorer"), [page] as never, T0 + 1);
		const again = job.registerSources(
			first.state,
			message("explorer"),
			[{ ...page, url: "https://EXAMPLE.org/a#intro", status: "retrieved", sha256: "ab" }] as never,
			T0 + 2,
		);
		expect(again.result).toHaveLength(1);
		expect(again.result[0]).toMatchObject({ id: "S1", status: "retrieved" });
	});

	it("gives another tenant none of the job's sources", () => {
		const state = running();
		const foreign = { ...message("explorer"), tenantId: "tenant_b" };
		expect(job.registerSources(state, foreign, [], T0).result).toEqual([]);
	});

	it("refuses a reservation past the limit and marks the job budget-limited; settling books the real cost", () => {
		const begun = job.beginTask(running({ budgetUsd: 1 }), message("explorer"), PROVIDERS, T0).state;
		const granted = job.reserveBudget(begun, message("explorer"), 0.6, T0 + 1);
		expect(granted.result).toEqual({ granted: true });
		const refused = job.reserveBudget(granted.state, message("explorer"), 0.6, T0 + 2);
		expect(refused.result).toEqual({ granted: false });
		expect(refused.state.budget.limited).toBe(true);
		const settled = job.settleCall(
			refused.state,
			message("explorer"),
			{ reservedUsd: 0.6, provider: "anthropic", usage: { ...ZERO_USAGE, costUsd: 0.25 }, latenciesMs: [] },
			T0 + 3,
		);
		expect(settled.state.budget).toMatchObject({ spentUsd: 0.25, reservedUsd: 0 });
	});

	it("books every settled turn to its task, its provider and the budget, failed turns and stale attempts included", () => {
		const billed = (provider: string, inputTokens: number, costUsd: number) => ({
			reservedUsd: 0.5,
			provider,
			usage: { ...ZERO_USAGE, inputTokens, outputTokens: 10, costUsd },
			latenciesMs: [100, 200],
		});
		let state = job.beginTask(running({ budgetUsd: 5 }), message("explorer"), PROVIDERS, T0).state;
		state = job.reserveBudget(state, message("explorer"), 0.5, T0 + 1).state;
		// A turn that failed on malformed output, its attempt then retried on a fallback provider.
		state = job.settleCall(state, message("explorer"), billed("anthropic", 7_734, 0.03), T0 + 2).state;
		state = job.reserveBudget(state, message("explorer"), 0.5, T0 + 3).state;
		state = job.settleCall(state, message("explorer"), billed("openai", 1_000, 0.01), T0 + 4).state;
		state = job.completeTask(state, message("explorer"), result({ provider: "openai" }), T0 + 5).state;
		// A late settlement of a stale attempt still counts: the provider billed it.
		state = job.settleCall(state, message("explorer", 0), billed("anthropic", 66, 0.001), T0 + 6).state;
		expect(taskOf(state, "explorer").usage).toMatchObject({ inputTokens: 8_800, outputTokens: 30 });
		const metrics = computeMetrics(state, T0 + 7);
		expect(metrics.usageByProvider.anthropic).toMatchObject({ inputTokens: 7_800, outputTokens: 20 });
		expect(metrics.usageByProvider.openai).toMatchObject({ inputTokens: 1_000, outputTokens: 10 });
		expect(metrics.usage.inputTokens).toBe(8_800);
		expect(metrics.budget.spentUsd).toBeCloseTo(0.041, 9);
		expect(metrics.providerLatencyMs.count).toBe(6);
		expect(state.budget.reservedUsd).toBe(0);
	});

	it("books the coordinator's own calls to the budget and to its provider's usage", () => {
		const usage = { ...ZERO_USAGE, inputTokens: 500, outputTokens: 50, costUsd: 0.02 };
		const booked = job.bookCoordinatorCall(
			running(),
			{ provider: "anthropic", usage, latenciesMs: [300] },
			T0,
		);
		expect(booked.state.budget.spentUsd).toBeCloseTo(0.02);
		expect(booked.state.coordinatorUsage?.anthropic?.inputTokens).toBe(500);
		expect(booked.state.providerLatencies).toEqual([300]);
	});
});

describe("pricing warnings", () => {
	const unpriced = {
		kind: "unpriced" as const,
		provider: "gemini",
		model: "gemini-2.5-flash",
		validThrough: null,
		message: 'gemini model "gemini-2.5-flash" has no price in the price table',
	};

	it("make the job's cost unknown and list each model once, from agents and the coordinator alike", () => {
		let state = running();
		const begun = job.beginTask(state, message("explorer"), PROVIDERS, T0 + 3).state;
		const unknown = { ...ZERO_USAGE, inputTokens: 100, costUsd: null };
		state = job.completeTask(
			begun,
			message("explorer"),
			result({ usage: unknown, pricingWarning: unpriced }),
			T0 + 4,
		).state;
		state = job.bookCoordinatorCall(
			state,
			{ provider: "gemini", usage: unknown, latenciesMs: [5], pricingWarning: unpriced },
			T0 + 5,
		).state;
		const metrics = computeMetrics(state, T0 + 6);
		expect(metrics.usage.costUsd).toBeNull();
		expect(metrics.pricing).toEqual({ estimated: false, warnings: [unpriced] });
		expect(state.budget.spentUsd).toBe(0);
	});

	it("mark the cost estimated when a call was priced at a stale row", () => {
		const stale = {
			...unpriced,
			kind: "stale" as const,
			model: "gemini-3.8-flash",
			validThrough: "2026-12-31",
		};
		const booked = job.bookCoordinatorCall(
			running(),
			{
				provider: "gemini",
				usage: { ...ZERO_USAGE, costUsd: 0.01 },
				latenciesMs: [5],
				pricingWarning: stale,
			},
			T0,
		).state;
		expect(computeMetrics(booked, T0 + 1).pricing).toEqual({ estimated: true, warnings: [stale] });
	});
});

describe("the watchdog", () => {
	it("sends a lost attempt again, and fails it after the last attempt", () => {
		let state = running({ swarmSize: 1 });
		for (let attempt = 1; attempt < job.MAX_TASK_ATTEMPTS; attempt++) {
			const lease = taskOf(state, "explorer").leaseExpiresAt ?? 0;
			const tick = job.watchdog(state, lease);
			expect(tick.events.map((event) => event.type)).toEqual(["agent.retrying", "agent.dispatched"]);
			state = tick.state;
			expect(taskOf(state, "explorer").attempts).toBe(attempt + 1);
		}
		const last = job.watchdog(state, taskOf(state, "explorer").leaseExpiresAt ?? 0);
		expect(taskOf(last.state, "explorer").status).toBe("failed");
		expect(taskOf(last.state, "explorer").error).toBe("lease expired on attempt 3 of 3");
		expect(last.state.counters.redispatches).toBe(2);
	});

	it("leaves a live attempt alone before its lease ends", () => {
		const state = running();
		const tick = job.watchdog(state, T0 + 10);
		expect(tick.events).toEqual([]);
		expect(tick.effects).toEqual([]);
	});

	it("at the deadline skips what is unfinished and synthesizes what it has, partial", () => {
		const state = finish(running(), "explorer", T0 + 10);
		const tick = job.watchdog(state, state.deadline);
		expect(tick.state.status).toBe("synthesizing");
		expect(tick.state.partial).toBe(true);
		expect(taskOf(tick.state, "depth-analyst").status).toBe("skipped");
		expect(tick.events).toEqual([{ type: "job.synthesizing", data: { reason: "deadline" } }]);
	});
});

describe("the end of a job", () => {
	it("cancels once; a second cancel and a late report change nothing", () => {
		const cancelled = job.cancel(running(), T0 + 5);
		expect(cancelled.result).toEqual({ cancelled: true });
		expect(cancelled.state.tasks.every((task) => task.status === "skipped")).toBe(true);
		expect(job.cancel(cancelled.state, T0 + 6).result).toEqual({ cancelled: false });
		expect(job.reportStored(cancelled.state, EMPTY_AGGREGATION, T0 + 7).state).toBe(cancelled.state);
	});

	it("completes with the trajectory it will learn from, then owes the pattern until it is recorded", () => {
		let state = finish(running({ swarmSize: 1 }), "explorer", T0 + 10);
		expect(state.status).toBe("synthesizing");
		const stored = job.reportStored(state, EMPTY_AGGREGATION, T0 + 100);
		state = stored.state;
		expect(state.status).toBe("completed");
		expect(state.trajectory?.durationMs).toBe(100);
		expect(stored.events.map((event) => event.type)).toEqual(["job.completed"]);
		expect(owedWork(state)).toEqual({ mirror: true, quotaRelease: true, pattern: true });
		const settled = job.owedSettled(
			state,
			{ mirrorVersion: state.mirror.version, quotaReleased: true, learned: true },
			T0 + 200,
		).state;
		expect(owedWork(settled)).toEqual({ mirror: false, quotaRelease: false, pattern: false });
		expect(settled.owedRetries).toBe(0);
	});

	it("fails the job after the report failed three times", () => {
		let state = finish(running({ swarmSize: 1 }), "explorer", T0 + 10);
		for (let failure = 1; failure < job.MAX_FINALIZE_FAILURES; failure++) {
			state = job.reportFailed(state, T0 + 20).state;
			expect(state.status).toBe("synthesizing");
		}
		state = job.reportFailed(state, T0 + 30).state;
		expect(state.status).toBe("failed");
		expect(state.error?.code).toBe("report_failed");
	});
});

describe("owed work and the alarm", () => {
	it("wakes an active job at its earliest lease, the deadline or the next tick", () => {
		const state = running();
		expect(nextAlarmAt(state, false, T0 + 2)).toBe(T0 + 2 + WATCHDOG_MS);
		const lease = taskOf(state, "explorer").leaseExpiresAt ?? 0;
		expect(nextAlarmAt(state, false, lease - 1_000)).toBe(lease);
	});

	it("wakes an ended job only while it owes something, backing off each failed try", () => {
		let state = job.cancel(running(), T0).state;
		expect(nextAlarmAt(state, false, T0)).toBe(T0 + WATCHDOG_MS);
		state = job.owedSettled(state, { mirrorVersion: state.mirror.version }, T0).state;
		expect(state.owedRetries).toBe(1); // the quota slot is still owed
		expect(nextAlarmAt(state, false, T0)).toBe(T0 + 2 * WATCHDOG_MS);
		for (let attempt = 0; attempt < 20; attempt++) state = job.owedSettled(state, {}, T0).state;
		expect(nextAlarmAt(state, false, T0)).toBe(T0 + MAX_OWED_RETRY_MS);
		state = job.owedSettled(state, { quotaReleased: true }, T0).state;
		expect(nextAlarmAt(state, false, T0)).toBeNull();
		expect(nextAlarmAt(state, true, T0)).toBe(T0 + WATCHDOG_MS); // an unsent webhook event
	});

	it("never bumps the mirror's synced version past what was written, nor back", () => {
		const state = running();
		const ahead = job.owedSettled(state, { mirrorVersion: state.mirror.version }, T0).state;
		const stale = job.owedSettled(ahead, { mirrorVersion: 0 }, T0).state;
		expect(stale.mirror.synced).toBe(state.mirror.version);
	});
});

describe("every transition", () => {
	type Step =
		| { kind: "begin" | "complete" | "fail" | "beat"; task: number; attempt: number }
		| { kind: "tick"; after: number }
		| { kind: "cancel" };
	const step: fc.Arbitrary<Step> = fc.oneof(
		fc.record({
			kind: fc.constantFrom("begin", "complete", "fail", "beat"),
			task: fc.nat(6),
			attempt: fc.integer({ min: 1, max: 3 }),
		}),
		fc.record({ kind: fc.constant("tick"), after: fc.integer({ min: 0, max: 2 * job.DISPATCH_LEASE_MS }) }),
		fc.constant({ kind: "cancel" } as const),
	);

	it("leaves its input untouched, keeps the cap, and never revives an ended job", () => {
		fc.assert(
			fc.property(
				fc.constantFrom(1, 3, 4, 5, 6, 7),
				fc.integer({ min: 1, max: 4 }),
				fc.array(step, { maxLength: 40 }),
				(size, cap, steps) => {
					let state = running({ swarmSize: size, maxConcurrent: cap });
					let now = T0 + 10;
					for (const next of steps) {
						const before = structuredClone(state);
						const id =
							state.tasks[next.kind === "tick" || next.kind === "cancel" ? 0 : next.task % state.tasks.length]
								?.id ?? "x";
						const attempt = "attempt" in next ? next.attempt : 1;
						now += next.kind === "tick" ? next.after : 1;
						const transition =
							next.kind === "begin"
								? job.beginTask(state, message(id, attempt), PROVIDERS, now)
								: next.kind === "complete"
									? job.completeTask(state, message(id, attempt), result(), now)
									: next.kind === "fail"
										? job.failTask(state, message(id, attempt), { error: "x" }, now)
										: next.kind === "beat"
											? job.heartbeat(state, message(id, attempt), 50, undefined, now)
											: next.kind === "tick"
												? job.watchdog(state, now)
												: job.cancel(state, now);
						expect(state).toEqual(before);
						const wasEnded = ["completed", "failed", "cancelled"].includes(state.status);
						state = transition.state;
						const inFlight = state.tasks.filter(
							(task) => task.status === "dispatched" || task.status === "running",
						);
						expect(inFlight.length).toBeLessThanOrEqual(cap);
						if (wasEnded) expect(transition.events).toEqual([]);
						for (const event of transition.events) {
							if ("agentId" in event.data) {
								const { agentId } = event.data;
								expect(state.tasks.some((task) => task.id === agentId)).toBe(true);
							}
						}
					}
				},
			),
		);
	});
});

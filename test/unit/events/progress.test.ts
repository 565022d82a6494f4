import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	applyEvent,
	emptyProgress,
	foldEvents,
	hasEnded,
	type JobProgress,
	jobPercent,
	MAX_UNFINISHED_PERCENT,
} from "../../../src/events/progress";
import {
	type AgentEventType,
	EVENT_TYPES,
	type JobEvent,
	JobEventSchema,
	ROLES,
	ZERO_USAGE,
} from "../../../src/protocol";
import { agentEvent, completedJobLog, EPOCH, jobEvent, PLAN, testMetrics } from "../../fixtures/job-events";

const at = (seq: number) => EPOCH + seq * 100;

describe("folding a job's events", () => {
	it("tracks each agent as the coordinator does: status, attempts, times, provider, usage", () => {
		const progress = foldEvents(completedJobLog());
		expect(progress).toMatchObject({
			jobId: "job_1",
			lastSeq: 18,
			status: "completed",
			task: "How do heat pumps cope with frost?",
			acceptedAt: at(1),
			finishedAt: at(18),
			sources: { retrieved: 2, unreachable: 1 },
			firstDispatchAt: at(3),
			maxInFlight: 2,
			retries: 2,
			terminalEvents: 1,
			partial: false,
			error: null,
		});
		expect(progress.metrics?.agents.completed).toBe(3);
		expect(progress.agents.map((agent) => [agent.id, agent.status, agent.attempt, agent.progress])).toEqual([
			["explorer", "completed", 1, 100],
			["depth-analyst", "completed", 2, 100],
			["synthesizer", "completed", 1, 100],
		]);
		expect(progress.agents[1]).toMatchObject({
			phase: "research",
			dispatchedAt: at(8),
			startedAt: at(9),
			finishedAt: at(13),
			provider: "extractive",
			findings: 2,
			providerMs: 80,
			completions: 1,
			error: null,
		});
		expect(progress.agents[0]?.note).toBe("reading 2 sources");
		expect(progress.agents[0]?.usage?.inputTokens).toBe(400);
		expect(jobPercent(progress)).toBe(100);
	});

	it("follows an agent through a lost lease and a failed attempt", () => {
		const log = completedJobLog();
		const through = (seq: number) => foldEvents(log.filter((event) => event.seq <= seq));
		const depth = (seq: number) => through(seq).agents.find((agent) => agent.id === "depth-analyst");
		expect(depth(4)).toMatchObject({ status: "dispatched", attempt: 1 });
		// A lost attempt frees its slot and goes back to pending; a failed one keeps it while it waits.
		expect(depth(7)).toMatchObject({ status: "pending", attempt: 1 });
		expect(through(7).maxInFlight).toBe(2);
		expect(depth(8)).toMatchObject({ status: "dispatched", attempt: 2, progress: 0 });
		expect(depth(10)).toMatchObject({ status: "retrying", error: "timeout" });
		expect(depth(12)).toMatchObject({ status: "running", progress: 70 });
	});

	it("weighs agents by time share, holds at 99 until the job ends, and skips what never finished", () => {
		const log = completedJobLog();
		// explorer done (0.4 · 100), depth analyst at 70 (0.4 · 70), synthesizer pending: 68.
		expect(jobPercent(foldEvents(log.filter((event) => event.seq <= 12)))).toBe(68);
		expect(jobPercent(foldEvents(log.filter((event) => event.seq <= 17)))).toBe(MAX_UNFINISHED_PERCENT);
		const cancelled = foldEvents([
			...log.filter((event) => event.seq <= 12),
			jobEvent(13, "job.cancelled", {
				status: "cancelled",
				partial: false,
				error: { code: "cancelled", message: "cancelled by the user" },
				metrics: testMetrics(3, 1),
			}),
		]);
		expect(hasEnded(cancelled)).toBe(true);
		expect(jobPercent(cancelled)).toBe(100);
		expect(cancelled.error).toEqual({ code: "cancelled", message: "cancelled by the user" });
		expect(cancelled.agents.map((agent) => [agent.status, agent.finishedAt])).toEqual([
			["completed", at(11)],
			["skipped", at(13)],
			["skipped", at(13)],
		]);
	});

	it("adds an agent the plan did not list, with its sub-goal, after the planned ones", () => {
		const progress = foldEvents([
			jobEvent(1, "job.planned", { plan: PLAN, sources: { retrieved: 1, unreachable: 0 } }),
			agentEvent(2, "agent.dispatched", { agentId: "g2/critic", role: "critic", subgoalId: "g2" }, {}),
		]);
		expect(progress.agents.map((agent) => agent.id)).toEqual([
			"explorer",
			"depth-analyst",
			"synthesizer",
			"g2/critic",
		]);
		expect(progress.agents[3]).toMatchObject({
			phase: null,
			timeShare: 0,
			subgoalId: "g2",
			status: "dispatched",
		});
		expect(jobPercent(progress)).toBe(0);
	});

	it("returns the same progress for an event it has already folded", () => {
		const log = completedJobLog();
		const progress = foldEvents(log.slice(0, 10));
		for (const event of log.slice(0, 10)) expect(applyEvent(progress, event)).toBe(progress);
	});
});

const AGENT_EVENT_TYPES = EVENT_TYPES.filter((type): type is AgentEventType => type.startsWith("agent."));

/** Payloads of agent events, by type. */
const AGENT_PAYLOADS: Record<AgentEventType, (progress: number) => Record<string, unknown>> = {
	"agent.dispatched": () => ({}),
	"agent.started": () => ({ provider: "extractive", model: null }),
	"agent.progress": (progress) => ({ progress }),
	"agent.completed": () => ({ findings: 1, usage: ZERO_USAGE, providerMs: 5 }),
	"agent.failed": () => ({ error: "boom" }),
	"agent.retrying": (progress) => ({ reason: progress % 2 ? "error" : "lease_expired" }),
};

/** Any event of the fixture's job, or of its agents and a stranger, in any order (numbered later). */
const arbitraryEvent: fc.Arbitrary<JobEvent> = fc.oneof(
	fc.constantFrom(...completedJobLog()),
	fc
		.record({
			type: fc.constantFrom(...AGENT_EVENT_TYPES),
			agentId: fc.constantFrom("explorer", "depth-analyst", "synthesizer", "stranger"),
			role: fc.constantFrom(...ROLES),
			attempt: fc.integer({ min: 1, max: 3 }),
			progress: fc.integer({ min: 0, max: 99 }),
			at: fc.nat(10_000),
		})
		.map(({ type, agentId, role, attempt, progress, at }) =>
			JobEventSchema.parse({
				seq: 1,
				type,
				data: { jobId: "job_1", at, agentId, role, attempt, ...AGENT_PAYLOADS[type](progress) },
			}),
		),
);

/** A log: events numbered 1…n in the order drawn. */
const arbitraryLog = fc
	.array(arbitraryEvent, { maxLength: 30 })
	.map((events) => events.map((event, index) => ({ ...event, seq: index + 1 })));

function fold(events: readonly JobEvent[]): JobProgress {
	return events.reduce(applyEvent, emptyProgress());
}

describe("folding, for any log", () => {
	it("is order-stable by sequence number: shuffled and duplicated deliveries fold to the same progress", () => {
		fc.assert(
			fc.property(
				arbitraryLog.chain((log) =>
					fc.tuple(fc.constant(log), fc.shuffledSubarray([...log, ...log], { minLength: 2 * log.length })),
				),
				([log, delivered]) => {
					expect(foldEvents(delivered)).toEqual(fold(log));
				},
			),
		);
	});

	it("changes nothing when a resumed stream replays what was seen", () => {
		fc.assert(
			fc.property(arbitraryLog, fc.nat(), fc.nat(), (log, cut, replayFrom) => {
				const seen = cut % (log.length + 1);
				const resumedAt = replayFrom % (seen + 1);
				const resumed = [...log.slice(0, seen), ...log.slice(resumedAt)];
				expect(fold(resumed)).toEqual(fold(log));
			}),
		);
	});

	it("stays within 0–99 until the job ends and is 100 after; agents' progress within 0–100", () => {
		fc.assert(
			fc.property(arbitraryLog, (log) => {
				let progress = emptyProgress();
				for (const event of log) {
					progress = applyEvent(progress, event);
					const percent = jobPercent(progress);
					if (hasEnded(progress)) expect(percent).toBe(100);
					else expect(percent).toBeGreaterThanOrEqual(0);
					if (!hasEnded(progress)) expect(percent).toBeLessThanOrEqual(MAX_UNFINISHED_PERCENT);
					for (const agent of progress.agents) expect(agent.progress).toBeGreaterThanOrEqual(0);
					for (const agent of progress.agents) expect(agent.progress).toBeLessThanOrEqual(100);
					expect(progress.lastSeq).toBe(event.seq);
				}
			}),
		);
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	advance,
	describeEvent,
	type EventProgress,
	MAX_UNFINISHED_PERCENT,
	NO_PROGRESS,
	percentOf,
} from "../../../src/mcp/job-progress";
import { EVENT_TYPES, type EventType, type JobEvent } from "../../../src/protocol";

let seq = 0;
function event(type: EventType, data: Record<string, unknown> = {}): JobEvent {
	seq += 1;
	return { seq, type, data: { jobId: "job_1", at: 0, ...data } } as JobEvent;
}

const PLAN = [
	{ id: "explorer", role: "explorer", phase: "research", dependsOn: [], timeShare: 0.4 },
	{ id: "depth", role: "depth_analyst", phase: "research", dependsOn: [], timeShare: 0.4 },
	{ id: "synth", role: "synthesizer", phase: "synthesis", dependsOn: ["explorer", "depth"], timeShare: 0.2 },
];

function agent(type: EventType, agentId: string, data: Record<string, unknown> = {}): JobEvent {
	const role = PLAN.find((task) => task.id === agentId)?.role ?? "explorer";
	return event(type, { agentId, role, attempt: 1, ...data });
}

function fold(events: JobEvent[]): EventProgress {
	return events.reduce(advance, NO_PROGRESS);
}

describe("job progress from events", () => {
	it("is 0 until the plan exists and weighs tasks by their time share", () => {
		expect(percentOf(fold([event("job.accepted")]))).toBe(0);
		const planned = fold([event("job.accepted"), event("job.planned", { plan: PLAN })]);
		expect(planned.tasks.map((task) => [task.id, task.status, task.progress])).toEqual([
			["explorer", "pending", 0],
			["depth", "pending", 0],
			["synth", "pending", 0],
		]);
		const halfway = fold([
			event("job.planned", { plan: PLAN }),
			agent("agent.dispatched", "explorer"),
			agent("agent.started", "explorer"),
			agent("agent.completed", "explorer"),
			agent("agent.dispatched", "depth"),
			agent("agent.progress", "depth", { progress: 50 }),
		]);
		// 0.4·100 + 0.4·50 + 0.2·0 = 60
		expect(percentOf(halfway)).toBe(60);
	});

	it("restarts a task at 0 on a new dispatch and never lowers it on a stale progress report", () => {
		const redispatched = fold([
			event("job.planned", { plan: PLAN }),
			agent("agent.dispatched", "explorer"),
			agent("agent.progress", "explorer", { progress: 80 }),
			agent("agent.retrying", "explorer", { reason: "lease_expired" }),
			agent("agent.dispatched", "explorer"),
		]);
		expect(redispatched.tasks[0]).toMatchObject({ status: "dispatched", progress: 0 });
		const stale = advance(
			advance(redispatched, agent("agent.progress", "explorer", { progress: 30 })),
			agent("agent.progress", "explorer", { progress: 10 }),
		);
		expect(stale.tasks[0]?.progress).toBe(30);
	});

	it("holds at 99 while the report is written and reaches 100 only when the job ends", () => {
		const allDone = fold([
			event("job.planned", { plan: PLAN }),
			...PLAN.map((task) => agent("agent.completed", task.id)),
			event("job.synthesizing", { reason: "settled" }),
		]);
		expect(percentOf(allDone)).toBe(MAX_UNFINISHED_PERCENT);
		expect(percentOf(advance(allDone, event("job.completed", { status: "completed" })))).toBe(100);
		expect(percentOf(fold([event("job.accepted"), event("job.cancelled")]))).toBe(100);
	});

	it("ignores agents the plan does not name and plans it cannot read", () => {
		const planned = fold([event("job.planned", { plan: PLAN })]);
		expect(advance(planned, agent("agent.completed", "stranger"))).toEqual(planned);
		expect(advance(planned, event("job.planned", { plan: "not a plan" }))).toBe(planned);
		expect(advance(planned, event("agent.progress", { progress: 50 }))).toBe(planned);
	});

	it("stays within 0–99 until the job ends, and is 100 after, for any sequence of events", () => {
		const arbitraryEvent = fc.oneof(
			fc.constant(event("job.planned", { plan: PLAN })),
			fc
				.record({
					type: fc.constantFrom(...EVENT_TYPES),
					agentId: fc.constantFrom("explorer", "depth", "synth", "stranger"),
					progress: fc.integer({ min: -50, max: 150 }),
				})
				.map(({ type, agentId, progress }) => agent(type, agentId, { progress })),
		);
		fc.assert(
			fc.property(fc.array(arbitraryEvent, { maxLength: 40 }), (events) => {
				let state = NO_PROGRESS;
				for (const next of events) {
					state = advance(state, next);
					const percent = percentOf(state);
					if (state.ended) expect(percent).toBe(100);
					else expect(percent).toBeGreaterThanOrEqual(0);
					if (!state.ended) expect(percent).toBeLessThanOrEqual(MAX_UNFINISHED_PERCENT);
				}
			}),
		);
	});

	it("describes agent events with the role and agent, job events by type", () => {
		expect(describeEvent(agent("agent.completed", "explorer"))).toBe("agent.completed: explorer (explorer)");
		expect(describeEvent(event("job.completed"))).toBe("job.completed");
	});
});

import { describe, expect, it } from "vitest";
import { parseSse, replayJob } from "../../../bench/lib/events.mjs";
import { percentile, summarize } from "../../../bench/lib/stats.mjs";

function sse(seq: number, type: string, data: Record<string, unknown>): string {
	return `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify({ jobId: "job_1", ...data })}\n\n`;
}

describe("parseSse", () => {
	it("returns complete events and keeps a partial one for the next chunk", () => {
		const text = `retry: 1000\n\n${sse(1, "job.accepted", { at: 10 })}id: 2\nevent: job.planned\ndata: {"at"`;
		const first = parseSse(text);
		expect(first.events).toEqual([{ seq: 1, type: "job.accepted", data: { jobId: "job_1", at: 10 } }]);
		const second = parseSse(`${first.rest}: 12}\n\n`);
		expect(second.events).toEqual([{ seq: 2, type: "job.planned", data: { at: 12 } }]);
		expect(second.rest).toBe("");
	});

	it("accepts CRLF line endings", () => {
		expect(parseSse(sse(3, "job.completed", { at: 1 }).replaceAll("\n", "\r\n")).events).toHaveLength(1);
	});
});

describe("replayJob", () => {
	const log = [
		sse(1, "job.accepted", { at: 0 }),
		sse(2, "job.planned", {
			at: 5,
			plan: [{ id: "a", role: "explorer", phase: "research", dependsOn: [], timeShare: 1 }],
		}),
		sse(3, "agent.dispatched", { at: 5, agentId: "a" }),
		sse(4, "agent.dispatched", { at: 5, agentId: "b" }),
		sse(5, "agent.started", { at: 20, agentId: "a" }),
		sse(6, "agent.progress", { at: 30, agentId: "a", progress: 60, note: "snapshotting 2 retrieved pages" }),
		sse(7, "agent.progress", { at: 42, agentId: "a", progress: 80 }),
		sse(8, "agent.completed", { at: 50, agentId: "a", providerMs: 12.5 }),
		sse(9, "agent.retrying", { at: 60, agentId: "b", reason: "lease_expired" }),
		sse(10, "agent.dispatched", { at: 60, agentId: "b" }),
		sse(11, "agent.dispatched", { at: 60, agentId: "c" }),
		sse(12, "agent.completed", { at: 90, agentId: "b" }),
		sse(13, "agent.failed", { at: 95, agentId: "c" }),
		sse(14, "job.completed", { at: 120, metrics: { durationMs: 120 } }),
	].join("");

	it("reconstructs the task timeline and the time spent in provider calls", () => {
		const replay = replayJob(parseSse(log).events);
		expect(replay.plan.map((task) => task.id)).toEqual(["a"]);
		expect(replay.tasks.get("a")).toEqual({
			dispatchedAt: 5,
			startedAt: 20,
			completedAt: 50,
			providerMs: 12.5,
			dispatches: 1,
			completions: 1,
		});
		expect(replay.tasks.get("b")?.providerMs).toBeNull();
		expect(replay.firstDispatchAt).toBe(5);
		expect(replay.lastAgentCompletedAt).toBe(90);
		expect(replay.terminal).toEqual({ completed: 1, failed: 0, cancelled: 0 });
		expect(replay.metrics).toEqual({ durationMs: 120 });
	});

	it("frees a slot on a lapsed lease, so a redispatch does not count twice", () => {
		const replay = replayJob(parseSse(log).events);
		expect(replay.tasks.get("b")?.dispatches).toBe(2);
		expect(replay.retries).toBe(1);
		expect(replay.maxInFlight).toBe(2);
	});

	it("replays by sequence number whatever order the events arrive in", () => {
		const events = parseSse(log).events;
		expect(replayJob([...events].reverse()).maxInFlight).toBe(replayJob(events).maxInFlight);
	});

	it("counts every terminal event, so a duplicate completion shows", () => {
		const doubled = parseSse(log + sse(15, "job.completed", { at: 130 })).events;
		expect(replayJob(doubled).terminal.completed).toBe(2);
	});
});

describe("stats", () => {
	it("interpolates percentiles between the closest ranks", () => {
		expect(percentile([40, 10, 30, 20], 50)).toBe(25);
		expect(percentile([1, 2, 3, 4, 5], 95)).toBeCloseTo(4.8);
		expect(percentile([], 50)).toBeNull();
	});

	it("summarizes median, extremes and the 5th and 95th percentiles", () => {
		expect(summarize([3, 1, 2])).toEqual({ n: 3, median: 2, min: 1, max: 3, p5: 1.1, p95: 2.9 });
		expect(summarize([])).toBeNull();
	});
});

import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TenantQuota } from "../../durable-objects/tenant-quota";
import { isAgentEvent } from "../../src/events/event-types";
import type { AgentResult } from "../../src/protocol";
import { ReportSchema } from "../../src/synthesis/report-schema";
import {
	type AgentGate,
	adjustState,
	coordinator,
	eventLog,
	getJob,
	holdAgents,
	overrideAgents,
	report,
	sampleRequest,
	submit,
	TENANT,
	waitForEvent,
	waitForJob,
} from "./harness";

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
});

function hold(...args: Parameters<typeof holdAgents>): AgentGate {
	const gate = holdAgents(...args);
	cleanups.push(() => {
		gate.release();
		gate.restore();
	});
	return gate;
}

const EMPTY_RESULT: AgentResult = {
	findings: [],
	narrative: "",
	usage: {
		inputTokens: 0,
		outputTokens: 0,
		cacheReadTokens: 0,
		cacheWriteTokens: 0,
		searchCalls: 0,
		costUsd: 0,
	},
	providerCalls: [],
	provider: "extractive",
	model: null,
};

describe("at-least-once delivery", () => {
	it("ignores a duplicate delivery and a stale attempt", async () => {
		const gate = hold((input) => input.taskId === "explorer");
		const jobId = await submit(sampleRequest({ swarmSize: 3 }));
		await waitForEvent(jobId, (event) => event.type === "agent.started" && event.data.agentId === "explorer");
		const message = { jobId, tenantId: TENANT, taskId: "explorer", attempt: 1 };

		// A second delivery of the running attempt, through the real queue.
		await env.AGENT_TASKS.send(message);
		// Results for attempts that are not current.
		const stub = coordinator(jobId);
		expect(await stub.completeTask({ ...message, attempt: 2 }, EMPTY_RESULT)).toEqual({ accepted: false });
		expect(await stub.completeTask({ ...message, attempt: 0 }, EMPTY_RESULT)).toEqual({ accepted: false });
		expect(await stub.beginTask({ ...message, attempt: 2 })).toBeNull();

		gate.release();
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		const explorer = job.plan.find((task) => task.id === "explorer");
		expect(explorer?.attempts).toBe(1);

		// The same result again after completion changes nothing either.
		const before = await eventLog(jobId);
		expect(await stub.completeTask(message, EMPTY_RESULT)).toEqual({ accepted: false });
		await env.AGENT_TASKS.send(message);
		await new Promise((resolve) => setTimeout(resolve, 300));
		const after = await eventLog(jobId);
		expect(after).toEqual(before);
		const completions = after.filter(
			(event) => event.type === "agent.completed" && event.data.agentId === "explorer",
		);
		expect(completions).toHaveLength(1);
		expect(after.filter((event) => event.type === "job.completed")).toHaveLength(1);
		const rows = await runInDurableObject(stub, (_instance, state) =>
			state.storage.sql.exec("SELECT attempt FROM results WHERE task_id = 'explorer'").toArray(),
		);
		expect(rows).toEqual([{ attempt: 1 }]);
	});

	it("re-dispatches a task whose lease lapsed, and ignores the lost attempt's late result", async () => {
		const gate = hold((input) => input.taskId === "depth-analyst" && input.attempt === 1);
		const jobId = await submit(sampleRequest({ swarmSize: 3 }));
		await waitForEvent(
			jobId,
			(event) => event.type === "agent.started" && event.data.agentId === "depth-analyst",
		);
		const stub = coordinator(jobId);
		// The consumer holding attempt 1 "crashed": its lease runs out without a heartbeat.
		await adjustState(stub, (state) => {
			for (const task of state.tasks) if (task.id === "depth-analyst") task.leaseExpiresAt = Date.now() - 1;
		});
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		// Attempt 1 now finishes late; its result is stale. (Locally the queue delivers one batch at a time,
		// so attempt 2 is only delivered once the held batch returns.)
		gate.release();
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		expect(job.plan.find((task) => task.id === "depth-analyst")?.attempts).toBe(2);
		expect(job.metrics.redispatches).toBe(1);
		const events = await eventLog(jobId);
		const completions = events
			.filter(isAgentEvent)
			.filter((event) => event.type === "agent.completed" && event.data.agentId === "depth-analyst");
		expect(completions.map((event) => event.data.attempt)).toEqual([2]);
		expect(events.filter((event) => event.type === "job.completed")).toHaveLength(1);
	});

	it("finishes exactly once after the coordinator is evicted mid-job", async () => {
		const gate = hold((input) => input.role === "depth_analyst");
		const jobId = await submit(sampleRequest({ swarmSize: 5 }));
		await waitForEvent(
			jobId,
			(event) => event.type === "agent.completed" && event.data.agentId === "explorer",
		);
		await evictDurableObject(coordinator(jobId));
		gate.release();
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		expect(job.plan.every((task) => task.status === "completed")).toBe(true);
		const events = await eventLog(jobId);
		expect(events.filter((event) => event.type === "job.completed")).toHaveLength(1);
		expect(events.filter((event) => event.type === "job.synthesizing")).toHaveLength(1);
		expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
		const listed = await env.ARTIFACTS.list({ prefix: `reports/${TENANT}/${jobId}.` });
		expect(listed.objects.map((object) => object.key).sort()).toEqual(
			["html", "json", "md", "provenance.json"].map((extension) => `reports/${TENANT}/${jobId}.${extension}`),
		);
	});

	it("sends a task that always fails to the dead-letter queue and completes without it", async () => {
		const failing = overrideAgents(
			(input) => input.role === "trend_analyst",
			async () => {
				throw new Error("provider unavailable");
			},
		);
		cleanups.push(failing.restore);
		const jobId = await submit(sampleRequest({ swarmSize: 5 }));
		const job = await waitForJob(jobId, undefined, 50_000);
		expect(job.status).toBe("completed");
		expect(job.partial).toBe(true);
		const trend = job.plan.find((task) => task.role === "trend_analyst");
		expect(trend?.status).toBe("failed");
		expect(trend?.error).toContain("provider unavailable");
		expect(job.metrics.retries).toBe(3);
		expect(job.metrics.agents.failed).toBe(1);
		const events = await eventLog(jobId);
		const trendEvents = events
			.filter(isAgentEvent)
			.filter((event) => event.data.agentId === "trend-analyst")
			.map((event) => event.type);
		expect(trendEvents.filter((type) => type === "agent.retrying")).toHaveLength(3);
		expect(trendEvents.at(-1)).toBe("agent.failed");
		const body = ReportSchema.parse(await (await report(jobId, "json")).json());
		expect(body.completeness).toBe("partial");
		expect(body.appendix.failures.map((failure) => failure.taskId)).toEqual(["trend-analyst"]);
		expect(await (await report(jobId, "markdown")).text()).toContain("provider unavailable");
	}, 60_000);

	it("finishes a job past its deadline with what it has, marked partial", async () => {
		hold((input) => input.role === "depth_analyst");
		const jobId = await submit(sampleRequest({ swarmSize: 3 }));
		await waitForEvent(
			jobId,
			(event) => event.type === "agent.completed" && event.data.agentId === "explorer",
		);
		const stub = coordinator(jobId);
		await adjustState(stub, (state) => {
			state.deadline = Date.now() - 1;
		});
		await runDurableObjectAlarm(stub);
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		expect(job.partial).toBe(true);
		expect(job.plan.find((task) => task.id === "explorer")?.status).toBe("completed");
		expect(job.plan.find((task) => task.id === "depth-analyst")?.status).toBe("skipped");
		const body = ReportSchema.parse(await (await report(jobId, "json")).json());
		expect(body.completeness).toBe("partial");
		expect(body.findings.length).toBeGreaterThan(0);
	});
});

describe("cancel", () => {
	it("cancels a running job; it stays cancelled and has no report", async () => {
		const gate = hold();
		const jobId = await submit(sampleRequest({ swarmSize: 3 }));
		await waitForEvent(jobId, (event) => event.type === "agent.started");
		const cancelled = await coordinator(jobId).cancel(TENANT);
		expect(cancelled).toEqual({ cancelled: true, status: "cancelled" });
		gate.release();
		await new Promise((resolve) => setTimeout(resolve, 300));
		const job = await getJob(jobId);
		expect(job.status).toBe("cancelled");
		expect(job.plan.every((task) => task.status === "skipped" || task.status === "completed")).toBe(true);
		const events = await eventLog(jobId);
		expect(events.at(-1)?.type).toBe("job.cancelled");
		expect(events.filter((event) => event.type === "agent.completed")).toHaveLength(0);
		expect((await report(jobId, "json")).status).toBe(409);
	});
});

describe("owed work", () => {
	it("gives the quota slot back after a failed release and an eviction: the debt is stored, not remembered", async () => {
		const gate = hold();
		const jobId = await submit(sampleRequest({ swarmSize: 3 }));
		await waitForEvent(jobId, (event) => event.type === "agent.started");
		const quota = env.TENANT_QUOTA.getByName(TENANT);
		const release = vi
			.spyOn(TenantQuota.prototype, "release")
			.mockRejectedValue(new Error("quota unavailable"));
		cleanups.push(() => release.mockRestore());
		const stub = coordinator(jobId);
		expect(await stub.cancel(TENANT)).toEqual({ cancelled: true, status: "cancelled" });
		gate.release();
		expect(release).toHaveBeenCalled();
		expect(await quota.activeJobs()).toContain(jobId);

		// The object is evicted with the release still owed; only what it stored survives.
		await evictDurableObject(stub);
		release.mockRestore();
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect(await quota.activeJobs()).not.toContain(jobId);
		// Nothing is owed any more, so no alarm is left armed.
		expect(await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm())).toBeNull();
	});
});

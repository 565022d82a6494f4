import { describe, expect, it } from "vitest";
import { isAgentEvent } from "../../src/events/event-types";
import { foldEvents } from "../../src/events/progress";
import { eventLog, sampleRequest, submit, waitForJob } from "./harness";

describe("the coordinator's concurrency cap", () => {
	it.each([1, 2, 4])("never has more than maxConcurrent=%i agents in flight", async (maxConcurrent) => {
		const jobId = await submit(sampleRequest({ swarmSize: 7, maxConcurrent }));
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		expect(job.config.maxConcurrent).toBe(maxConcurrent);
		const events = await eventLog(jobId);
		expect(foldEvents(events).maxInFlight).toBeLessThanOrEqual(maxConcurrent);
		expect(events.filter((event) => event.type === "agent.dispatched")).toHaveLength(7);
	});

	it("dispatches a task as soon as its own dependencies are done, without phase barriers", async () => {
		const jobId = await submit(sampleRequest({ swarmSize: 7, maxConcurrent: 8 }));
		await waitForJob(jobId);
		const events = await eventLog(jobId);
		// A missing event would be -1 and pass every "before" check, so each position must exist first.
		const positionOf = (type: string, agent: string) => {
			const index = events.findIndex(
				(event) => event.type === type && isAgentEvent(event) && event.data.agentId === agent,
			);
			expect(index, `${type} of ${agent}`).toBeGreaterThanOrEqual(0);
			return index;
		};
		const dispatchedAt = (agent: string) => positionOf("agent.dispatched", agent);
		const completedAt = (agent: string) => positionOf("agent.completed", agent);
		// Roots start together; each dependent starts only after what it depends on.
		for (const root of ["explorer", "depth-analyst", "trend-analyst"]) {
			expect(dispatchedAt(root)).toBeLessThan(completedAt("explorer"));
		}
		expect(dispatchedAt("domain-expert")).toBeGreaterThan(completedAt("depth-analyst"));
		expect(dispatchedAt("verifier")).toBeGreaterThan(
			Math.max(completedAt("explorer"), completedAt("depth-analyst")),
		);
		expect(dispatchedAt("critic")).toBeGreaterThan(completedAt("verifier"));
		const others = ["explorer", "depth-analyst", "trend-analyst", "verifier", "domain-expert", "critic"];
		expect(dispatchedAt("synthesizer")).toBeGreaterThan(Math.max(...others.map(completedAt)));
	});
});

import { describe, expect, it } from "vitest";
import { isAgentEvent } from "../../src/events/event-types";
import { foldEvents } from "../../src/events/progress";
import type { JobEvent } from "../../src/protocol";
import { ReportSchema } from "../../src/synthesis/report-schema";
import { eventLog, report, sampleRequest, submit, waitForJob } from "./harness";

/** Whether an agent of sub-goal `a` and one of sub-goal `b` were ever in flight at the same time. */
function overlapped(events: readonly JobEvent[], a: string, b: string): boolean {
	const inFlight = new Map<string, string>();
	for (const event of events.filter(isAgentEvent)) {
		const { agentId: agent, subgoalId: subgoal } = event.data;
		if (subgoal === undefined) continue;
		if (event.type === "agent.dispatched") inFlight.set(agent, subgoal);
		if (event.type === "agent.completed" || event.type === "agent.failed") inFlight.delete(agent);
		const running = new Set(inFlight.values());
		if (running.has(a) && running.has(b)) return true;
	}
	return false;
}

describe("goal mode", () => {
	it("runs independent sub-goals in parallel under one cap and joins them in one master report", async () => {
		const jobId = await submit(
			sampleRequest({
				task: "Compare air-source heat pumps vs gas boilers for heating homes in cold climates",
				mode: "goal",
				maxConcurrent: 4,
			}),
		);
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		expect(job.config.mode).toBe("goal");
		const subgoals = job.goal?.subgoals ?? [];
		expect(subgoals.length).toBe(3);
		const independent = subgoals.filter((subgoal) => subgoal.dependsOn.length === 0);
		expect(independent).toHaveLength(2);
		const joined = subgoals.find((subgoal) => subgoal.dependsOn.length === 2);
		expect(joined?.dependsOn.sort()).toEqual(independent.map((subgoal) => subgoal.id).sort());
		expect(job.goal?.levels).toEqual([independent.map((subgoal) => subgoal.id).sort(), [joined?.id]]);
		expect(subgoals.every((subgoal) => subgoal.status === "completed")).toBe(true);

		const events = await eventLog(jobId);
		expect(foldEvents(events).maxInFlight).toBeLessThanOrEqual(4);
		const [first, second] = independent;
		expect(overlapped(events, first?.id ?? "", second?.id ?? "")).toBe(true);
		const agentEvents = events.filter(isAgentEvent).filter((event) => event.data.agentId !== "synthesizer");
		expect(agentEvents.every((event) => typeof event.data.subgoalId === "string")).toBe(true);
		// The joined sub-goal starts only after both sides finished.
		const firstStart = events.findIndex(
			(event) => event.type === "agent.dispatched" && event.data.subgoalId === joined?.id,
		);
		const sidesDone = Math.max(
			...independent.map((subgoal) =>
				events.findIndex(
					(event) => event.type === "agent.completed" && event.data.agentId === `${subgoal.id}/synthesizer`,
				),
			),
		);
		expect(firstStart).toBeGreaterThan(sidesDone);

		const body = ReportSchema.parse(await (await report(jobId, "json")).json());
		expect(body.goal?.subgoals.map((subgoal) => subgoal.id).sort()).toEqual(
			subgoals.map((subgoal) => subgoal.id).sort(),
		);
		for (const subgoal of body.goal?.subgoals ?? []) expect(subgoal.criteria.length).toBeGreaterThan(0);
		const markdown = await (await report(jobId, "markdown")).text();
		const html = await (await report(jobId, "html")).text();
		for (const subgoal of subgoals) {
			expect(markdown).toContain(subgoal.id);
			expect(html).toContain(subgoal.id);
		}
		// The planner's steps are numbered once, by the list that shows them.
		expect(markdown).toMatch(/^1\. research:g\d \(level 1,/m);
		expect(markdown).not.toMatch(/^\d+\. \d+\\?\./m);
		expect(html).toMatch(/<li>research:g\d \(level 1,/);
	});

	it("runs the revisit round in every very-high sub-swarm of a very-high goal", async () => {
		const jobId = await submit(
			sampleRequest({
				task: "Research air-source heat pump efficiency in cold climates, then recommend a heating system",
				mode: "goal",
				depth: 9,
			}),
		);
		const job = await waitForJob(jobId, undefined, 90_000);
		expect(job.status).toBe("completed");
		const veryHigh = (job.goal?.subgoals ?? []).filter((subgoal) => subgoal.complexity === "very-high");
		expect(veryHigh.length).toBeGreaterThanOrEqual(2);
		const plan = job.plan ?? [];
		for (const subgoal of veryHigh) {
			const revisits = plan.filter((task) => task.subgoalId === subgoal.id && task.phase === "revisit");
			expect(revisits.map((task) => [task.id, task.dependsOn, task.status])).toEqual([
				[`${subgoal.id}/explorer-revisit`, [`${subgoal.id}/critic`], "completed"],
				[`${subgoal.id}/depth-analyst-revisit`, [`${subgoal.id}/critic`], "completed"],
			]);
			expect(subgoal.taskIds).toEqual(expect.arrayContaining(revisits.map((task) => task.id)));
		}
		const events = await eventLog(jobId);
		const completed = events.filter(
			(event) => event.type === "agent.completed" && event.data.agentId.endsWith("-revisit"),
		);
		expect(completed).toHaveLength(veryHigh.length * 2);
	}, 100_000);
});

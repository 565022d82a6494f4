import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { foldEvents } from "../../src/events/progress";
import { ReportSchema } from "../../src/synthesis/report-schema";
import { eventLog, report, sampleRequest, submit, waitForJob } from "./harness";

describe("a whole research job on the extractive provider", () => {
	it.each([
		{ name: "swarm of 3", request: { swarmSize: 3 }, agents: 3 },
		{ name: "swarm of 5", request: { swarmSize: 5 }, agents: 5 },
		{ name: "swarm of 7", request: { swarmSize: 7 }, agents: 7 },
		{ name: "single agent", request: { singleAgent: true }, agents: 1 },
		{ name: "very high depth with a revisit round", request: { depth: 10, swarmSize: 7 }, agents: 9 },
	])("$name completes with a cited report in every format", async ({ request, agents }) => {
		const jobId = await submit(sampleRequest(request));
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		expect(job.plan).toHaveLength(agents);
		expect(job.plan.every((task) => task.status === "completed")).toBe(true);
		expect(job.progress).toBe(100);
		expect(job.partial).toBe(false);
		expect(job.metrics.agents).toEqual({ planned: agents, completed: agents, failed: 0, skipped: 0 });
		expect(job.metrics.durationMs).toBeGreaterThanOrEqual(0);
		expect(job.metrics.usage.costUsd).toBe(0);

		const json = await report(jobId, "json");
		expect(json.status).toBe(200);
		const parsed = ReportSchema.parse(await json.json());
		expect(parsed.findings.length).toBeGreaterThan(0);
		// The report states the job's whole duration, the same the job view shows.
		expect(parsed.performance.metrics.durationMs).toBe(job.metrics.durationMs);
		expect(job.completedAt).toBe(job.createdAt + (job.metrics.durationMs ?? Number.NaN));
		expect(parsed.findings.every((finding) => finding.citations.some((citation) => citation.verified))).toBe(
			true,
		);

		const markdown = await report(jobId, "markdown");
		expect(markdown.headers.get("content-type")).toContain("text/markdown");
		const text = await markdown.text();
		expect(text).toContain("```mermaid");
		// The methodology says what the analyzer read and why the job has its size.
		expect(text).toContain(`The analyzer read: ${parsed.config.analysis.reasons[0]}`);

		const html = await report(jobId, "html");
		expect(html.headers.get("content-type")).toContain("text/html");
		expect(html.headers.get("content-security-policy")).toContain("default-src 'none'");

		const events = await eventLog(jobId);
		expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
		expect(events[0]?.type).toBe("job.accepted");
		expect(events.at(-1)?.type).toBe("job.completed");
		expect(events.filter((event) => event.type === "job.completed")).toHaveLength(1);
		expect(foldEvents(events).maxInFlight).toBeLessThanOrEqual(4);

		// The coordinator mirrors the job and its agents into D1, tenant-scoped.
		const row = await env.DB.prepare(
			"SELECT status, progress, metrics FROM jobs WHERE tenant_id = ? AND id = ?",
		)
			.bind("local", jobId)
			.first<{ status: string; progress: number; metrics: string | null }>();
		expect(row).toMatchObject({ status: "completed", progress: 100 });
		expect(JSON.parse(row?.metrics ?? "null")).toMatchObject({ agents: { completed: agents } });
		const runs = await env.DB.prepare("SELECT status FROM agent_runs WHERE tenant_id = ? AND job_id = ?")
			.bind("local", jobId)
			.all<{ status: string }>();
		expect(runs.results.map((run) => run.status)).toEqual(Array(agents).fill("completed"));
	});
});

describe("agent progress on the extractive provider", () => {
	it("rises through several agent.progress events per agent, each with a note, below 100", async () => {
		const jobId = await submit(sampleRequest({ swarmSize: 3 }));
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");

		const events = await eventLog(jobId);
		for (const task of job.plan) {
			const progress = events.flatMap((event) =>
				event.type === "agent.progress" && event.data.agentId === task.id ? [event.data] : [],
			);
			// Reading the sources, then each step the provider reported: indexing, ranking, quoting.
			expect(progress.length).toBeGreaterThanOrEqual(3);
			const percents = progress.map((update) => update.progress);
			expect(percents).toEqual([...percents].sort((a, b) => a - b));
			expect(new Set(percents).size).toBe(percents.length);
			expect(Math.max(...percents)).toBeLessThan(100);
			expect(progress.every((update) => (update.note ?? "").length > 0)).toBe(true);
			expect(progress.map((update) => update.note)).toContainEqual(
				expect.stringMatching(/^ranking \d+ passages/),
			);
		}
	});
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { patternIdFor } from "../../src/learning/service";
import { ReportSchema } from "../../src/synthesis/report-schema";
import { SAMPLE_SOURCES } from "../fixtures/sources";
import { api, report, sampleRequest, submit, waitForJob } from "./harness";

async function patternOf(jobId: string) {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const row = await env.DB.prepare(
			"SELECT * FROM reasoningbank_patterns WHERE tenant_id = 'local' AND job_id = ?",
		)
			.bind(jobId)
			.first<{
				id: string;
				reward: number;
				success: number;
				usage_count: number;
				strategy: string;
				critique: string;
				improvements: string;
			}>();
		if (row) return row;
		if (Date.now() > deadline) throw new Error(`no pattern for ${jobId}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

describe("learning changes the next run", () => {
	it("records a pattern per job, and a similar later job adopts it visibly; a dissimilar one does not", async () => {
		const first = await submit(
			sampleRequest({ task: "How do air-source heat pumps perform in cold climates?", swarmSize: 7 }),
		);
		expect((await waitForJob(first)).status).toBe("completed");
		const pattern = await patternOf(first);
		expect(pattern.id).toBe(patternIdFor(first));
		expect(pattern.reward).toBeGreaterThan(0.7);
		expect(pattern.success).toBe(1);
		expect(JSON.parse(pattern.strategy)).toMatchObject({ provider: "extractive", swarmSize: 7 });

		const second = await submit(
			sampleRequest({ task: "How well do air-source heat pumps work in cold climates?" }),
		);
		const job = await waitForJob(second);
		expect(job.config.swarmSize).toBe(7);
		expect(job.plan).toHaveLength(7);
		const body = ReportSchema.parse(await (await report(second, "json")).json());
		const used = body.learningPatterns.patternsUsed;
		expect(used.map((entry) => entry.id)).toEqual([pattern.id]);
		expect(used[0]?.changed).toContain("swarm size 5 → 7, as in this successful job");
		expect(used[0]?.reward).toBeCloseTo(pattern.reward, 9);
		expect(await (await report(second, "markdown")).text()).toContain(pattern.id.replaceAll("_", "\\_"));
		expect((await patternOf(first)).usage_count).toBe(1);

		const unrelated = await submit(sampleRequest({ task: "What is the history of the Roman aqueducts?" }));
		const unrelatedJob = await waitForJob(unrelated);
		expect(unrelatedJob.config.swarmSize).toBe(5);
		const unrelatedReport = ReportSchema.parse(await (await report(unrelated, "json")).json());
		expect(unrelatedReport.learningPatterns.patternsUsed).toEqual([]);
		expect(unrelatedReport.learningPatterns.note).toContain("No similar successful pattern");
	});

	it("keeps an explicit swarm size even when a pattern suggests another", async () => {
		const first = await submit(
			sampleRequest({ task: "Heat pump defrost cycles and efficiency losses", swarmSize: 7 }),
		);
		await waitForJob(first);
		await patternOf(first);
		const second = await submit(
			sampleRequest({ task: "Heat pump defrost cycles and their efficiency losses", swarmSize: 3 }),
		);
		const job = await waitForJob(second);
		expect(job.config.swarmSize).toBe(3);
	});

	it("never shrinks a swarm after single-agent runs of a similar task", async () => {
		for (const task of [
			"Why do lithium-ion batteries lose capacity in freezing weather?",
			"Why do lithium-ion batteries lose capacity in cold weather?",
		]) {
			const single = await submit(sampleRequest({ task, singleAgent: true }));
			expect((await waitForJob(single)).status).toBe("completed");
			await patternOf(single);
		}
		const deep = await submit(
			sampleRequest({
				task: "Why do lithium-ion batteries lose capacity in cold weather conditions?",
				depth: 8,
			}),
		);
		const job = await waitForJob(deep);
		expect(job.config.swarmSize).toBe(7);
		expect(job.plan).toHaveLength(7);
		const body = ReportSchema.parse(await (await report(deep, "json")).json());
		expect(body.learningPatterns.patternsUsed).toEqual([]);
		expect(body.learningPatterns.note).toContain("single-agent");
	});

	it("links each new pattern at once, and a later job learns first from the cluster its recalled pattern belongs to", async () => {
		const tasks = [
			"How long do residential solar panels last before they need replacing?",
			"How long do residential solar panels last before needing replacement?",
			"How long do rooftop residential solar panels last before they need replacing?",
		];
		const patterns: string[] = [];
		// Two sources are too few to cross-check claims: each run's critique says so, and the cluster learns it.
		const sources = SAMPLE_SOURCES.slice(0, 2);
		for (const task of tasks) {
			const jobId = await submit(sampleRequest({ task, swarmSize: 3, sources }));
			expect((await waitForJob(jobId)).status).toBe("completed");
			patterns.push((await patternOf(jobId)).id);
		}
		// Linked when the jobs completed, without a manual learn.
		const links = await env.DB.prepare(
			"SELECT COUNT(*) AS n FROM pattern_associations WHERE tenant_id = 'local' AND kind = 'similar' AND (from_id = ? OR to_id = ?)",
		)
			.bind(patterns[2], patterns[2])
			.first<{ n: number }>();
		expect(links?.n).toBeGreaterThanOrEqual(1);

		const learned = await api("/v1/learn", { method: "POST" });
		expect(learned.status).toBe(200);
		const later = await submit(
			sampleRequest({
				task: "How long do residential solar panels last before replacement?",
				swarmSize: 3,
				sources,
			}),
		);
		await waitForJob(later);
		const body = ReportSchema.parse(await (await report(later, "json")).json());
		const changes = body.learningPatterns.patternsUsed.flatMap((used) => used.changed);
		expect(changes.some((change) => /lessons? from a cluster of \d+ similar jobs/.test(change))).toBe(true);
	});
});

describe("a job's own lesson", () => {
	it("is in its report exactly as its learned pattern records it", async () => {
		// Two sources and depth 8: too few sources and supported findings, so the critique is not empty.
		// Its task is unlike the other tests' so that its pattern is never recalled by them.
		const jobId = await submit(
			sampleRequest({
				task: "Which refrigerants do the attached field notes compare?",
				depth: 8,
				sources: SAMPLE_SOURCES.slice(0, 2),
			}),
		);
		expect((await waitForJob(jobId)).status).toBe("completed");
		const pattern = await patternOf(jobId);
		const { thisJob } = ReportSchema.parse(await (await report(jobId, "json")).json()).learningPatterns;
		expect(thisJob.reward.value).toBe(pattern.reward);
		expect(thisJob.reward.success).toBe(pattern.success === 1);
		expect(thisJob.critique).toBe(pattern.critique);
		expect(thisJob.critique).toContain("Only 2 sources retrieved");
		expect(thisJob.improvements).toEqual(JSON.parse(pattern.improvements));
		const { provider, model, swarmSize, depth } = thisJob.strategy;
		expect(JSON.parse(pattern.strategy)).toEqual({ provider, model, swarmSize, depth });
		const markdown = await (await report(jobId, "markdown")).text();
		expect(markdown).toContain("### This Job");
		expect(markdown).toContain("Only 2 sources retrieved");
	});
});

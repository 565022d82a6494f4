import { describe, expect, it } from "vitest";
import { api, postJson, sampleRequest, submit, waitForJob } from "./harness";

type Pattern = { id: string; task: string; score: number | null; reward: number };

describe("learning API", () => {
	it("searches patterns by similarity, distills and links them once, and reports stats", async () => {
		const tasks = [
			"How do air-source heat pumps perform in cold climates?",
			"How well do air-source heat pumps work in cold climates?",
			"Air-source heat pumps in cold climates: how do they perform?",
			"What limits the market growth of heat pumps in Europe?",
		];
		const jobIds: string[] = [];
		for (const task of tasks) {
			// Each job after the first is a follow-up of the one before (`metadata.followsJobId`).
			const previous = jobIds.at(-1);
			const jobId = await submit(
				sampleRequest({ task, swarmSize: 3, ...(previous ? { metadata: { followsJobId: previous } } : {}) }),
			);
			await waitForJob(jobId);
			jobIds.push(jobId);
		}
		const search = await (
			await api(`/v1/patterns?q=${encodeURIComponent("heat pumps in cold climates")}&k=3`)
		).json<{
			patterns: Pattern[];
		}>();
		expect(search.patterns.length).toBe(3);
		const scores = search.patterns.map((pattern) => pattern.score ?? -1);
		expect(scores).toEqual([...scores].sort((a, b) => b - a));
		expect(search.patterns.every((pattern) => pattern.task.includes("cold climates"))).toBe(true);

		const first = await (await postJson("/v1/learn", { minPatterns: 2 })).json<{
			distillations: { created: number; total: number };
			associations: { created: number; total: number };
		}>();
		expect(first.distillations.created).toBeGreaterThan(0);
		// Each job linked its pattern when it completed; learning links nothing that was not linked then.
		expect(first.associations).toMatchObject({ created: 0 });
		expect(first.associations.total).toBeGreaterThan(0);
		const again = await (await postJson("/v1/learn", { minPatterns: 2 })).json<typeof first>();
		expect(again.distillations).toEqual({ created: 0, total: first.distillations.total });
		expect(again.associations).toEqual({ created: 0, total: first.associations.total });
		const strict = await (await postJson("/v1/learn", { minPatterns: 50 })).json<typeof first>();
		expect(strict.distillations.created).toBe(0);

		const top = search.patterns[0];
		const detail = await (await api(`/v1/patterns/${top?.id}`)).json<{
			id: string;
			associations: { kind: string; patternId: string }[];
		}>();
		expect(detail.id).toBe(top?.id);
		expect(detail.associations.some((association) => association.kind === "similar")).toBe(true);
		const links = await Promise.all(
			search.patterns.map(
				async (pattern) =>
					(await (await api(`/v1/patterns/${pattern.id}`)).json<{ associations: { kind: string }[] }>())
						.associations,
			),
		);
		expect(links.flat().some((association) => association.kind === "sequential")).toBe(true);
		expect((await api("/v1/patterns/pat_missing")).status).toBe(404);

		const stats = await (await api("/v1/stats")).json<{
			jobsByStatus: Record<string, number>;
			patterns: number;
			averageReward: number | null;
			patternReuse: number;
		}>();
		expect(stats.jobsByStatus.completed).toBeGreaterThanOrEqual(4);
		expect(stats.patterns).toBeGreaterThanOrEqual(4);
		expect(stats.averageReward).toBeGreaterThan(0);
		expect(stats.patternReuse).toBeGreaterThan(0);
		expect((await api("/v1/patterns?k=0")).status).toBe(400);
	});
});

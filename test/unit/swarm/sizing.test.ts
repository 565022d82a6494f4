import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PlannedTask } from "../../../src/protocol";
import { resolveConfig } from "../../../src/swarm/config";
import { assertValidDag } from "../../../src/swarm/dag";
import { planSwarm, rolesForSize, taskIdForRole } from "../../../src/swarm/sizing";

const sumShares = (tasks: PlannedTask[]) => tasks.reduce((sum, task) => sum + task.timeShare, 0);
const byId = (tasks: PlannedTask[]) => new Map(tasks.map((task) => [task.id, task]));
const shareOf = (tasks: PlannedTask[], id: string) => byId(tasks).get(id)?.timeShare;
const dependsOn = (tasks: PlannedTask[], id: string) => byId(tasks).get(id)?.dependsOn;

describe("rolesForSize", () => {
	it("takes roles in priority order", () => {
		expect(rolesForSize(1)).toEqual(["explorer"]);
		expect(rolesForSize(3)).toEqual(["explorer", "depth_analyst", "synthesizer"]);
		expect(rolesForSize(5)).toEqual([
			"explorer",
			"depth_analyst",
			"synthesizer",
			"verifier",
			"trend_analyst",
		]);
		expect(rolesForSize(7)).toEqual([
			"explorer",
			"depth_analyst",
			"synthesizer",
			"verifier",
			"trend_analyst",
			"domain_expert",
			"critic",
		]);
	});

	it.each([0, 2, 8, 4.5])("rejects size %s", (size) => {
		expect(() => rolesForSize(size)).toThrow(RangeError);
	});
});

describe("taskIdForRole", () => {
	it("turns underscores into hyphens", () => {
		expect(taskIdForRole("depth_analyst")).toBe("depth-analyst");
		expect(taskIdForRole("critic")).toBe("critic");
	});
});

describe("planSwarm", () => {
	it("plans a single agent as one research task with the whole budget", () => {
		expect(planSwarm({ swarmSize: 1, secondPass: false })).toEqual([
			{ id: "explorer", role: "explorer", phase: "research", dependsOn: [], timeShare: 1 },
		]);
	});

	it("plans 3 agents with the 40/40/20 split", () => {
		const plan = planSwarm({ swarmSize: 3, secondPass: false });
		expect(plan.map((task) => [task.id, task.role, task.phase, task.dependsOn])).toEqual([
			["explorer", "explorer", "research", []],
			["depth-analyst", "depth_analyst", "research", []],
			["synthesizer", "synthesizer", "synthesis", ["explorer", "depth-analyst"]],
		]);
		expect(plan.map((task) => task.timeShare)).toEqual([
			expect.closeTo(0.4, 12),
			expect.closeTo(0.4, 12),
			expect.closeTo(0.2, 12),
		]);
	});

	it("plans 4 agents by renormalizing the size-5 shares", () => {
		const plan = planSwarm({ swarmSize: 4, secondPass: false });
		expect(plan.map((task) => task.id)).toEqual(["explorer", "depth-analyst", "verifier", "synthesizer"]);
		expect(dependsOn(plan, "verifier")).toEqual(["explorer", "depth-analyst"]);
		expect(dependsOn(plan, "synthesizer")).toEqual(["explorer", "depth-analyst", "verifier"]);
		expect(shareOf(plan, "explorer")).toBeCloseTo(0.25 / 0.85, 12);
		expect(shareOf(plan, "verifier")).toBeCloseTo(0.15 / 0.85, 12);
		expect(shareOf(plan, "synthesizer")).toBeCloseTo(0.2 / 0.85, 12);
	});

	it("plans 5 agents with the size-5 shares", () => {
		const plan = planSwarm({ swarmSize: 5, secondPass: false });
		expect(plan.map((task) => [task.id, task.phase, task.dependsOn])).toEqual([
			["explorer", "research", []],
			["depth-analyst", "research", []],
			["verifier", "review", ["explorer", "depth-analyst"]],
			["trend-analyst", "research", []],
			["synthesizer", "synthesis", ["explorer", "depth-analyst", "verifier", "trend-analyst"]],
		]);
		const expected = [0.25, 0.25, 0.15, 0.15, 0.2];
		expect(plan.map((task) => task.timeShare)).toEqual(expected.map((share) => expect.closeTo(share, 12)));
	});

	it("plans 6 agents by renormalizing the size-7 shares without the critic", () => {
		const plan = planSwarm({ swarmSize: 6, secondPass: true });
		expect(plan.map((task) => task.id)).toEqual([
			"explorer",
			"depth-analyst",
			"verifier",
			"trend-analyst",
			"domain-expert",
			"synthesizer",
		]);
		expect(dependsOn(plan, "domain-expert")).toEqual(["depth-analyst"]);
		expect(shareOf(plan, "domain-expert")).toBeCloseTo(0.12 / 0.88, 12);
		expect(shareOf(plan, "synthesizer")).toBeCloseTo(0.16 / 0.88, 12);
	});

	it("plans 7 agents with the size-7 shares and review dependencies", () => {
		const plan = planSwarm({ swarmSize: 7, secondPass: false });
		expect(plan.map((task) => [task.id, task.phase, task.dependsOn])).toEqual([
			["explorer", "research", []],
			["depth-analyst", "research", []],
			["verifier", "review", ["explorer", "depth-analyst"]],
			["trend-analyst", "research", []],
			["domain-expert", "review", ["depth-analyst"]],
			["critic", "review", ["verifier"]],
			[
				"synthesizer",
				"synthesis",
				["explorer", "depth-analyst", "verifier", "trend-analyst", "domain-expert", "critic"],
			],
		]);
		const expected = [0.18, 0.18, 0.12, 0.12, 0.12, 0.12, 0.16];
		expect(plan.map((task) => task.timeShare)).toEqual(expected.map((share) => expect.closeTo(share, 12)));
	});

	it("adds a revisit round after the critic for a second pass", () => {
		const plan = planSwarm({ swarmSize: 7, secondPass: true });
		expect(plan.map((task) => task.id)).toEqual([
			"explorer",
			"depth-analyst",
			"verifier",
			"trend-analyst",
			"domain-expert",
			"critic",
			"explorer-revisit",
			"depth-analyst-revisit",
			"synthesizer",
		]);
		const revisits = plan.filter((task) => task.phase === "revisit");
		expect(revisits.map((task) => [task.role, task.dependsOn])).toEqual([
			["explorer", ["critic"]],
			["depth_analyst", ["critic"]],
		]);
		expect(dependsOn(plan, "synthesizer")).toEqual(
			expect.arrayContaining(["explorer-revisit", "depth-analyst-revisit"]),
		);
		// each revisit task takes half the explorer's 0.18, then everything is scaled by 1 / 1.18
		expect(shareOf(plan, "explorer-revisit")).toBeCloseTo(0.09 / 1.18, 12);
		expect(shareOf(plan, "depth-analyst-revisit")).toBeCloseTo(0.09 / 1.18, 12);
		expect(shareOf(plan, "explorer")).toBeCloseTo(0.18 / 1.18, 12);
		expect(shareOf(plan, "synthesizer")).toBeCloseTo(0.16 / 1.18, 12);
		expect(sumShares(plan)).toBeCloseTo(1, 9);
	});

	it("plans the very-high default (depth 10) as 7 agents plus a revisit round", () => {
		const plan = planSwarm(resolveConfig({ task: "t", depth: 10 }, { provider: "extractive" }));
		expect(plan).toHaveLength(9);
		expect(plan.filter((task) => task.phase === "revisit")).toHaveLength(2);
	});

	it("skips the revisit round when the swarm has no critic", () => {
		const plan = planSwarm({ swarmSize: 5, secondPass: true });
		expect(plan.some((task) => task.phase === "revisit")).toBe(false);
	});

	it("yields a valid DAG for every size and depth: shares sum to 1, synthesizer last and after all", () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 3, max: 7 }),
				fc.integer({ min: 1, max: 10 }),
				fc.boolean(),
				(swarmSize, depth, explicitSize) => {
					const config = resolveConfig(
						explicitSize ? { task: "t", depth, swarmSize } : { task: "t", depth },
						{ provider: "extractive" },
					);
					const plan = planSwarm(config);
					expect(() => assertValidDag(plan)).not.toThrow();
					expect(Math.abs(sumShares(plan) - 1)).toBeLessThan(1e-9);
					for (const task of plan) expect(task.timeShare).toBeGreaterThan(0);

					const synthesizer = plan.at(-1);
					expect(synthesizer?.role).toBe("synthesizer");
					const others = plan.slice(0, -1).map((task) => task.id);
					expect([...(synthesizer?.dependsOn ?? [])].sort()).toEqual([...others].sort());

					// plan order is a topological order
					const seen = new Set<string>();
					for (const task of plan) {
						for (const dependency of task.dependsOn) expect(seen.has(dependency)).toBe(true);
						seen.add(task.id);
					}
					const agentCount = plan.filter((task) => task.phase !== "revisit").length;
					expect(agentCount).toBe(config.swarmSize);
				},
			),
		);
	});
});

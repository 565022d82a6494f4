import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { MAX_OUTPUT_TOKENS, searchUses } from "../../../src/agents/run-task";
import type { Complexity, Role, Subgoal } from "../../../src/protocol";
import { type ModelPrice, priceOf } from "../../../src/providers/prices";
import { type Decomposition, fallbackDecomposition } from "../../../src/swarm/decompose";
import {
	type DecomposeRequest,
	type DecomposeStrategy,
	decomposeGoal,
	estimateGoalCostUsd,
	estimateTasksCostUsd,
	type GoalPlan,
	goalAgentTasks,
	planGoal,
	TASK_COST_BOUNDS,
} from "../../../src/swarm/goal-plan";
import type { GoapError } from "../../../src/swarm/goap";

const subgoal = (id: string, dependsOn: string[] = [], complexity: Complexity = "medium"): Subgoal => ({
	id,
	description: `Research part ${id}`,
	complexity,
	dependsOn,
	successCriteria: [`Identifies the key facts of ${id}`],
});

const OPTIONS = { maxSubgoals: 6, depth: 5 };
const VALID: Decomposition = { subgoals: [subgoal("a"), subgoal("b"), subgoal("c", ["a", "b"])] };
const CYCLIC: Decomposition = { subgoals: [subgoal("a", ["b"]), subgoal("b", ["a"])] };

/** A strategy that answers with `outputs` in turn and records what it was asked. */
function scripted(...outputs: unknown[]): { strategy: DecomposeStrategy; requests: DecomposeRequest[] } {
	const requests: DecomposeRequest[] = [];
	const strategy = vi.fn(async (request: DecomposeRequest) => {
		requests.push(request);
		return outputs[requests.length - 1];
	});
	return { strategy, requests };
}

function expectPlan(result: GoalPlan | GoapError): GoalPlan {
	if ("error" in result) throw new Error(`expected a plan, got ${result.message}`);
	return result;
}

describe("decomposeGoal", () => {
	const goal = "Heat pumps vs gas furnaces";

	it("uses the deterministic fallback when there is no strategy", async () => {
		expect(await decomposeGoal(goal, OPTIONS)).toEqual({
			decomposition: fallbackDecomposition(goal, OPTIONS),
			origin: "fallback",
			problems: [],
		});
	});

	it("takes a valid first answer without a repair", async () => {
		const { strategy, requests } = scripted(VALID);
		expect(await decomposeGoal(goal, OPTIONS, strategy)).toEqual({
			decomposition: VALID,
			origin: "strategy",
			problems: [],
		});
		expect(requests).toEqual([{ goal, maxSubgoals: 6, depth: 5 }]);
	});

	it("sends an invalid answer back once with its problems and takes the repaired one", async () => {
		const { strategy, requests } = scripted(CYCLIC, VALID);
		const outcome = await decomposeGoal(goal, OPTIONS, strategy);
		expect(outcome.origin).toBe("repaired");
		expect(outcome.decomposition).toEqual(VALID);
		expect(outcome.problems).toEqual(["dependency cycle: a → b → a"]);
		expect(requests).toHaveLength(2);
		expect(requests[1]).toEqual({
			goal,
			maxSubgoals: 6,
			depth: 5,
			repair: { output: CYCLIC, errors: ["dependency cycle: a → b → a"] },
		});
	});

	it("falls back after a failed repair, with both answers' problems, and asks no third time", async () => {
		const { strategy, requests } = scripted("not a decomposition", CYCLIC, VALID);
		const outcome = await decomposeGoal(goal, OPTIONS, strategy);
		expect(outcome.origin).toBe("fallback");
		expect(outcome.decomposition).toEqual(fallbackDecomposition(goal, OPTIONS));
		expect(requests).toHaveLength(2);
		expect(outcome.problems.at(-1)).toBe("dependency cycle: a → b → a");
		expect(outcome.problems.length).toBeGreaterThan(1);
	});

	it("rejects more sub-goals than were asked for", async () => {
		const { strategy, requests } = scripted(VALID, { subgoals: [subgoal("a"), subgoal("b", ["a"])] });
		const outcome = await decomposeGoal(goal, { maxSubgoals: 2, depth: 5 }, strategy);
		expect(outcome.origin).toBe("repaired");
		expect(outcome.decomposition.subgoals.map((item) => item.id)).toEqual(["a", "b"]);
		expect(requests[1]?.repair?.errors).toEqual(["3 sub-goals where at most 2 were asked for"]);
	});

	it("falls back when the strategy throws, without a repair call", async () => {
		const strategy = vi.fn(async () => {
			throw new Error("provider overloaded");
		});
		const outcome = await decomposeGoal(goal, OPTIONS, strategy);
		expect(outcome).toEqual({
			decomposition: fallbackDecomposition(goal, OPTIONS),
			origin: "fallback",
			problems: ["decomposition failed: provider overloaded"],
		});
		expect(strategy).toHaveBeenCalledTimes(1);
	});
});

describe("planGoal", () => {
	it("orders dependencies, puts independent sub-goals on one level and explains each step", () => {
		const plan = expectPlan(planGoal(VALID, {}));
		expect(plan.subgoals).toBe(VALID.subgoals);
		expect(plan.levels).toEqual([["a", "b"], ["c"]]);
		expect(plan.plan.map((step) => [step.step, step.action, step.subgoalId])).toEqual([
			[1, "research:a", "a"],
			[2, "research:b", "b"],
			[3, "research:c", "c"],
			[4, "synthesize", null],
		]);
		expect(plan.plan[0]?.satisfies).toEqual(["done:a"]);
		expect(plan.plan[0]?.why).toBe("Produces done:a (needed by research:c, synthesize).");
		expect(plan.plan[3]?.satisfies).toEqual(["report"]);
		expect(plan.explanation).toHaveLength(5);
		expect(plan.explanation[2]).toMatch(/^3\. research:c \(level 2, cost 2\): requires done:a, done:b;/);
		expect(plan.explanation[3]).toMatch(/^4\. synthesize .*requires done:a, done:b, done:c;/);
		expect(plan.explanation[4]).toBe("Total cost 7 over 3 levels.");
		expect(plan.estimatedAgents).toBe(16);
		expect(expectPlan(planGoal(VALID, { swarmSize: 3 })).estimatedAgents).toBe(10);
	});

	it("counts every agent task the job runs, a very-high sub-goal's revisit round included", () => {
		const mixed = {
			subgoals: [
				subgoal("a", [], "low"),
				subgoal("b", [], "medium"),
				subgoal("c", ["a"], "high"),
				subgoal("d", ["c"], "very-high"),
			],
		};
		// 3 + 5 + 7 + (7 + 2 revisit) + the master synthesis.
		expect(expectPlan(planGoal(mixed, {})).estimatedAgents).toBe(3 + 5 + 7 + 9 + 1);
		expect(expectPlan(planGoal(mixed, { swarmSize: 3 })).estimatedAgents).toBe(4 * 3 + 1);
		expect(() => planGoal(mixed, { swarmSize: 2 })).toThrow(RangeError);
	});

	it("names the facts that can never hold when a dependency names no sub-goal", () => {
		const broken = { subgoals: [subgoal("a"), subgoal("b", ["ghost"])] };
		const result = planGoal(broken, {});
		expect(result).toMatchObject({ error: "unsatisfiable" });
		if (!("error" in result) || result.error !== "unsatisfiable") return;
		expect(result.missingFacts).toEqual(["report", "done:b", "done:ghost"]);
		expect(result.message).toContain("no action produces done:ghost");
	});

	it("plans ten independent sub-goals as one level", () => {
		const ten = { subgoals: Array.from({ length: 10 }, (_, index) => subgoal(`g${index + 1}`, [], "high")) };
		const plan = expectPlan(planGoal(ten, {}));
		expect(plan.levels).toEqual([ten.subgoals.map((item) => item.id)]);
		expect(plan.plan).toHaveLength(11);
	});

	it("gives a valid layering of dependsOn and a dependency-respecting order for random DAGs", () => {
		const complexity = fc.constantFrom<Complexity>("low", "medium", "high", "very-high");
		const randomDag = fc
			.integer({ min: 2, max: 10 })
			.chain((count) =>
				fc.tuple(
					fc.tuple(
						...Array.from({ length: count }, (_, index) =>
							fc.tuple(fc.subarray(Array.from({ length: index }, (__, earlier) => earlier)), complexity),
						),
					),
					fc.shuffledSubarray(
						Array.from({ length: count }, (_, index) => index),
						{ minLength: count },
					),
				),
			)
			.map(([nodes, order]) => ({
				subgoals: order.map((index) => {
					const [dependsOn, level] = nodes[index] as [number[], Complexity];
					return subgoal(
						`g${index}`,
						dependsOn.map((dependency) => `g${dependency}`),
						level,
					);
				}),
			}));

		fc.assert(
			fc.property(randomDag, (decomposition) => {
				const plan = expectPlan(planGoal(decomposition, {}));
				const levelOf = new Map(plan.levels.flatMap((ids, level) => ids.map((id) => [id, level] as const)));
				expect(plan.levels.flat().sort()).toEqual(decomposition.subgoals.map((item) => item.id).sort());
				const position = new Map(plan.plan.map((step) => [step.subgoalId, step.step]));
				for (const item of decomposition.subgoals) {
					const level = levelOf.get(item.id) as number;
					for (const dependency of item.dependsOn) {
						expect(levelOf.get(dependency)).toBeLessThan(level);
						expect(position.get(dependency)).toBeLessThan(position.get(item.id) as number);
					}
					// Earliest layering: a sub-goal off the first level waits for something on the level before.
					if (level > 0) {
						expect(item.dependsOn.some((dependency) => levelOf.get(dependency) === level - 1)).toBe(true);
					}
				}
				expect(plan.plan.at(-1)?.action).toBe("synthesize");
				expect(plan.estimatedAgents).toBe(goalAgentTasks(decomposition, {}).length);
			}),
			{ numRuns: 150 },
		);
	});
});

describe("goalAgentTasks", () => {
	it("runs each sub-goal's sub-swarm, revisits for very-high sub-goals with a critic, then the master synthesis", () => {
		const decomposition = { subgoals: [subgoal("a", [], "low"), subgoal("b", [], "very-high")] };
		const tasks = goalAgentTasks(decomposition, {});
		const rolesOf = (id: string | null) =>
			tasks.filter((task) => task.subgoalId === id).map((task) => task.role);
		expect(rolesOf("a").sort()).toEqual(["depth_analyst", "explorer", "synthesizer"]);
		expect(rolesOf("b")).toHaveLength(9);
		expect(rolesOf("b").filter((role) => role === "explorer")).toHaveLength(2);
		expect(rolesOf(null)).toEqual(["synthesizer"]);
		expect(tasks.at(-1)).toEqual({ subgoalId: null, role: "synthesizer" });
		// A swarm of 3 has no critic, so no revisit round either.
		expect(goalAgentTasks(decomposition, { swarmSize: 3 })).toHaveLength(7);
	});
});

describe("estimateGoalCostUsd", () => {
	const sonnet = priceOf("anthropic", "claude-sonnet-5-5") as ModelPrice;
	const haiku = priceOf("anthropic", "claude-haiku-5-5") as ModelPrice;
	const anthropicDefaults = (role: Role): ModelPrice =>
		role === "verifier" || role === "critic" ? haiku : sonnet;
	const twoLow = { subgoals: [subgoal("a", [], "low"), subgoal("b", [], "low")] };

	it("is null when any role has no price", () => {
		expect(estimateGoalCostUsd(twoLow, {}, () => null)).toBeNull();
		const noVerifierPrice = (role: Role) => (role === "verifier" ? null : sonnet);
		expect(estimateGoalCostUsd(twoLow, { swarmSize: 5 }, noVerifierPrice)).toBeNull();
		// Swarms of 3 have no verifier, so its missing price does not matter there.
		expect(estimateGoalCostUsd(twoLow, {}, noVerifierPrice)).not.toBeNull();
	});

	it("sums the worst case of every task at its role's price", () => {
		// Sonnet: 130,000 × $2.50/M + 8,192 × $10/M + 10 × $0.01 = $0.50692 per task.
		// Haiku: above 100,000 prompt tokens, so 130,000 × $0.625/M + 8,192 × $2.50/M + 10 × $0.01 = $0.20173.
		// Two swarms of 3 plus the master synthesis: 7 sonnet tasks.
		expect(estimateGoalCostUsd(twoLow, {}, anthropicDefaults)).toBeCloseTo(7 * 0.50692, 10);
		// Swarms of 5 add a verifier (haiku) and a trend analyst (sonnet) each: 9 sonnet + 2 haiku.
		expect(estimateGoalCostUsd(twoLow, { swarmSize: 5 }, anthropicDefaults)).toBeCloseTo(
			9 * 0.50692 + 2 * 0.20173,
			10,
		);
	});

	it("grows with every sub-goal added", () => {
		fc.assert(
			fc.property(fc.integer({ min: 2, max: 9 }), (count) => {
				const of = (n: number) => ({
					subgoals: Array.from({ length: n }, (_, index) => subgoal(`g${index}`)),
				});
				const fewer = estimateGoalCostUsd(of(count), {}, anthropicDefaults) as number;
				const more = estimateGoalCostUsd(of(count + 1), {}, anthropicDefaults) as number;
				expect(more).toBeGreaterThan(fewer);
			}),
		);
	});

	it("bounds a direct job's swarm the same way, task by task", () => {
		// A swarm of 5: explorer, depth analyst, trend analyst and synthesizer on sonnet, the verifier on haiku.
		const swarm: Role[] = ["explorer", "depth_analyst", "verifier", "trend_analyst", "synthesizer"];
		expect(estimateTasksCostUsd(swarm, anthropicDefaults)).toBeCloseTo(4 * 0.50692 + 0.20173, 10);
		expect(estimateTasksCostUsd(swarm, (role) => (role === "synthesizer" ? null : sonnet))).toBeNull();
		expect(estimateTasksCostUsd([], () => null)).toBe(0);
	});

	it("allows at least what the research loop may spend on one turn", () => {
		expect(TASK_COST_BOUNDS.maxOutputTokens).toBeGreaterThanOrEqual(MAX_OUTPUT_TOKENS);
		expect(TASK_COST_BOUNDS.maxSearches).toBeGreaterThanOrEqual(searchUses(10, 1, "broad"));
	});
});

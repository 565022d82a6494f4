import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Complexity, Subgoal } from "../../../src/protocol";
import type { Decomposition } from "../../../src/swarm/decompose";
import {
	type Action,
	actionsForDecomposition,
	describeSteps,
	doneFact,
	explainPlan,
	type GoapError,
	type GoapPlan,
	isGoapError,
	planGoap,
	REPORT_FACT,
	RESEARCH_COST,
	SYNTHESIZE_ACTION,
} from "../../../src/swarm/goap";

const action = (name: string, preconditions: string[], effects: string[], cost: number): Action => ({
	name,
	preconditions,
	effects,
	cost,
});

const subgoal = (id: string, dependsOn: string[] = [], complexity: Complexity = "medium"): Subgoal => ({
	id,
	description: `Sub-goal ${id}`,
	complexity,
	dependsOn,
	successCriteria: [`Identifies the facts of ${id}`],
});

function expectPlan(result: GoapPlan | GoapError): GoapPlan {
	if (isGoapError(result)) throw new Error(`expected a plan, got ${result.message}`);
	return result;
}

function expectError(result: GoapPlan | GoapError): GoapError {
	if (!isGoapError(result)) throw new Error(`expected an error, got a plan of cost ${result.cost}`);
	return result;
}

const names = (plan: GoapPlan) => plan.steps.map((step) => step.name);

function planDecomposition(decomposition: Decomposition): GoapPlan | GoapError {
	return planGoap({ start: [], goal: [REPORT_FACT], actions: actionsForDecomposition(decomposition) });
}

/** Cheapest cost over every ordering of distinct applicable actions, or null when none reaches the goal. */
function bruteForceCost(start: string[], goal: string[], actions: Action[]): number | null {
	let best: number | null = null;
	const search = (state: Set<string>, used: Set<number>, cost: number): void => {
		if (goal.every((fact) => state.has(fact))) {
			if (best === null || cost < best) best = cost;
			return;
		}
		actions.forEach((candidate, index) => {
			if (used.has(index) || !candidate.preconditions.every((fact) => state.has(fact))) return;
			search(new Set([...state, ...candidate.effects]), new Set([...used, index]), cost + candidate.cost);
		});
	};
	search(new Set(start), new Set(), 0);
	return best;
}

/** Every fact that can ever hold, by applying actions until nothing changes. */
function reachableFacts(start: string[], actions: Action[]): Set<string> {
	const facts = new Set(start);
	let grew = true;
	while (grew) {
		grew = false;
		for (const candidate of actions) {
			if (!candidate.preconditions.every((fact) => facts.has(fact))) continue;
			for (const fact of candidate.effects) {
				if (!facts.has(fact)) {
					facts.add(fact);
					grew = true;
				}
			}
		}
	}
	return facts;
}

/** Throws unless the steps run in order from `start` and reach every goal fact. */
function assertExecutable(start: string[], goal: string[], plan: GoapPlan): void {
	const state = new Set(start);
	for (const step of plan.steps) {
		const missing = step.preconditions.filter((fact) => !state.has(fact));
		expect(missing, `${step.name} runs before its preconditions hold`).toEqual([]);
		for (const fact of step.effects) state.add(fact);
	}
	expect(goal.filter((fact) => !state.has(fact))).toEqual([]);
}

/** Throws unless every step sits in exactly one level and its preconditions come from strictly lower levels. */
function assertValidLayering(start: string[], plan: GoapPlan): void {
	const levelOf = new Map<string, number>();
	plan.levels.forEach((level, index) => {
		for (const name of level) {
			expect(levelOf.has(name), `${name} appears in two levels`).toBe(false);
			levelOf.set(name, index);
		}
	});
	expect([...levelOf.keys()].sort()).toEqual(names(plan).sort());
	for (const step of plan.steps) {
		const level = levelOf.get(step.name) ?? -1;
		const before = new Set(start);
		for (const other of plan.steps) {
			if ((levelOf.get(other.name) ?? Number.POSITIVE_INFINITY) < level) {
				for (const fact of other.effects) before.add(fact);
			}
		}
		expect(step.preconditions.filter((fact) => !before.has(fact))).toEqual([]);
	}
	for (const level of plan.levels) expect(level.length).toBeGreaterThan(0);
}

describe("planGoap", () => {
	it("chains actions through their preconditions", () => {
		const actions = [
			action("write-report", ["data-analyzed"], ["report"], 2),
			action("collect-data", [], ["data"], 1),
			action("analyze-data", ["data"], ["data-analyzed"], 3),
		];
		const plan = expectPlan(planGoap({ start: [], goal: ["report"], actions }));
		expect(names(plan)).toEqual(["collect-data", "analyze-data", "write-report"]);
		expect(plan.cost).toBe(6);
		expect(plan.levels).toEqual([["collect-data"], ["analyze-data"], ["write-report"]]);
	});

	it("returns an empty plan when the goal already holds", () => {
		const plan = expectPlan(
			planGoap({ start: ["report"], goal: ["report"], actions: [action("write", [], ["report"], 1)] }),
		);
		expect(plan).toEqual({ steps: [], cost: 0, levels: [], explanation: [] });
	});

	it("skips a cheap first step that leads to an expensive path (greedy would take it)", () => {
		const actions = [
			action("cheap-setup", [], ["prepared"], 1),
			action("slow-route", ["prepared"], ["delivered"], 10),
			action("direct-route", [], ["delivered"], 5),
		];
		const plan = expectPlan(planGoap({ start: [], goal: ["delivered"], actions }));
		expect(names(plan)).toEqual(["direct-route"]);
		expect(plan.cost).toBe(5);
		expect(bruteForceCost([], ["delivered"], actions)).toBe(5);
	});

	it("prefers one action covering two goal facts over two cheaper single actions", () => {
		const actions = [
			action("make-a", [], ["a"], 2),
			action("make-b", [], ["b"], 2),
			action("make-both", [], ["a", "b"], 3),
		];
		const plan = expectPlan(planGoap({ start: [], goal: ["a", "b"], actions }));
		expect(names(plan)).toEqual(["make-both"]);
		expect(plan.cost).toBe(3);
	});

	it("uses a start fact instead of paying for it", () => {
		const actions = [action("get-key", [], ["key"], 4), action("open-door", ["key"], ["open"], 1)];
		const plan = expectPlan(planGoap({ start: ["key"], goal: ["open"], actions }));
		expect(names(plan)).toEqual(["open-door"]);
		expect(plan.levels).toEqual([["open-door"]]);
	});

	it("matches a brute-force search over all action orderings on random small domains", () => {
		const facts = ["a", "b", "c", "d", "e"];
		const factSet = fc.uniqueArray(fc.constantFrom(...facts), { maxLength: 3 });
		const domain = fc.record({
			start: fc.uniqueArray(fc.constantFrom(...facts), { maxLength: 2 }),
			goal: fc.uniqueArray(fc.constantFrom(...facts), { minLength: 1, maxLength: 3 }),
			actions: fc.array(
				fc.record({
					preconditions: factSet,
					effects: fc.uniqueArray(fc.constantFrom(...facts), { minLength: 1, maxLength: 3 }),
					cost: fc.integer({ min: 1, max: 9 }),
				}),
				{ minLength: 1, maxLength: 6 },
			),
		});
		fc.assert(
			fc.property(domain, ({ start, goal, actions: raw }) => {
				const actions = raw.map((entry, index) => ({ name: `act-${index}`, ...entry }));
				const expected = bruteForceCost(start, goal, actions);
				const result = planGoap({ start, goal, actions });
				if (expected === null) {
					const error = expectError(result);
					if (error.error !== "unsatisfiable")
						throw new Error(`expected unsatisfiable, got ${error.message}`);
					const reachable = reachableFacts(start, actions);
					expect(error.missingFacts.length).toBeGreaterThan(0);
					for (const fact of error.missingFacts) expect(reachable.has(fact)).toBe(false);
					for (const fact of goal.filter((goalFact) => !reachable.has(goalFact))) {
						expect(error.missingFacts).toContain(fact);
					}
					return;
				}
				const plan = expectPlan(result);
				expect(plan.cost).toBe(expected);
				expect(plan.cost).toBe(plan.steps.reduce((sum, step) => sum + step.cost, 0));
				assertExecutable(start, goal, plan);
				assertValidLayering(start, plan);
				for (const step of plan.explanation) expect(step.satisfies.length).toBeGreaterThan(0);
			}),
			{ numRuns: 300 },
		);
	});

	it("gives the same plan for the same input", () => {
		const decomposition = { subgoals: [subgoal("g1"), subgoal("g2"), subgoal("g3"), subgoal("g4", ["g1"])] };
		expect(planDecomposition(decomposition)).toEqual(planDecomposition(decomposition));
		// Equally cheap orders are broken towards the given action order.
		expect(names(expectPlan(planDecomposition(decomposition)))).toEqual([
			"research:g1",
			"research:g2",
			"research:g3",
			"research:g4",
			"synthesize",
		]);
	});

	it("rejects duplicate action names, non-positive costs and a bad expansion limit", () => {
		const valid = action("a", [], ["x"], 1);
		expect(() => planGoap({ start: [], goal: ["x"], actions: [valid, valid] })).toThrow(/duplicate action/);
		expect(() => planGoap({ start: [], goal: ["x"], actions: [action("a", [], ["x"], 0)] })).toThrow(
			RangeError,
		);
		expect(() => planGoap({ start: [], goal: ["x"], actions: [action("a", [], ["x"], Number.NaN)] })).toThrow(
			RangeError,
		);
		expect(() => planGoap({ start: [], goal: ["x"], actions: [valid], maxExpanded: 0 })).toThrow(RangeError);
	});

	it("stops with a search-limit error when the expansion budget runs out", () => {
		// Two equally cheap producers per fact leave the heuristic little to prune.
		const actions = ["a", "b", "c", "d", "e", "f"].flatMap((fact) => [
			action(`left-${fact}`, [], [fact], 1),
			action(`right-${fact}`, [], [fact], 1),
		]);
		const error = expectError(
			planGoap({ start: [], goal: ["a", "b", "c", "d", "e", "f"], actions, maxExpanded: 3 }),
		);
		expect(error).toMatchObject({ error: "search-limit", expandedNodes: 3 });
		expect(error.message).toMatch(/maxExpanded/);
		expect(isGoapError(planGoap({ start: [], goal: ["a", "b", "c", "d", "e", "f"], actions }))).toBe(false);
	});
});

describe("unsatisfiable goals", () => {
	it("names a goal fact no action produces", () => {
		const error = expectError(
			planGoap({ start: [], goal: ["report", "budget"], actions: [action("write", [], ["report"], 1)] }),
		);
		expect(error).toMatchObject({ error: "unsatisfiable", missingFacts: ["budget"] });
		expect(error.message).toContain("no action produces budget");
	});

	it("traces a missing precondition behind the goal", () => {
		const actions = [action("write", ["data"], ["report"], 1), action("collect", ["access"], ["data"], 1)];
		const error = expectError(planGoap({ start: [], goal: ["report"], actions }));
		expect(error).toMatchObject({ error: "unsatisfiable", missingFacts: ["report", "data", "access"] });
		expect(error.message).toContain("no action produces access");
	});

	it("names the facts of a dependency cycle", () => {
		const decomposition = { subgoals: [subgoal("g1", ["g2"]), subgoal("g2", ["g1"])] };
		const error = expectError(planDecomposition(decomposition));
		expect(error.error).toBe("unsatisfiable");
		expect(error).toMatchObject({ missingFacts: ["report", "done:g1", "done:g2"] });
		expect(error.message).toContain("wait on each other");
	});

	it("names the unknown dependency of a sub-goal", () => {
		const decomposition = { subgoals: [subgoal("g1"), subgoal("g2", ["g9"])] };
		const error = expectError(planDecomposition(decomposition));
		expect(error).toMatchObject({ error: "unsatisfiable", missingFacts: ["report", "done:g2", "done:g9"] });
		expect(error.message).toContain("no action produces done:g9");
	});
});

describe("actionsForDecomposition", () => {
	it("builds one research action per sub-goal weighted by complexity, and a synthesize action", () => {
		const actions = actionsForDecomposition({
			subgoals: [subgoal("g1", [], "low"), subgoal("g2", ["g1"], "very-high")],
		});
		expect(actions).toEqual([
			{ name: "research:g1", preconditions: [], effects: ["done:g1"], cost: 1, subgoalId: "g1" },
			{ name: "research:g2", preconditions: ["done:g1"], effects: ["done:g2"], cost: 5, subgoalId: "g2" },
			{ name: SYNTHESIZE_ACTION, preconditions: ["done:g1", "done:g2"], effects: [REPORT_FACT], cost: 1 },
		]);
		expect(RESEARCH_COST).toEqual({ low: 1, medium: 2, high: 3, "very-high": 5 });
		expect(doneFact("g7")).toBe("done:g7");
	});

	it("plans independent sub-goals in one level and dependent ones after them", () => {
		const decomposition = {
			subgoals: [
				subgoal("g1", [], "high"),
				subgoal("g2", ["g1"], "low"),
				subgoal("g3", ["g1"], "medium"),
				subgoal("g4", ["g2", "g3"], "low"),
				subgoal("g5", [], "very-high"),
			],
		};
		const plan = expectPlan(planDecomposition(decomposition));
		expect(plan.levels).toEqual([
			["research:g1", "research:g5"],
			["research:g2", "research:g3"],
			["research:g4"],
			["synthesize"],
		]);
		expect(plan.cost).toBe(3 + 1 + 2 + 1 + 5 + 1);
		assertExecutable([], [REPORT_FACT], plan);
	});
});

describe("explanations", () => {
	const decomposition = { subgoals: [subgoal("g1"), subgoal("g2"), subgoal("g3", ["g1", "g2"])] };
	const plan = expectPlan(planDecomposition(decomposition));

	it("says which later preconditions and goal facts each step satisfies", () => {
		expect(plan.explanation).toEqual([
			{
				action: "research:g1",
				satisfies: ["done:g1"],
				why: "Produces done:g1 (needed by research:g3, synthesize).",
			},
			{
				action: "research:g2",
				satisfies: ["done:g2"],
				why: "Produces done:g2 (needed by research:g3, synthesize).",
			},
			{ action: "research:g3", satisfies: ["done:g3"], why: "Produces done:g3 (needed by synthesize)." },
			{ action: "synthesize", satisfies: ["report"], why: "Produces report (a goal fact)." },
		]);
	});

	it("credits only the first producer of a fact", () => {
		const actions = [
			action("first", [], ["x"], 1),
			action("second", ["x"], ["x", "y"], 1),
			action("finish", ["x", "y"], ["goal"], 1),
		];
		const chained = expectPlan(planGoap({ start: [], goal: ["goal"], actions }));
		expect(chained.explanation.map((step) => step.satisfies)).toEqual([["x"], ["y"], ["goal"]]);
	});

	it("describes each step once, unnumbered, for a list to number", () => {
		const lines = describeSteps(plan);
		expect(lines).toHaveLength(plan.steps.length);
		expect(lines[0]).toBe(
			"research:g1 (level 1, cost 2): requires nothing; produces done:g1 (needed by research:g3, synthesize).",
		);
		for (const line of lines) expect(line).not.toMatch(/^\d/);
		expect(explainPlan(plan).split("\n").slice(0, -1)).toEqual(
			lines.map((line, index) => `${index + 1}. ${line}`),
		);
	});

	it("renders lines naming each step's real preconditions and level", () => {
		const text = explainPlan(plan);
		expect(text.split("\n")).toEqual([
			"1. research:g1 (level 1, cost 2): requires nothing; produces done:g1 (needed by research:g3, synthesize).",
			"2. research:g2 (level 1, cost 2): requires nothing; produces done:g2 (needed by research:g3, synthesize).",
			"3. research:g3 (level 2, cost 2): requires done:g1, done:g2; produces done:g3 (needed by synthesize).",
			"4. synthesize (level 3, cost 1): requires done:g1, done:g2, done:g3; produces report (a goal fact).",
			"Total cost 7 over 3 levels.",
		]);
	});
});

describe("random sub-goal DAGs", () => {
	const complexity = fc.constantFrom<Complexity>("low", "medium", "high", "very-high");
	/** 2–10 sub-goals; each may depend on any earlier one; ids are shuffled so order says nothing. */
	const randomDag = fc
		.integer({ min: 2, max: 10 })
		.chain((count) =>
			fc.tuple(
				fc.tuple(
					...Array.from({ length: count }, (_, index) =>
						fc.record({
							dependsOn: fc.subarray(Array.from({ length: index }, (__, earlier) => earlier)),
							complexity,
						}),
					),
				),
				fc.shuffledSubarray(
					Array.from({ length: count }, (_, index) => `s${index + 1}`),
					{ minLength: count, maxLength: count },
				),
			),
		)
		.map(([nodes, ids]) => ({
			subgoals: nodes.map((node, index) =>
				subgoal(
					ids[index] as string,
					node.dependsOn.map((earlier) => ids[earlier] as string),
					node.complexity,
				),
			),
		}));

	it("orders every sub-goal after its dependencies and layers the plan topologically", () => {
		fc.assert(
			fc.property(randomDag, (decomposition) => {
				const plan = expectPlan(planDecomposition(decomposition));
				const position = new Map(names(plan).map((name, index) => [name, index]));
				expect(plan.steps).toHaveLength(decomposition.subgoals.length + 1);
				expect(names(plan).at(-1)).toBe(SYNTHESIZE_ACTION);
				for (const { id, dependsOn } of decomposition.subgoals) {
					for (const dependency of dependsOn) {
						expect(position.get(`research:${dependency}`)).toBeLessThan(position.get(`research:${id}`) ?? -1);
					}
				}
				const totalCost =
					decomposition.subgoals.reduce((sum, { complexity: level }) => sum + RESEARCH_COST[level], 0) + 1;
				expect(plan.cost).toBe(totalCost);
				assertValidLayering([], plan);
				// Tightest layering: a sub-goal sits one level below its deepest dependency.
				const levelOf = new Map(plan.levels.flatMap((level, index) => level.map((name) => [name, index])));
				for (const { id, dependsOn } of decomposition.subgoals) {
					const expected =
						Math.max(-1, ...dependsOn.map((dependency) => levelOf.get(`research:${dependency}`) ?? 0)) + 1;
					expect(levelOf.get(`research:${id}`)).toBe(expected);
				}
			}),
			{ numRuns: 200 },
		);
	});

	it("plans ten sub-goals well under a second", () => {
		const tenIndependent = {
			subgoals: Array.from({ length: 10 }, (_, index) => subgoal(`g${index + 1}`, [], "high")),
		};
		const tenMixed = {
			subgoals: Array.from({ length: 10 }, (_, index) =>
				subgoal(`g${index + 1}`, index >= 5 ? [`g${index - 4}`] : [], index % 2 ? "low" : "very-high"),
			),
		};
		for (const decomposition of [tenIndependent, tenMixed]) {
			const startedAt = performance.now();
			const plan = expectPlan(planDecomposition(decomposition));
			expect(performance.now() - startedAt).toBeLessThan(250);
			expect(plan.steps).toHaveLength(11);
		}
	});
});

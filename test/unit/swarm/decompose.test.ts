import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LIMITS, type Subgoal } from "../../../src/protocol";
import {
	type Decomposition,
	DecompositionSchema,
	fallbackDecomposition,
	validateDecomposition,
} from "../../../src/swarm/decompose";

const subgoal = (id: string, dependsOn: string[] = [], overrides: Partial<Subgoal> = {}): Subgoal => ({
	id,
	description: `Research part ${id}`,
	complexity: "medium",
	dependsOn,
	successCriteria: [`Identifies the key facts of ${id}`],
	...overrides,
});

const decompose = (goal: string, maxSubgoals = 10, depth = 5) =>
	fallbackDecomposition(goal, { maxSubgoals, depth });
const descriptions = (decomposition: Decomposition) => decomposition.subgoals.map((item) => item.description);
const dependencies = (decomposition: Decomposition) => decomposition.subgoals.map((item) => item.dependsOn);

function expectValid(decomposition: Decomposition, maxSubgoals: number): void {
	const result = validateDecomposition(decomposition);
	expect(result.ok ? [] : result.errors).toEqual([]);
	expect(decomposition.subgoals.length).toBeGreaterThanOrEqual(2);
	expect(decomposition.subgoals.length).toBeLessThanOrEqual(maxSubgoals);
	for (const item of decomposition.subgoals) {
		expect(item.successCriteria.length).toBeGreaterThanOrEqual(1);
		expect(item.successCriteria.length).toBeLessThanOrEqual(3);
	}
}

describe("DecompositionSchema", () => {
	it("accepts 2 to 10 sub-goals with 1 to 5 success criteria each", () => {
		const five = ["a", "b", "c", "d", "e"];
		expect(DecompositionSchema.safeParse({ subgoals: [subgoal("g1"), subgoal("g2")] }).success).toBe(true);
		expect(
			DecompositionSchema.safeParse({
				subgoals: [subgoal("g1", [], { successCriteria: five }), subgoal("g2")],
			}).success,
		).toBe(true);
		expect(DecompositionSchema.safeParse({ subgoals: [subgoal("g1")] }).success).toBe(false);
		const eleven = Array.from({ length: 11 }, (_, index) => subgoal(`g${index + 1}`));
		expect(DecompositionSchema.safeParse({ subgoals: eleven }).success).toBe(false);
		expect(
			DecompositionSchema.safeParse({ subgoals: [subgoal("g1", [], { successCriteria: [] }), subgoal("g2")] })
				.success,
		).toBe(false);
		expect(
			DecompositionSchema.safeParse({
				subgoals: [subgoal("g1", [], { successCriteria: [...five, "f"] }), subgoal("g2")],
			}).success,
		).toBe(false);
		expect(
			DecompositionSchema.safeParse({
				subgoals: [subgoal("g1", [], { complexity: "extreme" as "low" }), subgoal("g2")],
			}).success,
		).toBe(false);
	});
});

describe("validateDecomposition", () => {
	it("accepts a well-formed DAG", () => {
		const decomposition = { subgoals: [subgoal("g1"), subgoal("g2"), subgoal("g3", ["g1", "g2"])] };
		expect(validateDecomposition(decomposition)).toEqual({ ok: true, value: decomposition });
	});

	it("reports schema problems with their paths", () => {
		const result = validateDecomposition({
			subgoals: [subgoal("g1"), { ...subgoal("g2"), description: "" }],
		});
		expect(result.ok).toBe(false);
		if (result.ok) return;
		expect(result.errors.some((error) => error.startsWith("subgoals.1.description:"))).toBe(true);
		expect(validateDecomposition("not an object")).toMatchObject({ ok: false });
		expect(validateDecomposition({ subgoals: [subgoal("g1")] })).toMatchObject({
			ok: false,
			errors: [expect.stringMatching(/^subgoals:/)],
		});
	});

	it("reports duplicate ids", () => {
		expect(validateDecomposition({ subgoals: [subgoal("g1"), subgoal("g1")] })).toEqual({
			ok: false,
			errors: ['duplicate sub-goal id "g1"'],
		});
	});

	it("reports unknown dependencies", () => {
		expect(validateDecomposition({ subgoals: [subgoal("g1", ["g7"]), subgoal("g2", ["g1", "g8"])] })).toEqual(
			{
				ok: false,
				errors: [
					'sub-goal "g1" depends on unknown sub-goal "g7"',
					'sub-goal "g2" depends on unknown sub-goal "g8"',
				],
			},
		);
	});

	it("names the cycle", () => {
		const cyclic = { subgoals: [subgoal("g1", ["g3"]), subgoal("g2", ["g1"]), subgoal("g3", ["g2"])] };
		expect(validateDecomposition(cyclic)).toEqual({
			ok: false,
			errors: ["dependency cycle: g1 → g3 → g2 → g1"],
		});
		expect(validateDecomposition({ subgoals: [subgoal("g1", ["g1"]), subgoal("g2")] })).toEqual({
			ok: false,
			errors: ["dependency cycle: g1 → g1"],
		});
	});

	it("reports a cycle next to an unknown dependency", () => {
		const result = validateDecomposition({
			subgoals: [subgoal("g1", ["g2", "g9"]), subgoal("g2", ["g1"])],
		});
		expect(result).toEqual({
			ok: false,
			errors: ['sub-goal "g1" depends on unknown sub-goal "g9"', "dependency cycle: g1 → g2 → g1"],
		});
	});
});

describe("fallbackDecomposition", () => {
	it("splits a comparison into one sub-goal per side plus a comparison that depends on both", () => {
		const result = decompose("Compare heat pumps vs gas furnaces", 5, 5);
		expect(descriptions(result)).toEqual([
			"Research heat pumps as one side of the comparison: Compare heat pumps vs gas furnaces",
			"Research gas furnaces as one side of the comparison: Compare heat pumps vs gas furnaces",
			"Compare heat pumps and gas furnaces side by side, using the findings on each, to answer: Compare heat pumps vs gas furnaces",
		]);
		expect(dependencies(result)).toEqual([[], [], ["g1", "g2"]]);
		expect(result.subgoals[2]?.successCriteria).toEqual([
			"States where heat pumps and gas furnaces differ and where they agree",
			"Backs each difference with a cited source",
		]);
		for (const marker of ["versus", "compared to", "vs."]) {
			expect(decompose(`Rust ${marker} Go for command-line tools`).subgoals).toHaveLength(3);
		}
	});

	it("splits a numbered list, with a follow-up item depending on the items before it", () => {
		const result = decompose(
			"1. Survey current battery chemistries 2. Estimate their cost per kWh 3. Then recommend one for home storage",
		);
		expect(descriptions(result)).toEqual([
			"Survey current battery chemistries",
			"Estimate their cost per kWh",
			"Recommend one for home storage",
		]);
		expect(dependencies(result)).toEqual([[], [], ["g1", "g2"]]);
		expect(result.subgoals[0]?.successCriteria).toEqual([
			"Identifies the key facts and evidence on current battery chemistries",
			"Cites at least two sources on current battery chemistries",
		]);
		expect(result.subgoals[2]?.successCriteria[0]).toBe(
			'Addresses "recommend one for home storage" using the findings of the sub-goals it depends on',
		);
	});

	it("makes a later step its own sub-goal that builds on the parts before it, in any wording", () => {
		const wordings: [string, string, string[]][] = [
			[
				"Compare air-source heat pumps vs gas boilers for heating homes in cold climates, then recommend a system",
				"Recommend a system",
				["air-source heat pumps", "gas boilers for heating homes in cold climates"],
			],
			[
				"Compare heat pumps with gas boilers and finally recommend one for a cold climate",
				"Recommend one for a cold climate",
				["heat pumps", "gas boilers"],
			],
			[
				"Research the running costs of heat pumps, examine their emissions, and then recommend a system",
				"Recommend a system",
				["Research the running costs of heat pumps", "Examine their emissions"],
			],
			[
				"Survey battery chemistries for grid storage. Finally, recommend one for a small utility.",
				"Recommend one for a small utility",
				["Survey battery chemistries for grid storage"],
			],
			[
				"Investigate heat pump efficiency in cold climates; assess gas boiler emissions; then recommend a system",
				"Recommend a system",
				["Investigate heat pump efficiency in cold climates", "Assess gas boiler emissions"],
			],
			[
				"1. Research heat pump costs 2. Research gas boiler costs, then recommend the cheaper option",
				"Recommend the cheaper option",
				["Research heat pump costs", "Research gas boiler costs"],
			],
			[
				"Evaluate the cost, performance and reliability of heat pumps, and recommend a model",
				"Recommend a model",
				["Evaluate the cost of heat pumps", "Evaluate the reliability of heat pumps"],
			],
			[
				"Heating options:\n- heat pumps\n- gas boilers\nLastly, recommend one.",
				"Heating options: recommend one",
				["Heating options: heat pumps", "Heating options: gas boilers"],
			],
			[
				"How do heat pumps cope with frost? After that, conclude whether they suit Minnesota.",
				"Conclude whether they suit Minnesota",
				["How do heat pumps cope with frost"],
			],
		];
		for (const [goal, step, earlier] of wordings) {
			const result = decompose(goal);
			const last = result.subgoals.at(-1);
			expect(last?.description, goal).toBe(step);
			expect(last?.dependsOn, goal).toEqual(result.subgoals.slice(0, -1).map((item) => item.id));
			expect(last?.successCriteria[0], goal).toMatch(/using the findings of the sub-goals it depends on$/);
			const others = result.subgoals.slice(0, -1);
			for (const item of others) expect(item.description, goal).not.toMatch(/\b(?:recommend|conclude)\b/i);
			for (const part of earlier) {
				expect(
					others.some((item) => item.description.includes(part)),
					`${goal}: ${part}`,
				).toBe(true);
			}
		}
	});

	it("keeps a later step out of every other sub-goal for any body and step wording", () => {
		const body = fc.constantFrom(
			"Compare heat pumps vs gas boilers for cold climates",
			"Compare Python with Rust",
			"Research heat pump costs",
			"How do heat pumps cope with frost?",
			"1. research heat pump costs 2. research boiler costs",
			"Evaluate the cost, noise and reliability of heat pumps",
			"Map the supply chain; identify bottlenecks",
			"Explain what heat pumps are and how they work",
		);
		const separator = fc.constantFrom(
			", then ",
			", and then ",
			" and then ",
			" and finally ",
			", and finally, ",
			". Finally, ",
			"; then ",
			"; lastly, ",
			". Then ",
			"\nThen ",
			". After that, ",
			", next, ",
		);
		const step = fc.constantFrom("recommend a system", "rank the options", "propose a policy for renters");
		fc.assert(
			fc.property(body, separator, step, fc.integer({ min: 1, max: 10 }), (first, between, last, depth) => {
				const result = fallbackDecomposition(`${first}${between}${last}`, { maxSubgoals: 10, depth });
				const final = result.subgoals.at(-1);
				expect(final?.description).toBe(last.charAt(0).toUpperCase() + last.slice(1));
				expect(final?.dependsOn).toEqual(result.subgoals.slice(0, -1).map((item) => item.id));
				for (const item of result.subgoals.slice(0, -1)) expect(item.description).not.toContain(last);
			}),
			{ numRuns: 300 },
		);
	});

	it("chains several steps, each after every part before it", () => {
		const result = decompose(
			"First, map the EU battery supply chain, then identify bottlenecks, and finally propose policy responses",
		);
		expect(descriptions(result)).toEqual([
			"Map the EU battery supply chain",
			"Identify bottlenecks",
			"Propose policy responses",
		]);
		expect(dependencies(result)).toEqual([[], ["g1"], ["g1", "g2"]]);
	});

	it("starts no step at a step word inside a clause, and one at a step word and a verb after 'and'", () => {
		expect(descriptions(decompose("Explain why heating costs finally fell in Norway", 10, 5))[0]).toMatch(
			/^Background for "Explain why heating costs finally fell in Norway"/,
		);
		expect(descriptions(decompose("Research how grid prices rose and then rank the causes"))).toEqual([
			"Research how grid prices rose",
			"Rank the causes",
		]);
	});

	it("splits bulleted lines and prefixes the text before them", () => {
		const result = decompose(
			"Solar power in Spain:\n- history of adoption\n- current prices\n* grid integration",
		);
		expect(descriptions(result)).toEqual([
			"Solar power in Spain: history of adoption",
			"Solar power in Spain: current prices",
			"Solar power in Spain: grid integration",
		]);
		expect(dependencies(result)).toEqual([[], [], []]);
	});

	it("splits aspects of one subject into one sub-goal each", () => {
		expect(descriptions(decompose("cost, performance and reliability of heat pumps"))).toEqual([
			"Cost of heat pumps",
			"Performance of heat pumps",
			"Reliability of heat pumps",
		]);
		expect(descriptions(decompose("Evaluate the cost, performance and reliability of heat pumps"))).toEqual([
			"Evaluate the cost of heat pumps",
			"Evaluate the performance of heat pumps",
			"Evaluate the reliability of heat pumps",
		]);
	});

	it("turns compared aspects into the sides of a comparison", () => {
		const result = decompose("Compare heat pumps and gas furnaces in cold climates");
		expect(result.subgoals.map((item) => item.successCriteria[0])).toEqual([
			"Identifies the key facts and evidence on heat pumps in cold climates",
			"Identifies the key facts and evidence on gas furnaces in cold climates",
			"States where heat pumps and gas furnaces in cold climates differ and where they agree",
		]);
		expect(dependencies(result)).toEqual([[], [], ["g1", "g2"]]);
		expect(dependencies(decompose("Compare Python with Rust"))).toEqual([[], [], ["g1", "g2"]]);
	});

	it("splits semicolons and parallel clauses, lending the first verb to a verbless clause", () => {
		const semicolons = decompose(
			"Map the EU battery supply chain; identify bottlenecks; then propose policy responses",
		);
		expect(descriptions(semicolons)).toEqual([
			"Map the EU battery supply chain",
			"Identify bottlenecks",
			"Propose policy responses",
		]);
		expect(dependencies(semicolons)).toEqual([[], [], ["g1", "g2"]]);
		expect(descriptions(decompose("Explain what heat pumps are and how they work"))).toEqual([
			"Explain what heat pumps are",
			"Explain how they work",
		]);
		expect(descriptions(decompose("Heat pumps: cost, noise, reliability"))).toEqual([
			"Heat pumps: cost",
			"Heat pumps: noise",
			"Heat pumps: reliability",
		]);
	});

	it("keeps ' and ' and ', ' inside a clause when no new clause starts", () => {
		const result = decompose("Research the history of salt and pepper", 10, 5);
		expect(result.subgoals.map((item) => item.id)).toEqual(["g1", "g2"]);
		expect(result.subgoals[0]?.description).toContain("Background for");
		expect(
			decompose("Write a detailed, comprehensive analysis of nuclear power", 10, 5).subgoals[1]?.description,
		).toMatch(/^Answer /);
	});

	it("gives a one-clause goal a generic background → analysis (→ outlook) split", () => {
		const medium = decompose("How do heat pumps perform in cold climates?", 10, 5);
		expect(medium.subgoals.map((item) => item.description)).toEqual([
			'Background for "How do heat pumps perform in cold climates?": key terms, actors, history and the current state',
			'Answer "How do heat pumps perform in cold climates?" with evidence, building on the background',
		]);
		expect(dependencies(medium)).toEqual([[], ["g1"]]);
		const high = decompose("How do heat pumps perform in cold climates?", 10, 8);
		expect(dependencies(high)).toEqual([[], ["g1"], ["g1", "g2"]]);
		expect(high.subgoals[2]?.description).toMatch(/^Outlook for/);
		expect(decompose("How do heat pumps perform in cold climates?", 2, 8).subgoals).toHaveLength(2);
	});

	it("merges the tail to respect maxSubgoals and keeps a final comparison separate", () => {
		const list = decompose("1. alpha topic 2. beta topic 3. gamma topic 4. delta topic", 2);
		expect(descriptions(list)).toEqual(["Alpha topic", "Beta topic; Gamma topic; Delta topic"]);
		const comparison = decompose("Rust vs Go vs Zig vs C", 3);
		expect(comparison.subgoals).toHaveLength(3);
		expect(comparison.subgoals[1]?.description).toMatch(/^Research Go .*; Research Zig .*; Research C /);
		expect(comparison.subgoals[2]?.description).toMatch(/^Compare Rust, Go, Zig and C side by side/);
		expect(dependencies(comparison)).toEqual([[], [], ["g1", "g2"]]);
	});

	it("sets each sub-goal's complexity from the depth and its own cues", () => {
		const cued = decompose(
			"1. a detailed study of grid storage 2. a brief overview of tariffs 3. current prices",
			10,
			6,
		);
		expect(cued.subgoals.map((item) => item.complexity)).toEqual(["high", "medium", "medium"]);
		const low = decompose("1. a detailed study of grid storage 2. a brief overview of tariffs", 10, 4);
		expect(low.subgoals.map((item) => item.complexity)).toEqual(["medium", "low"]);
		const generic = decompose("Why did the Roman Republic fall?", 10, 7);
		expect(generic.subgoals.map((item) => item.complexity)).toEqual(["medium", "high", "medium"]);
		const long = decompose(
			"1. how municipal utilities in northern Europe finance, build and operate district heating networks over decades 2. prices",
			10,
			6,
		);
		expect(long.subgoals.map((item) => item.complexity)).toEqual(["high", "medium"]);
		// Two criteria below high complexity, three from high up.
		expect(cued.subgoals.map((item) => item.successCriteria.length)).toEqual([3, 2, 2]);
	});

	it("validates and respects maxSubgoals for a range of goals", () => {
		const goals = [
			"Compare X vs Y",
			"1. first part 2. second part 3. third part",
			"cost, performance and reliability of heat pumps",
			"Heat pumps",
			"Why?",
			"Rust vs Go vs Zig vs C vs C++ vs Java vs Kotlin vs Swift vs Python vs Ruby vs Perl",
			`${"word ".repeat(900)}and more`,
			"- a\n- b\n- c\n- d\n- e\n- f\n- g\n- h\n- i\n- j\n- k\n- l",
			"then compare them; finally rank them",
		];
		for (const goal of goals) {
			for (const maxSubgoals of [2, 3, 5, 10]) {
				for (const depth of [1, 5, 9, 10])
					expectValid(fallbackDecomposition(goal, { maxSubgoals, depth }), maxSubgoals);
			}
		}
	});

	it("always validates on random goals built from list items, separators and comparisons", () => {
		const word = fc.constantFrom(
			"heat",
			"pumps",
			"Rust",
			"cost",
			"the",
			"why",
			"compare",
			"then",
			"grid",
			"of",
		);
		const phrase = fc.array(word, { minLength: 1, maxLength: 6 }).map((words) => words.join(" "));
		const separator = fc.constantFrom(", ", " and ", "; ", " vs ", " versus ", "\n- ", " 2. ", ": ", " of ");
		const goal = fc
			.tuple(phrase, fc.array(fc.tuple(separator, phrase), { maxLength: 12 }))
			.map(([first, rest]) => first + rest.map(([sep, text]) => sep + text).join(""));
		fc.assert(
			fc.property(
				fc.oneof(
					goal,
					fc.string({ minLength: 1, maxLength: 300 }).filter((text) => text.trim().length > 0),
				),
				fc.integer({ min: 2, max: 10 }),
				fc.integer({ min: 1, max: 10 }),
				(text, maxSubgoals, depth) => {
					const result = fallbackDecomposition(text, { maxSubgoals, depth });
					expectValid(result, maxSubgoals);
					expect(fallbackDecomposition(text, { maxSubgoals, depth })).toEqual(result);
				},
			),
			{ numRuns: 300 },
		);
	});

	it("keeps descriptions within the task limit for the longest goals", () => {
		const goal = `Compare ${"very long subject ".repeat(160)}vs ${"other subject ".repeat(130)}`.slice(
			0,
			LIMITS.taskChars,
		);
		const startedAt = performance.now();
		const result = decompose(goal);
		expect(performance.now() - startedAt).toBeLessThan(100);
		expectValid(result, 10);
		for (const item of result.subgoals) expect(item.description.length).toBeLessThanOrEqual(LIMITS.taskChars);
	});

	it("rejects a blank goal, a bad maxSubgoals and a bad depth", () => {
		expect(() => decompose("   ")).toThrow(RangeError);
		expect(() => decompose("Heat pumps", 1)).toThrow(RangeError);
		expect(() => decompose("Heat pumps", 11)).toThrow(RangeError);
		expect(() => decompose("Heat pumps", 5, 0)).toThrow(RangeError);
		expect(() => decompose("Heat pumps", 5, 2.5)).toThrow(RangeError);
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyPatterns, type RecalledPattern } from "../../../src/learning/apply";
import type { Complexity } from "../../../src/protocol";
import { DEFAULTS } from "../../../src/swarm/config";
import { testConfig } from "../../fixtures/agent-context";

const OPEN = { swarmSize: false, provider: false };

function pattern(id: string, swarmSize: number, overrides: Partial<RecalledPattern> = {}): RecalledPattern {
	return {
		id,
		task: "How do heat pumps perform in cold climates?",
		reward: 0.9,
		score: 0.8,
		strategy: { provider: "extractive", model: null, swarmSize, depth: 5 },
		critique: "",
		improvements: [`lesson of ${id}`],
		...overrides,
	};
}

describe("applyPatterns", () => {
	it("raises the swarm size to a larger successful pattern's when the request left it open", () => {
		const applied = applyPatterns(testConfig({ swarmSize: 5 }), [pattern("p1", 7)], OPEN, ["extractive"]);
		expect(applied.config.swarmSize).toBe(7);
		expect(applied.patternsUsed[0]?.changed).toContain("swarm size 5 → 7, as in this successful job");
	});

	it("never lowers the size the analyzer chose", () => {
		const applied = applyPatterns(
			testConfig({ swarmSize: 7, complexity: "high" }),
			[pattern("p1", 3)],
			OPEN,
			["extractive"],
		);
		expect(applied.config.swarmSize).toBe(7);
		expect(applied.patternsUsed[0]?.changed.some((change) => change.startsWith("swarm size"))).toBe(false);
	});

	it("does not apply single-agent patterns to a swarm at all, neither size nor lessons", () => {
		const applied = applyPatterns(
			testConfig({ swarmSize: 7, depth: 8, complexity: "high" }),
			[pattern("single1", 1), pattern("single2", 1)],
			OPEN,
			["extractive"],
		);
		expect(applied.config.swarmSize).toBe(7);
		expect(applied.patternsUsed).toEqual([]);
		expect(applied.lessons).toEqual([]);
	});

	it("keeps an explicit swarm size and a single-agent job as they are", () => {
		const explicit = applyPatterns(
			testConfig({ swarmSize: 3 }),
			[pattern("p1", 7)],
			{ swarmSize: true, provider: false },
			["extractive"],
		);
		expect(explicit.config.swarmSize).toBe(3);
		const single = applyPatterns(testConfig({ swarmSize: 1, singleAgent: true }), [pattern("p1", 7)], OPEN, [
			"extractive",
		]);
		expect(single.config.swarmSize).toBe(1);
	});

	it("adopts a configured provider the request left open, and a lesson from each pattern", () => {
		const applied = applyPatterns(
			testConfig(),
			[
				pattern("p1", 5, { strategy: { provider: "anthropic", model: "m", swarmSize: 5, depth: 5 } }),
				pattern("p2", 5),
			],
			OPEN,
			["extractive", "anthropic"],
		);
		expect(applied.config.provider).toBe("anthropic");
		expect(applied.lessons).toEqual(["lesson of p1", "lesson of p2"]);
	});

	it("never leaves a swarm smaller than its complexity calls for, whatever it recalls", () => {
		const complexity = fc.constantFrom<Complexity>("low", "medium", "high", "very-high");
		const recalled = fc.array(fc.constantFrom(1, 3, 4, 5, 6, 7), { maxLength: 3 });
		fc.assert(
			fc.property(complexity, recalled, (level, sizes) => {
				const needed = DEFAULTS.swarmSizeByComplexity[level];
				const config = testConfig({ complexity: level, swarmSize: needed });
				const applied = applyPatterns(
					config,
					sizes.map((size, index) => pattern(`p${index}`, size)),
					OPEN,
					["extractive"],
				);
				expect(applied.config.swarmSize).toBeGreaterThanOrEqual(needed);
			}),
		);
	});

	it("puts a cluster's lessons before one pattern's, and says which cluster taught them", () => {
		const applied = applyPatterns(
			testConfig(),
			[pattern("p1", 5, { improvements: ["a lesson of one job"] })],
			OPEN,
			["extractive"],
			[
				{
					id: "dist_p0+p1+p2",
					memberIds: ["p0", "p1", "p2"],
					lessons: ["a lesson of three jobs"],
					confidence: 0.44,
				},
			],
		);
		expect(applied.lessons).toEqual(["a lesson of three jobs", "a lesson of one job"]);
		expect(applied.patternsUsed[0]?.changed).toContain(
			"1 lesson from a cluster of 3 similar jobs (confidence 0.44)",
		);
	});

	it("takes no cluster lessons through a pattern it does not apply", () => {
		const applied = applyPatterns(
			testConfig({ swarmSize: 5 }),
			[pattern("single", 1)],
			OPEN,
			["extractive"],
			[
				{
					id: "dist_single+x",
					memberIds: ["single", "x"],
					lessons: ["from single-agent runs"],
					confidence: 0.3,
				},
			],
		);
		expect(applied.lessons).toEqual([]);
	});
});

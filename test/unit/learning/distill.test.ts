import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	clusterPatterns,
	type DistillInput,
	distillPatterns,
	wilsonLowerBound,
} from "../../../src/learning/distill";

function at(degrees: number): number[] {
	const radians = (degrees * Math.PI) / 180;
	return [Math.cos(radians), Math.sin(radians)];
}

function pattern(id: string, degrees: number, overrides: Partial<DistillInput> = {}): DistillInput {
	return {
		id,
		tenantId: "t1",
		taskType: "research",
		success: true,
		reward: 0.8,
		improvements: [],
		usageCount: 0,
		embedding: at(degrees),
		...overrides,
	};
}

const ids = (clusters: DistillInput[][]) => clusters.map((members) => members.map((member) => member.id));

describe("clusterPatterns", () => {
	it("groups patterns within cosine 0.8 of a leader of the same tenant and task type", () => {
		const clusters = clusterPatterns([
			pattern("p1", 0),
			pattern("p2", 30), // cos 0.87 to p1
			pattern("p3", 40), // cos 0.77 to p1: leads its own cluster
			pattern("p4", 0, { taskType: "code" }),
			pattern("p5", 0, { tenantId: "t2" }),
		]);
		expect(ids(clusters)).toEqual([["p1", "p2"], ["p3"], ["p4"], ["p5"]]);
	});

	it("puts a pattern with the most similar leader, not the first that qualifies", () => {
		// p3 is 30° from p1 (cos 0.87) and 10° from p2 (cos 0.98); p1 and p2 are 40° apart.
		const clusters = clusterPatterns([pattern("p1", 0), pattern("p2", 40), pattern("p3", 30)]);
		expect(ids(clusters)).toEqual([["p1"], ["p2", "p3"]]);
	});

	it("lets the earliest id lead, whatever the input order, and keeps leaders as patterns are added", () => {
		const patterns = [pattern("p3", 10), pattern("p1", 0), pattern("p2", 5)];
		expect(ids(clusterPatterns(patterns))).toEqual([["p1", "p2", "p3"]]);
		expect(ids(clusterPatterns([...patterns, pattern("p4", 20)]))[0]?.[0]).toBe("p1");
	});

	it("refuses a pattern id given twice", () => {
		expect(() => clusterPatterns([pattern("p", 0), pattern("p", 90)])).toThrow(/"p" appears twice/);
	});
});

describe("distillPatterns", () => {
	it("summarizes each cluster: insights by frequency, success rate, Wilson confidence, usage and reward", () => {
		const timeShare = "Give the explorer a larger time share or a faster model.";
		const sources = "Attach or find at least 5 sources.";
		const budget = "Raise the cost budget or choose a cheaper model.";
		const [distillation] = distillPatterns([
			pattern("p1", 0, { improvements: [sources, timeShare], usageCount: 3, reward: 0.9 }),
			pattern("p2", 10, { improvements: [timeShare, timeShare], usageCount: 1, reward: 0.75 }),
			pattern("p3", 20, { improvements: [budget, timeShare], success: false, reward: 0.5 }),
		]);
		expect(distillation).toEqual({
			leaderId: "p1",
			tenantId: "t1",
			taskType: "research",
			memberIds: ["p1", "p2", "p3"],
			// Counted once per member (p2 lists one twice); equal counts alphabetically ("Attach" < "Raise").
			keyInsights: [
				{ text: timeShare, count: 3 },
				{ text: sources, count: 1 },
				{ text: budget, count: 1 },
			],
			successRate: 2 / 3,
			confidence: wilsonLowerBound(2, 3),
			usageCount: 4,
			averageReward: (0.9 + 0.75 + 0.5) / 3,
		});
	});

	it("keeps at most five insights", () => {
		const improvements = ["a", "b", "c", "d", "e", "f", "g"];
		const [distillation] = distillPatterns([
			pattern("p1", 0, { improvements }),
			pattern("p2", 1, { improvements: ["g"] }),
		]);
		expect(distillation?.keyInsights.map((insight) => insight.text)).toEqual(["g", "a", "b", "c", "d"]);
	});

	it("distills only clusters with at least minPatterns members (2 by default)", () => {
		const patterns = [
			pattern("p1", 0),
			pattern("p2", 5),
			pattern("p3", 90),
			pattern("p4", 180),
			pattern("p5", 185),
			pattern("p6", 190),
		];
		expect(distillPatterns(patterns).map((d) => d.memberIds)).toEqual([
			["p1", "p2"],
			["p4", "p5", "p6"],
		]);
		expect(distillPatterns(patterns, { minPatterns: 3 }).map((d) => d.leaderId)).toEqual(["p4"]);
		expect(distillPatterns(patterns, { minPatterns: 1 })).toHaveLength(3);
		expect(distillPatterns([pattern("p1", 0)])).toEqual([]);
		for (const minPatterns of [0, -1, 1.5]) {
			expect(() => distillPatterns(patterns, { minPatterns })).toThrow(RangeError);
		}
	});

	it("gives the same distillations for the patterns in any order", () => {
		fc.assert(
			fc.property(
				fc
					.array(fc.tuple(fc.integer({ min: 0, max: 359 }), fc.boolean(), fc.constantFrom("x", "y", "z")), {
						maxLength: 12,
					})
					.chain((specs) =>
						fc.tuple(fc.constant(specs), fc.shuffledSubarray([...specs.keys()], { minLength: specs.length })),
					),
				([specs, order]) => {
					const patterns = specs.map(([degrees, success, advice], i) =>
						pattern(`p${String(i).padStart(2, "0")}`, degrees, { success, improvements: [advice] }),
					);
					expect(distillPatterns(order.map((i) => patterns[i] as DistillInput))).toEqual(
						distillPatterns(patterns),
					);
				},
			),
		);
	});
});

describe("wilsonLowerBound", () => {
	it("is the 95% Wilson score lower bound, growing with the evidence for one rate", () => {
		expect(wilsonLowerBound(2, 2)).toBeCloseTo(0.3424, 4);
		expect(wilsonLowerBound(20, 20)).toBeCloseTo(0.8389, 4);
		expect(wilsonLowerBound(8, 10)).toBeCloseTo(0.4902, 4);
		expect(wilsonLowerBound(0, 5)).toBe(0);
		expect(wilsonLowerBound(0, 0)).toBe(0);
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 0, max: 200 }), (total, raw) => {
				const successes = raw % (total + 1);
				const bound = wilsonLowerBound(successes, total);
				expect(bound).toBeGreaterThanOrEqual(0);
				expect(bound).toBeLessThanOrEqual(successes / total + 1e-12);
				expect(wilsonLowerBound(successes * 2, total * 2)).toBeGreaterThanOrEqual(bound - 1e-12);
			}),
		);
	});
});

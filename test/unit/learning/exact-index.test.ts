import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Candidate, compareMatches, topK } from "../../../src/learning/exact-index";
import { cosineSimilarity, l2Normalize, norm } from "../../../src/learning/vector-math";

/** The reference: score every candidate, sort all of them, take the first k. */
function bruteForce(query: number[], candidates: Candidate[], k: number): { id: string; score: number }[] {
	return candidates
		.map((candidate) => ({ id: candidate.id, score: cosineSimilarity(query, candidate.values) }))
		.sort(compareMatches)
		.slice(0, Math.max(0, k));
}

const component = fc.integer({ min: -4, max: 4 });

describe("topK", () => {
	it("equals a brute-force sort of every cosine score for random vectors", () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 8 }).chain((dimensions) =>
					fc.record({
						query: fc.array(component, { minLength: dimensions, maxLength: dimensions }),
						// Small integer components make exact ties and zero vectors common, so tie-breaking is exercised.
						vectors: fc.array(fc.array(component, { minLength: dimensions, maxLength: dimensions }), {
							maxLength: 40,
						}),
						k: fc.integer({ min: 0, max: 45 }),
					}),
				),
				({ query, vectors, k }) => {
					const candidates = vectors.map((values, i) => ({ id: `v${(i * 7919) % 97}-${i}`, values }));
					const result = topK(query, candidates, k).map(({ id, score }) => ({ id, score }));
					expect(result).toEqual(bruteForce(query, candidates, k));
				},
			),
			{ numRuns: 300 },
		);
	});

	it("breaks ties by id and hands back the candidate objects", () => {
		const candidates = [
			{ id: "b", values: [1, 0], label: "second" },
			{ id: "a", values: [3, 0], label: "first" },
			{ id: "c", values: [0, 1], label: "third" },
		];
		const result = topK([2, 0], candidates, 2);
		expect(result.map(({ id, score, candidate }) => [id, score, candidate.label])).toEqual([
			["a", 1, "first"],
			["b", 1, "second"],
		]);
	});

	it("scores a zero query or a zero candidate as 0 and returns nothing for k ≤ 0", () => {
		expect(topK([0, 0], [{ id: "x", values: [1, 1] }], 1)).toEqual([
			{ id: "x", score: 0, candidate: { id: "x", values: [1, 1] } },
		]);
		expect(topK([1, 1], [{ id: "zero", values: [0, 0] }], 1)[0]?.score).toBe(0);
		expect(topK([1, 1], [{ id: "x", values: [1, 1] }], 0)).toEqual([]);
	});

	it("refuses a candidate whose length differs from the query's", () => {
		expect(() => topK([1, 0], [{ id: "odd", values: [1, 0, 0] }], 1)).toThrow(/candidate "odd" has 3 values/);
	});
});

describe("vector math", () => {
	it("keeps cosine similarity within [-1, 1] and normalizes to unit length", () => {
		fc.assert(
			fc.property(
				fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 16 }),
				(vector) => {
					expect(
						Math.abs(
							cosineSimilarity(
								vector,
								vector.map((value) => value * 3),
							),
						),
					).toBeLessThanOrEqual(1);
					const unit = l2Normalize(vector);
					const length = Math.hypot(...unit);
					expect(length === 0 || Math.abs(length - 1) < 1e-9).toBe(true);
				},
			),
		);
		expect(cosineSimilarity([1, 0], [1, 1])).toBeCloseTo(Math.SQRT1_2, 12);
		expect(cosineSimilarity([1, 0], [-2, 0])).toBe(-1);
		expect(l2Normalize([0, 0])).toEqual([0, 0]);
		expect(() => cosineSimilarity([1, 0], [1, 0, 0])).toThrow(/2 and 3 values/);
		// Squares of these underflow (or overflow) in doubles; the results must not.
		expect(cosineSimilarity([1e-170, 0], [1e-170, 1e-170])).toBeCloseTo(Math.SQRT1_2, 12);
		expect(cosineSimilarity([1e200, 0], [1e200, 1e200])).toBeCloseTo(Math.SQRT1_2, 12);
		const [x, y] = l2Normalize([-5e-324, 5e-324]);
		expect(x).toBeCloseTo(-Math.SQRT1_2, 12);
		expect(y).toBeCloseTo(Math.SQRT1_2, 12);
		expect(norm([3e-200, 4e-200])).toBeCloseTo(5e-200, 212);
	});
});

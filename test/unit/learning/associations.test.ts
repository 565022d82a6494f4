import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	type AssociationInput,
	approachesDiffer,
	computeAssociations,
} from "../../../src/learning/associations";

/** A unit vector in the plane at `degrees` from the x axis, so cosines between patterns are easy to pick. */
function at(degrees: number): number[] {
	const radians = (degrees * Math.PI) / 180;
	return [Math.cos(radians), Math.sin(radians)];
}

function pattern(id: string, degrees: number, overrides: Partial<AssociationInput> = {}): AssociationInput {
	return {
		id,
		tenantId: "t1",
		jobId: `job-${id}`,
		followsJobId: null,
		taskType: "research",
		success: true,
		approach: { provider: "gemini", swarmSize: 5, roles: ["explorer", "depth_analyst", "synthesizer"] },
		embedding: at(degrees),
		...overrides,
	};
}

const degreesForCosine = (cosine: number) => (Math.acos(cosine) * 180) / Math.PI;

describe("computeAssociations", () => {
	it("links patterns whose cosine similarity is above 0.7 as similar, smaller id first", () => {
		const associations = computeAssociations([
			pattern("p2", degreesForCosine(0.71)),
			pattern("p1", 0),
			pattern("p3", -degreesForCosine(0.69)),
		]);
		expect(associations).toEqual([
			{ kind: "similar", sourceId: "p1", targetId: "p2", strength: expect.any(Number) },
		]);
		expect(associations[0]?.strength).toBeCloseTo(0.71, 12);
	});

	it("never links patterns of different tenants", () => {
		const associations = computeAssociations([
			pattern("mine", 0, { followsJobId: "job-theirs" }),
			pattern("theirs", 0, {
				tenantId: "t2",
				approach: { provider: "openai", swarmSize: 3, roles: ["explorer"] },
			}),
		]);
		expect(associations).toEqual([]);
	});

	it("links related successful runs of one task type that took different approaches as complementary", () => {
		const base = pattern("a", 0);
		const related = degreesForCosine(0.6);
		const cases: [AssociationInput, boolean][] = [
			[pattern("b", related, { approach: { ...base.approach, provider: "anthropic" } }), true],
			[pattern("b", related, { approach: { ...base.approach, swarmSize: 7 } }), true],
			[
				pattern("b", related, {
					approach: { ...base.approach, roles: ["explorer", "critic", "synthesizer"] },
				}),
				true,
			],
			[
				pattern("b", related, {
					approach: { ...base.approach, roles: ["synthesizer", "explorer", "depth_analyst"] },
				}),
				false,
			],
			[
				pattern("b", related, { approach: { ...base.approach, provider: "anthropic" }, success: false }),
				false,
			],
			[
				pattern("b", related, { approach: { ...base.approach, provider: "anthropic" }, taskType: "code" }),
				false,
			],
			[
				pattern("b", degreesForCosine(0.45), { approach: { ...base.approach, provider: "anthropic" } }),
				false,
			],
		];
		for (const [other, complementary] of cases) {
			const kinds = computeAssociations([base, other]).map((association) => association.kind);
			expect(kinds).toEqual(complementary ? ["complementary"] : []);
		}
	});

	it("links a job's follow-up from the earlier pattern to the later one, whatever their ids", () => {
		const associations = computeAssociations([
			pattern("z-first", 0),
			pattern("a-follow-up", 90, { followsJobId: "job-z-first" }),
			pattern("m-unrelated", 180),
		]);
		expect(associations).toEqual([
			{ kind: "sequential", sourceId: "z-first", targetId: "a-follow-up", strength: 1 },
		]);
	});

	it("gives the same sorted, duplicate-free list for the patterns in any order", () => {
		const arbitraryPattern = fc.record({
			degrees: fc.integer({ min: 0, max: 359 }),
			tenant: fc.constantFrom("t1", "t2"),
			provider: fc.constantFrom("gemini", "openai"),
			success: fc.boolean(),
			follows: fc.option(fc.integer({ min: 0, max: 9 }), { nil: null }),
		});
		fc.assert(
			fc.property(
				fc
					.array(arbitraryPattern, { maxLength: 10 })
					.chain((specs) =>
						fc.tuple(fc.constant(specs), fc.shuffledSubarray([...specs.keys()], { minLength: specs.length })),
					),
				([specs, order]) => {
					const patterns = specs.map((spec, i) =>
						pattern(`p${i}`, spec.degrees, {
							tenantId: spec.tenant,
							success: spec.success,
							followsJobId: spec.follows === null ? null : `job-p${spec.follows}`,
							approach: { provider: spec.provider, swarmSize: 5, roles: ["explorer"] },
						}),
					);
					const forward = computeAssociations(patterns);
					expect(computeAssociations(order.map((i) => patterns[i] as AssociationInput))).toEqual(forward);
					const keys = forward.map((a) => `${a.kind} ${a.sourceId} ${a.targetId}`);
					expect(new Set(keys).size).toBe(keys.length);
					for (const association of forward) {
						if (association.kind !== "sequential")
							expect(association.sourceId < association.targetId).toBe(true);
					}
				},
			),
		);
	});

	it("refuses a pattern id given twice", () => {
		expect(() => computeAssociations([pattern("p", 0), pattern("p", 10)])).toThrow(/"p" appears twice/);
	});
});

describe("approachesDiffer", () => {
	it("compares provider, swarm size and the set of roles", () => {
		const approach = { provider: "gemini", swarmSize: 3, roles: ["explorer", "synthesizer"] as const };
		expect(
			approachesDiffer(
				{ ...approach, roles: [...approach.roles] },
				{ ...approach, roles: ["synthesizer", "explorer"] },
			),
		).toBe(false);
		expect(
			approachesDiffer(
				{ ...approach, roles: ["explorer"] },
				{ ...approach, roles: ["explorer", "explorer"] },
			),
		).toBe(false);
		expect(approachesDiffer({ ...approach, roles: ["explorer"] }, { ...approach, roles: ["critic"] })).toBe(
			true,
		);
	});
});

/**
 * The contract every PatternIndex adapter keeps (see src/learning/pattern-index.ts). Each adapter's
 * test file calls `patternIndexContract` with a factory for a fresh, empty index.
 */
import { describe, expect, it } from "vitest";
import {
	DimensionMismatchError,
	type IndexSpace,
	MAX_TOP_K,
	type PatternIndex,
	type PatternMetadata,
	type PatternVector,
} from "../../../src/learning/pattern-index";
import type { TaskType } from "../../../src/protocol";

export const CONTRACT_SPACE: IndexSpace = { dimensions: 4, model: "contract-embedder-v1" };

/** A pattern vector in the contract's space; metadata fields can be overridden. */
export function patternVector(
	id: string,
	tenantId: string,
	values: number[],
	overrides: Partial<PatternMetadata> = {},
): PatternVector {
	return {
		id,
		values,
		metadata: {
			tenantId,
			taskType: "research" satisfies TaskType,
			model: CONTRACT_SPACE.model,
			dimensions: CONTRACT_SPACE.dimensions,
			reward: 0.8,
			success: true,
			...overrides,
		},
	};
}

function expectValuesClose(actual: number[], expected: number[]): void {
	expect(actual).toHaveLength(expected.length);
	actual.forEach((value, index) => {
		expect(value).toBeCloseTo(expected[index] as number, 6);
	});
}

/** Registers the contract's tests for one adapter. */
export function patternIndexContract(
	adapter: string,
	open: (space: IndexSpace) => Promise<PatternIndex>,
): void {
	describe(`PatternIndex contract: ${adapter}`, () => {
		it("reports the embedding space it holds", async () => {
			const index = await open(CONTRACT_SPACE);
			expect({ dimensions: index.dimensions, model: index.model }).toEqual(CONTRACT_SPACE);
		});

		it("returns nothing from an empty index", async () => {
			const index = await open(CONTRACT_SPACE);
			expect(await index.query([1, 0, 0, 0], { topK: 5, tenantId: "t1" })).toEqual([]);
		});

		it("returns the best matches first with their cosine similarity and metadata", async () => {
			const index = await open(CONTRACT_SPACE);
			const vectors = [
				patternVector("opposite", "t1", [-1, 0, 0, 0]),
				patternVector("close", "t1", [0.8, 0.6, 0, 0], { reward: 0.75, taskType: "analysis" }),
				patternVector("exact", "t1", [2, 0, 0, 0]),
				patternVector("orthogonal", "t1", [0, 0, 3, 0]),
			];
			await index.upsert(vectors);

			const matches = await index.query([1, 0, 0, 0], { topK: 3, tenantId: "t1" });

			expect(matches.map((match) => match.id)).toEqual(["exact", "close", "orthogonal"]);
			const expectedScores = [1, 0.8, 0];
			matches.forEach((match, position) => {
				expect(match.score).toBeCloseTo(expectedScores[position] as number, 6);
			});
			expect(matches[1]?.metadata).toEqual(vectors[1]?.metadata);
		});

		it("returns every match when fewer than topK exist", async () => {
			const index = await open(CONTRACT_SPACE);
			await index.upsert([patternVector("a", "t1", [1, 1, 0, 0]), patternVector("b", "t1", [0, 1, 1, 0])]);
			const matches = await index.query([0, 1, 0, 0], { topK: MAX_TOP_K, tenantId: "t1" });
			expect(matches.map((match) => match.id).sort()).toEqual(["a", "b"]);
		});

		it("orders equal scores by id", async () => {
			const index = await open(CONTRACT_SPACE);
			await index.upsert([
				patternVector("tie-c", "t1", [0, 0, 1, 0]),
				patternVector("tie-a", "t1", [0, 0, 2, 0]),
				patternVector("tie-b", "t1", [0, 0, 0.5, 0]),
			]);
			const matches = await index.query([0, 0, 1, 0], { topK: 3, tenantId: "t1" });
			expect(matches.map((match) => match.id)).toEqual(["tie-a", "tie-b", "tie-c"]);
		});

		it("never returns another tenant's vectors, however close", async () => {
			const index = await open(CONTRACT_SPACE);
			await index.upsert([
				patternVector("mine", "t1", [0, 1, 0, 0]),
				patternVector("theirs", "t2", [1, 0, 0, 0]),
				patternVector("theirs-too", "t2", [0.9, 0.1, 0, 0]),
			]);

			const forT1 = await index.query([1, 0, 0, 0], { topK: MAX_TOP_K, tenantId: "t1" });
			expect(forT1.map((match) => match.id)).toEqual(["mine"]);
			const forT2 = await index.query([1, 0, 0, 0], { topK: MAX_TOP_K, tenantId: "t2" });
			expect(forT2.map((match) => match.id)).toEqual(["theirs", "theirs-too"]);
			expect(forT2.every((match) => match.metadata.tenantId === "t2")).toBe(true);
			expect(await index.query([1, 0, 0, 0], { topK: 5, tenantId: "t3" })).toEqual([]);
		});

		it("applies task type and success filters within the tenant", async () => {
			const index = await open(CONTRACT_SPACE);
			await index.upsert([
				patternVector("research-ok", "t1", [1, 0, 0, 0]),
				patternVector("research-failed", "t1", [1, 0.1, 0, 0], { success: false, reward: 0.4 }),
				patternVector("code-ok", "t1", [1, 0.2, 0, 0], { taskType: "code" }),
				patternVector("other-tenant", "t2", [1, 0, 0, 0]),
			]);
			const query = [1, 0, 0, 0];

			const successful = await index.query(query, { topK: 5, tenantId: "t1", filter: { success: true } });
			expect(successful.map((match) => match.id)).toEqual(["research-ok", "code-ok"]);
			const code = await index.query(query, { topK: 5, tenantId: "t1", filter: { taskType: "code" } });
			expect(code.map((match) => match.id)).toEqual(["code-ok"]);
			const both = await index.query(query, {
				topK: 5,
				tenantId: "t1",
				filter: { taskType: "research", success: false },
			});
			expect(both.map((match) => match.id)).toEqual(["research-failed"]);
		});

		it("gets the tenant's vectors by id in the order asked, leaving out unknown ids", async () => {
			const index = await open(CONTRACT_SPACE);
			const first = patternVector("first", "t1", [0.1, 0.2, 0.3, 0.4]);
			const second = patternVector("second", "t1", [0.5, -0.5, 0.25, 0], { success: false, reward: 0.2 });
			await index.upsert([first, second]);

			const found = await index.getByIds(["second", "missing", "first"], { tenantId: "t1" });

			expect(found.map((vector) => vector.id)).toEqual(["second", "first"]);
			expectValuesClose(found[0]?.values ?? [], second.values);
			expect(found[0]?.metadata).toEqual(second.metadata);
			expectValuesClose(found[1]?.values ?? [], first.values);
		});

		it("neither reads nor deletes another tenant's vectors by id", async () => {
			const index = await open(CONTRACT_SPACE);
			await index.upsert([patternVector("theirs", "t2", [1, 0, 0, 0])]);

			expect(await index.getByIds(["theirs"], { tenantId: "t1" })).toEqual([]);
			await index.deleteByIds(["theirs"], { tenantId: "t1" });

			expect((await index.getByIds(["theirs"], { tenantId: "t2" })).map((vector) => vector.id)).toEqual([
				"theirs",
			]);
			const matches = await index.query([1, 0, 0, 0], { topK: 1, tenantId: "t2" });
			expect(matches.map((match) => match.id)).toEqual(["theirs"]);
		});

		it("deletes vectors so that queries and lookups no longer find them", async () => {
			const index = await open(CONTRACT_SPACE);
			await index.upsert([
				patternVector("keep", "t1", [0, 1, 0, 0]),
				patternVector("drop", "t1", [1, 0, 0, 0]),
			]);

			await index.deleteByIds(["drop", "never-existed"], { tenantId: "t1" });

			const matches = await index.query([1, 0, 0, 0], { topK: 5, tenantId: "t1" });
			expect(matches.map((match) => match.id)).toEqual(["keep"]);
			expect(await index.getByIds(["drop"], { tenantId: "t1" })).toEqual([]);
		});

		it("replaces the values and metadata of an id that is upserted again", async () => {
			const index = await open(CONTRACT_SPACE);
			await index.upsert([patternVector("p", "t1", [1, 0, 0, 0], { reward: 0.5, success: false })]);
			await index.upsert([patternVector("p", "t1", [0, 0, 0, 1], { reward: 0.9, success: true })]);

			const [stored] = await index.getByIds(["p"], { tenantId: "t1" });
			expectValuesClose(stored?.values ?? [], [0, 0, 0, 1]);
			expect(stored?.metadata).toMatchObject({ reward: 0.9, success: true });
			const matches = await index.query([0, 0, 0, 1], { topK: 5, tenantId: "t1" });
			expect(matches).toHaveLength(1);
			expect(matches[0]?.score).toBeCloseTo(1, 6);
		});

		it("refuses vectors and queries from another embedding space, storing nothing of a refused batch", async () => {
			const index = await open(CONTRACT_SPACE);
			const good = patternVector("good", "t1", [1, 0, 0, 0]);
			const refused: PatternVector[] = [
				patternVector("short", "t1", [1, 0, 0]),
				patternVector("long", "t1", [1, 0, 0, 0, 0]),
				patternVector("other-model", "t1", [1, 0, 0, 0], { model: "another-embedder" }),
				patternVector("claims-other-size", "t1", [1, 0, 0, 0], { dimensions: 8 }),
			];
			for (const vector of refused) {
				await expect(index.upsert([good, vector])).rejects.toBeInstanceOf(DimensionMismatchError);
			}
			await expect(index.upsert([good, refused[0] as PatternVector])).rejects.toThrow(
				/3 dimensions.*4-dimension vectors from model "contract-embedder-v1"/,
			);
			await expect(index.query([1, 0, 0], { topK: 1, tenantId: "t1" })).rejects.toBeInstanceOf(
				DimensionMismatchError,
			);

			expect(await index.getByIds(["good", "short", "other-model"], { tenantId: "t1" })).toEqual([]);
		});

		it("refuses topK outside 1–20, ids Vectorize cannot store and values that are not numbers", async () => {
			const index = await open(CONTRACT_SPACE);
			for (const topK of [0, MAX_TOP_K + 1, 1.5]) {
				await expect(index.query([1, 0, 0, 0], { topK, tenantId: "t1" })).rejects.toBeInstanceOf(RangeError);
			}
			await expect(index.upsert([patternVector("", "t1", [1, 0, 0, 0])])).rejects.toBeInstanceOf(RangeError);
			await expect(index.upsert([patternVector("é".repeat(33), "t1", [1, 0, 0, 0])])).rejects.toBeInstanceOf(
				RangeError,
			);
			await expect(index.upsert([patternVector("nan", "t1", [1, Number.NaN, 0, 0])])).rejects.toBeInstanceOf(
				RangeError,
			);
			await expect(
				index.query([1, Number.POSITIVE_INFINITY, 0, 0], { topK: 1, tenantId: "t1" }),
			).rejects.toBeInstanceOf(RangeError);
		});
	});
}

import { describe, expect, it } from "vitest";
import { createMemoryIndex } from "../../../src/learning/exact-index";
import { DimensionMismatchError } from "../../../src/learning/pattern-index";
import { createVectorizeIndex, openVectorizeIndex } from "../../../src/learning/vectorize-index";
import { CONTRACT_SPACE, patternIndexContract, patternVector } from "./pattern-index-contract";
import { VectorizeDouble } from "./vectorize-double";

/** The metadata indexes wrangler.toml tells operators to create. */
const METADATA_INDEXES = {
	tenantId: "string",
	model: "string",
	taskType: "string",
	success: "boolean",
} as const;

patternIndexContract("in-memory exact index", async (space) => createMemoryIndex(space));

patternIndexContract("Vectorize adapter over the binding double", async (space) =>
	openVectorizeIndex(new VectorizeDouble(space.dimensions, METADATA_INDEXES), space),
);

describe("Vectorize adapter", () => {
	it("queries with all metadata, no values, and the tenant, model and filters as equality filters", async () => {
		const binding = new VectorizeDouble(4, METADATA_INDEXES);
		const index = createVectorizeIndex(binding, CONTRACT_SPACE);

		await index.query([1, 0, 0, 0], { topK: 7, tenantId: "t1", filter: { taskType: "code", success: true } });
		await index.query([0, 1, 0, 0], { topK: 3, tenantId: "t2" });

		expect(binding.queries.map((query) => query.options)).toEqual([
			{
				topK: 7,
				returnMetadata: "all",
				returnValues: false,
				filter: { tenantId: "t1", model: CONTRACT_SPACE.model, taskType: "code", success: true },
			},
			{
				topK: 3,
				returnMetadata: "all",
				returnValues: false,
				filter: { tenantId: "t2", model: CONTRACT_SPACE.model },
			},
		]);
	});

	it("never returns vectors another embedder or another writer left in the index", async () => {
		const binding = new VectorizeDouble(4, METADATA_INDEXES);
		const index = createVectorizeIndex(binding, CONTRACT_SPACE);
		await index.upsert([patternVector("ours", "t1", [0, 1, 0, 0])]);
		const leftovers = patternVector("old-embedder", "t1", [1, 0, 0, 0], { model: "retired-embedder" });
		await binding.upsert([
			{ id: leftovers.id, values: leftovers.values, metadata: { ...leftovers.metadata } },
			{ id: "no-metadata", values: [1, 0, 0, 0] },
			{ id: "bad-task-type", values: [1, 0, 0, 0], metadata: { ...leftovers.metadata, taskType: "poetry" } },
		]);

		const matches = await index.query([1, 0, 0, 0], { topK: 5, tenantId: "t1" });
		expect(matches.map((match) => match.id)).toEqual(["ours"]);
		const found = await index.getByIds(["no-metadata", "bad-task-type", "ours"], { tenantId: "t1" });
		expect(found.map((vector) => vector.id)).toEqual(["ours"]);
	});

	it("upserts more than one Vectorize batch (1000 vectors) in several calls", async () => {
		const binding = new VectorizeDouble(4, METADATA_INDEXES);
		const index = createVectorizeIndex(binding, CONTRACT_SPACE);
		const vectors = Array.from({ length: 1001 }, (_, i) => patternVector(`p${i}`, "t1", [1, i, 0, 0]));

		await index.upsert(vectors);

		expect((await binding.describe()).vectorsCount).toBe(1001);
	});

	it("refuses to open an index of other dimensions or another metric", async () => {
		await expect(
			openVectorizeIndex(new VectorizeDouble(768, METADATA_INDEXES), CONTRACT_SPACE),
		).rejects.toThrow(DimensionMismatchError);
		await expect(
			openVectorizeIndex(new VectorizeDouble(4, METADATA_INDEXES, "euclidean"), CONTRACT_SPACE),
		).rejects.toThrow(/euclidean metric/);
	});

	it("reads the dimensions from the GA describe() shape too", async () => {
		const binding = new VectorizeDouble(4, METADATA_INDEXES);
		const gaInfo = { vectorCount: 0, dimensions: 1536, processedUpToDatetime: 0, processedUpToMutation: 0 };
		binding.describe = async () => gaInfo as unknown as VectorizeIndexDetails;

		await expect(openVectorizeIndex(binding, CONTRACT_SPACE)).rejects.toThrow(
			/the Vectorize index has 1536 dimensions/,
		);
	});
});

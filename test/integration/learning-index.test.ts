import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { database } from "../../src/db/queries";
import { createD1Index } from "../../src/learning/d1-index";
import { CONTRACT_SPACE, patternIndexContract, patternVector } from "../unit/learning/pattern-index-contract";

// The local index keeps the same contract as the in-memory index and the Vectorize adapter.
patternIndexContract("D1 exact-cosine index", async (space) => {
	await env.DB.prepare("DELETE FROM pattern_vectors").run();
	return createD1Index(database(env.DB), space);
});

describe("D1 exact-cosine index storage", () => {
	it("stores vectors as Float32 bytes", async () => {
		await env.DB.prepare("DELETE FROM pattern_vectors").run();
		const index = createD1Index(database(env.DB), CONTRACT_SPACE);
		await index.upsert([patternVector("bytes", "t1", [1, -2, 0.5, 0])]);
		const row = await env.DB.prepare(
			"SELECT typeof(vector) AS kind, length(vector) AS bytes FROM pattern_vectors WHERE pattern_id = 'bytes'",
		).first();
		expect(row).toEqual({ kind: "blob", bytes: 16 });
	});

	it("still finds and reads rows written as JSON before migration 0005", async () => {
		await env.DB.prepare("DELETE FROM pattern_vectors").run();
		await env.DB.prepare(
			`INSERT INTO pattern_vectors (pattern_id, tenant_id, task_type, success, reward, model, dimensions, vector)
			 VALUES ('legacy', 't1', 'research', 1, 0.8, ?, 4, '[0.6,0.8,0,0]')`,
		)
			.bind(CONTRACT_SPACE.model)
			.run();
		const index = createD1Index(database(env.DB), CONTRACT_SPACE);
		await index.upsert([patternVector("binary", "t1", [0, 0, 1, 0])]);

		const matches = await index.query([1, 0, 0, 0], { topK: 2, tenantId: "t1" });
		expect(matches.map((match) => match.id)).toEqual(["legacy", "binary"]);
		expect(matches[0]?.score).toBeCloseTo(0.6, 6);
		const [legacy] = await index.getByIds(["legacy"], { tenantId: "t1" });
		expect(legacy?.values).toEqual([0.6, 0.8, 0, 0]);
	});
});

/**
 * The local pattern index: vectors in D1 (`pattern_vectors`, Float32 bytes), exact cosine top-k in the Worker.
 * `wrangler dev` and the tests use it; production uses Vectorize through the same `PatternIndex`.
 */
import { and, eq, getTableColumns, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/queries";
import { patternVectors } from "../db/schema";
import { decodeVector } from "../db/vector-blob";
import { TaskTypeSchema } from "../protocol";
import { topK } from "./exact-index";
import {
	assertQueryFits,
	assertVectorFits,
	type IndexSpace,
	type PatternIndex,
	type PatternMatch,
	type PatternMetadata,
	type PatternVector,
} from "./pattern-index";

/**
 * The columns a query reads, the vector as text: D1 hands a BLOB to the Worker as an array of byte
 * values (four numbers a float), which costs more to move and parse than the JSON text it replaced,
 * while `hex()` sends the same bytes as one short string. Rows from before migration 0005 keep their JSON.
 */
const READ_COLUMNS = {
	...getTableColumns(patternVectors),
	vector: sql<string>`CASE typeof(${patternVectors.vector}) WHEN 'blob' THEN hex(${patternVectors.vector}) ELSE ${patternVectors.vector} END`,
};

type Row = Omit<typeof patternVectors.$inferSelect, "vector"> & { vector: string };

function metadataOf(row: Row): PatternMetadata {
	return {
		tenantId: row.tenantId,
		taskType: TaskTypeSchema.parse(row.taskType),
		model: row.model,
		dimensions: row.dimensions,
		reward: row.reward,
		success: row.success,
	};
}

function toVector(row: Row): PatternVector {
	return { id: row.patternId, values: Array.from(decodeVector(row.vector)), metadata: metadataOf(row) };
}

/** A `PatternIndex` over D1 in the embedding space `space`. */
export function createD1Index(db: Database, space: IndexSpace): PatternIndex {
	return {
		dimensions: space.dimensions,
		model: space.model,
		async upsert(vectors) {
			for (const vector of vectors) assertVectorFits(space, vector);
			for (const { id, values, metadata } of vectors) {
				const row = {
					patternId: id,
					tenantId: metadata.tenantId,
					taskType: metadata.taskType,
					success: metadata.success,
					reward: metadata.reward,
					model: metadata.model,
					dimensions: metadata.dimensions,
					vector: values,
				};
				await db
					.insert(patternVectors)
					.values(row)
					.onConflictDoUpdate({ target: patternVectors.patternId, set: row });
			}
		},
		async query(vector, { topK: k, tenantId, filter = {} }) {
			assertQueryFits(space, vector, k);
			const conditions = [eq(patternVectors.tenantId, tenantId), eq(patternVectors.model, space.model)];
			if (filter.taskType !== undefined) conditions.push(eq(patternVectors.taskType, filter.taskType));
			if (filter.success !== undefined) conditions.push(eq(patternVectors.success, filter.success));
			const rows = await db
				.select(READ_COLUMNS)
				.from(patternVectors)
				.where(and(...conditions));
			// Every row is scored over a view of its stored bytes; only the k winners get their metadata built.
			const candidates = rows.map((row) => ({ id: row.patternId, values: decodeVector(row.vector), row }));
			return topK(vector, candidates, k).map(
				({ id, score, candidate }): PatternMatch => ({ id, score, metadata: metadataOf(candidate.row) }),
			);
		},
		async getByIds(ids, { tenantId }) {
			if (ids.length === 0) return [];
			const rows = await db
				.select(READ_COLUMNS)
				.from(patternVectors)
				.where(and(eq(patternVectors.tenantId, tenantId), inArray(patternVectors.patternId, ids)));
			const byId = new Map(rows.map((row) => [row.patternId, toVector(row)]));
			return [...new Set(ids)].flatMap((id) => {
				const found = byId.get(id);
				return found ? [found] : [];
			});
		},
		async deleteByIds(ids, { tenantId }) {
			if (ids.length === 0) return;
			await db
				.delete(patternVectors)
				.where(and(eq(patternVectors.tenantId, tenantId), inArray(patternVectors.patternId, ids)));
		},
	};
}

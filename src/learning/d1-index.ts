/**
 * The local pattern index: vectors in D1 (`pattern_vectors`), exact cosine top-k in the Worker.
 * `wrangler dev` and the tests use it; production uses Vectorize through the same `PatternIndex`.
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "../db/queries";
import { patternVectors } from "../db/schema";
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

type Row = typeof patternVectors.$inferSelect;

function toVector(row: Row): PatternVector {
	const metadata: PatternMetadata = {
		tenantId: row.tenantId,
		taskType: TaskTypeSchema.parse(row.taskType),
		model: row.model,
		dimensions: row.dimensions,
		reward: row.reward,
		success: row.success,
	};
	return { id: row.patternId, values: JSON.parse(row.vector) as number[], metadata };
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
					vector: JSON.stringify(values),
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
				.select()
				.from(patternVectors)
				.where(and(...conditions));
			return topK(vector, rows.map(toVector), k).map(
				({ id, score, candidate }): PatternMatch => ({ id, score, metadata: candidate.metadata }),
			);
		},
		async getByIds(ids, { tenantId }) {
			if (ids.length === 0) return [];
			const rows = await db
				.select()
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

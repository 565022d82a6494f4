/** Tenant-scoped D1 queries of the learning tables. */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "./queries";
import * as schema from "./schema";

export type PatternRow = typeof schema.reasoningbankPatterns.$inferSelect;

/** Stores a job's pattern and episode once; a second call for the same job changes nothing. */
export async function insertPattern(
	db: Database,
	pattern: typeof schema.reasoningbankPatterns.$inferInsert,
	episode: typeof schema.learningEpisodes.$inferInsert,
): Promise<void> {
	await db.batch([
		db.insert(schema.reasoningbankPatterns).values(pattern).onConflictDoNothing(),
		db.insert(schema.learningEpisodes).values(episode).onConflictDoNothing(),
	]);
}

/** The tenant's patterns among `ids`. */
export async function findPatterns(db: Database, tenantId: string, ids: string[]): Promise<PatternRow[]> {
	if (ids.length === 0) return [];
	return db
		.select()
		.from(schema.reasoningbankPatterns)
		.where(
			and(eq(schema.reasoningbankPatterns.tenantId, tenantId), inArray(schema.reasoningbankPatterns.id, ids)),
		);
}

/** Records that a job used patterns (once per job and pattern) and counts the uses. */
export async function recordPatternUses(
	db: Database,
	tenantId: string,
	jobId: string,
	uses: { patternId: string; score: number; changes: string[] }[],
	now: number,
): Promise<void> {
	if (uses.length === 0) return;
	const inserted = await db
		.insert(schema.patternUses)
		.values(
			uses.map((use) => ({
				tenantId,
				jobId,
				patternId: use.patternId,
				score: use.score,
				changes: JSON.stringify(use.changes),
				createdAt: now,
			})),
		)
		.onConflictDoNothing()
		.returning({ patternId: schema.patternUses.patternId });
	if (inserted.length === 0) return;
	await db
		.update(schema.reasoningbankPatterns)
		.set({ usageCount: sql`${schema.reasoningbankPatterns.usageCount} + 1` })
		.where(
			and(
				eq(schema.reasoningbankPatterns.tenantId, tenantId),
				inArray(
					schema.reasoningbankPatterns.id,
					inserted.map((row) => row.patternId),
				),
			),
		);
}

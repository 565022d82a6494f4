/** Tenant-scoped D1 queries of the learning tables. */
import { and, count, desc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./queries";
import * as schema from "./schema";

export type PatternRow = typeof schema.reasoningbankPatterns.$inferSelect;
export type NewDistillationRow = typeof schema.memoryDistillations.$inferInsert;
export type NewAssociationRow = typeof schema.patternAssociations.$inferInsert;

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

/**
 * The tenant's patterns among `ids`, or with `by: "jobId"` the patterns learned from those jobs.
 * @example findPatterns(db, tenantId, [followedJobId], "jobId")
 */
export async function findPatterns(
	db: Database,
	tenantId: string,
	ids: string[],
	by: "id" | "jobId" = "id",
): Promise<PatternRow[]> {
	if (ids.length === 0) return [];
	const patterns = schema.reasoningbankPatterns;
	return db
		.select()
		.from(patterns)
		.where(and(eq(patterns.tenantId, tenantId), inArray(patterns[by], ids)));
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

/** The tenant's patterns, newest first. */
export async function listPatterns(
	db: Database,
	tenantId: string,
	options: { limit: number; taskType?: string },
): Promise<PatternRow[]> {
	const { reasoningbankPatterns: patterns } = schema;
	const filters = [eq(patterns.tenantId, tenantId)];
	if (options.taskType) filters.push(eq(patterns.taskType, options.taskType));
	return db
		.select()
		.from(patterns)
		.where(and(...filters))
		.orderBy(desc(patterns.createdAt), desc(patterns.id))
		.limit(options.limit);
}

/** Every pattern of the tenant, oldest first (for distillation). */
export async function allPatterns(db: Database, tenantId: string): Promise<PatternRow[]> {
	return db
		.select()
		.from(schema.reasoningbankPatterns)
		.where(eq(schema.reasoningbankPatterns.tenantId, tenantId))
		.orderBy(schema.reasoningbankPatterns.createdAt, schema.reasoningbankPatterns.id);
}

/** Inserts the rows of `table` that do not exist yet, one by one; returns how many were new. */
async function insertNew<Table extends SQLiteTable>(
	db: Database,
	table: Table,
	rows: Table["$inferInsert"][],
): Promise<number> {
	let created = 0;
	for (const row of rows) {
		created += (await db.insert(table).values(row).onConflictDoNothing().returning()).length;
	}
	return created;
}

/** Inserts distillations that do not exist yet; returns how many were new. */
export function insertDistillations(db: Database, rows: NewDistillationRow[]): Promise<number> {
	return insertNew(db, schema.memoryDistillations, rows);
}

/** Inserts associations that do not exist yet; returns how many were new. */
export function insertAssociations(db: Database, rows: NewAssociationRow[]): Promise<number> {
	return insertNew(db, schema.patternAssociations, rows);
}

/** Counts of the tenant's distillations and associations. */
export async function learningCounts(
	db: Database,
	tenantId: string,
): Promise<{ distillations: number; associations: number }> {
	const [distillations] = await db
		.select({ n: count() })
		.from(schema.memoryDistillations)
		.where(eq(schema.memoryDistillations.tenantId, tenantId));
	const [associations] = await db
		.select({ n: count() })
		.from(schema.patternAssociations)
		.where(eq(schema.patternAssociations.tenantId, tenantId));
	return { distillations: distillations?.n ?? 0, associations: associations?.n ?? 0 };
}

/** The associations that touch a pattern, in either direction. */
export async function associationsOf(db: Database, tenantId: string, patternId: string) {
	const { patternAssociations: table } = schema;
	return db
		.select()
		.from(table)
		.where(and(eq(table.tenantId, tenantId), or(eq(table.fromId, patternId), eq(table.toId, patternId))));
}

/** Job counts by status, and summed metrics JSON of finished jobs, for `/v1/stats`. */
export async function jobStatusCounts(
	db: Database,
	tenantId: string,
): Promise<{ status: string; n: number }[]> {
	return db
		.select({ status: schema.jobs.status, n: count() })
		.from(schema.jobs)
		.where(eq(schema.jobs.tenantId, tenantId))
		.groupBy(schema.jobs.status);
}

/** Metrics JSON of the tenant's finished jobs. */
export async function finishedJobMetrics(db: Database, tenantId: string): Promise<string[]> {
	const rows = await db
		.select({ metrics: schema.jobs.metrics })
		.from(schema.jobs)
		.where(and(eq(schema.jobs.tenantId, tenantId), isNotNull(schema.jobs.metrics)));
	return rows.flatMap((row) => (row.metrics ? [row.metrics] : []));
}

/** Times the tenant's patterns were used by later jobs. */
export async function patternUseCount(db: Database, tenantId: string): Promise<number> {
	const [row] = await db
		.select({ n: count() })
		.from(schema.patternUses)
		.where(eq(schema.patternUses.tenantId, tenantId));
	return row?.n ?? 0;
}

/** The tenant's distillations, oldest first. */
export async function listDistillations(db: Database, tenantId: string) {
	return db
		.select()
		.from(schema.memoryDistillations)
		.where(eq(schema.memoryDistillations.tenantId, tenantId))
		.orderBy(schema.memoryDistillations.createdAt, schema.memoryDistillations.id);
}

/** The job a job follows up on, from its `metadata.followsJobId`, for the jobs among `jobIds`. */
export async function followUps(
	db: Database,
	tenantId: string,
	jobIds: string[],
): Promise<Map<string, string>> {
	if (jobIds.length === 0) return new Map();
	const rows = await db
		.select({ id: schema.jobs.id, metadata: schema.jobs.metadata })
		.from(schema.jobs)
		.where(and(eq(schema.jobs.tenantId, tenantId), inArray(schema.jobs.id, jobIds)));
	const links = new Map<string, string>();
	for (const row of rows) {
		const follows = row.metadata
			? (JSON.parse(row.metadata) as Record<string, unknown>).followsJobId
			: undefined;
		if (typeof follows === "string") links.set(row.id, follows);
	}
	return links;
}

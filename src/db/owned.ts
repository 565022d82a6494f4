/** What every tenant-scoped lookup by id shares: the condition, and the lookup of one row. */
import { and, eq, type SQL } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { AnySQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";

/**
 * "The row `id` of `tenantId`" on a table keyed by tenant and id: a row of another tenant never matches.
 * @example db.select().from(jobs).where(ownedRow(jobs, tenantId, jobId))
 */
export function ownedRow(
	table: { tenantId: AnySQLiteColumn; id: AnySQLiteColumn },
	tenantId: string,
	id: string,
): SQL {
	return and(eq(table.tenantId, tenantId), eq(table.id, id)) as SQL;
}

/**
 * The row `id` of `tenantId` in `table`, or null (also when it belongs to another tenant).
 * @example await findOwned(db, schema.jobs, tenantId, jobId)
 */
export async function findOwned<
	Table extends SQLiteTable & { tenantId: AnySQLiteColumn; id: AnySQLiteColumn },
>(
	db: DrizzleD1Database<Record<string, unknown>>,
	table: Table,
	tenantId: string,
	id: string,
): Promise<Table["$inferSelect"] | null> {
	const rows: unknown[] = await db
		.select()
		.from(table)
		.where(ownedRow(table, tenantId, id));
	return (rows[0] as Table["$inferSelect"] | undefined) ?? null;
}

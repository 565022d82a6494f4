/** The condition every tenant-scoped lookup by id shares. */
import { and, eq, type SQL } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";

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

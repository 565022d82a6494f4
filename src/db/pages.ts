/** Keyset paging of listings that run newest first by (createdAt, id), so a page never skips or repeats a row. */
import { type AnyColumn, and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./queries";

/** A position in such a listing: the last row of the page before. */
export type PageCursor = { createdAt: number; id: string };

/** What a listing asks for: how many rows, after which cursor. */
export type PageRequest = { limit: number; cursor?: PageCursor };

/** One page of a listing, and the cursor of the next page; null on the last. */
export type Page<Row> = { rows: Row[]; next: PageCursor | null };

type PageColumns = { createdAt: AnyColumn; id: AnyColumn };

/** The rows after `cursor`: older, or as old with a smaller id. */
function after(columns: PageColumns, cursor: PageCursor): SQL | undefined {
	return or(
		lt(columns.createdAt, cursor.createdAt),
		and(eq(columns.createdAt, cursor.createdAt), lt(columns.id, cursor.id)),
	);
}

/**
 * One newest-first page of the rows of `table` that match every filter, after the request's cursor.
 * One row more than the page is read: it shows whether there is a next page.
 * @example await newestPage(db, jobs, [eq(jobs.tenantId, "tn_1")], { limit: 20 }) // { rows: [...20], next: {...} }
 */
export async function newestPage<Table extends SQLiteTable & PageColumns>(
	db: Database,
	table: Table,
	filters: (SQL | undefined)[],
	request: PageRequest,
): Promise<Page<Table["$inferSelect"]>> {
	const fetched = await db
		.select()
		.from(table)
		.where(and(...filters, request.cursor ? after(table, request.cursor) : undefined))
		.orderBy(desc(table.createdAt), desc(table.id))
		.limit(request.limit + 1);
	// `PageColumns` says the table has the two columns but not what they hold: numbers and strings.
	const rows = (fetched as (Table["$inferSelect"] & PageCursor)[]).slice(0, request.limit);
	const last = rows.at(-1);
	return {
		rows,
		next: fetched.length > request.limit && last ? { createdAt: last.createdAt, id: last.id } : null,
	};
}

/** Typed D1 queries. Each takes the tenant id and never reads or writes another tenant's rows. */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { findOwned, ownedRow } from "./owned";
import { newestPage, type Page, type PageRequest } from "./pages";
import * as schema from "./schema";

export type Database = DrizzleD1Database<typeof schema>;
export type JobRow = typeof schema.jobs.$inferSelect;
export type NewJobRow = typeof schema.jobs.$inferInsert;
export type AgentRunRow = typeof schema.agentRuns.$inferInsert;
export type TenantRow = typeof schema.tenants.$inferSelect;
export type ApiKeyRow = typeof schema.apiKeys.$inferSelect;
export type NewApiKeyRow = typeof schema.apiKeys.$inferInsert;

/** Wraps the D1 binding in drizzle. */
export function database(d1: D1Database): Database {
	return drizzle(d1, { schema });
}

export type IdempotencyClaim = { jobId: string; conflict: boolean };

/**
 * Binds an `Idempotency-Key` to a job. The first request wins; a later request with the same key gets
 * the first job's id, and `conflict` when its body differs.
 */
export async function claimIdempotencyKey(
	db: Database,
	claim: { tenantId: string; key: string; requestHash: string; jobId: string; now: number },
): Promise<IdempotencyClaim> {
	await db
		.insert(schema.idempotencyKeys)
		.values({
			tenantId: claim.tenantId,
			key: claim.key,
			requestHash: claim.requestHash,
			jobId: claim.jobId,
			createdAt: claim.now,
		})
		.onConflictDoNothing();
	const [row] = await db
		.select()
		.from(schema.idempotencyKeys)
		.where(
			and(eq(schema.idempotencyKeys.tenantId, claim.tenantId), eq(schema.idempotencyKeys.key, claim.key)),
		);
	if (!row) throw new Error("idempotency key vanished after insert");
	return { jobId: row.jobId, conflict: row.requestHash !== claim.requestHash };
}

/** Inserts a job row unless one with this id exists. */
export async function insertJob(db: Database, row: NewJobRow): Promise<void> {
	await db.insert(schema.jobs).values(row).onConflictDoNothing();
}

/** The job row, or null when this tenant has no such job. */
export async function findJob(db: Database, tenantId: string, jobId: string): Promise<JobRow | null> {
	return findOwned(db, schema.jobs, tenantId, jobId);
}

/** One page of a tenant's jobs, newest first, resuming after `cursor`. */
export function listJobs(
	db: Database,
	tenantId: string,
	options: PageRequest & { status?: string },
): Promise<Page<JobRow>> {
	const { jobs } = schema;
	const status = options.status ? eq(jobs.status, options.status) : undefined;
	return newestPage(db, jobs, [eq(jobs.tenantId, tenantId), status], options);
}

export type JobUpdate = Pick<
	NewJobRow,
	"status" | "progress" | "partial" | "error" | "metrics" | "updatedAt" | "completedAt"
>;

/** Mirrors the coordinator's view of a job and its agents into D1 in one batch. */
export async function syncJob(
	db: Database,
	tenantId: string,
	jobId: string,
	update: JobUpdate,
	runs: AgentRunRow[],
): Promise<void> {
	const { agentRuns, jobs } = schema;
	const jobWrite = db
		.update(jobs)
		.set(update)
		.where(ownedRow(jobs, tenantId, jobId));
	const runWrites = runs.map((run) =>
		db
			.insert(agentRuns)
			.values(run)
			.onConflictDoUpdate({
				target: [agentRuns.jobId, agentRuns.taskId],
				set: {
					status: run.status,
					attempts: run.attempts,
					provider: run.provider,
					model: run.model,
					startedAt: run.startedAt,
					finishedAt: run.finishedAt,
					inputTokens: run.inputTokens,
					outputTokens: run.outputTokens,
					costUsd: run.costUsd,
					error: run.error,
				},
			}),
	);
	await db.batch([jobWrite, ...runWrites]);
}

/** Creates a tenant and its first API key in one batch. */
export async function createTenantWithKey(
	db: Database,
	tenant: typeof schema.tenants.$inferInsert,
	key: NewApiKeyRow,
): Promise<void> {
	await db.batch([db.insert(schema.tenants).values(tenant), db.insert(schema.apiKeys).values(key)]);
}

/** The tenant, or null. */
export async function findTenant(db: Database, tenantId: string): Promise<TenantRow | null> {
	const [row] = await db.select().from(schema.tenants).where(eq(schema.tenants.id, tenantId));
	return row ?? null;
}

/** The limits an admin may set on a tenant; null returns one to the deployment's default. */
export type TenantLimitColumns = Partial<
	Pick<TenantRow, "maxConcurrentJobs" | "maxDailyJobs" | "maxRequestsPerMinute" | "maxActiveKeys">
>;

/** Sets the given limits of a tenant; false when there is no such tenant. */
export async function updateTenantLimits(
	db: Database,
	tenantId: string,
	limits: TenantLimitColumns,
): Promise<boolean> {
	if (Object.keys(limits).length === 0) return (await findTenant(db, tenantId)) !== null;
	const updated = await db
		.update(schema.tenants)
		.set(limits)
		.where(eq(schema.tenants.id, tenantId))
		.returning({ id: schema.tenants.id });
	return updated.length > 0;
}

/**
 * Adds an API key to a tenant unless the tenant already holds `maxActive` unrevoked keys; false when
 * it does. Count and insert are one statement, so concurrent requests cannot pass the cap together.
 */
export async function insertApiKeyWithinCap(
	db: Database,
	key: typeof schema.apiKeys.$inferInsert,
	maxActive: number,
): Promise<boolean> {
	const keys = schema.apiKeys;
	const columns = sql.join(
		[keys.id, keys.tenantId, keys.name, keys.prefix, keys.hash, keys.createdAt].map((column) =>
			sql.identifier(column.name),
		),
		sql`, `,
	);
	const result = await db.run(sql`
		INSERT INTO ${keys} (${columns})
		SELECT ${key.id}, ${key.tenantId}, ${key.name}, ${key.prefix}, ${key.hash}, ${key.createdAt}
		WHERE (SELECT COUNT(*) FROM ${keys} WHERE ${keys.tenantId} = ${key.tenantId} AND ${keys.revokedAt} IS NULL) < ${maxActive}`);
	return result.meta.changes > 0;
}

/** An unrevoked key with its tenant's own request ceiling (null: the deployment default). */
export type ActiveKey = ApiKeyRow & { tenantMaxRequestsPerMinute: number | null };

/** The unrevoked key with this hash and its tenant's request ceiling, or null. */
export async function findActiveKeyByHash(db: Database, hash: string): Promise<ActiveKey | null> {
	const [row] = await db
		.select({ key: schema.apiKeys, tenantMaxRequestsPerMinute: schema.tenants.maxRequestsPerMinute })
		.from(schema.apiKeys)
		.leftJoin(schema.tenants, eq(schema.tenants.id, schema.apiKeys.tenantId))
		.where(and(eq(schema.apiKeys.hash, hash), isNull(schema.apiKeys.revokedAt)));
	return row ? { ...row.key, tenantMaxRequestsPerMinute: row.tenantMaxRequestsPerMinute } : null;
}

/** A tenant's keys, newest first (metadata only; hashes are never returned by the API). */
export async function listApiKeys(db: Database, tenantId: string): Promise<ApiKeyRow[]> {
	return db
		.select()
		.from(schema.apiKeys)
		.where(eq(schema.apiKeys.tenantId, tenantId))
		.orderBy(desc(schema.apiKeys.createdAt), desc(schema.apiKeys.id));
}

/** Revokes one of the tenant's keys; false when the tenant has no such key. */
export async function revokeApiKey(
	db: Database,
	tenantId: string,
	keyId: string,
	now: number,
): Promise<boolean> {
	const updated = await db
		.update(schema.apiKeys)
		.set({ revokedAt: now })
		.where(
			and(
				eq(schema.apiKeys.tenantId, tenantId),
				eq(schema.apiKeys.id, keyId),
				isNull(schema.apiKeys.revokedAt),
			),
		)
		.returning({ id: schema.apiKeys.id });
	if (updated.length > 0) return true;
	const [existing] = await db
		.select({ id: schema.apiKeys.id })
		.from(schema.apiKeys)
		.where(ownedRow(schema.apiKeys, tenantId, keyId));
	return existing !== undefined;
}

/** Records when a key was last used. */
export async function touchApiKey(db: Database, keyId: string, now: number): Promise<void> {
	await db.update(schema.apiKeys).set({ lastUsedAt: now }).where(eq(schema.apiKeys.id, keyId));
}

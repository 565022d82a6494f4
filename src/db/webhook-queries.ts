/** Typed D1 queries of webhooks: secrets, the GitHub integration, endpoints, deliveries and inbound ids. Tenant-scoped. */
import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { findOwned, ownedRow } from "./owned";
import { newestPage, type Page, type PageRequest } from "./pages";
import type { Database } from "./queries";
import {
	githubIntegrations,
	inboundWebhooks,
	webhookAttempts,
	webhookDeliveries,
	webhookEndpoints,
	webhookInboundSecrets,
	webhookSigningSecrets,
} from "./schema";

export type SigningSecretRow = typeof webhookSigningSecrets.$inferSelect;
export type GithubIntegrationRow = typeof githubIntegrations.$inferSelect;
export type EndpointRow = typeof webhookEndpoints.$inferSelect;
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
export type NewDeliveryRow = typeof webhookDeliveries.$inferInsert;
export type AttemptRow = typeof webhookAttempts.$inferSelect;

// ─── Rotating secrets (outbound signing, inbound verification) ────────────────────────────────────

/** Which of a tenant's two `whsec_` secrets: `signing` signs deliveries, `inbound` verifies inbound hooks. */
export type RotatingSecretKind = "signing" | "inbound";

const ROTATING_SECRET_TABLES = { signing: webhookSigningSecrets, inbound: webhookInboundSecrets } as const;

/** The tenant's secret row of `kind`, or null when it never created one. */
export async function findRotatingSecret(
	db: Database,
	kind: RotatingSecretKind,
	tenantId: string,
): Promise<SigningSecretRow | null> {
	const table = ROTATING_SECRET_TABLES[kind];
	const [row] = await db.select().from(table).where(eq(table.tenantId, tenantId));
	return row ?? null;
}

/** Every tenant's secret rows of `kind`: only re-sealing under a new key reads across tenants. */
export async function allRotatingSecrets(
	db: Database,
	kind: RotatingSecretKind,
): Promise<SigningSecretRow[]> {
	return db.select().from(ROTATING_SECRET_TABLES[kind]);
}

/** Stores `secret` as the tenant's first secret of `kind` unless it has one; returns the row in force. */
export async function ensureRotatingSecret(
	db: Database,
	kind: RotatingSecretKind,
	tenantId: string,
	secret: string,
	now: number,
): Promise<SigningSecretRow> {
	await db
		.insert(ROTATING_SECRET_TABLES[kind])
		.values({ tenantId, secret, createdAt: now })
		.onConflictDoNothing();
	const row = await findRotatingSecret(db, kind, tenantId);
	if (!row) throw new Error("secret vanished after insert");
	return row;
}

/** Makes `secret` the tenant's secret of `kind`; the one it replaces stays valid until `previousExpiresAt`. */
export async function rotateRotatingSecret(
	db: Database,
	kind: RotatingSecretKind,
	tenantId: string,
	secret: string,
	now: number,
	previousExpiresAt: number,
): Promise<SigningSecretRow> {
	const table = ROTATING_SECRET_TABLES[kind];
	const [row] = await db
		.insert(table)
		.values({ tenantId, secret, createdAt: now })
		.onConflictDoUpdate({
			target: table.tenantId,
			// SQLite evaluates every SET expression against the row before the update.
			set: { previousSecret: sql`${table.secret}`, previousExpiresAt, secret, createdAt: now },
		})
		.returning();
	if (!row) throw new Error("secret rotation wrote nothing");
	return row;
}

/**
 * Matches the row of `tenantId` only while its two sealed columns still hold what was read, so a value
 * re-sealed from a stale read never overwrites a rotation that happened meanwhile.
 */
function unchangedRow(
	columns: [tenant: SQLiteColumn, first: SQLiteColumn, second: SQLiteColumn],
	read: [tenantId: string, first: string, second: string | null],
): SQL | undefined {
	const [tenant, first, second] = columns;
	return and(eq(tenant, read[0]), eq(first, read[1]), sql`${second} IS ${read[2]}`);
}

/** Replaces a row's stored values (the same secrets sealed anew) unless a rotation changed the row since. */
export async function resealRotatingSecret(
	db: Database,
	kind: RotatingSecretKind,
	before: SigningSecretRow,
	values: { secret: string; previousSecret: string | null },
): Promise<boolean> {
	const table = ROTATING_SECRET_TABLES[kind];
	const where = unchangedRow(
		[table.tenantId, table.secret, table.previousSecret],
		[before.tenantId, before.secret, before.previousSecret],
	);
	const updated = await db.update(table).set(values).where(where).returning({ tenantId: table.tenantId });
	return updated.length > 0;
}

// ─── GitHub ────────────────────────────────────────────────────────────────────────────────────────

/** The tenant's GitHub integration, or null. */
export async function findGithubIntegration(
	db: Database,
	tenantId: string,
): Promise<GithubIntegrationRow | null> {
	const [row] = await db.select().from(githubIntegrations).where(eq(githubIntegrations.tenantId, tenantId));
	return row ?? null;
}

/** Creates or replaces the tenant's GitHub integration. */
export async function saveGithubIntegration(db: Database, row: GithubIntegrationRow): Promise<void> {
	await db
		.insert(githubIntegrations)
		.values(row)
		.onConflictDoUpdate({
			target: githubIntegrations.tenantId,
			set: { secret: row.secret, label: row.label, token: row.token, updatedAt: row.updatedAt },
		});
}

/** Every tenant's GitHub integration: only re-sealing under a new key reads across tenants. */
export async function allGithubIntegrations(db: Database): Promise<GithubIntegrationRow[]> {
	return db.select().from(githubIntegrations);
}

/** Replaces an integration's sealed secret and token unless the row changed since `before` was read. */
export async function resealGithubIntegration(
	db: Database,
	before: GithubIntegrationRow,
	values: { secret: string; token: string | null },
): Promise<boolean> {
	const { tenantId, secret, token } = githubIntegrations;
	const where = unchangedRow([tenantId, secret, token], [before.tenantId, before.secret, before.token]);
	const updated = await db.update(githubIntegrations).set(values).where(where).returning({ tenantId });
	return updated.length > 0;
}

/** Removes the tenant's GitHub integration; false when there was none. */
export async function deleteGithubIntegration(db: Database, tenantId: string): Promise<boolean> {
	const deleted = await db
		.delete(githubIntegrations)
		.where(eq(githubIntegrations.tenantId, tenantId))
		.returning({ tenantId: githubIntegrations.tenantId });
	return deleted.length > 0;
}

// ─── Endpoints ─────────────────────────────────────────────────────────────────────────────────────

/** Adds an endpoint. */
export async function insertEndpoint(db: Database, row: EndpointRow): Promise<void> {
	await db.insert(webhookEndpoints).values(row);
}

/** The tenant's endpoints, oldest first. */
export async function listEndpoints(db: Database, tenantId: string): Promise<EndpointRow[]> {
	return db
		.select()
		.from(webhookEndpoints)
		.where(eq(webhookEndpoints.tenantId, tenantId))
		.orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
}

/** One endpoint, or null. */
export async function findEndpoint(db: Database, tenantId: string, id: string): Promise<EndpointRow | null> {
	return findOwned(db, webhookEndpoints, tenantId, id);
}

/** Deletes an endpoint; false when the tenant has no such endpoint. */
export async function deleteEndpoint(db: Database, tenantId: string, id: string): Promise<boolean> {
	const deleted = await db
		.delete(webhookEndpoints)
		.where(ownedRow(webhookEndpoints, tenantId, id))
		.returning({ id: webhookEndpoints.id });
	return deleted.length > 0;
}

/** Stops all deliveries to an endpoint, keeping the first reason it was disabled for. */
export async function disableEndpoint(
	db: Database,
	tenantId: string,
	id: string,
	reason: string,
	now: number,
): Promise<void> {
	await db
		.update(webhookEndpoints)
		.set({ disabledAt: now, disabledReason: reason })
		.where(
			and(
				eq(webhookEndpoints.tenantId, tenantId),
				eq(webhookEndpoints.id, id),
				sql`${webhookEndpoints.disabledAt} IS NULL`,
			),
		);
}

// ─── Deliveries ────────────────────────────────────────────────────────────────────────────────────

/** Creates the deliveries that do not exist yet; existing ones (a repeated event) are left as they are. */
export async function insertDeliveries(db: Database, rows: NewDeliveryRow[]): Promise<void> {
	const [first, ...rest] = rows.map((row) => db.insert(webhookDeliveries).values(row).onConflictDoNothing());
	if (first) await db.batch([first, ...rest]);
}

/** The event's deliveries that are still waiting for their first attempt. */
export async function deliveriesAwaitingFirstAttempt(
	db: Database,
	tenantId: string,
	eventId: string,
): Promise<DeliveryRow[]> {
	return db
		.select()
		.from(webhookDeliveries)
		.where(
			and(
				eq(webhookDeliveries.tenantId, tenantId),
				eq(webhookDeliveries.eventId, eventId),
				eq(webhookDeliveries.status, "pending"),
				eq(webhookDeliveries.attempts, 0),
			),
		);
}

/** One delivery, or null. */
export async function findDelivery(db: Database, tenantId: string, id: string): Promise<DeliveryRow | null> {
	return findOwned(db, webhookDeliveries, tenantId, id);
}

/**
 * Claims attempt `attempt` of a pending delivery for this consumer: the attempt counter moves to it and
 * `updatedAt` becomes the claim's mark. False when another consumer claimed it first.
 */
export async function claimAttempt(
	db: Database,
	tenantId: string,
	deliveryId: string,
	attempt: number,
	claimedAt: number,
): Promise<boolean> {
	const claimed = await db
		.update(webhookDeliveries)
		.set({ attempts: attempt, nextAttemptAt: null, updatedAt: claimedAt })
		.where(
			and(
				eq(webhookDeliveries.tenantId, tenantId),
				eq(webhookDeliveries.id, deliveryId),
				eq(webhookDeliveries.status, "pending"),
				eq(webhookDeliveries.attempts, attempt - 1),
			),
		)
		.returning({ id: webhookDeliveries.id });
	return claimed.length > 0;
}

/** The outcome of one claimed attempt, as recorded. */
export type AttemptRecord = {
	attempt: Omit<AttemptRow, "tenantId" | "deliveryId">;
	/** The `updatedAt` the claim set; only its holder may record the attempt. */
	claimedAt: number;
	status: "pending" | "succeeded" | "failed";
	nextAttemptAt: number | null;
	now: number;
};

/** Records a claimed attempt and the delivery's new state in one batch; false when the claim was not held. */
export async function recordAttempt(
	db: Database,
	tenantId: string,
	deliveryId: string,
	record: AttemptRecord,
): Promise<boolean> {
	const { attempt } = record;
	const [, updated] = await db.batch([
		db
			.insert(webhookAttempts)
			.values({ ...attempt, tenantId, deliveryId })
			.onConflictDoNothing(),
		db
			.update(webhookDeliveries)
			.set({
				status: record.status,
				nextAttemptAt: record.nextAttemptAt,
				lastStatusCode: attempt.statusCode,
				lastError: attempt.error,
				updatedAt: record.now,
			})
			.where(
				and(
					eq(webhookDeliveries.tenantId, tenantId),
					eq(webhookDeliveries.id, deliveryId),
					eq(webhookDeliveries.status, "pending"),
					eq(webhookDeliveries.attempts, attempt.attempt),
					eq(webhookDeliveries.updatedAt, record.claimedAt),
				),
			)
			.returning({ id: webhookDeliveries.id }),
	]);
	return updated.length > 0;
}

/** Puts a finished delivery back to pending for one manual attempt; null when it is missing or still pending. */
export async function reopenDelivery(
	db: Database,
	tenantId: string,
	id: string,
	now: number,
): Promise<DeliveryRow | null> {
	const [row] = await db
		.update(webhookDeliveries)
		.set({ status: "pending", nextAttemptAt: null, updatedAt: now })
		.where(
			and(
				eq(webhookDeliveries.tenantId, tenantId),
				eq(webhookDeliveries.id, id),
				inArray(webhookDeliveries.status, ["succeeded", "failed"]),
			),
		)
		.returning();
	return row ?? null;
}

export type DeliveryFilter = { endpointId?: string; jobId?: string; status?: string };

/** One page of the tenant's deliveries, newest first, with every attempt of each (oldest attempt first). */
export async function listDeliveries(
	db: Database,
	tenantId: string,
	filter: DeliveryFilter,
	page: PageRequest,
): Promise<Page<{ delivery: DeliveryRow; attempts: AttemptRow[] }>> {
	const filters = [eq(webhookDeliveries.tenantId, tenantId)];
	if (filter.endpointId) filters.push(eq(webhookDeliveries.endpointId, filter.endpointId));
	if (filter.jobId) filters.push(eq(webhookDeliveries.jobId, filter.jobId));
	if (filter.status) filters.push(eq(webhookDeliveries.status, filter.status));
	const deliveries = await newestPage(db, webhookDeliveries, filters, page);
	const attempts = await attemptsOf(
		db,
		tenantId,
		deliveries.rows.map((delivery) => delivery.id),
	);
	return {
		rows: deliveries.rows.map((delivery) => ({
			delivery,
			attempts: attempts.filter((attempt) => attempt.deliveryId === delivery.id),
		})),
		next: deliveries.next,
	};
}

/** Every attempt of the given deliveries, oldest first. */
export async function attemptsOf(
	db: Database,
	tenantId: string,
	deliveryIds: string[],
): Promise<AttemptRow[]> {
	if (deliveryIds.length === 0) return [];
	return db
		.select()
		.from(webhookAttempts)
		.where(and(eq(webhookAttempts.tenantId, tenantId), inArray(webhookAttempts.deliveryId, deliveryIds)))
		.orderBy(webhookAttempts.deliveryId, webhookAttempts.attempt);
}

// ─── Inbound ───────────────────────────────────────────────────────────────────────────────────────

export type InboundSource = "standard" | "github";

/**
 * What an inbound record is keyed by: a sender's message id (`standard`, `github`), or, for
 * `github_event`, what the signed GitHub body identifies (repository, issue, event, action, subject).
 */
export type InboundKey = InboundSource | "github_event";

/** The job an inbound message already started, or null. */
export async function findInboundJob(
	db: Database,
	tenantId: string,
	source: InboundKey,
	messageId: string,
): Promise<string | null> {
	const [row] = await db
		.select({ jobId: inboundWebhooks.jobId })
		.from(inboundWebhooks)
		.where(
			and(
				eq(inboundWebhooks.tenantId, tenantId),
				eq(inboundWebhooks.source, source),
				eq(inboundWebhooks.messageId, messageId),
			),
		);
	return row?.jobId ?? null;
}

/** Remembers which job an inbound message started, under each of its keys. */
export async function recordInbound(
	db: Database,
	rows: [typeof inboundWebhooks.$inferInsert, ...(typeof inboundWebhooks.$inferInsert)[]],
): Promise<void> {
	const insert = (row: typeof inboundWebhooks.$inferInsert) =>
		db.insert(inboundWebhooks).values(row).onConflictDoNothing();
	const [first, ...rest] = rows;
	await db.batch([insert(first), ...rest.map(insert)]);
}

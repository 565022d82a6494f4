/**
 * D1 tables (drizzle). Every row carries `tenant_id`; every query filters on it.
 * The coordinator Durable Object owns a job's live state; these rows are the durable index
 * that listing, idempotency and later analytics read.
 */
import {
	customType,
	index,
	integer,
	primaryKey,
	real,
	sqliteTable,
	text,
	uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { decodeVector, encodeVector } from "./vector-blob";

/** A vector column: Float32 bytes in a BLOB, read back as a Float32Array (or, from old rows, numbers). */
const float32Vector = customType<{ data: Float32Array | number[]; driverData: Uint8Array }>({
	dataType: () => "blob",
	toDriver: encodeVector,
	fromDriver: decodeVector,
});

export const tenants = sqliteTable("tenants", {
	id: text("id").primaryKey(),
	name: text("name").notNull(),
	/** Jobs this tenant may have running at once; null takes the deployment default. */
	maxConcurrentJobs: integer("max_concurrent_jobs"),
	/** Jobs this tenant may submit per UTC day; null takes the deployment default. */
	maxDailyJobs: integer("max_daily_jobs"),
	/** Requests per minute across all of this tenant's keys; null takes the deployment default. */
	maxRequestsPerMinute: integer("max_requests_per_minute"),
	/** Unrevoked API keys this tenant may hold at once; null takes the deployment default. */
	maxActiveKeys: integer("max_active_keys"),
	createdAt: integer("created_at").notNull(),
});

/** API keys, stored only as SHA-256 hashes. The key itself is shown once, when it is created. */
export const apiKeys = sqliteTable(
	"api_keys",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		name: text("name").notNull(),
		/** `rs_live_` or `rs_test_` plus the first characters of the secret, to recognise a key in lists. */
		prefix: text("prefix").notNull(),
		hash: text("hash").notNull(),
		createdAt: integer("created_at").notNull(),
		lastUsedAt: integer("last_used_at"),
		revokedAt: integer("revoked_at"),
	},
	(table) => [uniqueIndex("api_keys_hash").on(table.hash), index("api_keys_tenant").on(table.tenantId)],
);

export const jobs = sqliteTable(
	"jobs",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		status: text("status").notNull(),
		task: text("task").notNull(),
		/** The effective configuration, JSON. */
		config: text("config").notNull(),
		metadata: text("metadata"),
		progress: integer("progress").notNull().default(0),
		partial: integer("partial", { mode: "boolean" }).notNull().default(false),
		/** `{code, message}` JSON when the job failed. */
		error: text("error"),
		/** JobMetrics JSON, written when the job ends. */
		metrics: text("metrics"),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
		completedAt: integer("completed_at"),
	},
	(table) => [
		index("jobs_tenant_created").on(table.tenantId, table.createdAt, table.id),
		index("jobs_tenant_status_created").on(table.tenantId, table.status, table.createdAt, table.id),
	],
);

export const agentRuns = sqliteTable(
	"agent_runs",
	{
		tenantId: text("tenant_id").notNull(),
		jobId: text("job_id").notNull(),
		taskId: text("task_id").notNull(),
		role: text("role").notNull(),
		phase: text("phase").notNull(),
		status: text("status").notNull(),
		attempts: integer("attempts").notNull(),
		provider: text("provider"),
		model: text("model"),
		startedAt: integer("started_at"),
		finishedAt: integer("finished_at"),
		inputTokens: integer("input_tokens").notNull().default(0),
		outputTokens: integer("output_tokens").notNull().default(0),
		/** Null when the task's model has no price, so its cost is unknown. */
		costUsd: real("cost_usd").default(0),
		error: text("error"),
	},
	(table) => [
		primaryKey({ columns: [table.jobId, table.taskId] }),
		index("agent_runs_tenant_job").on(table.tenantId, table.jobId),
	],
);

export const idempotencyKeys = sqliteTable(
	"idempotency_keys",
	{
		tenantId: text("tenant_id").notNull(),
		key: text("key").notNull(),
		/** SHA-256 of the canonical request body; a different body under the same key is a conflict. */
		requestHash: text("request_hash").notNull(),
		jobId: text("job_id").notNull(),
		createdAt: integer("created_at").notNull(),
	},
	(table) => [primaryKey({ columns: [table.tenantId, table.key] })],
);

/** One learned pattern per finished job: what it did, how well, and what to do better. */
export const reasoningbankPatterns = sqliteTable(
	"reasoningbank_patterns",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		jobId: text("job_id").notNull(),
		task: text("task").notNull(),
		taskType: text("task_type").notNull(),
		reward: real("reward").notNull(),
		success: integer("success", { mode: "boolean" }).notNull(),
		/** RewardBreakdown JSON: quality, speed, citations, depth, coverage (absent in rows written before it). */
		rewardBreakdown: text("reward_breakdown").notNull(),
		critique: text("critique").notNull(),
		/** JSON array of strings. */
		improvements: text("improvements").notNull(),
		/** JSON: provider, model, swarmSize, depth, roles, maxConcurrent. */
		strategy: text("strategy").notNull(),
		usageCount: integer("usage_count").notNull().default(0),
		createdAt: integer("created_at").notNull(),
	},
	(table) => [
		uniqueIndex("patterns_tenant_job").on(table.tenantId, table.jobId),
		index("patterns_tenant_created").on(table.tenantId, table.createdAt),
	],
);

/** The full trajectory behind each pattern. */
export const learningEpisodes = sqliteTable(
	"learning_episodes",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		jobId: text("job_id").notNull(),
		patternId: text("pattern_id").notNull(),
		trajectory: text("trajectory").notNull(),
		createdAt: integer("created_at").notNull(),
	},
	(table) => [uniqueIndex("episodes_tenant_job").on(table.tenantId, table.jobId)],
);

/** Pattern embeddings for the local exact-cosine index (Vectorize holds them in production). */
export const patternVectors = sqliteTable(
	"pattern_vectors",
	{
		patternId: text("pattern_id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		taskType: text("task_type").notNull(),
		success: integer("success", { mode: "boolean" }).notNull(),
		reward: real("reward").notNull(),
		model: text("model").notNull(),
		dimensions: integer("dimensions").notNull(),
		/** Float32 little-endian bytes (`src/db/vector-blob.ts`); a JSON array of numbers in rows before 0005. */
		vector: float32Vector("vector").notNull(),
	},
	(table) => [index("pattern_vectors_tenant").on(table.tenantId, table.taskType, table.success)],
);

/** Which job used which patterns, and what they changed. */
export const patternUses = sqliteTable(
	"pattern_uses",
	{
		tenantId: text("tenant_id").notNull(),
		jobId: text("job_id").notNull(),
		patternId: text("pattern_id").notNull(),
		score: real("score").notNull(),
		/** JSON array of strings. */
		changes: text("changes").notNull(),
		createdAt: integer("created_at").notNull(),
	},
	(table) => [
		primaryKey({ columns: [table.jobId, table.patternId] }),
		index("pattern_uses_tenant").on(table.tenantId),
	],
);

/** Clusters of patterns distilled by `POST /v1/learn`. */
export const memoryDistillations = sqliteTable(
	"memory_distillations",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		/** JSON array of strings, most frequent first. */
		keyInsights: text("key_insights").notNull(),
		successRate: real("success_rate").notNull(),
		confidence: real("confidence").notNull(),
		usageCount: integer("usage_count").notNull(),
		/** JSON array of pattern ids. */
		patternIds: text("pattern_ids").notNull(),
		createdAt: integer("created_at").notNull(),
	},
	(table) => [index("distillations_tenant").on(table.tenantId)],
);

/** Links between patterns: similar, complementary, sequential. */
export const patternAssociations = sqliteTable(
	"pattern_associations",
	{
		tenantId: text("tenant_id").notNull(),
		fromId: text("from_id").notNull(),
		toId: text("to_id").notNull(),
		kind: text("kind").notNull(),
		score: real("score").notNull(),
		createdAt: integer("created_at").notNull(),
	},
	(table) => [
		primaryKey({ columns: [table.fromId, table.toId, table.kind] }),
		index("associations_tenant").on(table.tenantId),
	],
);

/**
 * The columns of a rotating `whsec_…` secret. Secrets are kept (not hashed) because signing and
 * verifying need them, sealed with the deployment's secrets key (`src/lib/secret-box.ts`). After a
 * rotation the previous secret stays valid until `previous_expires_at`, so the other side can switch over.
 */
function rotatingSecretColumns() {
	return {
		tenantId: text("tenant_id").primaryKey(),
		secret: text("secret").notNull(),
		createdAt: integer("created_at").notNull(),
		previousSecret: text("previous_secret"),
		previousExpiresAt: integer("previous_expires_at"),
	};
}

/** Each tenant's outbound signing secret: it signs deliveries to callback URLs and endpoints, nothing else. */
export const webhookSigningSecrets = sqliteTable("webhook_signing_secrets", rotatingSecretColumns());

/**
 * Each tenant's inbound verification secret: `/v1/hooks/standard/{tenant}` accepts only messages signed
 * with it. Separate from the signing secret, so a receiver that verifies deliveries cannot start jobs.
 */
export const webhookInboundSecrets = sqliteTable("webhook_inbound_secrets", rotatingSecretColumns());

/** A tenant's GitHub integration: webhook secret, trigger label, and an optional token for comments (both sealed). */
export const githubIntegrations = sqliteTable("github_integrations", {
	tenantId: text("tenant_id").primaryKey(),
	secret: text("secret").notNull(),
	label: text("label").notNull(),
	/** Posts the result back on the issue when set. */
	token: text("token"),
	createdAt: integer("created_at").notNull(),
	updatedAt: integer("updated_at").notNull(),
});

/** Tenant-level receivers of job events. */
export const webhookEndpoints = sqliteTable(
	"webhook_endpoints",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		url: text("url").notNull(),
		/** JSON array of subscribed event types, e.g. `["job.completed","agent.*"]`. */
		events: text("events").notNull(),
		description: text("description"),
		createdAt: integer("created_at").notNull(),
		/** Set when the endpoint answered 410 Gone; nothing more is sent to it. */
		disabledAt: integer("disabled_at"),
		disabledReason: text("disabled_reason"),
	},
	(table) => [index("webhook_endpoints_tenant").on(table.tenantId, table.createdAt)],
);

/**
 * One logical delivery of one event to one destination (a job's callback URL, an endpoint, or a GitHub
 * issue). The id is derived from event and destination, so a repeated event creates nothing new.
 */
export const webhookDeliveries = sqliteTable(
	"webhook_deliveries",
	{
		id: text("id").primaryKey(),
		tenantId: text("tenant_id").notNull(),
		/** The Standard Webhooks `webhook-id`, the same on every attempt. */
		eventId: text("event_id").notNull(),
		eventType: text("event_type").notNull(),
		jobId: text("job_id").notNull(),
		/** `callback`, `github`, or the endpoint id. */
		destination: text("destination").notNull(),
		/** `standard` (signed Standard Webhook) or `github_comment`. */
		kind: text("kind").notNull(),
		endpointId: text("endpoint_id"),
		url: text("url").notNull(),
		/** The exact request body sent on every attempt. */
		payload: text("payload").notNull(),
		/** pending → succeeded | failed */
		status: text("status").notNull(),
		attempts: integer("attempts").notNull().default(0),
		nextAttemptAt: integer("next_attempt_at"),
		lastStatusCode: integer("last_status_code"),
		lastError: text("last_error"),
		createdAt: integer("created_at").notNull(),
		updatedAt: integer("updated_at").notNull(),
	},
	(table) => [
		uniqueIndex("webhook_deliveries_event_destination").on(table.tenantId, table.eventId, table.destination),
		index("webhook_deliveries_tenant_created").on(table.tenantId, table.createdAt, table.id),
		index("webhook_deliveries_tenant_endpoint").on(table.tenantId, table.endpointId, table.createdAt),
	],
);

/** Every attempt of a delivery: when, the answer's status code, and how long it took. */
export const webhookAttempts = sqliteTable(
	"webhook_attempts",
	{
		deliveryId: text("delivery_id").notNull(),
		attempt: integer("attempt").notNull(),
		tenantId: text("tenant_id").notNull(),
		startedAt: integer("started_at").notNull(),
		latencyMs: integer("latency_ms").notNull(),
		statusCode: integer("status_code"),
		/** `succeeded` or `failed`. */
		outcome: text("outcome").notNull(),
		error: text("error"),
		manual: integer("manual", { mode: "boolean" }).notNull().default(false),
	},
	(table) => [
		primaryKey({ columns: [table.deliveryId, table.attempt] }),
		index("webhook_attempts_tenant").on(table.tenantId),
	],
);

/** Inbound webhooks that started a job, by the sender's message id: a redelivery returns the same job. */
export const inboundWebhooks = sqliteTable(
	"inbound_webhooks",
	{
		tenantId: text("tenant_id").notNull(),
		/** `standard` or `github`. */
		source: text("source").notNull(),
		/** `webhook-id` or `X-GitHub-Delivery`. */
		messageId: text("message_id").notNull(),
		eventType: text("event_type").notNull(),
		jobId: text("job_id").notNull(),
		receivedAt: integer("received_at").notNull(),
	},
	(table) => [primaryKey({ columns: [table.tenantId, table.source, table.messageId] })],
);

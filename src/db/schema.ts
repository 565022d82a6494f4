/**
 * D1 tables (drizzle). Every row carries `tenant_id`; every query filters on it.
 * The coordinator Durable Object owns a job's live state; these rows are the durable index
 * that listing, idempotency and later analytics read.
 */
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const tenants = sqliteTable("tenants", {
	id: text("id").primaryKey(),
	name: text("name").notNull(),
	/** Jobs this tenant may have running at once; null takes the deployment default. */
	maxConcurrentJobs: integer("max_concurrent_jobs"),
	/** Jobs this tenant may submit per UTC day; null takes the deployment default. */
	maxDailyJobs: integer("max_daily_jobs"),
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
		costUsd: real("cost_usd").notNull().default(0),
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

/**
 * D1 tables (drizzle). Every row carries `tenant_id`; every query filters on it.
 * The coordinator Durable Object owns a job's live state; these rows are the durable index
 * that listing, idempotency and later analytics read.
 */
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const tenants = sqliteTable("tenants", {
	id: text("id").primaryKey(),
	name: text("name").notNull(),
	createdAt: integer("created_at").notNull(),
});

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

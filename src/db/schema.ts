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
		/** RewardBreakdown JSON: quality, speed, citations, depth. */
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
		/** JSON array of numbers. */
		vector: text("vector").notNull(),
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

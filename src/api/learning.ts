/** `/v1/learn`, `/v1/patterns`, `/v1/stats`: what the service has learned, for the calling tenant only. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
	allPatterns,
	associationsOf,
	findPatterns,
	finishedJobMetrics,
	followUps,
	insertAssociations,
	insertDistillations,
	jobStatusCounts,
	learningCounts,
	listDistillations,
	listPatterns,
	type PatternRow,
	patternUseCount,
} from "../db/learning-queries";
import { database } from "../db/queries";
import type { PatternStrategy } from "../learning/apply";
import { computeAssociations } from "../learning/associations";
import { DEFAULT_MIN_PATTERNS, distillPatterns } from "../learning/distill";
import { MAX_TOP_K } from "../learning/pattern-index";
import { learningFor } from "../learning/service";
import { ApiErrorBodySchema, JobMetricsSchema, type Pattern, StatsSchema, TaskTypeSchema } from "../protocol";
import { rolesForSize } from "../swarm/sizing";
import {
	LearnRequestSchema,
	LearnResultSchema,
	PatternDetailSchema,
	PatternListSchema,
} from "../wire/learning";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";
import { validationHook } from "./validation";

const errors = (...statuses: number[]) =>
	Object.fromEntries(
		statuses.map((status) => [
			status,
			{ description: "Error", content: { "application/json": { schema: ApiErrorBodySchema } } },
		]),
	);

function toPattern(row: PatternRow, score: number | null): Pattern {
	return {
		id: row.id,
		jobId: row.jobId,
		task: row.task,
		taskType: TaskTypeSchema.parse(row.taskType),
		reward: row.reward,
		success: row.success,
		critique: row.critique,
		improvements: JSON.parse(row.improvements) as string[],
		strategy: JSON.parse(row.strategy) as PatternStrategy,
		usageCount: row.usageCount,
		createdAt: row.createdAt,
		score,
	};
}

const learnRoute = createRoute({
	method: "post",
	path: "/v1/learn",
	summary: "Distill patterns into clusters and link associations (idempotent)",
	request: {
		body: {
			required: false,
			content: {
				"application/json": {
					schema: LearnRequestSchema,
				},
			},
		},
	},
	responses: {
		200: {
			description: "What was created now, and the totals",
			content: {
				"application/json": {
					schema: LearnResultSchema,
				},
			},
		},
		...errors(400, 401),
	},
});

const searchRoute = createRoute({
	method: "get",
	path: "/v1/patterns",
	summary: "Patterns by similarity to `q` (or newest first without it)",
	request: {
		query: z.object({
			q: z.string().trim().min(1).max(4000).optional(),
			k: z.coerce.number().int().min(1).max(MAX_TOP_K).default(5),
			taskType: TaskTypeSchema.optional(),
		}),
	},
	responses: {
		200: {
			description: "Patterns",
			content: { "application/json": { schema: PatternListSchema } },
		},
		...errors(400, 401),
	},
});

const getRoute = createRoute({
	method: "get",
	path: "/v1/patterns/{id}",
	summary: "One pattern with its associations",
	request: { params: z.object({ id: z.string().min(1).max(64) }) },
	responses: {
		200: {
			description: "The pattern",
			content: {
				"application/json": {
					schema: PatternDetailSchema,
				},
			},
		},
		...errors(401, 404),
	},
});

const statsRoute = createRoute({
	method: "get",
	path: "/v1/stats",
	summary: "Jobs, rewards, reuse, confidence, tokens and cost of the tenant",
	responses: {
		200: {
			description: "Statistics",
			content: {
				"application/json": {
					schema: StatsSchema,
				},
			},
		},
		...errors(401),
	},
});

function mean(values: readonly number[]): number | null {
	return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Loads each pattern's embedding from the index, in batches the index accepts. */
async function embeddingsOf(env: Env, tenantId: string, ids: string[]): Promise<Map<string, number[]>> {
	const { index } = learningFor(env);
	const found = new Map<string, number[]>();
	for (let start = 0; start < ids.length; start += MAX_TOP_K) {
		for (const vector of await index.getByIds(ids.slice(start, start + MAX_TOP_K), { tenantId })) {
			found.set(vector.id, vector.values);
		}
	}
	return found;
}

export const learningRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
	.openapi(learnRoute, async (c) => {
		const body = c.req.header("content-type")?.includes("json")
			? c.req.valid("json")
			: { minPatterns: DEFAULT_MIN_PATTERNS };
		const tenantId = c.var.tenantId;
		const db = database(c.env.DB);
		const rows = await allPatterns(db, tenantId);
		const embeddings = await embeddingsOf(
			c.env,
			tenantId,
			rows.map((row) => row.id),
		);
		const withEmbeddings = rows.flatMap((row) => {
			const embedding = embeddings.get(row.id);
			return embedding ? [{ row, embedding, strategy: JSON.parse(row.strategy) as PatternStrategy }] : [];
		});
		const now = Date.now();
		const distillations = distillPatterns(
			withEmbeddings.map(({ row, embedding }) => ({
				id: row.id,
				tenantId,
				taskType: TaskTypeSchema.parse(row.taskType),
				success: row.success,
				reward: row.reward,
				improvements: JSON.parse(row.improvements) as string[],
				usageCount: row.usageCount,
				embedding,
			})),
			{ minPatterns: body.minPatterns },
		);
		const createdDistillations = await insertDistillations(
			db,
			distillations.map((distillation) => ({
				// One distillation per set of members: the same patterns never make a second one.
				id: `dist_${distillation.memberIds.join("+")}`.slice(0, 512),
				tenantId,
				keyInsights: JSON.stringify(distillation.keyInsights.map((insight) => insight.text)),
				successRate: distillation.successRate,
				confidence: distillation.confidence,
				usageCount: distillation.usageCount,
				patternIds: JSON.stringify(distillation.memberIds),
				createdAt: now,
			})),
		);
		const follows = await followUps(
			db,
			tenantId,
			withEmbeddings.map(({ row }) => row.jobId),
		);
		const associations = computeAssociations(
			withEmbeddings.map(({ row, embedding, strategy }) => ({
				id: row.id,
				tenantId,
				jobId: row.jobId,
				followsJobId: follows.get(row.jobId) ?? null,
				taskType: TaskTypeSchema.parse(row.taskType),
				success: row.success,
				approach: {
					provider: strategy.provider,
					swarmSize: strategy.swarmSize,
					roles: rolesForSize(strategy.swarmSize),
				},
				embedding,
			})),
		);
		const createdAssociations = await insertAssociations(
			db,
			associations.map((association) => ({
				tenantId,
				fromId: association.sourceId,
				toId: association.targetId,
				kind: association.kind,
				score: association.strength,
				createdAt: now,
			})),
		);
		const totals = await learningCounts(db, tenantId);
		return c.json(
			{
				patterns: rows.length,
				distillations: { created: createdDistillations, total: totals.distillations },
				associations: { created: createdAssociations, total: totals.associations },
			},
			200,
		);
	})
	.openapi(searchRoute, async (c) => {
		const { q, k, taskType } = c.req.valid("query");
		const tenantId = c.var.tenantId;
		const db = database(c.env.DB);
		if (!q) {
			const rows = await listPatterns(db, tenantId, { limit: k, ...(taskType ? { taskType } : {}) });
			return c.json({ patterns: rows.map((row) => toPattern(row, null)) }, 200);
		}
		const { embedder, index } = learningFor(c.env);
		const [vector] = await embedder.embed([q]);
		const matches = vector
			? await index.query(vector, { topK: k, tenantId, ...(taskType ? { filter: { taskType } } : {}) })
			: [];
		const rows = new Map(
			(
				await findPatterns(
					db,
					tenantId,
					matches.map((match) => match.id),
				)
			).map((row) => [row.id, row]),
		);
		return c.json(
			{
				patterns: matches.flatMap((match) => {
					const row = rows.get(match.id);
					return row ? [toPattern(row, match.score)] : [];
				}),
			},
			200,
		);
	})
	.openapi(getRoute, async (c) => {
		const { id } = c.req.valid("param");
		const tenantId = c.var.tenantId;
		const db = database(c.env.DB);
		const [row] = await findPatterns(db, tenantId, [id]);
		if (!row) throw new ApiError(404, "not_found", `no pattern ${id}`);
		const links = await associationsOf(db, tenantId, id);
		return c.json(
			{
				...toPattern(row, null),
				associations: links.map((link) => ({
					kind: link.kind,
					patternId: link.fromId === id ? link.toId : link.fromId,
					strength: link.score,
				})),
			},
			200,
		);
	})
	.openapi(statsRoute, async (c) => {
		const tenantId = c.var.tenantId;
		const db = database(c.env.DB);
		const [statuses, patterns, metrics, reuse, distillations] = await Promise.all([
			jobStatusCounts(db, tenantId),
			allPatterns(db, tenantId),
			finishedJobMetrics(db, tenantId),
			patternUseCount(db, tenantId),
			listDistillations(db, tenantId),
		]);
		const rewards = patterns.map((pattern) => pattern.reward);
		const half = Math.floor(rewards.length / 2);
		const older = mean(rewards.slice(0, half));
		const newer = mean(rewards.slice(half));
		const byDay = new Map<string, PatternRow[]>();
		for (const pattern of patterns) {
			const day = new Date(pattern.createdAt).toISOString().slice(0, 10);
			byDay.set(day, [...(byDay.get(day) ?? []), pattern]);
		}
		const usage = metrics
			.map((text) => JobMetricsSchema.safeParse(JSON.parse(text)))
			.flatMap((parsed) => (parsed.success ? [parsed.data.usage] : []));
		return c.json(
			{
				jobsByStatus: Object.fromEntries(statuses.map((row) => [row.status, row.n])),
				patterns: patterns.length,
				successRate: mean(patterns.map((pattern) => (pattern.success ? 1 : 0))),
				averageReward: mean(rewards),
				improvementRate: older !== null && newer !== null ? newer - older : null,
				rewardOverTime: [...byDay].map(([day, ofDay]) => ({
					day,
					averageReward: mean(ofDay.map((pattern) => pattern.reward)) ?? 0,
					successRate: mean(ofDay.map((pattern) => (pattern.success ? 1 : 0))) ?? 0,
					patterns: ofDay.length,
				})),
				patternReuse: reuse,
				confidenceGrowth: distillations.map((distillation) => ({
					distillationId: distillation.id,
					confidence: distillation.confidence,
					at: distillation.createdAt,
				})),
				tokens: {
					input: usage.reduce(
						(sum, entry) => sum + entry.inputTokens + entry.cacheReadTokens + entry.cacheWriteTokens,
						0,
					),
					output: usage.reduce((sum, entry) => sum + entry.outputTokens, 0),
				},
				costUsd: usage.reduce((sum, entry) => sum + entry.costUsd, 0),
			},
			200,
		);
	});

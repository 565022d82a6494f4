/** `/v1/learn`, `/v1/patterns`, `/v1/stats`: what the service has learned, for the calling tenant only. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
	allPatterns,
	associationsOf,
	findPatterns,
	finishedJobMetrics,
	jobStatusCounts,
	listDistillations,
	listPatterns,
	type PatternRow,
	patternUseCount,
} from "../db/learning-queries";
import { database } from "../db/queries";
import type { PatternStrategy } from "../learning/apply";
import { consolidatePatterns } from "../learning/consolidate";
import { DEFAULT_MIN_PATTERNS } from "../learning/distill";
import { MAX_TOP_K } from "../learning/pattern-index";
import { learningFor } from "../learning/service";
import { JobMetricsSchema, type Pattern, StatsSchema, TaskTypeSchema } from "../protocol";
import {
	LearnRequestSchema,
	LearnResultSchema,
	PatternDetailSchema,
	PatternListSchema,
} from "../wire/learning";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";
import { endpoint, errorResponses, jsonContent, jsonResponse, resourceEndpoint } from "./openapi";
import { validationHook } from "./validation";

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
	...endpoint("post", "/v1/learn", "Distill patterns into clusters and link associations (idempotent)"),
	request: {
		body: {
			required: false,
			content: jsonContent(LearnRequestSchema),
		},
	},
	responses: {
		200: jsonResponse("What was created now, and the totals", LearnResultSchema),
		...errorResponses(400, 401),
	},
});

const searchRoute = createRoute({
	...endpoint("get", "/v1/patterns", "Patterns by similarity to `q` (or newest first without it)"),
	request: {
		query: z.object({
			q: z.string().trim().min(1).max(4000).optional(),
			k: z.coerce.number().int().min(1).max(MAX_TOP_K).default(5),
			taskType: TaskTypeSchema.optional(),
		}),
	},
	responses: { 200: jsonResponse("Patterns", PatternListSchema), ...errorResponses(400, 401) },
});

const getRoute = createRoute({
	...resourceEndpoint("get", "/v1/patterns/{id}", "One pattern with its associations"),
	responses: { 200: jsonResponse("The pattern", PatternDetailSchema), ...errorResponses(401, 404) },
});

const statsRoute = createRoute({
	...endpoint("get", "/v1/stats", "Jobs, rewards, reuse, confidence, tokens and cost of the tenant"),
	responses: { 200: jsonResponse("Statistics", StatsSchema), ...errorResponses(401) },
});

function mean(values: readonly number[]): number | null {
	return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export const learningRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
	.openapi(learnRoute, async (c) => {
		const body = c.req.header("content-type")?.includes("json")
			? c.req.valid("json")
			: { minPatterns: DEFAULT_MIN_PATTERNS };
		const result = await consolidatePatterns(c.env, c.var.tenantId, {
			minPatterns: body.minPatterns,
			now: Date.now(),
		});
		return c.json(result, 200);
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
				// Jobs on an unpriced model have no known cost to add.
				costUsd: usage.reduce((sum, entry) => sum + (entry.costUsd ?? 0), 0),
			},
			200,
		);
	});

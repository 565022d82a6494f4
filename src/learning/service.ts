/**
 * Learning at the job's edges: recall similar successful patterns before planning, and record the
 * finished job as a pattern afterwards. The embedder and index are the offline hashing embedder and the
 * D1 index locally, Vectorize in production (when the `PATTERN_INDEX` binding exists).
 */

import { z } from "zod";
import { findPatterns, insertPattern, listDistillations } from "../db/learning-queries";
import { database } from "../db/queries";
import type { TaskType } from "../protocol";
import { gatewayFetch } from "../providers/gateway";
import { type ProviderCredentials, providerSettings } from "../providers/settings";
import type { PatternStrategy, RecalledCluster, RecalledPattern } from "./apply";
import { createD1Index } from "./d1-index";
import { createHashingEmbedder, type Embedder, HASHING_EMBEDDER_MODEL } from "./embedder";
import { createGeminiEmbedder } from "./gemini-embedder";
import { createOpenAIEmbedder } from "./openai-embedder";
import type { PatternIndex } from "./pattern-index";
import { critiqueFor, type Trajectory, trajectoryReward } from "./reward";
import { createVectorizeIndex } from "./vectorize-index";
import { createWorkersAiEmbedder, type WorkersAiBinding } from "./workers-ai-embedder";

/** Patterns recalled per job at most. */
export const RECALL_TOP_K = 3;
/**
 * Minimum cosine similarity for a pattern to be recalled with the hashing embedder. Measured on our
 * test tasks: a close rewording of the same question scores about 0.68, a related but different
 * question about 0.34, an unrelated one below 0.1. The threshold favours precision: a recalled pattern
 * changes the plan, so only near-duplicates of past tasks qualify.
 */
export const RECALL_THRESHOLD = 0.5;
/** Hashing-embedder threshold above; model embeddings cluster higher, so they need more to count as similar. */
const MODEL_RECALL_THRESHOLD = 0.75;

type Learning = { embedder: Embedder; index: PatternIndex };

/** The similarity a pattern needs to be recalled with this embedder. */
export function recallThreshold(embedder: Embedder): number {
	return embedder.model === HASHING_EMBEDDER_MODEL ? RECALL_THRESHOLD : MODEL_RECALL_THRESHOLD;
}

const EmbedderEnvSchema = z.object({
	/** Which embedder fills the pattern index; the index's dimensions must match it. */
	EMBEDDER: z.preprocess(
		(value) => (value === "" ? undefined : value),
		z.enum(["hashing", "openai", "gemini", "workers-ai"]).default("hashing"),
	),
	AI: z
		.custom<WorkersAiBinding>((value) => typeof value === "object" && value !== null && "run" in value)
		.optional(),
});

/**
 * The deployment's embedder: the offline hashing embedder unless `EMBEDDER` names another (OpenAI and
 * Gemini use the provider keys, base URLs and AI Gateway token, calling through `fetchImpl` when given;
 * Workers AI needs the production-only `AI` binding, whose calls are authenticated by the account).
 */
export function embedderFor(env: Env, fetchImpl?: typeof fetch): Embedder {
	const { EMBEDDER: choice, AI: ai } = EmbedderEnvSchema.parse(env);
	const { credentials, geminiApiVersion } = providerSettings(env);
	const hosted = (provider: ProviderCredentials) => ({
		apiKey: provider.apiKey,
		...(provider.baseURL ? { baseURL: provider.baseURL } : {}),
		fetch: gatewayFetch(provider.gatewayToken, fetchImpl),
	});
	if (choice === "openai" && credentials.openai) return createOpenAIEmbedder(hosted(credentials.openai));
	if (choice === "gemini" && credentials.gemini) {
		return createGeminiEmbedder({ ...hosted(credentials.gemini), apiVersion: geminiApiVersion });
	}
	if (choice === "workers-ai" && ai) return createWorkersAiEmbedder(ai);
	if (choice !== "hashing") throw new Error(`EMBEDDER=${choice} is set but its key or binding is missing`);
	return createHashingEmbedder();
}

/** The embedder and pattern index of this deployment. */
export function learningFor(env: Env): Learning {
	const embedder = embedderFor(env);
	const space = { dimensions: embedder.dimensions, model: embedder.model };
	const index = env.PATTERN_INDEX
		? createVectorizeIndex(env.PATTERN_INDEX, space)
		: createD1Index(database(env.DB), space);
	return { embedder, index };
}

/** The tenant's successful patterns most similar to `task`, best first, above the threshold. */
export async function recallPatterns(env: Env, tenantId: string, task: string): Promise<RecalledPattern[]> {
	const { embedder, index } = learningFor(env);
	const [vector] = await embedder.embed([task]);
	if (!vector) return [];
	const matches = (
		await index.query(vector, { topK: RECALL_TOP_K, tenantId, filter: { success: true } })
	).filter((match) => match.score >= recallThreshold(embedder));
	const rows = new Map(
		(
			await findPatterns(
				database(env.DB),
				tenantId,
				matches.map((match) => match.id),
			)
		).map((row) => [row.id, row]),
	);
	return matches.flatMap((match) => {
		const row = rows.get(match.id);
		if (!row) return [];
		return [
			{
				id: row.id,
				task: row.task,
				reward: row.reward,
				score: match.score,
				strategy: JSON.parse(row.strategy) as PatternStrategy,
				critique: row.critique,
				improvements: JSON.parse(row.improvements) as string[],
			},
		];
	});
}

/**
 * The tenant's distilled clusters that hold any of `patternIds`, most confident first: what a whole
 * group of similar jobs taught, rather than one of them.
 */
export async function recallClusters(
	env: Env,
	tenantId: string,
	patternIds: readonly string[],
): Promise<RecalledCluster[]> {
	if (patternIds.length === 0) return [];
	const wanted = new Set(patternIds);
	const rows = await listDistillations(database(env.DB), tenantId);
	return rows
		.map((row) => ({
			id: row.id,
			memberIds: z.array(z.string()).parse(JSON.parse(row.patternIds)),
			lessons: z.array(z.string()).parse(JSON.parse(row.keyInsights)),
			confidence: row.confidence,
		}))
		.filter((cluster) => cluster.memberIds.some((id) => wanted.has(id)))
		.sort((a, b) => b.confidence - a.confidence);
}

/** The id of the pattern a job leaves behind. */
export function patternIdFor(jobId: string): string {
	return `pat_${jobId.replace(/^job_/, "")}`;
}

/** Scores a finished job and stores its pattern, episode and vector. Idempotent per job. */
export async function recordPattern(
	env: Env,
	job: { jobId: string; tenantId: string; taskType: TaskType; trajectory: Trajectory; now: number },
): Promise<{ patternId: string; reward: number; success: boolean }> {
	const breakdown = trajectoryReward(job.trajectory);
	const { critique, improvements } = critiqueFor(job.trajectory);
	const patternId = patternIdFor(job.jobId);
	const strategy: PatternStrategy = {
		provider: job.trajectory.provider,
		model: job.trajectory.model,
		swarmSize: job.trajectory.config.swarmSize,
		depth: job.trajectory.config.depth,
	};
	await insertPattern(
		database(env.DB),
		{
			id: patternId,
			tenantId: job.tenantId,
			jobId: job.jobId,
			task: job.trajectory.task,
			taskType: job.taskType,
			reward: breakdown.reward,
			success: breakdown.success,
			rewardBreakdown: JSON.stringify(breakdown),
			critique,
			improvements: JSON.stringify(improvements),
			strategy: JSON.stringify(strategy),
			createdAt: job.now,
		},
		{
			id: `ep_${job.jobId.replace(/^job_/, "")}`,
			tenantId: job.tenantId,
			jobId: job.jobId,
			patternId,
			trajectory: JSON.stringify(job.trajectory),
			createdAt: job.now,
		},
	);
	const { embedder, index } = learningFor(env);
	const [values] = await embedder.embed([job.trajectory.task]);
	if (values) {
		await index.upsert([
			{
				id: patternId,
				values,
				metadata: {
					tenantId: job.tenantId,
					taskType: job.taskType,
					model: embedder.model,
					dimensions: embedder.dimensions,
					reward: breakdown.reward,
					success: breakdown.success,
				},
			},
		]);
	}
	return { patternId, reward: breakdown.reward, success: breakdown.success };
}

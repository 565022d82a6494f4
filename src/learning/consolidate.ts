/**
 * Consolidation of a tenant's patterns: clusters distilled into lessons, and links between patterns
 * (similar, complementary, sequential). `POST /v1/learn` runs it over every pattern; each completed job
 * links its own new pattern at once, so associations never wait for a manual learn.
 */
import {
	allPatterns,
	findPatterns,
	followUps,
	insertAssociations,
	insertDistillations,
	learningCounts,
	type PatternRow,
} from "../db/learning-queries";
import { database } from "../db/queries";
import { TaskTypeSchema } from "../protocol";
import { rolesForSize } from "../swarm/sizing";
import type { PatternStrategy } from "./apply";
import { type AssociationInput, computeAssociations } from "./associations";
import { distillPatterns } from "./distill";
import { MAX_TOP_K } from "./pattern-index";
import { learningFor } from "./service";

/** What a consolidation created now, and the tenant's totals after it. */
export type ConsolidationResult = {
	patterns: number;
	distillations: { created: number; total: number };
	associations: { created: number; total: number };
};

type EmbeddedPattern = { row: PatternRow; embedding: number[]; strategy: PatternStrategy };

/**
 * Distills the tenant's patterns into clusters of at least `minPatterns` and links every pair that is
 * associated. Idempotent: what exists already is not created again.
 * @example await consolidatePatterns(env, tenantId, { minPatterns: 2, now: Date.now() })
 */
export async function consolidatePatterns(
	env: Env,
	tenantId: string,
	options: { minPatterns: number; now: number },
): Promise<ConsolidationResult> {
	const db = database(env.DB);
	const patterns = await embeddedPatterns(env, tenantId);
	const distillations = distillPatterns(
		patterns.map(({ row, embedding }) => ({
			id: row.id,
			tenantId,
			taskType: TaskTypeSchema.parse(row.taskType),
			success: row.success,
			reward: row.reward,
			improvements: JSON.parse(row.improvements) as string[],
			usageCount: row.usageCount,
			embedding,
		})),
		{ minPatterns: options.minPatterns },
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
			createdAt: options.now,
		})),
	);
	const inputs = await associationInputs(env, tenantId, patterns);
	const createdAssociations = await storeAssociations(
		env,
		tenantId,
		computeAssociations(inputs),
		options.now,
	);
	const totals = await learningCounts(db, tenantId);
	return {
		patterns: patterns.length,
		distillations: { created: createdDistillations, total: totals.distillations },
		associations: { created: createdAssociations, total: totals.associations },
	};
}

/**
 * Links one new pattern to the tenant's others it can be associated with: its nearest `MAX_TOP_K`
 * patterns in the index (similar and complementary links need a high similarity) and the pattern of
 * the job its job followed up on (sequential). The cost stays the same however many patterns the tenant
 * has; `consolidatePatterns` (`POST /v1/learn`) checks every pair. Returns how many links were new.
 */
export async function linkPattern(
	env: Env,
	tenantId: string,
	patternId: string,
	now: number,
): Promise<number> {
	const db = database(env.DB);
	const { index } = learningFor(env);
	const [mine] = await findPatterns(db, tenantId, [patternId]);
	const [vector] = await index.getByIds([patternId], { tenantId });
	if (!mine || !vector) return 0;
	const nearest = await index.query(vector.values, { topK: MAX_TOP_K, tenantId });
	const followed = (await followUps(db, tenantId, [mine.jobId])).get(mine.jobId);
	const candidates = [
		...(await findPatterns(db, tenantId, [...new Set([patternId, ...nearest.map((match) => match.id)])])),
		...(followed ? await findPatterns(db, tenantId, [followed], "jobId") : []),
	];
	const rows = [...new Map(candidates.map((row) => [row.id, row])).values()];
	const inputs = await associationInputs(env, tenantId, await withEmbeddings(env, tenantId, rows));
	const own = inputs.find((input) => input.id === patternId);
	if (!own) return 0;
	const links = inputs
		.filter((other) => other.id !== patternId)
		.flatMap((other) => computeAssociations([own, other]));
	return storeAssociations(env, tenantId, links, now);
}

/** The tenant's patterns with their embeddings (from the pattern index) and strategies. */
async function embeddedPatterns(env: Env, tenantId: string): Promise<EmbeddedPattern[]> {
	return withEmbeddings(env, tenantId, await allPatterns(database(env.DB), tenantId));
}

/** `rows` with their embeddings (from the pattern index) and strategies; a row without a vector is left out. */
async function withEmbeddings(env: Env, tenantId: string, rows: PatternRow[]): Promise<EmbeddedPattern[]> {
	const { index } = learningFor(env);
	const embeddings = new Map<string, number[]>();
	for (let start = 0; start < rows.length; start += MAX_TOP_K) {
		const ids = rows.slice(start, start + MAX_TOP_K).map((row) => row.id);
		for (const vector of await index.getByIds(ids, { tenantId })) embeddings.set(vector.id, vector.values);
	}
	return rows.flatMap((row) => {
		const embedding = embeddings.get(row.id);
		return embedding ? [{ row, embedding, strategy: JSON.parse(row.strategy) as PatternStrategy }] : [];
	});
}

async function associationInputs(
	env: Env,
	tenantId: string,
	patterns: readonly EmbeddedPattern[],
): Promise<AssociationInput[]> {
	const follows = await followUps(
		database(env.DB),
		tenantId,
		patterns.map(({ row }) => row.jobId),
	);
	return patterns.map(({ row, embedding, strategy }) => ({
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
	}));
}

async function storeAssociations(
	env: Env,
	tenantId: string,
	links: ReturnType<typeof computeAssociations>,
	now: number,
): Promise<number> {
	return insertAssociations(
		database(env.DB),
		links.map((link) => ({
			tenantId,
			fromId: link.sourceId,
			toId: link.targetId,
			kind: link.kind,
			score: link.strength,
			createdAt: now,
		})),
	);
}

/**
 * Distillation: groups a tenant's patterns into clusters of the same kind of task and sums up what
 * each cluster teaches.
 *
 * Clustering is greedy and leader-based. Patterns are taken in id order (ids sort by creation
 * time, so the earliest pattern leads and leaders stay put as patterns are added); each joins the
 * cluster whose leader has the same tenant and task type and the highest cosine similarity to it,
 * if that similarity is ≥ 0.8 (ties go to the earlier leader), and otherwise leads a new cluster.
 * Clusters with fewer than `minPatterns` members (default 2, the seed's `--min-patterns` default)
 * are not distilled.
 *
 * Per cluster:
 * - key insights: the improvements its members were given, counted once per member, most
 *   frequent first (ties alphabetically), at most 5. Improvements carry no run-specific numbers,
 *   so equal advice from different runs counts together; critiques do and are not counted.
 * - success rate: successful members / members.
 * - confidence: the Wilson score lower bound of the success rate at 95% (z = 1.96) — how low the
 *   true rate plausibly is given how few runs back it; 2 of 2 successes give 0.34, 20 of 20 give 0.84.
 * - usage count: how often the members were retrieved for later jobs, summed.
 * - average reward of the members.
 * The leader's id identifies a distillation, so a repeated run updates rather than adds.
 */
import type { TaskType } from "../protocol";
import { compareText } from "./order";
import { dot, l2Normalize } from "./vector-math";

export type DistillInput = {
	id: string;
	tenantId: string;
	taskType: TaskType;
	success: boolean;
	reward: number;
	improvements: string[];
	/** How many later jobs retrieved this pattern. */
	usageCount: number;
	embedding: readonly number[];
};

export type KeyInsight = { text: string; count: number };

export type Distillation = {
	leaderId: string;
	tenantId: string;
	taskType: TaskType;
	/** Member ids, sorted; the leader is the first. */
	memberIds: string[];
	keyInsights: KeyInsight[];
	successRate: number;
	confidence: number;
	usageCount: number;
	averageReward: number;
};

export const CLUSTER_SIMILARITY = 0.8;
export const DEFAULT_MIN_PATTERNS = 2;
export const MAX_KEY_INSIGHTS = 5;
/** z for a 95% two-sided interval. */
const WILSON_Z = 1.96;

/**
 * The distillations of `patterns` by the rules above, sorted by leader id.
 * @example distillPatterns(patterns, { minPatterns: 3 }) // [{ leaderId: "pat_01…", memberIds: [...], … }]
 */
export function distillPatterns(
	patterns: readonly DistillInput[],
	options: { minPatterns?: number } = {},
): Distillation[] {
	const minPatterns = options.minPatterns ?? DEFAULT_MIN_PATTERNS;
	if (!Number.isInteger(minPatterns) || minPatterns < 1) {
		throw new RangeError(`minPatterns must be a positive integer, got ${minPatterns}`);
	}
	return clusterPatterns(patterns)
		.filter((members) => members.length >= minPatterns)
		.map(summarize);
}

/**
 * Greedy leader clustering: clusters of patterns, each list led by its leader, in leader order.
 * Pattern ids must be unique.
 */
export function clusterPatterns(patterns: readonly DistillInput[]): DistillInput[][] {
	const ordered = [...patterns].sort((a, b) => compareText(a.id, b.id));
	const clusters: { leaderUnit: number[]; members: DistillInput[] }[] = [];
	for (const [index, pattern] of ordered.entries()) {
		if (ordered[index - 1]?.id === pattern.id)
			throw new RangeError(`pattern id "${pattern.id}" appears twice`);
		const unit = l2Normalize(pattern.embedding);
		let best: { cluster: (typeof clusters)[number]; similarity: number } | null = null;
		for (const cluster of clusters) {
			const leader = cluster.members[0] as DistillInput;
			if (leader.tenantId !== pattern.tenantId || leader.taskType !== pattern.taskType) continue;
			const similarity = dot(cluster.leaderUnit, unit);
			if (similarity >= CLUSTER_SIMILARITY && (!best || similarity > best.similarity))
				best = { cluster, similarity };
		}
		if (best) best.cluster.members.push(pattern);
		else clusters.push({ leaderUnit: unit, members: [pattern] });
	}
	return clusters.map((cluster) => cluster.members);
}

/**
 * Lower bound of the Wilson score interval for `successes` out of `total` at `z` (95% by default);
 * 0 when there are no trials.
 * @example wilsonLowerBound(8, 10) // 0.490…
 */
export function wilsonLowerBound(successes: number, total: number, z: number = WILSON_Z): number {
	if (total <= 0) return 0;
	const rate = successes / total;
	const z2 = z * z;
	const centre = rate + z2 / (2 * total);
	const margin = z * Math.sqrt((rate * (1 - rate)) / total + z2 / (4 * total * total));
	return Math.max(0, (centre - margin) / (1 + z2 / total));
}

function summarize(members: DistillInput[]): Distillation {
	const leader = members[0] as DistillInput;
	const successes = members.filter((member) => member.success).length;
	return {
		leaderId: leader.id,
		tenantId: leader.tenantId,
		taskType: leader.taskType,
		memberIds: members.map((member) => member.id),
		keyInsights: keyInsights(members),
		successRate: successes / members.length,
		confidence: wilsonLowerBound(successes, members.length),
		usageCount: members.reduce((sum, member) => sum + member.usageCount, 0),
		averageReward: members.reduce((sum, member) => sum + member.reward, 0) / members.length,
	};
}

function keyInsights(members: readonly DistillInput[]): KeyInsight[] {
	const counts = new Map<string, number>();
	for (const member of members) {
		for (const improvement of new Set(member.improvements))
			counts.set(improvement, (counts.get(improvement) ?? 0) + 1);
	}
	return [...counts]
		.map(([text, count]) => ({ text, count }))
		.sort((a, b) => b.count - a.count || compareText(a.text, b.text))
		.slice(0, MAX_KEY_INSIGHTS);
}

/**
 * How recalled patterns change a new job, before it is planned. Pure: the patterns and the job's
 * configuration in, the adjusted configuration, the lessons for the agents and a record of every
 * change out — so the report can say exactly what learning did.
 */
import type { EffectiveConfig } from "../protocol";
import { rolesForSize } from "../swarm/sizing";

/** What a pattern remembers about how its job ran. */
export type PatternStrategy = {
	provider: string;
	model: string | null;
	swarmSize: number;
	depth: number;
};

export type RecalledPattern = {
	id: string;
	task: string;
	reward: number;
	/** Cosine similarity of its task to the new task. */
	score: number;
	strategy: PatternStrategy;
	critique: string;
	improvements: string[];
};

/** A distilled cluster of similar jobs that holds a recalled pattern, with the lessons it distilled. */
export type RecalledCluster = { id: string; memberIds: string[]; lessons: string[]; confidence: number };

/** Which settings the request fixed itself; learning never overrides those. */
export type ExplicitChoices = { swarmSize: boolean; provider: boolean };

export type AppliedLearning = {
	config: EffectiveConfig;
	/** Lessons handed to every agent's prompt, from the patterns' improvements. */
	lessons: string[];
	patternsUsed: { id: string; task: string; reward: number; score: number; changed: string[] }[];
};

/** Lessons passed to the agents at most. */
export const MAX_LESSONS = 5;

/**
 * Applies `patterns` (successful, similar, best first) to `config`. Learning may add to a job, never
 * take from it: the best pattern's swarm size is adopted only when the request left the size open and
 * the pattern's is larger (the analyzer's size is the floor, and a swarm never becomes a single
 * agent); its provider when the request left that open and it is configured here; every pattern's
 * improvements become lessons for the agents, after the lessons of the distilled clusters that hold
 * them (a lesson many similar jobs share outranks one job's). Patterns from single-agent runs are not
 * applied to swarm jobs at all: how one agent fared says nothing about how a swarm should run.
 * @example applyPatterns(config, [pattern], { swarmSize: false, provider: false }, ["extractive"])
 */
export function applyPatterns(
	config: EffectiveConfig,
	recalled: readonly RecalledPattern[],
	explicit: ExplicitChoices,
	configuredProviders: readonly string[],
	clusters: readonly RecalledCluster[] = [],
): AppliedLearning {
	const patterns =
		config.swarmSize > 1 ? recalled.filter((pattern) => pattern.strategy.swarmSize > 1) : recalled;
	const next: EffectiveConfig = { ...config };
	const changes = new Map<string, string[]>(patterns.map((pattern) => [pattern.id, []]));
	const note = (id: string, change: string) => changes.get(id)?.push(change);
	const [best] = patterns;
	if (best && !explicit.swarmSize && !config.singleAgent && best.strategy.swarmSize > config.swarmSize) {
		note(best.id, `swarm size ${config.swarmSize} → ${best.strategy.swarmSize}, as in this successful job`);
		next.swarmSize = best.strategy.swarmSize;
		next.secondPass = config.complexity === "very-high" && rolesForSize(next.swarmSize).includes("critic");
	}
	if (
		best &&
		!explicit.provider &&
		best.strategy.provider !== config.provider &&
		configuredProviders.includes(best.strategy.provider)
	) {
		note(
			best.id,
			`provider ${config.provider} → ${best.strategy.provider}, which worked for this kind of task`,
		);
		next.provider = best.strategy.provider;
		next.model = null;
	}
	const lessons: string[] = [];
	for (const cluster of clusters) {
		const members = patterns.filter((pattern) => cluster.memberIds.includes(pattern.id));
		const added = cluster.lessons
			.filter((lesson) => !lessons.includes(lesson))
			.slice(0, MAX_LESSONS - lessons.length);
		if (members.length === 0 || added.length === 0) continue;
		lessons.push(...added);
		const size = cluster.memberIds.length;
		for (const member of members) {
			note(
				member.id,
				`${added.length} lesson${added.length === 1 ? "" : "s"} from a cluster of ${size} similar jobs (confidence ${cluster.confidence.toFixed(2)})`,
			);
		}
	}
	for (const pattern of patterns) {
		const added = pattern.improvements
			.filter((lesson) => !lessons.includes(lesson))
			.slice(0, MAX_LESSONS - lessons.length);
		lessons.push(...added);
		if (added.length > 0)
			note(pattern.id, `${added.length} lesson${added.length === 1 ? "" : "s"} added to the agents' prompts`);
	}
	return {
		config: next,
		lessons,
		patternsUsed: patterns.map((pattern) => ({
			id: pattern.id,
			task: pattern.task,
			reward: pattern.reward,
			score: pattern.score,
			changed: changes.get(pattern.id) ?? [],
		})),
	};
}

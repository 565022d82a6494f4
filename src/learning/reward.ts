/**
 * Scores a finished job (its trajectory) and names what went wrong in it.
 *
 * reward = 0.35·quality + 0.15·speed + 0.2·citations + 0.15·depth + 0.15·coverage, each in [0, 1]:
 *
 * - quality   = the report's `quality.overall`.
 * - speed     = 1 − 0.7·(duration / time budget) for a job that finished within its budget, so an
 *               instant job scores 1 and one that used the whole budget keeps a floor of 0.3;
 *               0 for a job that ran past its budget. Time budget = `config.timeMinutes`.
 * - citations = verified rate × min(1, retrieved sources / 5), where verified rate =
 *               verified citations / all citations (0 with no citations). Five sources are what a
 *               claim needs to be cross-checked rather than resting on one page.
 * - depth     = min(1, supported findings / (2 × requested depth)): two distinct supported findings
 *               per depth level reach full marks.
 * - coverage  = min(1, completed agents / the swarm size the task's complexity calls for (3, 5, 7, 7)):
 *               the perspectives the task needed that really ran. It keeps rewards comparable across
 *               swarm sizes: a single agent on a medium task covers a fifth of it, however fast it was,
 *               so it cannot win by default and teach later jobs to shrink.
 *
 * success = reward > 0.7.
 */
import type { EffectiveConfig, Role, TaskView, Usage } from "../protocol";
import { DEFAULTS } from "../swarm/config";
import type { QualityScore, VerificationSummary } from "../synthesis/types";

export const REWARD_WEIGHTS = {
	quality: 0.35,
	speed: 0.15,
	citations: 0.2,
	depth: 0.15,
	coverage: 0.15,
} as const;
/** A pattern counts as a success above this reward. */
export const SUCCESS_THRESHOLD = 0.7;
/** Speed score of a job that used exactly its whole time budget. */
export const SPEED_FLOOR = 0.3;
/** Retrieved sources for full citation marks, and below which "few sources" is a weakness. */
export const TARGET_SOURCES = 5;
/** Supported findings per requested depth level for full depth marks. */
export const FINDINGS_PER_DEPTH = 2;
/** A role that used more than this fraction of its time share counts as slow. */
export const SLOW_ROLE_SHARE = 0.8;

/** One planned agent task as the coordinator tracked it (a `TaskView` fits). */
export type AgentRun = Pick<TaskView, "id" | "role" | "status" | "timeShare" | "startedAt" | "finishedAt">;

/**
 * What a finished job did, as learning records it. The task type, requested depth, swarm size and
 * time budget are in `config`; the roles, failed and skipped agents and per-role durations in `agents`.
 */
export type Trajectory = {
	task: string;
	config: EffectiveConfig;
	agents: AgentRun[];
	/** The provider and model the agents actually ran on (the config may say "auto"). */
	provider: string;
	model: string | null;
	durationMs: number;
	usage: Usage;
	verification: VerificationSummary;
	quality: QualityScore;
	/** Sources the job retrieved (status `retrieved`). */
	sourcesRetrieved: number;
	/** Distinct supported findings after merging across agents. */
	supportedFindings: number;
	/** True when the cost budget refused a model call. */
	budgetLimited: boolean;
};

export type RewardBreakdown = {
	quality: number;
	speed: number;
	citations: number;
	depth: number;
	coverage: number;
	reward: number;
	success: boolean;
};

export type Critique = { critique: string; improvements: string[] };

/**
 * The reward of a run and its components, by the formulas at the top of this module.
 * @example trajectoryReward(run) // { quality: 0.8, speed: 0.99, citations: 1, depth: 0.6, reward: 0.838, success: true }
 */
export function trajectoryReward(trajectory: Trajectory): RewardBreakdown {
	const quality = clamp01(trajectory.quality.overall);
	const speed = speedScore(trajectory.durationMs, timeBudgetMs(trajectory.config));
	const citations = citationScore(trajectory.verification, trajectory.sourcesRetrieved);
	const depth = depthScore(trajectory.supportedFindings, trajectory.config.depth);
	const coverage = coverageScore(trajectory.agents, trajectory.config);
	const reward =
		REWARD_WEIGHTS.quality * quality +
		REWARD_WEIGHTS.speed * speed +
		REWARD_WEIGHTS.citations * citations +
		REWARD_WEIGHTS.depth * depth +
		REWARD_WEIGHTS.coverage * coverage;
	return { quality, speed, citations, depth, coverage, reward, success: reward > SUCCESS_THRESHOLD };
}

/** Coverage component: completed agents / the swarm size the task's complexity calls for, at most 1. */
export function coverageScore(
	agents: readonly AgentRun[],
	config: Pick<EffectiveConfig, "complexity">,
): number {
	const needed = DEFAULTS.swarmSizeByComplexity[config.complexity];
	return clamp01(agents.filter((agent) => agent.status === "completed").length / needed);
}

/** Speed component: 1 − 0.7·(duration / budget) within the budget, 0 past it. */
export function speedScore(durationMs: number, budgetMs: number): number {
	if (budgetMs <= 0 || durationMs > budgetMs) return 0;
	return 1 - (1 - SPEED_FLOOR) * (Math.max(0, durationMs) / budgetMs);
}

/** Citations component: verified rate × min(1, sources / 5). */
export function citationScore(verification: VerificationSummary, sourcesRetrieved: number): number {
	if (verification.citationsTotal === 0) return 0;
	const verifiedRate = verification.citationsVerified / verification.citationsTotal;
	return clamp01(verifiedRate) * Math.min(1, Math.max(0, sourcesRetrieved) / TARGET_SOURCES);
}

/** Depth component: min(1, supported findings / (2 × depth)). */
export function depthScore(supportedFindings: number, depth: number): number {
	return clamp01(supportedFindings / (FINDINGS_PER_DEPTH * Math.max(1, depth)));
}

/**
 * The run's real weaknesses as one critique and the improvements that answer them, by these rules,
 * in this order (each fires only on the data named):
 *
 * 1. claims without a verified citation (`claimsUnsupported` > 0);
 * 2. cited URLs the job never retrieved (`fabricatedUrls`);
 * 3. quotes not found in their cited source (`quoteNotFound` > 0);
 * 4. agents that failed;
 * 5. agents skipped because the job ended before they ran;
 * 6. the cost budget refused a model call (`budgetLimited`);
 * 7. the job ran past its time budget;
 * 8. the slowest role — the completed agent with the highest duration / (time share × budget) —
 *    used more than 80% of its share;
 * 9. fewer than 5 sources retrieved;
 * 10. fewer supported findings than 2 × the requested depth.
 *
 * A run with none of these gets an empty critique and no improvements. Improvements carry no
 * run-specific numbers, so equal advice from different runs compares equal when distilled.
 */
export function critiqueFor(trajectory: Trajectory): Critique {
	const { verification, config, agents } = trajectory;
	const budgetMs = timeBudgetMs(config);
	const findings: { critique: string; improvement: string }[] = [];

	if (verification.claimsUnsupported > 0) {
		findings.push({
			critique: `${verification.claimsUnsupported} of ${count(verification.claimsTotal, "claim")} had no verified citation.`,
			improvement:
				"Back every claim with an exact quote from a retrieved source; leave out claims no source supports.",
		});
	}
	if (verification.fabricatedUrls.length > 0) {
		findings.push({
			critique: `${count(verification.fabricatedUrls.length, "cited URL")} had never been retrieved by the job.`,
			improvement: "Cite only sources the job retrieved.",
		});
	}
	if (verification.quoteNotFound > 0) {
		findings.push({
			critique: `${count(verification.quoteNotFound, "quote")} could not be found in the cited source.`,
			improvement: "Quote passages verbatim from the source text.",
		});
	}
	const failed = agents.filter((agent) => agent.status === "failed");
	if (failed.length > 0) {
		findings.push({
			critique: `${count(failed.length, "agent")} failed: ${listRoles(failed)}.`,
			improvement: `Run the ${listRoles(failed)} on a different provider.`,
		});
	}
	const skipped = agents.filter((agent) => agent.status === "skipped");
	if (skipped.length > 0) {
		findings.push({
			critique: `${count(skipped.length, "planned agent")} never ran because the job ended first: ${listRoles(skipped)}.`,
			improvement: "Allow more time or plan fewer agents for this kind of task.",
		});
	}
	if (trajectory.budgetLimited) {
		const cap = config.budgetUsd === null ? "The cost budget" : `The $${config.budgetUsd} cost budget`;
		findings.push({
			critique: `${cap} refused a model call after $${(trajectory.usage.costUsd ?? 0).toFixed(2)} was spent.`,
			improvement: "Raise the cost budget or choose a cheaper model.",
		});
	}
	if (trajectory.durationMs > budgetMs) {
		findings.push({
			critique: `The job ran ${minutes(trajectory.durationMs)} minutes, past its ${config.timeMinutes}-minute time budget.`,
			improvement: "Allow more time or lower the depth.",
		});
	}
	const slowest = slowestRole(agents, budgetMs);
	if (slowest && slowest.shareUsed > SLOW_ROLE_SHARE) {
		const role = roleName(slowest.agent.role);
		findings.push({
			critique:
				`The ${role} took ${minutes(slowest.durationMs)} minutes, ` +
				`${Math.round(slowest.shareUsed * 100)}% of its ${minutes(slowest.allowedMs)}-minute share.`,
			improvement: `Give the ${role} a larger time share or a faster model.`,
		});
	}
	if (trajectory.sourcesRetrieved < TARGET_SOURCES) {
		findings.push({
			critique: `Only ${count(trajectory.sourcesRetrieved, "source")} retrieved; ${TARGET_SOURCES} are needed to cross-check claims.`,
			improvement: `Attach or find at least ${TARGET_SOURCES} sources.`,
		});
	}
	const targetFindings = FINDINGS_PER_DEPTH * config.depth;
	if (trajectory.supportedFindings < targetFindings) {
		findings.push({
			critique: `${count(trajectory.supportedFindings, "supported finding")} for depth ${config.depth}; the target is ${targetFindings}.`,
			improvement: "Use a larger swarm or a narrower task to reach the requested depth.",
		});
	}

	return {
		critique: findings.map((finding) => finding.critique).join(" "),
		improvements: [...new Set(findings.map((finding) => finding.improvement))],
	};
}

type SlowRole = { agent: AgentRun; durationMs: number; allowedMs: number; shareUsed: number };

/** The completed agent that used the largest fraction of its time share; ties go to the earlier agent. */
function slowestRole(agents: readonly AgentRun[], budgetMs: number): SlowRole | null {
	let slowest: SlowRole | null = null;
	for (const agent of agents) {
		if (agent.status !== "completed" || agent.startedAt === null || agent.finishedAt === null) continue;
		const allowedMs = agent.timeShare * budgetMs;
		if (allowedMs <= 0) continue;
		const durationMs = Math.max(0, agent.finishedAt - agent.startedAt);
		const shareUsed = durationMs / allowedMs;
		if (!slowest || shareUsed > slowest.shareUsed) slowest = { agent, durationMs, allowedMs, shareUsed };
	}
	return slowest;
}

function timeBudgetMs(config: EffectiveConfig): number {
	return config.timeMinutes * 60_000;
}

function roleName(role: Role): string {
	return role.replaceAll("_", " ");
}

/** The agents' distinct roles in plan order: "explorer", "explorer and critic", "explorer, verifier and critic". */
function listRoles(agents: readonly AgentRun[]): string {
	const names = [...new Set(agents.map((agent) => roleName(agent.role)))];
	return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

function count(n: number, noun: string): string {
	return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

function minutes(ms: number): string {
	return (ms / 60_000).toFixed(1);
}

function clamp01(value: number): number {
	return Math.min(1, Math.max(0, value));
}

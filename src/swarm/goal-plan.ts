/**
 * Goal planning without running anything: a goal becomes a validated decomposition (from an optional
 * decomposition strategy, e.g. a model, with one repair, else the deterministic fallback), the GOAP
 * planner orders its sub-goals, and the plan is priced as an upper bound before any job exists.
 */
import type { Role, Subgoal } from "../protocol";
import { type CostBounds, worstCaseCost } from "../providers/cost";
import type { ModelPrice } from "../providers/prices";
import { type Decomposition, fallbackDecomposition, validateDecomposition } from "./decompose";
import { planGoalSwarm } from "./goal-swarm";
import {
	actionsForDecomposition,
	explainPlan,
	type GoapError,
	isGoapError,
	planGoap,
	REPORT_FACT,
} from "./goap";

/** What a goal is planned with: at most `maxSubgoals` sub-goals (2–10), a depth (1–10), an optional sub-swarm size (3–7). */
export type GoalPlanOptions = { maxSubgoals: number; depth: number; swarmSize?: number };

/**
 * What a decomposition strategy is asked. On the repair call `repair` carries the rejected output and
 * every problem found in it.
 */
export type DecomposeRequest = {
	goal: string;
	maxSubgoals: number;
	depth: number;
	repair?: { output: unknown; errors: string[] };
};

/** A way to split a goal into sub-goals, e.g. a provider's structured output. Its output is checked, never trusted. */
export type DecomposeStrategy = (request: DecomposeRequest) => Promise<unknown>;

/** Where a decomposition came from: the strategy's first answer, its repair, or the deterministic fallback. */
export type DecompositionOrigin = "strategy" | "repaired" | "fallback";

/** A decomposition ready to plan, where it came from, and the problems met on the way (empty when none). */
export type DecompositionOutcome = {
	decomposition: Decomposition;
	origin: DecompositionOrigin;
	problems: string[];
};

/** One step of a goal plan; `subgoalId` is null for the master synthesis. */
export type GoalPlanStep = {
	step: number;
	action: string;
	subgoalId: string | null;
	why: string;
	satisfies: string[];
};

/**
 * A planned goal. `levels` lists sub-goal ids per parallel level (the sub-goals of one level may run
 * at once; the master synthesis follows the last level); `explanation` is one line per step plus a total;
 * `estimatedAgents` counts the agent tasks the job runs (revisit rounds and the master synthesis included).
 */
export type GoalPlan = {
	subgoals: Subgoal[];
	plan: GoalPlanStep[];
	levels: string[][];
	explanation: string[];
	estimatedAgents: number;
};

/**
 * Splits `goal` into sub-goals. With a `strategy`, its output must pass `validateDecomposition` and
 * have at most `maxSubgoals` sub-goals; an invalid output is sent back once with its problems for
 * repair; a second invalid output, or a strategy that throws, falls back to `fallbackDecomposition`.
 * Without a strategy the fallback is used directly.
 * @example await decomposeGoal("Heat pumps vs gas furnaces", { maxSubgoals: 5, depth: 5 })
 * // { decomposition: { subgoals: [g1, g2, g3] }, origin: "fallback", problems: [] }
 */
export async function decomposeGoal(
	goal: string,
	options: GoalPlanOptions,
	strategy?: DecomposeStrategy,
): Promise<DecompositionOutcome> {
	const fallback = (problems: string[]): DecompositionOutcome => ({
		decomposition: fallbackDecomposition(goal, options),
		origin: "fallback",
		problems,
	});
	if (!strategy) return fallback([]);

	const request: DecomposeRequest = { goal, maxSubgoals: options.maxSubgoals, depth: options.depth };
	const problems: string[] = [];
	let repair: DecomposeRequest["repair"];
	for (const origin of ["strategy", "repaired"] as const) {
		let output: unknown;
		try {
			output = await strategy(repair ? { ...request, repair } : request);
		} catch (error) {
			// A failing provider must not fail the plan: the fallback needs no provider.
			problems.push(`decomposition failed: ${error instanceof Error ? error.message : String(error)}`);
			return fallback(problems);
		}
		const checked = checkDecomposition(output, options.maxSubgoals);
		if (checked.ok) return { decomposition: checked.value, origin, problems };
		problems.push(...checked.errors);
		repair = { output, errors: checked.errors };
	}
	return fallback(problems);
}

/**
 * Orders a decomposition with the GOAP planner (start: nothing done; goal: the master report) and
 * counts its agents. A decomposition whose dependencies name missing sub-goals gives the planner's
 * "unsatisfiable" error, listing the facts that can never hold.
 * @example planGoal({ subgoals: [g1, g2 (dependsOn g1)] }, {})
 * // { levels: [["g1"], ["g2"]], plan: [research:g1, research:g2, synthesize], estimatedAgents: 11, ... }
 */
export function planGoal(
	decomposition: Decomposition,
	options: { swarmSize?: number },
): GoalPlan | GoapError {
	const result = planGoap({
		start: [],
		goal: [REPORT_FACT],
		actions: actionsForDecomposition(decomposition),
	});
	if (isGoapError(result)) return result;

	const subgoalOfAction = new Map(result.steps.map((step) => [step.name, step.subgoalId ?? null]));
	const levels = result.levels
		.map((names) => names.flatMap((name) => subgoalOfAction.get(name) ?? []))
		.filter((ids) => ids.length > 0);
	return {
		subgoals: decomposition.subgoals,
		plan: result.steps.map((step, index) => ({
			step: index + 1,
			action: step.name,
			subgoalId: step.subgoalId ?? null,
			why: result.explanation[index]?.why ?? "",
			satisfies: result.explanation[index]?.satisfies ?? [],
		})),
		levels,
		explanation: explainPlan(result).split("\n"),
		estimatedAgents: goalAgentTasks(decomposition, options).length,
	};
}

/**
 * The token allowance priced per agent task. One task is one provider turn of the research loop,
 * which caps output at 8,192 tokens and a turn's searches plus page fetches at 10. Its prompt is
 * assumed at 30,000 tokens (at most 60,000 characters of source excerpts ≈ 20,000 tokens at 3
 * characters per token, plus 10,000 for instructions, the task, lessons and upstream findings),
 * plus 10,000 tokens of results per search, as the loop reserves: 130,000 input tokens in all.
 */
export const TASK_COST_BOUNDS: CostBounds = {
	inputTokens: 30_000 + 10 * 10_000,
	maxOutputTokens: 8_192,
	maxSearches: 10,
};

/** One agent task of a goal job; `subgoalId` is null for the master synthesis. */
export type GoalAgentTask = { subgoalId: string | null; role: Role };

/**
 * Every agent task a goal job runs, read off the plan the job runs (`planGoalSwarm`): per sub-goal
 * the tasks of its sub-swarm (`swarmSize` agents when given, else the default size for its
 * complexity; a very-high sub-goal whose swarm has a critic adds the two revisit tasks), then the
 * master synthesis.
 * @example goalAgentTasks({ subgoals: [low g1] }, {}) // explorer, depth_analyst, synthesizer of g1, then the master synthesizer
 */
export function goalAgentTasks(
	decomposition: Decomposition,
	options: { swarmSize?: number },
): GoalAgentTask[] {
	return planGoalSwarm(decomposition, { swarmSize: options.swarmSize ?? null }).map((task) => ({
		subgoalId: task.subgoalId ?? null,
		role: task.role,
	}));
}

/**
 * An upper bound of what agent tasks of `roles` cost in model calls, in USD: the sum of
 * `worstCaseCost(priceForRole(role), TASK_COST_BOUNDS)` — every prompt token at the dearest input rate,
 * the full output allowance and every search paid for. Null when a role has no price (the extractive
 * provider, or a model missing from the price table), since nothing can be promised then.
 * @example estimateTasksCostUsd(["explorer", "synthesizer"], () => null) // null
 */
export function estimateTasksCostUsd(
	roles: readonly Role[],
	priceForRole: (role: Role) => ModelPrice | null,
): number | null {
	let total = 0;
	for (const role of roles) {
		const price = priceForRole(role);
		if (price === null) return null;
		total += worstCaseCost(price, TASK_COST_BOUNDS);
	}
	return total;
}

/**
 * An upper bound of what a goal job's model calls cost, in USD: `estimateTasksCostUsd` of every task of
 * `goalAgentTasks`.
 * @example estimateGoalCostUsd(decomposition, {}, () => null) // null
 */
export function estimateGoalCostUsd(
	decomposition: Decomposition,
	options: { swarmSize?: number },
	priceForRole: (role: Role) => ModelPrice | null,
): number | null {
	const roles = goalAgentTasks(decomposition, options).map((task) => task.role);
	return estimateTasksCostUsd(roles, priceForRole);
}

function checkDecomposition(
	output: unknown,
	maxSubgoals: number,
): { ok: true; value: Decomposition } | { ok: false; errors: string[] } {
	const validation = validateDecomposition(output);
	if (!validation.ok) return validation;
	const count = validation.value.subgoals.length;
	if (count > maxSubgoals) {
		return { ok: false, errors: [`${count} sub-goals where at most ${maxSubgoals} were asked for`] };
	}
	return validation;
}

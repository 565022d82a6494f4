/**
 * Planning a job: its given sources fetched and stored, the tenant's similar successful patterns
 * recalled, the goal decomposed (goal mode) and the task DAG built, direct mode's one swarm or goal
 * mode's GOAP-ordered sub-swarms. The result is applied to the state in one step (`planned`).
 */
import { decompositionCostBounds, providerDecomposeStrategy } from "../agents/decompose-with-provider";
import { hostResolverFor } from "../evidence/host-resolver";
import { ingestSource } from "../evidence/ingest";
import type { EffectiveConfig, PlannedTask } from "../protocol";
import type { Decomposition } from "../swarm/decompose";
import { decomposeGoal } from "../swarm/goal-plan";
import { planGoalSwarm } from "../swarm/goal-swarm";
import { actionsForDecomposition, describeSteps, isGoapError, planGoap, REPORT_FACT } from "../swarm/goap";
import { planSwarm } from "../swarm/sizing";
import type { GoalInput } from "../synthesis/types";
import { recallLearning } from "./learning";
import type { CoordinatorModel } from "./model-caller";
import { initialTasks, type JobState } from "./state";
import type { PlanOutcome } from "./transitions";

/** What planning needs besides the job's state. */
export type PlanningContext = {
	env: Env;
	/** The explorer model of a job with `config`, for goal decomposition; none without a configured provider. */
	decomposer: (config: EffectiveConfig) => CoordinatorModel | undefined;
	/** False once the job stopped planning (it was cancelled), so later steps are skipped. */
	stillPlanning: () => boolean;
	now: () => number;
};

/** Plans `state`'s job; null when it was cancelled on the way. */
export async function planJob(state: JobState, context: PlanningContext): Promise<PlanOutcome | null> {
	const { env, stillPlanning } = context;
	const sources = await Promise.all(
		state.pendingSources.map((source, index) =>
			ingestSource(env.ARTIFACTS, state.tenantId, source, index, hostResolverFor(env)),
		),
	);
	if (!stillPlanning()) return null;
	const learning = await recallLearning(env, state, context.now());
	if (!stillPlanning()) return null;
	const config = learning && "config" in learning ? learning.config : state.config;
	const decomposition = await decompose({ ...state, config }, context.decomposer(config));
	if (!stillPlanning()) return null;
	const { tasks, goal } = planTasks({ ...state, config }, decomposition);
	return { sources, tasks: initialTasks(tasks), goal, learning };
}

/**
 * Goal mode's sub-goals (null in direct mode): split by the job's model when it can afford a call and
 * its repair, else, or when the model's answers fail, by the deterministic split.
 */
async function decompose(
	state: JobState,
	model: CoordinatorModel | undefined,
): Promise<Decomposition | null> {
	const { config } = state;
	if (config.mode !== "goal") return null;
	const options = { maxSubgoals: config.maxSubgoals, depth: config.depth };
	const strategy =
		model?.mayCall(decompositionCostBounds(state.task), 2) === true
			? providerDecomposeStrategy(model)
			: undefined;
	return (await decomposeGoal(state.task, options, strategy)).decomposition;
}

/**
 * The job's DAG. Direct mode: one swarm. Goal mode: the GOAP planner orders the sub-goals (its levels and
 * explanation are kept for the report), and each gets a sub-swarm.
 */
function planTasks(
	state: JobState,
	decomposition: Decomposition | null,
): { tasks: PlannedTask[]; goal: GoalInput | null } {
	if (decomposition === null) return { tasks: planSwarm(state.config), goal: null };
	const plan = planGoap({ start: [], goal: [REPORT_FACT], actions: actionsForDecomposition(decomposition) });
	if (isGoapError(plan)) throw new Error(`goal plan failed: ${plan.message}`);
	const tasks = planGoalSwarm(decomposition, {
		swarmSize: state.explicit.swarmSize ? state.config.swarmSize : null,
	});
	const subgoalOf = new Map(
		plan.steps.flatMap((step) => (step.subgoalId ? [[step.name, step.subgoalId]] : [])),
	);
	const goal: GoalInput = {
		goal: state.task,
		subgoals: decomposition.subgoals.map((subgoal) => ({
			...subgoal,
			taskIds: tasks.filter((task) => task.subgoalId === subgoal.id).map((task) => task.id),
		})),
		levels: plan.levels
			.map((level) => level.flatMap((name) => subgoalOf.get(name) ?? []))
			.filter((level) => level.length > 0),
		// Unnumbered: the report and the job view list them, and a list numbers its items itself.
		explanation: describeSteps(plan),
	};
	return { tasks, goal };
}

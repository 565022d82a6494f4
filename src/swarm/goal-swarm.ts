/**
 * The DAG of a goal-mode job: one sub-swarm per sub-goal (sized from the sub-goal's complexity unless the
 * request fixed a swarm size), wired so a sub-goal starts once the sub-goals it depends on have finished,
 * plus one master synthesizer over everything. Independent sub-goals share the job's single concurrency
 * cap and interleave freely. A very-high sub-goal's sub-swarm runs the second pass a very-high direct
 * job runs: the revisit round after its critic (only a swarm with a critic has one, as in `planSwarm`).
 */
import type { PlannedTask } from "../protocol";
import { DEFAULTS } from "./config";
import { assertValidDag } from "./dag";
import type { Decomposition } from "./decompose";
import { planSwarm } from "./sizing";

/** Share of the job's time budget kept for the master synthesizer. */
export const MASTER_SYNTHESIS_SHARE = 0.1;
export const MASTER_SYNTHESIZER_ID = "synthesizer";

/**
 * Plans the tasks of a goal-mode job. Task ids are `{subgoalId}/{role task id}` (the revisit round of a
 * very-high sub-goal: `g1/explorer-revisit`, `g1/depth-analyst-revisit`, after `g1/critic`); each
 * sub-goal's time share is (1 − MASTER_SYNTHESIS_SHARE) / number of sub-goals, split inside it as in a
 * direct job.
 * @example planGoalSwarm({ subgoals: [g1, g2] }, { swarmSize: null }).at(-1)?.id // "synthesizer"
 */
export function planGoalSwarm(
	decomposition: Decomposition,
	options: { swarmSize: number | null },
): PlannedTask[] {
	const share = (1 - MASTER_SYNTHESIS_SHARE) / decomposition.subgoals.length;
	const swarms = decomposition.subgoals.map((subgoal) => {
		const swarmSize = options.swarmSize ?? DEFAULTS.swarmSizeByComplexity[subgoal.complexity];
		// The same rule as `resolveConfig` for a direct job; planSwarm adds the round only after a critic.
		return { subgoal, swarm: planSwarm({ swarmSize, secondPass: subgoal.complexity === "very-high" }) };
	});
	// What later sub-goals wait for: the sub-swarm's synthesizer, or every task when it has none. Known
	// for every sub-goal before wiring, so a dependency listed after its dependant is kept too.
	const lastTaskOf = new Map(
		swarms.map(({ subgoal, swarm }) => {
			const synthesizer = swarm.filter((task) => task.role === "synthesizer");
			const last = synthesizer.length > 0 ? synthesizer : swarm;
			return [subgoal.id, last.map((task) => `${subgoal.id}/${task.id}`)] as const;
		}),
	);
	const tasks: PlannedTask[] = [];
	for (const { subgoal, swarm } of swarms) {
		const prefixed = (id: string) => `${subgoal.id}/${id}`;
		const upstream = subgoal.dependsOn.flatMap((id) => lastTaskOf.get(id) ?? []);
		for (const task of swarm) {
			tasks.push({
				...task,
				id: prefixed(task.id),
				dependsOn: [...task.dependsOn.map(prefixed), ...(task.dependsOn.length === 0 ? upstream : [])],
				timeShare: task.timeShare * share,
				subgoalId: subgoal.id,
			});
		}
	}
	tasks.push({
		id: MASTER_SYNTHESIZER_ID,
		role: "synthesizer",
		phase: "synthesis",
		dependsOn: tasks.map((task) => task.id),
		timeShare: MASTER_SYNTHESIS_SHARE,
		subgoalId: null,
	});
	assertValidDag(tasks);
	return tasks;
}

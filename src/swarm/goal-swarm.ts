/**
 * The DAG of a goal-mode job: one sub-swarm per sub-goal (sized from the sub-goal's complexity unless the
 * request fixed a swarm size), wired so a sub-goal starts once the sub-goals it depends on have finished,
 * plus one master synthesizer over everything. Independent sub-goals share the job's single concurrency
 * cap and interleave freely.
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
 * Plans the tasks of a goal-mode job. Task ids are `{subgoalId}/{role task id}`; each sub-goal's time
 * share is (1 − MASTER_SYNTHESIS_SHARE) / number of sub-goals, split inside it as in a direct job.
 * @example planGoalSwarm({ subgoals: [g1, g2] }, { swarmSize: null }).at(-1)?.id // "synthesizer"
 */
export function planGoalSwarm(
	decomposition: Decomposition,
	options: { swarmSize: number | null },
): PlannedTask[] {
	const share = (1 - MASTER_SYNTHESIS_SHARE) / decomposition.subgoals.length;
	const lastTaskOf = new Map<string, string[]>();
	const tasks: PlannedTask[] = [];
	for (const subgoal of decomposition.subgoals) {
		const swarmSize = options.swarmSize ?? DEFAULTS.swarmSizeByComplexity[subgoal.complexity];
		const swarm = planSwarm({ swarmSize, secondPass: false });
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
		// What later sub-goals wait for: the sub-swarm's synthesizer, or every task when it has none.
		const synthesizer = swarm.find((task) => task.role === "synthesizer");
		lastTaskOf.set(
			subgoal.id,
			synthesizer ? [prefixed(synthesizer.id)] : swarm.map((task) => prefixed(task.id)),
		);
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

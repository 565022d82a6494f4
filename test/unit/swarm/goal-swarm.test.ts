import { describe, expect, it } from "vitest";
import type { Complexity, Subgoal } from "../../../src/protocol";
import { MASTER_SYNTHESIZER_ID, planGoalSwarm } from "../../../src/swarm/goal-swarm";
import { planSwarm } from "../../../src/swarm/sizing";

const subgoal = (id: string, dependsOn: string[], complexity: Complexity): Subgoal => ({
	id,
	description: `Research part ${id}`,
	complexity,
	dependsOn,
	successCriteria: [`Identifies the key facts of ${id}`],
});

const ids = (tasks: { id: string }[]) => tasks.map((task) => task.id);

describe("planGoalSwarm", () => {
	it("gives a very-high sub-goal the revisit round after its critic, as a very-high direct job has", () => {
		const tasks = planGoalSwarm(
			{ subgoals: [subgoal("g1", [], "high"), subgoal("g2", ["g1"], "very-high")] },
			{
				swarmSize: null,
			},
		);
		const revisits = tasks.filter((task) => task.phase === "revisit");
		expect(revisits.map((task) => [task.id, task.role, task.dependsOn, task.subgoalId])).toEqual([
			["g2/explorer-revisit", "explorer", ["g2/critic"], "g2"],
			["g2/depth-analyst-revisit", "depth_analyst", ["g2/critic"], "g2"],
		]);
		const synthesizer = tasks.find((task) => task.id === "g2/synthesizer");
		expect(synthesizer?.dependsOn).toEqual(expect.arrayContaining(ids(revisits)));
		// The same sub-swarm as a direct very-high job plans, prefixed with the sub-goal.
		const direct = planSwarm({ swarmSize: 7, secondPass: true });
		expect(ids(tasks.filter((task) => task.subgoalId === "g2"))).toEqual(ids(direct).map((id) => `g2/${id}`));
		expect(tasks.filter((task) => task.subgoalId === "g1")).toHaveLength(7);
		expect(tasks.at(-1)?.dependsOn).toEqual(expect.arrayContaining(ids(revisits)));
	});

	it("plans no revisit round for a swarm without a critic, nor below very-high", () => {
		const veryHigh = { subgoals: [subgoal("g1", [], "very-high"), subgoal("g2", [], "very-high")] };
		expect(planGoalSwarm(veryHigh, { swarmSize: 5 }).some((task) => task.phase === "revisit")).toBe(false);
		const high = { subgoals: [subgoal("g1", [], "high"), subgoal("g2", [], "high")] };
		expect(planGoalSwarm(high, { swarmSize: 7 }).some((task) => task.phase === "revisit")).toBe(false);
		expect(planGoalSwarm(veryHigh, { swarmSize: 7 }).filter((task) => task.phase === "revisit")).toHaveLength(
			4,
		);
	});

	it("splits the job's time over every task, revisits included", () => {
		const tasks = planGoalSwarm(
			{ subgoals: [subgoal("g1", [], "very-high"), subgoal("g2", ["g1"], "low")] },
			{ swarmSize: null },
		);
		expect(tasks.reduce((sum, task) => sum + task.timeShare, 0)).toBeCloseTo(1, 12);
		expect(tasks.find((task) => task.id === MASTER_SYNTHESIZER_ID)?.timeShare).toBeCloseTo(0.1, 12);
	});

	it("waits for a dependency listed after the sub-goal that needs it", () => {
		const tasks = planGoalSwarm(
			{ subgoals: [subgoal("g2", ["g1"], "low"), subgoal("g1", [], "low")] },
			{
				swarmSize: null,
			},
		);
		const roots = tasks.filter((task) => task.subgoalId === "g2" && task.role === "explorer");
		expect(roots.map((task) => task.dependsOn)).toEqual([["g1/synthesizer"]]);
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TaskStatus } from "../../../src/protocol";
import {
	assertValidDag,
	criticalPathShare,
	InvalidDagError,
	inFlightCount,
	isSettled,
	isTerminalStatus,
	jobProgress,
	nextDispatch,
	readyTaskIds,
	type TaskState,
} from "../../../src/swarm/dag";
import { planSwarm } from "../../../src/swarm/sizing";

function state(
	id: string,
	dependsOn: string[],
	status: TaskStatus = "pending",
	timeShare = 0.25,
	progress = 0,
): TaskState {
	return { id, dependsOn, status, timeShare, progress };
}

/** A planned swarm as run state, every task pending. */
function pendingPlan(swarmSize: number, secondPass = false): TaskState[] {
	return planSwarm({ swarmSize, secondPass }).map((task) => ({ ...task, status: "pending", progress: 0 }));
}

function withStatus(tasks: TaskState[], statuses: Record<string, TaskStatus>): TaskState[] {
	return tasks.map((task) => ({ ...task, status: statuses[task.id] ?? task.status }));
}

describe("assertValidDag", () => {
	it("accepts every planned swarm", () => {
		for (const size of [1, 3, 4, 5, 6, 7]) {
			expect(() => assertValidDag(planSwarm({ swarmSize: size, secondPass: true }))).not.toThrow();
		}
	});

	it("accepts an empty plan", () => {
		expect(() => assertValidDag([])).not.toThrow();
	});

	it("rejects an unknown dependency, naming both tasks", () => {
		expect(() => assertValidDag([state("a", []), state("b", ["ghost"])])).toThrow(
			new InvalidDagError('task "b" depends on unknown task "ghost"'),
		);
	});

	it("rejects a duplicate id", () => {
		expect(() => assertValidDag([state("a", []), state("a", [])])).toThrow('duplicate task id "a"');
	});

	it("rejects a cycle, naming the tasks on it", () => {
		const tasks = [state("root", []), state("a", ["root", "c"]), state("b", ["a"]), state("c", ["b"])];
		expect(() => assertValidDag(tasks)).toThrow(InvalidDagError);
		expect(() => assertValidDag(tasks)).toThrow("dependency cycle: a → c → b → a");
	});

	it("rejects a task that depends on itself", () => {
		expect(() => assertValidDag([state("a", ["a"])])).toThrow("dependency cycle: a → a");
	});
});

describe("readyTaskIds", () => {
	it("starts with the tasks that have no dependencies, in plan order", () => {
		expect(readyTaskIds(pendingPlan(7))).toEqual(["explorer", "depth-analyst", "trend-analyst"]);
	});

	it("releases a task once its own dependencies ended, without waiting for a phase", () => {
		const tasks = withStatus(pendingPlan(7), { "depth-analyst": "completed", explorer: "running" });
		// domain expert needs only the depth analyst; the verifier still waits for the explorer
		expect(readyTaskIds(tasks)).toEqual(["trend-analyst", "domain-expert"]);
	});

	it("does not let a failed or skipped dependency block", () => {
		const tasks = withStatus(pendingPlan(5), { explorer: "failed", "depth-analyst": "skipped" });
		expect(readyTaskIds(tasks)).toEqual(["verifier", "trend-analyst"]);
	});

	it("only offers pending tasks", () => {
		const tasks = withStatus(pendingPlan(3), { explorer: "dispatched", "depth-analyst": "completed" });
		expect(readyTaskIds(tasks)).toEqual([]);
	});

	it("never releases a task whose dependency names no task", () => {
		expect(readyTaskIds([state("a", ["ghost"])])).toEqual([]);
	});
});

describe("nextDispatch and inFlightCount", () => {
	it("counts dispatched and running tasks as in flight", () => {
		const tasks = withStatus(pendingPlan(7), {
			explorer: "dispatched",
			"depth-analyst": "running",
			verifier: "failed",
		});
		expect(inFlightCount(tasks)).toBe(2);
	});

	it("fills the room left under the cap, in plan order", () => {
		const tasks = withStatus(pendingPlan(7), { explorer: "completed", "depth-analyst": "completed" });
		// ready: verifier, trend-analyst, domain-expert
		expect(nextDispatch(tasks, 4)).toEqual(["verifier", "trend-analyst", "domain-expert"]);
		expect(nextDispatch(tasks, 2)).toEqual(["verifier", "trend-analyst"]);
		const busy = withStatus(tasks, { "trend-analyst": "running" });
		expect(nextDispatch(busy, 2)).toEqual(["verifier"]);
	});

	it("dispatches nothing when the cap is reached or exceeded", () => {
		const tasks = withStatus(pendingPlan(7), { explorer: "running", "depth-analyst": "dispatched" });
		expect(nextDispatch(tasks, 2)).toEqual([]);
		expect(nextDispatch(tasks, 1)).toEqual([]);
	});
});

describe("isSettled and isTerminalStatus", () => {
	it("treats completed, failed and skipped as terminal", () => {
		const terminal = (["pending", "dispatched", "running", "completed", "failed", "skipped"] as const).filter(
			isTerminalStatus,
		);
		expect(terminal).toEqual(["completed", "failed", "skipped"]);
	});

	it("is settled only when every task ended", () => {
		const plan = pendingPlan(3);
		expect(isSettled(plan)).toBe(false);
		expect(isSettled(withStatus(plan, { explorer: "completed", "depth-analyst": "failed" }))).toBe(false);
		expect(
			isSettled(
				withStatus(plan, { explorer: "completed", "depth-analyst": "failed", synthesizer: "skipped" }),
			),
		).toBe(true);
	});
});

describe("jobProgress", () => {
	it("weighs task progress by time share and counts ended tasks as 100", () => {
		const tasks = [
			state("a", [], "completed", 0.5, 0),
			state("b", [], "running", 0.3, 50),
			state("c", ["a"], "pending", 0.2, 0),
		];
		expect(jobProgress(tasks)).toBe(65);
		expect(jobProgress(withStatus(tasks, { b: "failed", c: "skipped" }))).toBe(100);
	});

	it("rounds to an integer and stays within 0–100", () => {
		expect(jobProgress([state("a", [], "running", 1, 33.4)])).toBe(33);
		expect(jobProgress([state("a", [], "running", 1, 250)])).toBe(100);
		expect(jobProgress([state("a", [], "running", 1, -5)])).toBe(0);
	});

	it("is 0 for a fresh plan and for a plan without time share", () => {
		expect(jobProgress(pendingPlan(7, true))).toBe(0);
		expect(jobProgress([])).toBe(0);
	});
});

describe("criticalPathShare", () => {
	it.each([
		[1, false, 1],
		[3, false, 0.6], // explorer → synthesizer
		[5, false, 0.6], // explorer → verifier → synthesizer
		[7, false, 0.58], // explorer → verifier → critic → synthesizer
		[7, true, 0.67 / 1.18], // … → critic → explorer-revisit → synthesizer
	])("size %i (second pass %s) is %d", (swarmSize, secondPass, expected) => {
		expect(criticalPathShare(planSwarm({ swarmSize, secondPass }))).toBeCloseTo(expected, 12);
	});

	it("takes the heavier branch of a diamond", () => {
		const tasks = [
			{ id: "a", dependsOn: [], timeShare: 1 },
			{ id: "b", dependsOn: ["a"], timeShare: 5 },
			{ id: "c", dependsOn: ["a"], timeShare: 2 },
			{ id: "d", dependsOn: ["c", "b"], timeShare: 1 },
			{ id: "e", dependsOn: [], timeShare: 3 },
		];
		expect(criticalPathShare(tasks)).toBe(7);
	});

	it("is 0 for an empty plan and refuses a cycle", () => {
		expect(criticalPathShare([])).toBe(0);
		expect(() =>
			criticalPathShare([
				{ id: "a", dependsOn: ["b"], timeShare: 1 },
				{ id: "b", dependsOn: ["a"], timeShare: 1 },
			]),
		).toThrow(InvalidDagError);
	});

	it("lies between the largest single share and the total for every plan", () => {
		fc.assert(
			fc.property(fc.constantFrom(1, 3, 4, 5, 6, 7), fc.boolean(), (swarmSize, secondPass) => {
				const plan = planSwarm({ swarmSize, secondPass });
				const path = criticalPathShare(plan);
				expect(path).toBeGreaterThanOrEqual(Math.max(...plan.map((task) => task.timeShare)));
				expect(path).toBeLessThanOrEqual(1 + 1e-9);
			}),
		);
	});
});

describe("dispatch simulation", () => {
	it("never exceeds maxConcurrent and always settles, whatever order tasks finish in", () => {
		fc.assert(
			fc.property(
				fc.constantFrom(1, 3, 4, 5, 6, 7),
				fc.boolean(),
				fc.integer({ min: 1, max: 8 }),
				fc.array(fc.record({ pick: fc.nat(), outcome: fc.constantFrom("completed", "failed", "running") }), {
					minLength: 1,
					maxLength: 40,
				}),
				(swarmSize, secondPass, maxConcurrent, events) => {
					let tasks = pendingPlan(swarmSize, secondPass);
					// Each step moves one task forward (dispatched → running → ended), so this bounds the run.
					const maxSteps = tasks.length * 3;
					for (let step = 0; step < maxSteps && !isSettled(tasks); step++) {
						const dispatch = new Set(nextDispatch(tasks, maxConcurrent));
						const statusById = new Map(tasks.map((task) => [task.id, task.status]));
						for (const task of tasks.filter((candidate) => dispatch.has(candidate.id))) {
							for (const dependency of task.dependsOn) {
								expect(isTerminalStatus(statusById.get(dependency) ?? "pending")).toBe(true);
							}
						}
						tasks = tasks.map((task) => (dispatch.has(task.id) ? { ...task, status: "dispatched" } : task));
						const inFlight = tasks.filter(
							(task) => task.status === "dispatched" || task.status === "running",
						);
						expect(inFlightCount(tasks)).toBeLessThanOrEqual(maxConcurrent);
						expect(inFlight.length).toBeGreaterThan(0);

						const event = events[step % events.length];
						const chosen = inFlight[(event?.pick ?? 0) % inFlight.length];
						// "running" only applies to a dispatched task; a running one ends with success instead.
						const startsRunning = event?.outcome === "running" && chosen?.status === "dispatched";
						const ending: TaskStatus = event?.outcome === "failed" ? "failed" : "completed";
						const next: TaskStatus = startsRunning ? "running" : ending;
						tasks = tasks.map((task) => (task.id === chosen?.id ? { ...task, status: next } : task));
					}
					expect(isSettled(tasks)).toBe(true);
					expect(jobProgress(tasks)).toBe(100);
				},
			),
		);
	});
});

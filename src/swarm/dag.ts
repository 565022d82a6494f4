/**
 * Scheduling rules over a job's task DAG: validation, which tasks may start, how many may be
 * dispatched under the concurrency cap, and progress. Pure functions of the task states.
 */
import type { PlannedTask, TaskStatus, TaskView } from "../protocol";

/** The parts of a tracked task that scheduling looks at. */
export type TaskState = Pick<TaskView, "id" | "dependsOn" | "status" | "timeShare" | "progress">;

/** Thrown when a plan is not a valid DAG: unknown dependency, duplicate id or cycle. */
export class InvalidDagError extends Error {
	override readonly name = "InvalidDagError";
}

const TERMINAL_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(["completed", "failed", "skipped"]);
const IN_FLIGHT_TASK_STATUSES: ReadonlySet<TaskStatus> = new Set(["dispatched", "running"]);

/** True for a status a task never leaves: completed, failed or skipped. */
export function isTerminalStatus(status: TaskStatus): boolean {
	return TERMINAL_TASK_STATUSES.has(status);
}

/**
 * Throws an InvalidDagError naming the tasks involved when ids repeat, a dependency names no task,
 * or the dependencies form a cycle (a task depending on itself included).
 * @example assertValidDag([{ id: "a", dependsOn: ["b"] }, { id: "b", dependsOn: ["a"] }])
 * // throws: dependency cycle: a → b → a
 */
export function assertValidDag(tasks: ReadonlyArray<Pick<PlannedTask, "id" | "dependsOn">>): void {
	const byId = new Map<string, Pick<PlannedTask, "id" | "dependsOn">>();
	for (const task of tasks) {
		if (byId.has(task.id)) throw new InvalidDagError(`duplicate task id "${task.id}"`);
		byId.set(task.id, task);
	}
	for (const task of tasks) {
		for (const dependency of task.dependsOn) {
			if (!byId.has(dependency)) {
				throw new InvalidDagError(`task "${task.id}" depends on unknown task "${dependency}"`);
			}
		}
	}

	// Depth-first search; a dependency found on the current path closes a cycle.
	const finished = new Set<string>();
	const path: string[] = [];
	const visit = (id: string): void => {
		if (finished.has(id)) return;
		const cycleStart = path.indexOf(id);
		if (cycleStart !== -1) {
			throw new InvalidDagError(`dependency cycle: ${[...path.slice(cycleStart), id].join(" → ")}`);
		}
		path.push(id);
		for (const dependency of byId.get(id)?.dependsOn ?? []) visit(dependency);
		path.pop();
		finished.add(id);
	};
	for (const task of tasks) visit(task.id);
}

/**
 * Ids of pending tasks whose dependencies have all ended (completed, failed or skipped), in plan
 * order. A failed dependency does not block: the job carries on without its output.
 * A dependency that names no task never counts as ended; plans are checked with `assertValidDag`.
 */
export function readyTaskIds(tasks: readonly TaskState[]): string[] {
	const statusById = new Map(tasks.map((task) => [task.id, task.status]));
	return tasks
		.filter(
			(task) =>
				task.status === "pending" &&
				task.dependsOn.every((dependency) => {
					const status = statusById.get(dependency);
					return status !== undefined && isTerminalStatus(status);
				}),
		)
		.map((task) => task.id);
}

/** Number of tasks dispatched or running. */
export function inFlightCount(tasks: readonly TaskState[]): number {
	return tasks.filter((task) => IN_FLIGHT_TASK_STATUSES.has(task.status)).length;
}

/**
 * Ready task ids to dispatch now, so that at most `maxConcurrent` tasks are in flight; empty when
 * the cap is already reached (or exceeded).
 * @example nextDispatch(tasks, 4) // with 3 in flight and 2 ready → the first ready id only
 */
export function nextDispatch(tasks: readonly TaskState[], maxConcurrent: number): string[] {
	const room = Math.max(0, maxConcurrent - inFlightCount(tasks));
	return readyTaskIds(tasks).slice(0, room);
}

/** True when every task has ended (completed, failed or skipped). */
export function isSettled(tasks: readonly TaskState[]): boolean {
	return tasks.every((task) => isTerminalStatus(task.status));
}

/**
 * Job progress in percent, an integer in [0, 100]: the time-share-weighted mean of task progress,
 * an ended task counting as 100. A plan with no time share reports 0.
 * @example jobProgress([{ ..., timeShare: 0.75, status: "completed" }, { ..., timeShare: 0.25, status: "running", progress: 40 }]) // 85
 */
export function jobProgress(tasks: readonly TaskState[]): number {
	let weighted = 0;
	let totalShare = 0;
	for (const task of tasks) {
		const progress = isTerminalStatus(task.status) ? 100 : Math.min(100, Math.max(0, task.progress));
		weighted += task.timeShare * progress;
		totalShare += task.timeShare;
	}
	if (totalShare <= 0) return 0;
	return Math.round(weighted / totalShare);
}

/**
 * The largest sum of time shares along any dependency chain: the fraction of the time budget the
 * job needs even with unlimited concurrency. Validates the DAG first.
 * @example criticalPathShare(planSwarm({ swarmSize: 3, secondPass: false })) // 0.6 (explorer → synthesizer)
 */
export function criticalPathShare(
	tasks: ReadonlyArray<Pick<PlannedTask, "id" | "dependsOn" | "timeShare">>,
): number {
	assertValidDag(tasks);
	const byId = new Map(tasks.map((task) => [task.id, task]));
	const longestEndingAt = new Map<string, number>();
	const longest = (id: string): number => {
		const known = longestEndingAt.get(id);
		if (known !== undefined) return known;
		const task = byId.get(id);
		if (!task) return 0;
		const upstream = Math.max(0, ...task.dependsOn.map(longest));
		const value = upstream + task.timeShare;
		longestEndingAt.set(id, value);
		return value;
	};
	return Math.max(0, ...tasks.map((task) => longest(task.id)));
}

/** Ids of every task `taskId` depends on, directly or through other tasks. */
export function ancestorIds(tasks: readonly PlannedTask[], taskId: string): Set<string> {
	const byId = new Map(tasks.map((task) => [task.id, task]));
	const found = new Set<string>();
	const stack = [...(byId.get(taskId)?.dependsOn ?? [])];
	while (stack.length > 0) {
		const id = stack.pop();
		if (id === undefined || found.has(id)) continue;
		found.add(id);
		stack.push(...(byId.get(id)?.dependsOn ?? []));
	}
	return found;
}

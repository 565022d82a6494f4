/**
 * Reference schedules of a job's task DAG with known task durations and at most `cap` tasks at once,
 * to judge the makespan a job achieved:
 * - `optimalMakespan`: the shortest possible makespan, found exactly by trying every dependency-respecting
 *   order with the serial schedule-generation scheme (each task, in order, starts at the earliest time its
 *   dependencies are done and a slot stays free for its whole duration). The active schedules it
 *   generates include an optimal one, and plans have at most 9 tasks, so trying all orders is cheap.
 * - `listMakespan`: the coordinator's own rule with zero overhead: whenever a task ends, start the ready
 *   tasks in plan order until `cap` run.
 * - `phaseBarrierMakespan`: phases one after another (research, review, revisit, synthesis), each
 *   scheduled optimally under the cap on its own (dependencies inside a phase kept), none starting
 *   before the previous phase has entirely finished.
 */

/** @typedef {{ id: string; dependsOn: readonly string[]; phase?: string }} PlanTask */

/** Phase order of the barrier schedule; phases a plan does not use are skipped. */
export const PHASE_ORDER = ["research", "review", "revisit", "synthesis"];

/**
 * @param {ReadonlyMap<string, number>} durations
 * @param {string} id
 */
function durationOf(durations, id) {
	const duration = durations.get(id);
	if (duration === undefined || duration < 0) throw new RangeError(`no duration for task "${id}"`);
	return duration;
}

/**
 * The earliest start ≥ `from` at which fewer than `cap` of `placed` intervals overlap [start, start + length).
 * @param {readonly { start: number; end: number }[]} placed
 * @param {number} from
 * @param {number} length
 * @param {number} cap
 */
function earliestSlot(placed, from, length, cap) {
	const candidates = [from, ...placed.map((interval) => interval.end).filter((end) => end > from)].sort(
		(a, b) => a - b,
	);
	for (const start of candidates) {
		const end = start + length;
		// Usage only rises at interval starts, so checking `start` and every start inside the window suffices.
		const points = [start, ...placed.map((interval) => interval.start).filter((s) => s > start && s < end)];
		const fits = points.every(
			(point) =>
				placed.filter(
					(interval) => interval.start <= point && point < interval.end && interval.end > interval.start,
				).length < cap,
		);
		if (fits) return start;
	}
	throw new Error("unreachable: the last candidate start is after every placed interval");
}

/**
 * The shortest makespan of `tasks` with `durations` (ms by task id) and at most `cap` tasks at once.
 * @example optimalMakespan([{ id: "a", dependsOn: [] }, { id: "b", dependsOn: [] }, { id: "c", dependsOn: ["a"] }], new Map([["a", 2], ["b", 3], ["c", 2]]), 2) // 4
 * @param {readonly PlanTask[]} tasks
 * @param {ReadonlyMap<string, number>} durations
 * @param {number} cap
 * @returns {number}
 */
export function optimalMakespan(tasks, durations, cap) {
	if (cap < 1) throw new RangeError("cap must be at least 1");
	const ids = new Set(tasks.map((task) => task.id));
	let best = Number.POSITIVE_INFINITY;
	/** @type {Map<string, { start: number; end: number }>} */
	const placed = new Map();
	const extend = (/** @type {number} */ makespan) => {
		if (makespan >= best) return; // cannot beat the best complete schedule
		if (placed.size === tasks.length) {
			best = makespan;
			return;
		}
		for (const task of tasks) {
			if (placed.has(task.id)) continue;
			const inside = task.dependsOn.filter((dependency) => ids.has(dependency));
			if (!inside.every((dependency) => placed.has(dependency))) continue;
			const ready = Math.max(0, ...inside.map((dependency) => placed.get(dependency)?.end ?? 0));
			const length = durationOf(durations, task.id);
			const start = earliestSlot([...placed.values()], ready, length, cap);
			placed.set(task.id, { start, end: start + length });
			extend(Math.max(makespan, start + length));
			placed.delete(task.id);
		}
	};
	extend(0);
	if (best === Number.POSITIVE_INFINITY) throw new Error("the plan has a dependency cycle");
	return best;
}

/**
 * The makespan of the coordinator's dispatch rule without overhead: at time 0 and whenever a task ends,
 * the ready tasks start in plan order while fewer than `cap` run.
 * @example listMakespan([{ id: "a", dependsOn: [] }, { id: "b", dependsOn: [] }, { id: "c", dependsOn: ["a"] }], new Map([["a", 2], ["b", 3], ["c", 2]]), 1) // 7
 * @param {readonly PlanTask[]} tasks
 * @param {ReadonlyMap<string, number>} durations
 * @param {number} cap
 * @returns {number}
 */
export function listMakespan(tasks, durations, cap) {
	if (cap < 1) throw new RangeError("cap must be at least 1");
	/** @type {Map<string, number>} */
	const finishedAt = new Map();
	/** @type {{ id: string; end: number }[]} */
	let running = [];
	const started = new Set();
	let now = 0;
	while (finishedAt.size < tasks.length) {
		for (const task of tasks) {
			if (running.length >= cap) break;
			if (started.has(task.id) || !task.dependsOn.every((dependency) => finishedAt.has(dependency))) continue;
			started.add(task.id);
			running.push({ id: task.id, end: now + durationOf(durations, task.id) });
		}
		if (running.length === 0) throw new Error("the plan has a dependency cycle or an unknown dependency");
		now = Math.min(...running.map((entry) => entry.end));
		for (const entry of running) if (entry.end === now) finishedAt.set(entry.id, now);
		running = running.filter((entry) => entry.end !== now);
	}
	return now;
}

/**
 * The makespan when each phase waits for the previous one to finish entirely, each phase scheduled
 * optimally under `cap` (tasks without a phase count as research).
 * @param {readonly PlanTask[]} tasks
 * @param {ReadonlyMap<string, number>} durations
 * @param {number} cap
 * @returns {number}
 */
export function phaseBarrierMakespan(tasks, durations, cap) {
	const unknown = tasks.find((task) => task.phase !== undefined && !PHASE_ORDER.includes(task.phase));
	if (unknown) throw new RangeError(`unknown phase "${unknown.phase}" of task "${unknown.id}"`);
	return PHASE_ORDER.reduce((total, phase) => {
		const members = tasks.filter((task) => (task.phase ?? "research") === phase);
		return members.length === 0 ? total : total + optimalMakespan(members, durations, cap);
	}, 0);
}

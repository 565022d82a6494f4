// @ts-check
/**
 * The geometry of a job's live view, from its agents (a job view's plan or a job's folded progress): the
 * swarm's DAG in columns by dependency depth, and the timeline of agent runs with how many were in
 * flight at once. Pure functions; drawing is elsewhere.
 */

/** @typedef {{ id: string; dependsOn: readonly string[] }} DagTask */
/** @typedef {{ id: string; dispatchedAt: number | null; startedAt: number | null; finishedAt: number | null }} TimedTask */

/**
 * The swarm's DAG in columns: every task after all of its dependencies. A node's `level` is its column
 * (the longest dependency chain before it), its `row` its place within the column in plan order.
 * @example dagLayout(plan).levels // 3 for research → review → synthesis
 * @template {DagTask} T
 * @param {readonly T[]} plan
 * @returns {{ nodes: { task: T; level: number; row: number }[]; edges: { from: string; to: string }[]; levels: number; rows: number }}
 */
export function dagLayout(plan) {
	const byId = new Map(plan.map((task) => [task.id, task]));
	/** @type {Map<string, number>} */
	const levels = new Map();
	/** @param {T} task @param {Set<string>} visiting @returns {number} */
	const levelOf = (task, visiting) => {
		const known = levels.get(task.id);
		if (known !== undefined) return known;
		// A cycle cannot come from the planner; guard anyway so a bad plan cannot hang the page.
		if (visiting.has(task.id)) return 0;
		visiting.add(task.id);
		let level = 0;
		for (const id of task.dependsOn) {
			const dependency = byId.get(id);
			if (dependency) level = Math.max(level, levelOf(dependency, visiting) + 1);
		}
		levels.set(task.id, level);
		return level;
	};
	/** @type {number[]} */
	const rowsInLevel = [];
	const nodes = plan.map((task) => {
		const level = levelOf(task, new Set());
		const row = rowsInLevel[level] ?? 0;
		rowsInLevel[level] = row + 1;
		return { task, level, row };
	});
	const edges = plan.flatMap((task) =>
		task.dependsOn.filter((id) => byId.has(id)).map((id) => ({ from: id, to: task.id })),
	);
	return { nodes, edges, levels: rowsInLevel.length, rows: Math.max(0, ...rowsInLevel) };
}

/**
 * The timeline of agent runs, and the most agents that were ever in flight (dispatched, not finished) at once.
 * Each bar is one agent's run in milliseconds from the first dispatch: waiting in the queue from
 * `dispatched` to `started`, running from `started` to `end` (now, while it runs). Tasks never dispatched
 * have no bar.
 * @template {TimedTask} T
 * @param {readonly T[]} plan
 * @param {number} now the time open runs are drawn up to
 * @returns {{ bars: { task: T; dispatched: number; started: number | null; end: number }[]; span: number; peakInFlight: number }}
 */
export function timelineOf(plan, now) {
	const dispatched = plan.filter((task) => task.dispatchedAt !== null);
	if (dispatched.length === 0) return { bars: [], span: 0, peakInFlight: 0 };
	const origin = Math.min(...dispatched.map((task) => /** @type {number} */ (task.dispatchedAt)));
	const bars = dispatched.map((task) => {
		const dispatchedAt = /** @type {number} */ (task.dispatchedAt);
		const end = Math.max(dispatchedAt, task.finishedAt ?? now);
		return {
			task,
			dispatched: dispatchedAt - origin,
			started: task.startedAt === null ? null : task.startedAt - origin,
			end: end - origin,
		};
	});
	return { bars, span: Math.max(...bars.map((bar) => bar.end)), peakInFlight: peakOverlap(bars) };
}

/**
 * The most intervals open at one instant; an interval ending exactly when another starts does not overlap it.
 * @param {readonly { dispatched: number; end: number }[]} intervals
 * @returns {number}
 */
export function peakOverlap(intervals) {
	const points = intervals.flatMap((interval) => [
		{ at: interval.dispatched, delta: 1 },
		{ at: interval.end, delta: -1 },
	]);
	points.sort((a, b) => a.at - b.at || a.delta - b.delta);
	let open = 0;
	let peak = 0;
	for (const point of points) {
		open += point.delta;
		peak = Math.max(peak, open);
	}
	return peak;
}

/**
 * Round tick values from 0 up to at least `max`, about `count` of them, on a 1-2-5 scale.
 * @example niceTicks(2300, 4) // [0, 1000, 2000, 3000]
 * @param {number} max
 * @param {number} count
 * @returns {number[]}
 */
export function niceTicks(max, count) {
	if (!(max > 0)) return [0];
	const rough = max / Math.max(1, count);
	const magnitude = 10 ** Math.floor(Math.log10(rough));
	const step = ([1, 2, 5, 10].find((factor) => factor * magnitude >= rough) ?? 10) * magnitude;
	// Multiplying rather than adding up steps keeps rounding errors from leaving the maximum uncovered.
	let last = Math.ceil(max / step);
	while (last * step < max) last++;
	return Array.from({ length: last + 1 }, (_, index) => index * step);
}

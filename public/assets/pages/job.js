// @ts-check
/**
 * A job's live view. The job's state comes from `GET /v1/research/:id`; its event stream says when that
 * state changed, so each burst of events brings one fresh read (and progress events move their agent's
 * bar at once). The swarm is drawn as a DAG, the agent runs as a timeline.
 */
import { showError } from "../alert.js";
import { apiJson, followJobEvents } from "../api.js";
import { byId, h, svg } from "../dom.js";
import { formatDuration, formatTokens, formatUsd, usageTokens } from "../format.js";
import { dagLayout, niceTicks, timelineOf } from "../schedule-view.js";

/** @typedef {import("../../../src/protocol.ts").JobView} JobView */
/** @typedef {import("../../../src/protocol.ts").TaskView} TaskView */
/** @typedef {import("../../../src/protocol.ts").JobEvent} JobEvent */

const TERMINAL = new Set(["completed", "failed", "cancelled"]);
/** The most events the log keeps on the page. */
const EVENT_LOG_LIMIT = 200;
/** Reads of the job at most this often while events stream in. */
const REFRESH_INTERVAL_MS = 250;

const NODE = { width: 150, height: 46, columnGap: 56, rowGap: 14 };
const TIMELINE = { label: 130, width: 640, row: 24, bar: 16, axis: 24 };

/**
 * The swarm as columns of agents by dependency depth, each box naming the agent and its state.
 * @param {JobView} job
 */
function drawDag(job) {
	const layout = dagLayout(job.plan);
	const width = layout.levels * NODE.width + Math.max(0, layout.levels - 1) * NODE.columnGap;
	const height = layout.rows * NODE.height + Math.max(0, layout.rows - 1) * NODE.rowGap;
	/** @type {Map<string, { x: number; y: number }>} */
	const at = new Map();
	for (const node of layout.nodes) {
		at.set(node.task.id, {
			x: node.level * (NODE.width + NODE.columnGap),
			y: node.row * (NODE.height + NODE.rowGap),
		});
	}
	const edges = layout.edges.map((edge) => {
		const from = /** @type {{ x: number; y: number }} */ (at.get(edge.from));
		const to = /** @type {{ x: number; y: number }} */ (at.get(edge.to));
		const x1 = from.x + NODE.width;
		const y1 = from.y + NODE.height / 2;
		const x2 = to.x - 4;
		const y2 = to.y + NODE.height / 2;
		const bend = NODE.columnGap / 2;
		return svg("path", {
			class: "edge",
			d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
			"marker-end": "url(#arrow)",
		});
	});
	const nodes = layout.nodes.map(({ task }) => {
		const { x, y } = /** @type {{ x: number; y: number }} */ (at.get(task.id));
		return svg(
			"g",
			{
				class: `node status-${task.status}`,
				"data-task-id": task.id,
				"data-status": task.status,
				transform: `translate(${x},${y})`,
			},
			svg("title", {}, `${task.id} (${task.role}): ${task.status}`),
			svg("rect", { width: NODE.width, height: NODE.height, rx: 6 }),
			svg("text", { x: 10, y: 19, class: "node-name" }, task.id),
			svg(
				"text",
				{ x: 10, y: 36, class: "node-state" },
				task.status === "running" && task.progress > 0
					? `running ${Math.round(task.progress)} %`
					: task.status,
			),
		);
	});
	byId("dag", HTMLDivElement).replaceChildren(
		svg(
			"svg",
			{
				viewBox: `-2 -2 ${width + 4} ${height + 4}`,
				width: width + 4,
				role: "img",
				"aria-label": `${job.plan.length} agents in ${layout.levels} stages`,
			},
			svg(
				"defs",
				{},
				svg(
					"marker",
					{
						id: "arrow",
						viewBox: "0 0 8 8",
						refX: 7,
						refY: 4,
						markerWidth: 7,
						markerHeight: 7,
						orient: "auto",
					},
					svg("path", { d: "M0,0 L8,4 L0,8 z", class: "arrow" }),
				),
			),
			...edges,
			...nodes,
		),
	);
}

/**
 * One row per agent run, waiting in the queue then running, on a shared time axis: overlapping bars are
 * agents that ran at the same time.
 * @param {JobView} job
 * @param {number} now
 */
function drawTimeline(job, now) {
	const { bars, span, peakInFlight } = timelineOf(job.plan, now);
	byId("timeline-summary", HTMLParagraphElement).textContent =
		bars.length === 0
			? "No agent has been dispatched yet."
			: `${bars.length} of ${job.plan.length} agents dispatched over ${formatDuration(span)}; at most ${peakInFlight} in flight at once (the cap is ${job.config.maxConcurrent}). Lighter segments are time waiting in the queue.`;
	if (bars.length === 0) {
		byId("timeline", HTMLDivElement).replaceChildren();
		return;
	}
	const ticks = niceTicks(span, 5);
	const scaleEnd = /** @type {number} */ (ticks.at(-1));
	const x = (/** @type {number} */ ms) => TIMELINE.label + (ms / scaleEnd) * TIMELINE.width;
	const height = bars.length * TIMELINE.row + TIMELINE.axis;
	const axis = ticks.map((tick) =>
		svg(
			"g",
			{ class: "tick" },
			svg("line", { x1: x(tick), x2: x(tick), y1: 0, y2: bars.length * TIMELINE.row }),
			svg("text", { x: x(tick), y: height - 6, "text-anchor": "middle" }, formatDuration(tick)),
		),
	);
	const rows = bars.map((bar, index) => {
		const y = index * TIMELINE.row + (TIMELINE.row - TIMELINE.bar) / 2;
		const started = bar.started ?? bar.end;
		return svg(
			"g",
			{ class: `bar status-${bar.task.status}`, "data-task-id": bar.task.id },
			svg(
				"title",
				{},
				`${bar.task.id}: dispatched at ${formatDuration(bar.dispatched)}, ${bar.started === null ? "not started" : `started at ${formatDuration(bar.started)}`}, ${TERMINAL.has(bar.task.status) || bar.task.finishedAt !== null ? "finished" : "still open"} at ${formatDuration(bar.end)}`,
			),
			svg("text", { x: 0, y: y + TIMELINE.bar - 4, class: "bar-label" }, bar.task.id),
			svg("rect", {
				class: "queued",
				x: x(bar.dispatched),
				y,
				width: Math.max(1, x(started) - x(bar.dispatched)),
				height: TIMELINE.bar,
			}),
			bar.started === null
				? null
				: svg("rect", {
						class: "run",
						x: x(bar.started),
						y,
						width: Math.max(2, x(bar.end) - x(bar.started)),
						height: TIMELINE.bar,
						rx: 3,
					}),
		);
	});
	byId("timeline", HTMLDivElement).replaceChildren(
		svg(
			"svg",
			{
				viewBox: `0 0 ${TIMELINE.label + TIMELINE.width + 30} ${height}`,
				width: TIMELINE.label + TIMELINE.width + 30,
				role: "img",
				"aria-label": `Timeline of ${bars.length} agent runs over ${formatDuration(span)}; at most ${peakInFlight} at once`,
			},
			...axis,
			...rows,
		),
	);
}

/**
 * @param {JobView} job
 * @param {number} now
 */
function drawAgents(job, now) {
	const body = /** @type {HTMLTableSectionElement} */ (byId("agents-table", HTMLTableElement).tBodies[0]);
	body.replaceChildren(
		...job.plan.map((task) =>
			h(
				"tr",
				{ "data-task-id": task.id },
				h("th", { scope: "row" }, task.id, h("br"), h("small", { class: "muted" }, task.role)),
				h(
					"td",
					{},
					h("span", { class: `status status-${task.status}` }, task.status),
					task.attempts > 1 ? ` (attempt ${task.attempts})` : "",
				),
				h(
					"td",
					{},
					h("progress", { max: 100, value: task.progress, "aria-label": `${task.id} progress` }),
					` ${Math.round(task.progress)} %`,
				),
				h(
					"td",
					{},
					task.startedAt === null ? "–" : formatDuration((task.finishedAt ?? now) - task.startedAt),
				),
				h("td", {}, formatTokens(usageTokens(task.usage))),
				h("td", {}, formatUsd(task.usage.costUsd)),
				h("td", {}, task.provider ? `${task.provider}${task.model ? ` · ${task.model}` : ""}` : "–"),
			),
		),
	);
}

/**
 * @param {JobView} job
 * @param {number} now
 */
function drawSummary(job, now) {
	byId("job-task", HTMLParagraphElement).textContent = job.task;
	const status = byId("job-status", HTMLSpanElement);
	status.textContent = job.status;
	status.className = `status status-${job.status}`;
	byId("job-progress", HTMLProgressElement).value = job.progress;
	byId("job-progress-text", HTMLSpanElement).textContent = `${Math.round(job.progress)} %`;
	const agents = job.metrics.agents;
	byId("job-agents", HTMLElement).textContent =
		`${agents.completed} of ${job.plan.length} done${agents.failed ? `, ${agents.failed} failed` : ""}`;
	byId("job-elapsed", HTMLElement).textContent = formatDuration((job.completedAt ?? now) - job.createdAt);
	const usage = job.metrics.usage;
	byId("job-tokens", HTMLElement).textContent = formatTokens(usageTokens(usage));
	byId("job-cost", HTMLElement).textContent = formatUsd(usage.costUsd);
	byId("report-link", HTMLAnchorElement).hidden = job.status !== "completed";
	byId("cancel-job", HTMLButtonElement).hidden = TERMINAL.has(job.status);
	const error = byId("job-error", HTMLParagraphElement);
	error.hidden = job.error === null;
	error.textContent = job.error ? `${job.error.code}: ${job.error.message}` : "";
}

/**
 * Goal mode: each sub-goal with its state, what it waits for and how many agents work on it.
 * @param {JobView} job
 */
function drawGoal(job) {
	const section = byId("goal-section", HTMLElement);
	section.hidden = job.goal === null;
	if (job.goal === null) return;
	byId("subgoals", HTMLOListElement).replaceChildren(
		...job.goal.subgoals.map((subgoal) =>
			h(
				"li",
				{ "data-subgoal-id": subgoal.id },
				h("strong", {}, subgoal.id),
				` ${subgoal.description} `,
				h("span", { class: `status status-${subgoal.status}` }, subgoal.status),
				h(
					"small",
					{ class: "muted" },
					` · ${subgoal.complexity} · ${subgoal.taskIds.length} agents${subgoal.dependsOn.length ? ` · after ${subgoal.dependsOn.join(", ")}` : ""}`,
				),
			),
		),
	);
}

/**
 * @param {JobView} job
 */
function draw(job) {
	const now = Date.now();
	document.title = `${job.status} · ${job.task.slice(0, 60)} · research-swarm`;
	drawSummary(job, now);
	drawGoal(job);
	drawDag(job);
	drawTimeline(job, now);
	drawAgents(job, now);
}

/**
 * @param {JobEvent} event
 * @param {number} origin
 */
function logEvent(event, origin) {
	const list = byId("events", HTMLOListElement);
	const agent = event.data.agentId ? ` ${event.data.agentId}` : "";
	const progress = typeof event.data.progress === "number" ? ` ${Math.round(event.data.progress)} %` : "";
	const note = typeof event.data.note === "string" ? ` — ${event.data.note}` : "";
	list.prepend(
		h(
			"li",
			{ value: event.seq },
			h("time", {}, `+${formatDuration(event.data.at - origin)}`),
			` ${event.type}${agent}${progress}${note}`,
		),
	);
	while (list.children.length > EVENT_LOG_LIMIT) list.lastElementChild?.remove();
}

/** Draws the job and keeps it current until it ends. */
export async function showJob() {
	const jobId = document.body.dataset.jobId ?? "";
	const path = `/v1/research/${encodeURIComponent(jobId)}`;
	/** @type {JobView} */
	let job = await apiJson(path);
	draw(job);

	byId("cancel-job", HTMLButtonElement).addEventListener("click", async () => {
		if (!confirm("Cancel this job? Agents that are running stop, and no report is written.")) return;
		try {
			job = await apiJson(`${path}/cancel`, { method: "POST" });
			draw(job);
		} catch (error) {
			showError(error);
		}
	});
	// A finished job's stream replays its whole log and closes, so the events list is filled either way.
	let refreshing = false;
	let refreshAgain = false;
	let stopped = false;
	const refresh = async () => {
		if (refreshing) {
			refreshAgain = true;
			return;
		}
		refreshing = true;
		try {
			const fresh = await apiJson(path);
			if (!stopped) {
				job = fresh;
				draw(job);
			}
		} catch (error) {
			showError(error);
		} finally {
			setTimeout(() => {
				refreshing = false;
				if (refreshAgain && !stopped) {
					refreshAgain = false;
					void refresh();
				}
			}, REFRESH_INTERVAL_MS);
		}
	};
	// Running agents' bars and the elapsed time grow between events too.
	const ticker = setInterval(() => {
		if (!TERMINAL.has(job.status)) draw(job);
	}, 1000);
	const streamStatus = byId("stream-status", HTMLSpanElement);
	const terminal = await followJobEvents(jobId, {
		onConnection: (open) => {
			streamStatus.textContent = open ? "live" : "reconnecting…";
		},
		onEvent: (event) => {
			logEvent(event, job.createdAt);
			const task = job.plan.find((entry) => entry.id === event.data.agentId);
			if (event.type === "agent.progress" && task && typeof event.data.progress === "number") {
				task.progress = event.data.progress;
				task.status = "running";
				draw(job);
			}
			void refresh();
		},
	});
	clearInterval(ticker);
	streamStatus.textContent = terminal ? "finished" : "";
	// The terminal event is the last one: its state is final, and a refresh still in flight is older.
	stopped = true;
	job = await apiJson(path);
	draw(job);
}

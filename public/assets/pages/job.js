// @ts-check
/**
 * A job's live view, drawn from its event stream: the events are folded into the job's progress (the
 * fold the CLI and the MCP bridge use too) and this page only draws it. The swarm is drawn as a DAG, the
 * agent runs as a timeline. The job view (`GET /v1/research/:id`) gives the task text, the configuration
 * and, in goal mode, the sub-goals, whose states it is re-read for while agents run.
 */
import { showError } from "../alert.js";
import { apiJson, followJob } from "../api.js";
import { byId, h, svg } from "../dom.js";
import { formatTokens, formatUsd, usageTokens } from "../format.js";
import { dagLayout, niceTicks, timelineOf } from "../schedule-view.js";
import { applyEvent, describeEvent, emptyProgress, formatDuration, hasEnded, jobPercent } from "../shared.js";

/** @typedef {import("../../../src/protocol.ts").JobView} JobView */
/** @typedef {import("../../../src/protocol.ts").JobEvent} JobEvent */
/** @typedef {import("../shared.js").JobProgress} JobProgress */
/** @typedef {import("../shared.js").AgentProgress} AgentProgress */

/** The most events the log keeps on the page. */
const EVENT_LOG_LIMIT = 200;
/** Reads of the job view at most this often while events stream in (goal mode). */
const REFRESH_INTERVAL_MS = 250;

const NODE = { width: 150, height: 46, columnGap: 56, rowGap: 14 };
const TIMELINE = { label: 130, width: 640, row: 24, bar: 16, axis: 24 };

/**
 * The swarm as columns of agents by dependency depth, each box naming the agent and its state.
 * @param {readonly AgentProgress[]} agents
 */
function drawDag(agents) {
	const layout = dagLayout(agents);
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
				"aria-label": `${agents.length} agents in ${layout.levels} stages`,
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
 * @param {readonly AgentProgress[]} agents
 * @param {number} cap the job's concurrency cap
 * @param {number} now
 */
function drawTimeline(agents, cap, now) {
	const { bars, span, peakInFlight } = timelineOf(agents, now);
	byId("timeline-summary", HTMLParagraphElement).textContent =
		bars.length === 0
			? "No agent has been dispatched yet."
			: `${bars.length} of ${agents.length} agents dispatched over ${formatDuration(span)}; at most ${peakInFlight} in flight at once (the cap is ${cap}). Lighter segments are time waiting in the queue.`;
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
				`${bar.task.id}: dispatched at ${formatDuration(bar.dispatched)}, ${bar.started === null ? "not started" : `started at ${formatDuration(bar.started)}`}, ${bar.task.finishedAt !== null ? "finished" : "still open"} at ${formatDuration(bar.end)}`,
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
 * @param {readonly AgentProgress[]} agents
 * @param {number} now
 */
function drawAgents(agents, now) {
	const body = /** @type {HTMLTableSectionElement} */ (byId("agents-table", HTMLTableElement).tBodies[0]);
	body.replaceChildren(
		...agents.map((agent) =>
			h(
				"tr",
				{ "data-task-id": agent.id },
				h("th", { scope: "row" }, agent.id, h("br"), h("small", { class: "muted" }, agent.role)),
				h(
					"td",
					{},
					h("span", { class: `status status-${agent.status}` }, agent.status),
					agent.attempt > 1 ? ` (attempt ${agent.attempt})` : "",
				),
				h(
					"td",
					{},
					h("progress", { max: 100, value: agent.progress, "aria-label": `${agent.id} progress` }),
					` ${Math.round(agent.progress)} %`,
					// What a running agent last said it was doing ("writing the findings, 412 tokens so far").
					agent.status === "running" && agent.note && h("br"),
					agent.status === "running" && agent.note && h("small", { class: "muted agent-note" }, agent.note),
				),
				h(
					"td",
					{},
					agent.startedAt === null ? "–" : formatDuration((agent.finishedAt ?? now) - agent.startedAt),
				),
				h("td", {}, formatTokens(agent.usage ? usageTokens(agent.usage) : 0)),
				h("td", {}, formatUsd(agent.usage ? agent.usage.costUsd : 0)),
				h("td", {}, agent.provider ? `${agent.provider}${agent.model ? ` · ${agent.model}` : ""}` : "–"),
			),
		),
	);
}

/**
 * What the job has spent: its final total once it ended (the coordinator's own model calls included),
 * the sum of its finished agents until then. An agent whose cost is unknown (null) makes the sum unknown.
 * @param {JobProgress} progress
 * @returns {{ tokens: number; costUsd: number | null }}
 */
function spent(progress) {
	if (progress.metrics) {
		const { usage } = progress.metrics;
		return { tokens: usageTokens(usage), costUsd: usage.costUsd };
	}
	/** @type {{ tokens: number; costUsd: number | null }} */
	const none = { tokens: 0, costUsd: 0 };
	return progress.agents.reduce((sum, agent) => {
		if (!agent.usage) return sum;
		const { costUsd } = agent.usage;
		const total = sum.costUsd === null || costUsd === null ? null : sum.costUsd + costUsd;
		return { tokens: sum.tokens + usageTokens(agent.usage), costUsd: total };
	}, none);
}

/**
 * @param {JobView} job
 * @param {JobProgress} progress
 * @param {number} now
 */
function drawSummary(job, progress, now) {
	byId("job-task", HTMLParagraphElement).textContent = job.task;
	const status = byId("job-status", HTMLSpanElement);
	status.textContent = progress.status;
	status.className = `status status-${progress.status}`;
	const percent = jobPercent(progress);
	byId("job-progress", HTMLProgressElement).value = percent;
	byId("job-progress-text", HTMLSpanElement).textContent = `${Math.round(percent)} %`;
	const completed = progress.agents.filter((agent) => agent.status === "completed").length;
	const failed = progress.agents.filter((agent) => agent.status === "failed").length;
	byId("job-agents", HTMLElement).textContent =
		`${completed} of ${progress.agents.length} done${failed ? `, ${failed} failed` : ""}`;
	const acceptedAt = progress.acceptedAt ?? job.createdAt;
	byId("job-elapsed", HTMLElement).textContent = formatDuration((progress.finishedAt ?? now) - acceptedAt);
	const { tokens, costUsd } = spent(progress);
	byId("job-tokens", HTMLElement).textContent = formatTokens(tokens);
	byId("job-cost", HTMLElement).textContent = formatUsd(costUsd);
	byId("report-link", HTMLAnchorElement).hidden = progress.status !== "completed";
	byId("cancel-job", HTMLButtonElement).hidden = hasEnded(progress);
	const error = byId("job-error", HTMLParagraphElement);
	error.hidden = progress.error === null;
	error.textContent = progress.error ? `${progress.error.code}: ${progress.error.message}` : "";
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
 * @param {JobProgress} progress
 */
function draw(job, progress) {
	const now = Date.now();
	document.title = `${progress.status} · ${job.task.slice(0, 60)} · research-swarm`;
	drawSummary(job, progress, now);
	drawGoal(job);
	drawDag(progress.agents);
	drawTimeline(progress.agents, job.config.maxConcurrent, now);
	drawAgents(progress.agents, now);
}

/**
 * @param {JobEvent} event
 * @param {number} origin
 */
function logEvent(event, origin) {
	const list = byId("events", HTMLOListElement);
	list.prepend(
		h(
			"li",
			{ value: event.seq },
			h("time", {}, `+${formatDuration(event.data.at - origin)}`),
			` ${event.type} ${describeEvent(event)}`.trimEnd(),
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
	let progress = emptyProgress();

	byId("cancel-job", HTMLButtonElement).addEventListener("click", async () => {
		if (!confirm("Cancel this job? Agents that are running stop, and no report is written.")) return;
		try {
			// The stream brings the job.cancelled event that ends the view.
			await apiJson(`${path}/cancel`, { method: "POST" });
		} catch (error) {
			showError(error);
		}
	});
	// Sub-goals' states are the job view's alone: re-read it as agents move, at most every REFRESH_INTERVAL_MS.
	let refreshing = false;
	let refreshAgain = false;
	const refreshGoal = async () => {
		if (refreshing) {
			refreshAgain = true;
			return;
		}
		refreshing = true;
		try {
			job = await apiJson(path);
			draw(job, progress);
		} catch (error) {
			showError(error);
		} finally {
			setTimeout(() => {
				refreshing = false;
				if (refreshAgain && !hasEnded(progress)) {
					refreshAgain = false;
					void refreshGoal();
				}
			}, REFRESH_INTERVAL_MS);
		}
	};
	// Running agents' bars and the elapsed time grow between events too.
	const ticker = setInterval(() => {
		if (progress.lastSeq > 0 && !hasEnded(progress)) draw(job, progress);
	}, 1000);
	const streamStatus = byId("stream-status", HTMLSpanElement);
	try {
		// A finished job's stream replays its whole log and closes, so the view is filled either way.
		await followJob(jobId, {
			onConnection: (open) => {
				streamStatus.textContent = open ? "live" : "reconnecting…";
			},
			onEvent: (event) => {
				progress = applyEvent(progress, event);
				logEvent(event, progress.acceptedAt ?? job.createdAt);
				draw(job, progress);
				// A goal job has its sub-goals once planned.
				if (!hasEnded(progress) && (job.goal !== null || event.type === "job.planned")) void refreshGoal();
			},
		});
		// The sub-goals' final states, before the view says it is finished.
		job = await apiJson(path);
		draw(job, progress);
		streamStatus.textContent = "finished";
	} catch (error) {
		streamStatus.textContent = "disconnected";
		showError(error);
	} finally {
		clearInterval(ticker);
	}
}

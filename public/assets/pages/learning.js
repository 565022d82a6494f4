// @ts-check
/** The learning page: the tenant's statistics with two charts, and its patterns, searched by similarity. */
import { apiJson } from "../api.js";
import { byId, h, svg } from "../dom.js";
import { formatChange, formatPercent, formatTokens, formatUsd } from "../format.js";
import { niceTicks } from "../schedule-view.js";

/** @typedef {import("../../../src/protocol.ts").Stats} Stats */
/** @typedef {import("../../../src/protocol.ts").Pattern} Pattern */
/** @typedef {Stats["rewardOverTime"][number]} DayPoint */

const CHART = { width: 480, height: 200, left: 40, bottom: 28, top: 10 };

/**
 * A bar chart of one value per day, 0 to `max`, with the value printed on each bar.
 * @param {string} label
 * @param {DayPoint[]} days
 * @param {(day: DayPoint) => number} value
 * @param {number} max
 * @param {(value: number) => string} format
 */
function dayChart(label, days, value, max, format) {
	if (days.length === 0)
		return h("p", { class: "muted" }, "No patterns yet: they are learned from finished jobs.");
	const plotWidth = CHART.width - CHART.left;
	const plotHeight = CHART.height - CHART.bottom - CHART.top;
	const slot = plotWidth / days.length;
	const y = (/** @type {number} */ v) => CHART.top + plotHeight - (v / max) * plotHeight;
	const ticks = niceTicks(max, 4).filter((tick) => tick <= max);
	return svg(
		"svg",
		{ viewBox: `0 0 ${CHART.width} ${CHART.height}`, role: "img", "aria-label": label },
		...ticks.map((tick) =>
			svg(
				"g",
				{ class: "tick" },
				svg("line", { x1: CHART.left, x2: CHART.width, y1: y(tick), y2: y(tick) }),
				svg("text", { x: CHART.left - 6, y: y(tick) + 4, "text-anchor": "end" }, format(tick)),
			),
		),
		...days.map((day, index) => {
			const x = CHART.left + index * slot + slot * 0.15;
			const top = y(value(day));
			return svg(
				"g",
				{ class: "column" },
				svg("title", {}, `${day.day}: ${format(value(day))} over ${day.patterns} patterns`),
				svg("rect", { x, y: top, width: slot * 0.7, height: CHART.top + plotHeight - top }),
				svg("text", { x: x + slot * 0.35, y: CHART.height - 10, "text-anchor": "middle" }, day.day.slice(5)),
			);
		}),
	);
}

/** @param {Stats} stats */
function drawStats(stats) {
	const jobs = Object.values(stats.jobsByStatus).reduce((sum, n) => sum + n, 0);
	/** @type {[string, string][]} */
	const figures = [
		["Jobs", String(jobs)],
		["Completed", String(stats.jobsByStatus.completed ?? 0)],
		["Patterns", String(stats.patterns)],
		["Success rate", formatPercent(stats.successRate)],
		["Average reward", stats.averageReward === null ? "–" : stats.averageReward.toFixed(2)],
		["Improvement", stats.improvementRate === null ? "–" : formatChange(stats.improvementRate)],
		["Pattern reuse", String(stats.patternReuse)],
		["Tokens", formatTokens(stats.tokens.input + stats.tokens.output)],
		["Cost", formatUsd(stats.costUsd)],
	];
	byId("stats", HTMLElement).replaceChildren(
		...figures.map(([name, value]) => h("div", {}, h("dt", {}, name), h("dd", {}, value))),
	);
	byId("reward-chart", HTMLDivElement).replaceChildren(
		dayChart(
			"Average reward of the day's patterns",
			stats.rewardOverTime,
			(day) => day.averageReward,
			1,
			(v) => v.toFixed(1),
		),
	);
	byId("success-chart", HTMLDivElement).replaceChildren(
		dayChart(
			"Share of the day's patterns that succeeded",
			stats.rewardOverTime,
			(day) => day.successRate,
			1,
			formatPercent,
		),
	);
}

/** @param {Pattern[]} patterns */
function drawPatterns(patterns) {
	const body = /** @type {HTMLTableSectionElement} */ (byId("patterns-table", HTMLTableElement).tBodies[0]);
	body.replaceChildren(
		...patterns.map((pattern) =>
			h(
				"tr",
				{},
				h("td", {}, h("a", { href: `/jobs/${encodeURIComponent(pattern.jobId)}` }, pattern.task)),
				h("td", {}, pattern.taskType),
				h("td", {}, pattern.reward.toFixed(2)),
				h("td", {}, pattern.success ? "succeeded" : "fell short"),
				h("td", {}, pattern.score === null ? "–" : pattern.score.toFixed(2)),
				h(
					"td",
					{},
					`${pattern.strategy.provider}, ${pattern.strategy.swarmSize} agents, depth ${pattern.strategy.depth}`,
				),
				h("td", {}, String(pattern.usageCount)),
			),
		),
	);
}

/**
 * @param {string} query
 * @param {string} taskType
 */
async function searchPatterns(query, taskType) {
	const params = new URLSearchParams({ k: "20" });
	if (query) params.set("q", query);
	if (taskType) params.set("taskType", taskType);
	/** @type {{ patterns: Pattern[] }} */
	const { patterns } = await apiJson(`/v1/patterns?${params}`);
	drawPatterns(patterns);
	byId("patterns-status", HTMLParagraphElement).textContent = query
		? `${patterns.length} patterns most similar to “${query}”`
		: `${patterns.length} newest patterns`;
}

/** Draws the statistics and the newest patterns, and wires the search. */
export async function showLearning() {
	const form = byId("pattern-search", HTMLFormElement);
	form.addEventListener("submit", (event) => {
		event.preventDefault();
		const data = new FormData(form);
		searchPatterns(String(data.get("q") ?? "").trim(), String(data.get("taskType") ?? "")).catch((error) => {
			byId("patterns-status", HTMLParagraphElement).textContent =
				`Search failed: ${error instanceof Error ? error.message : String(error)}`;
		});
	});
	/** @type {Stats} */
	const stats = await apiJson("/v1/stats");
	drawStats(stats);
	await searchPatterns("", "");
}

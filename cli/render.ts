/** Text the CLI prints: progress bars, agent lines, event log lines, job summaries and lists. Pure. */
import { usageTokens } from "../public/assets/format.js";
import type { GoalPlan, JobEvent, JobList, JobView, Report } from "../src/client/index.ts";
import { agentLabel, describeEvent } from "../src/events/describe.ts";
import { type AgentProgress, type JobProgress, jobPercent } from "../src/events/progress.ts";
import { formatDuration } from "../src/lib/duration.ts";
import { progressFromJob } from "./board.ts";

/** Characters between the brackets of a progress bar; keeps an agent line within 80 columns. */
export const BAR_WIDTH = 16;
/** Task text in one-line listings is cut to this many characters. */
const TASK_PREVIEW_CHARS = 60;

/**
 * A fixed-width bar for a percentage.
 * @example progressBar(50, 10) // "[█████░░░░░]"
 */
export function progressBar(percent: number, width = BAR_WIDTH): string {
	const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width);
	return `[${"█".repeat(filled)}${"░".repeat(width - filled)}]`;
}

/** @example formatTokens(12345) // "12,345" */
export function formatTokens(tokens: number): string {
	return tokens.toLocaleString("en-US");
}

/** Cost in US dollars to four decimals (single agent calls often cost fractions of a cent); unknown for an unpriced model. */
export function formatCost(usd: number | null): string {
	return usd === null ? "cost unknown" : `$${usd.toFixed(4)}`;
}

/** A timestamp as `YYYY-MM-DD HH:MM:SS` in UTC. */
export function formatTime(ms: number): string {
	return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

function agentTokens(agent: AgentProgress): number {
	return agent.usage ? usageTokens(agent.usage) : 0;
}

function agentLine(agent: AgentProgress, labelWidth: number, now: number): string {
	const elapsed =
		agent.startedAt === null ? "-" : formatDuration((agent.finishedAt ?? now) - agent.startedAt);
	return [
		`  ${agentLabel(agent).padEnd(labelWidth)}`,
		agent.status.padEnd(10),
		progressBar(agent.progress),
		`${Math.round(agent.progress)}%`.padStart(4),
		elapsed.padStart(7),
		`${formatTokens(agentTokens(agent))} tok`.padStart(12),
		formatCost(agent.usage ? agent.usage.costUsd : 0),
		// What a running agent is doing now ("searching the web", "writing 1,240 tokens"); the live
		// display cuts the line at the terminal's width, so the note goes last.
		agent.status === "running" && agent.note !== null ? `· ${agent.note}` : "",
	]
		.join(" ")
		.trimEnd();
}

/**
 * The progress display: a job header line, then one line per agent with role, status, bar, elapsed time,
 * tokens, cost and, while it runs, its latest progress note. `now` is the local clock, for the elapsed time of running agents.
 */
export function renderBoard(progress: JobProgress, now: number): string[] {
	const { agents } = progress;
	const tokens = agents.reduce((sum, agent) => sum + agentTokens(agent), 0);
	const costs = agents.map((agent) => (agent.usage ? agent.usage.costUsd : 0));
	const cost = costs.includes(null) ? null : costs.reduce((sum: number, usd) => sum + (usd ?? 0), 0);
	const percent = jobPercent(progress);
	const elapsed =
		progress.acceptedAt === null ? "-" : formatDuration((progress.finishedAt ?? now) - progress.acceptedAt);
	const header = [
		`job ${progress.jobId ?? "?"}`,
		progress.status.padEnd(12),
		progressBar(percent),
		`${Math.round(percent)}%`.padStart(4),
		elapsed.padStart(7),
		`${formatTokens(tokens)} tok`,
		formatCost(cost),
	].join(" ");
	const labelWidth = Math.max(0, ...agents.map((agent) => agentLabel(agent).length));
	return [header, ...agents.map((agent) => agentLine(agent, labelWidth, now))];
}

/**
 * One plain log line for an event: time since the job was accepted, event type, agent, details; with
 * `verbose`, the event's whole data as JSON too.
 * @example "   0.2s agent.started     explorer extractive"
 */
export function eventLine(event: JobEvent, acceptedAt: number | null, verbose: boolean): string {
	const { jobId: _jobId, at, ...rest } = event.data;
	const since = formatDuration(at - (acceptedAt ?? at)).padStart(7);
	const parts = [since, event.type.padEnd(17), describeEvent(event)];
	if (verbose) parts.push(JSON.stringify({ seq: event.seq, ...rest }));
	return parts
		.filter((part) => part !== "")
		.join(" ")
		.trimEnd();
}

/** What the closing summary reads from a completed job's report. */
export type ReportScores = Pick<Report, "quality" | "verification">;

/**
 * How good a completed job's report is: its quality score and the share of its citations that were
 * verified verbatim in a stored source.
 * @example reportScoreLine(report) // "quality 0.82 · 41 of 44 citations verified (93%)"
 */
export function reportScoreLine({ quality, verification }: ReportScores): string {
	const { citationsTotal, citationsVerified } = verification;
	const citations =
		citationsTotal === 0
			? "no citations"
			: `${citationsVerified} of ${citationsTotal} citations verified (${Math.round((100 * citationsVerified) / citationsTotal)}%)`;
	return `quality ${quality.overall.toFixed(2)} · ${citations}`;
}

/**
 * The closing lines of a finished job: outcome, duration, agents, tokens, cost, the report's quality and
 * verified citations when its report is given, and the error if any.
 */
export function renderJobSummary(job: JobView, report: ReportScores | null = null): string[] {
	const { metrics } = job;
	const duration = metrics.durationMs === null ? "" : ` in ${formatDuration(metrics.durationMs)}`;
	const lines = [
		`job ${job.id} ${job.status}${duration}${job.partial ? " (partial)" : ""}`,
		[
			`agents ${metrics.agents.completed}/${metrics.agents.planned} completed`,
			`${formatTokens(metrics.usage.inputTokens + metrics.usage.outputTokens)} tokens`,
			formatCost(metrics.usage.costUsd),
			`${job.sources.filter((source) => source.status === "retrieved").length} sources`,
		].join(" · "),
	];
	if (report) lines.push(reportScoreLine(report));
	if (job.error) lines.push(`error: ${job.error.message} (${job.error.code})`);
	return lines;
}

/** The `view` command's text: summary, configuration, agents and sources. */
export function renderJobView(job: JobView, now: number): string[] {
	const { config } = job;
	return [
		...renderJobSummary(job),
		`task: ${job.task}`,
		`created ${formatTime(job.createdAt)}${job.completedAt === null ? "" : `, ended ${formatTime(job.completedAt)}`}`,
		[
			`provider ${config.provider}${config.model ? ` (${config.model})` : ""}`,
			`mode ${config.mode}`,
			`depth ${config.depth}`,
			`complexity ${config.complexity}`,
			`anti-hallucination ${config.antiHallucination}`,
			`formats ${config.formats.join(",")}`,
		].join(" · "),
		...renderBoard(progressFromJob(job), now).slice(1),
		...job.sources.map(
			(source) =>
				`  source ${source.status.padEnd(11)} ${source.title}${source.url ? ` <${source.url}>` : ""}`,
		),
	];
}

/** One line per job (id, status, progress, creation time, task), then how to get the next page. */
export function renderJobList(list: JobList): string[] {
	if (list.jobs.length === 0) return ["no jobs"];
	const lines = list.jobs.map((job) => {
		const task =
			job.task.length > TASK_PREVIEW_CHARS ? `${job.task.slice(0, TASK_PREVIEW_CHARS - 1)}…` : job.task;
		return [
			job.id,
			job.status.padEnd(12),
			`${Math.round(job.progress)}%`.padStart(4),
			formatTime(job.createdAt),
			task.replaceAll(/\s+/g, " "),
		].join("  ");
	});
	if (list.nextCursor) lines.push(`more: research-swarm list --cursor ${list.nextCursor}`);
	return lines;
}

/** A goal's sub-goals, one block each: id, complexity, dependencies, description and success criteria. */
export function renderSubgoals(plan: GoalPlan): string[] {
	return plan.subgoals.flatMap((subgoal) => [
		`${subgoal.id} [${subgoal.complexity}]${subgoal.dependsOn.length ? ` after ${subgoal.dependsOn.join(", ")}` : ""}: ${subgoal.description}`,
		...subgoal.successCriteria.map((criterion) => `  ✓ ${criterion}`),
	]);
}

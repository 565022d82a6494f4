/** Text the CLI prints: progress bars, agent lines, event log lines, job summaries and lists. Pure. */
import {
	JobErrorSchema,
	type JobEvent,
	type JobList,
	type JobView,
	type JsonValue,
} from "../src/protocol.ts";
import type { GoalPlan } from "./answers.ts";
import { type AgentRow, type Board, boardFromJob, PlanSchema } from "./board.ts";

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

/**
 * A duration for people: tenths of a second below a minute, then minutes and seconds, then hours.
 * @example formatDuration(12_345) // "12.3s"; formatDuration(125_000) // "2m05s"
 */
export function formatDuration(ms: number): string {
	const safe = Math.max(0, ms);
	if (safe < 60_000) return `${(Math.floor(safe / 100) / 10).toFixed(1)}s`;
	const totalSeconds = Math.floor(safe / 1000);
	if (totalSeconds < 3600) {
		return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, "0")}s`;
	}
	const totalMinutes = Math.floor(totalSeconds / 60);
	return `${Math.floor(totalMinutes / 60)}h${String(totalMinutes % 60).padStart(2, "0")}m`;
}

/** @example formatTokens(12345) // "12,345" */
export function formatTokens(tokens: number): string {
	return tokens.toLocaleString("en-US");
}

/** Cost in US dollars to four decimals, since single agent calls often cost fractions of a cent. */
export function formatCost(usd: number): string {
	return `$${usd.toFixed(4)}`;
}

/** A timestamp as `YYYY-MM-DD HH:MM:SS` in UTC. */
export function formatTime(ms: number): string {
	return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

/** The agent's name for display: its role, plus its id when the id says more (goal mode's sub-swarms). */
export function agentLabel(agent: { id: string; role: string }): string {
	return agent.id.replaceAll("-", "_") === agent.role ? agent.role : `${agent.role} (${agent.id})`;
}

/** Job progress on the board: the mean of its agents, where an agent that ended counts as done. */
export function boardProgress(board: Board): number {
	if (board.agents.length === 0) return board.finishedAt === null ? 0 : 100;
	const done = (agent: AgentRow) =>
		agent.finishedAt !== null || agent.status === "skipped" ? 100 : agent.progress;
	return board.agents.reduce((sum, agent) => sum + done(agent), 0) / board.agents.length;
}

function agentLine(agent: AgentRow, labelWidth: number, now: number): string {
	const elapsed =
		agent.startedAt === null ? "-" : formatDuration((agent.finishedAt ?? now) - agent.startedAt);
	return [
		`  ${agentLabel(agent).padEnd(labelWidth)}`,
		agent.status.padEnd(10),
		progressBar(agent.progress),
		`${Math.round(agent.progress)}%`.padStart(4),
		elapsed.padStart(7),
		`${formatTokens(agent.tokens)} tok`.padStart(12),
		formatCost(agent.costUsd),
	].join(" ");
}

/**
 * The progress display: a job header line, then one line per agent with role, status, bar, elapsed time,
 * tokens and cost. `now` is the local clock, for the elapsed time of running agents.
 */
export function renderBoard(board: Board, now: number): string[] {
	const tokens = board.agents.reduce((sum, agent) => sum + agent.tokens, 0);
	const cost = board.agents.reduce((sum, agent) => sum + agent.costUsd, 0);
	const progress = boardProgress(board);
	const elapsed =
		board.acceptedAt === null ? "-" : formatDuration((board.finishedAt ?? now) - board.acceptedAt);
	const header = [
		`job ${board.jobId}`,
		board.status.padEnd(12),
		progressBar(progress),
		`${Math.round(progress)}%`.padStart(4),
		elapsed.padStart(7),
		`${formatTokens(tokens)} tok`,
		formatCost(cost),
	].join(" ");
	const labelWidth = Math.max(0, ...board.agents.map((agent) => agentLabel(agent).length));
	return [header, ...board.agents.map((agent) => agentLine(agent, labelWidth, now))];
}

function stringField(value: JsonValue | undefined): string | null {
	return typeof value === "string" ? value : null;
}

function numberField(value: JsonValue | undefined): number | null {
	return typeof value === "number" ? value : null;
}

/** What an event says, in words, without the fields every event carries. */
function eventDetails(event: JobEvent): string {
	const data = event.data;
	switch (event.type) {
		case "job.accepted":
			return `job ${data.jobId}`;
		case "job.planned": {
			const plan = PlanSchema.safeParse(data.plan);
			return plan.success ? `${plan.data.length} agents: ${plan.data.map(agentLabel).join(", ")}` : "";
		}
		case "agent.started":
			return [stringField(data.provider), stringField(data.model)].filter(Boolean).join(" ");
		case "agent.progress":
			return [`${numberField(data.progress) ?? 0}%`, stringField(data.note)].filter(Boolean).join(" ");
		case "agent.completed":
			return `${numberField(data.findings) ?? 0} findings`;
		case "agent.failed":
			return stringField(data.error) ?? "";
		case "agent.retrying":
			return [stringField(data.reason), stringField(data.error)].filter(Boolean).join(": ");
		case "job.synthesizing":
			return stringField(data.reason) ?? "";
		case "job.failed":
		case "job.cancelled": {
			const error = JobErrorSchema.safeParse(data.error);
			return error.success ? `${error.data.message} (${error.data.code})` : "";
		}
		default:
			return "";
	}
}

/**
 * One plain log line for an event: time since the job was accepted, event type, agent, details; with
 * `verbose`, the event's whole data as JSON too.
 * @example "   0.2s agent.started     explorer extractive"
 */
export function describeEvent(event: JobEvent, acceptedAt: number | null, verbose: boolean): string {
	const { jobId: _jobId, at, agentId, role, ...rest } = event.data;
	const since = formatDuration(at - (acceptedAt ?? at)).padStart(7);
	const agent = agentId !== undefined && role !== undefined ? agentLabel({ id: agentId, role }) : "";
	const parts = [since, event.type.padEnd(17), agent, eventDetails(event)];
	if (verbose) parts.push(JSON.stringify({ seq: event.seq, ...(agentId ? { agentId } : {}), ...rest }));
	return parts
		.filter((part) => part !== "")
		.join(" ")
		.trimEnd();
}

/** The closing lines of a finished job: outcome, duration, agents, tokens, cost, and the error if any. */
export function renderJobSummary(job: JobView): string[] {
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
		...renderBoard(boardFromJob(job), now).slice(1),
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

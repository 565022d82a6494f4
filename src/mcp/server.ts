/**
 * The MCP server: research-swarm's tools and report resources for MCP clients. Every tool is a request to
 * the HTTP API made in-process as the caller, so validation, tenancy, quotas and errors are the API's own.
 */
import { z } from "@hono/zod-openapi";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
	type CallToolResult,
	ErrorCode,
	McpError,
	type ServerNotification,
	type ServerRequest,
	type ToolAnnotations,
} from "@modelcontextprotocol/sdk/types.js";
import { ApiError, type ResearchSwarmClient } from "../client/index";
import { database, listJobs } from "../db/queries";
import { isAgentEvent } from "../events/event-types";
import { applyEvent, emptyProgress, jobPercent } from "../events/progress";
import { DEFAULT_MIN_PATTERNS } from "../learning/distill";
import { MAX_TOP_K } from "../learning/pattern-index";
import { formatOfExtension, REPORT_FORMATS } from "../lib/report-formats";
import {
	EffectiveConfigSchema,
	type JobEvent,
	JobListSchema,
	JobStatusSchema,
	JobViewSchema,
	LIMITS,
	type ReportFormat,
	ReportFormatSchema,
	ResearchRequestSchema,
	TaskTypeSchema,
} from "../protocol";
import type { Report } from "../synthesis/report-schema";
import { GoalPlanRequestSchema } from "../wire/goals";
import { apiClientOf, type CallApi, errorBodyOf } from "./api-client";

/** What the server needs for one request: the API as the caller, and the caller's tenant for listing reports. */
export type McpServerContext = { callApi: CallApi; db: D1Database; tenantId: string };

/** The server's name and version as MCP clients see them. */
export const SERVER_INFO = { name: "research-swarm", version: "0.1.0" } as const;

/** How many of the newest completed jobs `resources/list` shows reports of. */
export const LISTED_REPORT_JOBS = 100;

const REPORT_URI_TEMPLATE = "research-swarm://reports/{jobId}.{format}";

const INSTRUCTIONS = [
	"research-swarm runs multi-agent research jobs whose every citation is checked against a stored copy of its source.",
	"Start a job with research_swarm_create_job (attach sources as text or URLs); pass wait: true and a progressToken to follow it to the end with progress notifications.",
	"Read finished reports with research_swarm_get_report or as resources research-swarm://reports/{jobId}.{md|json|html}.",
].join(" ");

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

const JobIdInput = {
	jobId: JobViewSchema.shape.id.min(1).describe("The job id, as returned by research_swarm_create_job"),
};

const CreateJobInput = ResearchRequestSchema.extend({
	wait: z
		.boolean()
		.default(false)
		.describe(
			"Follow the job until it ends and return the final job; with a progressToken, progress notifications report it as it runs",
		),
});

const ListJobsInput = {
	status: JobStatusSchema.optional(),
	limit: z.int().min(1).max(100).optional().describe("Jobs per page (default 20)"),
	cursor: JobListSchema.shape.nextCursor.unwrap().optional().describe("The nextCursor of the previous page"),
};

const ReportInput = {
	...JobIdInput,
	format: ReportFormatSchema.default("markdown").describe("markdown (default), json or html"),
};

const SearchPatternsInput = {
	q: z
		.string()
		.trim()
		.min(1)
		.max(LIMITS.taskChars)
		.optional()
		.describe("Text to find similar patterns to; without it, the newest patterns"),
	k: z.int().min(1).max(MAX_TOP_K).optional().describe("How many patterns (default 5)"),
	taskType: TaskTypeSchema.optional(),
};

const LearnInput = {
	minPatterns: z
		.int()
		.min(1)
		.max(1000)
		.optional()
		.describe(`Fewest similar patterns that make a distillation (default ${DEFAULT_MIN_PATTERNS})`),
};

/** A tool that only reads the tenant's own data. */
const READS_OWN_DATA: ToolAnnotations = { readOnlyHint: true, openWorldHint: false };

/** The annotations of a tool that changes state. */
function changes(hints: { destructive: boolean; idempotent: boolean; openWorld: boolean }): ToolAnnotations {
	return {
		readOnlyHint: false,
		destructiveHint: hints.destructive,
		idempotentHint: hints.idempotent,
		openWorldHint: hints.openWorld,
	};
}

/** A JSON value as tool output: pretty text for any client, and structured content when it is an object. */
function jsonResult(body: unknown): CallToolResult {
	const structured = typeof body === "object" && body !== null && !Array.isArray(body);
	return {
		content: [{ type: "text", text: JSON.stringify(body, null, 2) }],
		...(structured ? { structuredContent: body as Record<string, unknown> } : {}),
	};
}

/** Runs a tool; an API error answer becomes a tool error carrying the API's error JSON. */
async function asTool(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
	try {
		return await run();
	} catch (error) {
		if (error instanceof ApiError) return { ...jsonResult(errorBodyOf(error)), isError: true };
		throw error;
	}
}

/** The URI of a job's report in one format, e.g. `research-swarm://reports/job_1.md`. */
export function reportUri(jobId: string, format: ReportFormat): string {
	return `research-swarm://reports/${jobId}.${REPORT_FORMATS[format].extension}`;
}

/** A stored report as text, with its MIME type, and the JSON report itself when that is the format. */
async function readReport(
	api: ResearchSwarmClient,
	jobId: string,
	format: ReportFormat,
): Promise<{ text: string; mimeType: string; json: Report | null }> {
	const mimeType = REPORT_FORMATS[format].mediaType;
	if (format !== "json") return { text: await api.research.report(jobId, format), mimeType, json: null };
	const json = await api.research.report(jobId, "json");
	return { text: JSON.stringify(json, null, 2), mimeType, json };
}

/**
 * A progress notification's message: the event, and for an agent event the agent.
 * @example progressMessage(event) // "agent.completed: explorer (explorer)"
 */
function progressMessage(event: JobEvent): string {
	return isAgentEvent(event) ? `${event.type}: ${event.data.role} (${event.data.agentId})` : event.type;
}

/** Reports the job's progress to the client as `notifications/progress`, only ever rising, when it asked for progress. */
function progressReporter(extra: Extra) {
	const progressToken = extra._meta?.progressToken;
	let state = emptyProgress();
	let lastSent = -1;
	return async (event: JobEvent): Promise<void> => {
		state = applyEvent(state, event);
		const progress = jobPercent(state);
		if (progressToken === undefined || progress <= lastSent) return;
		lastSent = progress;
		await extra.sendNotification({
			method: "notifications/progress",
			params: { progressToken, progress, total: 100, message: progressMessage(event) },
		});
	};
}

/** The report files a stored job row has: its configured formats, plus JSON, which every job stores. */
function reportFormatsOf(configJson: string): ReportFormat[] {
	const parsed = EffectiveConfigSchema.pick({ formats: true }).safeParse(JSON.parse(configJson));
	return [...new Set<ReportFormat>(["json", ...(parsed.success ? parsed.data.formats : [])])];
}

function registerJobTools(server: McpServer, api: ResearchSwarmClient): void {
	server.registerTool(
		"research_swarm_create_job",
		{
			title: "Start a research job",
			description:
				"Submits a research task to a swarm of agents. Every option of POST /v1/research is accepted. Returns the accepted job, or with wait: true the finished job.",
			inputSchema: CreateJobInput,
			annotations: changes({ destructive: false, idempotent: false, openWorld: true }),
		},
		(args, extra) =>
			asTool(async () => {
				const { wait, ...request } = args;
				const accepted = await api.research.submit(request, { signal: extra.signal });
				if (!wait) return jsonResult(accepted);
				await api.research.follow(accepted.id, { onEvent: progressReporter(extra), signal: extra.signal });
				return jsonResult(await api.research.get(accepted.id));
			}),
	);
	server.registerTool(
		"research_swarm_get_job",
		{
			title: "Get a job",
			description: "A job's status, configuration, plan, progress, sources and metrics.",
			inputSchema: JobIdInput,
			annotations: READS_OWN_DATA,
		},
		({ jobId }) => asTool(async () => jsonResult(await api.research.get(jobId))),
	);
	server.registerTool(
		"research_swarm_list_jobs",
		{
			title: "List jobs",
			description: "The tenant's jobs, newest first, one page at a time.",
			inputSchema: ListJobsInput,
			annotations: READS_OWN_DATA,
		},
		(args) => asTool(async () => jsonResult(await api.research.list(args))),
	);
	server.registerTool(
		"research_swarm_get_report",
		{
			title: "Get a job's report",
			description:
				"The report of a completed job as Markdown (default), JSON or self-contained HTML. Also available as resources.",
			inputSchema: ReportInput,
			annotations: READS_OWN_DATA,
		},
		({ jobId, format }) =>
			asTool(async () => {
				const report = await readReport(api, jobId, format);
				if (format === "json") return jsonResult(report.json);
				return { content: [{ type: "text", text: report.text }] };
			}),
	);
	server.registerTool(
		"research_swarm_cancel_job",
		{
			title: "Cancel a job",
			description: "Cancels a job that has not finished and returns it; a finished job is an error.",
			inputSchema: JobIdInput,
			annotations: changes({ destructive: true, idempotent: false, openWorld: false }),
		},
		({ jobId }) => asTool(async () => jsonResult(await api.research.cancel(jobId))),
	);
}

function registerLearningTools(server: McpServer, api: ResearchSwarmClient): void {
	server.registerTool(
		"research_swarm_search_patterns",
		{
			title: "Search learned patterns",
			description: "Patterns learned from the tenant's past jobs, by similarity to q, or newest first.",
			inputSchema: SearchPatternsInput,
			annotations: READS_OWN_DATA,
		},
		(args) => asTool(async () => jsonResult(await api.learning.patterns(args))),
	);
	server.registerTool(
		"research_swarm_learn",
		{
			title: "Distill learned patterns",
			description:
				"Distills the tenant's patterns into clusters and links associations. Running it again adds nothing new.",
			inputSchema: LearnInput,
			annotations: changes({ destructive: false, idempotent: true, openWorld: false }),
		},
		(args) => asTool(async () => jsonResult(await api.learning.learn(args))),
	);
	server.registerTool(
		"research_swarm_stats",
		{
			title: "Statistics",
			description: "The tenant's jobs by status, rewards over time, pattern reuse, tokens and cost.",
			annotations: READS_OWN_DATA,
		},
		() => asTool(async () => jsonResult(await api.learning.stats())),
	);
	server.registerTool(
		"research_swarm_goal_plan",
		{
			title: "Plan a goal",
			description:
				"Splits a goal into sub-goals, orders them (GOAP) into parallel levels and estimates agents and cost. Nothing runs.",
			inputSchema: GoalPlanRequestSchema,
			annotations: READS_OWN_DATA,
		},
		(args) => asTool(async () => jsonResult(await api.goals.plan(args))),
	);
}

function registerReportResources(
	server: McpServer,
	context: McpServerContext,
	api: ResearchSwarmClient,
): void {
	const template = new ResourceTemplate(REPORT_URI_TEMPLATE, {
		list: async () => {
			const { rows } = await listJobs(database(context.db), context.tenantId, {
				status: "completed",
				limit: LISTED_REPORT_JOBS,
			});
			return {
				resources: rows.flatMap((row) =>
					reportFormatsOf(row.config).map((format) => ({
						uri: reportUri(row.id, format),
						name: `${row.id}.${REPORT_FORMATS[format].extension}`,
						title: `${row.task.slice(0, 120)} (${format})`,
						mimeType: REPORT_FORMATS[format].mediaType,
					})),
				),
			};
		},
	});
	server.registerResource(
		"research-report",
		template,
		{
			title: "Research reports",
			description: "The report of a completed job: md (Markdown), json or html (self-contained).",
		},
		async (uri, variables) => {
			const { jobId, format: extension } = variables;
			const format = typeof extension === "string" ? formatOfExtension(extension) : null;
			if (typeof jobId !== "string" || format === null) {
				throw new McpError(
					ErrorCode.InvalidParams,
					`no report at ${uri.href}; use {jobId}.md, .json or .html`,
				);
			}
			try {
				const report = await readReport(api, jobId, format);
				return { contents: [{ uri: uri.href, mimeType: report.mimeType, text: report.text }] };
			} catch (error) {
				if (!(error instanceof ApiError)) throw error;
				const body = errorBodyOf(error);
				throw new McpError(
					ErrorCode.InvalidParams,
					`no report at ${uri.href}: ${JSON.stringify(body)}`,
					body,
				);
			}
		},
	);
}

/**
 * A new MCP server for one request: the nine research_swarm_* tools and the report resources, acting
 * for the caller whose credentials `callApi` carries.
 */
export function createMcpServer(context: McpServerContext): McpServer {
	const server = new McpServer(SERVER_INFO, { instructions: INSTRUCTIONS });
	const api = apiClientOf(context.callApi);
	registerJobTools(server, api);
	registerLearningTools(server, api);
	registerReportResources(server, context, api);
	return server;
}

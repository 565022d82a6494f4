import { exports } from "cloudflare:workers";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallToolResult, Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiErrorBodySchema, JobAcceptedSchema, JobListSchema, JobViewSchema } from "../../src/protocol";
import { ReportSchema } from "../../src/synthesis/report-schema";
import { GoalPlanResponseSchema } from "../../src/wire/goals";
import { SAMPLE_SOURCES } from "../fixtures/sources";
import { api, getJob, holdAgents, postJson, report, sampleRequest, waitForJob } from "./harness";

const MCP_URL = new URL("https://research-swarm.test/mcp");
const TOOL_NAMES = [
	"research_swarm_cancel_job",
	"research_swarm_create_job",
	"research_swarm_get_job",
	"research_swarm_get_report",
	"research_swarm_goal_plan",
	"research_swarm_learn",
	"research_swarm_list_jobs",
	"research_swarm_search_patterns",
	"research_swarm_stats",
];

const clients: Client[] = [];

afterEach(async () => {
	await Promise.all(clients.splice(0).map((client) => client.close()));
});

/** An MCP client connected to the Worker's `/mcp`, sending `headers` with every request. */
async function connect(headers: Record<string, string> = {}): Promise<Client> {
	const transport = new StreamableHTTPClientTransport(MCP_URL, {
		fetch: (url, init) => exports.default.fetch(new Request(url, init)),
		requestInit: { headers },
	});
	const client = new Client({ name: "research-swarm-test", version: "1.0.0" });
	await client.connect(transport);
	clients.push(client);
	return client;
}

async function callTool(
	client: Client,
	name: string,
	args: Record<string, unknown> = {},
): Promise<CallToolResult> {
	return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(result: CallToolResult): string {
	const [first] = result.content;
	if (first?.type !== "text") throw new Error(`expected text content, got ${JSON.stringify(result.content)}`);
	return first.text;
}

/** The text of a resource read, which must be text (not a blob) and of `mimeType`. */
async function readText(client: Client, uri: string, mimeType: string): Promise<string> {
	const { contents } = await client.readResource({ uri });
	expect(contents).toHaveLength(1);
	const [content] = contents;
	expect(content).toMatchObject({ uri, mimeType });
	if (!content || !("text" in content)) throw new Error(`expected text at ${uri}`);
	return content.text;
}

/**
 * The report resources `resources/list` shows for a job, once it shows them: the listing reads the jobs
 * mirrored into D1, which the coordinator updates a moment after the job completes.
 */
async function listedReports(client: Client, jobId: string, count: number) {
	return vi.waitFor(
		async () => {
			const { resources } = await client.listResources();
			const listed = resources.filter((resource) => resource.uri.includes(jobId));
			expect(listed).toHaveLength(count);
			return { all: resources, listed };
		},
		{ timeout: 10_000, interval: 25 },
	);
}

/** The API error a failed tool call carries. */
function apiErrorOf(result: CallToolResult) {
	expect(result.isError).toBe(true);
	return ApiErrorBodySchema.parse(JSON.parse(textOf(result))).error;
}

/** A tenant with its own API key, created through the admin route (dev mode accepts `local-admin`). */
async function createTenantKey(): Promise<string> {
	const response = await postJson(
		"/v1/admin/tenants",
		{ name: `mcp ${crypto.randomUUID()}` },
		{ authorization: "Bearer local-admin" },
	);
	expect(response.status).toBe(201);
	return (await response.json<{ apiKey: { key: string } }>()).apiKey.key;
}

describe("MCP server at /mcp", () => {
	it("lists the nine tools with input schemas built from the API's schemas", async () => {
		const client = await connect();
		expect(client.getServerVersion()?.name).toBe("research-swarm");
		const { tools } = await client.listTools();
		expect(tools.map((tool) => tool.name).sort()).toEqual(TOOL_NAMES);
		for (const tool of tools) expect(tool.inputSchema.type).toBe("object");
		const byName = new Map(tools.map((tool) => [tool.name, tool]));

		const create = byName.get("research_swarm_create_job")?.inputSchema;
		expect(create?.required).toEqual(["task"]);
		expect(create).toMatchObject({
			additionalProperties: false,
			properties: {
				task: { type: "string", maxLength: 4000 },
				swarmSize: { type: "integer", minimum: 3, maximum: 7 },
				antiHallucination: { enum: ["low", "medium", "high"] },
				sources: { type: "array", maxItems: 50 },
				formats: { items: { enum: ["markdown", "json", "html"] } },
				wait: { type: "boolean", default: false },
			},
		});
		expect(byName.get("research_swarm_get_job")?.inputSchema.required).toEqual(["jobId"]);
		expect(byName.get("research_swarm_goal_plan")?.inputSchema.properties).toHaveProperty("goal");
		expect(byName.get("research_swarm_get_job")?.annotations?.readOnlyHint).toBe(true);
		expect(byName.get("research_swarm_cancel_job")?.annotations?.destructiveHint).toBe(true);
	});

	it("creates a job, follows it to completed with rising progress, and serves its reports as resources", async () => {
		const client = await connect();
		const progress: Progress[] = [];
		const result = (await client.callTool(
			{
				name: "research_swarm_create_job",
				arguments: { task: sampleRequest().task, sources: SAMPLE_SOURCES, swarmSize: 3, wait: true },
			},
			undefined,
			{ onprogress: (update) => progress.push(update), resetTimeoutOnProgress: true },
		)) as CallToolResult;
		expect(result.isError).toBeFalsy();
		const job = JobViewSchema.parse(result.structuredContent);
		expect(job.status).toBe("completed");
		expect(JobViewSchema.parse(JSON.parse(textOf(result))).id).toBe(job.id);

		expect(progress.length).toBeGreaterThanOrEqual(3);
		expect(progress.every((update) => update.total === 100)).toBe(true);
		const values = progress.map((update) => update.progress);
		expect(values.slice(1).every((value, index) => value > (values[index] ?? 0))).toBe(true);
		expect(progress.at(-1)).toMatchObject({ progress: 100, message: "job.completed" });
		expect(values.slice(0, -1).every((value) => value <= 99)).toBe(true);
		expect(progress.some((update) => /^agent\.completed: explorer \(/.test(update.message ?? ""))).toBe(true);

		const { listed: mine } = await listedReports(client, job.id, 3);
		expect(mine.map((resource) => [resource.uri, resource.mimeType]).sort()).toEqual([
			[`research-swarm://reports/${job.id}.html`, "text/html"],
			[`research-swarm://reports/${job.id}.json`, "application/json"],
			[`research-swarm://reports/${job.id}.md`, "text/markdown"],
		]);
		const { resourceTemplates } = await client.listResourceTemplates();
		expect(resourceTemplates.map((template) => template.uriTemplate)).toEqual([
			"research-swarm://reports/{jobId}.{format}",
		]);

		const uri = (extension: string) => `research-swarm://reports/${job.id}.${extension}`;
		expect(await readText(client, uri("md"), "text/markdown")).toBe(
			await (await report(job.id, "markdown")).text(),
		);
		const parsed = ReportSchema.parse(JSON.parse(await readText(client, uri("json"), "application/json")));
		expect(parsed.findings.length).toBeGreaterThan(0);
		expect((await readText(client, uri("html"), "text/html")).toLowerCase()).toContain("<!doctype html>");

		await expect(client.readResource({ uri: uri("pdf") })).rejects.toThrow(/no report/);
	});

	it("answers the job tools with what the API answers, and API errors as tool errors", async () => {
		const client = await connect();
		const accepted = await callTool(client, "research_swarm_create_job", {
			...sampleRequest({ swarmSize: 3, formats: ["markdown"] }),
		});
		expect(accepted.isError).toBeFalsy();
		const { id } = JobAcceptedSchema.parse(accepted.structuredContent);
		await waitForJob(id);

		const viaMcp = JobViewSchema.parse(
			(await callTool(client, "research_swarm_get_job", { jobId: id })).structuredContent,
		);
		// The coordinator may still touch the job after it completed (learning), so updatedAt may move.
		expect({ ...viaMcp, updatedAt: 0 }).toEqual({ ...(await getJob(id)), updatedAt: 0 });

		const { listed } = await listedReports(client, id, 2);
		expect(listed.map((resource) => resource.uri).sort()).toEqual([
			`research-swarm://reports/${id}.json`,
			`research-swarm://reports/${id}.md`,
		]);
		const page = JobListSchema.parse(
			(await callTool(client, "research_swarm_list_jobs", { status: "completed", limit: 100 }))
				.structuredContent,
		);
		expect(page.jobs.map((job) => job.id)).toContain(id);

		const markdown = await callTool(client, "research_swarm_get_report", { jobId: id });
		expect(textOf(markdown)).toBe(await (await report(id, "markdown")).text());
		const json = await callTool(client, "research_swarm_get_report", { jobId: id, format: "json" });
		expect(ReportSchema.parse(json.structuredContent).findings.length).toBeGreaterThan(0);
		expect(
			apiErrorOf(await callTool(client, "research_swarm_get_report", { jobId: id, format: "html" })).code,
		).toBe("format_not_generated");

		expect(apiErrorOf(await callTool(client, "research_swarm_cancel_job", { jobId: id }))).toMatchObject({
			code: "job_finished",
			details: { status: "completed" },
		});
		expect(apiErrorOf(await callTool(client, "research_swarm_get_job", { jobId: "job_missing" })).code).toBe(
			"not_found",
		);
		expect(apiErrorOf(await callTool(client, "research_swarm_get_job", { jobId: "../stats" })).code).toBe(
			"not_found",
		);
	});

	it("cancels a running job and refuses its report until it completes", async () => {
		const gate = holdAgents();
		try {
			const client = await connect();
			const accepted = await callTool(client, "research_swarm_create_job", sampleRequest({ swarmSize: 3 }));
			const { id } = JobAcceptedSchema.parse(accepted.structuredContent);
			await expect(client.readResource({ uri: `research-swarm://reports/${id}.md` })).rejects.toThrow(
				/report_not_ready/,
			);
			const cancelled = await callTool(client, "research_swarm_cancel_job", { jobId: id });
			expect(JobViewSchema.parse(cancelled.structuredContent).status).toBe("cancelled");
		} finally {
			gate.release();
			gate.restore();
		}
	});

	it("rejects arguments the API's schema rejects, before anything runs", async () => {
		const client = await connect();
		const before = JobListSchema.parse(
			(await callTool(client, "research_swarm_list_jobs", { limit: 100 })).structuredContent,
		);
		for (const args of [
			{ task: "heat pumps", swarmSize: 99 },
			{ task: "" },
			{ task: "x", unknownOption: true },
		]) {
			const result = await callTool(client, "research_swarm_create_job", args);
			expect(result.isError).toBe(true);
			expect(textOf(result)).toMatch(/Input validation error/);
		}
		const after = JobListSchema.parse(
			(await callTool(client, "research_swarm_list_jobs", { limit: 100 })).structuredContent,
		);
		expect(after.jobs[0]?.id).toBe(before.jobs[0]?.id);
	});

	it("serves the learning and planning tools", async () => {
		const client = await connect();
		const stats = await callTool(client, "research_swarm_stats");
		expect(stats.structuredContent).toHaveProperty("jobsByStatus");
		const patterns = await callTool(client, "research_swarm_search_patterns", { q: "heat pumps", k: 3 });
		expect(Array.isArray(patterns.structuredContent?.patterns)).toBe(true);
		const learned = await callTool(client, "research_swarm_learn", {});
		expect(typeof learned.structuredContent?.patterns).toBe("number");
		const plan = await callTool(client, "research_swarm_goal_plan", {
			goal: "Heat pumps vs gas furnaces for a cold-climate home",
			maxSubgoals: 3,
		});
		expect(plan.isError).toBeFalsy();
		expect(plan.structuredContent).toMatchObject({
			goal: "Heat pumps vs gas furnaces for a cold-climate home",
		});
		expect(GoalPlanResponseSchema.parse(plan.structuredContent).subgoals.length).toBeGreaterThanOrEqual(2);
	});

	it("answers 401 for a malformed or unknown key, even in dev mode, before any MCP handling", async () => {
		const initialize = {
			jsonrpc: "2.0",
			id: 1,
			method: "initialize",
			params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
		};
		for (const authorization of [
			"Bearer nope",
			"Bearer rs_live_0000000000000000000000000000000000000000",
			"Basic x",
		]) {
			const response = await api("/mcp", {
				method: "POST",
				headers: {
					authorization,
					"content-type": "application/json",
					accept: "application/json, text/event-stream",
				},
				body: JSON.stringify(initialize),
			});
			expect(response.status).toBe(401);
			expect(ApiErrorBodySchema.parse(await response.json()).error.code).toBe("unauthorized");
		}
		await expect(connect({ authorization: "Bearer nope" })).rejects.toThrow();
	});

	it("acts as the key's tenant: its jobs and reports are not the local tenant's", async () => {
		const key = await createTenantKey();
		const client = await connect({ authorization: `Bearer ${key}` });
		const accepted = await callTool(client, "research_swarm_create_job", sampleRequest({ swarmSize: 3 }));
		const { id } = JobAcceptedSchema.parse(accepted.structuredContent);
		await waitForJob(id, undefined, 45_000, { authorization: `Bearer ${key}` });
		expect((await api(`/v1/research/${id}`)).status).toBe(404);

		const { all } = await listedReports(client, id, 3);
		expect(all).toHaveLength(3);
		const local = await connect();
		expect(apiErrorOf(await callTool(local, "research_swarm_get_job", { jobId: id })).code).toBe("not_found");
		expect((await local.listResources()).resources.some((resource) => resource.uri.includes(id))).toBe(false);
	});

	it("offers no server-to-client stream: GET and DELETE answer 405", async () => {
		for (const method of ["GET", "DELETE"]) {
			const response = await api("/mcp", { method, headers: { accept: "text/event-stream" } });
			expect(response.status).toBe(405);
			expect(response.headers.get("allow")).toBe("POST");
		}
	});
});

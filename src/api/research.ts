/** `/v1/research`: submit a job, read it, follow its events, fetch its report, cancel it. */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database, findJob, listJobs } from "../db/queries";
import { provenanceKey, reportKey } from "../lib/object-keys";
import { REPORT_FORMATS } from "../lib/report-formats";
import {
	JobAcceptedSchema,
	JobListSchema,
	JobStatusSchema,
	JobViewSchema,
	jobLinks,
	ReportFormatSchema,
	ResearchRequestSchema,
} from "../protocol";
import { ProvenanceSchema } from "../synthesis/provenance";
import { reportContentSecurityPolicy } from "../synthesis/render-html";
import { decodeCursor, encodeCursor } from "./cursor";
import type { AppEnv } from "./env";
import { ApiError, errorBody } from "./errors";
import {
	endpoint,
	errorResponses,
	IdParamsSchema,
	jsonBody,
	jsonResponse,
	resourceEndpoint,
} from "./openapi";
import { submitJob } from "./submit-job";
import { validationHook } from "./validation";

const submitRoute = createRoute({
	...endpoint("post", "/v1/research", "Submit a research job"),
	request: {
		headers: z.object({
			"idempotency-key": z
				.string()
				.min(1)
				.max(255)
				.optional()
				.openapi({ description: "Same key and body → the same job; same key, different body → 409." }),
		}),
		body: jsonBody(ResearchRequestSchema),
	},
	responses: {
		202: jsonResponse("Accepted", JobAcceptedSchema),
		...errorResponses(400, 401, 409, 413, 415, 422, 429),
	},
});

const listRoute = createRoute({
	...endpoint("get", "/v1/research", "List jobs, newest first"),
	request: {
		query: z.object({
			status: JobStatusSchema.optional(),
			limit: z.coerce.number().int().min(1).max(100).default(20),
			cursor: z.string().max(200).optional(),
		}),
	},
	responses: { 200: jsonResponse("A page of jobs", JobListSchema), ...errorResponses(400) },
});

const getRoute = createRoute({
	...resourceEndpoint(
		"get",
		"/v1/research/{id}",
		"A job's status, configuration, plan, progress and metrics",
	),
	responses: { 200: jsonResponse("The job", JobViewSchema), ...errorResponses(404) },
});

const eventsRoute = createRoute({
	...endpoint(
		"get",
		"/v1/research/{id}/events",
		"Server-Sent Events of every state change, in order; resumable with Last-Event-ID",
	),
	request: {
		params: IdParamsSchema,
		headers: z.object({
			"last-event-id": z
				.string()
				.regex(/^\d{1,15}$/)
				.optional(),
		}),
		query: z.object({
			lastEventId: z
				.string()
				.regex(/^\d{1,15}$/)
				.optional(),
		}),
	},
	responses: {
		200: { description: "An SSE stream", content: { "text/event-stream": { schema: z.string() } } },
		...errorResponses(400, 404),
	},
});

const reportRoute = createRoute({
	...endpoint("get", "/v1/research/{id}/report", "The stored report"),
	request: { params: IdParamsSchema, query: z.object({ format: ReportFormatSchema.default("json") }) },
	responses: {
		200: {
			description: "The report",
			content: {
				"application/json": { schema: z.object({}).passthrough() },
				"text/markdown": { schema: z.string() },
				"text/html": { schema: z.string() },
			},
		},
		...errorResponses(400, 404, 409),
	},
});

const provenanceRoute = createRoute({
	...resourceEndpoint(
		"get",
		"/v1/research/{id}/provenance",
		"Every finding's verdict and each quote's source, snapshot hash, offsets and retrieval time",
	),
	responses: { 200: jsonResponse("The provenance record", ProvenanceSchema), ...errorResponses(404, 409) },
});

const cancelRoute = createRoute({
	...resourceEndpoint("post", "/v1/research/{id}/cancel", "Cancel a job that has not finished"),
	responses: { 200: jsonResponse("The cancelled job", JobViewSchema), ...errorResponses(404, 409) },
});

export const researchRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
	.openapi(submitRoute, async (c) => {
		const idempotencyKey = c.req.valid("header")["idempotency-key"];
		const accepted = await submitJob(c.env, c.var.tenantId, c.req.valid("json"), idempotencyKey);
		return c.json(accepted, 202, { Location: accepted.links.self });
	})
	.openapi(listRoute, async (c) => {
		const { status, limit, cursor } = c.req.valid("query");
		const page = await listJobs(database(c.env.DB), c.var.tenantId, {
			...(status ? { status } : {}),
			limit,
			...(cursor ? { cursor: decodeCursor(cursor) } : {}),
		});
		return c.json(
			{
				jobs: page.rows.map((row) => ({
					id: row.id,
					status: JobStatusSchema.parse(row.status),
					task: row.task,
					progress: row.progress,
					createdAt: row.createdAt,
					updatedAt: row.updatedAt,
					completedAt: row.completedAt,
					links: jobLinks(row.id),
				})),
				nextCursor: page.next ? encodeCursor(page.next) : null,
			},
			200,
		);
	})
	.openapi(getRoute, async (c) => {
		const { id } = c.req.valid("param");
		const view = await requireJob(c.env, c.var.tenantId, id).then(() =>
			c.env.SWARM_COORDINATOR.getByName(id).view(c.var.tenantId),
		);
		if (!view) throw notFound(id);
		return c.json(view, 200);
	})
	.openapi(eventsRoute, async (c) => {
		const { id } = c.req.valid("param");
		await requireJob(c.env, c.var.tenantId, id);
		const after = Number(c.req.valid("header")["last-event-id"] ?? c.req.valid("query").lastEventId ?? 0);
		const stream = await c.env.SWARM_COORDINATOR.getByName(id).streamEvents(c.var.tenantId, after);
		if (!stream) throw notFound(id);
		return new Response(stream, {
			headers: {
				"content-type": "text/event-stream; charset=utf-8",
				"cache-control": "no-cache, no-transform",
				"x-accel-buffering": "no",
			},
		});
	})
	.openapi(reportRoute, async (c) => {
		const { id } = c.req.valid("param");
		const { format } = c.req.valid("query");
		await requireCompletedJob(c.env, c.var.tenantId, id);
		const object = await c.env.ARTIFACTS.get(reportKey(c.var.tenantId, id, REPORT_FORMATS[format].extension));
		if (!object) {
			return c.json(errorBody("format_not_generated", `this job did not produce a ${format} report`), 404);
		}
		const headers: Record<string, string> = {
			"content-type": object.httpMetadata?.contentType ?? "application/octet-stream",
			"x-content-type-options": "nosniff",
			"cache-control": "private, max-age=300",
		};
		if (format === "html") headers["content-security-policy"] = await reportContentSecurityPolicy();
		return new Response(object.body, { headers });
	})
	.openapi(provenanceRoute, async (c) => {
		const { id } = c.req.valid("param");
		await requireCompletedJob(c.env, c.var.tenantId, id);
		const object = await c.env.ARTIFACTS.get(provenanceKey(c.var.tenantId, id));
		if (!object) throw new ApiError(404, "provenance_not_generated", `job ${id} has no provenance record`);
		return c.json(ProvenanceSchema.parse(await object.json()), 200);
	})
	.openapi(cancelRoute, async (c) => {
		const { id } = c.req.valid("param");
		await requireJob(c.env, c.var.tenantId, id);
		const coordinator = c.env.SWARM_COORDINATOR.getByName(id);
		const outcome = await coordinator.cancel(c.var.tenantId);
		if (!outcome) throw notFound(id);
		if (!outcome.cancelled) {
			throw new ApiError(409, "job_finished", `the job already ended as ${outcome.status}`, {
				status: outcome.status,
			});
		}
		const view = await coordinator.view(c.var.tenantId);
		if (!view) throw notFound(id);
		return c.json(view, 200);
	});

function notFound(id: string): ApiError {
	return new ApiError(404, "not_found", `no job ${id}`);
}

/** 404 unless the tenant owns the job, 409 until it has completed. */
async function requireCompletedJob(env: Env, tenantId: string, id: string): Promise<void> {
	await requireJob(env, tenantId, id);
	const view = await env.SWARM_COORDINATOR.getByName(id).view(tenantId);
	if (!view) throw notFound(id);
	if (view.status !== "completed") {
		throw new ApiError(
			409,
			"report_not_ready",
			`the job is ${view.status}; a report exists once it completes`,
			{
				status: view.status,
			},
		);
	}
}

/** 404 unless the tenant owns the job; another tenant's job looks exactly like a missing one. */
async function requireJob(env: Env, tenantId: string, id: string): Promise<void> {
	if (!(await findJob(database(env.DB), tenantId, id))) throw notFound(id);
}

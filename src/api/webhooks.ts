/**
 * Webhook settings over the API (API key): the tenant's `whsec_` signing secret and its GitHub
 * integration (secrets are shown once), endpoints that receive job events, and the delivery log with
 * manual redelivery. `webhookRoutes` also carries the inbound hooks of `./hooks`.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { randomId } from "../auth/keys";
import { database } from "../db/queries";
import {
	type AttemptRow,
	attemptsOf,
	type DeliveryRow,
	deleteEndpoint,
	deleteGithubIntegration,
	type EndpointRow,
	findDelivery,
	findEndpoint,
	findGithubIntegration,
	findSigningSecret,
	type GithubIntegrationRow,
	type InboundSource,
	insertEndpoint,
	listDeliveries,
	listEndpoints,
	reopenDelivery,
	rotateSigningSecret,
	saveGithubIntegration,
} from "../db/webhook-queries";
import { checkUrl } from "../evidence/address-rules";
import { DEFAULT_SUBSCRIPTION } from "../webhooks/events";
import type { DeliveryAttemptMessage } from "../webhooks/messages";
import {
	generateGithubSecret,
	generateSigningSecret,
	SIGNING_SECRET_GRACE_MS,
	secretsInForce,
} from "../webhooks/secrets";
import {
	CreateEndpointSchema,
	DEFAULT_GITHUB_LABEL,
	DeliveryListSchema,
	DeliverySchema,
	DeliveryStatusSchema,
	EndpointListSchema,
	EndpointSchema,
	GithubSavedSchema,
	GithubUpdateSchema,
	RotatedSecretSchema,
	WebhookSettingsSchema,
} from "../wire/webhooks";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";
import { hookRoutes } from "./hooks";
import { decodeCursor, encodeCursor, errorResponses } from "./research";
import { validationHook } from "./validation";

/** Endpoints a tenant may register. */
export const MAX_ENDPOINTS = 20;
// ─── Schemas ───────────────────────────────────────────────────────────────────────────────────────

const IdParams = z.object({
	id: z
		.string()
		.min(1)
		.max(64)
		.openapi({ param: { name: "id", in: "path" } }),
});

// ─── Routes ────────────────────────────────────────────────────────────────────────────────────────

const settingsRoute = createRoute({
	method: "get",
	path: "/v1/webhooks/settings",
	summary: "Webhook settings (never the secrets)",
	responses: {
		200: { description: "Settings", content: { "application/json": { schema: WebhookSettingsSchema } } },
		...errorResponses(401, 429),
	},
});

const rotateSecretRoute = createRoute({
	method: "post",
	path: "/v1/webhooks/signing-secret",
	summary: "Create or rotate the signing secret (inbound Standard Webhooks and outbound deliveries)",
	responses: {
		201: { description: "The new secret", content: { "application/json": { schema: RotatedSecretSchema } } },
		...errorResponses(401, 429),
	},
});

const saveGithubRoute = createRoute({
	method: "put",
	path: "/v1/webhooks/github",
	summary: "Configure the GitHub integration: trigger label, optional token, webhook secret",
	request: { body: { required: true, content: { "application/json": { schema: GithubUpdateSchema } } } },
	responses: {
		200: { description: "Saved", content: { "application/json": { schema: GithubSavedSchema } } },
		...errorResponses(400, 401, 429),
	},
});

const deleteGithubRoute = createRoute({
	method: "delete",
	path: "/v1/webhooks/github",
	summary: "Remove the GitHub integration",
	responses: { 204: { description: "Removed" }, ...errorResponses(401, 404, 429) },
});

const createEndpointRoute = createRoute({
	method: "post",
	path: "/v1/webhooks/endpoints",
	summary: "Register an endpoint for job events",
	request: { body: { required: true, content: { "application/json": { schema: CreateEndpointSchema } } } },
	responses: {
		201: { description: "The endpoint", content: { "application/json": { schema: EndpointSchema } } },
		...errorResponses(400, 401, 422, 429),
	},
});

const listEndpointsRoute = createRoute({
	method: "get",
	path: "/v1/webhooks/endpoints",
	summary: "Your endpoints",
	responses: {
		200: {
			description: "Endpoints",
			content: { "application/json": { schema: EndpointListSchema } },
		},
		...errorResponses(401, 429),
	},
});

const deleteEndpointRoute = createRoute({
	method: "delete",
	path: "/v1/webhooks/endpoints/{id}",
	summary: "Delete an endpoint; its pending deliveries stop",
	request: { params: IdParams },
	responses: { 204: { description: "Deleted" }, ...errorResponses(401, 404, 429) },
});

const listDeliveriesRoute = createRoute({
	method: "get",
	path: "/v1/webhooks/deliveries",
	summary: "The delivery log, newest first, with every attempt",
	request: {
		query: z.object({
			endpointId: z.string().max(64).optional(),
			jobId: z.string().max(64).optional(),
			status: DeliveryStatusSchema.optional(),
			limit: z.coerce.number().int().min(1).max(100).default(20),
			cursor: z.string().max(200).optional(),
		}),
	},
	responses: {
		200: {
			description: "A page of deliveries",
			content: {
				"application/json": {
					schema: DeliveryListSchema,
				},
			},
		},
		...errorResponses(400, 401, 429),
	},
});

const getDeliveryRoute = createRoute({
	method: "get",
	path: "/v1/webhooks/deliveries/{id}",
	summary: "One delivery with every attempt",
	request: { params: IdParams },
	responses: {
		200: { description: "The delivery", content: { "application/json": { schema: DeliverySchema } } },
		...errorResponses(401, 404, 429),
	},
});

const redeliverRoute = createRoute({
	method: "post",
	path: "/v1/webhooks/deliveries/{id}/redeliver",
	summary: "Send a finished delivery once more, now, with the same `webhook-id`",
	request: { params: IdParams },
	responses: {
		202: { description: "Queued", content: { "application/json": { schema: DeliverySchema } } },
		...errorResponses(401, 404, 409, 429),
	},
});

// ─── Helpers ───────────────────────────────────────────────────────────────────────────────────────

function endpointView(row: EndpointRow): z.infer<typeof EndpointSchema> {
	return {
		id: row.id,
		url: row.url,
		events: z.array(z.string()).parse(JSON.parse(row.events)),
		description: row.description,
		createdAt: row.createdAt,
		disabledAt: row.disabledAt,
		disabledReason: row.disabledReason,
	};
}

function deliveryView(row: DeliveryRow, attempts: AttemptRow[]): z.infer<typeof DeliverySchema> {
	return {
		id: row.id,
		eventId: row.eventId,
		eventType: row.eventType,
		jobId: row.jobId,
		destination:
			row.destination === "callback" || row.destination === "github" ? row.destination : "endpoint",
		endpointId: row.endpointId,
		url: row.url,
		status: DeliveryStatusSchema.parse(row.status),
		attemptCount: row.attempts,
		nextAttemptAt: row.nextAttemptAt,
		lastStatusCode: row.lastStatusCode,
		lastError: row.lastError,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
		attempts: attempts.map((attempt) => ({
			attempt: attempt.attempt,
			startedAt: attempt.startedAt,
			statusCode: attempt.statusCode,
			latencyMs: attempt.latencyMs,
			outcome: attempt.outcome === "succeeded" ? "succeeded" : "failed",
			error: attempt.error,
			manual: attempt.manual,
		})),
	};
}

function githubView(row: GithubIntegrationRow) {
	return {
		label: row.label,
		tokenConfigured: row.token !== null,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
	};
}

function inboundUrl(requestUrl: string, kind: InboundSource, tenantId: string): string {
	return `${new URL(requestUrl).origin}/v1/hooks/${kind}/${tenantId}`;
}

// ─── Handlers ──────────────────────────────────────────────────────────────────────────────────────

export const webhookRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
	.route("/", hookRoutes)
	.openapi(settingsRoute, async (c) => {
		const db = database(c.env.DB);
		const tenantId = c.var.tenantId;
		const [secret, github] = await Promise.all([
			findSigningSecret(db, tenantId),
			findGithubIntegration(db, tenantId),
		]);
		const inForce = secretsInForce(secret, Date.now());
		return c.json(
			{
				signingSecret: {
					configured: secret !== null,
					createdAt: secret?.createdAt ?? null,
					previousSecretValidUntil: inForce.length > 1 ? (secret?.previousExpiresAt ?? null) : null,
				},
				github: github ? githubView(github) : null,
				inboundUrls: {
					standard: inboundUrl(c.req.url, "standard", tenantId),
					github: inboundUrl(c.req.url, "github", tenantId),
				},
			},
			200,
		);
	})
	.openapi(rotateSecretRoute, async (c) => {
		const now = Date.now();
		const row = await rotateSigningSecret(
			database(c.env.DB),
			c.var.tenantId,
			generateSigningSecret(),
			now,
			now + SIGNING_SECRET_GRACE_MS,
		);
		const previousSecretValidUntil = row.previousSecret === null ? null : row.previousExpiresAt;
		return c.json({ secret: row.secret, createdAt: row.createdAt, previousSecretValidUntil }, 201);
	})
	.openapi(saveGithubRoute, async (c) => {
		const update = c.req.valid("json");
		const db = database(c.env.DB);
		const tenantId = c.var.tenantId;
		const existing = await findGithubIntegration(db, tenantId);
		const secret = existing && !update.rotateSecret ? existing.secret : generateGithubSecret();
		const now = Date.now();
		const row: GithubIntegrationRow = {
			tenantId,
			secret,
			label: update.label ?? existing?.label ?? DEFAULT_GITHUB_LABEL,
			token: update.token === undefined ? (existing?.token ?? null) : update.token,
			createdAt: existing?.createdAt ?? now,
			updatedAt: now,
		};
		await saveGithubIntegration(db, row);
		const webhookUrl = inboundUrl(c.req.url, "github", tenantId);
		return c.json(
			{ ...githubView(row), webhookUrl, ...(secret === existing?.secret ? {} : { secret }) },
			200,
		);
	})
	.openapi(deleteGithubRoute, async (c) => {
		if (!(await deleteGithubIntegration(database(c.env.DB), c.var.tenantId))) {
			throw new ApiError(404, "not_found", "no GitHub integration is configured");
		}
		return c.body(null, 204);
	})
	.openapi(createEndpointRoute, async (c) => {
		const body = c.req.valid("json");
		const check = checkUrl(body.url);
		if (!check.ok)
			throw new ApiError(400, "url_not_allowed", `the URL cannot receive webhooks: ${check.detail}`);
		const db = database(c.env.DB);
		if ((await listEndpoints(db, c.var.tenantId)).length >= MAX_ENDPOINTS) {
			throw new ApiError(422, "endpoint_limit", `a tenant may have at most ${MAX_ENDPOINTS} endpoints`);
		}
		const row: EndpointRow = {
			id: randomId("ep"),
			tenantId: c.var.tenantId,
			url: check.url.href,
			events: JSON.stringify([...new Set(body.events ?? DEFAULT_SUBSCRIPTION)]),
			description: body.description ?? null,
			createdAt: Date.now(),
			disabledAt: null,
			disabledReason: null,
		};
		await insertEndpoint(db, row);
		return c.json(endpointView(row), 201);
	})
	.openapi(listEndpointsRoute, async (c) => {
		const rows = await listEndpoints(database(c.env.DB), c.var.tenantId);
		return c.json({ endpoints: rows.map(endpointView) }, 200);
	})
	.openapi(deleteEndpointRoute, async (c) => {
		const { id } = c.req.valid("param");
		if (!(await deleteEndpoint(database(c.env.DB), c.var.tenantId, id))) {
			throw new ApiError(404, "not_found", `no endpoint ${id}`);
		}
		return c.body(null, 204);
	})
	.openapi(listDeliveriesRoute, async (c) => {
		const { endpointId, jobId, status, limit, cursor } = c.req.valid("query");
		const page = await listDeliveries(
			database(c.env.DB),
			c.var.tenantId,
			{ ...(endpointId ? { endpointId } : {}), ...(jobId ? { jobId } : {}), ...(status ? { status } : {}) },
			{ limit, ...(cursor ? { cursor: decodeCursor(cursor) } : {}) },
		);
		return c.json(
			{
				deliveries: page.rows.map((row) => deliveryView(row.delivery, row.attempts)),
				nextCursor: page.next ? encodeCursor(page.next) : null,
			},
			200,
		);
	})
	.openapi(getDeliveryRoute, async (c) => {
		const { id } = c.req.valid("param");
		const db = database(c.env.DB);
		const delivery = await findDelivery(db, c.var.tenantId, id);
		if (!delivery) throw new ApiError(404, "not_found", `no delivery ${id}`);
		return c.json(deliveryView(delivery, await attemptsOf(db, c.var.tenantId, [id])), 200);
	})
	.openapi(redeliverRoute, async (c) => {
		const { id } = c.req.valid("param");
		const db = database(c.env.DB);
		const tenantId = c.var.tenantId;
		const delivery = await findDelivery(db, tenantId, id);
		if (!delivery) throw new ApiError(404, "not_found", `no delivery ${id}`);
		if (delivery.endpointId) {
			const endpoint = await findEndpoint(db, tenantId, delivery.endpointId);
			if (!endpoint || endpoint.disabledAt !== null) {
				throw new ApiError(409, "endpoint_unavailable", "the endpoint was deleted or disabled");
			}
		}
		const reopened = await reopenDelivery(db, tenantId, id, Date.now());
		if (!reopened) throw new ApiError(409, "delivery_in_progress", "the delivery is still being attempted");
		const message: DeliveryAttemptMessage = {
			kind: "delivery-attempt",
			tenantId,
			deliveryId: id,
			attempt: reopened.attempts + 1,
			manual: true,
		};
		await c.env.WEBHOOKS.send(message, { contentType: "json" });
		return c.json(deliveryView(reopened, await attemptsOf(db, tenantId, [id])), 202);
	});

/**
 * Webhook settings over the API (API key): the tenant's two `whsec_` secrets (outbound signing, inbound
 * verification) and its GitHub integration (secrets are shown once and stored sealed), endpoints that
 * receive job events, and the delivery log with manual redelivery. `webhookRoutes` also carries the
 * inbound hooks of `./inbound-webhooks` and the admin route that re-seals stored secrets.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { randomId } from "../auth/api-keys";
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
	findRotatingSecret,
	type GithubIntegrationRow,
	type InboundSource,
	insertEndpoint,
	listDeliveries,
	listEndpoints,
	reopenDelivery,
	type SigningSecretRow,
} from "../db/webhook-queries";
import { DEFAULT_SUBSCRIPTION } from "../webhooks/events";
import type { DeliveryAttemptMessage } from "../webhooks/messages";
import {
	loadGithubIntegration,
	resealSecrets,
	rotateSecret,
	storeGithubIntegration,
} from "../webhooks/secret-store";
import { generateGithubSecret, secretsInForce } from "../webhooks/secrets";
import {
	CreateEndpointSchema,
	DEFAULT_GITHUB_LABEL,
	DeliveryListSchema,
	DeliverySchema,
	DeliveryStatusSchema,
	EndpointListSchema,
	EndpointSchema,
	type GithubIntegrationSchema,
	GithubSavedSchema,
	GithubUpdateSchema,
	ResealOutcomeSchema,
	RotatedInboundSecretSchema,
	RotatedSecretSchema,
	type SecretStatus,
	WebhookSettingsSchema,
} from "../wire/webhooks";
import { requireAdmin } from "./auth";
import { decodeCursor, encodeCursor } from "./cursor";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";
import { inboundWebhookRoutes } from "./inbound-webhooks";
import { endpoint, errorResponses, jsonBody, jsonResponse, resourceEndpoint } from "./openapi";
import { requireKeyring } from "./secrets-keyring";
import { validationHook } from "./validation";
import { webhookTarget } from "./webhook-url";

/** Endpoints a tenant may register. */
const MAX_ENDPOINTS = 20;
// ─── Routes ────────────────────────────────────────────────────────────────────────────────────────

const settingsRoute = createRoute({
	...endpoint("get", "/v1/webhooks/settings", "Webhook settings (never the secrets)"),
	responses: { 200: jsonResponse("Settings", WebhookSettingsSchema), ...errorResponses(401, 429) },
});

const rotateSecretRoute = createRoute({
	...endpoint("post", "/v1/webhooks/signing-secret", "Create or rotate the outbound signing secret"),
	description: "It signs deliveries to callback URLs and endpoints, and never verifies an inbound hook.",
	responses: { 201: jsonResponse("The new secret", RotatedSecretSchema), ...errorResponses(401, 429, 503) },
});

const rotateInboundSecretRoute = createRoute({
	...endpoint("post", "/v1/webhooks/inbound-secret", "Create or rotate the inbound secret"),
	description:
		"`/v1/hooks/standard/{tenantId}` accepts only messages signed with it. Shown only in this answer.",
	responses: {
		201: jsonResponse("The new secret", RotatedInboundSecretSchema),
		...errorResponses(401, 429, 503),
	},
});

const resealSecretsRoute = createRoute({
	...endpoint(
		"post",
		"/v1/admin/secrets/reseal",
		"Re-seal stored secrets under the current key (admin token)",
	),
	description: "Seals every webhook secret and GitHub token under the first key of SECRETS_KEYS.",
	middleware: [requireAdmin] as const,
	responses: { 200: jsonResponse("What was re-sealed", ResealOutcomeSchema), ...errorResponses(401, 503) },
});

const saveGithubRoute = createRoute({
	...endpoint(
		"put",
		"/v1/webhooks/github",
		"Configure the GitHub integration: trigger label, optional token, webhook secret",
	),
	request: { body: jsonBody(GithubUpdateSchema) },
	responses: { 200: jsonResponse("Saved", GithubSavedSchema), ...errorResponses(400, 401, 429, 503) },
});

const deleteGithubRoute = createRoute({
	...endpoint("delete", "/v1/webhooks/github", "Remove the GitHub integration"),
	responses: { 204: { description: "Removed" }, ...errorResponses(401, 404, 429) },
});

const createEndpointRoute = createRoute({
	...endpoint("post", "/v1/webhooks/endpoints", "Register an endpoint for job events"),
	request: { body: jsonBody(CreateEndpointSchema) },
	responses: {
		201: jsonResponse("The endpoint", EndpointSchema),
		...errorResponses(400, 401, 413, 422, 429),
	},
});

const listEndpointsRoute = createRoute({
	...endpoint("get", "/v1/webhooks/endpoints", "Your endpoints"),
	responses: { 200: jsonResponse("Endpoints", EndpointListSchema), ...errorResponses(401, 429) },
});

const deleteEndpointRoute = createRoute({
	...resourceEndpoint(
		"delete",
		"/v1/webhooks/endpoints/{id}",
		"Delete an endpoint; its pending deliveries stop",
	),
	responses: { 204: { description: "Deleted" }, ...errorResponses(401, 404, 429) },
});

const listDeliveriesRoute = createRoute({
	...endpoint("get", "/v1/webhooks/deliveries", "The delivery log, newest first, with every attempt"),
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
		200: jsonResponse("A page of deliveries", DeliveryListSchema),
		...errorResponses(400, 401, 429),
	},
});

const getDeliveryRoute = createRoute({
	...resourceEndpoint("get", "/v1/webhooks/deliveries/{id}", "One delivery with every attempt"),
	responses: { 200: jsonResponse("The delivery", DeliverySchema), ...errorResponses(401, 404, 429) },
});

const redeliverRoute = createRoute({
	...resourceEndpoint(
		"post",
		"/v1/webhooks/deliveries/{id}/redeliver",
		"Send a finished delivery once more, now, with the same `webhook-id`",
	),
	responses: { 202: jsonResponse("Queued", DeliverySchema), ...errorResponses(401, 404, 409, 429) },
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

function githubView(row: GithubIntegrationRow): z.infer<typeof GithubIntegrationSchema> {
	return {
		label: row.label,
		tokenConfigured: row.token !== null,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt,
	};
}

function secretStatus(row: SigningSecretRow | null, now: number): SecretStatus {
	return {
		configured: row !== null,
		createdAt: row?.createdAt ?? null,
		previousSecretValidUntil: secretsInForce(row, now).length > 1 ? (row?.previousExpiresAt ?? null) : null,
	};
}

function inboundUrl(requestUrl: string, kind: InboundSource, tenantId: string): string {
	return `${new URL(requestUrl).origin}/v1/hooks/${kind}/${tenantId}`;
}

// ─── Handlers ──────────────────────────────────────────────────────────────────────────────────────

export const webhookRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
	.route("/", inboundWebhookRoutes)
	.openapi(settingsRoute, async (c) => {
		const db = database(c.env.DB);
		const tenantId = c.var.tenantId;
		const [signing, inbound, github] = await Promise.all([
			findRotatingSecret(db, "signing", tenantId),
			findRotatingSecret(db, "inbound", tenantId),
			findGithubIntegration(db, tenantId),
		]);
		const now = Date.now();
		return c.json(
			{
				signingSecret: secretStatus(signing, now),
				inboundSecret: secretStatus(inbound, now),
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
		const keyring = await requireKeyring(c.env);
		const rotated = await rotateSecret(database(c.env.DB), keyring, "signing", c.var.tenantId, Date.now());
		return c.json(rotated, 201);
	})
	.openapi(rotateInboundSecretRoute, async (c) => {
		const keyring = await requireKeyring(c.env);
		const rotated = await rotateSecret(database(c.env.DB), keyring, "inbound", c.var.tenantId, Date.now());
		return c.json({ ...rotated, inboundUrl: inboundUrl(c.req.url, "standard", c.var.tenantId) }, 201);
	})
	.openapi(resealSecretsRoute, async (c) => {
		return c.json(await resealSecrets(database(c.env.DB), await requireKeyring(c.env)), 200);
	})
	.openapi(saveGithubRoute, async (c) => {
		const update = c.req.valid("json");
		const db = database(c.env.DB);
		const tenantId = c.var.tenantId;
		const keyring = await requireKeyring(c.env);
		const existing = await loadGithubIntegration(db, keyring, tenantId);
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
		await storeGithubIntegration(db, keyring, row);
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
		const url = webhookTarget(body.url);
		const db = database(c.env.DB);
		if ((await listEndpoints(db, c.var.tenantId)).length >= MAX_ENDPOINTS) {
			throw new ApiError(422, "endpoint_limit", `a tenant may have at most ${MAX_ENDPOINTS} endpoints`);
		}
		const row: EndpointRow = {
			id: randomId("ep"),
			tenantId: c.var.tenantId,
			url: url.href,
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

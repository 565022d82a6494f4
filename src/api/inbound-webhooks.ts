/**
 * Inbound webhooks that start research, authenticated by their signature instead of an API key:
 * `POST /v1/hooks/standard/{tenantId}` (Standard Webhooks, event `research.requested`) and
 * `POST /v1/hooks/github/{tenantId}` (GitHub issues and `/research` comments). Signatures are checked on
 * the raw body bytes. A redelivered message (same `webhook-id` or `X-GitHub-Delivery`) answers with the
 * job it started before and starts nothing new.
 */
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { database, findJob } from "../db/queries";
import { findInboundJob, findRotatingSecret, type InboundKey, recordInbound } from "../db/webhook-queries";
import {
	type JobAccepted,
	JobAcceptedSchema,
	JobStatusSchema,
	jobLinks,
	ResearchRequestSchema,
} from "../protocol";
import { githubJobMetadata, githubTrigger } from "../webhooks/github-events";
import { verifyGithubSignature } from "../webhooks/github-signature";
import { loadGithubIntegration, rotatingSecretsInForce } from "../webhooks/secret-store";
import { type StandardRefusal, verifyStandardWebhook } from "../webhooks/standard-signature";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";
import { errorResponses, jsonResponse, pathId } from "./openapi";
import { requireKeyring } from "./secrets-keyring";
import { submitJob } from "./submit-job";
import { validationHook } from "./validation";

/** Longest sender message id accepted (`webhook-id`, `X-GitHub-Delivery`). */
const MAX_MESSAGE_ID_CHARS = 200;

const TenantParams = z.object({ tenantId: pathId("tenantId") });
const NotStartedSchema = z
	.object({
		started: z.literal(false),
		reason: z.string(),
		duplicateOf: z.string().optional().openapi({
			description: "The job this same GitHub event already started (a replay under a new delivery id).",
		}),
	})
	.openapi("HookIgnored");

/** What both hooks share: a signature instead of an API key, the body limit, the tenant in the path. */
const inboundHook = {
	method: "post" as const,
	security: [],
	request: { params: TenantParams },
};
const startedResponses = {
	202: jsonResponse("Accepted", JobAcceptedSchema),
	...errorResponses(400, 401, 409, 413, 422, 429, 503),
};

const standardHookRoute = createRoute({
	path: "/v1/hooks/standard/{tenantId}",
	summary: "Start research from a Standard Webhook (event `research.requested`)",
	description:
		"Signed with the tenant's inbound `whsec_` secret (`POST /v1/webhooks/inbound-secret`; never the " +
		"outbound signing secret), with `webhook-id`, `webhook-timestamp` within 5 minutes, " +
		'`webhook-signature`). The body is `{type: "research.requested", timestamp, data}` where `data` is a ' +
		"research request. The same `webhook-id` again answers with the same job.",
	...inboundHook,
	responses: startedResponses,
});

const githubHookRoute = createRoute({
	path: "/v1/hooks/github/{tenantId}",
	summary: "Start research from a GitHub issue or a `/research` comment",
	description:
		"Signed with the tenant's GitHub webhook secret (`X-Hub-Signature-256`). An `issues` event adding the " +
		"configured label, or a new `issue_comment` starting with `/research`, starts a job; other events are " +
		"acknowledged and ignored. The same `X-GitHub-Delivery` again answers with the same job. GitHub does " +
		"not sign `X-GitHub-Delivery`, so an event is also known by what its signed body identifies " +
		"(repository, issue, event and action, the label or comment id): the same event under another " +
		"delivery id starts nothing and answers 200 with `duplicateOf`.",
	...inboundHook,
	responses: { 200: jsonResponse("Not a research trigger", NotStartedSchema), ...startedResponses },
});

const REFUSALS: Record<StandardRefusal, string> = {
	missing_headers: "webhook-id, webhook-timestamp and webhook-signature are required",
	malformed_timestamp: "webhook-timestamp must be Unix seconds",
	expired: "webhook-timestamp is more than 5 minutes old",
	future: "webhook-timestamp is more than 5 minutes in the future",
	bad_signature: "no webhook-signature matches this body",
};

const ResearchRequestedSchema = z.object({
	type: z.literal("research.requested"),
	timestamp: z.string().optional(),
	data: ResearchRequestSchema,
});

function unauthorized(message: string): ApiError {
	return new ApiError(401, "invalid_signature", message);
}

/** The body as text exactly as received (a BOM kept), or null when it is not UTF-8. */
function utf8(bytes: Uint8Array): string | null {
	try {
		return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
	} catch {
		return null;
	}
}

function parseJson(text: string | null): unknown {
	try {
		return JSON.parse(text ?? "");
	} catch {
		throw new ApiError(400, "invalid_json", "the body is not JSON");
	}
}

function invalidBody(error: z.ZodError, prefix: string): ApiError {
	const issues = error.issues.map((issue) => ({
		path: [prefix, ...issue.path.map(String)].join("."),
		message: issue.message,
	}));
	return new ApiError(400, "invalid_request", "invalid json", { issues });
}

/** The job an inbound message already started, as the 202 body; null when it started none. */
async function earlierJob(
	env: Env,
	tenantId: string,
	source: InboundKey,
	messageId: string,
): Promise<JobAccepted | null> {
	const db = database(env.DB);
	const jobId = await findInboundJob(db, tenantId, source, messageId);
	if (jobId === null) return null;
	const job = await findJob(db, tenantId, jobId);
	return { id: jobId, status: JobStatusSchema.parse(job?.status ?? "queued"), links: jobLinks(jobId) };
}

/** GitHub sends JSON, or `payload=<json>` when the hook is set to form encoding. */
function githubPayload(contentType: string | undefined, text: string | null): unknown {
	if ((contentType ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) {
		return parseJson(new URLSearchParams(text ?? "").get("payload"));
	}
	return parseJson(text);
}

export const inboundWebhookRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
	.openapi(standardHookRoute, async (c) => {
		const { tenantId } = c.req.valid("param");
		const db = database(c.env.DB);
		const body = utf8(new Uint8Array(await c.req.arrayBuffer()));
		const now = Date.now();
		if ((await findRotatingSecret(db, "inbound", tenantId)) === null) {
			throw new ApiError(
				401,
				"inbound_secret_missing",
				"this tenant has no inbound secret yet: create one with POST /v1/webhooks/inbound-secret " +
					"(the signing secret signs outbound deliveries only)",
			);
		}
		const keyring = await requireKeyring(c.env);
		const secrets = await rotatingSecretsInForce(db, keyring, "inbound", tenantId, now);
		const verification =
			body === null
				? { ok: false as const, reason: "bad_signature" as const }
				: verifyStandardWebhook(secrets, body, (name) => c.req.header(name), now);
		if (!verification.ok) throw unauthorized(REFUSALS[verification.reason]);
		const messageId = verification.messageId;
		if (messageId.length > MAX_MESSAGE_ID_CHARS) {
			throw new ApiError(
				400,
				"invalid_request",
				`webhook-id is longer than ${MAX_MESSAGE_ID_CHARS} characters`,
			);
		}
		const earlier = await earlierJob(c.env, tenantId, "standard", messageId);
		if (earlier) return c.json(earlier, 202, { Location: earlier.links.self });
		const payload = parseJson(body);
		const type = z.object({ type: z.string() }).safeParse(payload);
		if (type.success && type.data.type !== "research.requested") {
			throw new ApiError(400, "unsupported_event", `event type "${type.data.type}" does not start research`);
		}
		const event = ResearchRequestedSchema.safeParse(payload);
		if (!event.success) throw invalidBody(event.error, "body");
		const accepted = await submitJob(c.env, tenantId, event.data.data, `webhook:standard:${messageId}`);
		await recordInbound(db, [
			{
				tenantId,
				source: "standard",
				messageId,
				eventType: event.data.type,
				jobId: accepted.id,
				receivedAt: now,
			},
		]);
		return c.json(accepted, 202, { Location: accepted.links.self });
	})
	.openapi(githubHookRoute, async (c) => {
		const { tenantId } = c.req.valid("param");
		const db = database(c.env.DB);
		const bytes = new Uint8Array(await c.req.arrayBuffer());
		const integration = await loadGithubIntegration(db, await requireKeyring(c.env), tenantId);
		const signature = c.req.header("x-hub-signature-256");
		if (!integration || !(await verifyGithubSignature(integration.secret, bytes, signature))) {
			throw unauthorized("X-Hub-Signature-256 does not match this body");
		}
		const delivery = c.req.header("x-github-delivery") ?? "";
		const eventName = c.req.header("x-github-event") ?? "";
		if (delivery === "" || eventName === "" || delivery.length > MAX_MESSAGE_ID_CHARS) {
			throw new ApiError(400, "invalid_request", "X-GitHub-Event and X-GitHub-Delivery are required");
		}
		const earlier = await earlierJob(c.env, tenantId, "github", delivery);
		if (earlier) return c.json(earlier, 202, { Location: earlier.links.self });
		const trigger = githubTrigger(
			eventName,
			githubPayload(c.req.header("content-type"), utf8(bytes)),
			integration.label,
		);
		if (!trigger.start) return c.json({ started: false as const, reason: trigger.reason }, 200);
		const replayed = await findInboundJob(db, tenantId, "github_event", trigger.event);
		if (replayed !== null) {
			const reason = `duplicate: this ${eventName} event already started job ${replayed}`;
			return c.json({ started: false as const, reason, duplicateOf: replayed }, 200);
		}
		const origin = {
			repository: trigger.repository,
			issue: trigger.issue,
			apiOrigin: new URL(c.req.url).origin,
		};
		const request = ResearchRequestSchema.safeParse({
			task: trigger.task,
			metadata: githubJobMetadata(origin, delivery),
		});
		if (!request.success) throw invalidBody(request.error, "issue");
		// Keyed by the event, not the delivery: replays racing each other claim the same key.
		const accepted = await submitJob(c.env, tenantId, request.data, `webhook:github:${trigger.event}`);
		const received = { tenantId, eventType: eventName, jobId: accepted.id, receivedAt: Date.now() };
		await recordInbound(db, [
			{ ...received, source: "github", messageId: delivery },
			{ ...received, source: "github_event", messageId: trigger.event },
		]);
		return c.json(accepted, 202, { Location: accepted.links.self });
	});

/**
 * Consumer of the `webhook-deliveries` queue.
 *
 * - A `job-event` (a job's terminal event from the coordinator's outbox) becomes one delivery per
 *   destination: the job's callback URL, each subscribed endpoint, and the GitHub issue the job came from.
 *   Delivery ids derive from event and destination, so an event sent twice (the outbox re-sends until the
 *   queue accepted it) creates nothing new.
 * - A `delivery-attempt` makes one attempt and, when it failed, sends the next attempt as a new message
 *   delayed by the schedule (`schedule.ts`); the queue itself never retries a receiver's failure.
 *
 * Every attempt of a delivery carries the same `webhook-id` (the event id), so receivers can deduplicate.
 */
import { z } from "zod";
import { secretsKeyring } from "../auth/secrets-keys";
import { database, findJob } from "../db/queries";
import {
	claimAttempt,
	type DeliveryRow,
	deliveriesAwaitingFirstAttempt,
	disableEndpoint,
	findDelivery,
	findEndpoint,
	insertDeliveries,
	listEndpoints,
	recordAttempt,
} from "../db/webhook-queries";
import { hostResolverFor } from "../evidence/host-resolver";
import { reportKey } from "../lib/object-keys";
import type { OutboundJobEvent } from "../protocol";
import { ReportSchema } from "../synthesis/report-schema";
import { type AttemptAnswer, postOnce } from "./attempt";
import { type Destination, deliveryId, standardDestinations } from "./events";
import { githubComment, githubOriginOf, issueCommentsUrl } from "./github-events";
import { type DeliveryAttemptMessage, WebhookQueueMessageSchema } from "./messages";
import { githubRequestHeaders, standardRequestHeaders } from "./requests";
import { judgeAttempt, nextAttemptDelaySeconds, parseRetryAfter } from "./schedule";
import { loadGithubIntegration, signingSecretsForDelivery } from "./secret-store";

/** The queue this consumer serves (wrangler.toml). */
export const WEBHOOK_QUEUE = "webhook-deliveries";

/**
 * A claimed attempt not recorded after this long was interrupted (an attempt takes at most 15 s plus
 * storage writes).
 */
const INTERRUPTED_CLAIM_MS = 2 * 60_000;

/** Wait before the queue redelivers a message whose handling hit a storage or queue error. */
const INTERNAL_RETRY_DELAY_SECONDS = 30;

/** Handles a batch of the `webhook-deliveries` queue; messages are independent and run concurrently. */
export async function consumeWebhookDeliveries(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	await Promise.all(batch.messages.map((message) => handleMessage(message, env)));
}

async function handleMessage(message: Message<unknown>, env: Env): Promise<void> {
	const parsed = WebhookQueueMessageSchema.safeParse(message.body);
	if (!parsed.success) {
		console.error("dropping malformed webhook message", message.id);
		message.ack();
		return;
	}
	try {
		if (parsed.data.kind === "job-event") await fanOut(env, parsed.data);
		else await attemptDelivery(env, parsed.data);
		message.ack();
	} catch (error) {
		// Only D1, R2 or queue trouble lands here: a receiver's failure is recorded as an attempt and retried on schedule.
		console.error("webhook message failed", message.id, String(error));
		message.retry({ delaySeconds: INTERNAL_RETRY_DELAY_SECONDS });
	}
}

function sendAttempts(env: Env, messages: DeliveryAttemptMessage[], delaySeconds: number): Promise<unknown> {
	if (messages.length === 0) return Promise.resolve();
	return env.WEBHOOKS.sendBatch(messages.map((body) => ({ body, contentType: "json", delaySeconds })));
}

async function fanOut(env: Env, event: OutboundJobEvent): Promise<void> {
	const db = database(env.DB);
	const now = Date.now();
	const endpoints = await listEndpoints(db, event.tenantId);
	const destinations = standardDestinations(
		event,
		endpoints.map((endpoint) => ({
			id: endpoint.id,
			url: endpoint.url,
			events: z.array(z.string()).parse(JSON.parse(endpoint.events)),
			disabled: endpoint.disabledAt !== null,
		})),
	);
	const github = await githubDestination(env, event);
	if (github) destinations.push(github);
	const rows = await Promise.all(
		destinations.map(async (destination) => ({
			...destination,
			id: await deliveryId(event.tenantId, event.eventId, destination.destination),
			tenantId: event.tenantId,
			eventId: event.eventId,
			eventType: event.type,
			jobId: event.jobId,
			status: "pending",
			attempts: 0,
			nextAttemptAt: now,
			createdAt: now,
			updatedAt: now,
		})),
	);
	await insertDeliveries(db, rows);
	// A repeated event also re-sends first attempts that never happened; a duplicate attempt is ignored.
	const waiting = await deliveriesAwaitingFirstAttempt(db, event.tenantId, event.eventId);
	await sendAttempts(
		env,
		waiting.map((delivery) => ({
			kind: "delivery-attempt",
			tenantId: delivery.tenantId,
			deliveryId: delivery.id,
			attempt: 1,
			manual: false,
		})),
		0,
	);
}

/** The comment for the GitHub issue a job came from, when the tenant configured a token. */
async function githubDestination(env: Env, event: OutboundJobEvent): Promise<Destination | null> {
	const db = database(env.DB);
	const job = await findJob(db, event.tenantId, event.jobId);
	const origin = githubOriginOf(job?.metadata ? JSON.parse(job.metadata) : null);
	if (!origin) return null;
	const keyring = await secretsKeyring(env);
	const integration = keyring && (await loadGithubIntegration(db, keyring, event.tenantId));
	if (!integration?.token) return null;
	const summary = event.type === "job.completed" ? await reportSummary(env, event) : null;
	const error = z.object({ message: z.string() }).safeParse(event.payload.error);
	return {
		destination: "github",
		kind: "github_comment",
		url: issueCommentsUrl(origin),
		endpointId: null,
		payload: JSON.stringify({
			body: githubComment(event, origin, summary, error.success ? error.data.message : null),
		}),
	};
}

/** The executive summary of the job's stored JSON report, or null when there is none. */
async function reportSummary(env: Env, event: OutboundJobEvent): Promise<string | null> {
	const object = await env.ARTIFACTS.get(reportKey(event.tenantId, event.jobId, "json"));
	if (!object) return null;
	const report = ReportSchema.pick({ executiveSummary: true }).safeParse(await object.json());
	return report.success ? report.data.executiveSummary.text : null;
}

async function attemptDelivery(env: Env, message: DeliveryAttemptMessage): Promise<void> {
	const db = database(env.DB);
	const delivery = await findDelivery(db, message.tenantId, message.deliveryId);
	if (delivery?.status !== "pending") return;
	if (delivery.attempts === message.attempt) {
		await recoverAttempt(env, delivery, message);
		return;
	}
	if (delivery.attempts !== message.attempt - 1) return;
	const claimedAt = Date.now();
	// One consumer per attempt: a duplicate message loses the claim and makes no request.
	if (!(await claimAttempt(db, delivery.tenantId, delivery.id, message.attempt, claimedAt))) return;
	const request = await prepareRequest(env, delivery, claimedAt);
	const answer: AttemptAnswer =
		"refusal" in request
			? { statusCode: null, latencyMs: 0, retryAfter: null, urlRefused: true, error: request.refusal }
			: await postOnce(delivery.url, delivery.payload, request.headers, hostResolverFor(env));
	await finishAttempt(env, delivery, message, claimedAt, answer);
}

/**
 * A message for an attempt that was already claimed. When the attempt was recorded and a retry
 * scheduled, the retry is sent again (its first send may have been lost; duplicates lose the claim).
 * When the claim is older than any attempt can take, its consumer died mid-attempt: the attempt is
 * recorded as interrupted and the schedule goes on.
 */
async function recoverAttempt(
	env: Env,
	delivery: DeliveryRow,
	message: DeliveryAttemptMessage,
): Promise<void> {
	const now = Date.now();
	if (delivery.nextAttemptAt !== null) {
		const delaySeconds = Math.max(0, Math.ceil((delivery.nextAttemptAt - now) / 1000));
		await sendAttempts(env, [{ ...message, attempt: message.attempt + 1 }], delaySeconds);
		return;
	}
	if (now - delivery.updatedAt < INTERRUPTED_CLAIM_MS) return; // still in flight
	const interrupted = {
		statusCode: null,
		latencyMs: 0,
		retryAfter: null,
		urlRefused: false,
		error: "the attempt was interrupted",
	};
	await finishAttempt(env, delivery, message, delivery.updatedAt, interrupted);
}

/** Records a claimed attempt's answer, disables an endpoint that is gone, and schedules the next attempt. */
async function finishAttempt(
	env: Env,
	delivery: DeliveryRow,
	message: DeliveryAttemptMessage,
	claimedAt: number,
	answer: AttemptAnswer,
): Promise<void> {
	const db = database(env.DB);
	const verdict = judgeAttempt(answer.statusCode, answer.urlRefused);
	const delaySeconds =
		verdict === "retry" && !message.manual
			? nextAttemptDelaySeconds(
					delivery.id,
					message.attempt + 1,
					parseRetryAfter(answer.retryAfter, claimedAt),
				)
			: null;
	const now = Date.now();
	const recorded = await recordAttempt(db, delivery.tenantId, delivery.id, {
		attempt: {
			attempt: message.attempt,
			startedAt: claimedAt,
			latencyMs: answer.latencyMs,
			statusCode: answer.statusCode,
			outcome: verdict === "delivered" ? "succeeded" : "failed",
			error: answer.error,
			manual: message.manual,
		},
		claimedAt,
		status: verdict === "delivered" ? "succeeded" : delaySeconds === null ? "failed" : "pending",
		nextAttemptAt: delaySeconds === null ? null : now + delaySeconds * 1000,
		now,
	});
	if (!recorded) return;
	if (verdict === "gone" && delivery.endpointId) {
		await disableEndpoint(db, delivery.tenantId, delivery.endpointId, "the endpoint answered 410 Gone", now);
	}
	if (delaySeconds !== null) {
		await sendAttempts(env, [{ ...message, attempt: message.attempt + 1, manual: false }], delaySeconds);
	}
}

type PreparedRequest = { headers: Record<string, string> } | { refusal: string };

/** The headers of this attempt, or why it cannot be made at all. */
async function prepareRequest(env: Env, delivery: DeliveryRow, now: number): Promise<PreparedRequest> {
	const db = database(env.DB);
	if (delivery.endpointId) {
		const endpoint = await findEndpoint(db, delivery.tenantId, delivery.endpointId);
		if (!endpoint) return { refusal: "the endpoint was deleted" };
		if (endpoint.disabledAt !== null)
			return { refusal: `the endpoint is disabled: ${endpoint.disabledReason}` };
	}
	const keyring = await secretsKeyring(env);
	if (!keyring) return { refusal: "the deployment has no SECRETS_KEYS secret to open its webhook secrets" };
	if (delivery.kind === "github_comment") {
		const integration = await loadGithubIntegration(db, keyring, delivery.tenantId);
		if (!integration?.token) return { refusal: "no GitHub token is configured" };
		return { headers: githubRequestHeaders(integration.token) };
	}
	const secrets = await signingSecretsForDelivery(db, keyring, delivery.tenantId, now);
	return {
		headers: standardRequestHeaders(secrets, delivery.eventId, Math.floor(now / 1000), delivery.payload),
	};
}

/**
 * Queue consumers. `agent-tasks`: one agent task attempt per message, reported back to its coordinator.
 * `agent-tasks-dlq`: messages that exhausted their retries; their tasks are marked failed.
 */

import { hostResolverFor } from "../evidence/host-resolver";
import { type AgentTaskMessage, AgentTaskMessageSchema } from "../protocol";
import { extractiveProviderFor } from "../providers/extractive";
import { providerFor } from "../providers/registry";
import { EXTRACTIVE, providerSettings } from "../providers/settings";
import { ProviderError } from "../providers/types";
import { BudgetExceededError, runAgentTask } from "./run-task";

/** Deliveries per message, matching `max_retries = 3` in wrangler.toml (the first try plus three retries). */
export const MAX_DELIVERIES = 4;
export const DEAD_LETTER_QUEUE = "agent-tasks-dlq";
/** The longest a message waits before its next delivery, in seconds. */
const MAX_RETRY_DELAY_SECONDS = 60;

/** Seconds before the next delivery of a failed message: 1, 2, 4, … or the provider's `retry-after`. */
export function retryDelaySeconds(deliveries: number, retryAfterMs?: number): number {
	const backoff = 2 ** Math.max(0, deliveries - 1);
	const requested = retryAfterMs === undefined ? 0 : Math.ceil(retryAfterMs / 1000);
	return Math.min(MAX_RETRY_DELAY_SECONDS, Math.max(backoff, requested));
}

/** Handles a batch from either queue; messages are independent, so they run concurrently. */
export async function consumeAgentTasks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	const handle = batch.queue === DEAD_LETTER_QUEUE ? failExhausted : runOne;
	await Promise.all(batch.messages.map((message) => handle(message, env)));
}

function parseMessage(message: Message<unknown>): AgentTaskMessage | null {
	const parsed = AgentTaskMessageSchema.safeParse(message.body);
	if (parsed.success) return parsed.data;
	console.error("dropping malformed agent task message", message.id);
	message.ack();
	return null;
}

async function runOne(message: Message<unknown>, env: Env): Promise<void> {
	const body = parseMessage(message);
	if (!body) return;
	const coordinator = env.SWARM_COORDINATOR.getByName(body.jobId);
	try {
		const context = await coordinator.beginTask(body);
		if (!context) {
			message.ack(); // a stale or duplicate delivery
			return;
		}
		const settings = providerSettings(env);
		const result = await runAgentTask(context, {
			// The offline provider may carry a dev-only simulated latency, which only `env` can tell.
			provider:
				context.provider === EXTRACTIVE
					? extractiveProviderFor(env)
					: providerFor(context.provider, settings),
			bucket: env.ARTIFACTS,
			braveApiKey: settings.braveApiKey,
			resolveHost: hostResolverFor(env),
			coordinator: {
				heartbeat: (progress, note) => coordinator.heartbeat(body, progress, note),
				registerSources: (sources) => coordinator.registerSources(body, sources),
				reserveBudget: (usd) => coordinator.reserveBudget(body, usd),
				settleCall: (call) => coordinator.settleCall(body, call),
			},
		});
		await coordinator.completeTask(body, result);
		message.ack();
	} catch (error) {
		// If the coordinator cannot be told either, the queue redelivers and the lease protects the task.
		await handleFailure(message, body, error, env).catch(() => message.retry({ delaySeconds: 5 }));
	}
}

/**
 * A failed attempt: errors another attempt cannot fix (auth, spend limit, bad request, malformed output,
 * an exhausted budget) fail the task at once; anything else is retried through the queue.
 */
async function handleFailure(message: Message<unknown>, body: AgentTaskMessage, error: unknown, env: Env) {
	const coordinator = env.SWARM_COORDINATOR.getByName(body.jobId);
	const reason = error instanceof Error ? error.message : String(error);
	if (error instanceof BudgetExceededError) {
		await coordinator.failTask(body, `budget-limited: ${reason}`, { budgetLimited: true });
		message.ack();
		return;
	}
	if (error instanceof ProviderError && !error.retryable) {
		const rawOutput = error.options.rawOutput;
		await coordinator.failTask(
			body,
			`${error.provider} ${error.kind}: ${reason}`,
			rawOutput ? { rawOutput } : {},
		);
		message.ack();
		return;
	}
	const retryAfterMs = error instanceof ProviderError ? error.options.retryAfterMs : undefined;
	const delaySeconds = retryDelaySeconds(message.attempts, retryAfterMs);
	if (message.attempts < MAX_DELIVERIES) {
		const outage = error instanceof ProviderError ? error.outageCause : null;
		await coordinator.retryTask(body, reason, delaySeconds, outage).catch(() => {});
	}
	// After the last delivery this retry moves the message to the dead-letter queue.
	message.retry({ delaySeconds });
}

async function failExhausted(message: Message<unknown>, env: Env): Promise<void> {
	const body = parseMessage(message);
	if (!body) return;
	await env.SWARM_COORDINATOR.getByName(body.jobId).failTask(
		body,
		`gave up after ${MAX_DELIVERIES} deliveries`,
	);
	message.ack();
}

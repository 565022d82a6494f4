/**
 * Queue consumers. `agent-tasks`: one agent task attempt per message, reported back to its coordinator.
 * `agent-tasks-dlq`: messages that exhausted their retries; their tasks are marked failed.
 */
import { coordinatorFor } from "../coordinator";
import { type AgentTaskMessage, AgentTaskMessageSchema } from "../protocol";
import { providerFor } from "../providers/registry";
import { runAgentTask } from "./run-task";

/** Deliveries per message, matching `max_retries = 3` in wrangler.toml (the first try plus three retries). */
export const MAX_DELIVERIES = 4;
export const DEAD_LETTER_QUEUE = "agent-tasks-dlq";

/** Seconds before the next delivery of a failed message: 1, 2, 4, … capped at 30. */
export function retryDelaySeconds(deliveries: number): number {
	return Math.min(30, 2 ** Math.max(0, deliveries - 1));
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
	const coordinator = coordinatorFor(env, body.jobId);
	try {
		const context = await coordinator.beginTask(body);
		if (!context) {
			message.ack(); // a stale or duplicate delivery
			return;
		}
		const provider = providerFor(context.config.provider);
		const result = await runAgentTask(context, provider, env.ARTIFACTS, (progress, note) =>
			coordinator.heartbeat(body, progress, note),
		);
		await coordinator.completeTask(body, result);
		message.ack();
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		const delaySeconds = retryDelaySeconds(message.attempts);
		if (message.attempts < MAX_DELIVERIES) {
			await coordinator.retryTask(body, reason, delaySeconds).catch(() => {});
		}
		// After the last delivery this retry moves the message to the dead-letter queue.
		message.retry({ delaySeconds });
	}
}

async function failExhausted(message: Message<unknown>, env: Env): Promise<void> {
	const body = parseMessage(message);
	if (!body) return;
	await coordinatorFor(env, body.jobId).failTask(body, `gave up after ${MAX_DELIVERIES} deliveries`);
	message.ack();
}

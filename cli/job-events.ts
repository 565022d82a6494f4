/** Following a job's live event stream (`GET /v1/research/:id/events`), resuming with Last-Event-ID after a drop. */
import { setTimeout as sleep } from "node:timers/promises";
import { type SseMessage, SseParser } from "../public/assets/sse.js";
import { type JobEvent, JobEventSchema, TERMINAL_EVENT_TYPES } from "../src/protocol.ts";
import type { ApiClient } from "./api-client.ts";
import { CliError, EXIT, interrupted } from "./errors.ts";

/** Connection attempts in a row that may fail (or bring nothing new) before the server counts as unreachable. */
export const RECONNECT_ATTEMPTS = 10;
/** Wait between attempts unless the server advised another with `retry:`. */
const DEFAULT_RETRY_MS = 1000;

export type FollowOptions = {
	client: ApiClient;
	jobId: string;
	signal: AbortSignal;
	/** Called once per event, in order, never twice for the same sequence number. */
	onEvent: (event: JobEvent) => void;
};

/** The job event an SSE message carries, or null for a message this CLI does not know. */
export function jobEventOf(message: SseMessage): JobEvent | null {
	if (message.id === null || !/^\d+$/.test(message.id)) return null;
	let data: unknown;
	try {
		data = JSON.parse(message.data);
	} catch {
		return null;
	}
	const parsed = JobEventSchema.safeParse({ seq: Number(message.id), type: message.event, data });
	return parsed.success ? parsed.data : null;
}

/**
 * Follows the job's events until its terminal event and returns that event. A dropped or closed stream is
 * reopened from the last sequence number seen; after RECONNECT_ATTEMPTS attempts in a row without a new
 * event it gives up with the unreachable exit code.
 */
export async function followJobEvents(options: FollowOptions): Promise<JobEvent> {
	const { client, jobId, signal, onEvent } = options;
	let lastSeq = 0;
	let failures = 0;
	let retryMs = DEFAULT_RETRY_MS;
	let lastProblem = "the event stream closed before the job ended";
	for (;;) {
		const parser = new SseParser();
		try {
			const response = await client.send(`/v1/research/${encodeURIComponent(jobId)}/events`, {
				headers: {
					accept: "text/event-stream",
					...(lastSeq > 0 ? { "last-event-id": String(lastSeq) } : {}),
				},
			});
			const reader = response.body?.getReader();
			const decoder = new TextDecoder();
			for (;;) {
				const chunk = reader ? await reader.read() : { done: true as const, value: undefined };
				const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
				for (const message of parser.push(text)) {
					const event = jobEventOf(message);
					if (!event || event.seq <= lastSeq) continue;
					lastSeq = event.seq;
					failures = 0;
					onEvent(event);
					if (TERMINAL_EVENT_TYPES.includes(event.type)) {
						await reader?.cancel().catch(() => {});
						return event;
					}
				}
				if (chunk.done) break;
			}
			lastProblem = "the event stream closed before the job ended";
		} catch (error) {
			if (signal.aborted) throw interrupted();
			if (!(error instanceof CliError)) {
				lastProblem = `the event stream broke (${error instanceof Error ? error.message : String(error)})`;
			} else if (error.exitCode === EXIT.unreachable) {
				lastProblem = error.message;
			} else {
				throw error;
			}
		}
		retryMs = parser.retryMs ?? retryMs;
		failures++;
		if (failures >= RECONNECT_ATTEMPTS) throw new CliError(lastProblem, EXIT.unreachable);
		try {
			await sleep(retryMs, undefined, { signal });
		} catch {
			throw interrupted();
		}
	}
}

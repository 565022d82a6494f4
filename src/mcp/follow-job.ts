/** Follows a job's live events (`GET /v1/research/:id/events`) through the API until the job ends. */
import { SseParser } from "../../public/assets/sse.js";
import { type JobEvent, JobEventSchema, TERMINAL_EVENT_TYPES } from "../protocol";
import { ApiCallError, type CallApi, jobPath, readAnswer } from "./api-client";

/** Connections in a row that may close without a new event before following gives up. */
export const MAX_QUIET_RECONNECTS = 5;
/** Pause before reopening a stream that closed early; the event stream advises the same with `retry:`. */
const RECONNECT_DELAY_MS = 1000;

export type FollowOptions = {
	/** Called once per event, in order; a resumed stream never repeats an event. */
	onEvent: (event: JobEvent) => Promise<void>;
	signal: AbortSignal;
};

function jobEventOf(id: string | null, type: string, data: string): JobEvent | null {
	if (id === null || !/^\d+$/.test(id)) return null;
	try {
		const parsed = JobEventSchema.safeParse({ seq: Number(id), type, data: JSON.parse(data) });
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/**
 * Reads the job's events until its terminal event and returns that event. A stream that closes early
 * (the coordinator restarted) is reopened after the last event seen, with `Last-Event-ID`; an API error
 * throws an ApiCallError, and MAX_QUIET_RECONNECTS connections in a row without news throw an Error.
 */
export async function followJobEvents(
	callApi: CallApi,
	jobId: string,
	options: FollowOptions,
): Promise<JobEvent> {
	const { onEvent, signal } = options;
	let lastSeq = 0;
	let quietConnections = 0;
	for (;;) {
		signal.throwIfAborted();
		const response = await callApi(jobPath(jobId, "events"), {
			headers: { accept: "text/event-stream", ...(lastSeq > 0 ? { "last-event-id": String(lastSeq) } : {}) },
			signal,
		});
		if (!response.ok) {
			const answer = await readAnswer(response);
			throw new ApiCallError(answer.status, answer.body);
		}
		const reader = response.body?.getReader();
		if (!reader) throw new Error("the event stream has no body");
		const stopReading = () => void reader.cancel().catch(() => {});
		signal.addEventListener("abort", stopReading, { once: true });
		try {
			const parser = new SseParser();
			const decoder = new TextDecoder();
			const seqBefore = lastSeq;
			for (;;) {
				const chunk = await reader.read();
				signal.throwIfAborted();
				const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
				for (const message of parser.push(text)) {
					const event = jobEventOf(message.id, message.event, message.data);
					if (!event || event.seq <= lastSeq) continue;
					lastSeq = event.seq;
					await onEvent(event);
					signal.throwIfAborted();
					if (TERMINAL_EVENT_TYPES.includes(event.type)) {
						stopReading();
						return event;
					}
				}
				if (chunk.done) break;
			}
			quietConnections = lastSeq > seqBefore ? 0 : quietConnections + 1;
		} finally {
			signal.removeEventListener("abort", stopReading);
		}
		if (quietConnections >= MAX_QUIET_RECONNECTS) {
			throw new Error(`the event stream of ${jobId} kept closing before the job ended`);
		}
		await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
	}
}

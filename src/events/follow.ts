/**
 * Following a job's live event stream (`GET /v1/research/:id/events`) to its end, for every client: the
 * dashboard, the client library (and through it the CLI and the MCP server) and the benchmarks. One parser,
 * one validation, one resume rule (`Last-Event-ID`) and one backoff policy.
 *
 * No schema code: the dashboard's bundle brings its own compiled validator (see `EventParser`).
 */
import { type EventSourceMessage, EventSourceParserStream } from "eventsource-parser/stream";
import type { JobEvent } from "../protocol.ts";
import { isEventType, isTerminalEventType } from "./event-types.ts";

/** What a stream request carries: the SSE headers and the follower's signal. */
export type StreamRequest = { headers: Record<string, string>; signal?: AbortSignal };

/** Sends a GET for an API path; the caller's function adds the origin and the credentials. */
export type FetchApi = (path: string, init: StreamRequest) => Promise<Response>;

/** An event as an SSE message carries it, before validation. */
export type EventCandidate = { seq: number; type: string; data: unknown };

/** Checks a candidate against the event protocol: the event, or null when it does not conform. */
export type EventParser = (candidate: EventCandidate) => JobEvent | null;

/** When to reconnect after a connection failed or ended early, and when to give up. */
export type RetryPolicy = {
	/** The wait before the first reconnection unless the server advised another with `retry:`. */
	initialDelayMs: number;
	/** The wait doubles with each connection in a row that brought nothing new, up to this. */
	maxDelayMs: number;
	/** Connections in a row that may fail or end without a new event before following gives up. */
	maxAttempts: number;
};

/** The policy every client uses unless told otherwise: ten connections without news, about a minute of waiting. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelayMs: 500, maxDelayMs: 15_000, maxAttempts: 10 };

export type FollowOptions = {
	jobId: string;
	fetch: FetchApi;
	parseEvent: EventParser;
	/** Called once per event, in sequence order, never twice for one sequence number; awaited. */
	onEvent: (event: JobEvent) => void | Promise<void>;
	/** Hears when a connection opens (true) and when it is lost and about to be retried (false). */
	onConnection?: (open: boolean) => void;
	signal?: AbortSignal;
	/** Start after this event, e.g. the last one an earlier run of the client saw; default from the first. */
	lastEventId?: number;
	retry?: Partial<RetryPolicy>;
	/** Waits between attempts; rejects when `signal` aborts. */
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** A number in [0, 1) for the jitter. */
	random?: () => number;
};

/**
 * Why following stopped short of the job's end: the API refused the stream (an answer reconnecting will
 * not change, whose unread `response` the caller may report), the stream was lost after every attempt
 * the policy allows, or the server sent an event this client cannot read.
 */
export class EventStreamError extends Error {
	readonly reason: "refused" | "lost" | "invalid";
	readonly response: Response | null;

	constructor(reason: EventStreamError["reason"], message: string, response: Response | null = null) {
		super(message);
		this.name = "EventStreamError";
		this.reason = reason;
		this.response = response;
	}
}

/** Client errors that can heal by themselves: a timeout, too early, too many requests. */
const TRANSIENT_CLIENT_STATUSES = new Set([408, 425, 429]);

/** The wait of an abortable timer. */
function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(signal.reason);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason);
		};
		const timer = setTimeout(() => {
			signal?.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		signal?.addEventListener("abort", onAbort, { once: true });
	});
}

/**
 * The wait before the next connection, given how many connections in a row brought nothing new: the
 * initial delay doubled for each beyond the first, capped, with half of it jittered so clients that lost
 * the server together do not come back together.
 * @example backoffDelay({ initialDelayMs: 500, maxDelayMs: 15_000, maxAttempts: 10 }, 3, () => 0) // 1000 (half of 2000)
 */
export function backoffDelay(policy: RetryPolicy, quiet: number, random: () => number): number {
	const exponential = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, quiet - 1));
	return exponential / 2 + random() * (exponential / 2);
}

/** The sequence number an SSE message's `id:` carries, or null when it carries none. */
function seqOf(message: EventSourceMessage): number | null {
	return message.id !== undefined && /^\d{1,15}$/.test(message.id) ? Number(message.id) : null;
}

/** The job event an SSE message carries; null for a type this client does not know (a newer server's). */
function eventOf(message: EventSourceMessage, seq: number, parseEvent: EventParser): JobEvent | null {
	const type = message.event ?? "message";
	if (!isEventType(type)) return null;
	let data: unknown;
	try {
		data = JSON.parse(message.data);
	} catch {
		data = message.data;
	}
	const event = parseEvent({ seq, type, data });
	// An event of a known type that does not conform will not conform on the next connection either.
	if (!event) throw new EventStreamError("invalid", `event ${seq} (${type}) does not match the protocol`);
	return event;
}

/** The problem a failed connection had, for the message when following gives up. */
function problemOf(error: unknown): string {
	return `the event stream broke (${error instanceof Error ? error.message : String(error)})`;
}

/** Opens one connection; a refusal that reconnecting will not change throws an EventStreamError. */
async function openStream(
	options: FollowOptions,
	lastSeq: number,
	onRetry: (ms: number) => void,
): Promise<ReadableStreamDefaultReader<EventSourceMessage>> {
	const headers: Record<string, string> = { accept: "text/event-stream" };
	if (lastSeq > 0) headers["last-event-id"] = String(lastSeq);
	const path = `/v1/research/${encodeURIComponent(options.jobId)}/events`;
	const response = await options.fetch(path, {
		headers,
		...(options.signal ? { signal: options.signal } : {}),
	});
	const { status } = response;
	if (status >= 400 && status < 500 && !TRANSIENT_CLIENT_STATUSES.has(status)) {
		throw new EventStreamError(
			"refused",
			`the event stream of ${options.jobId} was refused (${status})`,
			response,
		);
	}
	if (!response.ok || !response.body) {
		await response.body?.cancel();
		throw new Error(`it answered ${status}${response.body ? "" : " without a body"}`);
	}
	return response.body
		.pipeThrough(new TextDecoderStream())
		.pipeThrough(new EventSourceParserStream({ onRetry }))
		.getReader();
}

/**
 * Follows the job's events until its terminal event and returns that event. A connection that fails or
 * ends early is reopened after the last event seen (`Last-Event-ID`), after `backoffDelay`. Throws
 * EventStreamError when the API refuses the stream with a client error other than 408/425/429 (401, 403,
 * 404 …), when `maxAttempts` connections in a row brought nothing new, or when an event does not match the
 * protocol; throws the signal's reason when it aborts, and whatever `onEvent` throws.
 */
export async function followJobEvents(options: FollowOptions): Promise<JobEvent> {
	const { parseEvent, onEvent, onConnection, signal } = options;
	const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
	const sleep = options.sleep ?? sleepFor;
	const random = options.random ?? Math.random;
	let lastSeq = options.lastEventId ?? 0;
	/** Connections in a row that brought nothing new. */
	let quiet = 0;
	let advisedDelayMs: number | null = null;
	const onRetry = (ms: number) => {
		advisedDelayMs = ms;
	};
	for (;;) {
		signal?.throwIfAborted();
		const seqBefore = lastSeq;
		let problem = "the event stream closed before the job ended";
		let reader: ReadableStreamDefaultReader<EventSourceMessage> | null = null;
		try {
			reader = await openStream(options, lastSeq, onRetry);
		} catch (error) {
			if (signal?.aborted) throw signal.reason;
			if (error instanceof EventStreamError) throw error;
			problem = problemOf(error);
		}
		if (reader) {
			onConnection?.(true);
			try {
				for (;;) {
					let next: ReadableStreamReadResult<EventSourceMessage>;
					try {
						next = await reader.read();
					} catch (error) {
						if (signal?.aborted) throw signal.reason;
						problem = problemOf(error);
						break;
					}
					if (next.done) break;
					const seq = seqOf(next.value);
					if (seq === null || seq <= lastSeq) continue;
					const event = eventOf(next.value, seq, parseEvent);
					lastSeq = seq;
					if (!event) continue;
					await onEvent(event);
					signal?.throwIfAborted();
					if (isTerminalEventType(event.type)) return event;
				}
			} finally {
				void reader.cancel().catch(() => {});
			}
		}
		onConnection?.(false);
		quiet = lastSeq > seqBefore ? 0 : quiet + 1;
		if (quiet >= policy.maxAttempts) {
			throw new EventStreamError("lost", `${problem}; gave up after ${quiet} attempts in a row`);
		}
		const delay = backoffDelay(
			{ ...policy, initialDelayMs: advisedDelayMs ?? policy.initialDelayMs },
			quiet,
			random,
		);
		await sleep(delay, signal);
	}
}

// @ts-check
/**
 * The dashboard's only way to the service: the public HTTP API, with the API key the user entered (kept in
 * sessionStorage, so it ends with the tab), and the job event stream read with fetch so it can carry the key.
 */
import { SseParser } from "./sse.js";

/** @typedef {import("../../src/protocol.ts").JobEvent} JobEvent */

const KEY_ITEM = "research-swarm.apiKey";
const TERMINAL_EVENTS = new Set(["job.completed", "job.failed", "job.cancelled"]);
const DEFAULT_RETRY_MS = 1000;

/** The saved API key, or null (local dev mode needs none). */
export function savedApiKey() {
	return sessionStorage.getItem(KEY_ITEM);
}

/**
 * Keeps the key for this tab's session; an empty key forgets it.
 * @param {string} key
 */
export function saveApiKey(key) {
	if (key.trim() === "") sessionStorage.removeItem(KEY_ITEM);
	else sessionStorage.setItem(KEY_ITEM, key.trim());
}

/** An error answer of the API: its status, code and message. */
export class ApiError extends Error {
	/**
	 * @param {number} status
	 * @param {string} code
	 * @param {string} message
	 */
	constructor(status, code, message) {
		super(message);
		this.status = status;
		this.code = code;
	}
}

/**
 * Sends a request to the API with the saved key and returns the response; a non-2xx answer throws its
 * error as an ApiError.
 * @example await api("/v1/research/job_123/cancel", { method: "POST" })
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<Response>}
 */
export async function api(path, init = {}) {
	const headers = new Headers(init.headers);
	const key = savedApiKey();
	if (key) headers.set("authorization", `Bearer ${key}`);
	const response = await fetch(path, { ...init, headers });
	if (response.ok) return response;
	const body = await response.json().catch(() => null);
	const error = body?.error;
	throw new ApiError(
		response.status,
		typeof error?.code === "string" ? error.code : "http_error",
		typeof error?.message === "string" ? error.message : `${response.status} ${response.statusText}`,
	);
}

/**
 * The JSON body of a GET (or of the request `init` describes), as the protocol type the caller names.
 * @template T
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<T>}
 */
export async function apiJson(path, init) {
	return (await api(path, init)).json();
}

/**
 * Follows a job's events until its terminal event, reopening the stream after the last sequence number
 * seen whenever it drops. `onConnection` hears whether the stream is currently open.
 * @param {string} jobId
 * @param {{ onEvent(event: JobEvent): void; onConnection?(open: boolean): void; signal?: AbortSignal }} handlers
 * @returns {Promise<JobEvent | null>} the terminal event, or null when aborted
 */
export async function followJobEvents(jobId, { onEvent, onConnection, signal }) {
	let lastSeq = 0;
	let retryMs = DEFAULT_RETRY_MS;
	while (!signal?.aborted) {
		const parser = new SseParser();
		try {
			const headers = lastSeq > 0 ? { "last-event-id": String(lastSeq) } : undefined;
			const response = await api(`/v1/research/${encodeURIComponent(jobId)}/events`, { headers, signal });
			onConnection?.(true);
			if (!response.body) throw new Error("the event stream has no body");
			const reader = response.body.getReader();
			const decoder = new TextDecoder();
			for (;;) {
				const { done, value } = await reader.read();
				if (done) break;
				for (const message of parser.push(decoder.decode(value, { stream: true }))) {
					const seq = Number(message.id);
					if (!(seq > lastSeq)) continue;
					lastSeq = seq;
					/** @type {JobEvent} */
					const event = {
						seq,
						type: /** @type {JobEvent["type"]} */ (message.event),
						data: JSON.parse(message.data),
					};
					onEvent(event);
					if (TERMINAL_EVENTS.has(event.type)) {
						await reader.cancel();
						return event;
					}
				}
			}
		} catch (error) {
			// A wrong key or a missing job will not heal by reconnecting; a dropped connection will.
			if (error instanceof ApiError && error.status < 500) throw error;
			if (signal?.aborted) break;
		}
		onConnection?.(false);
		retryMs = parser.retryMs ?? retryMs;
		await new Promise((resolve) => setTimeout(resolve, retryMs));
	}
	return null;
}

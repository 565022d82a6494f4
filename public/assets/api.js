// @ts-check
/**
 * The dashboard's only way to the service: the public HTTP API, with the API key the user entered (kept in
 * sessionStorage, so it ends with the tab), and the job event stream read with fetch so it can carry the key.
 */
import { EventStreamError, followJobEvents, parseJobEvent } from "./shared.js";

/** @typedef {import("../../src/protocol.ts").JobEvent} JobEvent */

const KEY_ITEM = "research-swarm.apiKey";

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
 * The error an API answer carries, read from its `{ error: { code, message } }` body when it has one.
 * @param {Response} response
 * @returns {Promise<ApiError>}
 */
async function errorOf(response) {
	const body = await response.json().catch(() => null);
	const error = body?.error;
	return new ApiError(
		response.status,
		typeof error?.code === "string" ? error.code : "http_error",
		typeof error?.message === "string" ? error.message : `${response.status} ${response.statusText}`,
	);
}

/**
 * Sends a request with the saved key and returns the response, whatever its status.
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<Response>}
 */
function send(path, init = {}) {
	const headers = new Headers(init.headers);
	const key = savedApiKey();
	if (key) headers.set("authorization", `Bearer ${key}`);
	return fetch(path, { ...init, headers });
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
	const response = await send(path, init);
	if (response.ok) return response;
	throw await errorOf(response);
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
 * Follows a job's events until its terminal event with the follower every client shares (resumed after
 * the last event seen whenever the stream drops). `onConnection` hears whether the stream is open. A
 * refused stream (a wrong key, a missing job) throws its ApiError.
 * @param {string} jobId
 * @param {{ onEvent(event: JobEvent): void; onConnection?(open: boolean): void; signal?: AbortSignal }} handlers
 * @returns {Promise<JobEvent>} the terminal event
 */
export async function followJob(jobId, handlers) {
	try {
		return await followJobEvents({ jobId, fetch: send, parseEvent: parseJobEvent, ...handlers });
	} catch (error) {
		if (error instanceof EventStreamError && error.response) throw await errorOf(error.response);
		throw error;
	}
}

/**
 * What a client call throws. Every failure is a `ResearchSwarmError`: the API's own error answer
 * (`ApiError`, with its status and error code), a server that could not be reached (`ConnectionError`),
 * or an answer this client cannot read (`UnexpectedResponseError`). A call aborted through its signal
 * rejects with the signal's reason instead, as `fetch` does.
 */
import { z } from "zod";
import { ApiErrorBodySchema } from "../protocol.ts";

/** The base of every error the client throws. */
export class ResearchSwarmError extends Error {
	constructor(message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = "ResearchSwarmError";
	}
}

/**
 * The API answered with an error: a 4xx or 5xx with `{ error: { code, message, details? } }`.
 * @example
 * try { await client.research.get("job_missing"); }
 * catch (error) { if (error instanceof ApiError && error.status === 404) … } // error.code === "not_found"
 */
export class ApiError extends ResearchSwarmError {
	/** The HTTP status, e.g. 422. */
	readonly status: number;
	/** The API's machine-readable code, e.g. `provider_not_configured`; `http_error` when the body had none. */
	readonly code: string;
	/** What the API adds to some errors: the invalid fields, the providers available, the job id … */
	readonly details: unknown;
	/** From `Retry-After` on 429 and 503 answers: how long to wait before trying again, in seconds. */
	readonly retryAfterSeconds: number | null;

	constructor(
		status: number,
		code: string,
		message: string,
		details: unknown = undefined,
		retryAfterSeconds: number | null = null,
	) {
		super(message);
		this.name = "ApiError";
		this.status = status;
		this.code = code;
		this.details = details;
		this.retryAfterSeconds = retryAfterSeconds;
	}
}

/** The request never got an answer: refused connection, unknown host, TLS failure … (`cause` says which). */
export class ConnectionError extends ResearchSwarmError {
	/** The URL that could not be reached. */
	readonly url: string;

	constructor(url: string, cause: unknown) {
		super(`cannot reach ${url} (${reasonOf(cause)})`, { cause });
		this.name = "ConnectionError";
		this.url = url;
	}
}

/** The server answered with a success this client cannot read: not JSON, or not the shape the API defines. */
export class UnexpectedResponseError extends ResearchSwarmError {
	readonly status: number;

	constructor(status: number, message: string, options?: ErrorOptions) {
		super(message, options);
		this.name = "UnexpectedResponseError";
		this.status = status;
	}
}

/**
 * Why a request failed, in a few words: the network error code (ECONNREFUSED, ENOTFOUND …) when the
 * runtime gives one, else the message.
 * @example reasonOf(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } })) // "ECONNREFUSED"
 */
export function reasonOf(error: unknown): string {
	if (!(error instanceof Error)) return String(error);
	const cause: unknown = error.cause;
	if (typeof cause === "object" && cause !== null && "code" in cause) return String(cause.code);
	if (cause instanceof Error) return cause.message;
	return error.message;
}

/** Seconds from a `Retry-After` header that gives a number of seconds; null for none or a date. */
function retryAfterOf(response: Response): number | null {
	const value = response.headers.get("retry-after");
	return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : null;
}

/**
 * The ApiError an error answer stands for; its body is read. A body that is not the API's error JSON (a
 * proxy's error page, say) gives the code `http_error` and the status line as the message.
 */
export async function apiErrorOf(response: Response): Promise<ApiError> {
	const text = await response.text().catch(() => "");
	let body: unknown = null;
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON
	}
	const parsed = ApiErrorBodySchema.safeParse(body);
	const retryAfter = retryAfterOf(response);
	if (!parsed.success) {
		const message = `the server answered ${response.status} ${response.statusText}`.trim();
		return new ApiError(response.status, "http_error", message, undefined, retryAfter);
	}
	const { code, message, details } = parsed.data.error;
	return new ApiError(response.status, code, message, details, retryAfter);
}

/** The value `schema` reads from an answer's body; a mismatch throws UnexpectedResponseError. */
export function parseAnswer<T>(schema: z.ZodType<T>, body: unknown, status: number, what: string): T {
	const parsed = schema.safeParse(body);
	if (parsed.success) return parsed.data;
	throw new UnexpectedResponseError(
		status,
		`the answer to ${what} does not match the API's schema:\n${z.prettifyError(parsed.error)}`,
		{ cause: parsed.error },
	);
}

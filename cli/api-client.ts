/** HTTP access to the research-swarm API: auth header, error answers, and validation of every answer. */
import { type ZodType, z } from "zod";
import { ApiErrorBodySchema } from "../src/protocol.ts";
import { CliError, EXIT, type ExitCode, interrupted } from "./errors.ts";

export type ApiClientOptions = {
	/** Origin (and optional path prefix) of the API, e.g. `http://127.0.0.1:8787`. */
	baseUrl: string;
	/** Sent as `Authorization: Bearer …`; null in local dev mode. */
	apiKey: string | null;
	/** Aborts every request of this client, e.g. on Ctrl-C. */
	signal: AbortSignal;
};

export type RequestOptions = {
	method?: "GET" | "POST";
	/** Sent as JSON. */
	body?: unknown;
	headers?: Record<string, string>;
	/** Replaces the client's signal for this request (a cancel sent after Ctrl-C needs its own). */
	signal?: AbortSignal;
};

/** Statuses that mean the request itself was wrong, so the CLI exits with the bad-usage code. */
const USAGE_STATUSES = new Set([400, 413, 415, 422]);

/** An error answer of the API, with its status and machine-readable code. */
export class ApiRequestError extends CliError {
	readonly status: number;
	readonly code: string;

	constructor(status: number, code: string, message: string, exitCode: ExitCode) {
		super(message, exitCode);
		this.name = "ApiRequestError";
		this.status = status;
		this.code = code;
	}
}

/** Validates a server answer against its wire schema; a mismatch is reported, never passed on. */
export function parseAnswer<T>(schema: ZodType<T>, value: unknown, what: string): T {
	const parsed = schema.safeParse(value);
	if (parsed.success) return parsed.data;
	throw new CliError(
		`the server's answer to ${what} has an unexpected shape:\n${z.prettifyError(parsed.error)}`,
		EXIT.failed,
	);
}

/** Turns an error response into an ApiRequestError, using the API's `{ error: { code, message } }` body when present. */
export async function errorFromResponse(response: Response): Promise<ApiRequestError> {
	const text = await response.text().catch(() => "");
	let body: unknown = null;
	try {
		body = JSON.parse(text);
	} catch {
		// not JSON: a proxy's error page, say
	}
	const parsed = ApiErrorBodySchema.safeParse(body);
	const exitCode = USAGE_STATUSES.has(response.status) ? EXIT.usage : EXIT.failed;
	if (!parsed.success) {
		const message = `the server answered ${response.status} ${response.statusText}`.trim();
		return new ApiRequestError(response.status, "http_error", message, exitCode);
	}
	const { code, message, details } = parsed.data.error;
	// Details of a refused request say what to change (the invalid fields, the providers available).
	const detailText =
		details === undefined || exitCode !== EXIT.usage ? "" : `\n${JSON.stringify(details, null, 2)}`;
	return new ApiRequestError(response.status, code, `${message} (${code})${detailText}`, exitCode);
}

/** Why a fetch threw: the network error code (ECONNREFUSED, ENOTFOUND …) or its message. */
function networkReason(error: unknown): string {
	if (error instanceof Error) {
		const cause: unknown = error.cause;
		if (cause instanceof Error) return "code" in cause ? String(cause.code) : cause.message;
		return error.message;
	}
	return String(error);
}

/** A client for one server; every method throws CliError with the exit code the failure deserves. */
export class ApiClient {
	readonly baseUrl: string;
	readonly #apiKey: string | null;
	readonly #signal: AbortSignal;

	constructor(options: ApiClientOptions) {
		this.baseUrl = options.baseUrl.replace(/\/+$/, "");
		this.#apiKey = options.apiKey;
		this.#signal = options.signal;
	}

	/** Sends one request and returns the response whatever its status; only a failed connection throws. */
	async request(path: string, options: RequestOptions = {}): Promise<Response> {
		const signal = options.signal ?? this.#signal;
		const headers: Record<string, string> = { accept: "application/json", ...options.headers };
		if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
		if (options.body !== undefined) headers["content-type"] = "application/json";
		let response: Response;
		try {
			response = await fetch(`${this.baseUrl}${path}`, {
				method: options.method ?? "GET",
				headers,
				body: options.body === undefined ? null : JSON.stringify(options.body),
				signal,
			});
		} catch (error) {
			if (signal.aborted) throw interrupted();
			throw new CliError(
				`cannot reach the server at ${this.baseUrl} (${networkReason(error)})`,
				EXIT.unreachable,
			);
		}
		return response;
	}

	/** Sends one request and returns the response when its status is 2xx. */
	async send(path: string, options: RequestOptions = {}): Promise<Response> {
		const response = await this.request(path, options);
		if (!response.ok) throw await errorFromResponse(response);
		return response;
	}

	/** Sends a request and returns its JSON answer, validated by `schema`. */
	async json<T>(path: string, schema: ZodType<T>, options: RequestOptions = {}): Promise<T> {
		const response = await this.send(path, options);
		let body: unknown;
		try {
			body = await response.json();
		} catch (error) {
			if ((options.signal ?? this.#signal).aborted) throw interrupted();
			throw new CliError(`the server's answer to ${path} is not JSON (${networkReason(error)})`, EXIT.failed);
		}
		return parseAnswer(schema, body, `${options.method ?? "GET"} ${path}`);
	}

	/** Sends a GET and returns the body as text (reports in Markdown and HTML). */
	async text(path: string): Promise<string> {
		const response = await this.send(path, { headers: { accept: "*/*" } });
		try {
			return await response.text();
		} catch (error) {
			if (this.#signal.aborted) throw interrupted();
			throw new CliError(`reading ${path} failed (${networkReason(error)})`, EXIT.unreachable);
		}
	}
}

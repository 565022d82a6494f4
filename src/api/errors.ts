/** JSON errors: every failure leaves the API as `{ error: { code, message, details? } }` with a fitting status. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiErrorBody } from "../protocol";

/** An error the API answers with a specific status and machine-readable code. */
export class ApiError extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		message: string,
		readonly details?: unknown,
		/** Extra response headers, e.g. `Retry-After` on a 429. */
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

/** The JSON error body, e.g. `errorBody("not_found", "no such job")`. */
export function errorBody(code: string, message: string, details?: unknown): ApiErrorBody {
	return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

const CODE_FOR_STATUS: Record<number, string> = {
	400: "invalid_request",
	401: "unauthorized",
	404: "not_found",
	405: "method_not_allowed",
	409: "conflict",
	413: "payload_too_large",
	415: "unsupported_media_type",
	422: "unprocessable",
	429: "rate_limited",
};

/** `app.onError`: known errors keep their status; anything else is logged and answered as a 500. */
export function handleError(error: Error, c: Context): Response {
	if (error instanceof ApiError) {
		return c.json(errorBody(error.code, error.message, error.details), error.status, error.headers);
	}
	if (error instanceof HTTPException && error.status < 500) {
		const status = error.status as ContentfulStatusCode;
		const code = error.message.startsWith("Malformed JSON")
			? "invalid_json"
			: (CODE_FOR_STATUS[status] ?? "bad_request");
		return c.json(errorBody(code, error.message || "bad request"), status);
	}
	console.error("unhandled error", c.req.method, c.req.path, error.stack ?? String(error));
	return c.json(errorBody("internal", "internal error"), 500);
}

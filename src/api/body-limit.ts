/**
 * The request body limit of every route, applied once to the whole app (`app.use("*", limitBodies)`):
 * a body over its route's limit is refused with the API's JSON 413 before any of it is parsed. A body
 * with `Content-Length` is judged by the header; a chunked one is read only until it passes the limit.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "./errors";
import { MAX_BODY_BYTES } from "./submit-job";

/** The limit of every route not listed in `BODY_LIMITS`: keys, tenants, endpoints, learning, goal plans. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The largest MCP request: a research body at the API's limit plus room for the JSON-RPC envelope. */
export const MAX_MCP_BODY_BYTES = MAX_BODY_BYTES + 64 * 1024;

/** A route whose bodies may be larger than the default, by path. */
export type BodyLimitRule = { path: RegExp; maxBytes: number };

/** The routes that take large bodies: a research request's text sources, and the same via hooks or MCP. */
export const BODY_LIMITS: readonly BodyLimitRule[] = [
	{ path: /^\/v1\/research$/, maxBytes: MAX_BODY_BYTES },
	{ path: /^\/v1\/hooks\/[^/]+\/[^/]+$/, maxBytes: MAX_BODY_BYTES },
	{ path: /^\/mcp$/, maxBytes: MAX_MCP_BODY_BYTES },
];

/**
 * The body limit of a request path.
 * @example maxBodyBytes("/v1/research") // → 12582912
 * @example maxBodyBytes("/v1/keys") // → 65536
 */
export function maxBodyBytes(path: string): number {
	return BODY_LIMITS.find((rule) => rule.path.test(path))?.maxBytes ?? DEFAULT_MAX_BODY_BYTES;
}

function limiter(maxBytes: number): MiddlewareHandler {
	return bodyLimit({
		maxSize: maxBytes,
		onError: () => {
			throw new ApiError(413, "payload_too_large", `request bodies are limited to ${maxBytes} bytes here`, {
				maxBytes,
			});
		},
	});
}

const DEFAULT_LIMITER = limiter(DEFAULT_MAX_BODY_BYTES);
const RULE_LIMITERS = BODY_LIMITS.map((rule) => ({ path: rule.path, limit: limiter(rule.maxBytes) }));

/** Refuses any request whose body exceeds its route's limit with 413 `payload_too_large`. */
export const limitBodies: MiddlewareHandler = (c, next) => {
	const rule = RULE_LIMITERS.find((candidate) => candidate.path.test(c.req.path));
	return (rule?.limit ?? DEFAULT_LIMITER)(c, next);
};

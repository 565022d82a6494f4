/** The request body size limit of the routes that take a body, answered as the API's JSON 413. */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { ApiError } from "./errors";

/**
 * Middleware refusing a body larger than `maxBytes` with a 413 `payload_too_large` error.
 * @example createRoute({ ..., middleware: [limitBody(MAX_BODY_BYTES)] as const })
 */
export function limitBody(maxBytes: number): MiddlewareHandler {
	return bodyLimit({
		maxSize: maxBytes,
		onError: () => {
			throw new ApiError(413, "payload_too_large", `request bodies are limited to ${maxBytes} bytes`);
		},
	});
}

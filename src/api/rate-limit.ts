/** Per-key request rate limiting with the Workers Rate Limiting binding (emulated by Miniflare locally). */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";

/** The binding's window, in seconds (wrangler.toml `ratelimits.simple.period`). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** Seconds until the current fixed window ends, at least 1. */
export function secondsToNextWindow(now: number, periodSeconds: number): number {
	return Math.max(1, periodSeconds - (Math.floor(now / 1000) % periodSeconds));
}

/** Answers 429 with `Retry-After` once a key exceeds its requests per window. Dev mode (no key) is not limited. */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
	const keyId = c.var.apiKeyId;
	if (keyId !== null) {
		const { success } = await c.env.API_RATE_LIMITER.limit({ key: keyId });
		if (!success) {
			const retryAfter = secondsToNextWindow(Date.now(), RATE_LIMIT_PERIOD_SECONDS);
			throw new ApiError(
				429,
				"rate_limited",
				"too many requests for this API key",
				{ retryAfterSeconds: retryAfter },
				{
					"retry-after": String(retryAfter),
				},
			);
		}
	}
	await next();
});

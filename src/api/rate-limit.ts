/**
 * Request rate limits of the authenticated API: per key with the Workers Rate Limiting binding (emulated by
 * Miniflare locally), and per tenant across all its keys with the tenant's `TenantQuota` Durable Object.
 */
import { createMiddleware } from "hono/factory";
import { accessSettings } from "../auth/settings";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";

/** The binding's window, in seconds (wrangler.toml `ratelimits.simple.period`). */
export const RATE_LIMIT_PERIOD_SECONDS = 60;

/** Seconds until the current fixed window ends, at least 1. */
export function secondsToNextWindow(now: number, periodSeconds: number): number {
	return Math.max(1, periodSeconds - (Math.floor(now / 1000) % periodSeconds));
}

/**
 * The 429 of every request rate limit, with `Retry-After`.
 * @example throw rateLimited("too many requests for this API key", 12)
 */
export function rateLimited(message: string, retryAfterSeconds: number, details: object = {}): ApiError {
	return new ApiError(
		429,
		"rate_limited",
		message,
		{ ...details, retryAfterSeconds },
		{ "retry-after": String(retryAfterSeconds) },
	);
}

/**
 * Answers 429 with `Retry-After` once a key exceeds its requests per window, or once its tenant exceeds
 * its ceiling across all its keys. The per-key binding cannot take a limit per tenant and counts per
 * Cloudflare location, so the tenant's ceiling is counted exactly in its one `TenantQuota`. Dev mode
 * (no key) is not limited.
 */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
	const keyId = c.var.apiKeyId;
	if (keyId !== null) {
		const { success } = await c.env.API_RATE_LIMITER.limit({ key: keyId });
		if (!success) {
			throw rateLimited(
				"too many requests for this API key",
				secondsToNextWindow(Date.now(), RATE_LIMIT_PERIOD_SECONDS),
				{ scope: "key" },
			);
		}
		const ceiling = c.var.tenantMaxRequestsPerMinute ?? accessSettings(c.env).limits.maxRequestsPerMinute;
		const admission = await c.env.TENANT_QUOTA.getByName(c.var.tenantId).admitRequest(ceiling);
		if (!admission.admitted) {
			throw rateLimited(
				`this tenant may send ${admission.limit} requests a minute across all its API keys`,
				admission.retryAfterSeconds,
				{ scope: "tenant", limit: admission.limit },
			);
		}
	}
	await next();
});

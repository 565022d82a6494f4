/**
 * Rate limits of the inbound hooks (`/v1/hooks/{kind}/{tenantId}`), which anyone may call: they answer
 * 429 with `Retry-After` before the body is read or a signature checked, per tenant path and per client
 * address, each with its own Workers Rate Limiting binding.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env";
import { RATE_LIMIT_PERIOD_SECONDS, rateLimited, secondsToNextWindow } from "./rate-limit";

/** The client key when the request carries no `CF-Connecting-IP` (only outside Cloudflare, e.g. locally). */
export const UNKNOWN_CLIENT = "unknown";

/**
 * Refuses a hook request once its path (one tenant's hook) or its client address has sent its share of
 * the window. Both counters are taken on every request, so a flood from one address over many tenants'
 * paths and a flood from many addresses at one path are each cut off.
 */
export const limitHookRequests = createMiddleware<AppEnv>(async (c, next) => {
	const client = c.req.header("cf-connecting-ip") ?? UNKNOWN_CLIENT;
	const [path, address] = await Promise.all([
		c.env.HOOK_PATH_RATE_LIMITER.limit({ key: c.req.path }),
		c.env.HOOK_CLIENT_RATE_LIMITER.limit({ key: client }),
	]);
	if (!path.success || !address.success) {
		throw rateLimited(
			path.success ? "too many hook requests from this address" : "too many requests to this hook",
			secondsToNextWindow(Date.now(), RATE_LIMIT_PERIOD_SECONDS),
			{ scope: path.success ? "client" : "path" },
		);
	}
	await next();
});

/**
 * Authentication. Every `/v1` route needs `Authorization: Bearer rs_…`; admin routes need the admin
 * token. Local dev mode (set only by the dev scripts) runs without a key as tenant `local` — and a
 * production deployment refuses to serve at all if dev mode is on.
 */
import { createMiddleware } from "hono/factory";
import { constantTimeEqual, hashApiKey, looksLikeApiKey } from "../auth/api-keys";
import { accessSettings, LOCAL_ADMIN_TOKEN } from "../auth/settings";
import { database, findActiveKeyByHash, touchApiKey } from "../db/queries";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";

/** The tenant of local development and tests. */
export const LOCAL_TENANT = "local";
/** How stale `last_used_at` may get before a request refreshes it (one write per key per minute at most). */
const LAST_USED_GRANULARITY_MS = 60_000;

function bearer(header: string | undefined): string | null {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
	return match?.[1] ?? null;
}

function unauthorized(message: string): ApiError {
	return new ApiError(401, "unauthorized", message);
}

/** Refuses every request when dev mode is on in a production deployment. */
export const refuseDevModeInProduction = createMiddleware<AppEnv>(async (c, next) => {
	const settings = accessSettings(c.env);
	if (settings.devMode && settings.production) {
		throw new ApiError(
			503,
			"misconfigured",
			"dev mode is on in a production deployment; requests are refused",
		);
	}
	await next();
});

/** Sets `tenantId`, `apiKeyId` and the tenant's request ceiling from the bearer API key, or tenant `local` in dev mode without one. */
export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
	const header = c.req.header("authorization");
	if (header === undefined && accessSettings(c.env).devMode) {
		c.set("tenantId", LOCAL_TENANT);
		c.set("apiKeyId", null);
		c.set("tenantMaxRequestsPerMinute", null);
		await next();
		return;
	}
	const key = bearer(header);
	if (key === null || !looksLikeApiKey(key)) {
		throw unauthorized("send an API key as `Authorization: Bearer rs_live_…`");
	}
	const hash = await hashApiKey(key);
	const db = database(c.env.DB);
	const row = await findActiveKeyByHash(db, hash);
	if (!row || !constantTimeEqual(row.hash, hash)) throw unauthorized("unknown or revoked API key");
	c.set("tenantId", row.tenantId);
	c.set("apiKeyId", row.id);
	c.set("tenantMaxRequestsPerMinute", row.tenantMaxRequestsPerMinute);
	const now = Date.now();
	if (row.lastUsedAt === null || now - row.lastUsedAt > LAST_USED_GRANULARITY_MS) {
		c.executionCtx.waitUntil(touchApiKey(db, row.id, now));
	}
	await next();
});

/** Admits only the admin token (and `local-admin` in dev mode). */
export const requireAdmin = createMiddleware<AppEnv>(async (c, next) => {
	const settings = accessSettings(c.env);
	const token = bearer(c.req.header("authorization"));
	const accepted = [settings.adminToken, settings.devMode ? LOCAL_ADMIN_TOKEN : null].filter(
		(candidate): candidate is string => candidate !== null,
	);
	if (token === null || !accepted.some((candidate) => constantTimeEqual(candidate, token))) {
		throw unauthorized("this route needs the admin token");
	}
	await next();
});

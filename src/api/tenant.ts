/** Resolves the tenant a request acts for. */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";

/** The tenant of local development and tests. */
export const LOCAL_TENANT = "local";

/**
 * Sets `c.var.tenantId`. In development every request is tenant `local`; a production deployment refuses
 * requests until API keys are configured, so it is never open to the internet by default.
 */
export const tenant = createMiddleware<AppEnv>(async (c, next) => {
	if (c.env.ENVIRONMENT !== "development") {
		throw new ApiError(401, "unauthorized", "this deployment requires an API key");
	}
	c.set("tenantId", LOCAL_TENANT);
	await next();
});

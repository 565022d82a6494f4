/** The HTTP API (routes, authentication, rate limits, errors, the OpenAPI document) and the dashboard's pages. */
import { OpenAPIHono } from "@hono/zod-openapi";
import { except } from "hono/combine";
import { dashboardRoutes } from "../dashboard/routes";
import { authenticate, refuseDevModeInProduction } from "./auth";
import { limitBodies } from "./body-limit";
import type { AppEnv } from "./env";
import { errorBody, handleError } from "./errors";
import { goalRoutes } from "./goals";
import { limitHookRequests } from "./hook-rate-limit";
import { keyRoutes } from "./keys";
import { learningRoutes } from "./learning";
import { mcpRoutes } from "./mcp";
import { providerRoutes } from "./providers";
import { rateLimit } from "./rate-limit";
import { researchRoutes } from "./research";
import { validationHook } from "./validation";
import { webhookRoutes } from "./webhooks";

export const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

app.use("*", refuseDevModeInProduction);
app.get("/healthz", (c) => c.json({ ok: true }));
// Admin routes check the admin token and inbound hooks their signature; every other /v1 route needs an API key.
app.use("/v1/*", except(["/v1/admin/*", "/v1/hooks/*"], authenticate, rateLimit));
// Inbound hooks are rate-limited before their body is read; then every route's body is held to its limit.
app.use("/v1/hooks/*", limitHookRequests);
app.use("*", limitBodies);
app.route("/", researchRoutes);
app.route("/", providerRoutes);
app.route("/", keyRoutes);
app.route("/", goalRoutes);
app.route("/", learningRoutes);
app.route("/", webhookRoutes);
app.route("/", mcpRoutes(app));
app.route("/", dashboardRoutes);
app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
	type: "http",
	scheme: "bearer",
	description: "An API key, `rs_live_…` or `rs_test_…`; admin routes take the admin token instead.",
});
app.doc31("/openapi.json", {
	openapi: "3.1.0",
	info: {
		title: "research-swarm",
		version: "0.1.0",
		description:
			"Multi-agent research jobs whose every citation is checked against a stored copy of its source.",
	},
	security: [{ apiKey: [] }],
});
app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));
app.onError(handleError);

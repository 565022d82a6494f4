/** The HTTP API: routes, tenant resolution, errors and the OpenAPI document. */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import { errorBody, handleError } from "./errors";
import { providerRoutes } from "./providers";
import { researchRoutes } from "./research";
import { tenant } from "./tenant";
import { validationHook } from "./validation";

export const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

app.get("/healthz", (c) => c.json({ ok: true }));
app.use("/v1/*", tenant);
app.route("/", researchRoutes);
app.route("/", providerRoutes);
app.doc31("/openapi.json", {
	openapi: "3.1.0",
	info: {
		title: "research-swarm",
		version: "0.1.0",
		description:
			"Multi-agent research jobs whose every citation is checked against a stored copy of its source.",
	},
});
app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));
app.onError(handleError);

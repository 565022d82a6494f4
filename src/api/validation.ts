/** Turns a failed zod validation into the API's 400 JSON error. */
import type { Hook } from "@hono/zod-openapi";
import type { AppEnv } from "./env";
import { errorBody } from "./errors";

/** `defaultHook` of every route: 400 with the zod issues (path and message of each) as details. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
	if (result.success) return;
	const issues = result.error.issues.map((issue) => ({
		path: [result.target, ...issue.path.map(String)].join("."),
		message: issue.message,
	}));
	return c.json(errorBody("invalid_request", `invalid ${result.target}`, { issues }), 400);
};

/**
 * The pieces route definitions share: method, path and summary, JSON bodies and responses, the error
 * responses (all with the JSON error body) and the `{id}` path parameter.
 */
import { z } from "@hono/zod-openapi";
import { ApiErrorBodySchema } from "../protocol";

/** The `content` of a JSON body or response. */
export type JsonContent<Schema extends z.ZodType> = { "application/json": { schema: Schema } };

/** A response with a JSON body. */
export type JsonResponse<Schema extends z.ZodType> = { description: string; content: JsonContent<Schema> };

/** `content` carrying `schema` as JSON. */
export function jsonContent<Schema extends z.ZodType>(schema: Schema): JsonContent<Schema> {
	return { "application/json": { schema } };
}

/**
 * A response whose body is `schema` as JSON.
 * @example responses: { 200: jsonResponse("The job", JobViewSchema) }
 */
export function jsonResponse<Schema extends z.ZodType>(
	description: string,
	schema: Schema,
): JsonResponse<Schema> {
	return { description, content: jsonContent(schema) };
}

/**
 * A required JSON request body of `schema`.
 * @example request: { body: jsonBody(GoalPlanRequestSchema) }
 */
export function jsonBody<Schema extends z.ZodType>(
	schema: Schema,
): { required: true; content: JsonContent<Schema> } {
	return { required: true, content: jsonContent(schema) };
}

/**
 * OpenAPI responses for the listed error statuses, all with the JSON error body.
 * @example responses: { 200: …, ...errorResponses(401, 404) }
 */
export function errorResponses(
	...statuses: number[]
): Record<number, JsonResponse<typeof ApiErrorBodySchema>> {
	return Object.fromEntries(statuses.map((status) => [status, jsonResponse("Error", ApiErrorBodySchema)]));
}

/** A path parameter `name` holding an id of 1 to 64 characters. */
export function pathId(name: string): z.ZodString {
	return z
		.string()
		.min(1)
		.max(64)
		.openapi({ param: { name, in: "path" } });
}

/** The `{id}` path parameter of a route on one resource. */
export const IdParamsSchema = z.object({ id: pathId("id") });

/** The HTTP methods the API's routes use. */
export type RouteMethod = "get" | "post" | "put" | "patch" | "delete";

/**
 * A route's method, path and summary, spread into its `createRoute` declaration.
 * @example createRoute({ ...endpoint("get", "/v1/keys", "Your API keys"), responses: {…} })
 */
export function endpoint<Method extends RouteMethod, Path extends string>(
	method: Method,
	path: Path,
	summary: string,
): { method: Method; path: Path; summary: string } {
	return { method, path, summary };
}

/**
 * A route on one resource: its method, path and summary, and the `{id}` path parameter.
 * @example createRoute({ ...resourceEndpoint("delete", "/v1/keys/{id}", "Revoke a key"), responses: {…} })
 */
export function resourceEndpoint<Method extends RouteMethod, Path extends `${string}{id}${string}`>(
	method: Method,
	path: Path,
	summary: string,
): { method: Method; path: Path; summary: string; request: { params: typeof IdParamsSchema } } {
	return { method, path, summary, request: { params: IdParamsSchema } };
}

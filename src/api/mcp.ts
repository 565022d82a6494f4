/**
 * `/mcp`: the MCP server over Streamable HTTP, authenticated with the same API keys as `/v1`.
 *
 * Stateless: every POST gets a new server and transport (`sessionIdGenerator: undefined`), since Worker
 * isolates share nothing between requests and a job's state lives in its coordinator anyway. Answers are
 * short SSE streams rather than JSON (`enableJsonResponse` off) because progress notifications travel on
 * the stream of the request they belong to. Without sessions there is nothing to resume or close, so GET
 * (a server-to-client stream) and DELETE answer 405, as the transport specification allows.
 */
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { Hono } from "hono";
import type { CallApi } from "../mcp/api-client";
import { createMcpServer } from "../mcp/server";
import { authenticate } from "./auth";
import { MAX_MCP_BODY_BYTES } from "./body-limit";
import type { AppEnv } from "./env";
import { errorBody } from "./errors";
import { rateLimit } from "./rate-limit";

/** The HTTP API the MCP tools call in-process. */
export type InProcessApi = Pick<Hono<AppEnv>, "request">;

/**
 * The `/mcp` route. Tools call `api` in-process with the caller's `Authorization` header, so each tool call
 * is also an API request of that key (and counts against its rate limit).
 * @example app.route("/", mcpRoutes(app))
 */
export function mcpRoutes(api: InProcessApi): Hono<AppEnv> {
	return new Hono<AppEnv>().all("/mcp", authenticate, rateLimit, async (c) => {
		if (c.req.method !== "POST") {
			return c.json(
				errorBody("method_not_allowed", "this MCP server is stateless: send JSON-RPC messages with POST"),
				405,
				{ allow: "POST" },
			);
		}
		const authorization = c.req.header("authorization");
		const callApi: CallApi = async (path, init = {}) => {
			const headers = new Headers(init.headers);
			if (authorization !== undefined) headers.set("authorization", authorization);
			return api.request(path, { ...init, headers }, c.env, c.executionCtx);
		};
		const server = createMcpServer({ callApi, db: c.env.DB, tenantId: c.var.tenantId });
		const transport = new WebStandardStreamableHTTPServerTransport({
			sessionIdGenerator: undefined,
			maxRequestBodySize: MAX_MCP_BODY_BYTES,
		});
		await server.connect(transport);
		return transport.handleRequest(c.req.raw);
	});
}

/**
 * `research-swarm mcp`: a stdio bridge for desktop MCP clients. Messages read on stdin go to the server's
 * `/mcp` endpoint over Streamable HTTP, with the API key; its answers come back on stdout.
 */
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import {
	isJSONRPCErrorResponse,
	isJSONRPCRequest,
	isJSONRPCResultResponse,
	type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import type { ServerFlags } from "../context.ts";
import { CliError, EXIT, type ExitCode } from "../errors.ts";

/**
 * Bridges stdio to `{url}/mcp`. When stdin ends (the client closed it) the bridge waits for the answers to
 * the requests it already forwarded, then ends with 0; a failed server connection ends it with 3.
 */
export async function runMcpBridge(server: ServerFlags): Promise<ExitCode> {
	if (!server.url) {
		throw new CliError("mcp needs a server: pass --url or set RESEARCH_SWARM_URL", EXIT.usage);
	}
	const remote = new StreamableHTTPClientTransport(new URL("/mcp", server.url), {
		requestInit: server.apiKey ? { headers: { authorization: `Bearer ${server.apiKey}` } } : {},
	});
	const local = new StdioServerTransport();
	/** Requests forwarded to the server that have no answer yet. */
	const unanswered = new Set<RequestId>();
	let inputEnded = false;
	return new Promise<ExitCode>((resolve) => {
		let stopped = false;
		// Closing the connection aborts its streams; those errors are the bridge's own doing.
		const report = (error: unknown) => {
			if (!stopped) {
				process.stderr.write(
					`research-swarm mcp: ${error instanceof Error ? error.message : String(error)}\n`,
				);
			}
		};
		const stop = (code: ExitCode) => {
			if (stopped) return;
			stopped = true;
			process.stdin.off("end", onInputEnd);
			void remote.close().catch(() => {});
			void local.close().catch(() => {});
			resolve(code);
		};
		const stopWhenAnswered = () => {
			if (inputEnded && unanswered.size === 0) stop(EXIT.completed);
		};
		const onInputEnd = () => {
			inputEnded = true;
			stopWhenAnswered();
		};
		local.onmessage = (message) => {
			if (isJSONRPCRequest(message)) unanswered.add(message.id);
			remote.send(message).catch((error: unknown) => {
				report(error);
				stop(EXIT.unreachable);
			});
		};
		remote.onmessage = (message) => {
			void local.send(message).then(() => {
				if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {
					if (message.id !== undefined) unanswered.delete(message.id);
					stopWhenAnswered();
				}
			});
		};
		local.onclose = () => stop(EXIT.completed);
		remote.onerror = report;
		// The stdio transport stops reading at the end of input but does not report it.
		process.stdin.once("end", onInputEnd);
		void remote.start().then(() => local.start());
	});
}

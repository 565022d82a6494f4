/**
 * `research-swarm mcp`: a stdio bridge for desktop MCP clients. Messages read on stdin go to the server's
 * `/mcp` endpoint over Streamable HTTP, with the API key; its answers come back on stdout.
 */
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { ServerFlags } from "../context.ts";
import { CliError, EXIT, type ExitCode } from "../errors.ts";

/** Bridges stdio to `{url}/mcp` until stdin closes or the server connection fails. */
export async function runMcpBridge(server: ServerFlags): Promise<ExitCode> {
	if (!server.url) {
		throw new CliError("mcp needs a server: pass --url or set RESEARCH_SWARM_URL", EXIT.usage);
	}
	const remote = new StreamableHTTPClientTransport(new URL("/mcp", server.url), {
		requestInit: server.apiKey ? { headers: { authorization: `Bearer ${server.apiKey}` } } : {},
	});
	const local = new StdioServerTransport();
	return new Promise<ExitCode>((resolve) => {
		const stop = (code: ExitCode) => {
			void remote.close().catch(() => {});
			void local.close().catch(() => {});
			resolve(code);
		};
		local.onmessage = (message) => {
			remote.send(message).catch((error: unknown) => {
				process.stderr.write(
					`research-swarm mcp: ${error instanceof Error ? error.message : String(error)}\n`,
				);
				stop(EXIT.unreachable);
			});
		};
		remote.onmessage = (message) => void local.send(message);
		local.onclose = () => stop(EXIT.completed);
		remote.onerror = (error) => process.stderr.write(`research-swarm mcp: ${error.message}\n`);
		void remote.start().then(() => local.start());
	});
}

/**
 * A local stand-in for the Anthropic, OpenAI, Gemini and OpenRouter APIs that replays the recorded
 * responses in test/fixtures/providers/ (as event streams to requests that ask to stream). Point the Worker's base URLs at it to run whole jobs on a
 * provider without a key or a network:
 *
 *   node scripts/mock-providers.mjs --port 8790
 *   npm run dev -- --var ANTHROPIC_API_KEY:mock --var ANTHROPIC_BASE_URL:http://127.0.0.1:8790
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { eventStreamOf, wantsEventStream } from "../test/fixtures/providers/event-stream.mjs";
import {
	recordedResponseFor,
	recordingProblem,
	requestProblem,
	unrecorded,
} from "../test/fixtures/providers/replay.mjs";

const FIXTURES = fileURLToPath(new URL("../test/fixtures/providers/", import.meta.url));

/**
 * Starts the mock on `port` (0 picks one); resolves to its base URL, the calls it served and `stop()`.
 * @param {number} [port]
 * @returns {Promise<{ url: string; calls: { method: string | undefined; path: string; fixture: string | null; problem: string | null }[]; stop(): Promise<unknown> }>}
 */
export function startMockProviders(port = 0) {
	/** @type {{ method: string | undefined; path: string; fixture: string | null; problem: string | null }[]} */
	const calls = [];
	const server = createServer(async (request, response) => {
		let text = "";
		for await (const chunk of request) text += chunk;
		let body = null;
		try {
			body = text ? JSON.parse(text) : null;
		} catch {
			body = null;
		}
		const url = new URL(request.url ?? "/", "http://mock");
		const path = url.pathname;
		const name = recordedResponseFor(path, body);
		const headers = new Headers(
			Object.entries(request.headers).flatMap(([key, value]) =>
				typeof value === "string" ? [[key, value]] : [],
			),
		);
		const problem =
			requestProblem({ method: request.method ?? "GET", url: url.toString(), headers, body }) ??
			(name ? recordingProblem(name, body) : null);
		calls.push({ method: request.method, path, fixture: name, problem });
		if (problem) {
			response.writeHead(400, { "content-type": "application/json" });
			response.end(JSON.stringify({ error: { type: "invalid_request_error", message: problem } }));
			return;
		}
		if (!name) {
			const { status, body: error } = unrecorded(path);
			response.writeHead(status, { "content-type": "application/json" });
			response.end(JSON.stringify(error));
			return;
		}
		const fixture = JSON.parse(await readFile(`${FIXTURES}${name}.json`, "utf8"));
		const events =
			fixture.status === 200 && wantsEventStream(path, body) ? eventStreamOf(path, fixture.body) : null;
		if (events !== null) {
			response.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
			response.end(events);
			return;
		}
		response.writeHead(fixture.status, fixture.headers ?? { "content-type": "application/json" });
		response.end(typeof fixture.body === "string" ? fixture.body : JSON.stringify(fixture.body));
	});
	return new Promise((resolve) => {
		server.listen(port, "127.0.0.1", () => {
			const address = server.address();
			const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : port}`;
			resolve({ url, calls, stop: () => new Promise((done) => server.close(() => done(undefined))) });
		});
	});
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const { values } = parseArgs({ options: { port: { type: "string", default: "8790" } } });
	const mock = await startMockProviders(Number(values.port));
	console.log(`mock provider APIs on ${mock.url}`);
	console.log(`  ANTHROPIC_BASE_URL=${mock.url}  OPENAI_BASE_URL=${mock.url}/v1`);
	console.log(`  GEMINI_BASE_URL=${mock.url}  OPENROUTER_BASE_URL=${mock.url}/api/v1`);
}

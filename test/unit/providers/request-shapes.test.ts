/**
 * The replays' request checks (test/fixtures/providers/requests/, `requestProblem`): what each adapter
 * really sends passes its endpoint's documented shape, and a request broken the way a wire regression
 * would break it (an undocumented tool, a non-strict schema, another model, a missing field) is refused
 * with a message naming the endpoint and the field.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { braveSearch } from "../../../src/providers/brave-search";
import { providerFor } from "../../../src/providers/registry";
import { providerSettings } from "../../../src/providers/settings";
import {
	agentTurn,
	decompositionRequest,
	type Recording,
	type Responder,
	replay,
	type SentRequest,
} from "../../fixtures/providers/openai/harness";
import { recordedResponseFor, recordingProblem, requestProblem } from "../../fixtures/providers/replay.mjs";

type ModelApi = "anthropic" | "openai" | "gemini" | "openrouter";

const SETTINGS = providerSettings({
	ANTHROPIC_API_KEY: "sk-ant-shape-test",
	OPENAI_API_KEY: "sk-proj-shape-test",
	GEMINI_API_KEY: "AIza-shape-test",
	OPENROUTER_API_KEY: "sk-or-v1-shape-test",
} as unknown as Env);

function recording(provider: string, name: string): Recording {
	const path = new URL(`../../fixtures/providers/${provider}/${name}.json`, import.meta.url);
	return JSON.parse(readFileSync(path, "utf8")) as Recording;
}

/** The requests `provider` sends for one research turn on `model` answered by `responders`. */
async function turnRequests(
	provider: ModelApi,
	model: string,
	responders: Responder[],
	overrides: Parameters<typeof agentTurn>[1] = {},
): Promise<SentRequest[]> {
	const wire = replay(responders);
	await providerFor(provider, SETTINGS, wire.fetch).runTurn(agentTurn(model, overrides));
	return wire.requests;
}

/** The request `provider` sends for one structured call (a goal decomposition) on `model`. */
async function structuredRequest(provider: ModelApi, model: string): Promise<SentRequest> {
	const wire = replay([recording(provider, "structured-decomposition")]);
	await providerFor(provider, SETTINGS, wire.fetch).runStructured(decompositionRequest(model));
	const [request] = wire.requests;
	if (!request) throw new Error("no request");
	return request;
}

/** What the replay says of `request` (a sent request, or one edited from it) expecting `models`. */
function problemOf(
	request: SentRequest,
	models: Partial<Record<ModelApi, string[]>> = {},
	body: unknown = request.body,
): string | null {
	return requestProblem(
		{ method: request.method, url: request.url, headers: request.headers, body },
		{ models },
	);
}

/** One change to a JSON body: the member at `path` set to `value`, or removed when `value` is undefined. */
type Edit = [path: (string | number)[], value: unknown];

/** A deep copy of the request's body with `edits` applied. */
function edited(request: SentRequest, ...edits: Edit[]): Record<string, unknown> {
	const body = structuredClone(request.body);
	for (const [path, value] of edits) {
		const parent = path
			.slice(0, -1)
			.reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], body);
		const key = path.at(-1) as string | number;
		if (value === undefined) delete (parent as Record<string, unknown>)[key];
		else (parent as Record<string, unknown>)[key] = value;
	}
	return body;
}

function first(requests: SentRequest[]): SentRequest {
	const [request] = requests;
	if (!request) throw new Error("no request");
	return request;
}

describe("Anthropic Messages requests", () => {
	const model = "claude-sonnet-5-5";
	const research = async () =>
		turnRequests("anthropic", model, [
			recording("anthropic", "research-web"),
			recording("anthropic", "record-findings"),
		]);

	it("the research and record calls and a structured call pass the documented shape", async () => {
		const requests = [...(await research()), await structuredRequest("anthropic", model)];
		expect(requests).toHaveLength(3);
		for (const request of requests) expect(problemOf(request, { anthropic: [model] })).toBeNull();
	});

	it("refuses an undocumented server tool type, a tool_choice naming no declared tool, and another model", async () => {
		const request = first(await research());
		const renamedTool = edited(request, [["tools", 0, "type"], "web_search"]);
		expect(problemOf(request, {}, renamedTool)).toMatch(
			/Anthropic Messages request to \/v1\/messages[\s\S]*tools\[0\]/,
		);
		const forcedMissingTool = edited(request, [
			["tool_choice"],
			{ type: "tool", name: "record_findings_v2" },
		]);
		expect(problemOf(request, {}, forcedMissingTool)).toMatch(
			/names a tool that is not declared[\s\S]*tool_choice\.name/,
		);
		expect(problemOf(request, { anthropic: ["claude-opus-5-5"] })).toMatch(
			/not the configured model[\s\S]*→ at model/,
		);
		const noMaxTokens = edited(request, [["max_tokens"], undefined]);
		expect(problemOf(request, {}, noMaxTokens)).toMatch(/max_tokens/);
	});
});

describe("OpenAI Responses requests", () => {
	const model = "gpt-6.1-sol";
	const research = async () =>
		first(await turnRequests("openai", model, [recording("openai", "response-web-search")]));

	it("a web-search turn and a structured call pass the documented shape", async () => {
		for (const request of [await research(), await structuredRequest("openai", model)]) {
			expect(problemOf(request, { openai: [model] })).toBeNull();
		}
	});

	it("refuses a non-strict output format, a schema that breaks strict mode, an unknown tool type and another model", async () => {
		const request = await research();
		const notStrict = edited(request, [["text", "format", "strict"], false]);
		expect(problemOf(request, {}, notStrict)).toMatch(
			/OpenAI Responses[\s\S]*strict: true[\s\S]*text\.format\.strict/,
		);
		const openObject = edited(
			request,
			[["text", "format", "schema", "properties", "findings", "items", "additionalProperties"], undefined],
			[["text", "format", "schema", "required"], ["findings"]],
		);
		const problem = problemOf(request, {}, openObject);
		expect(problem).toContain("$.properties.findings.items: additionalProperties is not false");
		expect(problem).toContain("$: required lacks narrative");
		const unknownTool = edited(request, [["tools"], [{ type: "browser" }]]);
		expect(problemOf(request, {}, unknownTool)).toMatch(/tools\[0\]/);
		expect(problemOf(request, { openai: ["gpt-6.1-terra"] })).toMatch(/not the configured model/);
	});
});

describe("Gemini generateContent requests", () => {
	const model = "gemini-3.8-flash";
	const grounded = async () =>
		first(await turnRequests("gemini", model, [recording("gemini", "grounded-structured")]));

	it("a grounded structured turn, a two-call turn on Gemini 2.5 and a structured call pass the documented shape", async () => {
		const older = await turnRequests("gemini", "gemini-2.5-flash", [
			recording("gemini", "research-answer"),
			recording("gemini", "structured-restatement"),
		]);
		expect(older).toHaveLength(2);
		for (const request of [await grounded(), ...older, await structuredRequest("gemini", model)]) {
			expect(problemOf(request, { gemini: [model, "gemini-2.5-flash"] })).toBeNull();
		}
	});

	it("refuses an undocumented search tool, a schema keyword the API rejects, a schema without its MIME type and another model", async () => {
		const request = await grounded();
		const oldTool = edited(request, [["tools"], [{ google_search_retrieval: {} }]]);
		expect(problemOf(request, {}, oldTool)).toMatch(/Gemini generateContent \(v1beta\)[\s\S]*tools\[0\]/);
		const lengthKeyword = edited(request, [
			["generationConfig", "responseJsonSchema", "properties", "narrative", "maxLength"],
			20000,
		]);
		expect(problemOf(request, {}, lengthKeyword)).toContain(
			"keyword not accepted by responseJsonSchema: $.properties.narrative.maxLength",
		);
		const noMime = edited(request, [["generationConfig", "responseMimeType"], undefined]);
		expect(problemOf(request, {}, noMime)).toMatch(/responseJsonSchema needs responseMimeType/);
		expect(problemOf(request, { gemini: ["gemini-4-argon"] })).toMatch(/not the configured model/);
	});

	it("refuses googleSearch with a response schema on a model before Gemini 3", async () => {
		const request = await grounded();
		const onOlderModel = { ...request, url: request.url.replace(model, "gemini-2.5-flash") };
		expect(problemOf(onOlderModel)).toMatch(/googleSearch with a response schema needs Gemini 3 or later/);
	});
});

describe("OpenRouter chat completions requests", () => {
	const model = "google/gemini-3.8-flash";
	const searched = async () =>
		first(await turnRequests("openrouter", model, [recording("openrouter", "completion-web-search")]));

	it("a web search turn, a streamed turn and a structured call pass the documented shape", async () => {
		const streamed = await turnRequests(
			"openrouter",
			model,
			[
				async () =>
					new Response(
						readFileSync(
							new URL("../../fixtures/providers/openrouter/stream-completion-plain.txt", import.meta.url),
						),
						{ headers: { "content-type": "text/event-stream" } },
					),
			],
			{ search: { enabled: false, maxUses: 0 }, onProgress: () => {} },
		);
		expect(first(streamed).body.stream).toBe(true);
		const turn = await searched();
		expect(turn.body.tools).toEqual([expect.objectContaining({ type: "openrouter:web_search" })]);
		const requests = [turn, ...streamed, await structuredRequest("openrouter", model)];
		for (const request of requests) {
			expect(problemOf(request, { openrouter: [model] })).toBeNull();
		}
	});

	it("accepts the web search server tool with other parameters", async () => {
		const request = await searched();
		const serverTool = edited(request, [
			["tools"],
			[{ type: "openrouter:web_search", parameters: { max_results: 4 } }],
		]);
		expect(problemOf(request, {}, serverTool)).toBeNull();
	});

	it("refuses a non-strict schema, a function tool without an object schema, stream options on an unstreamed call and another model", async () => {
		const request = await searched();
		const notStrict = edited(request, [["response_format", "json_schema", "strict"], false]);
		expect(problemOf(request, {}, notStrict)).toMatch(
			/OpenRouter chat completions[\s\S]*json_schema\.strict/,
		);
		const openObject = edited(request, [
			["response_format", "json_schema", "schema", "additionalProperties"],
			true,
		]);
		expect(problemOf(request, {}, openObject)).toContain("$: additionalProperties is not false");
		const badTool = edited(request, [
			["tools"],
			[{ type: "function", function: { name: "web_search", parameters: { type: "string" } } }],
		]);
		expect(problemOf(request, {}, badTool)).toMatch(/tools\[0\]/);
		const streamOptions = edited(request, [["stream_options"], { include_usage: true }]);
		expect(problemOf(request, {}, streamOptions)).toMatch(/stream_options without stream: true/);
		expect(problemOf(request, { openrouter: ["perplexity/sonar"] })).toMatch(/not the configured model/);
	});
});

describe("Brave web search requests", () => {
	async function braveRequest(): Promise<SentRequest> {
		const wire = replay([
			{
				status: 200,
				headers: { "content-type": "application/json" },
				body: { type: "search", web: { results: [] } },
			},
		]);
		await braveSearch("heat pump performance cold climate", {
			apiKey: "BSA-shape-test",
			count: 5,
			fetchImpl: wire.fetch,
		});
		return first(wire.requests);
	}

	it("the adapter's search passes the documented shape", async () => {
		expect(problemOf(await braveRequest())).toBeNull();
	});

	it("refuses a count over 20, an unknown parameter and a request without its key", async () => {
		const request = await braveRequest();
		const withQuery = (edit: (url: URL) => void) => {
			const url = new URL(request.url);
			edit(url);
			return { ...request, url: url.toString() };
		};
		expect(problemOf(withQuery((url) => url.searchParams.set("count", "50")))).toMatch(
			/Brave web search[\s\S]*query\.count/,
		);
		expect(problemOf(withQuery((url) => url.searchParams.set("limit", "5")))).toMatch(/limit/);
		expect(problemOf({ ...request, headers: new Headers() })).toMatch(/X-Subscription-Token is missing/);
	});
});

describe("recordings answer only requests that offered the tools they used", () => {
	const cases: { provider: ModelApi; model: string; fixtures: string[]; withoutSearch: Edit[] }[] = [
		{
			provider: "anthropic",
			model: "claude-sonnet-5-5",
			fixtures: ["research-web", "record-findings"],
			withoutSearch: [[["tools"], []]],
		},
		{
			provider: "openai",
			model: "gpt-6.1-sol",
			fixtures: ["response-web-search"],
			withoutSearch: [[["tools"], undefined]],
		},
		{
			provider: "gemini",
			model: "gemini-3.8-flash",
			fixtures: ["grounded-structured"],
			withoutSearch: [[["tools"], undefined]],
		},
		{
			provider: "openrouter",
			model: "google/gemini-3.8-flash",
			fixtures: ["completion-web-search"],
			withoutSearch: [[["tools"], undefined]],
		},
	];

	for (const { provider, model, fixtures, withoutSearch } of cases) {
		it(`${provider}: the research call gets ${fixtures[0]}, and the same call without web search is refused`, async () => {
			const responders = fixtures.map((fixture) => recording(provider, fixture));
			const request = first(await turnRequests(provider, model, responders));
			const name = recordedResponseFor(new URL(request.url).pathname, request.body) ?? "";
			expect(name).toBe(`${provider}/${fixtures[0]}`);
			expect(recordingProblem(name, request.body)).toBeNull();
			expect(recordingProblem(name, edited(request, ...withoutSearch))).toMatch(
				/answers a request that offers .*and this request does not/,
			);
		});
	}

	it("a structured call of another schema (a judge's verdicts) is no research call: no recording answers it", async () => {
		const request = await structuredRequest("anthropic", "claude-sonnet-5-5");
		expect(recordedResponseFor(new URL(request.url).pathname, request.body)).toBeNull();
	});
});

describe("the adapters' unit replays", () => {
	it("answer a request without its endpoint's documented shape with a 400 naming the problem", async () => {
		const wire = replay([recording("openai", "response-web-search")]);
		const response = await wire.fetch("https://api.openai.com/v1/responses", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ model: "gpt-6.1-sol", input: "heat pumps", tools: [{ type: "web_browser" }] }),
		});
		expect(response.status).toBe(400);
		const { error } = (await response.json()) as { error: { message: string } };
		expect(error.message).toMatch(/OpenAI Responses request to \/v1\/responses[\s\S]*tools\[0\]/);
	});
});

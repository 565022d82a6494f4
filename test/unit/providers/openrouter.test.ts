import { inspect } from "node:util";
import type { ChatCompletion } from "openai/resources/chat/completions";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AGENT_OUTPUT_JSON_SCHEMA } from "../../../src/providers/openai-shared";
import {
	bodyError,
	createOpenRouterProvider,
	isOpenRouterSpendLimit,
	OPENROUTER_MODELS,
} from "../../../src/providers/openrouter";
import { ProviderError, type TurnProgress, ZERO_TOKEN_USAGE } from "../../../src/providers/types";
import {
	agentTurn,
	eventStream,
	hangingResponder,
	loadRecording,
	type Recording,
	replay,
} from "../../fixtures/providers/openai/harness";

const API_KEY = "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";
const MODEL = "google/gemini-3.8-flash";

const recording = (name: string): Recording => loadRecording("openrouter", name);

/** The assistant's content inside a recorded completion. */
function content(name: string): string {
	const text = (recording(name).body as ChatCompletion).choices[0]?.message.content;
	if (typeof text !== "string") throw new Error(`${name} has no content`);
	return text;
}

function openrouter(...responders: Parameters<typeof replay>[0]) {
	const wire = replay(responders);
	return {
		provider: createOpenRouterProvider({ apiKey: API_KEY, fetch: wire.fetch }),
		requests: wire.requests,
	};
}

/** A recording with OpenRouter's `usage.cost` left out, as a response that states no charge. */
function withoutCost(name: string): Recording {
	const recorded = recording(name);
	const body = structuredClone(recorded.body) as { usage: Record<string, unknown> };
	delete body.usage.cost;
	return { ...recorded, body };
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
	const error = await promise.then(
		() => null,
		(caught: unknown) => caught,
	);
	if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
	return error;
}

afterEach(() => {
	vi.useRealTimers();
});

describe("createOpenRouterProvider: a normal turn", () => {
	it("sends a Chat Completions request with the app headers, messages, output limit and strict schema", async () => {
		const { provider, requests } = openrouter(recording("completion-plain"));
		await provider.runTurn(agentTurn(MODEL, { search: { enabled: false, maxUses: 4 } }));

		expect(requests).toHaveLength(1);
		const [request] = requests;
		expect(request?.url).toBe("https://openrouter.ai/api/v1/chat/completions");
		expect(request?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
		expect(request?.headers.get("http-referer")).toBe("https://github.com/research-swarm");
		expect(request?.headers.get("x-title")).toBe("research-swarm");
		expect(request?.body).toEqual({
			model: MODEL,
			messages: [
				{
					role: "system",
					content: "You are the explorer of a research swarm. Report findings with citations.",
				},
				{ role: "user", content: "Research task: How do heat pumps perform in cold climates?" },
			],
			max_tokens: 8192,
			response_format: {
				type: "json_schema",
				json_schema: { name: "agent_output", schema: AGENT_OUTPUT_JSON_SCHEMA, strict: true },
			},
		});
	});

	it("returns the output, usage, OpenRouter's stated charge as the billing, one latency and the model", async () => {
		const { provider } = openrouter(recording("completion-plain"));
		const result = await provider.runTurn(agentTurn(MODEL, { search: { enabled: false, maxUses: 4 } }));
		expect(result.output.findings[0]?.citations[0]).toEqual({
			sourceId: "S1",
			url: null,
			quote: "35% of units needed a backup heater below -20 °C",
		});
		expect(result.rawOutput).toBe(content("completion-plain"));
		expect(result.usage).toEqual({
			inputTokens: 2870 - 1024 - 512,
			outputTokens: 356,
			cacheReadTokens: 1024,
			cacheWriteTokens: 512,
			searchCalls: 0,
			fetchCalls: 0,
		});
		expect(result.billing).toEqual({ reportedUsd: 0.00291, unreported: ZERO_TOKEN_USAGE });
		expect(result.callLatenciesMs).toHaveLength(1);
		expect(result.model).toBe(MODEL);
		expect(result.retrieved).toEqual([]);
	});

	it("searches by itself on every model, the default one included, so no search tool is ever lent", () => {
		const { provider } = openrouter();
		for (const model of [MODEL, `${MODEL}:online`, ...OPENROUTER_MODELS]) {
			expect(provider.supportsNativeSearch(model), model).toBe(true);
		}
	});
});

describe("createOpenRouterProvider: a followed turn", () => {
	const NO_SEARCH = { search: { enabled: false, maxUses: 4 } };

	it("streams a call without search or tools into the same result, with the usage of its last chunk", async () => {
		const plain = await openrouter(recording("completion-plain")).provider.runTurn(
			agentTurn(MODEL, NO_SEARCH),
		);
		const updates: TurnProgress[] = [];
		const { provider, requests } = openrouter(eventStream("openrouter", "stream-completion-plain"));
		const streamed = await provider.runTurn(
			agentTurn(MODEL, { ...NO_SEARCH, onProgress: (update) => updates.push(update) }),
		);

		expect(requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
		expect({ ...streamed, callLatenciesMs: [] }).toEqual({ ...plain, callLatenciesMs: [] });
		expect(updates[0]).toEqual({
			outputTokens: 0,
			inputTokens: 0,
			searches: 0,
			phase: "writing the findings",
		});
		const tokens = updates.map((update) => update.outputTokens ?? 0);
		expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
		expect(new Set(tokens).size).toBeGreaterThan(5);
		expect(updates.at(-1)).toEqual({ outputTokens: 356, inputTokens: 2870, searches: 0 });
	});

	it("keeps calls that search unstreamed and reports them as research", async () => {
		const updates: TurnProgress[] = [];
		const { provider, requests } = openrouter(recording("completion-web-search"));
		await provider.runTurn(agentTurn(MODEL, { onProgress: (update) => updates.push(update) }));
		expect(requests[0]?.body).not.toHaveProperty("stream");
		expect(updates[0]?.phase).toBe("researching");
		expect(updates.at(-1)).toMatchObject({ searches: 2 });
	});

	it("classifies an error chunk in the stream by its code, as in a 200 body", async () => {
		const { provider } = openrouter(eventStream("openrouter", "stream-upstream-error"));
		const error = await failure(provider.runTurn(agentTurn(MODEL, { ...NO_SEARCH, onProgress: () => {} })));
		expect(error).toMatchObject({ kind: "server", options: { status: 502 } });
		expect(error.message).toContain("the model is overloaded");
	});
});

describe("createOpenRouterProvider: native search", () => {
	const NEEP = "https://neep.org/heating-electrification/ccashp-specification-product-list";
	const IEA = "https://www.iea.org/reports/the-future-of-heat-pumps";
	const EERE = "https://www.energy.gov/eere/buildings/cold-climate-heat-pump-challenge";

	it("searches with the web search server tool on the default model: Exa, 5 results a search, maxUses searches' worth", async () => {
		const { provider, requests } = openrouter(recording("completion-web-search"));
		await provider.runTurn(agentTurn(MODEL, { search: { enabled: true, maxUses: 3 } }));
		expect(requests[0]?.body).toMatchObject({
			model: MODEL,
			tools: [
				{
					type: "openrouter:web_search",
					parameters: { engine: "exa", max_results: 5, max_total_results: 15 },
				},
			],
		});
		expect(requests[0]?.body).not.toHaveProperty("plugins");
		expect(requests[0]?.body).not.toHaveProperty("usage");
	});

	it("maps the server tool's url_citation annotations onto findings and never quotes their content", async () => {
		const { provider } = openrouter(recording("completion-web-search"));
		const result = await provider.runTurn(agentTurn(MODEL));
		const [listed, nordic] = result.output.findings;
		expect(listed?.citations).toEqual([{ sourceId: null, url: NEEP, quote: "COP of at least 1.75 at 5°F" }]);
		expect(nordic?.citations).toEqual([
			{ sourceId: null, url: IEA, quote: "heat pumps in cold climates such as Norway and Finland" },
		]);
		expect(result.retrieved).toEqual([
			{ url: NEEP, title: "Cold Climate Air Source Heat Pump Specification and Product List | NEEP" },
			{ url: IEA, title: "The Future of Heat Pumps – Analysis - IEA" },
			{ url: EERE, title: "Residential Cold Climate Heat Pump Challenge | Department of Energy" },
		]);
	});

	it("counts the searches OpenRouter ran and takes its stated charge, search fees included, as the billing", async () => {
		const { provider } = openrouter(recording("completion-web-search"));
		const result = await provider.runTurn(agentTurn(MODEL));
		expect(result.usage).toEqual({
			...ZERO_TOKEN_USAGE,
			inputTokens: 9830,
			outputTokens: 540,
			searchCalls: 2,
		});
		expect(result.billing).toEqual({ reportedUsd: 0.049397, unreported: ZERO_TOKEN_USAGE });
	});

	it("leaves a call without a stated charge to the price table, searches included", async () => {
		const { provider } = openrouter(withoutCost("completion-web-search"));
		const result = await provider.runTurn(agentTurn(MODEL));
		expect(result.usage.searchCalls).toBe(2);
		expect(result.billing).toBeUndefined();
	});

	it("searches an :online model by the server tool under its base id, and not at all when the turn may not", async () => {
		const online = openrouter(recording("completion-web-search"));
		await online.provider.runTurn(agentTurn(`${MODEL}:online`));
		expect(online.requests[0]?.body.model).toBe(MODEL);
		expect(online.requests[0]?.body.tools).toHaveLength(1);
		const { provider, requests } = openrouter(recording("completion-plain"));
		const result = await provider.runTurn(
			agentTurn(`${MODEL}:online`, { search: { enabled: false, maxUses: 4 } }),
		);
		expect(requests[0]?.body.model).toBe(MODEL);
		expect(requests[0]?.body).not.toHaveProperty("tools");
		expect(result.usage.searchCalls).toBe(0);
	});

	it("maps a Perplexity Sonar reply's citations and annotations", async () => {
		const CARBON = "https://www.carbonbrief.org/heat-pumps-cold-weather";
		const NATURE = "https://www.nature.com/articles/s41560-023-01234-5";
		const BBC = "https://www.bbc.com/news/science-environment-heat-pumps";
		const { provider, requests } = openrouter(recording("completion-sonar"));
		const result = await provider.runTurn(agentTurn("perplexity/sonar-pro"));

		expect(requests[0]?.body).not.toHaveProperty("plugins");
		expect(requests[0]?.body).not.toHaveProperty("tools");
		// [1] marks the page the finding already cites; [2] marks one it does not, added without a quote.
		expect(result.output.findings[0]?.citations).toEqual([
			{ sourceId: null, url: CARBON, quote: "two to three times more efficient" },
			{ sourceId: null, url: NATURE, quote: "" },
		]);
		expect(result.retrieved).toEqual([
			{ url: CARBON, title: "Factcheck: Heat pumps work in cold weather" },
			{ url: NATURE, title: "Heat pump performance in cold climates" },
			{ url: BBC, title: "Do heat pumps work in the cold?" },
		]);
		expect(result.usage.searchCalls).toBe(1);
		expect(result.model).toBe("perplexity/sonar-pro");
	});
});

describe("createOpenRouterProvider: structured output repair", () => {
	it("repairs once on the model without its :online suffix and without the search tool", async () => {
		const { provider, requests } = openrouter(
			recording("completion-missing-narrative"),
			recording("completion-repaired"),
		);
		const result = await provider.runTurn(agentTurn(`${MODEL}:online`));
		expect(requests).toHaveLength(2);
		const repair = requests[1]?.body;
		expect(requests[0]?.body.tools).toHaveLength(1);
		expect(repair?.model).toBe(MODEL);
		expect(repair).not.toHaveProperty("tools");
		expect(repair?.messages).toEqual([
			{
				role: "system",
				content: "You are the explorer of a research swarm. Report findings with citations.",
			},
			{ role: "user", content: "Research task: How do heat pumps perform in cold climates?" },
			{ role: "assistant", content: content("completion-missing-narrative") },
			{ role: "user", content: expect.stringContaining("narrative") },
		]);
		expect(result.rawOutput).toBe(content("completion-repaired"));
		expect(result.callLatenciesMs).toHaveLength(2);
	});

	it("fails with malformed_output and the last raw text when the repair fails too", async () => {
		const { provider, requests } = openrouter(
			recording("completion-prose"),
			recording("completion-missing-narrative"),
		);
		const error = await failure(provider.runTurn(agentTurn(MODEL)));
		expect(error.kind).toBe("malformed_output");
		expect(error.options.rawOutput).toBe(content("completion-missing-narrative"));
		expect(requests).toHaveLength(2);
		expect(error.options.billed?.usage).toMatchObject({
			inputTokens: 3015 - 2048 + 2870,
			outputTokens: 22 + 61,
			cacheReadTokens: 2048,
		});
		expect(error.options.billed?.callLatenciesMs).toHaveLength(2);
	});
});

describe("createOpenRouterProvider: failures", () => {
	it("retries a 429 after the retry-after delay and then succeeds", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const { provider, requests } = openrouter(
			recording("error-429-rate-limit"),
			recording("completion-plain"),
		);
		const turn = provider.runTurn(agentTurn(MODEL));
		await vi.advanceTimersByTimeAsync(999);
		expect(requests).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		await turn;
		expect(requests).toHaveLength(2);
	});

	it("reports a 503 as overloaded and a 500 as a server error after the SDK's retries", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		for (const [name, kind, status] of [
			["error-503-no-provider", "overloaded", 503],
			["error-500-internal", "server", 500],
		] as const) {
			const failing = recording(name);
			const { provider, requests } = openrouter(failing, failing, failing);
			const turn = failure(provider.runTurn(agentTurn(MODEL)));
			await vi.advanceTimersByTimeAsync(30_000);
			expect(await turn).toMatchObject({ kind, options: { status } });
			expect(requests).toHaveLength(3);
		}
	});

	it("times out within the turn's budget when the API does not answer", async () => {
		const { provider } = openrouter(hangingResponder());
		const started = performance.now();
		const error = await failure(provider.runTurn(agentTurn(MODEL, { timeoutMs: 150 })));
		expect(error.kind).toBe("timeout");
		expect(performance.now() - started).toBeLessThan(1_000);
	});

	it("never retries insufficient credits (402)", async () => {
		const { provider, requests } = openrouter(
			recording("error-402-insufficient-credits"),
			recording("completion-plain"),
		);
		const error = await failure(provider.runTurn(agentTurn(MODEL)));
		expect(error).toMatchObject({ kind: "spend_limit", options: { status: 402 } });
		expect(requests).toHaveLength(1);
	});

	it("never retries an invalid key", async () => {
		const { provider, requests } = openrouter(
			recording("error-401-invalid-key"),
			recording("completion-plain"),
		);
		const error = await failure(provider.runTurn(agentTurn(MODEL)));
		expect(error).toMatchObject({ kind: "auth", options: { status: 401 } });
		expect(requests).toHaveLength(1);
	});

	it("classifies an error reported in the body of a 200 response by its code", async () => {
		const { provider, requests } = openrouter(recording("completion-upstream-error"));
		const error = await failure(provider.runTurn(agentTurn(MODEL)));
		expect(error).toMatchObject({ kind: "server", options: { status: 502 } });
		expect(error.message).toContain("Upstream error");
		expect(requests).toHaveLength(1);
	});

	it("reads a top-level body error, a string code meaning a failed upstream model", () => {
		const errors = { provider: "openrouter", apiKey: API_KEY, isSpendLimit: isOpenRouterSpendLimit };
		const body = structuredClone(recording("completion-plain").body) as ChatCompletion;
		expect(bodyError(body, errors)).toBeNull();
		const failed = { ...body, error: { code: "server_error", message: "Provider returned error" } };
		expect(bodyError(failed, errors)).toMatchObject({ kind: "server", options: { status: 502 } });
		const broke = { ...body, error: { code: 402, message: "Insufficient credits" } };
		expect(bodyError(broke, errors)?.kind).toBe("spend_limit");
	});

	it("puts the API key in no error message or error object", async () => {
		const echoing: Recording = {
			status: 401,
			headers: { "content-type": "application/json" },
			body: { error: { message: `Invalid key ${API_KEY}`, code: 401 } },
		};
		for (const responder of [recording("error-402-insufficient-credits"), echoing]) {
			const { provider } = openrouter(responder);
			const error = await failure(provider.runTurn(agentTurn(MODEL)));
			for (const view of [
				error.message,
				String(error),
				JSON.stringify(error),
				inspect(error, { depth: 5 }),
			]) {
				expect(view).not.toContain(API_KEY);
			}
		}
	});
});

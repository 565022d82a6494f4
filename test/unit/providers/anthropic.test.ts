import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import type { ContentBlock, Usage } from "@anthropic-ai/sdk/resources/messages";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import {
	acceptsForcedToolChoice,
	createAnthropicProvider,
	FETCH_MAX_CONTENT_TOKENS,
	splitSearchBudget,
} from "../../../src/providers/anthropic";
import {
	addUsage,
	applyNativeCitations,
	collectEvidence,
	findRecordedOutput,
	type NativeCitation,
	RECORD_TOOL_NAME,
	type ResearchEvidence,
} from "../../../src/providers/anthropic-output";
import {
	type AgentOutput,
	AgentOutputSchema,
	type AgentTaskInput,
	type AgentTurn,
	ProviderError,
	SDK_MAX_RETRIES,
	type TurnProgress,
	type TurnResult,
	ZERO_TOKEN_USAGE,
} from "../../../src/providers/types";
import { testConfig } from "../../fixtures/agent-context";
import { refusalOf } from "../../fixtures/providers/replay.mjs";

const FIXTURES = new URL("../../fixtures/providers/anthropic/", import.meta.url);
const API_KEY = "sk-ant-api03-Zq9cVb2Lm7Xr4Tn1Wd8Hk5Jp0Fs3Gy6Ue9Ia2Oc5Rv8Bx1Nm4Kt7Lq0Pw3Sz6Dy9-QwErTyAA";
const INSTRUCTIONS = "You are the explorer of a research swarm. Map the question broadly.";
const PROMPT =
	"Research task: How do heat pumps perform in cold climates?\nDepth 5 of 10, focus balanced, phase research.";

const NREL = "https://www.nrel.gov/docs/fy25osti/cold-climate-heat-pump-field-validation.pdf";
const DOE = "https://www.energy.gov/eere/buildings/cold-climate-air-source-heat-pumps";
const IEA = "https://www.iea.org/reports/the-future-of-heat-pumps";
const EHPA = "https://www.ehpa.org/market-data/";
const NREL_CITED =
	"Measured coefficients of performance stayed above 2.0 at outdoor temperatures of -15 °C at all monitored sites.";
const DOE_CITED =
	"In a field study of 40 homes in Minnesota and Wisconsin, the systems met the full heating load on 95% of winter hours without backup resistance heat.";
const IEA_CITED =
	"Global sales of heat pumps grew by 11% in 2022, marking the second year of double-digit growth.";

const CONFIG = testConfig({ provider: "anthropic", model: "claude-sonnet-5-5" });

const INPUT: AgentTaskInput = {
	jobId: "job_1",
	tenantId: "tenant_1",
	taskId: "task_1",
	attempt: 1,
	role: "explorer",
	phase: "research",
	task: "How do heat pumps perform in cold climates?",
	config: CONFIG,
	provider: "anthropic",
	model: "claude-sonnet-5-5",
	timeShare: 0.4,
	timeBudgetMs: 60_000,
	sources: [],
	upstream: [],
	lessons: [],
	documents: [],
};

function turnWith(overrides: Partial<AgentTurn> = {}): AgentTurn {
	return {
		model: "claude-sonnet-5-5",
		role: "explorer",
		instructions: INSTRUCTIONS,
		prompt: PROMPT,
		input: INPUT,
		search: { enabled: true, maxUses: 5 },
		tools: null,
		maxOutputTokens: 8192,
		timeoutMs: 60_000,
		signal: new AbortController().signal,
		...overrides,
	};
}

type Recorded = { status: number; headers: Record<string, string>; body: unknown };
type Reply = (init: RequestInit | undefined) => Response | Promise<Response>;
type SentRequest = { url: string; method: string; headers: Headers; body: Record<string, unknown> };

function fixtureText(name: string): string {
	return readFileSync(new URL(name, FIXTURES), "utf8");
}

function recorded(name: string): Recorded {
	return JSON.parse(fixtureText(name)) as Recorded;
}

/** A recorded JSON exchange, replayed with its status and headers. */
function exchange(name: string): Reply {
	const { status, headers, body } = recorded(name);
	return () => new Response(JSON.stringify(body), { status, headers });
}

/** A recorded SSE stream, replayed byte for byte. */
function eventStream(name: string): Reply {
	return () =>
		new Response(fixtureText(name), {
			status: 200,
			headers: {
				"content-type": "text/event-stream; charset=utf-8",
				"cache-control": "no-cache",
				"request-id": "req_011CVnX2Bf5Hd8Kg1Mj4Pl7S",
			},
		});
}

/** A request that never answers until it is aborted. */
const hang: Reply = (init) =>
	new Promise((_, reject) => {
		const abort = () => reject(new DOMException("This operation was aborted", "AbortError"));
		if (init?.signal?.aborted) abort();
		init?.signal?.addEventListener("abort", abort);
	});

function fakeApi(...replies: Reply[]): { fetch: typeof fetch; requests: SentRequest[] } {
	const requests: SentRequest[] = [];
	const fetchImpl: typeof fetch = async (input, init) => {
		const reply = replies[requests.length];
		requests.push({
			url: String(input),
			method: init?.method ?? "GET",
			headers: new Headers(init?.headers),
			body: JSON.parse(String(init?.body)) as Record<string, unknown>,
		});
		if (!reply) throw new Error(`unexpected request #${requests.length}`);
		const sent = requests.at(-1);
		const refusal = sent ? refusalOf(sent) : null;
		if (refusal) return refusal;
		return reply(init);
	};
	return { fetch: fetchImpl, requests };
}

function providerFor(api: { fetch: typeof fetch }) {
	return createAnthropicProvider({ apiKey: API_KEY, fetch: api.fetch });
}

function responseContent(name: string): ContentBlock[] {
	const body = recorded(name).body as { content: ContentBlock[] };
	return body.content;
}

function recordedInput(name: string): unknown {
	const call = responseContent(name).find((block) => block.type === "tool_use");
	return call?.type === "tool_use" ? call.input : undefined;
}

/** The requests a plain (non-streamed) turn sends with `replies`. */
async function requestsOf(...replies: Reply[]): Promise<SentRequest[]> {
	const api = fakeApi(...replies);
	await providerFor(api).runTurn(turnWith());
	return api.requests;
}

async function failure(promise: Promise<TurnResult>): Promise<ProviderError> {
	const error = await promise.then(
		() => null,
		(reason: unknown) => reason,
	);
	expect(error).toBeInstanceOf(ProviderError);
	return error as ProviderError;
}

/** Advances fake timers until the promise settles (SDK retry back-off and retry-after waits). */
async function settleWithFakeTimers<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
	let outcome: { value?: T; error?: unknown } | null = null;
	promise.then(
		(value) => {
			outcome = { value };
		},
		(error: unknown) => {
			outcome = { error };
		},
	);
	for (let step = 0; step < 400 && outcome === null; step += 1) await vi.advanceTimersByTimeAsync(100);
	if (outcome === null) throw new Error("the turn did not settle");
	return outcome;
}

const { $schema: _dialect, ...RECORD_INPUT_SCHEMA } = z.toJSONSchema(AgentOutputSchema);

afterEach(() => {
	vi.useRealTimers();
});

describe("createAnthropicProvider: turns", () => {
	it("researches with the server tools, then asks for the hand-in and grounds its quotes", async () => {
		const api = fakeApi(exchange("research-web.json"), exchange("record-findings.json"));
		const provider = providerFor(api);
		expect(provider.name).toBe("anthropic");
		expect(provider.supportsNativeSearch("claude-sonnet-5-5")).toBe(true);

		const result = await provider.runTurn(turnWith());

		expect(api.requests).toHaveLength(2);
		const [research, record] = api.requests;
		expect(research?.url).toBe("https://api.anthropic.com/v1/messages");
		expect(research?.method).toBe("POST");
		// SDK 1.12 sends the API key as a bearer token.
		expect(research?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
		expect(research?.headers.get("anthropic-version")).toBeTruthy();
		expect(research?.headers.get("anthropic-beta")).toBeNull();
		expect(research?.body).toEqual({
			model: "claude-sonnet-5-5",
			max_tokens: 8192,
			system: [{ type: "text", text: INSTRUCTIONS, cache_control: { type: "ephemeral" } }],
			tools: [
				{ type: "web_search_20250305", name: "web_search", max_uses: 3 },
				{
					type: "web_fetch_20250910",
					name: "web_fetch",
					max_uses: 2,
					max_content_tokens: FETCH_MAX_CONTENT_TOKENS,
					citations: { enabled: true },
				},
				{ name: RECORD_TOOL_NAME, description: expect.any(String), input_schema: RECORD_INPUT_SCHEMA },
			],
			tool_choice: { type: "auto" },
			messages: [{ role: "user", content: PROMPT }],
		});
		// Same prefix (system + tools) on every call of the turn: the cache and thinking blocks stay valid.
		expect(record?.body.system).toEqual(research?.body.system);
		expect(record?.body.tools).toEqual(research?.body.tools);
		expect(record?.body.tool_choice).toEqual({ type: "auto" });
		expect(record?.body.messages).toEqual([
			{ role: "user", content: PROMPT },
			{ role: "assistant", content: responseContent("research-web.json") },
			{ role: "user", content: expect.stringContaining(`Call ${RECORD_TOOL_NAME} now`) },
		]);

		expect(result.model).toBe("claude-sonnet-5-5");
		expect(result.rawOutput).toBe(JSON.stringify(recordedInput("record-findings.json")));
		expect(result.usage).toEqual({
			inputTokens: 3120 + 9415,
			outputTokens: 742 + 655,
			cacheReadTokens: 2048,
			cacheWriteTokens: 2048,
			searchCalls: 1,
			fetchCalls: 1,
		});
		expect(result.callLatenciesMs).toHaveLength(2);
		for (const latency of result.callLatenciesMs) expect(latency).toBeGreaterThanOrEqual(0);
		expect(result.retrieved).toEqual([
			{ url: NREL, title: "Field Validation of Cold-Climate Heat Pumps in Northern U.S. Homes" },
			{ url: DOE, title: "Cold-Climate Air-Source Heat Pumps | Department of Energy" },
			{ url: IEA, title: "The Future of Heat Pumps – Analysis - IEA" },
		]);

		const [emptyQuote, fetchedQuote, paraphrase, uncited, attached, unretrieved] = result.output.findings;
		expect(emptyQuote?.citations).toEqual([{ sourceId: null, url: NREL, quote: NREL_CITED }]);
		expect(fetchedQuote?.citations[0]?.quote).toBe("Defrost cycles reduced seasonal efficiency by about 8%.");
		expect(paraphrase?.citations).toEqual([{ sourceId: null, url: NREL, quote: NREL_CITED }]);
		expect(uncited?.citations).toEqual([{ sourceId: null, url: DOE, quote: DOE_CITED }]);
		expect(attached?.citations).toEqual([
			{
				sourceId: "S1",
				url: null,
				quote: "reached a seasonal COP of 2.8 at an average outdoor temperature of -7 °C",
			},
		]);
		expect(unretrieved?.citations[0]?.url).toBe("https://example.org/heat-pump-myths");
		expect(result.retrieved.map((ref) => ref.url)).not.toContain("https://example.org/heat-pump-myths");
		expect(AgentOutputSchema.safeParse(result.output).success).toBe(true);
	});

	it("streams a long turn and takes the hand-in from the research response", async () => {
		const api = fakeApi(eventStream("stream-research-handin.txt"));
		const result = await providerFor(api).runTurn(
			turnWith({ model: "claude-opus-5-5", maxOutputTokens: 32_000 }),
		);

		expect(api.requests).toHaveLength(1);
		expect(api.requests[0]?.body).toMatchObject({
			model: "claude-opus-5-5",
			max_tokens: 32_000,
			stream: true,
		});
		expect(api.requests[0]?.headers.get("accept")).toContain("application/json");
		expect(result.model).toBe("claude-opus-5-5");
		expect(result.usage).toEqual({
			inputTokens: 2210,
			outputTokens: 1204,
			cacheReadTokens: 1984,
			cacheWriteTokens: 0,
			searchCalls: 1,
			fetchCalls: 0,
		});
		expect(result.retrieved).toEqual([
			{ url: IEA, title: "The Future of Heat Pumps – Analysis - IEA" },
			{ url: EHPA, title: "Market data - European Heat Pump Association" },
		]);
		expect(result.output.narrative).toContain("double-digit growth");
		expect(result.output.findings[0]?.citations).toEqual([
			{ sourceId: null, url: IEA, quote: "Global sales of heat pumps grew by 11% in 2022" },
		]);
		expect(result.output.findings[1]?.citations).toEqual([{ sourceId: null, url: IEA, quote: IEA_CITED }]);
	});

	it("streams every call of a followed turn into the same result, reporting phases, searches and tokens", async () => {
		const plain = await providerFor(
			fakeApi(exchange("research-web.json"), exchange("record-findings.json")),
		).runTurn(turnWith());
		const api = fakeApi(eventStream("stream-research-web.txt"), eventStream("stream-record-findings.txt"));
		const updates: TurnProgress[] = [];
		const streamed = await providerFor(api).runTurn(
			turnWith({ onProgress: (update) => updates.push(update) }),
		);

		expect(api.requests.map((request) => request.body.stream)).toEqual([true, true]);
		// The research content goes back as it came; a streamed text block only lacks `citations: null`.
		const withoutNullCitations = (value: unknown) =>
			JSON.parse(
				JSON.stringify(value, (key, field) => (key === "citations" && field === null ? undefined : field)),
			);
		expect(api.requests[1]?.body.messages).toEqual(
			withoutNullCitations(
				(await requestsOf(exchange("research-web.json"), exchange("record-findings.json")))[1]?.body.messages,
			),
		);
		expect({ ...streamed, callLatenciesMs: [] }).toEqual({ ...plain, callLatenciesMs: [] });
		expect(streamed.callLatenciesMs).toHaveLength(2);

		expect(updates.flatMap((update) => (update.phase ? [update.phase] : []))).toEqual([
			"researching",
			"writing the findings",
		]);
		const tokens = updates.map((update) => update.outputTokens ?? 0);
		expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
		expect(new Set(tokens).size).toBeGreaterThan(10);
		expect(updates.at(-1)).toEqual({
			outputTokens: streamed.usage.outputTokens,
			inputTokens: 3120 + 2048 + 9415 + 2048,
			searches: 2,
		});
		expect(streamed.usage.outputTokens).toBe(742 + 655);
		// The web search, then the fetch, each counted as it began.
		expect(updates.map((update) => update.searches)).toContain(1);
	});

	it("continues a paused research call with the same tools while search budget is left", async () => {
		const api = fakeApi(
			exchange("research-pause.json"),
			exchange("research-web.json"),
			exchange("record-findings.json"),
		);
		const result = await providerFor(api).runTurn(turnWith());

		expect(api.requests).toHaveLength(3);
		const [first, continuation] = api.requests;
		expect(continuation?.body.tools).toEqual(first?.body.tools);
		expect(continuation?.body.tool_choice).toEqual({ type: "auto" });
		expect(continuation?.body.messages).toEqual([
			{ role: "user", content: PROMPT },
			{ role: "assistant", content: responseContent("research-pause.json") },
		]);
		expect(result.usage.searchCalls).toBe(2);
		expect(result.callLatenciesMs).toHaveLength(3);
	});

	it("stops researching once a pause finds the search budget spent", async () => {
		const api = fakeApi(exchange("research-pause.json"), exchange("record-findings.json"));
		const result = await providerFor(api).runTurn(turnWith({ search: { enabled: true, maxUses: 1 } }));

		expect(api.requests).toHaveLength(2);
		expect(api.requests[0]?.body.tools).toEqual([
			{ type: "web_search_20250305", name: "web_search", max_uses: 1 },
			{ name: RECORD_TOOL_NAME, description: expect.any(String), input_schema: RECORD_INPUT_SCHEMA },
		]);
		const messages = api.requests[1]?.body.messages as { role: string; content: unknown }[];
		expect(messages.at(-1)).toEqual({ role: "user", content: expect.stringContaining(RECORD_TOOL_NAME) });
		expect(result.usage.searchCalls).toBe(1);
	});

	it("forces record_findings where the model allows it and repairs an invalid hand-in once", async () => {
		const api = fakeApi(exchange("record-invalid.json"), exchange("record-repaired.json"));
		const result = await providerFor(api).runTurn(
			turnWith({ model: "claude-haiku-4-5-20251001", search: { enabled: false, maxUses: 5 } }),
		);

		expect(api.requests).toHaveLength(2);
		const [record, repair] = api.requests;
		expect(record?.body.tools).toEqual([
			{ name: RECORD_TOOL_NAME, description: expect.any(String), input_schema: RECORD_INPUT_SCHEMA },
		]);
		expect(record?.body.tool_choice).toEqual({ type: "tool", name: RECORD_TOOL_NAME });
		expect(record?.body.messages).toEqual([
			{ role: "user", content: PROMPT },
			{ role: "user", content: expect.stringContaining(RECORD_TOOL_NAME) },
		]);
		expect(repair?.body.tool_choice).toEqual({ type: "tool", name: RECORD_TOOL_NAME });
		const messages = repair?.body.messages as { role: string; content: unknown }[];
		expect(messages).toHaveLength(4);
		expect(messages[2]).toEqual({ role: "assistant", content: responseContent("record-invalid.json") });
		expect(messages[3]).toEqual({
			role: "user",
			content: [
				{
					type: "tool_result",
					tool_use_id: "toolu_01VbXq3Fz8Lm2Rk6Tn9Wc4Yd",
					is_error: true,
					content: expect.stringMatching(/confidence[\s\S]*narrative|narrative[\s\S]*confidence/),
				},
			],
		});
		expect(result.output).toEqual(recordedInput("record-repaired.json"));
		expect(result.rawOutput).toBe(JSON.stringify(recordedInput("record-repaired.json")));
		expect(result.retrieved).toEqual([]);
		expect(result.usage).toMatchObject({ inputTokens: 1810 + 2034, outputTokens: 92 + 118, searchCalls: 0 });
	});

	it("fails with malformed_output and the last raw hand-in when the repair is invalid too", async () => {
		const api = fakeApi(exchange("record-text-answer.json"), exchange("record-invalid.json"));
		const error = await failure(
			providerFor(api).runTurn(turnWith({ search: { enabled: false, maxUses: 0 } })),
		);

		expect(error.kind).toBe("malformed_output");
		expect(error.retryable).toBe(false);
		expect(error.options.rawOutput).toBe(JSON.stringify(recordedInput("record-invalid.json")));
		expect(api.requests).toHaveLength(2);
		// Both answers were billed, though neither was usable: the error carries their usage.
		expect(error.options.billed?.usage).toEqual({
			inputTokens: 1795 + 1810,
			outputTokens: 61 + 92,
			cacheReadTokens: 0,
			cacheWriteTokens: 0,
			searchCalls: 0,
			fetchCalls: 0,
		});
		expect(error.options.billed?.callLatenciesMs).toHaveLength(2);
		const messages = api.requests[1]?.body.messages as { role: string; content: unknown }[];
		expect(messages.at(-2)).toEqual({
			role: "assistant",
			content: responseContent("record-text-answer.json"),
		});
		expect(messages.at(-1)).toEqual({
			role: "user",
			content: expect.stringContaining(`did not call ${RECORD_TOOL_NAME}`),
		});
	});

	it("reports a refusal as a request that will not succeed", async () => {
		const api = fakeApi(exchange("record-refusal.json"));
		const error = await failure(
			providerFor(api).runTurn(
				turnWith({ model: "claude-fable-5-2", search: { enabled: false, maxUses: 0 } }),
			),
		);
		expect(error.kind).toBe("invalid_request");
		expect(error.message).toContain("cyber");
		expect(api.requests).toHaveLength(1);
		expect(error.options.billed?.usage).toMatchObject({ inputTokens: 1480, outputTokens: 0 });
	});

	it("omits the system prompt when the instructions are empty and honours a custom base URL", async () => {
		const api = fakeApi(exchange("record-repaired.json"));
		const provider = createAnthropicProvider({
			apiKey: API_KEY,
			baseURL: "https://gateway.ai.cloudflare.com/v1/acct/research/anthropic",
			fetch: api.fetch,
		});
		await provider.runTurn(turnWith({ instructions: " ", search: { enabled: false, maxUses: 0 } }));
		expect(api.requests[0]?.url).toBe(
			"https://gateway.ai.cloudflare.com/v1/acct/research/anthropic/v1/messages",
		);
		expect(api.requests[0]?.body).not.toHaveProperty("system");
	});
});

describe("createAnthropicProvider: failures", () => {
	it("waits out a 429's retry-after, then succeeds", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const api = fakeApi(exchange("error-429-rate-limit.json"), exchange("record-repaired.json"));
		const pending = providerFor(api).runTurn(turnWith({ search: { enabled: false, maxUses: 0 } }));

		await vi.advanceTimersByTimeAsync(990);
		expect(api.requests).toHaveLength(1);
		const outcome = await settleWithFakeTimers(pending);
		expect(outcome.error).toBeUndefined();
		expect(api.requests).toHaveLength(2);
		expect(outcome.value?.output).toEqual(recordedInput("record-repaired.json"));
	});

	it("does not wait for a retry-after that outlasts the turn: rate_limited with the wait", async () => {
		const api = fakeApi(exchange("error-429-rate-limit-long.json"));
		const error = await failure(
			providerFor(api).runTurn(turnWith({ timeoutMs: 10_000, search: { enabled: false, maxUses: 0 } })),
		);
		expect(error.kind).toBe("rate_limited");
		expect(error.options).toMatchObject({ status: 429, retryAfterMs: 45_000 });
		expect(error.retryable).toBe(true);
		expect(api.requests).toHaveLength(1);
	});

	it.each([
		["error-529-overloaded.json", "overloaded", 529],
		["error-503-unavailable.json", "overloaded", 503],
		["error-500-api-error.json", "server", 500],
	] as const)("retries %s twice, then fails as %s", async (fixture, kind, status) => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const api = fakeApi(exchange(fixture), exchange(fixture), exchange(fixture));
		const outcome = await settleWithFakeTimers(
			providerFor(api).runTurn(turnWith({ search: { enabled: false, maxUses: 0 } })),
		);
		expect(outcome.error).toBeInstanceOf(ProviderError);
		const error = outcome.error as ProviderError;
		expect(error.kind).toBe(kind);
		expect(error.options.status).toBe(status);
		expect(error.countsAsOutage).toBe(true);
		expect(api.requests).toHaveLength(3);
	});

	it("fails a 429 that outlasts the retries as rate-limited, carrying the usage of the call answered before it", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const limited = exchange("error-429-rate-limit.json");
		const api = fakeApi(exchange("research-web.json"), limited, limited, limited);
		const outcome = await settleWithFakeTimers(providerFor(api).runTurn(turnWith()));
		const error = outcome.error as ProviderError;
		expect(error.kind).toBe("rate_limited");
		expect(error.outageCause).toBe("rate_limited");
		// The research call, then the record call's 1 + SDK_MAX_RETRIES tries.
		expect(api.requests).toHaveLength(2 + SDK_MAX_RETRIES);
		const { usage } = recorded("research-web.json").body as { usage: Record<string, number> };
		expect(error.options.billed?.usage).toMatchObject({
			inputTokens: usage.input_tokens,
			outputTokens: usage.output_tokens,
			cacheWriteTokens: usage.cache_creation_input_tokens,
		});
		expect(error.options.billed?.callLatenciesMs).toHaveLength(1);
	});

	it("classifies an overloaded_error inside a stream as overloaded", async () => {
		const api = fakeApi(eventStream("stream-overloaded.txt"));
		const error = await failure(
			providerFor(api).runTurn(turnWith({ model: "claude-opus-5-5", maxOutputTokens: 32_000 })),
		);
		expect(error.kind).toBe("overloaded");
		expect(error.options.status).toBeUndefined();
		expect(api.requests).toHaveLength(1);
	});

	it.each([
		["error-401-authentication.json", "auth"],
		["error-429-spend-limit.json", "spend_limit"],
		["error-400-credit-balance.json", "spend_limit"],
		["error-402-billing.json", "spend_limit"],
		["error-400-invalid-request.json", "invalid_request"],
	] as const)("does not retry %s (%s)", async (fixture, kind) => {
		const api = fakeApi(exchange(fixture), exchange(fixture), exchange(fixture));
		const error = await failure(
			providerFor(api).runTurn(turnWith({ search: { enabled: false, maxUses: 0 } })),
		);
		expect(error.kind).toBe(kind);
		expect(error.retryable).toBe(false);
		expect(error.options.status).toBe(recorded(fixture).status);
		expect(error.message).toContain(recorded(fixture).headers["request-id"]);
		expect(api.requests).toHaveLength(1);
	});

	it("times out within the turn's budget when the API never answers", async () => {
		const api = fakeApi(hang, hang, hang);
		const started = performance.now();
		const error = await failure(providerFor(api).runTurn(turnWith({ timeoutMs: 90 })));
		expect(error.kind).toBe("timeout");
		expect(error.message).toContain("90 ms");
		expect(error.retryable).toBe(true);
		expect(performance.now() - started).toBeLessThan(1000);
	});

	it("stops when the caller aborts the turn", async () => {
		const caller = new AbortController();
		const api = fakeApi((init) => {
			caller.abort();
			return hang(init);
		});
		const error = await failure(providerFor(api).runTurn(turnWith({ signal: caller.signal })));
		expect(error.kind).toBe("timeout");
		expect(error.message).toContain("cancelled");
		expect(api.requests).toHaveLength(1);
	});

	it("classifies a failed connection as network after the SDK's retries", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const refused: Reply = () => {
			throw new TypeError("fetch failed");
		};
		const api = fakeApi(refused, refused, refused);
		const outcome = await settleWithFakeTimers(providerFor(api).runTurn(turnWith()));
		expect((outcome.error as ProviderError).kind).toBe("network");
		expect(api.requests).toHaveLength(3);
	});

	it("never puts the API key in an error, even when a proxy echoes it", async () => {
		const echo: Reply = () =>
			new Response(
				JSON.stringify({
					type: "error",
					error: {
						type: "authentication_error",
						message: `key ${API_KEY} is not allowed through this gateway`,
					},
				}),
				{ status: 403, headers: { "content-type": "application/json", "x-api-key": API_KEY } },
			);
		const fixtures = [
			"error-401-authentication.json",
			"error-429-spend-limit.json",
			"error-400-invalid-request.json",
		];
		const errors = [await failure(providerFor(fakeApi(echo)).runTurn(turnWith()))];
		for (const fixture of fixtures) {
			const api = fakeApi(exchange(fixture));
			errors.push(await failure(providerFor(api).runTurn(turnWith())));
			expect(api.requests[0]?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
		}
		expect(errors[0]?.kind).toBe("auth");
		expect(errors[0]?.message).toContain("[redacted]");
		for (const error of errors) {
			const views = [
				error.message,
				String(error),
				JSON.stringify(error),
				inspect(error, { depth: 6 }),
				error.stack,
			];
			for (const view of views) expect(view ?? "").not.toContain(API_KEY);
		}
	});
});

describe("request rules", () => {
	it("splits the search budget: searches get the larger half, the parts add up", () => {
		fc.assert(
			fc.property(fc.integer({ min: 0, max: 1000 }), (maxUses) => {
				const { searches, fetches } = splitSearchBudget(maxUses);
				expect(searches + fetches).toBe(maxUses);
				expect(searches - fetches).toBeGreaterThanOrEqual(0);
				expect(searches - fetches).toBeLessThanOrEqual(1);
			}),
		);
		expect(splitSearchBudget(1)).toEqual({ searches: 1, fetches: 0 });
		expect(splitSearchBudget(-3)).toEqual({ searches: 0, fetches: 0 });
	});

	it("forces the tool choice only on Claude 4.6 and earlier", () => {
		for (const model of [
			"claude-haiku-4-5",
			"claude-haiku-4-5-20251001",
			"claude-sonnet-4-6",
			"claude-opus-4-5-20251101",
		]) {
			expect(acceptsForcedToolChoice(model)).toBe(true);
		}
		for (const model of [
			"claude-sonnet-5-5",
			"claude-opus-5-5",
			"claude-fable-5-2",
			"claude-opus-4-7",
			"claude-opus-4-8",
		]) {
			expect(acceptsForcedToolChoice(model)).toBe(false);
		}
	});
});

describe("anthropic-output", () => {
	const URL_VARIANTS = [
		NREL,
		`${NREL}#page=3`,
		"HTTPS://WWW.NREL.GOV/docs/fy25osti/cold-climate-heat-pump-field-validation.pdf",
		DOE,
		`${DOE}/`,
		IEA,
	];
	const searchBlock = (results: { url: string; title: string }[]): ContentBlock => ({
		type: "web_search_tool_result",
		tool_use_id: "srvtoolu_01",
		caller: { type: "direct" },
		content: results.map((result) => ({
			type: "web_search_result",
			encrypted_content: "Eo",
			page_age: null,
			...result,
		})),
	});

	it("lists each retrieved page once and only pages the API returned", () => {
		fc.assert(
			fc.property(
				fc.array(
					fc.record({
						url: fc.constantFrom(...URL_VARIANTS, "ftp://files.example.org/x"),
						title: fc.string(),
					}),
					{
						maxLength: 12,
					},
				),
				(results) => {
					const { retrieved } = collectEvidence([searchBlock(results)]);
					const given = new Set(results.map((result) => result.url));
					for (const ref of retrieved) expect(given.has(ref.url)).toBe(true);
					const canonical = retrieved.map((ref) =>
						new URL(ref.url).href.replace(/#.*$/, "").replace(/\/$/, ""),
					);
					expect(new Set(canonical).size).toBe(retrieved.length);
					expect(retrieved.some((ref) => ref.url.startsWith("ftp:"))).toBe(false);
				},
			),
		);
	});

	it("maps a fetched page's citation by document index only when the titles agree", () => {
		const fetched: ContentBlock = {
			type: "web_fetch_tool_result",
			tool_use_id: "srvtoolu_02",
			caller: { type: "direct" },
			content: {
				type: "web_fetch_result",
				url: DOE,
				retrieved_at: null,
				content: {
					type: "document",
					title: "DOE page",
					citations: { enabled: true },
					source: { type: "text", media_type: "text/plain", data: DOE_CITED },
				},
			},
		};
		const cite = (title: string | null, index: number): ContentBlock => ({
			type: "text",
			text: "statement",
			citations: [
				{
					type: "char_location",
					cited_text: DOE_CITED,
					document_index: index,
					document_title: title,
					start_char_index: 0,
					end_char_index: DOE_CITED.length,
					file_id: null,
				},
			],
		});
		expect(collectEvidence([fetched, cite("DOE page", 0)]).citations).toHaveLength(1);
		expect(collectEvidence([fetched, cite(null, 0)]).citations[0]?.url).toBe(DOE);
		expect(collectEvidence([fetched, cite("Another page", 0)]).citations).toEqual([]);
		expect(collectEvidence([fetched, cite("DOE page", 1)]).citations).toEqual([]);
	});

	it("only ever keeps the model's quote or puts in a quote the API cited for the same URL", () => {
		const natives: NativeCitation[] = [
			{ url: NREL, title: null, citedText: NREL_CITED, statement: "COP above 2.0 at -15 °C" },
			{ url: DOE, title: null, citedText: DOE_CITED, statement: "full heating load on 95% of winter hours" },
		];
		const evidence: ResearchEvidence = { retrieved: [], citations: natives, fetchedText: new Map() };
		const citation = fc.record({
			sourceId: fc.constantFrom(null, "S1"),
			url: fc.constantFrom(null, NREL, DOE, IEA),
			quote: fc.oneof(fc.constant(""), fc.string({ maxLength: 40 }), fc.constantFrom(NREL_CITED, DOE_CITED)),
		});
		const finding = fc.record({
			title: fc.string({ maxLength: 20 }),
			claim: fc.oneof(
				fc.string({ maxLength: 60 }),
				fc.constant("heat pumps met the full heating load on 95% of winter hours"),
			),
			confidence: fc.double({ min: 0, max: 1, noNaN: true }),
			citations: fc.array(citation, { maxLength: 4 }),
		});
		fc.assert(
			fc.property(
				fc.array(finding, { maxLength: 6 }),
				fc.string({ maxLength: 30 }),
				(findings, narrative) => {
					const output: AgentOutput = { findings, narrative };
					const grounded = applyNativeCitations(output, evidence);
					expect(AgentOutputSchema.safeParse(grounded).success).toBe(true);
					expect(grounded.narrative).toBe(narrative);
					grounded.findings.forEach((after, index) => {
						const before = findings[index];
						expect(after.claim).toBe(before?.claim);
						if (before?.citations.length === 0) {
							for (const added of after.citations) {
								expect(
									natives.some((native) => native.url === added.url && native.citedText === added.quote),
								).toBe(true);
							}
							return;
						}
						after.citations.forEach((cited, position) => {
							const original = before?.citations[position];
							expect(cited.url).toBe(original?.url);
							expect(cited.sourceId).toBe(original?.sourceId);
							const fromApi = natives.some(
								(native) => native.url === cited.url && native.citedText === cited.quote,
							);
							expect(cited.quote === original?.quote || fromApi).toBe(true);
						});
					});
				},
			),
		);
	});

	it("reads the last record_findings call, or a JSON answer in a code fence", () => {
		const call = (id: string, input: unknown): ContentBlock => ({
			type: "tool_use",
			id,
			name: RECORD_TOOL_NAME,
			input,
			caller: { type: "direct" },
		});
		expect(findRecordedOutput([call("toolu_a", { n: 1 }), call("toolu_b", { n: 2 })])).toEqual({
			kind: "tool",
			toolUseId: "toolu_b",
			input: { n: 2 },
			raw: '{"n":2}',
		});
		const fenced = '```json\n{"findings":[],"narrative":"none"}\n```';
		expect(findRecordedOutput([{ type: "text", text: fenced, citations: null }])).toEqual({
			kind: "text",
			input: { findings: [], narrative: "none" },
			raw: fenced,
		});
		expect(
			findRecordedOutput([{ type: "text", text: "No findings.", citations: null }]).input,
		).toBeUndefined();
	});

	it("adds usage, counting absent cache and server-tool fields as zero", () => {
		const usage: Usage = {
			cache_creation: null,
			cache_creation_input_tokens: null,
			cache_read_input_tokens: 40,
			inference_geo: null,
			input_tokens: 100,
			output_tokens: 20,
			output_tokens_details: null,
			server_tool_use: null,
			service_tier: "standard",
			speed: null,
		};
		expect(addUsage(addUsage(ZERO_TOKEN_USAGE, usage), usage)).toEqual({
			inputTokens: 200,
			outputTokens: 40,
			cacheReadTokens: 80,
			cacheWriteTokens: 0,
			searchCalls: 0,
			fetchCalls: 0,
		});
	});
});

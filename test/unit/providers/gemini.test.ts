import { readFileSync } from "node:fs";
import { GenerateContentResponse } from "@google/genai";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
	classifyGeminiFailure,
	createGeminiProvider,
	GEMINI_MODELS,
	GEMINI_RETRY,
	geminiResponseSchema,
	geminiUsage,
	groundsStructuredOutput,
	parseAgentOutput,
	retryDelayMs,
} from "../../../src/providers/gemini";
import {
	applyGrounding,
	GROUNDED_TITLE_CHARS,
	type GroundedStatement,
	groundedStatements,
	groundingSources,
	searchQueryCount,
	titleFromStatement,
	UNSCORED_GROUNDING_CONFIDENCE,
} from "../../../src/providers/gemini-grounding";
import { mergeStreamedResponse } from "../../../src/providers/gemini-stream";
import {
	type AgentOutput,
	AgentOutputSchema,
	type AgentTurn,
	ProviderError,
	type ProviderErrorKind,
	type TurnProgress,
} from "../../../src/providers/types";
import { testConfig, testContext } from "../../fixtures/agent-context";
import apiKeyInvalidRaw from "../../fixtures/providers/gemini/error-400-api-key-invalid.json?raw";
import toolWithJsonRaw from "../../fixtures/providers/gemini/error-400-tool-with-json.json?raw";
import permissionDeniedRaw from "../../fixtures/providers/gemini/error-403-permission-denied.json?raw";
import modelNotFoundRaw from "../../fixtures/providers/gemini/error-404-model-not-found.json?raw";
import creditsDepletedRaw from "../../fixtures/providers/gemini/error-429-credits-depleted.json?raw";
import dailyQuotaRaw from "../../fixtures/providers/gemini/error-429-daily-quota.json?raw";
import perMinuteRaw from "../../fixtures/providers/gemini/error-429-per-minute.json?raw";
import internalRaw from "../../fixtures/providers/gemini/error-500-internal.json?raw";
import overloadedRaw from "../../fixtures/providers/gemini/error-503-overloaded.json?raw";
import groundedStructuredRaw from "../../fixtures/providers/gemini/grounded-structured.json?raw";
import malformedRaw from "../../fixtures/providers/gemini/malformed-truncated.json?raw";
import promptBlockedRaw from "../../fixtures/providers/gemini/prompt-blocked.json?raw";
import researchAnswerRaw from "../../fixtures/providers/gemini/research-answer.json?raw";
import schemaMismatchRaw from "../../fixtures/providers/gemini/schema-mismatch.json?raw";
import restatementRaw from "../../fixtures/providers/gemini/structured-restatement.json?raw";
import { refusalOf } from "../../fixtures/providers/replay.mjs";

/** A recorded HTTP response: status, headers and the JSON body exactly as the API sent it. */
type Recorded = { status: number; headers: Record<string, string>; body: unknown };
/** The parts of a recorded success body the assertions read. */
type RecordedBody = {
	candidates: {
		content: { parts: { text: string }[] };
		groundingMetadata: {
			groundingChunks: { web: { uri: string; title: string } }[];
			groundingSupports: { segment: { text: string } }[];
		};
	}[];
};
/** What the SDK sent, as the fake endpoint saw it. */
type SentRequest = { url: string; headers: Headers; body: SentBody };
type SentPart = { text?: string; thoughtSignature?: string };
type SentBody = {
	contents: { role: string; parts: SentPart[] }[];
	systemInstruction?: { parts: SentPart[] };
	tools?: unknown[];
	generationConfig?: { maxOutputTokens?: number; responseMimeType?: string; responseJsonSchema?: unknown };
};
/** A scripted reply: a recorded response, or a function standing in for the network. */
type Reply = Recorded | ((init: RequestInit | undefined) => Promise<Response>);

const recorded = (raw: string): Recorded => JSON.parse(raw) as Recorded;
const GROUNDED = recorded(groundedStructuredRaw);
const RESEARCH = recorded(researchAnswerRaw);
const RESTATEMENT = recorded(restatementRaw);
const MALFORMED = recorded(malformedRaw);
const SCHEMA_MISMATCH = recorded(schemaMismatchRaw);
const PROMPT_BLOCKED = recorded(promptBlockedRaw);
const PER_MINUTE = recorded(perMinuteRaw);
const DAILY_QUOTA = recorded(dailyQuotaRaw);
const CREDITS_DEPLETED = recorded(creditsDepletedRaw);
const OVERLOADED = recorded(overloadedRaw);
const INTERNAL = recorded(internalRaw);
const KEY_INVALID = recorded(apiKeyInvalidRaw);
const PERMISSION_DENIED = recorded(permissionDeniedRaw);
const MODEL_NOT_FOUND = recorded(modelNotFoundRaw);
const TOOL_WITH_JSON = recorded(toolWithJsonRaw);

const bodyOf = (response: Recorded) => response.body as RecordedBody;
const textOf = (response: Recorded) => bodyOf(response).candidates[0]?.content.parts[0]?.text ?? "";
const CHUNK_URLS =
	bodyOf(GROUNDED).candidates[0]?.groundingMetadata.groundingChunks.map((chunk) => chunk.web.uri) ?? [];
const [URL_NREL = "", URL_IEA = "", URL_ENERGY = ""] = CHUNK_URLS;
const RESEARCH_SENTENCES =
	bodyOf(RESEARCH).candidates[0]?.groundingMetadata.groundingSupports.map(
		(support) => support.segment.text,
	) ?? [];
const [SENTENCE_TRIALS = "", SENTENCE_COP = "", SENTENCE_NORDIC = ""] = RESEARCH_SENTENCES;

const API_KEY = "AIzaSyD3-test-Kq8mV2xLr7pN4wZ0cT6bJ9hF1sG5";

const CONFIG = testConfig({ provider: "gemini", model: "gemini-3.8-flash" });

function turnFor(overrides: Partial<AgentTurn> = {}): AgentTurn {
	return {
		model: "gemini-3.8-flash",
		role: "explorer",
		instructions: "You are the explorer of a research swarm. Report findings with citations.",
		prompt: "Task: How do heat pumps perform in cold climates?",
		input: {
			...testContext({ config: CONFIG, provider: "gemini", model: "gemini-3.8-flash" }),
			documents: [],
		},
		search: { enabled: true, maxUses: 5 },
		tools: null,
		maxOutputTokens: 8192,
		timeoutMs: 60_000,
		signal: new AbortController().signal,
		...overrides,
	};
}

/** A fake Gemini endpoint answering with `replies` in order and keeping every request it got. */
function fakeGemini(replies: Reply[]) {
	const sent: SentRequest[] = [];
	const fetchFn: typeof fetch = async (input, init) => {
		sent.push({
			url: String(input),
			headers: new Headers(init?.headers),
			body: JSON.parse(String(init?.body)) as SentBody,
		});
		const reply = replies[sent.length - 1];
		if (reply === undefined) throw new Error(`unexpected request #${sent.length}`);
		const refusal = refusalOf({
			method: init?.method ?? "GET",
			url: String(input),
			headers: new Headers(init?.headers),
			body: JSON.parse(String(init?.body)),
		});
		if (refusal) return refusal;
		if (typeof reply === "function") return reply(init);
		return new Response(JSON.stringify(reply.body), { status: reply.status, headers: reply.headers });
	};
	return { provider: createGeminiProvider({ apiKey: API_KEY, fetch: fetchFn }), sent };
}

function readFixture(name: string): string {
	return readFileSync(new URL(`../../fixtures/providers/gemini/${name}`, import.meta.url), "utf8");
}

/** A recorded `streamGenerateContent?alt=sse` stream, replayed byte for byte. */
function eventStream(name: string): Reply {
	const text = readFixture(name);
	return async () => new Response(text, { status: 200, headers: { "content-type": "text/event-stream" } });
}

/** The request bodies a plain (unfollowed) turn sends with `replies`. */
async function requestBodies(replies: Reply[]): Promise<SentBody[]> {
	const api = fakeGemini(replies);
	await api.provider.runTurn(turnFor());
	return api.sent.map((request) => request.body);
}

/** A network that never answers, failing only when the request's signal aborts. */
function silentNetwork(init: RequestInit | undefined): Promise<Response> {
	return new Promise((_resolve, reject) => {
		init?.signal?.addEventListener("abort", () =>
			reject(new DOMException("The operation was aborted.", "AbortError")),
		);
	});
}

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
	const error = await promise.then(
		() => null,
		(thrown: unknown) => thrown,
	);
	if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
	return error;
}

function sentAt(sent: SentRequest[], index: number): SentRequest {
	const request = sent[index];
	if (!request) throw new Error(`no request #${index + 1}`);
	return request;
}

function schemaKeywords(value: unknown): string[] {
	if (Array.isArray(value)) return value.flatMap(schemaKeywords);
	if (typeof value !== "object" || value === null) return [];
	return Object.entries(value).flatMap(([key, sub]) =>
		key === "properties" && typeof sub === "object" && sub !== null
			? Object.values(sub).flatMap(schemaKeywords)
			: [key, ...schemaKeywords(sub)],
	);
}

afterEach(() => {
	vi.useRealTimers();
});

describe("Gemini turns", () => {
	it("grounds and structures in one call on Gemini 3, mapping supports to citations", async () => {
		const { provider, sent } = fakeGemini([GROUNDED]);
		const turn = turnFor();
		const result = await provider.runTurn(turn);

		expect(sent).toHaveLength(1);
		const request = sentAt(sent, 0);
		expect(request.url).toMatch(/\/models\/gemini-3\.8-flash:generateContent$/);
		expect(request.url).not.toContain(API_KEY);
		expect(request.headers.get("x-goog-api-key")).toBe(API_KEY);
		expect(request.headers.get("x-server-timeout")).toBe(
			String(turn.timeoutMs / GEMINI_RETRY.attempts / 1000),
		);
		expect(request.body.systemInstruction?.parts[0]?.text).toBe(turn.instructions);
		expect(request.body.contents).toEqual([{ role: "user", parts: [{ text: turn.prompt }] }]);
		expect(request.body.tools).toEqual([{ googleSearch: {} }]);
		expect(request.body.generationConfig?.maxOutputTokens).toBe(8192);
		expect(request.body.generationConfig?.responseMimeType).toBe("application/json");
		const schema = request.body.generationConfig?.responseJsonSchema;
		expect(schema).toMatchObject({ type: "object", required: ["findings", "narrative"] });
		expect(schemaKeywords(schema)).not.toContain("$schema");
		expect(schemaKeywords(schema)).not.toContain("maxLength");

		const [trials, cop] = result.output.findings;
		expect(result.output.findings).toHaveLength(2);
		expect(trials?.confidence).toBe(0.8);
		expect(trials?.citations).toEqual([
			{ sourceId: null, url: URL_NREL, quote: trials?.claim },
			{ sourceId: null, url: URL_IEA, quote: trials?.claim },
		]);
		expect(cop?.citations).toEqual([{ sourceId: null, url: URL_ENERGY, quote: cop?.claim }]);
		expect(result.retrieved).toEqual([
			{ url: URL_NREL, title: "nrel.gov" },
			{ url: URL_IEA, title: "iea.org" },
			{ url: URL_ENERGY, title: "energy.gov" },
		]);
		expect(result.usage).toEqual({
			inputTokens: 1843 - 1024 + 2210,
			outputTokens: 312 + 655,
			cacheReadTokens: 1024,
			cacheWriteTokens: 0,
			searchCalls: 2,
			fetchCalls: 0,
		});
		expect(result.callLatenciesMs).toHaveLength(1);
		expect(result.model).toBe("gemini-3.8-flash");
		expect(result.rawOutput).toBe(textOf(GROUNDED));
		expect(AgentOutputSchema.safeParse(result.output).success).toBe(true);
	});

	it("researches with Google Search, then structures without tools, on models before Gemini 3", async () => {
		const { provider, sent } = fakeGemini([RESEARCH, RESTATEMENT]);
		const turn = turnFor({ model: "gemini-2.5-flash" });
		const result = await provider.runTurn(turn);

		expect(sent).toHaveLength(2);
		const research = sentAt(sent, 0);
		expect(research.url).toMatch(/\/models\/gemini-2\.5-flash:generateContent$/);
		expect(research.body.tools).toEqual([{ googleSearch: {} }]);
		expect(research.body.generationConfig?.responseMimeType).toBeUndefined();
		expect(research.body.generationConfig?.responseJsonSchema).toBeUndefined();
		expect(research.body.systemInstruction?.parts[0]?.text).toBe(turn.instructions);

		const structuring = sentAt(sent, 1);
		expect(structuring.body.tools).toBeUndefined();
		expect(structuring.body.generationConfig?.responseMimeType).toBe("application/json");
		const [ask, answer, request] = structuring.body.contents;
		expect(ask).toEqual({ role: "user", parts: [{ text: turn.prompt }] });
		expect(answer).toEqual({ role: "model", parts: [{ text: textOf(RESEARCH) }] });
		expect(request?.role).toBe("user");
		for (const url of CHUNK_URLS) expect(request?.parts[0]?.text).toContain(url);

		const [trials, cop, nordic] = result.output.findings;
		expect(result.output.findings).toHaveLength(3);
		expect(trials?.citations.map((citation) => citation.url)).toEqual([URL_NREL, URL_IEA]);
		expect(trials?.citations[1]?.quote).toBe(SENTENCE_TRIALS);
		expect(trials?.confidence).toBe(0.85);
		expect(cop?.citations).toEqual([{ sourceId: null, url: URL_IEA, quote: SENTENCE_COP }]);
		expect(nordic).toEqual({
			title: SENTENCE_NORDIC,
			claim: SENTENCE_NORDIC,
			confidence: UNSCORED_GROUNDING_CONFIDENCE,
			citations: [{ sourceId: null, url: URL_ENERGY, quote: SENTENCE_NORDIC }],
		});
		expect(result.retrieved.map((ref) => ref.url)).toEqual(CHUNK_URLS);
		expect(result.usage).toEqual({
			inputTokens: 1520 + 1980 + 2300,
			outputTokens: 180 + 410 + 260 + 120,
			cacheReadTokens: 0,
			cacheWriteTokens: 0,
			searchCalls: 3,
			fetchCalls: 0,
		});
		expect(result.callLatenciesMs).toHaveLength(2);
		expect(result.model).toBe("gemini-2.5-flash");
		expect(result.rawOutput).toBe(textOf(RESTATEMENT));
	});

	it("makes one structured call without tools when search is off, listing cited URLs as retrieved", async () => {
		const { provider, sent } = fakeGemini([RESTATEMENT]);
		const result = await provider.runTurn(
			turnFor({ model: "gemini-2.5-flash", search: { enabled: false, maxUses: 0 } }),
		);

		expect(sent).toHaveLength(1);
		expect(sentAt(sent, 0).body.tools).toBeUndefined();
		expect(sentAt(sent, 0).body.generationConfig?.responseMimeType).toBe("application/json");
		expect(result.output).toEqual(JSON.parse(textOf(RESTATEMENT)));
		expect(result.retrieved).toEqual([{ url: URL_NREL, title: null }]);
		expect(result.usage.searchCalls).toBe(0);
	});

	it("searches natively with every model and lists only current models that ground structured output", () => {
		const { provider } = fakeGemini([]);
		expect(provider.name).toBe("gemini");
		expect(GEMINI_MODELS.length).toBeGreaterThan(0);
		for (const model of [...GEMINI_MODELS, "gemini-2.5-flash", "gemini-flash-latest"]) {
			expect(provider.supportsNativeSearch(model)).toBe(true);
		}
		for (const model of GEMINI_MODELS) expect(groundsStructuredOutput(model)).toBe(true);
	});

	it("rejects a blocked prompt as an invalid request without retrying", async () => {
		const { provider, sent } = fakeGemini([PROMPT_BLOCKED, GROUNDED]);
		const error = await failureOf(provider.runTurn(turnFor()));
		expect(error.kind).toBe("invalid_request");
		expect(error.message).toContain("PROHIBITED_CONTENT");
		expect(sent).toHaveLength(1);
	});
});

describe("Gemini turns followed as they run", () => {
	it("streams a grounded structured call into the same result, reporting the chunks' running usage", async () => {
		const plain = await fakeGemini([GROUNDED]).provider.runTurn(turnFor());
		const updates: TurnProgress[] = [];
		const { provider, sent } = fakeGemini([eventStream("stream-grounded-structured.txt")]);
		const streamed = await provider.runTurn(turnFor({ onProgress: (update) => updates.push(update) }));

		expect(sentAt(sent, 0).url).toMatch(/\/models\/gemini-3\.8-flash:streamGenerateContent\?alt=sse$/);
		expect(sentAt(sent, 0).body.generationConfig?.responseJsonSchema).toEqual(
			(await requestBodies([GROUNDED]))[0]?.generationConfig?.responseJsonSchema,
		);
		expect({ ...streamed, callLatenciesMs: [] }).toEqual({ ...plain, callLatenciesMs: [] });
		expect(updates[0]).toEqual({ outputTokens: 0, inputTokens: 0, searches: 0, phase: "researching" });
		const tokens = updates.map((update) => update.outputTokens ?? 0);
		expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
		expect(new Set(tokens).size).toBeGreaterThan(5);
		expect(updates.at(-1)).toEqual({ outputTokens: 312 + 655, inputTokens: 1843 + 2210, searches: 2 });
	});

	it("streams the research call before Gemini 3 and sends its answer back as the unstreamed call does", async () => {
		const plainApi = fakeGemini([RESEARCH, RESTATEMENT]);
		const plain = await plainApi.provider.runTurn(turnFor({ model: "gemini-2.5-flash" }));
		const updates: TurnProgress[] = [];
		const { provider, sent } = fakeGemini([
			eventStream("stream-research-answer.txt"),
			eventStream("stream-structured-restatement.txt"),
		]);
		const streamed = await provider.runTurn(
			turnFor({ model: "gemini-2.5-flash", onProgress: (update) => updates.push(update) }),
		);

		expect(sent.map((request) => request.body.contents)).toEqual(
			plainApi.sent.map((request) => request.body.contents),
		);
		expect({ ...streamed, callLatenciesMs: [] }).toEqual({ ...plain, callLatenciesMs: [] });
		expect(updates.flatMap((update) => (update.phase ? [update.phase] : []))).toEqual([
			"researching",
			"writing the findings",
		]);
		expect(updates.at(-1)).toMatchObject({ outputTokens: 180 + 410 + 260 + 120, searches: 3 });
	});

	it("classifies an error chunk inside a stream as the same error in a response, without retrying a spent quota", async () => {
		const depleted = JSON.stringify(bodyOf(CREDITS_DEPLETED));
		const { provider, sent } = fakeGemini([
			async () =>
				new Response(
					`${readFixture("stream-research-answer.txt").split("\n\n")[0]}\n\ndata: ${depleted}\n\n`,
					{
						headers: { "content-type": "text/event-stream" },
					},
				),
		]);
		const error = await failureOf(provider.runTurn(turnFor({ onProgress: () => {} })));
		expect(error.kind).toBe("spend_limit");
		expect(error.options.status).toBe(429);
		expect(sent).toHaveLength(1);
	});
});

describe("mergeStreamedResponse", () => {
	it("joins text parts of the same kind, keeps a signature sent on an empty part, and takes the latest fields", () => {
		const chunk = (fields: Record<string, unknown>) => Object.assign(new GenerateContentResponse(), fields);
		const merged = mergeStreamedResponse([
			chunk({ candidates: [{ content: { role: "model", parts: [{ text: "Thinking", thought: true }] } }] }),
			chunk({ candidates: [{ content: { role: "model", parts: [{ text: " more.", thought: true }] } }] }),
			chunk({ candidates: [{ content: { role: "model", parts: [{ text: '{"a":' }] } }], modelVersion: "m1" }),
			chunk({
				candidates: [
					{
						content: { role: "model", parts: [{ text: "1}" }, { text: "", thoughtSignature: "sig" }] },
						finishReason: "STOP",
					},
				],
				usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 4 },
			}),
		]);
		expect(merged.candidates).toEqual([
			{
				content: {
					role: "model",
					parts: [
						{ text: "Thinking more.", thought: true },
						{ text: '{"a":1}', thoughtSignature: "sig" },
					],
				},
				finishReason: "STOP",
			},
		]);
		expect(merged.modelVersion).toBe("m1");
		expect(merged.usageMetadata).toEqual({ promptTokenCount: 10, candidatesTokenCount: 4 });
		expect(
			mergeStreamedResponse([chunk({ promptFeedback: { blockReason: "SAFETY" } })]).candidates,
		).toBeUndefined();
	});
});

describe("Gemini structured-output repair", () => {
	it("repairs invalid JSON once, sending the reply and the problem back", async () => {
		const { provider, sent } = fakeGemini([MALFORMED, RESTATEMENT]);
		const result = await provider.runTurn(
			turnFor({ model: "gemini-2.5-flash", search: { enabled: false, maxUses: 0 } }),
		);

		expect(sent).toHaveLength(2);
		const repair = sentAt(sent, 1);
		const [ask, reply, problem] = repair.body.contents;
		expect(ask?.parts[0]?.text).toContain("heat pumps");
		expect(reply).toEqual({ role: "model", parts: [{ text: textOf(MALFORMED) }] });
		expect(problem?.role).toBe("user");
		expect(problem?.parts[0]?.text).toContain("not valid JSON");
		expect(repair.body.tools).toBeUndefined();
		expect(repair.body.generationConfig?.responseMimeType).toBe("application/json");
		expect(result.output).toEqual(JSON.parse(textOf(RESTATEMENT)));
		expect(result.rawOutput).toBe(textOf(RESTATEMENT));
		expect(result.callLatenciesMs).toHaveLength(2);
		expect(result.usage.inputTokens).toBe(1410 + 2300);
		expect(result.usage.outputTokens).toBe(31 + 448 + 260 + 120);
	});

	it("fails with malformed_output and the last raw text when the repair also fails the schema", async () => {
		const { provider, sent } = fakeGemini([MALFORMED, SCHEMA_MISMATCH, RESTATEMENT]);
		const error = await failureOf(provider.runTurn(turnFor({ search: { enabled: false, maxUses: 0 } })));

		expect(sent).toHaveLength(2);
		expect(error.kind).toBe("malformed_output");
		expect(error.retryable).toBe(false);
		expect(error.options.rawOutput).toBe(textOf(SCHEMA_MISMATCH));
		expect(error.options.billed?.usage).toMatchObject({
			inputTokens: 1410 + 1502,
			outputTokens: 31 + 448 + 58,
		});
		expect(error.options.billed?.callLatenciesMs).toHaveLength(2);
		expect(error.message).toContain("confidence");
		expect(error.message).toContain("narrative");
	});

	it("parses only JSON that matches AgentOutputSchema", () => {
		expect(parseAgentOutput('{"findings":[],"narrative":"none"}')).toEqual({
			ok: true,
			output: { findings: [], narrative: "none" },
		});
		expect(parseAgentOutput("")).toMatchObject({ ok: false });
		expect(parseAgentOutput('{"findings":[]}')).toMatchObject({ ok: false });
	});
});

describe("Gemini retries and failures", () => {
	it("waits the RetryInfo delay of a per-minute 429, then succeeds", async () => {
		vi.useFakeTimers();
		const { provider, sent } = fakeGemini([PER_MINUTE, GROUNDED]);
		const pending = provider.runTurn(turnFor());
		await vi.advanceTimersByTimeAsync(1999);
		expect(sent).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(sent).toHaveLength(2);
		const result = await pending;
		expect(result.output.findings).toHaveLength(2);
		expect(result.callLatenciesMs).toHaveLength(1);
	});

	it("backs off exponentially on 503 and gives up as overloaded after the last attempt", async () => {
		vi.useFakeTimers();
		const { provider, sent } = fakeGemini([OVERLOADED, OVERLOADED, OVERLOADED, GROUNDED]);
		const pending = failureOf(provider.runTurn(turnFor()));
		await vi.advanceTimersByTimeAsync(999);
		expect(sent).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(sent).toHaveLength(2);
		await vi.advanceTimersByTimeAsync(2000);
		const error = await pending;
		expect(sent).toHaveLength(GEMINI_RETRY.attempts);
		expect(error.kind).toBe("overloaded");
		expect(error.options.status).toBe(503);
		expect(error.countsAsOutage).toBe(true);
		expect(error.message).toContain("The model is overloaded");
	});

	it("retries a 500 as a server error", async () => {
		vi.useFakeTimers();
		const { provider, sent } = fakeGemini([INTERNAL, GROUNDED]);
		const pending = provider.runTurn(turnFor());
		await vi.advanceTimersByTimeAsync(GEMINI_RETRY.baseDelayMs);
		await expect(pending).resolves.toMatchObject({ model: "gemini-3.8-flash" });
		expect(sent).toHaveLength(2);
	});

	it("retries a connection failure as a network error", async () => {
		vi.useFakeTimers();
		const { provider, sent } = fakeGemini([() => Promise.reject(new TypeError("fetch failed")), GROUNDED]);
		const pending = provider.runTurn(turnFor());
		await vi.advanceTimersByTimeAsync(GEMINI_RETRY.baseDelayMs);
		await expect(pending).resolves.toMatchObject({ model: "gemini-3.8-flash" });
		expect(sent).toHaveLength(2);
	});

	it("times an attempt out at a third of the turn budget and retries while time remains", async () => {
		vi.useFakeTimers();
		const { provider, sent } = fakeGemini([silentNetwork, GROUNDED]);
		const pending = provider.runTurn(turnFor({ timeoutMs: 30_000 }));
		await vi.advanceTimersByTimeAsync(9_999);
		expect(sent).toHaveLength(1);
		expect(sentAt(sent, 0).headers.get("x-server-timeout")).toBe("10");
		await vi.advanceTimersByTimeAsync(1 + GEMINI_RETRY.baseDelayMs);
		await expect(pending).resolves.toMatchObject({ model: "gemini-3.8-flash" });
		expect(sent).toHaveLength(2);
	});

	it("fails as a timeout within the turn budget when no time is left for a retry", async () => {
		const { provider, sent } = fakeGemini([silentNetwork, GROUNDED]);
		const started = performance.now();
		const error = await failureOf(provider.runTurn(turnFor({ timeoutMs: 300 })));
		expect(error.kind).toBe("timeout");
		expect(error.retryable).toBe(true);
		expect(sent).toHaveLength(1);
		expect(performance.now() - started).toBeLessThan(300);
	});

	it("stops waiting for a retry when the turn is aborted", async () => {
		vi.useFakeTimers();
		const controller = new AbortController();
		const { provider, sent } = fakeGemini([OVERLOADED, GROUNDED]);
		const pending = failureOf(provider.runTurn(turnFor({ signal: controller.signal })));
		await vi.advanceTimersByTimeAsync(10);
		controller.abort(new Error("the coordinator no longer expects this attempt"));
		const error = await pending;
		expect(error.kind).toBe("timeout");
		expect(error.message).toContain("no longer expects");
		expect(sent).toHaveLength(1);
	});

	it.each([
		["prepaid credits depleted (429)", CREDITS_DEPLETED, "spend_limit", 429],
		["daily quota exhausted (429)", DAILY_QUOTA, "spend_limit", 429],
		["invalid API key (400)", KEY_INVALID, "auth", 400],
		["leaked key (403)", PERMISSION_DENIED, "auth", 403],
		["unknown model (404)", MODEL_NOT_FOUND, "invalid_request", 404],
		["search with JSON output (400)", TOOL_WITH_JSON, "invalid_request", 400],
	] as const)("does not retry %s", async (_name, response, kind, status) => {
		const { provider, sent } = fakeGemini([response, GROUNDED]);
		const error = await failureOf(provider.runTurn(turnFor()));
		expect(sent).toHaveLength(1);
		expect(error.kind).toBe(kind);
		expect(error.options.status).toBe(status);
		expect(error.retryable).toBe(false);
	});

	it("never puts the API key into an error, even when the error body echoes it", async () => {
		const echo: Recorded = {
			status: 400,
			headers: { "content-type": "application/json; charset=UTF-8" },
			body: {
				error: {
					code: 400,
					message: `Request rejected by gateway: POST /v1/models/gemini-3.8-flash:generateContent?key=${API_KEY}`,
					status: "INVALID_ARGUMENT",
				},
			},
		};
		const failures = [echo, CREDITS_DEPLETED, DAILY_QUOTA, KEY_INVALID, PERMISSION_DENIED, MODEL_NOT_FOUND];
		for (const response of failures) {
			const { provider } = fakeGemini([response]);
			const error = await failureOf(provider.runTurn(turnFor()));
			for (const text of [error.message, String(error), error.stack ?? "", JSON.stringify(error)]) {
				expect(text).not.toContain(API_KEY);
			}
		}
		const { provider } = fakeGemini([echo]);
		expect((await failureOf(provider.runTurn(turnFor()))).message).toContain("key=[redacted]");
	});
});

describe("classifyGeminiFailure", () => {
	const json = { "content-type": "application/json; charset=UTF-8" };
	const classify = (response: Recorded, headers: Record<string, string> = {}) =>
		classifyGeminiFailure(
			response.status,
			new Headers({ ...response.headers, ...headers }),
			JSON.stringify(response.body),
		);

	it("reads the delay from retry-after-ms, retry-after, RetryInfo, then the message", () => {
		expect(classify(PER_MINUTE)).toMatchObject({ kind: "rate_limited", retryAfterMs: 2000 });
		expect(classify(PER_MINUTE, { "retry-after": "3" }).retryAfterMs).toBe(3000);
		expect(classify(PER_MINUTE, { "retry-after-ms": "250", "retry-after": "3" }).retryAfterMs).toBe(250);
		const messageOnly = classifyGeminiFailure(
			429,
			new Headers(json),
			JSON.stringify({
				error: { code: 429, message: "Quota exceeded. Please retry in 4.2s.", status: "RESOURCE_EXHAUSTED" },
			}),
		);
		expect(messageOnly).toMatchObject({ kind: "rate_limited", retryAfterMs: 4200 });
	});

	it("classifies by status when the body is not Google's error JSON", () => {
		const html = "<html><body>502 Bad Gateway</body></html>";
		expect(classifyGeminiFailure(502, new Headers({ "content-type": "text/html" }), html)).toEqual({
			kind: "server",
			message: `Gemini API 502: ${html}`,
		});
		expect(classifyGeminiFailure(529, new Headers(), "").kind).toBe("overloaded");
		expect(classifyGeminiFailure(408, new Headers(), "").kind).toBe("timeout");
		expect(classifyGeminiFailure(401, new Headers(), "").kind).toBe("auth");
		expect(classifyGeminiFailure(422, new Headers(), "").kind).toBe("invalid_request");
		expect(classify(INTERNAL).kind).toBe("server");
		expect(classify(OVERLOADED).kind).toBe("overloaded");
	});

	it("treats per-minute 429s as rate limits, whatever their delay and wording about billing details", () => {
		fc.assert(
			fc.property(
				fc.constantFrom(
					"GenerateRequestsPerMinutePerProjectPerModel",
					"GenerateContentPaidTierInputTokensPerModelPerMinute",
					"GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
				),
				fc.integer({ min: 1, max: 3600 }),
				(quotaId, seconds) => {
					const body = {
						error: {
							code: 429,
							message: "You exceeded your current quota, please check your plan and billing details.",
							status: "RESOURCE_EXHAUSTED",
							details: [
								{ "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [{ quotaId }] },
								{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${seconds}s` },
							],
						},
					};
					const failure = classifyGeminiFailure(429, new Headers(json), JSON.stringify(body));
					expect(failure).toMatchObject({ kind: "rate_limited", retryAfterMs: seconds * 1000 });
				},
			),
		);
	});

	it("treats a billing or credit ErrorInfo reason as a spend limit on any error status", () => {
		fc.assert(
			fc.property(
				fc.constantFrom(400, 403, 429, 500),
				fc.constantFrom("BILLING_DISABLED", "INSUFFICIENT_G1_CREDITS_BALANCE"),
				(status, reason) => {
					const body = {
						error: {
							code: status,
							message: "The request cannot be served.",
							status: "FAILED_PRECONDITION",
							details: [
								{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason, domain: "googleapis.com" },
							],
						},
					};
					expect(classifyGeminiFailure(status, new Headers(json), JSON.stringify(body)).kind).toBe(
						"spend_limit",
					);
				},
			),
		);
	});
});

describe("retryDelayMs", () => {
	const kinds: ProviderErrorKind[] = [
		"rate_limited",
		"overloaded",
		"server",
		"timeout",
		"network",
		"auth",
		"spend_limit",
		"invalid_request",
		"malformed_output",
	];

	it("backs off 1 s then 2 s and stops after the last attempt", () => {
		const overloaded = new ProviderError("gemini", "overloaded", "busy");
		expect(retryDelayMs(overloaded, 1, 60_000)).toBe(1000);
		expect(retryDelayMs(overloaded, 2, 60_000)).toBe(2000);
		expect(retryDelayMs(overloaded, GEMINI_RETRY.attempts, 60_000)).toBeNull();
		expect(
			retryDelayMs(
				new ProviderError("gemini", "rate_limited", "slow down", { retryAfterMs: 7000 }),
				1,
				60_000,
			),
		).toBe(7000);
	});

	it("never retries final failures and never waits past the time that leaves an attempt its minimum", () => {
		fc.assert(
			fc.property(
				fc.constantFrom(...kinds),
				fc.integer({ min: 1, max: 5 }),
				fc.integer({ min: -1000, max: 200_000 }),
				fc.option(fc.integer({ min: 0, max: 120_000 }), { nil: undefined }),
				(kind, attempt, remainingMs, retryAfterMs) => {
					const error = new ProviderError(
						"gemini",
						kind,
						"failure",
						retryAfterMs === undefined ? {} : { retryAfterMs },
					);
					const delay = retryDelayMs(error, attempt, remainingMs);
					if (!error.retryable || attempt >= GEMINI_RETRY.attempts) expect(delay).toBeNull();
					if (delay !== null) {
						expect(remainingMs - delay).toBeGreaterThanOrEqual(GEMINI_RETRY.minAttemptMs);
						if (retryAfterMs !== undefined) expect(delay).toBe(retryAfterMs);
					}
				},
			),
		);
	});
});

describe("geminiUsage", () => {
	it("counts every billed token once: cached tokens move from input to cache reads", () => {
		fc.assert(
			fc.property(
				fc.nat(100_000),
				fc.nat(100_000),
				fc.nat(20_000),
				fc.nat(20_000),
				fc.nat(50_000),
				fc.nat(10),
				(prompt, cachedRaw, candidates, thoughts, toolUse, searches) => {
					const cached = Math.min(prompt, cachedRaw);
					const usage = geminiUsage(
						{
							promptTokenCount: prompt,
							cachedContentTokenCount: cached,
							candidatesTokenCount: candidates,
							thoughtsTokenCount: thoughts,
							toolUsePromptTokenCount: toolUse,
							totalTokenCount: prompt + candidates + thoughts + toolUse,
						},
						searches,
					);
					expect(usage.inputTokens + usage.outputTokens + usage.cacheReadTokens).toBe(
						prompt + candidates + thoughts + toolUse,
					);
					expect(usage.cacheReadTokens).toBe(cached);
					expect(usage.searchCalls).toBe(searches);
				},
			),
		);
		expect(geminiUsage(undefined, 0)).toEqual({
			inputTokens: 0,
			outputTokens: 0,
			cacheReadTokens: 0,
			cacheWriteTokens: 0,
			searchCalls: 0,
			fetchCalls: 0,
		});
	});
});

describe("groundsStructuredOutput and geminiResponseSchema", () => {
	it("takes one grounded structured call from Gemini 3 on", () => {
		expect(groundsStructuredOutput("gemini-3.8-flash")).toBe(true);
		expect(groundsStructuredOutput("models/gemini-4-argon")).toBe(true);
		expect(groundsStructuredOutput("gemini-3-pro-preview")).toBe(true);
		expect(groundsStructuredOutput("gemini-2.5-pro")).toBe(false);
		expect(groundsStructuredOutput("gemini-flash-latest")).toBe(false);
		expect(groundsStructuredOutput("gemma-4-31b-it")).toBe(false);
	});

	it("keeps the keywords Gemini accepts and every property name", () => {
		const schema = {
			$schema: "https://json-schema.org/draft/2020-12/schema",
			type: "object",
			properties: {
				maxLength: { type: "string", maxLength: 10, pattern: "^a" },
				items: { type: "array", items: { anyOf: [{ type: "string" }, { type: "null" }] }, maxItems: 3 },
			},
			required: ["maxLength", "items"],
			additionalProperties: false,
		};
		expect(geminiResponseSchema(schema)).toEqual({
			type: "object",
			properties: {
				maxLength: { type: "string" },
				items: { type: "array", items: { anyOf: [{ type: "string" }, { type: "null" }] }, maxItems: 3 },
			},
			required: ["maxLength", "items"],
			additionalProperties: false,
		});
	});
});

describe("Gemini grounding metadata", () => {
	const web = (uri: string, title?: string) => ({ web: title === undefined ? { uri } : { uri, title } });

	it("lists web chunks once each, keeping a known title", () => {
		const sources = groundingSources({
			groundingChunks: [
				web("https://a.example/1"),
				web("https://a.example/1", "a.example"),
				{ maps: { uri: "https://maps.google.com/?cid=1", title: "Cafe" } },
				web("https://b.example/2", "b.example"),
			],
			webSearchQueries: ["q1", "q2"],
		});
		expect(sources).toEqual([
			{ url: "https://a.example/1", title: "a.example" },
			{ url: "https://b.example/2", title: "b.example" },
		]);
		expect(searchQueryCount({ webSearchQueries: ["q1", "q2"] })).toBe(2);
		expect(searchQueryCount(undefined)).toBe(0);
	});

	it("turns supports into statements with the best aligned score, skipping unusable ones", () => {
		const statements = groundedStatements({
			groundingChunks: [
				web("https://a.example/1", "a"),
				web("https://b.example/2", "b"),
				{ maps: { uri: "x" } },
			],
			groundingSupports: [
				{
					segment: { text: " Heat pumps work at -25 °C. " },
					groundingChunkIndices: [0, 1],
					confidenceScores: [0.4, 0.9],
				},
				{
					segment: { text: "Heat pumps work at -25 °C." },
					groundingChunkIndices: [1],
					confidenceScores: [0.95],
				},
				{ segment: { text: "Only a map place." }, groundingChunkIndices: [2], confidenceScores: [0.99] },
				{ segment: { text: "Out of range." }, groundingChunkIndices: [7] },
				{ segment: { text: "   " }, groundingChunkIndices: [0] },
				{ segment: { text: "No scores given." }, groundingChunkIndices: [0] },
			],
		});
		expect(statements).toEqual([
			{
				text: "Heat pumps work at -25 °C.",
				sources: [
					{ url: "https://a.example/1", title: "a" },
					{ url: "https://b.example/2", title: "b" },
				],
				confidence: 0.95,
			},
			{ text: "No scores given.", sources: [{ url: "https://a.example/1", title: "a" }], confidence: null },
		]);
	});

	it("cuts long grounded sentences into titles at a word boundary", () => {
		const long = `${"Cold-climate heat pumps ".repeat(8)}keep working.`;
		const title = titleFromStatement(long);
		expect(title.length).toBeLessThanOrEqual(GROUNDED_TITLE_CHARS);
		expect(title.endsWith("pumps…")).toBe(true);
		expect(titleFromStatement("Short claim.")).toBe("Short claim.");
	});

	const citationArb = fc.record({
		sourceId: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
		url: fc.option(fc.webUrl(), { nil: null }),
		quote: fc.string({ maxLength: 60 }),
	});
	const findingArb = fc.record({
		title: fc.string({ maxLength: 40 }),
		claim: fc.lorem({ maxCount: 12 }),
		confidence: fc.double({ min: 0, max: 1, noNaN: true }),
		citations: fc.array(citationArb, { maxLength: 20 }),
	});
	const outputArb: fc.Arbitrary<AgentOutput> = fc.record({
		findings: fc.array(findingArb, { maxLength: 30 }),
		narrative: fc.lorem({ maxCount: 20 }),
	});
	const statementArb: fc.Arbitrary<GroundedStatement> = fc.record({
		text: fc.lorem({ maxCount: 12 }).filter((text) => text.trim() !== ""),
		sources: fc.array(
			fc.record({ url: fc.webUrl(), title: fc.option(fc.string({ maxLength: 10 }), { nil: null }) }),
			{
				minLength: 1,
				maxLength: 25,
			},
		),
		confidence: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
	});

	it("keeps the model's findings and the schema's limits, adding only citations Google returned", () => {
		fc.assert(
			fc.property(
				outputArb,
				fc.array(statementArb, { maxLength: 40 }),
				fc.boolean(),
				(output, statements, addUnbacked) => {
					const result = applyGrounding(output, statements, { addUnbacked });
					expect(AgentOutputSchema.safeParse(result).success).toBe(true);
					expect(result.narrative).toBe(output.narrative);
					if (!addUnbacked) expect(result.findings).toHaveLength(output.findings.length);
					output.findings.forEach((finding, index) => {
						const kept = result.findings[index];
						expect(kept?.claim).toBe(finding.claim);
						expect(kept?.confidence).toBe(finding.confidence);
						expect(kept?.citations.slice(0, finding.citations.length)).toEqual(finding.citations);
					});
					const grounded = new Set(
						statements.flatMap((statement) => statement.sources.map((source) => source.url)),
					);
					const quotes = new Set(statements.map((statement) => statement.text));
					for (const [index, finding] of result.findings.entries()) {
						const added = finding.citations.slice(output.findings[index]?.citations.length ?? 0);
						for (const citation of added) {
							expect(grounded.has(citation.url ?? "")).toBe(true);
							expect(quotes.has(citation.quote)).toBe(true);
						}
					}
				},
			),
		);
	});
});

import { inspect } from "node:util";
import fc from "fast-check";
import type { Response as OpenAIResponse } from "openai/resources/responses/responses";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
	createOpenAIProvider,
	failedResponseError,
	isOpenAISpendLimit,
	OPENAI_MODELS,
	readResponse,
} from "../../../src/providers/openai";
import {
	AGENT_OUTPUT_JSON_SCHEMA,
	applyUrlCitations,
	attemptBudget,
	jsonStringSpans,
	parseAgentOutput,
	RetrievedPages,
	retryAfterMs,
	statusKind,
	strictJsonSchema,
} from "../../../src/providers/openai-shared";
import {
	type AgentOutput,
	AgentOutputSchema,
	ProviderError,
	type TurnProgress,
} from "../../../src/providers/types";
import { eventStreamOf } from "../../fixtures/providers/event-stream.mjs";
import {
	agentTurn,
	eventStream,
	hangingResponder,
	loadRecording,
	type Recording,
	refusedResponder,
	replay,
} from "../../fixtures/providers/openai/harness";

const API_KEY = "sk-proj-T3stOnlyK3yForTheOpenAIAdapter0123456789abcdefghijklmnopXk2Q";
const MODEL = "gpt-6.1-sol";

const recording = (name: string): Recording => loadRecording("openai", name);

/** The model's output text inside a recorded Responses API body. */
function outputText(name: string): string {
	const body = recording(name).body as OpenAIResponse;
	const message = body.output.find((item) => item.type === "message");
	const part = message?.type === "message" ? message.content[0] : undefined;
	if (part?.type !== "output_text") throw new Error(`${name} has no output text`);
	return part.text;
}

function openai(...responders: Parameters<typeof replay>[0]) {
	const wire = replay(responders);
	return { provider: createOpenAIProvider({ apiKey: API_KEY, fetch: wire.fetch }), requests: wire.requests };
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

describe("createOpenAIProvider: a normal turn", () => {
	it("sends one Responses API request with the instructions, prompt, output limit and strict schema", async () => {
		const { provider, requests } = openai(recording("response-plain"));
		await provider.runTurn(agentTurn(MODEL, { search: { enabled: false, maxUses: 4 } }));

		expect(requests).toHaveLength(1);
		const [request] = requests;
		expect(request?.method).toBe("POST");
		expect(request?.url).toBe("https://api.openai.com/v1/responses");
		expect(request?.headers.get("authorization")).toBe(`Bearer ${API_KEY}`);
		expect(request?.body).toMatchObject({
			model: MODEL,
			instructions: "You are the explorer of a research swarm. Report findings with citations.",
			input: [{ role: "user", content: "Research task: How do heat pumps perform in cold climates?" }],
			max_output_tokens: 8192,
			store: false,
			prompt_cache_key: "research-swarm-explorer",
			text: {
				format: { type: "json_schema", name: "agent_output", strict: true, schema: AGENT_OUTPUT_JSON_SCHEMA },
			},
		});
		expect(request?.body).not.toHaveProperty("tools");
	});

	it("returns the validated output, usage, one latency and the model the API reports", async () => {
		const { provider } = openai(recording("response-plain"));
		const result = await provider.runTurn(agentTurn(MODEL, { search: { enabled: false, maxUses: 4 } }));

		expect(result.output.findings).toHaveLength(1);
		expect(result.output.findings[0]?.citations).toEqual([
			{
				sourceId: "S1",
				url: null,
				quote:
					"air-source heat pumps reached a seasonal COP of 2.8 at an average outdoor temperature of -7 °C",
			},
		]);
		expect(result.rawOutput).toBe(outputText("response-plain"));
		expect(result.retrieved).toEqual([]);
		expect(result.usage).toEqual({
			inputTokens: 3120,
			outputTokens: 418,
			cacheReadTokens: 0,
			cacheWriteTokens: 0,
			searchCalls: 0,
			fetchCalls: 0,
		});
		expect(result.callLatenciesMs).toHaveLength(1);
		expect(result.model).toBe(MODEL);
	});

	it("honours a base URL (AI Gateway or proxy)", async () => {
		const wire = replay([recording("response-plain")]);
		const provider = createOpenAIProvider({
			apiKey: API_KEY,
			baseURL: "https://gateway.ai.cloudflare.com/v1/acct/swarm/openai",
			fetch: wire.fetch,
		});
		await provider.runTurn(agentTurn(MODEL));
		expect(wire.requests[0]?.url).toBe("https://gateway.ai.cloudflare.com/v1/acct/swarm/openai/responses");
	});

	it("searches natively with every model", () => {
		const { provider } = openai();
		expect(OPENAI_MODELS.every((model) => provider.supportsNativeSearch(model))).toBe(true);
	});
});

describe("createOpenAIProvider: web search", () => {
	const IEA_BUILDINGS = "https://www.iea.org/energy-system/buildings/heat-pumps";
	const IEA_REPORT = "https://www.iea.org/reports/the-future-of-heat-pumps";
	const NREL = "https://www.nrel.gov/docs/fy24osti/87642.pdf";
	const DOE = "https://www.energy.gov/energysaver/air-source-heat-pumps";

	it("asks for the web_search tool, bounded by maxUses, with the search sources included", async () => {
		const { provider, requests } = openai(recording("response-web-search"));
		await provider.runTurn(agentTurn(MODEL, { search: { enabled: true, maxUses: 4 } }));
		expect(requests[0]?.body).toMatchObject({
			tools: [{ type: "web_search" }],
			tool_choice: "auto",
			max_tool_calls: 4,
			include: ["web_search_call.action.sources"],
		});
	});

	it("maps url_citation annotations onto findings without inventing quotes", async () => {
		const { provider } = openai(recording("response-web-search"));
		const result = await provider.runTurn(agentTurn(MODEL));
		const [sales, cold] = result.output.findings;

		// The claim links the IEA report, which its own citation does not name: a quote-less citation is added.
		expect(sales?.citations).toEqual([
			{ sourceId: null, url: IEA_BUILDINGS, quote: "global sales of heat pumps fell by around 3% in 2023" },
			{ sourceId: null, url: `${IEA_REPORT}?utm_source=openai`, quote: "" },
		]);
		// The annotation covers the quote itself, so the quote is the model's quote of the NREL page.
		expect(cold?.citations).toEqual([
			{
				sourceId: null,
				url: `${NREL}?utm_source=openai`,
				quote: "maintained a coefficient of performance above 2 at outdoor temperatures of -15 °C",
			},
		]);
		expect(result.output.narrative).toContain("energy.gov");
	});

	it("retrieves every searched, opened and cited page once, with titles from the citations", async () => {
		const { provider } = openai(recording("response-web-search"));
		const result = await provider.runTurn(agentTurn(MODEL));
		expect(result.retrieved).toEqual([
			{ url: IEA_BUILDINGS, title: "Heat Pumps - Energy System - IEA" },
			{ url: IEA_REPORT, title: null },
			{ url: NREL, title: null },
			{ url: DOE, title: null },
			{ url: `${IEA_REPORT}?utm_source=openai`, title: "The Future of Heat Pumps – Analysis - IEA" },
			{ url: `${NREL}?utm_source=openai`, title: "Field Performance of Cold-Climate Heat Pumps (NREL)" },
			{ url: `${DOE}?utm_source=openai`, title: "Air-Source Heat Pumps | Department of Energy" },
		]);
	});

	it("counts billable searches and page opens, and keeps cache reads and writes apart from input", async () => {
		const { provider } = openai(recording("response-web-search"));
		const result = await provider.runTurn(agentTurn(MODEL));
		expect(result.usage).toEqual({
			inputTokens: 18734 - 2048 - 1024,
			outputTokens: 1261,
			cacheReadTokens: 2048,
			cacheWriteTokens: 1024,
			searchCalls: 2,
			fetchCalls: 1,
		});
	});

	it("counts search actions when the response reports no tool usage", () => {
		const body = structuredClone(recording("response-web-search").body) as OpenAIResponse;
		delete body.tool_usage;
		body.output = body.output.filter(
			(item) => item.type !== "web_search_call" || item.action.type !== "search" || item.id.endsWith("e8"),
		);
		expect(readResponse(body).usage.searchCalls).toBe(1);
	});
});

describe("createOpenAIProvider: structured output repair", () => {
	it("sends the rejected reply and the validation error back once, without tools, and uses the repair", async () => {
		const { provider, requests } = openai(
			recording("response-schema-mismatch"),
			recording("response-repaired"),
		);
		const result = await provider.runTurn(agentTurn(MODEL));

		expect(requests).toHaveLength(2);
		const repair = requests[1]?.body;
		expect(repair).not.toHaveProperty("tools");
		expect(repair?.input).toEqual([
			{ role: "user", content: "Research task: How do heat pumps perform in cold climates?" },
			{ role: "assistant", content: outputText("response-schema-mismatch") },
			{ role: "user", content: expect.stringContaining("confidence") },
		]);
		expect(result.output.findings[0]?.confidence).toBe(0.75);
		expect(result.rawOutput).toBe(outputText("response-repaired"));
		expect(result.callLatenciesMs).toHaveLength(2);
		expect(result.usage).toMatchObject({
			inputTokens: 3120 - 2944 + (3406 - 3072),
			outputTokens: 96 + 121,
			cacheReadTokens: 2944 + 3072,
		});
	});

	it("fails with malformed_output and the last raw text when the repair fails too", async () => {
		const { provider, requests } = openai(
			recording("response-truncated"),
			recording("response-schema-mismatch"),
		);
		const error = await failure(provider.runTurn(agentTurn(MODEL)));
		expect(error.kind).toBe("malformed_output");
		expect(error.retryable).toBe(false);
		expect(error.options.rawOutput).toBe(outputText("response-schema-mismatch"));
		expect(requests).toHaveLength(2);
		// Both responses were billed, the truncated one's 8,192 output tokens included.
		expect(error.options.billed?.usage).toEqual({
			inputTokens: 3542 - 3072 + (3120 - 2944),
			outputTokens: 8192 + 96,
			cacheReadTokens: 3072 + 2944,
			cacheWriteTokens: 0,
			searchCalls: 0,
			fetchCalls: 0,
		});
		expect(error.options.billed?.callLatenciesMs).toHaveLength(2);
		expect(requests[1]?.body.input).toContainEqual({
			role: "user",
			content: expect.stringContaining("not valid JSON"),
		});
	});
});

describe("createOpenAIProvider: a followed turn", () => {
	it("streams into the same result, reporting searches as they begin and tokens in order", async () => {
		const plain = await openai(recording("response-web-search")).provider.runTurn(agentTurn(MODEL));
		const updates: TurnProgress[] = [];
		const { provider, requests } = openai(eventStream("openai", "stream-response-web-search"));
		const streamed = await provider.runTurn(
			agentTurn(MODEL, { onProgress: (update) => updates.push(update) }),
		);

		expect(requests[0]?.body).toMatchObject({ stream: true, tools: [{ type: "web_search" }] });
		expect({ ...streamed, callLatenciesMs: [] }).toEqual({ ...plain, callLatenciesMs: [] });
		expect(updates[0]).toEqual({ outputTokens: 0, inputTokens: 0, searches: 0, phase: "researching" });
		expect(updates.map((update) => update.searches)).toEqual(expect.arrayContaining([1, 2, 3]));
		const tokens = updates.map((update) => update.outputTokens ?? 0);
		expect(tokens).toEqual([...tokens].sort((a, b) => a - b));
		expect(new Set(tokens).size).toBeGreaterThan(5);
		expect(updates.at(-1)).toEqual({
			outputTokens: streamed.usage.outputTokens,
			inputTokens: 18_734,
			searches: 3,
		});
	});

	it("streams the repair call too, and reports it as its own phase", async () => {
		const plain = await openai(
			recording("response-schema-mismatch"),
			recording("response-repaired"),
		).provider.runTurn(agentTurn(MODEL));
		const updates: TurnProgress[] = [];
		const { provider, requests } = openai(
			eventStream("openai", "stream-response-schema-mismatch"),
			eventStream("openai", "stream-response-repaired"),
		);
		const streamed = await provider.runTurn(
			agentTurn(MODEL, { onProgress: (update) => updates.push(update) }),
		);

		expect(requests.map((request) => request.body.stream)).toEqual([true, true]);
		expect({ ...streamed, callLatenciesMs: [] }).toEqual({ ...plain, callLatenciesMs: [] });
		expect(updates.flatMap((update) => (update.phase ? [update.phase] : []))).toEqual([
			"researching",
			"repairing the findings",
		]);
		expect(updates.at(-1)?.outputTokens).toBe(96 + 121);
	});

	it("reports a response that failed in the stream by its error code", async () => {
		const failed = eventStreamOf("/v1/responses", {
			...(recording("response-repaired").body as OpenAIResponse),
			status: "failed",
			error: { code: "server_error", message: "The model failed to respond." },
		});
		const { provider } = openai(
			async () => new Response(failed, { headers: { "content-type": "text/event-stream" } }),
		);
		const error = await failure(provider.runTurn(agentTurn(MODEL, { onProgress: () => {} })));
		expect(error.kind).toBe("server");
		expect(error.message).toContain("server_error");
	});
});

describe("createOpenAIProvider: failures", () => {
	it("retries a 429 after the retry-after delay and then succeeds", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const { provider, requests } = openai(recording("error-429-rate-limit"), recording("response-plain"));
		const turn = provider.runTurn(agentTurn(MODEL));

		await vi.advanceTimersByTimeAsync(1_999);
		expect(requests).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		const result = await turn;
		expect(requests).toHaveLength(2);
		expect(result.output.findings).toHaveLength(1);
	});

	it("reports rate_limited with the retry-after delay once the retries are spent", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const limited = recording("error-429-rate-limit");
		const { provider, requests } = openai(limited, limited, limited);
		const turn = failure(provider.runTurn(agentTurn(MODEL)));
		await vi.advanceTimersByTimeAsync(10_000);
		const error = await turn;
		expect(error).toMatchObject({ kind: "rate_limited", options: { status: 429, retryAfterMs: 2000 } });
		expect(requests).toHaveLength(3);
	});

	it("reports a 503 as overloaded after the SDK's retries", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const overloaded = recording("error-503-overloaded");
		const { provider, requests } = openai(overloaded, overloaded, overloaded);
		const turn = failure(provider.runTurn(agentTurn(MODEL)));
		await vi.advanceTimersByTimeAsync(30_000);
		const error = await turn;
		expect(error).toMatchObject({ kind: "overloaded", options: { status: 503 } });
		expect(error.countsAsOutage).toBe(true);
		expect(requests).toHaveLength(3);
	});

	it("reports a 500 as a server error after the SDK's retries", async () => {
		vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
		const broken = recording("error-500-server");
		const { provider, requests } = openai(broken, broken, broken);
		const turn = failure(provider.runTurn(agentTurn(MODEL)));
		await vi.advanceTimersByTimeAsync(30_000);
		const error = await turn;
		expect(error).toMatchObject({ kind: "server", options: { status: 500 } });
		expect(requests).toHaveLength(3);
	});

	it("times out within the turn's budget when the API does not answer", async () => {
		const { provider } = openai(hangingResponder(), hangingResponder());
		const started = performance.now();
		const error = await failure(provider.runTurn(agentTurn(MODEL, { timeoutMs: 150 })));
		expect(error.kind).toBe("timeout");
		expect(performance.now() - started).toBeLessThan(1_000);
	});

	it("stops when the turn's signal aborts", async () => {
		const controller = new AbortController();
		const { provider } = openai(hangingResponder());
		const turn = failure(provider.runTurn(agentTurn(MODEL, { signal: controller.signal })));
		setTimeout(() => controller.abort(), 20);
		expect((await turn).kind).toBe("timeout");
	});

	it("reports a refused connection as a network failure", async () => {
		const { provider } = openai(refusedResponder(), refusedResponder(), refusedResponder());
		const error = await failure(provider.runTurn(agentTurn(MODEL, { timeoutMs: 4_000 })));
		expect(error.kind).toBe("network");
	});

	it("never retries an exhausted quota (429 insufficient_quota)", async () => {
		const { provider, requests } = openai(
			recording("error-429-insufficient-quota"),
			recording("response-plain"),
		);
		const error = await failure(provider.runTurn(agentTurn(MODEL)));
		expect(error).toMatchObject({ kind: "spend_limit", options: { status: 429 } });
		expect(error.retryable).toBe(false);
		expect(requests).toHaveLength(1);
	});

	it("never retries an invalid key", async () => {
		const { provider, requests } = openai(recording("error-401-invalid-key"), recording("response-plain"));
		const error = await failure(provider.runTurn(agentTurn(MODEL)));
		expect(error).toMatchObject({ kind: "auth", options: { status: 401 } });
		expect(requests).toHaveLength(1);
	});

	it("reports a response that failed server-side by its error code", () => {
		const body = structuredClone(recording("response-plain").body) as OpenAIResponse;
		body.status = "failed";
		body.error = { code: "server_error", message: "The model failed to generate a response." };
		expect(failedResponseError(body)?.kind).toBe("server");
		body.error = { code: "invalid_prompt", message: "Invalid prompt." };
		expect(failedResponseError(body)?.kind).toBe("invalid_request");
		expect(failedResponseError(recording("response-plain").body as OpenAIResponse)).toBeNull();
	});

	it("puts the API key in no error message or error object", async () => {
		const echoing: Recording = {
			status: 400,
			headers: { "content-type": "application/json" },
			body: {
				error: {
					message: `Invalid header: Authorization: Bearer ${API_KEY}`,
					type: "invalid_request_error",
					param: null,
					code: null,
				},
			},
		};
		for (const responder of [
			recording("error-401-invalid-key"),
			recording("error-429-insufficient-quota"),
			echoing,
		]) {
			const { provider } = openai(responder);
			const error = await failure(provider.runTurn(agentTurn(MODEL)));
			for (const view of [
				error.message,
				String(error),
				JSON.stringify(error),
				inspect(error, { depth: 5 }),
			]) {
				expect(view).not.toContain(API_KEY);
				expect(view).not.toContain("T3stOnlyK3y");
			}
		}
	});

	it("classifies only insufficient_quota as OpenAI's spend limit", () => {
		expect(isOpenAISpendLimit(429, "insufficient_quota", "insufficient_quota")).toBe(true);
		expect(isOpenAISpendLimit(429, "rate_limit_exceeded", "tokens")).toBe(false);
	});
});

describe("strictJsonSchema and AGENT_OUTPUT_JSON_SCHEMA", () => {
	type Node = { [keyword: string]: unknown };
	const nodes = (node: Node): Node[] => {
		const children = [
			...Object.values((node.properties as Record<string, Node> | undefined) ?? {}),
			...(node.items ? [node.items as Node] : []),
			...((node.anyOf as Node[] | undefined) ?? []),
		];
		return [node, ...children.flatMap(nodes)];
	};

	it("closes every object, requires all its properties and writes nullable fields as type unions", () => {
		const all = nodes(AGENT_OUTPUT_JSON_SCHEMA);
		expect(AGENT_OUTPUT_JSON_SCHEMA).not.toHaveProperty("$schema");
		expect(all.some((node) => "anyOf" in node)).toBe(false);
		for (const node of all.filter((candidate) => candidate.type === "object")) {
			expect(node.additionalProperties).toBe(false);
			expect(node.required).toEqual(Object.keys(node.properties as object));
		}
		const citation = nodes(AGENT_OUTPUT_JSON_SCHEMA).find(
			(node) => node.properties && "sourceId" in (node.properties as object),
		);
		expect((citation?.properties as Record<string, Node> | undefined)?.url).toEqual({
			type: ["string", "null"],
			maxLength: 2048,
		});
	});

	it("keeps a union that is not a plain nullable type as anyOf", () => {
		const union = { anyOf: [{ type: "string" }, { type: "number" }] };
		expect(strictJsonSchema(union)).toEqual(union);
	});
});

describe("parseAgentOutput", () => {
	it("accepts a fenced JSON object and rejects prose", () => {
		const json = outputText("response-plain");
		expect(parseAgentOutput(`\`\`\`json\n${json}\n\`\`\``).ok).toBe(true);
		expect(parseAgentOutput(`Here you go: ${json}`)).toMatchObject({
			ok: false,
			error: expect.stringContaining("JSON"),
		});
	});
});

const citationArbitrary = fc.record({
	sourceId: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
	url: fc.option(fc.webUrl(), { nil: null }),
	quote: fc.string({ maxLength: 40 }),
});
const outputArbitrary: fc.Arbitrary<AgentOutput> = fc.record({
	findings: fc.array(
		fc.record({
			title: fc.string({ maxLength: 20 }),
			claim: fc.string({ maxLength: 60 }),
			confidence: fc.double({ min: 0, max: 1, noNaN: true }),
			citations: fc.array(citationArbitrary, { maxLength: 4 }),
		}),
		{ maxLength: 4 },
	),
	narrative: fc.string({ maxLength: 60 }),
});

describe("jsonStringSpans", () => {
	it("finds every string value of a JSON text at its path", () => {
		fc.assert(
			fc.property(outputArbitrary, fc.boolean(), (output, indented) => {
				const text = JSON.stringify(output, null, indented ? 2 : undefined);
				for (const span of jsonStringSpans(text)) {
					const atPath = span.path.reduce<unknown>(
						(value, step) => (value as Record<string | number, unknown>)[step],
						output,
					);
					expect(JSON.parse(text.slice(span.start, span.end))).toBe(atPath);
				}
				const strings = output.findings.flatMap((finding) => [
					finding.title,
					finding.claim,
					...finding.citations.flatMap((citation) => [citation.sourceId, citation.url, citation.quote]),
				]);
				expect(jsonStringSpans(text)).toHaveLength(strings.filter((value) => value !== null).length + 1);
			}),
		);
	});
});

describe("applyUrlCitations", () => {
	it("keeps every citation, stays within the schema and only adds annotated URLs with empty quotes", () => {
		fc.assert(
			fc.property(
				outputArbitrary,
				fc.array(fc.tuple(fc.webUrl(), fc.nat(), fc.nat({ max: 30 })), { maxLength: 6 }),
				(output, raw) => {
					const text = JSON.stringify(output);
					const annotations = raw.map(([url, start, length]) => ({
						url,
						title: null,
						start: start % (text.length + 1),
						end: (start % (text.length + 1)) + length,
					}));
					const mapped = applyUrlCitations(output, text, annotations);
					expect(AgentOutputSchema.safeParse(mapped).success).toBe(true);
					mapped.findings.forEach((finding, index) => {
						const before = output.findings[index]?.citations ?? [];
						expect(finding.citations.length).toBeGreaterThanOrEqual(before.length);
						finding.citations.forEach((citation, position) => {
							const original = before[position];
							if (original) {
								expect(citation.quote).toBe(original.quote);
								expect(citation.url === original.url || original.url === null).toBe(true);
							} else {
								expect(citation.quote).toBe("");
								expect(annotations.map((annotation) => annotation.url)).toContain(citation.url);
							}
						});
					});
				},
			),
		);
	});

	it("leaves the output unchanged when an annotation falls outside the findings", () => {
		const output: AgentOutput = { findings: [], narrative: "See the report." };
		const text = JSON.stringify(output);
		expect(
			applyUrlCitations(output, text, [{ url: "https://a.example/", title: null, start: 14, end: 20 }]),
		).toEqual(output);
	});
});

describe("attemptBudget", () => {
	it("never lets (retries + 1) × timeout exceed the time left, and retries at most twice", () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 3_600_000 }), (left) => {
				const { maxRetries, timeout } = attemptBudget(left);
				expect((maxRetries + 1) * timeout).toBeLessThanOrEqual(left);
				expect(maxRetries).toBeGreaterThanOrEqual(0);
				expect(maxRetries).toBeLessThanOrEqual(2);
				expect(timeout).toBeGreaterThanOrEqual(1);
			}),
		);
	});

	it("drops retries when an attempt would get less than 5 s", () => {
		expect(attemptBudget(60_000)).toEqual({ maxRetries: 2, timeout: 20_000 });
		expect(attemptBudget(12_000)).toEqual({ maxRetries: 1, timeout: 6_000 });
		expect(attemptBudget(8_000)).toEqual({ maxRetries: 0, timeout: 8_000 });
	});
});

describe("statusKind and retryAfterMs", () => {
	it("classifies statuses", () => {
		expect(statusKind(429, false)).toBe("rate_limited");
		expect(statusKind(429, true)).toBe("spend_limit");
		expect(statusKind(401, false)).toBe("auth");
		expect(statusKind(403, false)).toBe("auth");
		expect(statusKind(408, false)).toBe("timeout");
		expect(statusKind(503, false)).toBe("overloaded");
		expect(statusKind(529, false)).toBe("overloaded");
		expect(statusKind(502, false)).toBe("server");
		expect(statusKind(400, false)).toBe("invalid_request");
		expect(statusKind(404, false)).toBe("invalid_request");
	});

	it("reads retry-after-ms, then retry-after in seconds or as a date", () => {
		const now = Date.parse("2026-11-24T12:00:00Z");
		expect(retryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now)).toBe(250);
		expect(retryAfterMs(new Headers({ "retry-after": "2" }), now)).toBe(2000);
		expect(retryAfterMs(new Headers({ "retry-after": "Tue, 24 Nov 2026 12:00:05 GMT" }), now)).toBe(5000);
		expect(retryAfterMs(new Headers({ "retry-after": "soon" }), now)).toBeUndefined();
		expect(retryAfterMs(undefined, now)).toBeUndefined();
	});
});

describe("RetrievedPages", () => {
	it("deduplicates by URL, fills a missing title and ignores non-web URLs", () => {
		const pages = new RetrievedPages();
		pages.add("https://a.example/x");
		pages.add("https://a.example/x", "A");
		pages.add("https://a.example/x", "B");
		pages.add("javascript:alert(1)", "bad");
		pages.add("not a url");
		expect(pages.list()).toEqual([{ url: "https://a.example/x", title: "A" }]);
	});
});

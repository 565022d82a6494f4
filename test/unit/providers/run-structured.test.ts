import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { decompositionJsonSchema } from "../../../src/agents/decompose-with-provider";
import { createAnthropicProvider } from "../../../src/providers/anthropic";
import { extractiveProvider } from "../../../src/providers/extractive";
import { createGeminiProvider, geminiResponseSchema } from "../../../src/providers/gemini";
import { createOpenAIProvider } from "../../../src/providers/openai";
import { strictJsonSchema } from "../../../src/providers/openai-shared";
import { createOpenRouterProvider } from "../../../src/providers/openrouter";
import {
	type Provider,
	ProviderError,
	type StructuredRequest,
	type StructuredResult,
	ZERO_TOKEN_USAGE,
} from "../../../src/providers/types";
import { DecompositionSchema } from "../../../src/swarm/decompose";
import {
	hangingResponder,
	type Recording,
	replay,
	type SentRequest,
} from "../../fixtures/providers/openai/harness";

type ProviderName = "anthropic" | "openai" | "openrouter" | "gemini";

const KEYS: Record<ProviderName, string> = {
	anthropic: "sk-ant-api03-Structured7Qm2Xv9Lp4Wd8Rk1Tz6Hb3Nc5Jf0Ys-StructTestKeyAA",
	openai: "sk-proj-StructuredOutputTestKey0123456789abcdefghijklmnopQr7T",
	openrouter: "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",
	gemini: "AIzaSyStructured-test-Wm4pQ8vLr2xN6zT0cK",
};
const FACTORIES: Record<ProviderName, (options: { apiKey: string; fetch: typeof fetch }) => Provider> = {
	anthropic: createAnthropicProvider,
	openai: createOpenAIProvider,
	openrouter: createOpenRouterProvider,
	gemini: createGeminiProvider,
};

const INSTRUCTIONS = "You plan research. Answer only with a goal_decomposition object.";
const PROMPT =
	'Split this research goal into 2 to 4 sub-goals.\n<source kind="goal">\nHeat pumps vs gas furnaces for a cold-climate home\n</source>';
const SCHEMA = decompositionJsonSchema(4);

function recording(provider: ProviderName, name: string): Recording {
	const path = new URL(`../../fixtures/providers/${provider}/${name}.json`, import.meta.url);
	return JSON.parse(readFileSync(path, "utf8")) as Recording;
}

function structuredRequest(model: string, overrides: Partial<StructuredRequest> = {}): StructuredRequest {
	return {
		model,
		instructions: INSTRUCTIONS,
		prompt: PROMPT,
		schemaName: "goal_decomposition",
		jsonSchema: SCHEMA,
		maxOutputTokens: 4096,
		timeoutMs: 30_000,
		signal: new AbortController().signal,
		...overrides,
	};
}

function wired(name: ProviderName, ...responders: Parameters<typeof replay>[0]) {
	const wire = replay(responders);
	return { provider: FACTORIES[name]({ apiKey: KEYS[name], fetch: wire.fetch }), requests: wire.requests };
}

function only(requests: SentRequest[]): SentRequest {
	expect(requests).toHaveLength(1);
	const [request] = requests;
	if (!request) throw new Error("no request");
	return request;
}

async function failure(promise: Promise<StructuredResult>): Promise<ProviderError> {
	const error = await promise.then(
		() => null,
		(caught: unknown) => caught,
	);
	if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
	return error;
}

function expectNoSecret(error: ProviderError, name: ProviderName): void {
	expect(error.message).not.toContain(KEYS[name]);
	expect(inspect(error, { depth: 5 })).not.toContain(KEYS[name]);
	expect(JSON.stringify(error)).not.toContain(KEYS[name]);
}

/** The decomposition a recorded body carries, as the model wrote it. */
function recordedDecomposition(provider: ProviderName, name: string): unknown {
	const body = recording(provider, name).body as {
		content?: { type: string; input?: unknown }[];
		output?: { type: string; content?: { text: string }[] }[];
		choices?: { message: { content: string } }[];
		candidates?: { content: { parts: { text: string }[] } }[];
	};
	if (provider === "anthropic") return body.content?.find((block) => block.type === "tool_use")?.input;
	const text =
		body.output?.find((item) => item.type === "message")?.content?.[0]?.text ??
		body.choices?.[0]?.message.content ??
		body.candidates?.[0]?.content.parts[0]?.text;
	return JSON.parse(text ?? "null");
}

describe("recorded decompositions", () => {
	it.each([
		["anthropic", "structured-decomposition"],
		["anthropic", "structured-decomposition-forced"],
		["openai", "structured-decomposition"],
		["openrouter", "structured-decomposition"],
		["gemini", "structured-decomposition"],
	] as const)("%s/%s holds a valid decomposition of at most 4 sub-goals", (provider, name) => {
		const parsed = DecompositionSchema.parse(recordedDecomposition(provider, name));
		expect(parsed.subgoals.length).toBeLessThanOrEqual(4);
	});
});

describe("anthropic runStructured", () => {
	it("offers one tool with the schema as input_schema, says to call it when the model cannot be forced, and returns its input", async () => {
		const { provider, requests } = wired("anthropic", recording("anthropic", "structured-decomposition"));
		const result = await provider.runStructured(structuredRequest("claude-sonnet-5-5"));

		const request = only(requests);
		expect(request.url).toBe("https://api.anthropic.com/v1/messages");
		const { $schema: _dialect, ...inputSchema } = SCHEMA;
		expect(request.body).toEqual({
			model: "claude-sonnet-5-5",
			max_tokens: 4096,
			system: [{ type: "text", text: INSTRUCTIONS, cache_control: { type: "ephemeral" } }],
			tools: [{ name: "goal_decomposition", description: expect.any(String), input_schema: inputSchema }],
			tool_choice: { type: "auto" },
			messages: [{ role: "user", content: `${PROMPT}\n\nAnswer by calling goal_decomposition.` }],
		});
		const expected = recordedDecomposition("anthropic", "structured-decomposition");
		expect(result.value).toEqual(expected);
		expect(result.rawOutput).toBe(JSON.stringify(expected));
		expect(result.model).toBe("claude-sonnet-5-5");
		expect(result.usage).toEqual({ ...ZERO_TOKEN_USAGE, inputTokens: 912, outputTokens: 618 });
		expect(result.callLatenciesMs).toHaveLength(1);
	});

	it("forces the tool on a model that accepts a forced choice and leaves the prompt as it is", async () => {
		const { provider, requests } = wired(
			"anthropic",
			recording("anthropic", "structured-decomposition-forced"),
		);
		const result = await provider.runStructured(structuredRequest("claude-haiku-4-5-20251001"));

		const request = only(requests);
		expect(request.body.tool_choice).toEqual({ type: "tool", name: "goal_decomposition" });
		expect(request.body.messages).toEqual([{ role: "user", content: PROMPT }]);
		expect(result.model).toBe("claude-haiku-4-5-20251001");
		expect(result.value).toEqual(recordedDecomposition("anthropic", "structured-decomposition-forced"));
	});

	it("returns no value and the text when the model answers in prose", async () => {
		const { provider } = wired("anthropic", recording("anthropic", "record-text-answer"));
		const result = await provider.runStructured(structuredRequest("claude-sonnet-5-5"));
		expect(result.value).toBeUndefined();
		expect(result.rawOutput).toMatch(/^Based on the attached trial/);
	});

	it("fails an authentication error at once, without the key in the error", async () => {
		const { provider, requests } = wired("anthropic", recording("anthropic", "error-401-authentication"));
		const error = await failure(provider.runStructured(structuredRequest("claude-sonnet-5-5")));
		expect(error).toMatchObject({ provider: "anthropic", kind: "auth", options: { status: 401 } });
		expect(requests).toHaveLength(1);
		expectNoSecret(error, "anthropic");
	});
});

describe("openai runStructured", () => {
	it("sends one Responses request with the strict schema as text.format and no tools, and parses the text", async () => {
		const { provider, requests } = wired("openai", recording("openai", "structured-decomposition"));
		const result = await provider.runStructured(structuredRequest("gpt-6.1-sol"));

		const request = only(requests);
		expect(request.url).toBe("https://api.openai.com/v1/responses");
		expect(request.body).toEqual({
			model: "gpt-6.1-sol",
			instructions: INSTRUCTIONS,
			input: [{ role: "user", content: PROMPT }],
			max_output_tokens: 4096,
			store: false,
			text: {
				format: {
					type: "json_schema",
					name: "goal_decomposition",
					schema: strictJsonSchema(SCHEMA),
					strict: true,
				},
			},
		});
		expect(result.value).toEqual(recordedDecomposition("openai", "structured-decomposition"));
		expect(JSON.parse(result.rawOutput)).toEqual(result.value);
		expect(result.model).toBe("gpt-6.1-sol");
		expect(result.usage).toEqual({ ...ZERO_TOKEN_USAGE, inputTokens: 1034, outputTokens: 733 });
		expect(result.callLatenciesMs).toHaveLength(1);
	});

	it("fails an exhausted quota (429 insufficient_quota) as a spend limit, without retrying", async () => {
		const { provider, requests } = wired("openai", recording("openai", "error-429-insufficient-quota"));
		const error = await failure(provider.runStructured(structuredRequest("gpt-6.1-sol")));
		expect(error).toMatchObject({ provider: "openai", kind: "spend_limit", options: { status: 429 } });
		expect(requests).toHaveLength(1);
		expectNoSecret(error, "openai");
	});

	it("ends a call that never answers as a timeout within its budget", async () => {
		const { provider } = wired("openai", hangingResponder());
		const started = performance.now();
		const error = await failure(provider.runStructured(structuredRequest("gpt-6.1-sol", { timeoutMs: 60 })));
		expect(error.kind).toBe("timeout");
		expect(performance.now() - started).toBeLessThan(1_000);
	});
});

describe("openrouter runStructured", () => {
	it("sends one completion with the strict schema as response_format and no search, and parses the content", async () => {
		const { provider, requests } = wired("openrouter", recording("openrouter", "structured-decomposition"));
		const result = await provider.runStructured(structuredRequest("google/gemini-3.8-flash:online"));

		const request = only(requests);
		expect(request.url).toBe("https://openrouter.ai/api/v1/chat/completions");
		expect(request.headers.get("x-title")).toBe("research-swarm");
		expect(request.body).toEqual({
			model: "google/gemini-3.8-flash",
			messages: [
				{ role: "system", content: INSTRUCTIONS },
				{ role: "user", content: PROMPT },
			],
			max_tokens: 4096,
			response_format: {
				type: "json_schema",
				json_schema: { name: "goal_decomposition", schema: strictJsonSchema(SCHEMA), strict: true },
			},
		});
		expect(result.value).toEqual(recordedDecomposition("openrouter", "structured-decomposition"));
		expect(result.model).toBe("google/gemini-3.8-flash");
		expect(result.usage).toEqual({ ...ZERO_TOKEN_USAGE, inputTokens: 1088, outputTokens: 655 });
	});

	it("returns no value and the text when the model answers in prose", async () => {
		const { provider } = wired("openrouter", recording("openrouter", "completion-prose"));
		const result = await provider.runStructured(structuredRequest("google/gemini-3.8-flash"));
		expect(result.value).toBeUndefined();
		expect(result.rawOutput.length).toBeGreaterThan(0);
		expect(() => JSON.parse(result.rawOutput)).toThrow();
	});

	it("fails insufficient credits (402) as a spend limit, without retrying", async () => {
		const { provider, requests } = wired(
			"openrouter",
			recording("openrouter", "error-402-insufficient-credits"),
		);
		const error = await failure(provider.runStructured(structuredRequest("google/gemini-3.8-flash")));
		expect(error).toMatchObject({ provider: "openrouter", kind: "spend_limit", options: { status: 402 } });
		expect(requests).toHaveLength(1);
		expectNoSecret(error, "openrouter");
	});
});

describe("gemini runStructured", () => {
	it("sends one generateContent call with the schema as responseJsonSchema and no tools, and parses the text", async () => {
		const { provider, requests } = wired("gemini", recording("gemini", "structured-decomposition"));
		const result = await provider.runStructured(structuredRequest("gemini-3.8-flash"));

		const request = only(requests);
		expect(request.url).toContain("/models/gemini-3.8-flash:generateContent");
		expect(request.headers.get("x-goog-api-key")).toBe(KEYS.gemini);
		expect(request.body.contents).toEqual([{ role: "user", parts: [{ text: PROMPT }] }]);
		expect(request.body.systemInstruction).toMatchObject({ parts: [{ text: INSTRUCTIONS }] });
		expect(request.body.tools).toBeUndefined();
		expect(request.body.generationConfig).toEqual({
			maxOutputTokens: 4096,
			responseMimeType: "application/json",
			responseJsonSchema: geminiResponseSchema(SCHEMA),
		});
		expect(result.value).toEqual(recordedDecomposition("gemini", "structured-decomposition"));
		expect(result.model).toBe("gemini-3.8-flash");
		expect(result.usage).toEqual({ ...ZERO_TOKEN_USAGE, inputTokens: 1012, outputTokens: 694 + 396 });
		expect(result.callLatenciesMs).toHaveLength(1);
	});

	it("fails a denied key (403) as an auth error, without retrying", async () => {
		const { provider, requests } = wired("gemini", recording("gemini", "error-403-permission-denied"));
		const error = await failure(provider.runStructured(structuredRequest("gemini-3.8-flash")));
		expect(error).toMatchObject({ provider: "gemini", kind: "auth", options: { status: 403 } });
		expect(requests).toHaveLength(1);
		expectNoSecret(error, "gemini");
	});
});

describe("extractive runStructured", () => {
	it("refuses: it has no model", async () => {
		const error = await failure(extractiveProvider.runStructured(structuredRequest("")));
		expect(error).toMatchObject({ provider: "extractive", kind: "invalid_request" });
		expect(error.retryable).toBe(false);
	});
});

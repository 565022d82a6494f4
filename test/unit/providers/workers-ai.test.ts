import { describe, expect, it } from "vitest";
import { costOf, toUsage } from "../../../src/providers/cost";
import { AGENT_OUTPUT_JSON_SCHEMA, strictJsonSchema } from "../../../src/providers/openai-shared";
import { DEFAULT_MODELS, priceOf, workersAiNeurons } from "../../../src/providers/prices";
import { providerFor } from "../../../src/providers/registry";
import { chooseProvider, fallbackProvider } from "../../../src/providers/router";
import { configuredProviders, providerSettings } from "../../../src/providers/settings";
import { ProviderError } from "../../../src/providers/types";
import {
	createWorkersAiProvider,
	type WorkersAiChatInput,
	type WorkersAiTextBinding,
} from "../../../src/providers/workers-ai";
import { workersAiError } from "../../../src/providers/workers-ai-errors";
import { agentTurn } from "../../fixtures/providers/openai/harness";
import chatCompletion from "../../fixtures/providers/workers-ai/chat-completion.json";
import prose from "../../fixtures/providers/workers-ai/chat-completion-prose.json";
import classic from "../../fixtures/providers/workers-ai/classic-json-mode.json";
import structuredAnswer from "../../fixtures/providers/workers-ai/structured-answer.json";

const MODEL = DEFAULT_MODELS["workers-ai"].default;

type Sent = { model: string; input: WorkersAiChatInput; signal: AbortSignal };

/** A stand-in for the `AI` binding: answers each call with the next recorded answer (or throws it). */
function stubBinding(answers: unknown[]): WorkersAiTextBinding & { sent: Sent[] } {
	const sent: Sent[] = [];
	return {
		sent,
		async run(model, input, options) {
			sent.push({ model, input: structuredClone(input), signal: options.signal });
			const answer = answers.shift();
			if (answer instanceof Error) throw answer;
			if (answer === undefined) throw new Error("no recorded answer left");
			return structuredClone(answer);
		},
	};
}

/** An error as the binding throws it: Workers AI's internal code and message. */
function bindingError(name: string, message: string): Error {
	const error = new Error(message);
	error.name = name;
	return error;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof ProviderError) return error;
		throw error;
	}
	throw new Error("expected a ProviderError");
}

describe("the workers-ai provider", () => {
	it("sends the model id, the messages and JSON mode with the strict agent-output schema", async () => {
		const ai = stubBinding([chatCompletion]);
		const turn = agentTurn(MODEL, { maxOutputTokens: 4096 });
		await createWorkersAiProvider(ai).runTurn(turn);

		expect(ai.sent).toHaveLength(1);
		const [call] = ai.sent;
		expect(call?.model).toBe("@cf/google/gemma-4-26b-a4b-it");
		expect(call?.input).toEqual({
			messages: [
				{ role: "system", content: turn.instructions },
				{ role: "user", content: turn.prompt },
			],
			max_tokens: 4096,
			response_format: {
				type: "json_schema",
				json_schema: { name: "agent_output", schema: AGENT_OUTPUT_JSON_SCHEMA, strict: true },
			},
		});
		expect(call?.signal).toBeInstanceOf(AbortSignal);
		expect(call?.signal.aborted).toBe(false);
	});

	it("reads the findings of a chat completion and prices its usage in Neurons", async () => {
		const result = await createWorkersAiProvider(stubBinding([chatCompletion])).runTurn(agentTurn(MODEL));

		const [citation] = result.output.findings.flatMap((finding) => finding.citations);
		expect(result.output.findings).toHaveLength(1);
		expect([citation?.sourceId, citation?.url]).toEqual(["S1", null]);
		expect(citation?.quote).toMatch(
			/^The Norwegian trial .* seasonal COP of 2\.8 at an average outdoor temperature of -7 °C$/,
		);
		expect(result.model).toBe(MODEL);
		expect(result.retrieved).toEqual([]);
		expect(result.callLatenciesMs).toHaveLength(1);
		// 1,864 prompt tokens of which 512 cached: 1,352 uncached input and 512 cache reads.
		expect(result.usage).toEqual({
			inputTokens: 1352,
			outputTokens: 241,
			cacheReadTokens: 512,
			cacheWriteTokens: 0,
			searchCalls: 0,
			fetchCalls: 0,
		});
		const price = priceOf("workers-ai", MODEL);
		expect(price).not.toBeNull();
		if (!price) return;
		// $0.10 per M prompt tokens (cached or not) and $0.30 per M output tokens.
		const cost = costOf(price, result.usage);
		expect(cost).toBeCloseTo((1864 * 0.1 + 241 * 0.3) / 1_000_000, 12);
		// At $0.011 per 1,000 Neurons: 1,864 × 9,090.9 / 1e6 + 241 × 27,272.7 / 1e6 ≈ 23.52 Neurons.
		expect(workersAiNeurons(cost)).toBeCloseTo(23.518, 3);
		expect(toUsage(result.usage, cost).costUsd).toBe(cost);
	});

	it("reads the older {response, usage} answer, whose response is the JSON object itself", async () => {
		const result = await createWorkersAiProvider(stubBinding([classic])).runTurn(agentTurn(MODEL));
		expect(result.output).toEqual(classic.response);
		expect(JSON.parse(result.rawOutput)).toEqual(classic.response);
		expect(result.usage.inputTokens).toBe(1790);
		expect(result.usage.outputTokens).toBe(118);
		expect(result.usage.cacheReadTokens).toBe(0);
	});

	it("repairs output that fails the schema once, adding up both calls", async () => {
		const ai = stubBinding([prose, chatCompletion]);
		const result = await createWorkersAiProvider(ai).runTurn(agentTurn(MODEL));

		expect(result.output.findings).toHaveLength(1);
		expect(ai.sent).toHaveLength(2);
		const repair = ai.sent[1]?.input.messages ?? [];
		expect(repair[2]).toEqual({ role: "assistant", content: prose.choices[0]?.message.content });
		expect(repair[3]?.role).toBe("user");
		expect(repair[3]?.content).toMatch(/does not match the required output format/);
		expect(result.usage.inputTokens).toBe(1864 + 1352);
		expect(result.usage.outputTokens).toBe(23 + 241);
		expect(result.callLatenciesMs).toHaveLength(2);
	});

	it("fails as malformed output, with the raw text, when the repair fails too", async () => {
		const error = await failure(
			createWorkersAiProvider(stubBinding([prose, prose])).runTurn(agentTurn(MODEL)),
		);
		expect(error.kind).toBe("malformed_output");
		expect(error.retryable).toBe(false);
		expect(error.options.rawOutput).toBe(prose.choices[0]?.message.content);
	});

	it("repairs an answer Workers AI could not hold to the JSON schema", async () => {
		const ai = stubBinding([
			bindingError("InferenceUpstreamError", "JSON Mode couldn't be met"),
			chatCompletion,
		]);
		const result = await createWorkersAiProvider(ai).runTurn(agentTurn(MODEL));
		expect(result.output.findings).toHaveLength(1);
		expect(ai.sent).toHaveLength(2);
	});

	it("classifies the binding's errors as the other adapters' error kinds", async () => {
		const cases: [Error, string, boolean][] = [
			[
				bindingError("InferenceUpstreamError", "3040: Capacity temporarily exceeded, please try again."),
				"overloaded",
				true,
			],
			[
				bindingError(
					"AiError",
					"3036: You have used up your daily free allocation of 10,000 neurons. Please upgrade to Cloudflare's Workers Paid plan if you would like to continue usage.",
				),
				"spend_limit",
				false,
			],
			[bindingError("InferenceUpstreamError", "429 Too Many Requests: rate limited"), "rate_limited", true],
			[bindingError("AiError", "5007: No such model @cf/nobody/none or task"), "invalid_request", false],
			[bindingError("AiError", "5016: User has not agreed to Llama3.2 model terms"), "auth", false],
			[bindingError("InferenceUpstreamError", "3007: Request timeout"), "timeout", true],
			[bindingError("AiInternalError", "internal error"), "server", true],
			[new Error("Capacity temporarily exceeded, please try again."), "overloaded", true],
		];
		for (const [thrown, kind, retryable] of cases) {
			const error = await failure(createWorkersAiProvider(stubBinding([thrown])).runTurn(agentTurn(MODEL)));
			expect(error.kind, thrown.message).toBe(kind);
			expect(error.retryable, thrown.message).toBe(retryable);
			expect(error.provider).toBe("workers-ai");
		}
		expect(workersAiError(bindingError("AbortError", "The operation was aborted")).kind).toBe("timeout");
		const unknownShape = await failure(
			createWorkersAiProvider(stubBinding([{ result: "no choices, no response" }])).runTurn(agentTurn(MODEL)),
		);
		expect(unknownShape.kind).toBe("server");
	});

	it("stops before calling when the turn was cancelled", async () => {
		const caller = new AbortController();
		caller.abort();
		const ai = stubBinding([chatCompletion]);
		const error = await failure(
			createWorkersAiProvider(ai).runTurn(agentTurn(MODEL, { signal: caller.signal })),
		);
		expect(error.kind).toBe("timeout");
		expect(ai.sent).toHaveLength(0);
	});

	it("answers a structured request with the caller's schema in JSON mode", async () => {
		const ai = stubBinding([structuredAnswer]);
		const schema = {
			type: "object",
			properties: { verdict: { type: "string" }, why: { type: "string" } },
			required: ["verdict"],
		};
		const result = await createWorkersAiProvider(ai).runStructured({
			model: MODEL,
			instructions: "Judge the claim.",
			prompt: "Claim and quote.",
			schemaName: "support_verdict",
			jsonSchema: schema,
			maxOutputTokens: 1024,
			timeoutMs: 30_000,
			signal: new AbortController().signal,
		});
		expect(ai.sent[0]?.input.response_format).toEqual({
			type: "json_schema",
			json_schema: { name: "support_verdict", schema: strictJsonSchema(schema), strict: true },
		});
		expect(result.value).toEqual({
			verdict: "supported",
			why: "The quote states the COP and temperature of the claim.",
		});
		expect(result.usage.inputTokens).toBe(402);
	});
});

describe("choosing workers-ai", () => {
	const local = { ENVIRONMENT: "development" } as unknown as Env;
	const deployed = { ...local, AI: stubBinding([]) } as unknown as Env;

	it("is configured by the AI binding alone, after every keyed provider", () => {
		expect(configuredProviders(providerSettings(deployed))).toEqual(["workers-ai", "extractive"]);
		expect(
			configuredProviders(providerSettings({ ...deployed, OPENAI_API_KEY: "sk-1" } as unknown as Env)),
		).toEqual(["openai", "workers-ai", "extractive"]);
		expect(configuredProviders(providerSettings(local))).toEqual(["extractive"]);
	});

	it("is what auto runs on with no third-party key; without the binding auto stays extractive", () => {
		const task = "How do air-source heat pumps perform in cold climates?";
		const withBinding = configuredProviders(providerSettings(deployed));
		expect(chooseProvider(task, undefined, withBinding, false)).toEqual({ provider: "workers-ai" });
		expect(chooseProvider(task, "auto", withBinding, true)).toEqual({ provider: "workers-ai" });
		const withoutBinding = configuredProviders(providerSettings(local));
		expect(chooseProvider(task, "auto", withoutBinding, false)).toEqual({ provider: "extractive" });
		expect(chooseProvider(task, "workers-ai", withoutBinding, false)).toEqual({
			error: "not_configured",
			requested: "workers-ai",
		});
		const withKey = configuredProviders(
			providerSettings({ ...deployed, ANTHROPIC_API_KEY: "sk-ant-1" } as unknown as Env),
		);
		expect(chooseProvider(task, "auto", withKey, false)).toEqual({ provider: "anthropic" });
		expect(fallbackProvider("anthropic", withKey, new Set(["anthropic"]))).toBe("workers-ai");
	});

	it("builds the provider from the binding, and refuses it without one", () => {
		expect(providerFor("workers-ai", providerSettings(deployed)).name).toBe("workers-ai");
		expect(() => providerFor("workers-ai", providerSettings(local))).toThrow(/not configured/);
	});
});

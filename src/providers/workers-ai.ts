/**
 * The Workers AI adapter: a text-generation model run through the Worker's `AI` binding
 * (`env.AI.run(model, input, {signal})`), so a deployment needs no third-party key for it. The binding
 * exists only on Cloudflare (Workers AI has no local simulator), which is why the `AI` binding is
 * declared in `[env.production]` of wrangler.toml and local runs stay on the extractive provider.
 *
 * Request: Chat Completions input — `messages` (system instructions, user prompt), `max_tokens` and
 * JSON mode, `response_format: {type: "json_schema", json_schema: {name, schema, strict: true}}` with
 * the strict agent-output schema (https://developers.cloudflare.com/workers-ai/features/json-mode/).
 * JSON mode does not stream, so a followed turn reports its phases only.
 *
 * Answer: the current models (Gemma 4, GLM, Kimi, …) answer with a chat completion
 * (`choices[0].message.content`, `usage` with `prompt_tokens_details.cached_tokens`); the older ones
 * with `{response, usage}`, where `response` is the JSON object itself in JSON mode. Both are read.
 *
 * Research: Workers AI has no web search. The model works on what the prompt carries — the job's
 * retrieved sources inside `<source>` elements and the upstream findings — and cites them by source id;
 * lent `ResearchTools` are not called.
 *
 * Failures are classified by `workers-ai-errors.ts`; "JSON Mode couldn't be met" is an answer that
 * failed the schema and gets the one repair call any malformed output gets.
 */
import { z } from "zod";
import { sumTokenUsage } from "../lib/usage";
import {
	AGENT_OUTPUT_FORMAT_NAME,
	AGENT_OUTPUT_JSON_SCHEMA,
	disjointUsage,
	type JsonSchema,
	repairInstruction,
	strictJsonSchema,
	validateWithOneRepair,
} from "./openai-shared";
import { TURN_PHASES, TurnProgressMeter } from "./progress";
import type {
	AgentTurn,
	Provider,
	StructuredRequest,
	StructuredResult,
	TokenUsage,
	TurnResult,
} from "./types";
import { ProviderError, structuredResultOf, ZERO_TOKEN_USAGE } from "./types";
import { isJsonModeFailure, WORKERS_AI_PROVIDER_NAME, workersAiError } from "./workers-ai-errors";

/** One message of a Chat Completions input. */
export type WorkersAiMessage = { role: "system" | "user" | "assistant"; content: string };

/** The Chat Completions input the adapter sends: messages, an output cap and JSON mode. */
export type WorkersAiChatInput = {
	messages: WorkersAiMessage[];
	max_tokens: number;
	response_format: {
		type: "json_schema";
		json_schema: { name: string; schema: JsonSchema; strict: true };
	};
};

/** The part of the `AI` binding a text-generation call uses (`Ai.run` in the runtime types). */
export type WorkersAiTextBinding = {
	run(model: string, inputs: WorkersAiChatInput, options: { signal: AbortSignal }): Promise<unknown>;
};

/** Whether `value` looks like the `AI` binding: an object with a `run` method. */
export function isWorkersAiBinding(value: unknown): value is WorkersAiTextBinding {
	return (
		typeof value === "object" &&
		value !== null &&
		"run" in value &&
		typeof (value as { run: unknown }).run === "function"
	);
}

const count = z.number().int().nonnegative().catch(0);
const UsageSchema = z
	.object({
		prompt_tokens: count.default(0),
		completion_tokens: count.default(0),
		prompt_tokens_details: z
			.object({ cached_tokens: count.default(0) })
			.nullish()
			.catch(null),
	})
	.nullish()
	.catch(null);

const ChatCompletionSchema = z.object({
	model: z.string().optional(),
	choices: z
		.array(
			z.object({
				message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
			}),
		)
		.min(1),
	usage: UsageSchema,
});

const ClassicSchema = z.object({
	response: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown()), z.null()]),
	usage: UsageSchema,
});

/** The text of an older model's `response`: as it is, or the JSON text of the object JSON mode returns. */
function classicText(response: unknown): string {
	if (typeof response === "string") return response;
	return response === null || response === undefined ? "" : JSON.stringify(response);
}

/** What one call produced, in the adapter's terms. */
export type WorkersAiReply = { text: string; usage: TokenUsage; model: string };

/**
 * Reads a Workers AI answer in either shape: a chat completion, or `{response, usage}` whose `response`
 * may be the JSON object itself. The text is the model's answer as JSON text; the usage is disjoint
 * (cached prompt tokens counted as cache reads, not input). Throws a `server` ProviderError for an
 * answer in neither shape.
 *
 * @example readAnswer({ response: { a: 1 }, usage: { prompt_tokens: 9, completion_tokens: 4 } }, "m")
 * // → { text: '{"a":1}', usage: { inputTokens: 9, outputTokens: 4, … }, model: "m" }
 */
export function readAnswer(answer: unknown, model: string): WorkersAiReply {
	const completion = ChatCompletionSchema.safeParse(answer);
	const classic = completion.success ? null : ClassicSchema.safeParse(answer);
	if (!completion.success && !classic?.success) {
		throw new ProviderError(WORKERS_AI_PROVIDER_NAME, "server", "Workers AI answered in an unknown shape");
	}
	const usage = completion.success ? completion.data.usage : classic?.data?.usage;
	const message = completion.data?.choices[0]?.message;
	const text = completion.success
		? (message?.content ?? message?.refusal ?? "")
		: classicText(classic?.data?.response);
	return {
		text,
		usage: disjointUsage({
			prompt: usage?.prompt_tokens ?? 0,
			output: usage?.completion_tokens ?? 0,
			cached: usage?.prompt_tokens_details?.cached_tokens ?? 0,
			written: 0,
			searchCalls: 0,
			fetchCalls: 0,
		}),
		model: completion.data?.model ?? model,
	};
}

/** The Chat Completions input of a call whose answer is JSON of `schema`. */
export function chatInput(
	messages: WorkersAiMessage[],
	maxOutputTokens: number,
	format: { name: string; schema: JsonSchema },
): WorkersAiChatInput {
	return {
		messages,
		max_tokens: maxOutputTokens,
		response_format: { type: "json_schema", json_schema: { ...format, strict: true } },
	};
}

/** The calls of one turn: each within the turn's time left, usage and latencies added up. */
class WorkersAiSession {
	readonly latenciesMs: number[] = [];
	readonly progress: TurnProgressMeter;
	usage: TokenUsage = ZERO_TOKEN_USAGE;
	private readonly deadline: number;

	constructor(
		private readonly ai: WorkersAiTextBinding,
		private readonly turn: Pick<AgentTurn, "model" | "timeoutMs" | "signal" | "onProgress">,
	) {
		this.deadline = performance.now() + turn.timeoutMs;
		this.progress = new TurnProgressMeter(turn.onProgress);
	}

	/** Runs one call; a JSON-mode failure comes back as an empty answer so that it can be repaired. */
	async call(input: WorkersAiChatInput): Promise<WorkersAiReply> {
		const left = this.deadline - performance.now();
		if (left < 1 || this.turn.signal.aborted) {
			throw new ProviderError(
				WORKERS_AI_PROVIDER_NAME,
				"timeout",
				"the turn's time budget is spent or it was cancelled",
			);
		}
		const signal = AbortSignal.any([this.turn.signal, AbortSignal.timeout(Math.ceil(left))]);
		const started = performance.now();
		let reply: WorkersAiReply;
		try {
			reply = readAnswer(await this.ai.run(this.turn.model, input, { signal }), this.turn.model);
		} catch (error) {
			if (!isJsonModeFailure(error)) throw workersAiError(error);
			reply = { text: "", usage: ZERO_TOKEN_USAGE, model: this.turn.model };
		} finally {
			this.latenciesMs.push(performance.now() - started);
		}
		this.usage = sumTokenUsage(this.usage, reply.usage);
		this.progress.settle(this.usage);
		return reply;
	}
}

function baseMessages(call: Pick<AgentTurn, "instructions" | "prompt">): WorkersAiMessage[] {
	return [
		{ role: "system", content: call.instructions },
		{ role: "user", content: call.prompt },
	];
}

const AGENT_FORMAT = { name: AGENT_OUTPUT_FORMAT_NAME, schema: AGENT_OUTPUT_JSON_SCHEMA };

async function runWorkersAiTurn(ai: WorkersAiTextBinding, turn: AgentTurn): Promise<TurnResult> {
	const session = new WorkersAiSession(ai, turn);
	session.progress.phase(TURN_PHASES.write);
	const first = await session.call(chatInput(baseMessages(turn), turn.maxOutputTokens, AGENT_FORMAT));
	const { reply, output } = await validateWithOneRepair(
		first,
		(previous, error) => {
			session.progress.phase(TURN_PHASES.repair);
			const messages: WorkersAiMessage[] = [
				...baseMessages(turn),
				{ role: "assistant", content: previous.text },
				{ role: "user", content: repairInstruction(error) },
			];
			return session.call(chatInput(messages, turn.maxOutputTokens, AGENT_FORMAT));
		},
		WORKERS_AI_PROVIDER_NAME,
	);
	return {
		output,
		retrieved: [],
		usage: session.usage,
		callLatenciesMs: session.latenciesMs,
		rawOutput: reply.text,
		model: reply.model,
	};
}

async function runWorkersAiStructured(
	ai: WorkersAiTextBinding,
	request: StructuredRequest,
): Promise<StructuredResult> {
	const session = new WorkersAiSession(ai, request);
	const reply = await session.call(
		chatInput(baseMessages(request), request.maxOutputTokens, {
			name: request.schemaName,
			schema: strictJsonSchema(request.jsonSchema),
		}),
	);
	return structuredResultOf(reply, { usage: session.usage, callLatenciesMs: session.latenciesMs });
}

/**
 * The Workers AI provider over the deployment's `AI` binding (a stub with the same `run` in tests).
 * @example createWorkersAiProvider(env.AI).runTurn(turn)
 */
export function createWorkersAiProvider(ai: WorkersAiTextBinding): Provider {
	return {
		name: WORKERS_AI_PROVIDER_NAME,
		supportsNativeSearch: () => false,
		runTurn: (turn) => runWorkersAiTurn(ai, turn),
		runStructured: (request) => runWorkersAiStructured(ai, request),
	};
}

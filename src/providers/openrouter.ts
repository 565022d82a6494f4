/**
 * The OpenRouter adapter: Chat Completions (`client.chat.completions.create`) on the `openai` SDK with
 * OpenRouter's base URL and its app attribution headers, the agent output enforced through
 * `response_format` (strict JSON schema).
 *
 * Search, by model:
 * - Every model searches through OpenRouter's `openrouter:web_search` server tool when the turn may
 *   search: the request's `tools` carry `{type: "openrouter:web_search", parameters: {engine: "exa",
 *   max_results: 5, max_total_results: 5 × maxUses}}`, so the model decides when and how often to search,
 *   OpenRouter runs each search, and the results are fetched by Exa at the price the table charges
 *   (5 results, $0.02 a search) whatever the model's own search would cost; `max_total_results` caps a
 *   turn at `maxUses` searches' worth of results. The searches a call ran are
 *   `usage.server_tool_use.web_search_requests`. The deprecated `web` plugin and `:online` variants are
 *   not used: an `:online` suffix is dropped and the model searches by the server tool.
 * - `perplexity/sonar…` models always search; each call counts as one search, and no tool is sent.
 *
 * OpenRouter reports web results of every search (the server tool, Perplexity) as `url_citation`
 * annotations of the message; they are mapped onto findings as described in `openai-shared`. Their
 * `content` is the search result's text, not a quote backing a claim, so it never becomes a quote.
 * `retrieved` gets every annotated page and every URL in a Perplexity `citations` list.
 *
 * Usage: prompt_tokens − cached − cache writes, completion_tokens, `prompt_tokens_details.cached_tokens`
 * and `cache_write_tokens`. Cost: OpenRouter states what each call was charged (`usage.cost`, in every
 * response without asking; `usage: {include: true}` is no longer needed). A call that states it is billed
 * at that amount, search fees included; only a call that does not is priced by the table (the turn's
 * `billing`), so no search fee is counted twice.
 * A 402 (insufficient credits) is a spend limit and is never retried. An error OpenRouter reports in
 * the body of a 200 response (generation failed after it began) is classified by its code as a status.
 * Output that fails validation gets one repair call without tools (a Sonar model still searches).
 * `runStructured` is one such call with the caller's schema, its text parsed but not validated.
 *
 * Progress: a followed turn (`onProgress`) streams the calls whose answer is their whole message text —
 * no server tool, no Sonar model (`streamsAnswer`: a call that may not search, a repair on a model that
 * does not search) — with `stream_options.include_usage`, and gathers the deltas into the completion the
 * unstreamed call returns; an error chunk is classified as an error in a 200 body is. Calls that search
 * stay unstreamed: their annotations and Perplexity citations would have to be rebuilt from chunks. They
 * report their phase instead (the web search of a server-tool or Sonar call).
 */

import type OpenAI from "openai";
import type {
	ChatCompletion,
	ChatCompletionChunk,
	ChatCompletionCreateParamsNonStreaming,
	ChatCompletionMessage,
	ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { z } from "zod";
import { openAICompatibleProvider } from "./openai-compatible";
import {
	AGENT_OUTPUT_FORMAT_NAME,
	AGENT_OUTPUT_JSON_SCHEMA,
	type CallOptions,
	disjointUsage,
	type ErrorContext,
	type JsonSchema,
	loadOpenAISdk,
	type OpenAICompatibleOptions,
	repairInstruction,
	statusError,
	strictJsonSchema,
	type TurnSession,
	type UrlAnnotation,
	validateWithOneRepair,
} from "./openai-shared";
import { TURN_PHASES, type TurnProgressMeter } from "./progress";
import {
	type AgentTurn,
	type Provider,
	ProviderError,
	type StructuredRequest,
	type StructuredResult,
	type TurnResult,
} from "./types";

export const OPENROUTER_PROVIDER_NAME = "openrouter";
export const OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";
/** OpenRouter's app attribution headers. */
export const OPENROUTER_APP_HEADERS = {
	"HTTP-Referer": "https://github.com/research-swarm",
	"X-Title": "research-swarm",
} as const;
/** Results per search of the web search server tool: its default, the amount the price table charges a search for. */
export const WEB_SEARCH_MAX_RESULTS = 5;

/**
 * Current models as OpenRouter names them: Google's current Flash model (`gemini-3.8-flash`, the model
 * of @google/genai's examples), OpenAI's general and small models (the head of the openai SDK's
 * `ChatModel` union) and Perplexity's search models, which no installed SDK lists
 * (openrouter.ai/perplexity/sonar and /sonar-pro).
 */
export const OPENROUTER_MODELS = [
	"google/gemini-3.8-flash",
	"openai/gpt-6.1-sol",
	"openai/gpt-6-luna",
	"perplexity/sonar",
	"perplexity/sonar-pro",
] as const;

/** Whether `model` is a Perplexity Sonar model, which searches the web on every request. */
export function isPerplexitySonar(model: string): boolean {
	return /^perplexity\/sonar/.test(model);
}

/** OpenRouter's spend limit: 402, the account or key has insufficient credits. */
export function isOpenRouterSpendLimit(status: number): boolean {
	return status === 402;
}

/** `model` without the deprecated `:online` suffix: the web search server tool searches instead. */
function withoutOnline(model: string): string {
	return model
		.split(":")
		.filter((part, index) => index === 0 || part !== "online")
		.join(":");
}

/** OpenRouter's web search server tool, run by OpenRouter whenever the model calls it. */
export type WebSearchServerTool = {
	type: "openrouter:web_search";
	parameters: { engine: "exa"; max_results: number; max_total_results: number };
};

/** A Chat Completions request whose tools are OpenRouter server tools (not in the SDK's tool union). */
export type OpenRouterRequest = Omit<ChatCompletionCreateParamsNonStreaming, "tools"> & {
	tools?: WebSearchServerTool[];
};

/**
 * The web search server tool for a turn of at most `maxUses` searches: Exa's engine (the price the
 * table charges, whatever the model's own search would cost), 5 results a search, and no more results
 * in all than `maxUses` searches bring.
 * @example webSearchTool(3).parameters // { engine: "exa", max_results: 5, max_total_results: 15 }
 */
export function webSearchTool(maxUses: number): WebSearchServerTool {
	return {
		type: "openrouter:web_search",
		parameters: {
			engine: "exa",
			max_results: WEB_SEARCH_MAX_RESULTS,
			max_total_results: WEB_SEARCH_MAX_RESULTS * maxUses,
		},
	};
}

function baseMessages(call: Pick<AgentTurn, "instructions" | "prompt">): ChatCompletionMessageParam[] {
	return [
		{ role: "system", content: call.instructions },
		{ role: "user", content: call.prompt },
	];
}

/** A Chat Completions request whose answer is JSON of `format.schema` (strict `response_format`). */
export function jsonChatRequest(
	model: string,
	messages: ChatCompletionMessageParam[],
	maxOutputTokens: number,
	format: { name: string; schema: JsonSchema },
	extra: Partial<OpenRouterRequest> = {},
): OpenRouterRequest {
	return {
		model,
		messages,
		max_tokens: maxOutputTokens,
		response_format: { type: "json_schema", json_schema: { ...format, strict: true } },
		...extra,
	};
}

/** The Chat Completions request of a turn: model, messages, output limit and the strict output schema. */
export function chatRequest(
	turn: AgentTurn,
	model: string,
	messages: ChatCompletionMessageParam[],
	extra: Partial<OpenRouterRequest> = {},
): OpenRouterRequest {
	return jsonChatRequest(
		model,
		messages,
		turn.maxOutputTokens,
		{ name: AGENT_OUTPUT_FORMAT_NAME, schema: AGENT_OUTPUT_JSON_SCHEMA },
		extra,
	);
}

const ErrorCarrierSchema = z.object({
	error: z.object({
		code: z.union([z.number(), z.string()]),
		message: z.string().catch("the generation failed"),
	}),
});
const CitationsSchema = z.object({ citations: z.array(z.unknown()) });

/**
 * The error OpenRouter put in the body of a 200 response or in a chunk of its stream (top level or on
 * the choice), or null.
 */
export function bodyError(
	completion: { error?: unknown; choices?: readonly unknown[] },
	errors: ErrorContext,
): ProviderError | null {
	const carriers: unknown[] = [completion, completion.choices?.[0]];
	const error = carriers
		.map((carrier) => ErrorCarrierSchema.safeParse(carrier))
		.find((parsed) => parsed.success)?.data?.error;
	if (!error) return null;
	// A non-numeric code names a failure of the upstream model, which OpenRouter reports as 502.
	const status = typeof error.code === "number" ? error.code : 502;
	return statusError(status, { code: String(error.code), type: null, message: error.message }, errors);
}

/** What one Chat Completions call produced, in the adapter's terms. */
export type ChatReply = {
	text: string;
	annotations: UrlAnnotation[];
	/** URLs of a Perplexity `citations` list. */
	citedUrls: string[];
	message: ChatCompletionMessage | null;
	model: string;
};

/** Reads the text, annotations, cited URLs and model of a completion. */
export function readCompletion(completion: ChatCompletion): ChatReply {
	const message = completion.choices?.[0]?.message ?? null;
	const annotations = (message?.annotations ?? [])
		.filter((annotation) => annotation.type === "url_citation")
		.map(({ url_citation: citation }) => ({
			url: citation.url,
			title: citation.title || null,
			start: citation.start_index,
			end: citation.end_index,
		}));
	const listed = CitationsSchema.safeParse(completion);
	return {
		text: message?.content ?? message?.refusal ?? "",
		annotations,
		citedUrls: listed.success
			? listed.data.citations.filter((url): url is string => typeof url === "string")
			: [],
		message,
		model: completion.model,
	};
}

type Call = (request: OpenRouterRequest) => Promise<ChatReply>;

/**
 * The first reply of a turn: with the web search server tool when the turn may search (a Sonar model
 * searches without it), otherwise a plain call.
 */
function firstReply(turn: AgentTurn, call: Call, session: TurnSession): Promise<ChatReply> {
	const sonar = isPerplexitySonar(turn.model);
	const searching = turn.search.enabled && turn.search.maxUses > 0 && !sonar;
	session.progress.phase(searching || sonar ? TURN_PHASES.research : TURN_PHASES.write);
	const tools = searching ? { tools: [webSearchTool(turn.search.maxUses)] } : {};
	return call(chatRequest(turn, withoutOnline(turn.model), baseMessages(turn), tools));
}

/**
 * Whether a call streams when its turn is followed: one that cannot search (no server tool, not a
 * Sonar model), whose whole answer is its message text.
 */
function streamsAnswer(request: OpenRouterRequest): boolean {
	return request.tools === undefined && !isPerplexitySonar(request.model);
}

/** The request as the SDK takes it: OpenRouter's server tools are outside the SDK's tool union, and it sends the body as given. */
function sdkRequest(request: OpenRouterRequest): ChatCompletionCreateParamsNonStreaming {
	const { tools, ...rest } = request;
	return tools === undefined
		? rest
		: ({ ...rest, tools } as unknown as ChatCompletionCreateParamsNonStreaming);
}

/** What OpenRouter adds to a completion's `usage`: the charge, and the server tool's searches. */
const OpenRouterUsageSchema = z.object({
	cost: z.number().nonnegative().optional(),
	server_tool_use: z.object({ web_search_requests: z.int().nonnegative() }).partial().optional(),
});

/**
 * One streamed call (`stream_options.include_usage`): the message text is gathered from the deltas and
 * reported as it comes, the usage taken from the last chunk, and an error chunk thrown as `bodyError`
 * classifies it. Returns the completion the unstreamed call would have returned.
 */
async function streamCompletion(
	client: OpenAI,
	errors: ErrorContext,
	request: OpenRouterRequest,
	options: CallOptions,
	progress: TurnProgressMeter,
): Promise<ChatCompletion> {
	const { APIError } = await loadOpenAISdk();
	const chunks = await client.chat.completions.create(
		{ ...sdkRequest(request), stream: true, stream_options: { include_usage: true } },
		options,
	);
	const text = { content: "", refusal: "" };
	let last: ChatCompletionChunk | null = null;
	let finishReason: ChatCompletion.Choice["finish_reason"] | null = null;
	try {
		for await (const chunk of chunks) {
			last = chunk;
			const choice = chunk.choices[0];
			text.content += choice?.delta.content ?? "";
			text.refusal += choice?.delta.refusal ?? "";
			progress.streamed((choice?.delta.content ?? "") + (choice?.delta.refusal ?? ""));
			finishReason = choice?.finish_reason ?? finishReason;
			if (chunk.usage) progress.counted({ outputTokens: chunk.usage.completion_tokens });
		}
	} catch (error) {
		// The SDK throws a chunk's `error` as an APIError without a status.
		const carried =
			error instanceof APIError && error.status === undefined
				? bodyError({ error: error.error }, errors)
				: null;
		throw carried ?? error;
	}
	if (!last) throw new ProviderError(OPENROUTER_PROVIDER_NAME, "server", "the completion stream was empty");
	return {
		id: last.id,
		object: "chat.completion",
		created: last.created,
		model: last.model,
		choices: [
			{
				index: 0,
				finish_reason: finishReason ?? "stop",
				logprobs: null,
				message: { role: "assistant", content: text.content || null, refusal: text.refusal || null },
			},
		],
		...(last.usage ? { usage: last.usage } : {}),
	};
}

/**
 * The calls of `session`, streamed when the turn is followed and `streamsAnswer` allows: an error in a
 * 200 body is thrown; usage (the server tool's searches, or one for a Sonar model), the charge OpenRouter
 * stated and every cited or annotated page are recorded.
 */
function completionCalls(client: OpenAI, errors: ErrorContext, session: TurnSession): Call {
	return async (request) => {
		const completion = await session.run((options) =>
			session.progress.listening && streamsAnswer(request)
				? streamCompletion(client, errors, request, options, session.progress)
				: client.chat.completions.create(sdkRequest(request), options),
		);
		const usage = completion.usage;
		const extra = OpenRouterUsageSchema.safeParse(usage ?? {});
		const stated = extra.success ? extra.data : {};
		const searches = isPerplexitySonar(request.model)
			? 1
			: (stated.server_tool_use?.web_search_requests ?? 0);
		// Recorded before the body's error is thrown: a generation that failed midway was still billed.
		session.record(
			disjointUsage({
				prompt: usage?.prompt_tokens ?? 0,
				output: usage?.completion_tokens ?? 0,
				cached: usage?.prompt_tokens_details?.cached_tokens ?? 0,
				written: usage?.prompt_tokens_details?.cache_write_tokens ?? 0,
				searchCalls: searches,
				fetchCalls: 0,
			}),
			stated.cost,
		);
		const failure = bodyError(completion, errors);
		if (failure) throw failure;
		const reply = readCompletion(completion);
		for (const url of reply.citedUrls) session.retrieved.add(url);
		for (const annotation of reply.annotations) session.retrieved.add(annotation.url, annotation.title);
		return reply;
	};
}

async function runOpenRouterTurn(client: OpenAI, session: TurnSession, turn: AgentTurn): Promise<TurnResult> {
	const call = completionCalls(client, session.errors, session);
	const first = await firstReply(turn, call, session);
	const { reply, output } = await validateWithOneRepair(
		first,
		(previous, error) => {
			session.progress.phase(TURN_PHASES.repair);
			return call(
				chatRequest(turn, withoutOnline(turn.model), [
					...baseMessages(turn),
					{ role: "assistant", content: previous.text },
					{ role: "user", content: repairInstruction(error) },
				]),
			);
		},
		OPENROUTER_PROVIDER_NAME,
	);
	return session.turnResult(reply, output);
}

/**
 * One strict-schema call without tools (an `:online` suffix is dropped so no search runs); the text
 * parsed as JSON.
 */
async function runOpenRouterStructured(
	client: OpenAI,
	session: TurnSession,
	request: StructuredRequest,
): Promise<StructuredResult> {
	const call = completionCalls(client, session.errors, session);
	const reply = await call(
		jsonChatRequest(withoutOnline(request.model), baseMessages(request), request.maxOutputTokens, {
			name: request.schemaName,
			schema: strictJsonSchema(request.jsonSchema),
		}),
	);
	return session.structuredResult(reply);
}

/**
 * The OpenRouter provider. `baseURL` defaults to OpenRouter's API; `fetch` replaces the runtime's fetch.
 */
export function createOpenRouterProvider(options: OpenAICompatibleOptions): Provider {
	return openAICompatibleProvider(options, {
		name: OPENROUTER_PROVIDER_NAME,
		baseURL: OPENROUTER_BASE_URL,
		isSpendLimit: isOpenRouterSpendLimit,
		defaultHeaders: OPENROUTER_APP_HEADERS,
		// Every model searches through the web search server tool, Sonar models by themselves.
		supportsNativeSearch: () => true,
		runTurn: runOpenRouterTurn,
		runStructured: runOpenRouterStructured,
	});
}

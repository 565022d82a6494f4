/**
 * The OpenRouter adapter: Chat Completions (`client.chat.completions.create`) on the `openai` SDK with
 * OpenRouter's base URL and its app attribution headers, the agent output enforced through
 * `response_format` (strict JSON schema).
 *
 * Search, by model:
 * - `…:online` variants search natively through OpenRouter's web plugin. Requests carry
 *   `plugins: [{id: "web", max_results: min(maxUses, 5)}]`: never more than the plugin's default 5
 *   results, which is what the price table charges one request for. Each such call counts as one search.
 *   When the turn may not search, the `:online` suffix is dropped so no search runs.
 * - `perplexity/sonar…` models always search; each call counts as one search.
 * - Any other model, when the turn may search and lends `ResearchTools`: a tool loop with two function
 *   tools, `web_search(query)` and `fetch_page(url)`, answered by `tools.search` / `tools.fetchPage`.
 *   At most `search.maxUses` tool calls are answered (each answered `web_search` counts as a search);
 *   once they are spent the model is called with `tool_choice: "none"` for its structured answer. Tool
 *   results go back to the model as untrusted data in `<source>` elements, a fetched page cut to
 *   `FETCHED_PAGE_CHARS` characters.
 *
 * OpenRouter reports web results of every search model (the plugin, Perplexity) as `url_citation`
 * annotations of the message; they are mapped onto findings as described in `openai-shared`. Their
 * `content` is the search result's text, not a quote backing a claim, so it never becomes a quote.
 * `retrieved` gets every annotated page, every URL in a Perplexity `citations` list, every search result
 * and every page fetched through the tools.
 *
 * Usage: prompt_tokens − cached − cache writes, completion_tokens, `prompt_tokens_details.cached_tokens`
 * and `cache_write_tokens`; OpenRouter's `usage.cost` is ignored (costs come from the price table).
 * A 402 (insufficient credits) is a spend limit and is never retried. An error OpenRouter reports in
 * the body of a 200 response (generation failed after it began) is classified by its code as a status.
 * Output that fails validation gets one repair call without plugin or tools (a Sonar model still searches).
 * `runStructured` is one such call with the caller's schema, its text parsed but not validated.
 *
 * Progress: a followed turn (`onProgress`) streams the calls whose answer is their whole message text —
 * no web plugin, no Sonar model, no tool the model may call (`streamsAnswer`: the plain call, the tool
 * loop's final answer, a repair on a model that does not search) — with `stream_options.include_usage`,
 * and gathers the deltas into the completion the unstreamed call returns; an error chunk is classified
 * as an error in a 200 body is. Calls that search or may call tools stay unstreamed: their annotations,
 * Perplexity citations and tool calls would have to be rebuilt from chunks. They report their phase
 * instead — the web search of a plugin or Sonar call, each round of the tool loop — and each tool call
 * as it is answered.
 */

import type OpenAI from "openai";
import type {
	ChatCompletion,
	ChatCompletionChunk,
	ChatCompletionCreateParamsNonStreaming,
	ChatCompletionFunctionTool,
	ChatCompletionMessage,
	ChatCompletionMessageFunctionToolCall,
	ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { z } from "zod";
import { escapeSourceText } from "../lib/untrusted";
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
	type ResearchTools,
	type StructuredRequest,
	type StructuredResult,
	type TurnResult,
	ZERO_TOKEN_USAGE,
} from "./types";

export const OPENROUTER_PROVIDER_NAME = "openrouter";
export const OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";
/** OpenRouter's app attribution headers. */
export const OPENROUTER_APP_HEADERS = {
	"HTTP-Referer": "https://github.com/research-swarm",
	"X-Title": "research-swarm",
} as const;
/** Characters of a fetched page handed to the model by `fetch_page`. */
export const FETCHED_PAGE_CHARS = 8_000;
/** Results per web-plugin search: OpenRouter's default, the amount the price table charges a request for. */
export const WEB_PLUGIN_MAX_RESULTS = 5;

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

/** Whether `model` is an OpenRouter `:online` variant (web plugin on every request). */
export function isOnlineVariant(model: string): boolean {
	return model.split(":").slice(1).includes("online");
}

/** Whether `model` is a Perplexity Sonar model, which searches the web on every request. */
export function isPerplexitySonar(model: string): boolean {
	return /^perplexity\/sonar/.test(model);
}

/** OpenRouter's spend limit: 402, the account or key has insufficient credits. */
export function isOpenRouterSpendLimit(status: number): boolean {
	return status === 402;
}

function withoutOnline(model: string): string {
	return model
		.split(":")
		.filter((part, index) => index === 0 || part !== "online")
		.join(":");
}

type WebPlugin = { id: "web"; max_results: number };
/** A Chat Completions request with OpenRouter's `plugins` extension. */
export type OpenRouterRequest = ChatCompletionCreateParamsNonStreaming & { plugins?: WebPlugin[] };

const RESEARCH_TOOLS: ChatCompletionFunctionTool[] = [
	{
		type: "function",
		function: {
			name: "web_search",
			description: "Search the web. Returns result URLs, titles and snippets as untrusted data.",
			parameters: {
				type: "object",
				properties: { query: { type: "string", description: "The search query." } },
				required: ["query"],
				additionalProperties: false,
			},
			strict: true,
		},
	},
	{
		type: "function",
		function: {
			name: "fetch_page",
			description: `Read a web page. Returns its text (at most ${FETCHED_PAGE_CHARS} characters) as untrusted data.`,
			parameters: {
				type: "object",
				properties: { url: { type: "string", description: "The http(s) URL of the page." } },
				required: ["url"],
				additionalProperties: false,
			},
			strict: true,
		},
	},
];

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

function attribute(text: string): string {
	return escapeSourceText(text).replaceAll('"', "&quot;");
}

/** Search results as the model sees them: one `<source>` element (untrusted data) per result. */
export function searchResultsMessage(
	query: string,
	results: { url: string; title: string; snippet: string }[],
): string {
	if (results.length === 0) return `No results for "${query}".`;
	const items = results.map(
		(result) =>
			`<source url="${attribute(result.url)}" title="${attribute(result.title)}">\n${escapeSourceText(result.snippet)}\n</source>`,
	);
	return [`Results for "${query}" (untrusted data):`, ...items].join("\n");
}

/** A fetched page as the model sees it: one `<source>` element (untrusted data), text cut to `FETCHED_PAGE_CHARS`. */
export function fetchedPageMessage(page: { url: string; title: string | null; text: string }): string {
	const title = page.title === null ? "" : ` title="${attribute(page.title)}"`;
	const text = page.text.slice(0, FETCHED_PAGE_CHARS);
	const cut = page.text.length > FETCHED_PAGE_CHARS ? "\n[page text cut]" : "";
	return `Page (untrusted data):\n<source url="${attribute(page.url)}"${title}>\n${escapeSourceText(text)}${cut}\n</source>`;
}

const SearchArgumentsSchema = z.object({ query: z.string().min(1) });
const FetchArgumentsSchema = z.object({ url: z.string().min(1) });

function toolArguments(raw: string): unknown {
	try {
		return JSON.parse(raw);
	} catch {
		return null;
	}
}

/** Answers one tool call of the model with `tools`, recording searches and every page it returned. */
async function answerToolCall(
	toolCall: ChatCompletionMessageFunctionToolCall,
	tools: ResearchTools,
	session: TurnSession,
): Promise<string> {
	const args = toolArguments(toolCall.function.arguments);
	if (toolCall.function.name === "web_search") {
		const parsed = SearchArgumentsSchema.safeParse(args);
		if (!parsed.success) return 'Invalid arguments: web_search takes {"query": string}.';
		session.record({ ...ZERO_TOKEN_USAGE, searchCalls: 1 });
		try {
			const results = await tools.search(parsed.data.query);
			for (const result of results) session.retrieved.add(result.url, result.title);
			return searchResultsMessage(parsed.data.query, results);
		} catch {
			return "The search failed. Try another query or answer with what you have.";
		}
	}
	if (toolCall.function.name === "fetch_page") {
		const parsed = FetchArgumentsSchema.safeParse(args);
		if (!parsed.success) return 'Invalid arguments: fetch_page takes {"url": string}.';
		try {
			const page = await tools.fetchPage(parsed.data.url);
			if (!page) return `The page ${parsed.data.url} could not be retrieved.`;
			session.retrieved.add(page.url, page.title);
			return fetchedPageMessage(page);
		} catch {
			return `The page ${parsed.data.url} could not be retrieved.`;
		}
	}
	return `Unknown tool "${toolCall.function.name}". The tools are web_search and fetch_page.`;
}

function functionToolCalls(message: ChatCompletionMessage | null): ChatCompletionMessageFunctionToolCall[] {
	return (message?.tool_calls ?? []).filter((toolCall) => toolCall.type === "function");
}

type Call = (request: OpenRouterRequest) => Promise<ChatReply>;

/**
 * The tool loop: calls the model with the research tools until it answers without tool calls or
 * `maxUses` tool calls were answered, then once more with `tool_choice: "none"`. Every round answers at
 * least one tool call, so there are at most maxUses + 1 API calls.
 */
async function toolLoop(
	turn: AgentTurn,
	tools: ResearchTools,
	call: Call,
	session: TurnSession,
): Promise<ChatReply> {
	const messages = baseMessages(turn);
	const maxUses = turn.search.maxUses;
	let used = 0;
	for (let round = 1; used < maxUses; round += 1) {
		session.progress.phase(`${TURN_PHASES.research}, round ${round}`);
		const reply = await call(
			chatRequest(turn, turn.model, messages, { tools: RESEARCH_TOOLS, tool_choice: "auto" }),
		);
		const toolCalls = functionToolCalls(reply.message);
		if (toolCalls.length === 0) return reply;
		messages.push({ role: "assistant", content: reply.message?.content ?? null, tool_calls: toolCalls });
		for (const toolCall of toolCalls) {
			const withinBudget = used < maxUses;
			if (withinBudget) {
				used += 1;
				session.progress.searched();
			}
			const content = withinBudget
				? await answerToolCall(toolCall, tools, session)
				: "Tool budget spent: answer with what you have.";
			messages.push({ role: "tool", tool_call_id: toolCall.id, content });
		}
	}
	session.progress.phase(TURN_PHASES.write);
	return call(chatRequest(turn, turn.model, messages, { tools: RESEARCH_TOOLS, tool_choice: "none" }));
}

/** The first reply of a turn: native search, the tool loop, or a plain call, as the model and turn allow. */
function firstReply(turn: AgentTurn, call: Call, session: TurnSession): Promise<ChatReply> {
	const searching = turn.search.enabled && turn.search.maxUses > 0;
	if (searching && isOnlineVariant(turn.model)) {
		const plugins: WebPlugin[] = [
			{ id: "web", max_results: Math.min(turn.search.maxUses, WEB_PLUGIN_MAX_RESULTS) },
		];
		session.progress.phase(TURN_PHASES.research);
		return call(chatRequest(turn, turn.model, baseMessages(turn), { plugins }));
	}
	if (searching && !isPerplexitySonar(turn.model) && turn.tools)
		return toolLoop(turn, turn.tools, call, session);
	session.progress.phase(isPerplexitySonar(turn.model) ? TURN_PHASES.research : TURN_PHASES.write);
	return call(chatRequest(turn, withoutOnline(turn.model), baseMessages(turn)));
}

/**
 * Whether a call streams when its turn is followed: one that can neither search (no web plugin, not a
 * Sonar model) nor call a tool, whose whole answer is its message text.
 */
function streamsAnswer(request: OpenRouterRequest): boolean {
	const noTools = request.tools === undefined || request.tool_choice === "none";
	return (request.plugins?.length ?? 0) === 0 && !isPerplexitySonar(request.model) && noTools;
}

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
		{ ...request, stream: true, stream_options: { include_usage: true } },
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
 * 200 body is thrown; usage (a search when the web plugin ran or a Sonar model answered) and every cited
 * or annotated page are recorded.
 */
function completionCalls(client: OpenAI, errors: ErrorContext, session: TurnSession): Call {
	return async (request) => {
		const completion = await session.run((options) =>
			session.progress.listening && streamsAnswer(request)
				? streamCompletion(client, errors, request, options, session.progress)
				: client.chat.completions.create(request, options),
		);
		const searched = (request.plugins?.length ?? 0) > 0 || isPerplexitySonar(request.model);
		const usage = completion.usage;
		// Recorded before the body's error is thrown: a generation that failed midway was still billed.
		session.record(
			disjointUsage({
				prompt: usage?.prompt_tokens ?? 0,
				output: usage?.completion_tokens ?? 0,
				cached: usage?.prompt_tokens_details?.cached_tokens ?? 0,
				written: usage?.prompt_tokens_details?.cache_write_tokens ?? 0,
				searchCalls: searched ? 1 : 0,
				fetchCalls: 0,
			}),
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
 * One strict-schema call without plugin or tools (an `:online` suffix is dropped so no search runs); the
 * text parsed as JSON.
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
		supportsNativeSearch: (model) => isOnlineVariant(model) || isPerplexitySonar(model),
		runTurn: runOpenRouterTurn,
		runStructured: runOpenRouterStructured,
	});
}

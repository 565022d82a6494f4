/**
 * The OpenAI adapter: a turn is one Responses API call (`client.responses.create`) with the hosted
 * `web_search` tool when the turn may search (at most `search.maxUses` tool calls, with the search
 * sources included in the response) and the agent output enforced as a strict JSON schema through
 * `text.format`. Output that fails validation gets one repair call, without tools. `runStructured` is
 * the same kind of call with the caller's schema and no tools, its text parsed but not validated.
 *
 * From the response:
 * - text: the output_text parts of the last `message` item (a refusal's text when it refused);
 * - `retrieved`: the sources of every `web_search_call` search action, the pages its `open_page` /
 *   `find_in_page` actions read, and every `url_citation` (with its title);
 * - citations: `url_citation` annotations mapped onto findings as described in `openai-shared`. They
 *   mark spans of the JSON text, which OpenAI gives no quote for, so no quote is ever taken from them;
 * - usage: input_tokens − cached − cache writes, output_tokens, `input_tokens_details.cached_tokens` as
 *   cache reads, `cache_write_tokens` as cache writes; searchCalls = `tool_usage.web_search.num_requests`
 *   (the billable searches) when reported, else the number of search actions; fetchCalls = the number of
 *   `open_page` actions.
 *
 * A 429 whose error code or type is `insufficient_quota` is a spend limit and is never retried.
 *
 * Progress: a followed turn (`onProgress`) streams its calls (`stream: true`) and takes the response
 * from the terminal event, so the result is the one the unstreamed call gives. The listener hears the
 * phase of each call (research with search, else writing; the repair), the text as it streams (tokens
 * estimated until the final usage counts them) and each web search call as it begins.
 */
import type OpenAI from "openai";
import type {
	Response,
	ResponseCreateParamsNonStreaming,
	ResponseFunctionWebSearch,
	ResponseInputItem,
	ResponseOutputMessage,
} from "openai/resources/responses/responses";
import { openAICompatibleProvider } from "./openai-compatible";
import {
	AGENT_OUTPUT_FORMAT_NAME,
	AGENT_OUTPUT_JSON_SCHEMA,
	type CallOptions,
	disjointUsage,
	type JsonSchema,
	type OpenAICompatibleOptions,
	repairInstruction,
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
	type ProviderErrorKind,
	type RetrievedRef,
	type StructuredRequest,
	type StructuredResult,
	type TokenUsage,
	type TurnResult,
} from "./types";

export const OPENAI_PROVIDER_NAME = "openai";
export const OPENAI_BASE_URL = "https://api.openai.com/v1";

/**
 * Current general models, newest first: the head of the SDK's `ChatModel` union (openai 7.57), none of
 * them named in the deprecation notice that precedes it (which lists gpt-5.4-nano, gpt-5.3 and older).
 * Dated snapshots and -pro/-codex/-cyber variants are left out.
 */
export const OPENAI_MODELS = [
	"gpt-6-astra",
	"gpt-6.1-sol",
	"gpt-6.1-terra",
	"gpt-6-sol",
	"gpt-6-luna",
	"gpt-5.6-sol",
	"gpt-5.6-terra",
	"gpt-5.6-luna",
] as const;

/** OpenAI's spend limit: the `insufficient_quota` error (sent with status 429). */
export function isOpenAISpendLimit(_status: number, code: string | null, type: string | null): boolean {
	return code === "insufficient_quota" || type === "insufficient_quota";
}

/** What one Responses API call produced, in the adapter's terms. */
export type OpenAIReply = {
	text: string;
	annotations: UrlAnnotation[];
	pages: RetrievedRef[];
	usage: TokenUsage;
	model: string;
};

type Repair = { previous: string; error: string };

/**
 * A Responses API request whose answer is JSON of `schema` (strict `text.format`), unstored, without
 * tools.
 */
export function jsonResponsesRequest(
	call: Pick<StructuredRequest, "model" | "instructions" | "maxOutputTokens" | "schemaName">,
	input: ResponseInputItem[],
	schema: JsonSchema,
): ResponseCreateParamsNonStreaming {
	return {
		model: call.model,
		instructions: call.instructions,
		input,
		max_output_tokens: call.maxOutputTokens,
		store: false,
		text: { format: { type: "json_schema", name: call.schemaName, schema, strict: true } },
	};
}

/** The Responses API request of a turn, or of its repair (no tools, the rejected reply and the error appended). */
export function responsesRequest(
	turn: AgentTurn,
	repair: Repair | null = null,
): ResponseCreateParamsNonStreaming {
	const input: ResponseInputItem[] = [{ role: "user", content: turn.prompt }];
	if (repair) {
		input.push(
			{ role: "assistant", content: repair.previous },
			{ role: "user", content: repairInstruction(repair.error) },
		);
	}
	const search = repair === null && turn.search.enabled && turn.search.maxUses > 0;
	return {
		...jsonResponsesRequest(
			{ ...turn, schemaName: AGENT_OUTPUT_FORMAT_NAME },
			input,
			AGENT_OUTPUT_JSON_SCHEMA,
		),
		// The instructions are the same for every task of a role, so a per-role key keeps the cache warm.
		prompt_cache_key: `research-swarm-${turn.role}`,
		...(search
			? {
					tools: [{ type: "web_search" }],
					tool_choice: "auto",
					max_tool_calls: turn.search.maxUses,
					include: ["web_search_call.action.sources"],
				}
			: {}),
	};
}

function actionPages(action: ResponseFunctionWebSearch["action"] | undefined): RetrievedRef[] {
	if (action?.type === "search")
		return (action.sources ?? []).map((source) => ({ url: source.url, title: null }));
	if (action?.type === "open_page" && action.url) return [{ url: action.url, title: null }];
	if (action?.type === "find_in_page") return [{ url: action.url, title: null }];
	return [];
}

function messageText(message: ResponseOutputMessage | undefined): {
	text: string;
	annotations: UrlAnnotation[];
} {
	let text = "";
	const annotations: UrlAnnotation[] = [];
	for (const part of message?.content ?? []) {
		if (part.type === "refusal") {
			text += part.refusal;
			continue;
		}
		for (const annotation of part.annotations) {
			if (annotation.type !== "url_citation") continue;
			annotations.push({
				url: annotation.url,
				title: annotation.title || null,
				start: text.length + annotation.start_index,
				end: text.length + annotation.end_index,
			});
		}
		text += part.text;
	}
	return { text, annotations };
}

/** Reads the text, citations, pages, usage and model of a Responses API response. */
export function readResponse(response: Response): OpenAIReply {
	const searches = response.output.filter((item) => item.type === "web_search_call");
	const messages = response.output.filter((item) => item.type === "message");
	const { text, annotations } = messageText(messages.at(-1));
	const pages = [
		...searches.flatMap((item) => actionPages(item.action)),
		...annotations.map(({ url, title }) => ({ url, title })),
	];
	const searchActions = searches.filter((item) => item.action?.type === "search").length;
	const usage = disjointUsage({
		prompt: response.usage?.input_tokens ?? 0,
		output: response.usage?.output_tokens ?? 0,
		cached: response.usage?.input_tokens_details?.cached_tokens ?? 0,
		written: response.usage?.input_tokens_details?.cache_write_tokens ?? 0,
		searchCalls: response.tool_usage?.web_search?.num_requests ?? searchActions,
		fetchCalls: searches.filter((item) => item.action?.type === "open_page").length,
	});
	return { text, annotations, pages, usage, model: response.model };
}

const FAILED_RESPONSE_KINDS: Partial<Record<string, ProviderErrorKind>> = {
	server_error: "server",
	rate_limit_exceeded: "rate_limited",
	vector_store_timeout: "timeout",
};

/** The error of a response that came back with status `failed`, or null for any other response. */
export function failedResponseError(response: Response): ProviderError | null {
	if (response.status !== "failed" || !response.error) return null;
	const kind = FAILED_RESPONSE_KINDS[response.error.code] ?? "invalid_request";
	return new ProviderError(
		OPENAI_PROVIDER_NAME,
		kind,
		`response failed (${response.error.code}): ${response.error.message}`,
	);
}

/**
 * One streamed Responses API call: its text deltas and web search calls go to the session's progress,
 * and the terminal event (`response.completed`, `.incomplete` or `.failed`) carries the whole response,
 * the very object the call returns without streaming.
 */
async function streamResponse(
	client: OpenAI,
	request: ResponseCreateParamsNonStreaming,
	options: CallOptions,
	progress: TurnProgressMeter,
): Promise<Response> {
	const events = await client.responses.create({ ...request, stream: true }, options);
	for await (const event of events) {
		switch (event.type) {
			case "response.output_text.delta":
			case "response.refusal.delta":
				progress.streamed(event.delta);
				break;
			case "response.web_search_call.in_progress":
				progress.searched();
				break;
			case "response.completed":
			case "response.incomplete":
			case "response.failed":
				return event.response;
		}
	}
	throw new ProviderError(
		OPENAI_PROVIDER_NAME,
		"server",
		"the response stream ended without a final response",
	);
}

/**
 * One Responses API call of `session`, streamed when the turn is followed: a failed response is thrown,
 * usage and pages are recorded.
 */
async function sendResponse(
	client: OpenAI,
	session: TurnSession,
	request: ResponseCreateParamsNonStreaming,
): Promise<OpenAIReply> {
	const response = await session.run((options) =>
		session.progress.listening
			? streamResponse(client, request, options, session.progress)
			: client.responses.create(request, options),
	);
	const reply = readResponse(response);
	// A failed response may still have been billed for what the model read and wrote before it failed.
	session.record(reply.usage);
	const failure = failedResponseError(response);
	if (failure) throw failure;
	for (const page of reply.pages) session.retrieved.add(page.url, page.title);
	return reply;
}

async function runOpenAITurn(client: OpenAI, session: TurnSession, turn: AgentTurn): Promise<TurnResult> {
	const call = (request: ResponseCreateParamsNonStreaming) => sendResponse(client, session, request);
	const request = responsesRequest(turn);
	session.progress.phase(request.tools ? TURN_PHASES.research : TURN_PHASES.write);
	const first = await call(request);
	const { reply, output } = await validateWithOneRepair(
		first,
		(previous, error) => {
			session.progress.phase(TURN_PHASES.repair);
			return call(responsesRequest(turn, { previous: previous.text, error }));
		},
		OPENAI_PROVIDER_NAME,
	);
	return session.turnResult(reply, output);
}

/** One strict-schema call (the request's schema made strict by `strictJsonSchema`); the text parsed as JSON. */
async function runOpenAIStructured(
	client: OpenAI,
	session: TurnSession,
	request: StructuredRequest,
): Promise<StructuredResult> {
	const reply = await sendResponse(
		client,
		session,
		jsonResponsesRequest(
			request,
			[{ role: "user", content: request.prompt }],
			strictJsonSchema(request.jsonSchema),
		),
	);
	return session.structuredResult(reply);
}

/**
 * The OpenAI provider. `baseURL` defaults to the OpenAI API (set it for Cloudflare AI Gateway or a proxy);
 * `fetch` replaces the runtime's fetch.
 */
export function createOpenAIProvider(options: OpenAICompatibleOptions): Provider {
	return openAICompatibleProvider(options, {
		name: OPENAI_PROVIDER_NAME,
		baseURL: OPENAI_BASE_URL,
		isSpendLimit: isOpenAISpendLimit,
		supportsNativeSearch: () => true,
		runTurn: runOpenAITurn,
		runStructured: runOpenAIStructured,
	});
}

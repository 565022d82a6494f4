/**
 * The Anthropic provider: Claude through the Messages API (`@anthropic-ai/sdk`), searching and reading
 * the web with Anthropic's server tools.
 *
 * A turn makes at most five API calls:
 * 1. research (only when web search is enabled): tools web_search, web_fetch and record_findings,
 *    tool_choice auto. A `pause_turn` stop is continued by sending the content back, at most twice,
 *    and only while the turn's search budget is not used up;
 * 2. record (skipped when the research response already called record_findings): the request
 *    "call record_findings now", with the same tools, so the cached prefix stays valid;
 * 3. repair, once, when the hand-in fails `AgentOutputSchema`: the validation report goes back as the
 *    tool's error result (or as a user message after a text answer); a second failure is
 *    `malformed_output`.
 * record_findings takes the JSON schema of `AgentOutputSchema` (zod's `z.toJSONSchema`) as its
 * input_schema. `runStructured` is one such hand-in call with a single tool, named by the request's
 * schema and taking its schema as input_schema, chosen the same way as record_findings below. The record and repair calls force it (`tool_choice: {type: "tool"}`) on models that
 * accept a forced tool choice: Claude 4.6 and earlier, where thinking is off unless requested. From
 * Claude Sonnet 5 on, adaptive thinking is on by default and only `auto` / `none` may go with it, and
 * Claude Sonnet 5.5, Opus 5.5 and Fable 5.1 reject a forced choice outright (HTTP 400), so these
 * calls use `auto` and say which tool to call.
 *
 * Search budget: `turn.search.maxUses` is split into web_fetch max_uses = ⌊maxUses / 2⌋ and
 * web_search max_uses = the rest (searching finds the pages, fetching reads one for exact quotes);
 * web_fetch is left out when its share is 0 and both tools when web search is disabled or maxUses is
 * 0. Every call of a turn sends the same system prompt and tools: current models bind their thinking
 * blocks to the unchanged prefix (a changed prefix is a 400 on Claude Fable 5.2), and the cached
 * prefix stays valid. max_uses therefore bounds each request; a paused research call is continued
 * only while the searches and fetches so far are below maxUses, the record and repair calls are told
 * not to search, and `usage` reports the searches and fetches the API actually ran. The tool versions
 * are the basic ones (web_search_20250305, web_fetch_20250910, both generally available, no beta
 * header): the later versions filter results by running model-written code in a container, which a
 * read-only research tool has no use for, and some platforms offer only the basic search. Fetched
 * pages come with citations enabled and at most 20,000 tokens each.
 *
 * Prompt caching: the system prompt (the role's standing instructions) carries
 * `cache_control: {type: "ephemeral"}`, so tools + instructions are one cached prefix for every task
 * of the role.
 *
 * Time: the whole turn ends within `turn.timeoutMs` (an abort signal fires at the deadline, and
 * `turn.signal` is honoured). Each call gets the SDK timeout ⌊time left / 3⌋ with at most 2 SDK
 * retries, so its attempts fit in what is left. Calls whose `max_tokens` exceeds 21,333 stream
 * (`messages.stream(...).finalMessage()`): the SDK refuses non-streaming requests it expects to take
 * over 10 minutes (60 min × max_tokens / 128,000).
 *
 * Progress: when the turn has an `onProgress` listener, every call of the turn streams, and the SDK
 * accumulates the events into the same `Message` the non-streaming call returns, so the result does not
 * change. The listener hears each call's phase (research, record, repair), the running token counts of
 * `message_start` and `message_delta` (cumulative), the text, tool input and thinking as they stream
 * (estimated tokens in between) and each server tool call as it begins.
 *
 * Retries: the SDK retries 408, 409, 429 and 5xx (honouring `retry-after-ms` / `retry-after`) and
 * never other 4xx. The injected fetch marks `x-should-retry: false` — which the SDK obeys — on
 * spend-limit and billing errors (a 429 spend limit included) and on any error whose retry-after wait
 * would outlast the turn, so they fail at once with their own kind.
 */
import Anthropic, {
	AnthropicError,
	APIConnectionError,
	APIConnectionTimeoutError,
	APIError,
	APIUserAbortError,
} from "@anthropic-ai/sdk";
import type {
	ContentBlock,
	Message,
	MessageCreateParamsNonStreaming,
	MessageParam,
	MessageStreamEvent,
	TextBlockParam,
	Tool,
	ToolChoice,
	ToolUnion,
} from "@anthropic-ai/sdk/resources/messages";
import { z } from "zod";
import {
	addUsage,
	applyNativeCitations,
	checkRecordedOutput,
	collectEvidence,
	findRecordedOutput,
	RECORD_TOOL_NAME,
	type RecordedOutput,
} from "./anthropic-output";
import { withBilledUsage } from "./billed";
import { TURN_PHASES, TurnProgressMeter } from "./progress";
import type {
	AgentTurn,
	Provider,
	ProviderErrorKind,
	StructuredRequest,
	StructuredResult,
	TokenUsage,
	TurnResult,
} from "./types";
import { AgentOutputSchema, ProviderError, SDK_MAX_RETRIES, ZERO_TOKEN_USAGE } from "./types";

const PROVIDER_NAME = "anthropic";
/** SDK retries per API call; (MAX_RETRIES + 1) attempts share the call's time. */
const MAX_RETRIES = SDK_MAX_RETRIES;
/** `pause_turn` continuations of the research call. */
const MAX_PAUSE_CONTINUATIONS = 2;
/** Largest max_tokens sent without streaming: the SDK expects 60 min × max_tokens / 128,000 ≤ 10 min. */
const NON_STREAMING_MAX_TOKENS = 21_333;
/** Cap on the tokens of one fetched page in the model's context. */
export const FETCH_MAX_CONTENT_TOKENS = 20_000;
const WEB_SEARCH_TOOL = "web_search_20250305";
const WEB_FETCH_TOOL = "web_fetch_20250910";
const DEFAULT_BASE_URL = "https://api.anthropic.com";

/** Error codes (`error.details.error_code`) of spend limits and billing refusals, per the SDK's error classes. */
const SPEND_LIMIT_CODES: ReadonlySet<string> = new Set([
	"contract_spend_limit_reached",
	"enforced_spend_limit_reached",
	"linked_organization_spend_limit_reached",
	"linked_organization_billing_unavailable",
	"user_profile_billing_not_authorized",
	"user_profile_not_billable",
]);
/** A workspace spend limit arrives as a plain 400 whose message names it; so does a low credit balance. */
const SPEND_LIMIT_MESSAGE = /credit balance|spend(?:ing)? limit|usage limits?\b/i;

const RECORD_TOOL_DESCRIPTION =
	"Hand in the findings of this research task. Call it exactly once, as your last action, with every " +
	"finding and a short narrative. Cite a web page by its URL (sourceId null) and an attached source by its " +
	"id (url null); copy each quote word for word from the cited source.";
const RECORD_REQUEST = `Research is over: do not search or fetch anything more. Call ${RECORD_TOOL_NAME} now with your findings and narrative.`;

const RECORD_INPUT_SCHEMA = toolInputSchema(z.toJSONSchema(AgentOutputSchema));
const ANSWER_TOOL_DESCRIPTION =
	"Hand in your answer: call this tool exactly once, with input that matches its schema.";

export type AnthropicProviderOptions = { apiKey: string; baseURL?: string; fetch?: typeof fetch };

/** The time budget and cancellation of a turn or a structured call. */
type CallLimits = Pick<AgentTurn, "timeoutMs" | "signal">;

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
type ErrorFacts = { status: number | undefined; type: string | null; code: string | null; message: string };

/**
 * The Anthropic provider. `fetch` and `baseURL` route calls through a proxy (e.g. Cloudflare AI
 * Gateway) or, in tests, to recorded responses.
 * @example createAnthropicProvider({ apiKey: env.ANTHROPIC_API_KEY }).runTurn(turn)
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
	return {
		name: PROVIDER_NAME,
		supportsNativeSearch: () => true,
		runTurn: (turn) => {
			const timeLeft = timeLeftWithin(turn.timeoutMs);
			const calls = new TurnCalls(clientFor(options, timeLeft), turn, timeLeft);
			return billedAndClassified(calls, turn, options.apiKey, () => runTurn(calls, turn));
		},
		runStructured: (request) => {
			const calls = structuredCalls(options, request);
			return billedAndClassified(calls, request, options.apiKey, () => runStructured(calls, request));
		},
	};
}

/** Runs `body` over `calls`: any failure is classified and carries the usage the calls were billed. */
function billedAndClassified<T>(
	calls: MessageCalls,
	limits: CallLimits,
	apiKey: string,
	body: () => Promise<T>,
): Promise<T> {
	return withBilledUsage(
		() => ({ usage: calls.usage, callLatenciesMs: calls.latenciesMs }),
		async () => {
			try {
				return await body();
			} catch (error) {
				throw toProviderError(error, limits, apiKey);
			}
		},
	);
}

/**
 * Whether a model accepts a forced tool choice: Claude 4.6 and earlier (thinking off unless asked for).
 * @example acceptsForcedToolChoice("claude-haiku-4-5-20251001") // true
 */
export function acceptsForcedToolChoice(model: string): boolean {
	return /^claude-(?:opus|sonnet|haiku)-4-(?:[0-6](?:-|$)|\d{8}$)/.test(model);
}

/**
 * Splits a turn's search budget between the two server tools: fetches get ⌊maxUses / 2⌋, searches the rest.
 * @example splitSearchBudget(5) // { searches: 3, fetches: 2 }
 */
export function splitSearchBudget(maxUses: number): { searches: number; fetches: number } {
	const total = Math.max(0, Math.floor(maxUses));
	const fetches = Math.floor(total / 2);
	return { searches: total - fetches, fetches };
}

/** A clock of the milliseconds left of `timeoutMs` from now. */
function timeLeftWithin(timeoutMs: number): () => number {
	const deadline = performance.now() + timeoutMs;
	return () => deadline - performance.now();
}

/** The SDK client of one turn or structured call, its fetch wrapped with the retry vetoes. */
function clientFor(options: AnthropicProviderOptions, timeLeft: () => number): Anthropic {
	return new Anthropic({
		apiKey: options.apiKey,
		baseURL: options.baseURL ?? DEFAULT_BASE_URL,
		fetch: withRetryVetoes(options.fetch ?? fetch, timeLeft),
		maxRetries: MAX_RETRIES,
	});
}

/**
 * One call offering a single tool named `schemaName` whose input_schema is the request's schema, chosen
 * as the record call chooses record_findings (forced where the model allows it, else `auto` with the
 * prompt saying which tool to call). The value is the tool's input, or the text's JSON object when the
 * model answered in text.
 */
async function runStructured(calls: MessageCalls, request: StructuredRequest): Promise<StructuredResult> {
	const choice = handInChoice(request.model, request.schemaName);
	const prompt =
		choice.type === "tool" ? request.prompt : `${request.prompt}\n\nAnswer by calling ${request.schemaName}.`;
	const response = await calls.send([{ role: "user", content: prompt }], choice);
	const answer = findRecordedOutput(response.content, request.schemaName);
	return {
		value: answer.input,
		usage: calls.usage,
		callLatenciesMs: calls.latenciesMs,
		rawOutput: answer.raw,
		model: calls.model,
	};
}

/** The one call of a structured request: its single answer tool, within the request's time. */
function structuredCalls(options: AnthropicProviderOptions, request: StructuredRequest): MessageCalls {
	const timeLeft = timeLeftWithin(request.timeoutMs);
	return new MessageCalls(
		clientFor(options, timeLeft),
		{
			...request,
			system: systemBlocks(request.instructions),
			tools: [
				{
					name: request.schemaName,
					description: ANSWER_TOOL_DESCRIPTION,
					input_schema: toolInputSchema(request.jsonSchema),
				},
			],
		},
		timeLeft,
	);
}

async function runTurn(calls: TurnCalls, turn: AgentTurn): Promise<TurnResult> {
	const prompt: MessageParam = { role: "user", content: turn.prompt };
	const conversation: MessageParam[] = [prompt];
	const transcript: ContentBlock[] = [];
	let recorded: RecordedOutput | null = null;

	if (calls.budget.searches > 0) {
		const research = await calls.research(prompt);
		transcript.push(...research);
		if (research.length > 0) conversation.push({ role: "assistant", content: research });
		const handIn = findRecordedOutput(research);
		if (handIn.kind === "tool") recorded = handIn;
	}
	if (!recorded) {
		conversation.push({ role: "user", content: RECORD_REQUEST });
		recorded = await calls.record(conversation, transcript);
	}
	let check = checkRecordedOutput(recorded);
	if (!check.ok) {
		conversation.push(repairRequest(recorded, check.problem));
		recorded = await calls.record(conversation, transcript, TURN_PHASES.repair);
		check = checkRecordedOutput(recorded);
		if (!check.ok) {
			throw new ProviderError(
				PROVIDER_NAME,
				"malformed_output",
				`findings failed validation twice: ${check.problem}`,
				{
					rawOutput: recorded.raw,
				},
			);
		}
	}
	const evidence = collectEvidence(transcript);
	return {
		output: applyNativeCitations(check.output, evidence),
		retrieved: evidence.retrieved,
		usage: calls.usage,
		callLatenciesMs: calls.latenciesMs,
		rawOutput: recorded.raw,
		model: calls.model,
	};
}

/** The system prompt as one cached block; none when the instructions are blank. */
function systemBlocks(instructions: string): TextBlockParam[] | null {
	return instructions.trim() === ""
		? null
		: [{ type: "text", text: instructions, cache_control: { type: "ephemeral" } }];
}

/** The tool choice of a hand-in call: the tool forced where the model accepts it, else `auto`. */
function handInChoice(model: string, toolName: string): ToolChoice {
	return acceptsForcedToolChoice(model) ? { type: "tool", name: toolName } : { type: "auto" };
}

/** A JSON schema as a tool's input_schema: no `$schema` dialect, and an object at the top. */
function toolInputSchema(schema: Record<string, unknown>): Tool.InputSchema {
	const { $schema: _dialect, ...rest } = schema;
	return { ...rest, type: "object" };
}

/** What every Messages API call of a turn or a structured call sends besides its messages and tool choice. */
type CallSettings = CallLimits & {
	model: string;
	maxOutputTokens: number;
	system: TextBlockParam[] | null;
	tools: ToolUnion[];
};

/** Messages API calls sharing one prefix (system prompt and tools), with their summed usage and latencies. */
class MessageCalls {
	usage: TokenUsage = ZERO_TOKEN_USAGE;
	latenciesMs: number[] = [];
	model: string | null = null;

	constructor(
		private readonly client: Anthropic,
		private readonly settings: CallSettings,
		private readonly timeLeft: () => number,
		protected readonly meter = new TurnProgressMeter(undefined),
	) {}

	/**
	 * One call within the time left, streamed when its max_tokens needs it or someone follows the turn's
	 * progress; a refusal is an invalid request.
	 */
	async send(messages: MessageParam[], toolChoice: ToolChoice): Promise<Message> {
		const { settings } = this;
		const left = this.timeLeft();
		if (left <= 0)
			throw new ProviderError(PROVIDER_NAME, "timeout", `no answer within ${settings.timeoutMs} ms`);
		const params: MessageCreateParamsNonStreaming = {
			model: settings.model,
			max_tokens: settings.maxOutputTokens,
			...(settings.system ? { system: settings.system } : {}),
			tools: settings.tools,
			tool_choice: toolChoice,
			messages,
		};
		const requestOptions = {
			timeout: Math.max(1, Math.floor(left / (MAX_RETRIES + 1))),
			maxRetries: MAX_RETRIES,
			signal: AbortSignal.any([settings.signal, AbortSignal.timeout(Math.ceil(left))]),
		};
		const started = performance.now();
		const message =
			params.max_tokens > NON_STREAMING_MAX_TOKENS || this.meter.listening
				? await this.client.messages
						.stream(params, requestOptions)
						.on("streamEvent", (event) => this.observe(event))
						.finalMessage()
				: await this.client.messages.create(params, requestOptions);
		this.latenciesMs.push(performance.now() - started);
		this.usage = addUsage(this.usage, message.usage);
		this.meter.settle(this.usage);
		this.model = message.model;
		if (message.stop_reason === "refusal") {
			const category = message.stop_details?.category ?? "unspecified";
			throw new ProviderError(
				PROVIDER_NAME,
				"invalid_request",
				`${message.model} refused the request (${category})`,
			);
		}
		return message;
	}

	/**
	 * What a streamed event tells of the call's progress: the running token counts of message_start and
	 * message_delta (cumulative), the text, tool input and thinking as they stream, and each server tool
	 * call (a search or a fetch) as it begins.
	 */
	private observe(event: MessageStreamEvent): void {
		switch (event.type) {
			case "message_start": {
				const { usage } = event.message;
				this.meter.counted({
					outputTokens: usage.output_tokens,
					inputTokens:
						usage.input_tokens +
						(usage.cache_read_input_tokens ?? 0) +
						(usage.cache_creation_input_tokens ?? 0),
				});
				return;
			}
			case "message_delta":
				this.meter.counted({ outputTokens: event.usage.output_tokens });
				return;
			case "content_block_start":
				if (event.content_block.type === "server_tool_use") this.meter.searched();
				return;
			case "content_block_delta": {
				const { delta } = event;
				if (delta.type === "text_delta") this.meter.streamed(delta.text);
				else if (delta.type === "input_json_delta") this.meter.streamed(delta.partial_json);
				else if (delta.type === "thinking_delta") this.meter.streamed(delta.thinking);
				return;
			}
			default:
				return;
		}
	}
}

/** The API calls of one turn: research with its continuations, then the hand-in. */
class TurnCalls extends MessageCalls {
	readonly budget: { searches: number; fetches: number };
	private readonly recordChoice: ToolChoice;

	constructor(
		client: Anthropic,
		private readonly turn: AgentTurn,
		timeLeft: () => number,
	) {
		const budget = turn.search.enabled ? splitSearchBudget(turn.search.maxUses) : { searches: 0, fetches: 0 };
		super(
			client,
			{ ...turn, system: systemBlocks(turn.instructions), tools: toolsFor(budget) },
			timeLeft,
			new TurnProgressMeter(turn.onProgress),
		);
		this.budget = budget;
		this.recordChoice = handInChoice(turn.model, RECORD_TOOL_NAME);
	}

	/** Runs the research call and its pause_turn continuations; returns all their assistant content. */
	async research(prompt: MessageParam): Promise<ContentBlock[]> {
		this.meter.phase(TURN_PHASES.research);
		const content: ContentBlock[] = [];
		for (let call = 0; call <= MAX_PAUSE_CONTINUATIONS; call += 1) {
			const messages: MessageParam[] =
				content.length > 0 ? [prompt, { role: "assistant", content: [...content] }] : [prompt];
			const response = await this.send(messages, { type: "auto" });
			content.push(...response.content);
			if (response.stop_reason !== "pause_turn") break;
			if (this.usage.searchCalls + this.usage.fetchCalls >= this.turn.search.maxUses) break;
		}
		return content;
	}

	/** Asks for the hand-in (record or repair call); appends the answer to the conversation and transcript. */
	async record(
		conversation: MessageParam[],
		transcript: ContentBlock[],
		phase: string = TURN_PHASES.write,
	): Promise<RecordedOutput> {
		this.meter.phase(phase);
		const response = await this.send(conversation, this.recordChoice);
		transcript.push(...response.content);
		if (response.content.length > 0) conversation.push({ role: "assistant", content: response.content });
		return findRecordedOutput(response.content);
	}
}

function toolsFor(budget: { searches: number; fetches: number }): ToolUnion[] {
	const tools: ToolUnion[] = [];
	if (budget.searches > 0)
		tools.push({ type: WEB_SEARCH_TOOL, name: "web_search", max_uses: budget.searches });
	if (budget.fetches > 0) {
		tools.push({
			type: WEB_FETCH_TOOL,
			name: "web_fetch",
			max_uses: budget.fetches,
			max_content_tokens: FETCH_MAX_CONTENT_TOKENS,
			citations: { enabled: true },
		});
	}
	tools.push({
		name: RECORD_TOOL_NAME,
		description: RECORD_TOOL_DESCRIPTION,
		input_schema: RECORD_INPUT_SCHEMA,
	});
	return tools;
}

/** The repair request: the validation report as the tool's error result, or as a user message after a text answer. */
function repairRequest(recorded: RecordedOutput, problem: string): MessageParam {
	if (recorded.kind === "tool") {
		return {
			role: "user",
			content: [
				{
					type: "tool_result",
					tool_use_id: recorded.toolUseId,
					is_error: true,
					content: `The ${RECORD_TOOL_NAME} input is invalid:\n${problem}\nCall ${RECORD_TOOL_NAME} again with the complete, corrected input.`,
				},
			],
		};
	}
	return {
		role: "user",
		content: `Your answer did not hand in valid findings:\n${problem}\nCall ${RECORD_TOOL_NAME} now with the complete input.`,
	};
}

/** Wraps fetch so the SDK does not retry spend limits or waits that would outlast the turn (module comment). */
function withRetryVetoes(baseFetch: Fetch, timeLeft: () => number): Fetch {
	return async (input, init) => {
		const response = await baseFetch(input, init);
		if (response.ok) return response;
		const body = await response.text();
		const facts = errorFacts(response.status, safeJson(body));
		const wait = retryAfterMs(response.headers);
		const veto = isSpendLimit(facts) || (wait !== undefined && wait >= timeLeft());
		const headers = new Headers(response.headers);
		if (veto) headers.set("x-should-retry", "false");
		return new Response(body, { status: response.status, statusText: response.statusText, headers });
	};
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/** The parts of an API error body (`{type: "error", error: {type, message, details: {error_code}}}`) that classify it. */
function errorFacts(status: number | undefined, body: unknown): ErrorFacts {
	const error = isRecord(body) && isRecord(body.error) ? body.error : {};
	const details = isRecord(error.details) ? error.details : {};
	return {
		status,
		type: typeof error.type === "string" ? error.type : null,
		code: typeof details.error_code === "string" ? details.error_code : null,
		message: typeof error.message === "string" ? error.message : "",
	};
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null;
}

function isSpendLimit(facts: ErrorFacts): boolean {
	return (
		facts.status === 402 ||
		facts.type === "billing_error" ||
		(facts.code !== null && SPEND_LIMIT_CODES.has(facts.code)) ||
		SPEND_LIMIT_MESSAGE.test(facts.message)
	);
}

/** The wait an error response asks for: `retry-after-ms`, else `retry-after` in seconds or as an HTTP date. */
function retryAfterMs(headers: Headers | undefined): number | undefined {
	const milliseconds = Number.parseFloat(headers?.get("retry-after-ms") ?? "");
	if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
	const retryAfter = headers?.get("retry-after");
	if (!retryAfter) return undefined;
	const seconds = Number.parseFloat(retryAfter);
	if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
	const date = Date.parse(retryAfter);
	return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Classifies any failure of a call; the message names status, error type and request id, never credentials. */
function toProviderError(error: unknown, turn: CallLimits, apiKey: string): ProviderError {
	if (error instanceof ProviderError) return error;
	const fail = (
		kind: ProviderErrorKind,
		message: string,
		extra: { status?: number; retryAfterMs?: number } = {},
	) => new ProviderError(PROVIDER_NAME, kind, redact(message, apiKey), extra);
	if (error instanceof APIUserAbortError) {
		return fail(
			"timeout",
			turn.signal.aborted ? "cancelled by the caller" : `no answer within ${turn.timeoutMs} ms`,
		);
	}
	if (error instanceof APIConnectionTimeoutError) return fail("timeout", "the request timed out");
	if (error instanceof APIConnectionError) return fail("network", `connection failed: ${error.message}`);
	if (error instanceof APIError) {
		const facts: ErrorFacts = {
			status: error.status,
			type: error.type,
			code: error.errorCode,
			message: error.apiMessage ?? "",
		};
		const where = error.requestID ? ` (request ${error.requestID})` : "";
		const message = `${facts.status ?? "stream"} ${facts.type ?? "error"}: ${facts.message || "no message"}${where}`;
		const status = facts.status === undefined ? {} : { status: facts.status };
		return fail(kindOf(facts), message, { ...status, ...retryAfter(error.headers) });
	}
	if (error instanceof AnthropicError) return fail("invalid_request", error.message);
	return fail("network", error instanceof Error ? error.message : String(error));
}

function retryAfter(headers: Headers | undefined): { retryAfterMs?: number } {
	const wait = retryAfterMs(headers);
	return wait === undefined ? {} : { retryAfterMs: wait };
}

/** Status first, then the error type (errors inside a stream have no status). */
function kindOf(facts: ErrorFacts): ProviderErrorKind {
	const { status, type } = facts;
	if (isSpendLimit(facts)) return "spend_limit";
	if (status === 429 || type === "rate_limit_error") return "rate_limited";
	if (status === 529 || status === 503 || type === "overloaded_error") return "overloaded";
	if (status === 401 || status === 403 || type === "authentication_error" || type === "permission_error") {
		return "auth";
	}
	if (status === 408 || (status === undefined && type === "timeout_error")) return "timeout";
	if (status === undefined || status >= 500) return "server";
	return "invalid_request";
}

function redact(message: string, apiKey: string): string {
	return apiKey.length > 0 ? message.replaceAll(apiKey, "[redacted]") : message;
}

/**
 * The Gemini provider (`@google/genai`, `models.generateContent`) with Grounding with Google Search.
 *
 * Paths of one turn:
 * - search off: one call with the `AgentOutputSchema` JSON schema (`responseJsonSchema`,
 *   `responseMimeType: "application/json"`) and no tools.
 * - search on, Gemini 3 and later (`gemini-3…`, `gemini-4…`): one call with both the `googleSearch`
 *   tool and the schema. Gemini 3 is the first generation that combines structured output with
 *   built-in tools; earlier models reject the pair with 400 INVALID_ARGUMENT ("controlled generation
 *   is not supported with google_search tool").
 * - search on, any other model (Gemini 2.x, and aliases such as `gemini-flash-latest` whose
 *   generation cannot be told from the id): a grounded research call with `googleSearch` and no
 *   schema, then a structured call without tools that restates that answer as `AgentOutput`, given the
 *   answer as the model's previous turn and the search results' URLs.
 * Output that fails `AgentOutputSchema` gets exactly one repair call (no tools), then
 * `malformed_output`. The grounding metadata then backs or adds findings (`gemini-grounding.ts`).
 * `runStructured` is one call with the caller's schema (filtered by `geminiResponseSchema`) as
 * `responseJsonSchema` and no tools, with the same retries; its text is parsed, not validated.
 *
 * Retries are the adapter's own (`GEMINI_RETRY`); the SDK makes a single attempt per call
 * (`httpOptions.retryOptions` unset). The SDK's retry (p-retry with fixed exponential backoff over
 * status codes) neither waits for the delay Gemini asks for (`google.rpc.RetryInfo.retryDelay` in the
 * 429 body, or a `Retry-After` header from a gateway) nor looks at the body before retrying, so it
 * would retry a 429 that means the daily quota or the prepaid credits are spent. Instead the injected
 * fetch turns every non-2xx response into a classified `ProviderError` (status, headers and body in
 * hand), and the loop retries only retryable kinds — HTTP 408, 429 unless it reports spent quota or
 * credits, 5xx, timeouts and connection failures — while the turn's budget allows.
 *
 * Time: the turn ends by `turn.timeoutMs`. Each HTTP attempt gets `timeoutMs / GEMINI_RETRY.attempts`
 * (the SDK's per-attempt `httpOptions.timeout`), cut to what is left of the turn; a retry happens
 * only if, after its delay, at least `GEMINI_RETRY.minAttemptMs` would remain. `turn.signal` is
 * passed to every call and cuts waits short. Automatic continuation of long decodes is off, so each
 * call is one HTTP request and one latency sample.
 *
 * Usage per response (`usageMetadata`), summed over the turn's calls:
 *   inputTokens     = promptTokenCount − cachedContentTokenCount + toolUsePromptTokenCount
 *   cacheReadTokens = cachedContentTokenCount
 *   outputTokens    = candidatesTokenCount + thoughtsTokenCount
 *   cacheWriteTokens = 0 (implicit caching has no write charge), fetchCalls = 0,
 *   searchCalls     = number of `groundingMetadata.webSearchQueries`.
 * `promptTokenCount` includes cached tokens, so they are moved out of input; tool-use prompt tokens
 * are the search results fed back to the model, billed as input. Google Search grounding has no
 * per-request cap on searches, so `turn.search.maxUses` cannot be enforced here.
 *
 * Progress: a followed turn (`onProgress`) streams every call (`generateContentStream`, with the same
 * retries) and merges the chunks into the response the unstreamed call returns (`gemini-stream.ts`), so
 * the result does not change. The listener hears each call's phase (research, writing, repair), the
 * text as it streams and the running usage the chunks carry; the searches are known from the grounding
 * metadata once a call ends. An error chunk inside a stream is classified as the same error in an HTTP
 * response.
 */
import type {
	Content,
	GenerateContentConfig,
	GenerateContentParameters,
	GenerateContentResponse,
	GenerateContentResponseUsageMetadata,
	GroundingMetadata,
} from "@google/genai";
import { ApiError, type GoogleGenAI } from "@google/genai";
import { z } from "zod";
import { sumTokenUsage } from "../lib/usage";
import { withBilledUsage } from "./billed";
import { type GeminiClientOptions, geminiClient } from "./gemini-client";
import { applyGrounding, groundedStatements, groundingSources, searchQueryCount } from "./gemini-grounding";
import { streamContent } from "./gemini-stream";
import { TURN_PHASES, TurnProgressMeter } from "./progress";
import type {
	AgentOutput,
	AgentTurn,
	Provider,
	ProviderErrorKind,
	RetrievedRef,
	StructuredRequest,
	StructuredResult,
	TokenUsage,
	TurnResult,
} from "./types";
import { AgentOutputSchema, ProviderError, parseJsonText, SDK_MAX_RETRIES, ZERO_TOKEN_USAGE } from "./types";

/** The provider name in job configs, events and `ProviderError`s. */
export const GEMINI_PROVIDER_NAME = "gemini";

/**
 * Current general Gemini models (the Gemini 4 frontier models, then Flash and Flash-Lite) as the
 * installed SDK names them in its model union (@google/genai 3.1.0), which marks none of them
 * deprecated; `gemini-3.8-flash` is also the model of every example in the SDK's README. Previews,
 * image, speech and robotics models are left out.
 */
export const GEMINI_MODELS = [
	"gemini-4-argon",
	"gemini-4-carbon",
	"gemini-3.8-flash",
	"gemini-3.5-flash-lite",
] as const;

/**
 * Retry policy of one Gemini call: at most `attempts` HTTP attempts (2 retries); the delay before a
 * retry is the delay the API asked for, else `baseDelayMs · 2^(retry − 1)` capped at `maxDelayMs`;
 * a retry needs `minAttemptMs` of the turn left after its delay.
 */
export const GEMINI_RETRY = {
	attempts: 1 + SDK_MAX_RETRIES,
	baseDelayMs: 1000,
	maxDelayMs: 8000,
	minAttemptMs: 2000,
} as const;

/** What `createGeminiProvider` needs: the key, and optionally another endpoint and fetch. */
export type GeminiProviderOptions = Omit<GeminiClientOptions, "fetch" | "timeoutMs"> & {
	fetch?: typeof fetch;
};

/** How a failed Gemini HTTP response is classified. */
export type GeminiFailure = { kind: ProviderErrorKind; message: string; retryAfterMs?: number };

/** The parsed structured output of a reply, or what is wrong with it. */
export type ParsedAgentOutput = { ok: true; output: AgentOutput } | { ok: false; problem: string };

const GOOGLE_SEARCH_TOOL = { googleSearch: {} };
const MAX_ERROR_MESSAGE_CHARS = 600;
const MAX_PROBLEM_CHARS = 1500;

/** JSON Schema keywords `responseJsonSchema` accepts (GenerateContentConfig.responseJsonSchema in genai.d.ts). */
const RESPONSE_SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
	"$id",
	"$defs",
	"$ref",
	"$anchor",
	"type",
	"format",
	"title",
	"description",
	"enum",
	"items",
	"prefixItems",
	"minItems",
	"maxItems",
	"minimum",
	"maximum",
	"anyOf",
	"oneOf",
	"properties",
	"additionalProperties",
	"required",
	"propertyOrdering",
]);

/**
 * A Gemini provider calling the Gemini API with `apiKey` (sent in the `x-goog-api-key` header),
 * through `fetch` and `baseURL` when given.
 */
export function createGeminiProvider(options: GeminiProviderOptions): Provider {
	const redact = redactor(options.apiKey);
	const baseFetch = options.fetch ?? ((input, init) => fetch(input, init));
	const client = geminiClient({ ...options, fetch: classifyingFetch(baseFetch, redact) });

	return {
		name: GEMINI_PROVIDER_NAME,
		supportsNativeSearch: () => true,
		runTurn: (turn) => {
			const log = newTurnLog(turn.onProgress);
			return withBilledUsage(
				() => ({ usage: log.usage, callLatenciesMs: log.latenciesMs }),
				() => runTurn(client, redact, turn, log),
			);
		},
		runStructured: (request) => {
			const log = newTurnLog(undefined);
			return withBilledUsage(
				() => ({ usage: log.usage, callLatenciesMs: log.latenciesMs }),
				() => runStructured(client, redact, request, log),
			);
		},
	};
}

/**
 * Whether `model` takes Google Search grounding and a response schema in the same call: Gemini 3
 * and later, by the generation number in the id.
 * @example groundsStructuredOutput("gemini-3.8-flash") // true
 * @example groundsStructuredOutput("gemini-2.5-pro") // false
 */
export function groundsStructuredOutput(model: string): boolean {
	const generation = /^(?:models\/)?gemini-(\d+)(?:[.-]|$)/.exec(model)?.[1];
	return generation !== undefined && Number(generation) >= 3;
}

/**
 * The response schema for `responseJsonSchema`: a JSON Schema with only the keywords Gemini
 * accepts, recursively (property names are kept; `$schema`, `maxLength` and the like are dropped —
 * lengths are still enforced by validating the reply with zod).
 */
export function geminiResponseSchema(schema: unknown): unknown {
	if (Array.isArray(schema)) return schema.map(geminiResponseSchema);
	if (typeof schema !== "object" || schema === null) return schema;
	const result: Record<string, unknown> = {};
	for (const [keyword, value] of Object.entries(schema)) {
		if (!RESPONSE_SCHEMA_KEYWORDS.has(keyword)) continue;
		result[keyword] =
			(keyword === "properties" || keyword === "$defs") && typeof value === "object" && value !== null
				? Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, geminiResponseSchema(sub)]))
				: geminiResponseSchema(value);
	}
	return result;
}

const AGENT_OUTPUT_RESPONSE_SCHEMA = geminiResponseSchema(z.toJSONSchema(AgentOutputSchema));

/** Google's error body: `{error: {code, message, status, details: [{"@type": …}]}}`. */
const GoogleErrorBodySchema = z.object({
	error: z.object({
		code: z.number().optional(),
		message: z.string().optional(),
		status: z.string().optional(),
		details: z.array(z.unknown()).optional(),
	}),
});
const ErrorInfoSchema = z.object({
	"@type": z.literal("type.googleapis.com/google.rpc.ErrorInfo"),
	reason: z.string(),
});
const QuotaFailureSchema = z.object({
	"@type": z.literal("type.googleapis.com/google.rpc.QuotaFailure"),
	violations: z.array(z.object({ quotaId: z.string().optional() })),
});
const RetryInfoSchema = z.object({
	"@type": z.literal("type.googleapis.com/google.rpc.RetryInfo"),
	retryDelay: z.string(),
});

/**
 * Billing or prepaid-credit exhaustion in an error message ("Your prepayment credits are depleted",
 * a spend cap, billing not enabled). Every Gemini 429 says "please check your plan and billing
 * details", so that phrase alone does not count.
 */
const BILLING_EXHAUSTED =
	/credits? (?:are |is )?(?:depleted|exhausted)|prepay|spend(?:ing)? (?:cap|limit)|enable billing|billing (?:account|is disabled|has been disabled)|insufficient (?:credit|balance|funds)/i;
const BILLING_REASON = /BILLING|CREDIT/;
const DAILY_QUOTA = /PerDay|Daily/i;
const INVALID_KEY_MESSAGE = /API key (?:not valid|expired|invalid)/i;
const RETRY_IN_MESSAGE = /Please retry in (\d+(?:\.\d+)?(?:ms|s))\b/;

/**
 * Classifies a failed Gemini HTTP response from its status, headers and body text:
 * - spend_limit: an `ErrorInfo` reason about billing or credits (e.g. INSUFFICIENT_G1_CREDITS_BALANCE,
 *   BILLING_DISABLED), a message about depleted credits, a spend cap or billing not enabled (any
 *   status), or a 429 whose `QuotaFailure` names a daily quota (`quotaId` with "PerDay"): retrying
 *   within the turn cannot succeed;
 * - auth: 401, 403, or an invalid or expired key (400 with reason API_KEY_INVALID);
 * - rate_limited: any other 429 (per-minute quotas), with the delay to wait;
 * - timeout: 408; overloaded: 503 and 529; server: other 5xx; invalid_request: other 4xx.
 * The delay comes from `retry-after-ms` or `retry-after` (seconds) headers, else `RetryInfo.retryDelay`
 * ("37s"), else the message's "Please retry in 37.9s".
 */
export function classifyGeminiFailure(status: number, headers: Headers, bodyText: string): GeminiFailure {
	const parsed = parseJson(bodyText);
	const body = GoogleErrorBodySchema.safeParse(parsed);
	const error = body.success ? body.data.error : null;
	const details = error?.details ?? [];
	const detailMessage = error?.message?.trim() || bodyText.trim() || "no error body";
	const message = clip(`Gemini API ${status}${error?.status ? ` ${error.status}` : ""}: ${detailMessage}`);
	const reasons = details.flatMap((detail) => {
		const info = ErrorInfoSchema.safeParse(detail);
		return info.success ? [info.data.reason] : [];
	});
	const quotaIds = details.flatMap((detail) => {
		const failure = QuotaFailureSchema.safeParse(detail);
		return failure.success ? failure.data.violations.map((violation) => violation.quotaId ?? "") : [];
	});
	const retryAfterMs = retryAfterOf(headers, details, detailMessage);
	const withDelay = (kind: ProviderErrorKind): GeminiFailure =>
		retryAfterMs === undefined ? { kind, message } : { kind, message, retryAfterMs };

	if (
		reasons.some((reason) => BILLING_REASON.test(reason)) ||
		BILLING_EXHAUSTED.test(detailMessage) ||
		(status === 429 && quotaIds.some((quotaId) => DAILY_QUOTA.test(quotaId)))
	) {
		return { kind: "spend_limit", message };
	}
	if (
		status === 401 ||
		status === 403 ||
		reasons.some((reason) => reason.startsWith("API_KEY_")) ||
		INVALID_KEY_MESSAGE.test(detailMessage)
	) {
		return { kind: "auth", message };
	}
	if (status === 429) return withDelay("rate_limited");
	if (status === 408) return withDelay("timeout");
	if (status === 503 || status === 529) return withDelay("overloaded");
	if (status >= 500) return withDelay("server");
	if (status >= 400) return { kind: "invalid_request", message };
	return withDelay("server");
}

/**
 * Token usage of one response (see the module comment for the formulas), with `searchCalls` web
 * searches.
 */
export function geminiUsage(
	metadata: GenerateContentResponseUsageMetadata | undefined,
	searchCalls: number,
): TokenUsage {
	const cached = metadata?.cachedContentTokenCount ?? 0;
	return {
		inputTokens:
			Math.max(0, (metadata?.promptTokenCount ?? 0) - cached) + (metadata?.toolUsePromptTokenCount ?? 0),
		outputTokens: (metadata?.candidatesTokenCount ?? 0) + (metadata?.thoughtsTokenCount ?? 0),
		cacheReadTokens: cached,
		cacheWriteTokens: 0,
		searchCalls,
		fetchCalls: 0,
	};
}

/**
 * The wait before retry number `attempt` (the attempt that just failed, from 1), or null when the
 * failure is not retryable, the attempts are used up, or fewer than `GEMINI_RETRY.minAttemptMs`
 * would remain of `remainingMs` after waiting.
 * @example retryDelayMs(new ProviderError("gemini", "overloaded", "…"), 1, 60_000) // 1000
 */
export function retryDelayMs(error: ProviderError, attempt: number, remainingMs: number): number | null {
	if (!error.retryable || attempt >= GEMINI_RETRY.attempts) return null;
	const delay =
		error.options.retryAfterMs ??
		Math.min(GEMINI_RETRY.maxDelayMs, GEMINI_RETRY.baseDelayMs * 2 ** (attempt - 1));
	return remainingMs - delay >= GEMINI_RETRY.minAttemptMs ? delay : null;
}

/** Parses a reply as `AgentOutput`: JSON, then the schema; the problem says what failed. */
export function parseAgentOutput(raw: string): ParsedAgentOutput {
	const json = parseJsonText(raw);
	if (!json.ok) return { ok: false, problem: json.error };
	const result = AgentOutputSchema.safeParse(json.value);
	return result.success
		? { ok: true, output: result.data }
		: { ok: false, problem: z.prettifyError(result.error) };
}

/** What one turn has spent so far, and its progress (silent unless the turn is followed). */
type TurnLog = {
	usage: TokenUsage;
	latenciesMs: number[];
	model: string | null;
	progress: TurnProgressMeter;
};

/** A turn's log before its first call: nothing spent, progress told to `onProgress` when given. */
function newTurnLog(onProgress: AgentTurn["onProgress"]): TurnLog {
	return {
		usage: ZERO_TOKEN_USAGE,
		latenciesMs: [],
		model: null,
		progress: new TurnProgressMeter(onProgress),
	};
}

/** The time budget and cancellation of a turn or a structured call. */
type CallLimits = Pick<AgentTurn, "timeoutMs" | "signal">;

function requireModel(model: string): void {
	if (model.trim() === "") {
		throw new ProviderError(GEMINI_PROVIDER_NAME, "invalid_request", "no Gemini model was given");
	}
}

/** One call with the request's schema as `responseJsonSchema` and no tools; its text parsed as JSON. */
async function runStructured(
	client: GoogleGenAI,
	redact: (text: string) => string,
	request: StructuredRequest,
	log: TurnLog,
): Promise<StructuredResult> {
	requireModel(request.model);
	const response = await sendWithRetries(
		client,
		redact,
		request,
		performance.now() + request.timeoutMs,
		log,
		{
			model: request.model,
			contents: [{ role: "user", parts: [{ text: request.prompt }] }],
			config: jsonConfig(request, geminiResponseSchema(request.jsonSchema), false),
		},
	);
	const rawOutput = replyText(response);
	const json = parseJsonText(rawOutput);
	return {
		value: json.ok ? json.value : undefined,
		usage: log.usage,
		callLatenciesMs: log.latenciesMs,
		rawOutput,
		model: log.model,
	};
}

async function runTurn(
	client: GoogleGenAI,
	redact: (text: string) => string,
	turn: AgentTurn,
	log: TurnLog,
): Promise<TurnResult> {
	requireModel(turn.model);
	const deadline = performance.now() + turn.timeoutMs;
	const send = (contents: Content[], config: GenerateContentConfig) =>
		sendWithRetries(client, redact, turn, deadline, log, { model: turn.model, contents, config });

	const ask: Content = { role: "user", parts: [{ text: turn.prompt }] };
	const researchFirst = turn.search.enabled && !groundsStructuredOutput(turn.model);
	let conversation: Content[] = [ask];
	let grounding: GroundingMetadata | undefined;
	if (researchFirst) {
		log.progress.phase(TURN_PHASES.research);
		const research = await send([ask], {
			systemInstruction: turn.instructions,
			maxOutputTokens: turn.maxOutputTokens,
			tools: [GOOGLE_SEARCH_TOOL],
		});
		const answer = replyContent(research);
		if (!answer) {
			throw new ProviderError(
				GEMINI_PROVIDER_NAME,
				"malformed_output",
				`the grounded research call returned no answer (finish reason ${finishReason(research)})`,
				{ rawOutput: "" },
			);
		}
		grounding = research.candidates?.[0]?.groundingMetadata;
		conversation = [
			ask,
			answer,
			{ role: "user", parts: [{ text: structuringRequest(groundingSources(grounding)) }] },
		];
	}

	const searchesNow = turn.search.enabled && !researchFirst;
	log.progress.phase(searchesNow ? TURN_PHASES.research : TURN_PHASES.write);
	const first = await send(conversation, jsonConfig(turn, AGENT_OUTPUT_RESPONSE_SCHEMA, searchesNow));
	if (!researchFirst) grounding = first.candidates?.[0]?.groundingMetadata;
	let rawOutput = replyText(first);
	let parsed = parseAgentOutput(rawOutput);
	if (!parsed.ok) {
		const firstReply = replyContent(first);
		log.progress.phase(TURN_PHASES.repair);
		const repair = await send(
			[
				...conversation,
				...(firstReply ? [firstReply] : []),
				{ role: "user", parts: [{ text: repairRequest(parsed.problem) }] },
			],
			jsonConfig(turn, AGENT_OUTPUT_RESPONSE_SCHEMA, false),
		);
		rawOutput = replyText(repair);
		parsed = parseAgentOutput(rawOutput);
		if (!parsed.ok) {
			throw new ProviderError(
				GEMINI_PROVIDER_NAME,
				"malformed_output",
				clip(`Gemini output failed the schema after one repair: ${parsed.problem}`),
				{ rawOutput },
			);
		}
	}

	const output = applyGrounding(parsed.output, groundedStatements(grounding), { addUnbacked: researchFirst });
	return {
		output,
		retrieved: retrievedRefs(groundingSources(grounding), output),
		usage: log.usage,
		callLatenciesMs: log.latenciesMs,
		rawOutput,
		model: log.model,
	};
}

/**
 * One `generateContent` call with the adapter's retries, recording usage, latency and model in `log`;
 * streamed (`gemini-stream.ts`) when the turn is followed.
 */
async function sendWithRetries(
	client: GoogleGenAI,
	redact: (text: string) => string,
	turn: CallLimits,
	deadline: number,
	log: TurnLog,
	request: GenerateContentParameters,
): Promise<GenerateContentResponse> {
	const attemptBudgetMs = turn.timeoutMs / GEMINI_RETRY.attempts;
	for (let attempt = 1; ; attempt += 1) {
		if (turn.signal.aborted) throw cancelled(turn.signal, redact);
		const remainingMs = deadline - performance.now();
		if (remainingMs <= 0) {
			throw new ProviderError(
				GEMINI_PROVIDER_NAME,
				"timeout",
				`no Gemini answer within ${turn.timeoutMs} ms`,
			);
		}
		const started = performance.now();
		try {
			const params: GenerateContentParameters = {
				...request,
				config: {
					...request.config,
					abortSignal: turn.signal,
					automaticContinuation: false,
					httpOptions: { timeout: Math.max(1, Math.floor(Math.min(attemptBudgetMs, remainingMs))) },
				},
			};
			const response = log.progress.listening
				? await streamContent(client, params, log.progress)
				: await client.models.generateContent(params);
			if (!response)
				throw new ProviderError(GEMINI_PROVIDER_NAME, "server", "the Gemini stream brought no response");
			record(log, response, performance.now() - started);
			const blockReason = response.promptFeedback?.blockReason;
			if (blockReason) {
				throw new ProviderError(
					GEMINI_PROVIDER_NAME,
					"invalid_request",
					`Gemini blocked the prompt (${blockReason})`,
				);
			}
			return response;
		} catch (error) {
			if (turn.signal.aborted) throw cancelled(turn.signal, redact);
			const failure = asProviderError(error, redact);
			const delay = retryDelayMs(failure, attempt, deadline - performance.now());
			if (delay === null) throw failure;
			await pause(delay, turn.signal, redact);
		}
	}
}

function record(log: TurnLog, response: GenerateContentResponse, latencyMs: number): void {
	const searches = searchQueryCount(response.candidates?.[0]?.groundingMetadata);
	log.usage = sumTokenUsage(log.usage, geminiUsage(response.usageMetadata, searches));
	log.progress.settle(log.usage);
	log.latenciesMs.push(latencyMs);
	log.model = response.modelVersion ?? log.model;
}

/** A call answering with JSON of `responseJsonSchema`, with Google Search when `withSearch`. */
function jsonConfig(
	call: Pick<AgentTurn, "instructions" | "maxOutputTokens">,
	responseJsonSchema: unknown,
	withSearch: boolean,
): GenerateContentConfig {
	return {
		systemInstruction: call.instructions,
		maxOutputTokens: call.maxOutputTokens,
		responseMimeType: "application/json",
		responseJsonSchema,
		...(withSearch ? { tools: [GOOGLE_SEARCH_TOOL] } : {}),
	};
}

/** The request that turns the grounded answer (the model's previous turn) into `AgentOutput`. */
function structuringRequest(sources: readonly RetrievedRef[]): string {
	const list =
		sources.length === 0
			? "(none)"
			: sources
					.map((source, index) => `[${index + 1}] ${source.title ?? "untitled"} <${source.url}>`)
					.join("\n");
	return [
		"Return your answer above as the JSON object of the response schema.",
		"Cite web pages only by the exact URLs of these search results, and sources of the task by their source id.",
		"Search results:",
		list,
	].join("\n");
}

function repairRequest(problem: string): string {
	return `Your reply is not a valid JSON object for the response schema: ${problem.slice(0, MAX_PROBLEM_CHARS)}\nReply with the corrected JSON object only.`;
}

/** The reply's text parts (thoughts excluded), joined. */
function replyText(response: GenerateContentResponse): string {
	const parts = response.candidates?.[0]?.content?.parts ?? [];
	return parts
		.filter((part) => !part.thought && typeof part.text === "string")
		.map((part) => part.text)
		.join("");
}

/** The reply as a model turn for the next request (parts kept whole, with their thought signatures), if it has any. */
function replyContent(response: GenerateContentResponse): Content | null {
	const parts = response.candidates?.[0]?.content?.parts ?? [];
	return parts.length > 0 ? { role: "model", parts } : null;
}

function finishReason(response: GenerateContentResponse): string {
	return response.candidates?.[0]?.finishReason ?? "none";
}

/** The grounding pages, then every other URL the output cites (title unknown). */
function retrievedRefs(sources: readonly RetrievedRef[], output: AgentOutput): RetrievedRef[] {
	const refs = [...sources];
	const seen = new Set(refs.map((ref) => ref.url));
	for (const finding of output.findings) {
		for (const citation of finding.citations) {
			if (citation.url === null || seen.has(citation.url)) continue;
			seen.add(citation.url);
			refs.push({ url: citation.url, title: null });
		}
	}
	return refs;
}

/** The SDK's fetch: passes 2xx responses through and throws every other outcome as a `ProviderError`. */
function classifyingFetch(baseFetch: typeof fetch, redact: (text: string) => string): typeof fetch {
	return async (input, init) => {
		let response: Response;
		try {
			response = await baseFetch(input, init);
		} catch (error) {
			throw asProviderError(error, redact);
		}
		if (response.ok) return response;
		// The body is redacted before it is classified and clipped, so no part of the key can survive.
		const body = redact(await response.text().catch(() => ""));
		const failure = classifyGeminiFailure(response.status, response.headers, body);
		throw new ProviderError(GEMINI_PROVIDER_NAME, failure.kind, failure.message, {
			status: response.status,
			...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
		});
	};
}

/**
 * A thrown value as a `ProviderError`: aborts are timeouts, fetch's TypeError a network failure, and the
 * SDK's ApiError — an error chunk inside a stream, whose JSON the SDK puts after the status in its
 * message — is classified as the same error in an HTTP response is.
 */
function asProviderError(error: unknown, redact: (text: string) => string): ProviderError {
	if (error instanceof ProviderError) return error;
	if (error instanceof ApiError) {
		const message = redact(error.message);
		const body = message.includes("{") ? message.slice(message.indexOf("{")) : message;
		const failure = classifyGeminiFailure(error.status, new Headers(), body);
		return new ProviderError(GEMINI_PROVIDER_NAME, failure.kind, failure.message, {
			status: error.status,
			...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
		});
	}
	if (isAbort(error)) {
		return new ProviderError(
			GEMINI_PROVIDER_NAME,
			"timeout",
			"no Gemini answer within the attempt's time limit",
		);
	}
	if (error instanceof TypeError) {
		return new ProviderError(
			GEMINI_PROVIDER_NAME,
			"network",
			clip(redact(`Gemini API unreachable: ${describe(error)}`)),
		);
	}
	return new ProviderError(
		GEMINI_PROVIDER_NAME,
		"server",
		clip(redact(`unexpected Gemini response: ${describe(error)}`)),
	);
}

function cancelled(signal: AbortSignal, redact: (text: string) => string): ProviderError {
	return new ProviderError(
		GEMINI_PROVIDER_NAME,
		"timeout",
		clip(redact(`Gemini turn aborted: ${describe(signal.reason)}`)),
	);
}

function isAbort(error: unknown): boolean {
	return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}

function pause(ms: number, signal: AbortSignal, redact: (text: string) => string): Promise<void> {
	return new Promise((resolve, reject) => {
		const onAbort = () => {
			clearTimeout(timer);
			reject(cancelled(signal, redact));
		};
		const timer = setTimeout(() => {
			signal.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		signal.addEventListener("abort", onAbort, { once: true });
	});
}

/** Milliseconds to wait before retrying, from headers, `RetryInfo` or the message, when given. */
function retryAfterOf(headers: Headers, details: readonly unknown[], message: string): number | undefined {
	const headerMs = Number(headers.get("retry-after-ms") ?? Number.NaN);
	if (Number.isFinite(headerMs) && headerMs >= 0) return Math.ceil(headerMs);
	const headerSeconds = Number(headers.get("retry-after") ?? Number.NaN);
	if (Number.isFinite(headerSeconds) && headerSeconds >= 0) return Math.ceil(headerSeconds * 1000);
	for (const detail of details) {
		const info = RetryInfoSchema.safeParse(detail);
		const delay = info.success ? durationMs(info.data.retryDelay) : undefined;
		if (delay !== undefined) return delay;
	}
	const inMessage = RETRY_IN_MESSAGE.exec(message)?.[1];
	return inMessage === undefined ? undefined : durationMs(inMessage);
}

/** A protobuf JSON duration ("37s", "0.5s") or "900ms" in milliseconds. */
function durationMs(text: string): number | undefined {
	const match = /^(\d+(?:\.\d+)?)(ms|s)$/.exec(text.trim());
	if (!match) return undefined;
	const value = Number(match[1]);
	return Math.ceil(match[2] === "ms" ? value : value * 1000);
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

function describe(value: unknown): string {
	if (value instanceof Error) return value.message;
	return typeof value === "string" ? value : String(value);
}

function clip(text: string): string {
	return text.length <= MAX_ERROR_MESSAGE_CHARS ? text : `${text.slice(0, MAX_ERROR_MESSAGE_CHARS - 1)}…`;
}

/** Removes the API key from text that may echo a request (some gateways repeat the URL or headers). */
function redactor(apiKey: string): (text: string) => string {
	return (text) => (apiKey === "" ? text : text.split(apiKey).join("[redacted]"));
}

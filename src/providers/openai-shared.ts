/**
 * What the OpenAI and OpenRouter adapters share, since both speak through the `openai` SDK (whose
 * client `openai-compatible.ts` builds): the injected fetch, the time budget of each API call, the
 * classification of failures, the strict JSON schema of the agent output with its one-repair
 * validation, and the mapping of `url_citation` annotations onto findings.
 *
 * Time: a turn has `timeoutMs` for all of its API calls together, and each call gets what is left:
 * retries r = clamp(⌊left / 5 s⌋ − 1, 0, 2) and a per-attempt timeout ⌊left / (r + 1)⌋, so that
 * (r + 1) × timeout ≤ left. The SDK's waits between attempts are cut off by a signal that fires when
 * the time left is spent or the turn's own signal aborts.
 *
 * Retries: the SDK retries 408, 409, 429 and 5xx, waits as `retry-after-ms` / `retry-after` say (up to
 * 60 s, else exponential backoff) and obeys an `x-should-retry` response header. A spend limit can
 * arrive as a 429 (OpenAI's `insufficient_quota`), so the injected fetch marks every response the
 * provider's spend-limit rule recognises with `x-should-retry: false`: the SDK keeps its retry logic for
 * real rate limits and overloads, and an exhausted quota is answered after one request. 400, 401, 402,
 * 403, 404 and 422 are never retried by the SDK.
 *
 * Annotations: a `url_citation` names a page and the span [start, end) of the output text it backs.
 * The output text is the agent-output JSON, so the span lies inside one of its string values:
 * - inside `findings[i].citations[j].quote` of a citation with neither URL nor source id: that quote is
 *   the model's quote of the annotated page, so the citation gets the page's URL (applied first);
 * - anywhere inside `findings[i]`: the finding relies on the page, and when none of its citations
 *   names that URL (after the rule above) a citation {url, quote: ""} is added. The provider returned
 *   no quote, so none is made up; verification reports the empty quote as too short;
 * - elsewhere (the narrative): the page only joins `retrieved`.
 */
import { z } from "zod";
import { isHttpUrl } from "../lib/http-url";
import { sumTokenUsage } from "../lib/usage";
import { TurnProgressMeter } from "./progress";
import {
	type AgentOutput,
	AgentOutputSchema,
	type AgentTurn,
	type BilledCalls,
	type ProviderBilling,
	ProviderError,
	type ProviderErrorKind,
	parseJsonText,
	type RetrievedRef,
	SDK_MAX_RETRIES,
	type StructuredResult,
	structuredResultOf,
	type TokenUsage,
	type TurnResult,
	ZERO_TOKEN_USAGE,
} from "./types";

type OpenAISdk = typeof import("openai");
/**
 * The SDK, evaluated at its first use rather than when the Worker starts: its module start-up was about
 * a quarter of every isolate's (measured with `wrangler check startup`), and most isolates never call it.
 * The Anthropic and Gemini SDKs start cheaply and stay static imports, which esbuild can tree-shake.
 */
export const loadOpenAISdk = (): Promise<OpenAISdk> => import("openai");

/** What a factory of an adapter on the `openai` SDK takes. */
export type OpenAICompatibleOptions = { apiKey: string; baseURL?: string; fetch?: typeof fetch };

/** Whether an error response means the account's credit, quota or billing is exhausted. */
export type SpendLimitRule = (status: number, code: string | null, type: string | null) => boolean;

/** What error classification needs to know about the adapter. */
export type ErrorContext = { provider: string; apiKey: string; isSpendLimit: SpendLimitRule };

/** Retries the SDK makes after a failed attempt when the turn has time for them. */
export const DEFAULT_MAX_RETRIES = SDK_MAX_RETRIES;
/** Shortest per-attempt timeout worth retrying with; with less time left, fewer attempts get more each. */
export const MIN_ATTEMPT_MS = 5_000;
/** Characters of a validation error sent back to the model in the repair request. */
export const MAX_REPAIR_ERROR_CHARS = 2_000;
/** Name of the structured-output format in requests. */
export const AGENT_OUTPUT_FORMAT_NAME = "agent_output";

// The limits of `TurnFindingSchema` and `TurnCitationSchema`; annotation mapping stays inside them.
const MAX_CITATIONS_PER_FINDING = 20;
const MAX_URL_CHARS = 2048;

/** A JSON-schema node, as `z.toJSONSchema` produces it. */
export type JsonSchema = { [keyword: string]: unknown };

function isSchemaNode(value: unknown): value is JsonSchema {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Rewrites a JSON schema into the form strict structured outputs accept: no `$schema`, every object
 * closed (`additionalProperties: false`) with all its properties required, and a nullable field written
 * as a type union (`{type: ["string", "null"]}`) instead of `anyOf` with a null branch.
 *
 * @example strictJsonSchema({ anyOf: [{ type: "string", maxLength: 9 }, { type: "null" }] })
 * // → { type: ["string", "null"], maxLength: 9 }
 */
export function strictJsonSchema(schema: JsonSchema): JsonSchema {
	const node: JsonSchema = { ...schema };
	delete node.$schema;
	if (Array.isArray(node.anyOf)) {
		const branches = node.anyOf.filter(isSchemaNode);
		const valued = branches.filter((branch) => branch.type !== "null");
		const single = valued[0];
		delete node.anyOf;
		if (branches.length === 2 && valued.length === 1 && single && typeof single.type === "string") {
			return strictJsonSchema({ ...node, ...single, type: [single.type, "null"] });
		}
		node.anyOf = branches.map(strictJsonSchema);
	}
	if (isSchemaNode(node.properties)) {
		const properties = Object.fromEntries(
			Object.entries(node.properties).map(([key, value]) => [
				key,
				isSchemaNode(value) ? strictJsonSchema(value) : value,
			]),
		);
		node.properties = properties;
		node.required = Object.keys(properties);
		node.additionalProperties = false;
	}
	if (isSchemaNode(node.items)) node.items = strictJsonSchema(node.items);
	return node;
}

/** The agent output as a strict JSON schema, for `text.format` and `response_format`. */
export const AGENT_OUTPUT_JSON_SCHEMA: JsonSchema = strictJsonSchema(z.toJSONSchema(AgentOutputSchema));

/** The model's text checked against `AgentOutputSchema`, or why it does not match. */
export type ParsedOutput = { ok: true; output: AgentOutput } | { ok: false; error: string };

/** Parses and validates the model's raw text as the agent output (a lone ```json fence is tolerated). */
export function parseAgentOutput(raw: string): ParsedOutput {
	const json = parseJsonText(raw);
	if (!json.ok) return json;
	const result = AgentOutputSchema.safeParse(json.value);
	if (result.success) return { ok: true, output: result.data };
	return { ok: false, error: z.prettifyError(result.error).slice(0, MAX_REPAIR_ERROR_CHARS) };
}

/** The follow-up message that asks the model to correct output that failed validation. */
export function repairInstruction(error: string): string {
	return [
		"Your previous reply does not match the required output format:",
		error,
		"Reply again with only the corrected JSON object (findings and narrative), keeping your findings and citations.",
	].join("\n");
}

/**
 * Validates `first`; when it fails, asks once for a repair and validates that. A second failure is a
 * `malformed_output` error carrying the last raw text.
 */
export async function validateWithOneRepair<Reply extends { text: string }>(
	first: Reply,
	repair: (previous: Reply, error: string) => Promise<Reply>,
	provider: string,
): Promise<{ reply: Reply; output: AgentOutput }> {
	const parsed = parseAgentOutput(first.text);
	if (parsed.ok) return { reply: first, output: parsed.output };
	const repaired = await repair(first, parsed.error);
	const reparsed = parseAgentOutput(repaired.text);
	if (reparsed.ok) return { reply: repaired, output: reparsed.output };
	throw new ProviderError(
		provider,
		"malformed_output",
		`output failed the schema after one repair: ${reparsed.error}`,
		{
			rawOutput: repaired.text,
		},
	);
}

/** One step of a path into a JSON value: an object key or an array index. */
export type JsonPathStep = string | number;

/** A string value of a JSON text: where it sits in the value and its span [start, end), quotes included. */
export type JsonStringSpan = { path: JsonPathStep[]; start: number; end: number };

type Frame = { kind: "object"; key: string; expectingKey: boolean } | { kind: "array"; index: number };

function stringEnd(text: string, start: number): number {
	let position = start + 1;
	while (position < text.length) {
		if (text[position] === "\\") position += 2;
		else if (text[position] === '"') return position + 1;
		else position += 1;
	}
	return text.length;
}

function decodeKey(literal: string): string {
	try {
		return String(JSON.parse(literal));
	} catch {
		return literal.slice(1, -1);
	}
}

/**
 * The spans of every string value (not keys) of a JSON text with their paths. Characters outside the
 * JSON value (a code fence around it) are skipped.
 *
 * @example jsonStringSpans('{"a":["x"]}') // → [{ path: ["a", 0], start: 6, end: 9 }]
 */
export function jsonStringSpans(text: string): JsonStringSpan[] {
	const spans: JsonStringSpan[] = [];
	const frames: Frame[] = [];
	let position = 0;
	while (position < text.length) {
		const char = text[position];
		const top = frames.at(-1);
		if (char === '"') {
			const end = stringEnd(text, position);
			if (top?.kind === "object" && top.expectingKey) top.key = decodeKey(text.slice(position, end));
			else
				spans.push({
					path: frames.map((frame) => (frame.kind === "object" ? frame.key : frame.index)),
					start: position,
					end,
				});
			position = end;
			continue;
		}
		if (char === "{") frames.push({ kind: "object", key: "", expectingKey: true });
		else if (char === "[") frames.push({ kind: "array", index: 0 });
		else if (char === "}" || char === "]") frames.pop();
		else if (char === ":" && top?.kind === "object") top.expectingKey = false;
		else if (char === "," && top?.kind === "object") top.expectingKey = true;
		else if (char === "," && top?.kind === "array") top.index += 1;
		position += 1;
	}
	return spans;
}

/** A provider's `url_citation`: the cited page and the span [start, end) of the output text it backs. */
export type UrlAnnotation = { url: string; title: string | null; start: number; end: number };

/** What both APIs' replies carry for a turn's result: the text, its URL citations and the answering model. */
export type AnnotatedReply = { text: string; annotations: readonly UrlAnnotation[]; model: string };

function annotatedFinding(path: JsonPathStep[]): { finding: number; quoteOf: number | null } | null {
	const [field, finding, list, citation, key] = path;
	if (field !== "findings" || typeof finding !== "number") return null;
	const quoteOf = list === "citations" && typeof citation === "number" && key === "quote" ? citation : null;
	return { finding, quoteOf };
}

/**
 * Maps `url_citation` annotations of the output text `text` onto the findings of `output` (rules in the
 * module comment). Returns a new output; `output` is not changed.
 */
export function applyUrlCitations(
	output: AgentOutput,
	text: string,
	annotations: readonly UrlAnnotation[],
): AgentOutput {
	const spans = jsonStringSpans(text);
	const findings = output.findings.map((finding) => ({
		...finding,
		citations: finding.citations.map((citation) => ({ ...citation })),
	}));
	const targeted = annotations.flatMap((annotation) => {
		if (annotation.url.length > MAX_URL_CHARS) return [];
		const span = spans.find(
			(candidate) => candidate.start <= annotation.start && annotation.end <= candidate.end,
		);
		const target = span ? annotatedFinding(span.path) : null;
		const finding = target ? findings[target.finding] : undefined;
		return target && finding ? [{ url: annotation.url, finding, quoteOf: target.quoteOf }] : [];
	});
	// Quotes first, so that a page a quote is attributed to is not also added as a quote-less citation.
	for (const { url, finding, quoteOf } of targeted) {
		const quoted = quoteOf === null ? undefined : finding.citations[quoteOf];
		if (quoted && quoted.url === null && quoted.sourceId === null) quoted.url = url;
	}
	for (const { url, finding } of targeted) {
		const cited = finding.citations.some((citation) => citation.url === url);
		if (!cited && finding.citations.length < MAX_CITATIONS_PER_FINDING) {
			finding.citations.push({ sourceId: null, url, quote: "" });
		}
	}
	return { ...output, findings };
}

/** The http(s) pages of a turn in first-seen order, deduplicated by URL, keeping the first known title. */
export class RetrievedPages {
	private readonly titles = new Map<string, string | null>();

	/** Adds a page; a title fills in a page first seen without one. Non-web URLs are ignored. */
	add(url: string, title: string | null = null): void {
		if (!isHttpUrl(url)) return;
		const known = this.titles.get(url);
		if (known === undefined || (known === null && title)) this.titles.set(url, title || null);
	}

	/** The pages added so far. */
	list(): RetrievedRef[] {
		return [...this.titles].map(([url, title]) => ({ url, title }));
	}
}

/**
 * Usage of one call from OpenAI-style counts, where the prompt count includes cache reads and writes:
 * inputTokens = prompt − cached − written (never below 0), so the four token counts are disjoint.
 */
export function disjointUsage(counts: {
	prompt: number;
	output: number;
	cached: number;
	written: number;
	searchCalls: number;
	fetchCalls: number;
}): TokenUsage {
	return {
		inputTokens: Math.max(0, counts.prompt - counts.cached - counts.written),
		outputTokens: counts.output,
		cacheReadTokens: counts.cached,
		cacheWriteTokens: counts.written,
		searchCalls: counts.searchCalls,
		fetchCalls: counts.fetchCalls,
	};
}

/**
 * Retries and per-attempt timeout of a call with `remainingMs` left: (maxRetries + 1) × timeout never
 * exceeds the time left, and retries are dropped while an attempt would get less than `MIN_ATTEMPT_MS`.
 *
 * @example attemptBudget(60_000) // → { maxRetries: 2, timeout: 20_000 }
 * @example attemptBudget(8_000) // → { maxRetries: 0, timeout: 8_000 }
 */
export function attemptBudget(remainingMs: number): { maxRetries: number; timeout: number } {
	const left = Math.max(1, Math.floor(remainingMs));
	const maxRetries = Math.min(DEFAULT_MAX_RETRIES, Math.max(0, Math.floor(left / MIN_ATTEMPT_MS) - 1));
	return { maxRetries, timeout: Math.max(1, Math.floor(left / (maxRetries + 1))) };
}

/**
 * Milliseconds a response asks to wait before retrying: `retry-after-ms`, else `retry-after` in seconds
 * or as an HTTP date (relative to `nowMs`); undefined when neither header is usable.
 */
export function retryAfterMs(headers: Headers | undefined, nowMs: number): number | undefined {
	const millis = Number.parseFloat(headers?.get("retry-after-ms") ?? "");
	if (Number.isFinite(millis) && millis >= 0) return millis;
	const value = headers?.get("retry-after");
	if (!value) return undefined;
	const seconds = Number(value.trim());
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

/**
 * How an HTTP error status is classified: spend limit first (it may come as a 429), then 429 rate
 * limited, 401/403 auth, 408 timeout, 503/529 overloaded, other 5xx server, any other status invalid.
 */
export function statusKind(status: number, spendLimit: boolean): ProviderErrorKind {
	if (spendLimit) return "spend_limit";
	if (status === 429) return "rate_limited";
	if (status === 401 || status === 403) return "auth";
	if (status === 408) return "timeout";
	if (status === 503 || status === 529) return "overloaded";
	if (status >= 500) return "server";
	return "invalid_request";
}

/** Replaces the API key, and any bearer credential, in a message that is about to leave the adapter. */
export function redactSecrets(message: string, apiKey: string): string {
	const withoutKey = apiKey ? message.replaceAll(apiKey, "[redacted]") : message;
	return withoutKey.replace(/Bearer\s+\S+/gi, "Bearer [redacted]");
}

/** A `ProviderError` for an error status with the API's error code, type and message. */
export function statusError(
	status: number,
	detail: { code: string | null; type: string | null; message: string; headers?: Headers },
	context: ErrorContext,
): ProviderError {
	const kind = statusKind(status, context.isSpendLimit(status, detail.code, detail.type));
	const retryAfter = kind === "rate_limited" ? retryAfterMs(detail.headers, Date.now()) : undefined;
	return new ProviderError(context.provider, kind, redactSecrets(detail.message, context.apiKey), {
		status,
		...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
	});
}

/** Classifies any failure of an SDK call as a `ProviderError` whose message carries no credential. */
function toProviderError(sdk: OpenAISdk, error: unknown, context: ErrorContext): ProviderError {
	if (error instanceof ProviderError) return error;
	const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = sdk;
	const fail = (kind: ProviderErrorKind, message: string) =>
		new ProviderError(context.provider, kind, redactSecrets(message, context.apiKey));
	if (error instanceof APIUserAbortError) {
		return fail("timeout", "request aborted: the turn was cancelled or its time budget is spent");
	}
	if (error instanceof APIConnectionTimeoutError) return fail("timeout", "request timed out");
	if (error instanceof APIConnectionError) {
		const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
		return fail("network", `connection failed${cause}`);
	}
	if (error instanceof APIError && typeof error.status === "number") {
		return statusError(
			error.status,
			{
				code: error.code == null ? null : String(error.code),
				type: error.type ?? null,
				message: error.message,
				...(error.headers ? { headers: error.headers } : {}),
			},
			context,
		);
	}
	return fail("server", error instanceof Error ? error.message : String(error));
}

const ErrorBodySchema = z.object({
	error: z.object({
		code: z.union([z.string(), z.number()]).nullish(),
		type: z.string().nullish(),
	}),
});

function errorCodes(body: string): { code: string | null; type: string | null } {
	let data: unknown;
	try {
		data = JSON.parse(body);
	} catch {
		return { code: null, type: null };
	}
	const parsed = ErrorBodySchema.safeParse(data);
	if (!parsed.success) return { code: null, type: null };
	const { code, type } = parsed.data.error;
	return { code: code == null ? null : String(code), type: type ?? null };
}

/**
 * Wraps `fetchImpl` so that a spend-limit response carries `x-should-retry: false` and the SDK answers
 * it without retrying; every other response passes through untouched.
 */
export function spendLimitNotRetried(fetchImpl: typeof fetch, isSpendLimit: SpendLimitRule): typeof fetch {
	return async (input, init) => {
		const response = await fetchImpl(input, init);
		if (response.status < 400) return response;
		const body = await response.clone().text();
		const { code, type } = errorCodes(body);
		if (!isSpendLimit(response.status, code, type)) return response;
		const headers = new Headers(response.headers);
		headers.set("x-should-retry", "false");
		return new Response(body, { status: response.status, statusText: response.statusText, headers });
	};
}

/** Per-request options of one SDK call. */
export type CallOptions = { timeout: number; maxRetries: number; signal: AbortSignal };

/**
 * The API calls of one turn: each gets the time left of the turn's budget, failures become
 * `ProviderError`s, and usage, latencies and retrieved pages add up across calls.
 */
export class TurnSession {
	readonly latenciesMs: number[] = [];
	readonly retrieved = new RetrievedPages();
	/** The turn's progress, settled with the usage of every call; silent unless the turn is followed. */
	readonly progress: TurnProgressMeter;
	private total: TokenUsage = ZERO_TOKEN_USAGE;
	/** What the provider stated it charged, and the usage of the calls whose charge it did not state. */
	private charges: ProviderBilling = { reportedUsd: 0, unreported: ZERO_TOKEN_USAGE };
	private anyBilled = false;
	private readonly deadline: number;

	constructor(
		/** Who the calls' failures are classified for. */
		readonly errors: ErrorContext,
		private readonly turn: Pick<AgentTurn, "timeoutMs" | "signal" | "onProgress">,
	) {
		this.deadline = performance.now() + turn.timeoutMs;
		this.progress = new TurnProgressMeter(turn.onProgress);
	}

	/** Token usage of the calls so far. */
	get usage(): TokenUsage {
		return this.total;
	}

	/** The calls' charges as the provider stated them; absent when no call stated one. */
	private get billing(): { billing?: ProviderBilling } {
		return this.anyBilled ? { billing: this.charges } : {};
	}

	/** What the calls so far were billed, for the error of a turn that fails after some were answered. */
	get billed(): BilledCalls {
		return { usage: this.total, callLatenciesMs: this.latenciesMs, ...this.billing };
	}

	/** A turn's result: the validated output with the reply's URL citations applied, and what the calls recorded. */
	turnResult(reply: AnnotatedReply, output: AgentOutput): TurnResult {
		return {
			output: applyUrlCitations(output, reply.text, reply.annotations),
			retrieved: this.retrieved.list(),
			usage: this.total,
			callLatenciesMs: this.latenciesMs,
			rawOutput: reply.text,
			model: reply.model,
			...this.billing,
		};
	}

	/** A structured call's result: the reply's text parsed as JSON (undefined when it is not), and what the call recorded. */
	structuredResult(reply: Pick<AnnotatedReply, "text" | "model">): StructuredResult {
		return structuredResultOf(reply, {
			usage: this.total,
			callLatenciesMs: this.latenciesMs,
			...this.billing,
		});
	}

	/** Runs one API call within the time left; its latency is recorded and its failure classified. */
	async run<T>(request: (options: CallOptions) => Promise<T>): Promise<T> {
		const left = this.deadline - performance.now();
		if (left < 1 || this.turn.signal.aborted) {
			throw new ProviderError(
				this.errors.provider,
				"timeout",
				"the turn's time budget is spent or it was cancelled",
			);
		}
		const signal = AbortSignal.any([this.turn.signal, AbortSignal.timeout(Math.ceil(left))]);
		const started = performance.now();
		try {
			return await request({ ...attemptBudget(left), signal });
		} catch (error) {
			throw toProviderError(await loadOpenAISdk(), error, this.errors);
		} finally {
			this.latenciesMs.push(performance.now() - started);
		}
	}

	/**
	 * Adds the usage of a call (or of a tool the turn ran) and, when the provider stated it, what the
	 * call was charged (`billedUsd`), which then stands for the call's cost.
	 */
	record(usage: TokenUsage, billedUsd?: number): void {
		this.total = sumTokenUsage(this.total, usage);
		if (billedUsd === undefined) {
			this.charges = { ...this.charges, unreported: sumTokenUsage(this.charges.unreported, usage) };
		} else {
			this.charges = { ...this.charges, reportedUsd: this.charges.reportedUsd + billedUsd };
			this.anyBilled = true;
		}
		this.progress.settle(this.total);
	}
}

/**
 * The one contract between the agent research loop (`src/agents/`) and whatever produces findings:
 * the offline extractive ranker, or a model provider with its own web search.
 *
 * A provider runs one structured agent turn: it gets the role's instructions, the task prompt (with
 * source text delimited as data) and, for models without native search, read-only research tools; it
 * returns findings whose citations name a URL or a source id plus a quote, every URL it searched,
 * fetched or cited, and the token usage of every API call it made. It never computes cost, never
 * fetches pages itself (the research loop does, through the guarded fetch) and classifies every
 * failure as a `ProviderError`, which carries the usage of the calls answered before it
 * (`options.billed`), since the provider billed them.
 */
import { z } from "zod";
import type { AgentContext, Role, SourceRecord } from "../protocol";

/** A retrieved source with the text of its stored snapshot. */
export type SourceDocument = { source: SourceRecord; text: string };

/** One agent task attempt, with the snapshot texts of the job's retrieved sources. */
export type AgentTaskInput = AgentContext & { documents: SourceDocument[] };

/** A citation as a provider returns it: a job source id (attached sources) or a URL, and the quote. */
export const TurnCitationSchema = z.object({
	sourceId: z.string().max(64).nullable(),
	url: z.string().max(2048).nullable(),
	quote: z.string().max(2000),
});
export type TurnCitation = z.infer<typeof TurnCitationSchema>;

export const TurnFindingSchema = z.object({
	title: z.string().max(300),
	claim: z.string().max(4000),
	confidence: z.number().min(0).max(1),
	citations: z.array(TurnCitationSchema).max(20),
});
export type TurnFinding = z.infer<typeof TurnFindingSchema>;

/**
 * The structured output every model is asked for (JSON schema / forced tool input / response schema).
 * Adapters validate the model's output against it.
 */
export const AgentOutputSchema = z.object({
	findings: z.array(TurnFindingSchema).max(30),
	narrative: z.string().max(20_000),
});
export type AgentOutput = z.infer<typeof AgentOutputSchema>;

/** A web page the provider searched, fetched or cited. The research loop snapshots every one. */
export type RetrievedRef = { url: string; title: string | null };

/** Tokens and tool calls of the API calls in one turn, straight from the responses. */
export type TokenUsage = {
	/** Uncached input tokens: excludes cache reads and cache writes, which are counted below. */
	inputTokens: number;
	outputTokens: number;
	cacheReadTokens: number;
	cacheWriteTokens: number;
	/** Web searches the provider ran (server-side or through our search tool). */
	searchCalls: number;
	/** Page fetches the provider ran server-side (e.g. Anthropic web_fetch). */
	fetchCalls: number;
};

/**
 * What the provider itself said a turn's calls cost (OpenRouter's `usage.cost`), and the usage of the
 * calls and tools whose cost it did not state, which the price table prices instead.
 */
export type ProviderBilling = { reportedUsd: number; unreported: TokenUsage };

export const ZERO_TOKEN_USAGE: TokenUsage = {
	inputTokens: 0,
	outputTokens: 0,
	cacheReadTokens: 0,
	cacheWriteTokens: 0,
	searchCalls: 0,
	fetchCalls: 0,
};

/** Read-only tools the research loop lends to models without native web search. */
export type ResearchTools = {
	/** A web search (Brave Search API); at most `AgentTurn.search.maxUses` calls per turn. */
	search(query: string): Promise<{ url: string; title: string; snippet: string }[]>;
	/** Fetches a page through the guarded fetch and snapshots it; null when it cannot be retrieved. */
	fetchPage(url: string): Promise<{ url: string; title: string | null; text: string } | null>;
};

/**
 * How far a running turn got, as its provider tells it. Every count is the turn's total so far (all its
 * API calls together) and never decreases from one update to the next.
 */
export type TurnProgress = {
	/**
	 * Output tokens so far: the API's running count where its stream carries one, else estimated from
	 * the text streamed so far; each finished call counts with its reported usage.
	 */
	outputTokens?: number;
	/** Prompt tokens so far, cached or not, as far as the API has reported them. */
	inputTokens?: number;
	/** Web searches plus page fetches begun so far (what `AgentTurn.search.maxUses` bounds). */
	searches?: number;
	/** What the turn is doing now, in a few words ("researching", "writing the findings"). */
	phase?: string;
};

export type AgentTurn = {
	/** The model id to call (ignored by the extractive provider). */
	model: string;
	role: Role;
	/** The role's standing instructions: identical for every task of this role, so providers may cache it. */
	instructions: string;
	/** The task, upstream findings and attached source text, with source text delimited as untrusted data. */
	prompt: string;
	/** The structured task, for providers that work on it directly (extractive). */
	input: AgentTaskInput;
	search: {
		/** Whether the provider may search the web (native tool, or `tools` when it has none). */
		enabled: boolean;
		/** Upper bound on searches plus page fetches in this turn. */
		maxUses: number;
	};
	/** Present when the provider has no native search and web research is enabled. */
	tools: ResearchTools | null;
	maxOutputTokens: number;
	/** Wall-clock budget for the whole turn, including the SDK's own retries. */
	timeoutMs: number;
	signal: AbortSignal;
	/**
	 * Told how far the turn got while it runs. Adapters that can stream do so only when it is given, and
	 * stream into the same result the non-streaming calls return; the rest report each phase or round.
	 */
	onProgress?: (update: TurnProgress) => void;
};

export type TurnResult = {
	output: AgentOutput;
	retrieved: RetrievedRef[];
	usage: TokenUsage;
	/** Latency of each API call, in ms, for the p50/p95/p99 metrics. */
	callLatenciesMs: number[];
	/** The model's final raw text, kept for the report's appendix. */
	rawOutput: string;
	/** The model that actually answered (as the API reports it). */
	model: string | null;
	/** Set when the provider stated what (some of) the calls cost; absent when it stated nothing. */
	billing?: ProviderBilling;
};

/**
 * One structured-output call with no tools: the model answers `prompt` (under the system prompt
 * `instructions`) with a JSON value of `jsonSchema`, enforced the provider's own way (forced tool input,
 * strict JSON schema, response schema). Nothing is searched, and nothing is repaired: the caller
 * validates `StructuredResult.value` and, when it is wrong, asks again with a new prompt.
 */
export type StructuredRequest = {
	model: string;
	instructions: string;
	prompt: string;
	/** Name of the schema in the request (letters, digits, `_` and `-`, at most 64 characters). */
	schemaName: string;
	/** A JSON Schema of an object; each adapter drops the keywords its API does not take. */
	jsonSchema: Record<string, unknown>;
	maxOutputTokens: number;
	/** Wall-clock budget for the call, including the SDK's own retries. */
	timeoutMs: number;
	signal: AbortSignal;
};

export type StructuredResult = {
	/** The model's answer parsed as JSON; undefined when it is not JSON (`rawOutput` shows what came). */
	value: unknown;
	usage: TokenUsage;
	/** Latency of each API call, in ms. */
	callLatenciesMs: number[];
	/** The model's raw answer: the JSON text, or the tool input serialized. */
	rawOutput: string;
	/** The model that actually answered (as the API reports it). */
	model: string | null;
	/** Set when the provider stated what (some of) the calls cost; absent when it stated nothing. */
	billing?: ProviderBilling;
};

/** A model's text read as JSON: the value, or why it is not JSON. */
export type JsonText = { ok: true; value: unknown } | { ok: false; error: string };

// Models without enforced schemas sometimes wrap the object in a Markdown code fence.
const CODE_FENCE = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?\s*```\s*$/;

/**
 * Parses a model's answer as JSON; a lone ```json fence around it is tolerated.
 * @example parseJsonText('```json\n{"a":1}\n```') // { ok: true, value: { a: 1 } }
 */
export function parseJsonText(raw: string): JsonText {
	try {
		return { ok: true, value: JSON.parse(CODE_FENCE.exec(raw)?.[1] ?? raw) };
	} catch (error) {
		return { ok: false, error: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
	}
}

/**
 * A structured call's result: the answer's text parsed as JSON (undefined when it is not) beside what
 * the calls recorded.
 * @example structuredResultOf({ text: '{"a":1}', model: "m" }, { usage, callLatenciesMs: [12] }).value // { a: 1 }
 */
export function structuredResultOf(
	reply: { text: string; model: string | null },
	recorded: Pick<StructuredResult, "usage" | "callLatenciesMs" | "billing">,
): StructuredResult {
	const json = parseJsonText(reply.text);
	return { ...recorded, value: json.ok ? json.value : undefined, rawOutput: reply.text, model: reply.model };
}

/**
 * The token usage and latencies of the API calls a turn or structured call made so far, as the provider
 * billed them: on success the result's, on failure the error's (`ProviderError.options.billed`).
 */
export type BilledCalls = { usage: TokenUsage; callLatenciesMs: number[]; billing?: ProviderBilling };

/**
 * Retries of one API call after a retryable failure (429, overload, 5xx, timeout), by the SDK or by the
 * adapter itself (Gemini): every call of every adapter makes at most `1 + SDK_MAX_RETRIES` HTTP requests.
 * With the breaker's threshold it bounds the requests a task sends a rate-limited provider
 * (docs/architecture.md, "Leases, retries and the watchdog").
 */
export const SDK_MAX_RETRIES = 2;

/** How a provider call failed, which decides whether it is retried and whether the breaker counts it. */
export type ProviderErrorKind =
	| "rate_limited" // 429 after the SDK's retries: retry after `retryAfterMs`; counts toward the breaker
	| "overloaded" // 529 / 503: retry with backoff; counts toward the circuit breaker
	| "server" // other 5xx: retry; counts toward the breaker
	| "timeout" // no answer in time: retry; counts toward the breaker
	| "network" // connection failed: retry; counts toward the breaker
	| "auth" // 401 / 403: never retried
	| "spend_limit" // billing or quota exhausted: never retried
	| "invalid_request" // 400 / 404 / 422: never retried
	| "malformed_output"; // output failed the schema after the repair attempt: never retried

/** Why a provider counts as down for the circuit breaker: persistently rate-limited, or an outage. */
export type OutageCause = "rate_limited" | "outage";

export class ProviderError extends Error {
	constructor(
		readonly provider: string,
		readonly kind: ProviderErrorKind,
		message: string,
		readonly options: {
			status?: number;
			retryAfterMs?: number;
			rawOutput?: string;
			billed?: BilledCalls;
		} = {},
	) {
		super(message);
		this.name = "ProviderError";
	}

	/**
	 * The same failure, carrying what the calls made before it were billed, so the caller can book tokens
	 * a provider charged for a turn that then failed (malformed output, a refusal, a later 429).
	 * @example throw error.billedFor({ usage: calls.usage, callLatenciesMs: calls.latenciesMs })
	 */
	billedFor(billed: BilledCalls): ProviderError {
		return new ProviderError(this.provider, this.kind, this.message, { ...this.options, billed });
	}

	/** Whether another attempt may succeed. */
	get retryable(): boolean {
		return !["auth", "spend_limit", "invalid_request", "malformed_output"].includes(this.kind);
	}

	/**
	 * Why the failure says the provider cannot serve the job now, for the circuit breaker: a 429 that
	 * outlasted the SDK's retries, or an outage (overload, 5xx, timeout, network); null otherwise.
	 */
	get outageCause(): OutageCause | null {
		if (this.kind === "rate_limited") return "rate_limited";
		return ["overloaded", "server", "timeout", "network"].includes(this.kind) ? "outage" : null;
	}

	/** Whether the breaker counts the failure (see `outageCause`). */
	get countsAsOutage(): boolean {
		return this.outageCause !== null;
	}
}

export interface Provider {
	readonly name: string;
	/** Whether `model` searches the web itself; when it does not, the loop lends it `ResearchTools`. */
	supportsNativeSearch(model: string): boolean;
	/** Runs one structured agent turn. Failures are thrown as `ProviderError`. */
	runTurn(turn: AgentTurn): Promise<TurnResult>;
	/** Asks the model once for a JSON value of a schema. Failures are thrown as `ProviderError`, as `runTurn`'s are. */
	runStructured(request: StructuredRequest): Promise<StructuredResult>;
}

/**
 * The dated price table of the models the service runs, and the default model of each provider and role.
 *
 * Table date: 2026-11-24. Every rate below was copied on that date from the page named in the row's
 * `source` (the providers' own pricing or model pages; for OpenRouter, its model pages). All prices are
 * USD; token rates are per million tokens (MTok), tool rates per call.
 *
 * Which models: the current, non-deprecated ids the installed SDKs list — `Model` in
 * @anthropic-ai/sdk 1.12 (resources/messages/messages.d.ts; its DEPRECATED_MODELS map names only
 * claude-sonnet-4-5), `ChatModel` in openai 7.57 (resources/shared.d.ts) and `Model_2` in @google/genai
 * 3.1 (dist/genai.d.ts), newest generation of each family. A listed model whose price could not be
 * confirmed on a pricing page gets no row rather than a guessed one (claude-fable-5-2, gpt-6-astra,
 * gemini-4-carbon); neither do the limited-availability Claude Mythos models nor the older generations
 * the SDKs still list (Claude Opus/Sonnet 5 and 4.x, GPT-5.x, Gemini 3.7 and earlier).
 *
 * Modelling choices, so every figure means one thing:
 * - `cacheWritePerMTok` is the write rate of the shortest cache lifetime, the one adapters use
 *   (Anthropic 5 minutes, OpenAI 30 minutes). Gemini's implicit cache has no write surcharge, and
 *   models without prompt caching never report cache tokens: there it equals the input rate.
 * - `searchPerCall` is the provider's web-search fee per counted search, with free allowances ignored
 *   (Gemini grants 5,000 grounded search queries a month; billing them all keeps budgets safe):
 *   Anthropic web search $10 / 1,000 searches; OpenAI web search $10 / 1,000 calls; Gemini grounding
 *   with Google Search $14 / 1,000 search queries; OpenRouter's `openrouter:web_search` server tool on
 *   the Exa engine $4 / 1,000 results at 5 results a search, i.e. $0.02 per search; Perplexity Sonar's
 *   search fee is $5 / 1,000 requests. OpenRouter states each call's charge (`usage.cost`), which is
 *   used instead of these rates whenever a response carries it. Tool pages:
 *   https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool,
 *   https://developers.openai.com/api/docs/pricing,
 *   https://openrouter.ai/docs/guides/features/server-tools/web-search.
 * - `fetchPerCall` is a server-side page fetch: Anthropic's web fetch has no fee beyond the tokens of
 *   the fetched page, and the other providers have no separate fetch tool, so it is 0 everywhere today.
 * - `longContext` holds the rates that apply to a whole request once its prompt (input plus cache reads
 *   and writes) exceeds a threshold: Claude Haiku 5.5 above 100,000 tokens, OpenAI's GPT-6 models above
 *   272,000 tokens (2× input and cache rates, 1.5× output).
 * - Every row is a list of dated rate periods (`validFrom` … `validThrough`, both inclusive UTC days;
 *   null for "before the table" and "no end announced"). A call is priced at the period in force on
 *   its day. Gemini 4 Argon's introductory $2 / $10 ended on 2026-11-30; from 2026-12-01 it costs $4 /
 *   $20 (cache reads $0.20), as Google announced. Gemini 3.8 Flash rises to $1.50 / $7.50 on
 *   2027-01-01, but its new cache rate was not announced, so its period ends on 2026-12-31 with no
 *   successor: from then on its row is stale (still priced at its last rates, each cost marked as an
 *   estimate) until the table is refreshed.
 * - Claude Sonnet 5.5 cache reads are $0.10 since Anthropic's cut of 2026-10-07 (the model overview
 *   still showed the earlier $0.20).
 * - Workers AI bills Neurons, $0.011 per 1,000 Neurons beyond a free 10,000 a day (ignored, as other
 *   free allowances are); its model pages state what those Neurons come to per million tokens, and the
 *   row keeps those token rates (`WORKERS_AI_NEURON_PRICE` converts back). Copied on 2026-12-05. Its default model is `@cf/google/gemma-4-26b-a4b-it`, the newest
 *   general instruction model of Workers AI's catalogue (`AiModels` in worker-configuration.d.ts) that
 *   needs no Workers Paid plan, with function calling and JSON mode's `response_format` in its input
 *   schema; its page lists no cached-input rate, so cache reads are billed at the input rate.
 */
import type { Role } from "../protocol";
import type { ModelProviderName } from "./settings";

export const PRICE_TABLE_AS_OF = "2026-11-24";

/** Rates that replace the base rates for a whole request whose prompt exceeds `aboveInputTokens`. */
export type LongContextRates = {
	/** Prompt size (input + cache reads + cache writes) above which these rates apply. */
	aboveInputTokens: number;
	inputPerMTok: number;
	outputPerMTok: number;
	cacheReadPerMTok: number;
	cacheWritePerMTok: number;
};

/** A model's token rates per million tokens and tool fees per call, in USD. */
export type Rates = {
	inputPerMTok: number;
	outputPerMTok: number;
	cacheReadPerMTok: number;
	cacheWritePerMTok: number;
	searchPerCall: number;
	fetchPerCall: number;
	longContext: LongContextRates | null;
};

/** Rates in force from `validFrom` through `validThrough` (inclusive UTC days, YYYY-MM-DD). */
export type RatePeriod = Rates & {
	/** First day of these rates; null when they were in force before the table was taken. */
	validFrom: string | null;
	/** Last day of these rates; null when no end is announced. */
	validThrough: string | null;
	/** The pricing page the rates were copied from. */
	source: string;
	/** Where a period's rates come from when the page above did not show them yet. */
	note?: string;
};

/** One model of one provider with its dated rate periods, oldest first, each starting the day after the last ends. */
export type PriceRow = { provider: ModelProviderName; model: string; periods: readonly RatePeriod[] };

/**
 * What one model costs on a given day: the rates of the period in force then, its validity, and
 * whether the row is stale (the day is past the last period's end, so the last known rates stand in).
 */
export type ModelPrice = Rates & {
	provider: ModelProviderName;
	model: string;
	validFrom: string | null;
	validThrough: string | null;
	source: string;
	/** True when no period covers the day because the newest one has ended: the rates are an estimate. */
	stale: boolean;
};

const ANTHROPIC_PRICING = "https://platform.claude.com/docs/en/about-claude/pricing";
const GEMINI_PRICING = "https://ai.google.dev/gemini-api/docs/pricing";
const ANTHROPIC_SEARCH = 10 / 1000;
const OPENAI_SEARCH = 10 / 1000;
const GEMINI_GROUNDING = 14 / 1000;
const OPENROUTER_WEB_SEARCH = (4 / 1000) * 5;
const SONAR_SEARCH = 5 / 1000;

/**
 * Workers AI's unit of billing: $0.011 per 1,000 Neurons. A model's token rates are its Neurons per
 * million tokens at this price: Gemma 4 26B A4B's $0.10 per M input tokens is 9,091 Neurons.
 */
export const WORKERS_AI_NEURON_PRICE = {
	usdPerNeuron: 0.011 / 1000,
	source: "https://developers.cloudflare.com/workers-ai/platform/pricing/",
} as const;

/**
 * The Neurons a cost in USD on Workers AI stands for (its pricing pages give both).
 * @example workersAiNeurons(0.011) // 1_000
 */
export function workersAiNeurons(costUsd: number): number {
	return costUsd / WORKERS_AI_NEURON_PRICE.usdPerNeuron;
}

/**
 * Rates without a long-context tier or a fetch fee, in the table's column order.
 * @example tokenRates(2, 10, 0.1, 2.5, 0.01) // Claude Sonnet 5.5
 */
function tokenRates(
	inputPerMTok: number,
	outputPerMTok: number,
	cacheReadPerMTok: number,
	cacheWritePerMTok: number,
	searchPerCall: number,
): Rates {
	const base = { inputPerMTok, outputPerMTok, cacheReadPerMTok, cacheWritePerMTok };
	return { ...base, searchPerCall, fetchPerCall: 0, longContext: null };
}

/** A period in force since before the table, with no end announced. */
function openEnded(source: string, rates: Rates): RatePeriod {
	return { validFrom: null, validThrough: null, source, ...rates };
}

export const PRICE_ROWS: readonly PriceRow[] = [
	{
		provider: "anthropic",
		model: "claude-fable-5-1",
		periods: [openEnded(ANTHROPIC_PRICING, tokenRates(10, 50, 0.25, 12.5, ANTHROPIC_SEARCH))],
	},
	{
		provider: "anthropic",
		model: "claude-opus-5-5",
		periods: [openEnded(ANTHROPIC_PRICING, tokenRates(4, 20, 0.2, 5, ANTHROPIC_SEARCH))],
	},
	{
		provider: "anthropic",
		model: "claude-sonnet-5-5",
		periods: [openEnded(ANTHROPIC_PRICING, tokenRates(2, 10, 0.1, 2.5, ANTHROPIC_SEARCH))],
	},
	{
		provider: "anthropic",
		model: "claude-haiku-5-5",
		periods: [
			openEnded("https://platform.claude.com/docs/en/models/haiku-5-5/overview", {
				...tokenRates(0.1, 0.5, 0.01, 0.125, ANTHROPIC_SEARCH),
				longContext: {
					aboveInputTokens: 100_000,
					inputPerMTok: 0.5,
					outputPerMTok: 2.5,
					cacheReadPerMTok: 0.05,
					cacheWritePerMTok: 0.625,
				},
			}),
		],
	},
	{
		provider: "openai",
		model: "gpt-6.1-sol",
		periods: [
			openEnded("https://developers.openai.com/api/docs/models/gpt-6.1-sol", {
				...tokenRates(2, 10, 0.1, 2.5, OPENAI_SEARCH),
				longContext: {
					aboveInputTokens: 272_000,
					inputPerMTok: 4,
					outputPerMTok: 15,
					cacheReadPerMTok: 0.2,
					cacheWritePerMTok: 5,
				},
			}),
		],
	},
	{
		provider: "openai",
		model: "gpt-6-luna",
		periods: [
			openEnded("https://developers.openai.com/api/docs/models/gpt-6-luna", {
				...tokenRates(0.1, 0.5, 0.01, 0.125, OPENAI_SEARCH),
				longContext: {
					aboveInputTokens: 272_000,
					inputPerMTok: 0.2,
					outputPerMTok: 0.75,
					cacheReadPerMTok: 0.02,
					cacheWritePerMTok: 0.25,
				},
			}),
		],
	},
	{
		provider: "gemini",
		model: "gemini-4-argon",
		periods: [
			{
				...openEnded(GEMINI_PRICING, tokenRates(2, 10, 0.1, 2, GEMINI_GROUNDING)),
				validThrough: "2026-11-30",
				note: "introductory rates",
			},
			{
				...openEnded(GEMINI_PRICING, tokenRates(4, 20, 0.2, 4, GEMINI_GROUNDING)),
				validFrom: "2026-12-01",
				note: "the rise Google announced with the introductory rates (cache writes at the input rate)",
			},
		],
	},
	{
		provider: "gemini",
		model: "gemini-3.8-flash",
		periods: [
			{
				...openEnded(GEMINI_PRICING, tokenRates(0.75, 3.75, 0.075, 0.75, GEMINI_GROUNDING)),
				validThrough: "2026-12-31",
				note: "introductory rates; $1.50 / $7.50 announced from 2027-01-01, cache rate not yet",
			},
		],
	},
	{
		provider: "openrouter",
		model: "google/gemini-3.8-flash",
		periods: [
			{
				...openEnded(
					"https://openrouter.ai/google/gemini-3.8-flash",
					tokenRates(0.75, 3.75, 0.075, 0.75, OPENROUTER_WEB_SEARCH),
				),
				validThrough: "2026-12-31",
				note: "Google's introductory rates, passed through",
			},
		],
	},
	{
		provider: "openrouter",
		model: "perplexity/sonar",
		periods: [openEnded("https://openrouter.ai/perplexity/sonar", tokenRates(1, 1, 1, 1, SONAR_SEARCH))],
	},
	{
		provider: "workers-ai",
		model: "@cf/google/gemma-4-26b-a4b-it",
		// Cached reads at the input rate: the model page lists no cache rate.
		periods: [
			openEnded(
				"https://developers.cloudflare.com/workers-ai/models/gemma-4-26b-a4b-it/",
				tokenRates(0.1, 0.3, 0.1, 0.1, 0),
			),
		],
	},
];

/**
 * Brave Search API, "Search" plan: $5 per 1,000 requests (the monthly $5 credit is ignored). The
 * research loop's search tool, lent to models without native search, runs on it.
 */
export const BRAVE_SEARCH_PRICE = {
	perCall: 5 / 1000,
	source: "https://api-dashboard.search.brave.com/app/plans",
} as const;

/**
 * The model each provider runs by default, per role. The verifier and critic check and challenge
 * findings that already carry citations, so where a provider has a much cheaper current model they
 * get it; every other role uses the provider's general model.
 */
export const DEFAULT_MODELS: Record<ModelProviderName, Record<Role | "default", string>> = {
	anthropic: {
		default: "claude-sonnet-5-5",
		explorer: "claude-sonnet-5-5",
		depth_analyst: "claude-sonnet-5-5",
		verifier: "claude-haiku-5-5",
		trend_analyst: "claude-sonnet-5-5",
		domain_expert: "claude-sonnet-5-5",
		critic: "claude-haiku-5-5",
		synthesizer: "claude-sonnet-5-5",
	},
	openai: {
		default: "gpt-6.1-sol",
		explorer: "gpt-6.1-sol",
		depth_analyst: "gpt-6.1-sol",
		verifier: "gpt-6-luna",
		trend_analyst: "gpt-6.1-sol",
		domain_expert: "gpt-6.1-sol",
		critic: "gpt-6-luna",
		synthesizer: "gpt-6.1-sol",
	},
	gemini: {
		default: "gemini-3.8-flash",
		explorer: "gemini-3.8-flash",
		depth_analyst: "gemini-3.8-flash",
		verifier: "gemini-3.8-flash",
		trend_analyst: "gemini-3.8-flash",
		domain_expert: "gemini-3.8-flash",
		critic: "gemini-3.8-flash",
		synthesizer: "gemini-3.8-flash",
	},
	openrouter: {
		default: "google/gemini-3.8-flash",
		explorer: "google/gemini-3.8-flash",
		depth_analyst: "google/gemini-3.8-flash",
		verifier: "google/gemini-3.8-flash",
		trend_analyst: "google/gemini-3.8-flash",
		domain_expert: "google/gemini-3.8-flash",
		critic: "google/gemini-3.8-flash",
		synthesizer: "google/gemini-3.8-flash",
	},
	"workers-ai": {
		default: "@cf/google/gemma-4-26b-a4b-it",
		explorer: "@cf/google/gemma-4-26b-a4b-it",
		depth_analyst: "@cf/google/gemma-4-26b-a4b-it",
		verifier: "@cf/google/gemma-4-26b-a4b-it",
		trend_analyst: "@cf/google/gemma-4-26b-a4b-it",
		domain_expert: "@cf/google/gemma-4-26b-a4b-it",
		critic: "@cf/google/gemma-4-26b-a4b-it",
		synthesizer: "@cf/google/gemma-4-26b-a4b-it",
	},
};

/** A dated snapshot suffix: OpenAI's `-2026-09-29`, Anthropic's `-20251001`. */
const SNAPSHOT_SUFFIX = /-(?:\d{4}-\d{2}-\d{2}|\d{8})$/;
/** OpenRouter's former web-search variant, priced as its base model. */
const ONLINE_SUFFIX = /:online$/;

/**
 * The UTC day (YYYY-MM-DD) of a time in milliseconds: the day a call is priced on.
 * @example utcDay(Date.UTC(2026, 11, 1, 23, 59)) // "2026-12-01"
 */
export function utcDay(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The period of `periods` in force on `day`, and whether it is stale: the latest period that has begun
 * by then (a null `validFrom` has always begun), stale when it ended before `day`. Null when no period
 * has begun yet.
 *
 * @example periodOn(argon.periods, "2026-11-30") // { period: the $2 / $10 period, stale: false }
 * @example periodOn(argon.periods, "2026-12-01") // { period: the $4 / $20 period, stale: false }
 * @example periodOn(flash.periods, "2027-01-01") // { period: the last period, stale: true }
 */
export function periodOn(
	periods: readonly RatePeriod[],
	day: string,
): { period: RatePeriod; stale: boolean } | null {
	const begun = periods.filter((period) => period.validFrom === null || period.validFrom <= day);
	const period = begun.at(-1);
	if (period === undefined) return null;
	return { period, stale: period.validThrough !== null && period.validThrough < day };
}

/** `row` priced on `day`; null when none of its periods has begun. */
export function rowPriceOn(row: PriceRow, day: string): ModelPrice | null {
	const found = periodOn(row.periods, day);
	if (found === null) return null;
	const { note: _note, ...period } = found.period;
	return { provider: row.provider, model: row.model, ...period, stale: found.stale };
}

/**
 * The price of `model` on `provider` on `day` (today, UTC, by default), or null when the table has
 * none. A dated snapshot id is priced as its alias, and OpenRouter's `:online` variant as its base
 * model. A row whose last period ended before `day` is still priced, at its last rates, with `stale`.
 *
 * @example priceOf("openai", "gpt-6.1-sol-2026-09-29")?.inputPerMTok // 2
 * @example priceOf("gemini", "gemini-4-argon", "2026-12-05")?.inputPerMTok // 4
 * @example priceOf("gemini", "gemini-3.8-flash", "2027-01-02")?.stale // true
 * @example priceOf("extractive", "anything") // null
 */
export function priceOf(
	provider: string,
	model: string,
	day: string = utcDay(Date.now()),
): ModelPrice | null {
	const alias = model.replace(ONLINE_SUFFIX, "").replace(SNAPSHOT_SUFFIX, "");
	const row = PRICE_ROWS.find((entry) => entry.provider === provider && entry.model === alias);
	return row === undefined ? null : rowPriceOn(row, day);
}

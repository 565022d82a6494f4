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
 *   with Google Search $14 / 1,000 search queries; OpenRouter's `:online` web plugin (Exa engine)
 *   $4 / 1,000 results at its default 5 results, i.e. $0.02 per request, which adapters count as one
 *   search; Perplexity Sonar's search fee is $5 / 1,000 requests. Tool pages:
 *   https://platform.claude.com/docs/en/agents-and-tools/tool-use/web-search-tool,
 *   https://developers.openai.com/api/docs/pricing,
 *   https://openrouter.ai/docs/guides/features/plugins/web-search.
 * - `fetchPerCall` is a server-side page fetch: Anthropic's web fetch has no fee beyond the tokens of
 *   the fetched page, and the other providers have no separate fetch tool, so it is 0 everywhere today.
 * - `longContext` holds the rates that apply to a whole request once its prompt (input plus cache reads
 *   and writes) exceeds a threshold: Claude Haiku 5.5 above 100,000 tokens, OpenAI's GPT-6 models above
 *   272,000 tokens (2× input and cache rates, 1.5× output).
 * - `ratesValidThrough` is the last day of an announced introductory price: Gemini 4 Argon rises to
 *   $4 / $20 (cache reads $0.20) on 2026-12-01 and Gemini 3.8 Flash to $1.50 / $7.50 on 2027-01-01. The
 *   table must be refreshed by then.
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

/** What one model costs, in USD: token rates per million tokens, tool fees per call. */
export type ModelPrice = {
	provider: ModelProviderName;
	model: string;
	inputPerMTok: number;
	outputPerMTok: number;
	cacheReadPerMTok: number;
	cacheWritePerMTok: number;
	searchPerCall: number;
	fetchPerCall: number;
	longContext: LongContextRates | null;
	/** Last day (YYYY-MM-DD) of announced introductory rates; null when no change is announced. */
	ratesValidThrough: string | null;
	/** The pricing page the rates were copied from. */
	source: string;
};

const ANTHROPIC_PRICING = "https://platform.claude.com/docs/en/about-claude/pricing";
const GEMINI_PRICING = "https://ai.google.dev/gemini-api/docs/pricing";
const ANTHROPIC_SEARCH = 10 / 1000;
const OPENAI_SEARCH = 10 / 1000;
const GEMINI_GROUNDING = 14 / 1000;
const OPENROUTER_WEB_PLUGIN = (4 / 1000) * 5;
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

export const MODEL_PRICES: readonly ModelPrice[] = [
	{
		provider: "anthropic",
		model: "claude-fable-5-1",
		inputPerMTok: 10,
		outputPerMTok: 50,
		cacheReadPerMTok: 0.25,
		cacheWritePerMTok: 12.5,
		searchPerCall: ANTHROPIC_SEARCH,
		fetchPerCall: 0,
		longContext: null,
		ratesValidThrough: null,
		source: ANTHROPIC_PRICING,
	},
	{
		provider: "anthropic",
		model: "claude-opus-5-5",
		inputPerMTok: 4,
		outputPerMTok: 20,
		cacheReadPerMTok: 0.2,
		cacheWritePerMTok: 5,
		searchPerCall: ANTHROPIC_SEARCH,
		fetchPerCall: 0,
		longContext: null,
		ratesValidThrough: null,
		source: ANTHROPIC_PRICING,
	},
	{
		provider: "anthropic",
		model: "claude-sonnet-5-5",
		inputPerMTok: 2,
		outputPerMTok: 10,
		cacheReadPerMTok: 0.1,
		cacheWritePerMTok: 2.5,
		searchPerCall: ANTHROPIC_SEARCH,
		fetchPerCall: 0,
		longContext: null,
		ratesValidThrough: null,
		source: ANTHROPIC_PRICING,
	},
	{
		provider: "anthropic",
		model: "claude-haiku-5-5",
		inputPerMTok: 0.1,
		outputPerMTok: 0.5,
		cacheReadPerMTok: 0.01,
		cacheWritePerMTok: 0.125,
		searchPerCall: ANTHROPIC_SEARCH,
		fetchPerCall: 0,
		longContext: {
			aboveInputTokens: 100_000,
			inputPerMTok: 0.5,
			outputPerMTok: 2.5,
			cacheReadPerMTok: 0.05,
			cacheWritePerMTok: 0.625,
		},
		ratesValidThrough: null,
		source: "https://platform.claude.com/docs/en/models/haiku-5-5/overview",
	},
	{
		provider: "openai",
		model: "gpt-6.1-sol",
		inputPerMTok: 2,
		outputPerMTok: 10,
		cacheReadPerMTok: 0.1,
		cacheWritePerMTok: 2.5,
		searchPerCall: OPENAI_SEARCH,
		fetchPerCall: 0,
		longContext: {
			aboveInputTokens: 272_000,
			inputPerMTok: 4,
			outputPerMTok: 15,
			cacheReadPerMTok: 0.2,
			cacheWritePerMTok: 5,
		},
		ratesValidThrough: null,
		source: "https://developers.openai.com/api/docs/models/gpt-6.1-sol",
	},
	{
		provider: "openai",
		model: "gpt-6-luna",
		inputPerMTok: 0.1,
		outputPerMTok: 0.5,
		cacheReadPerMTok: 0.01,
		cacheWritePerMTok: 0.125,
		searchPerCall: OPENAI_SEARCH,
		fetchPerCall: 0,
		longContext: {
			aboveInputTokens: 272_000,
			inputPerMTok: 0.2,
			outputPerMTok: 0.75,
			cacheReadPerMTok: 0.02,
			cacheWritePerMTok: 0.25,
		},
		ratesValidThrough: null,
		source: "https://developers.openai.com/api/docs/models/gpt-6-luna",
	},
	{
		provider: "gemini",
		model: "gemini-4-argon",
		inputPerMTok: 2,
		outputPerMTok: 10,
		cacheReadPerMTok: 0.1,
		cacheWritePerMTok: 2,
		searchPerCall: GEMINI_GROUNDING,
		fetchPerCall: 0,
		longContext: null,
		ratesValidThrough: "2026-11-30",
		source: GEMINI_PRICING,
	},
	{
		provider: "gemini",
		model: "gemini-3.8-flash",
		inputPerMTok: 0.75,
		outputPerMTok: 3.75,
		cacheReadPerMTok: 0.075,
		cacheWritePerMTok: 0.75,
		searchPerCall: GEMINI_GROUNDING,
		fetchPerCall: 0,
		longContext: null,
		ratesValidThrough: "2026-12-31",
		source: GEMINI_PRICING,
	},
	{
		provider: "openrouter",
		model: "google/gemini-3.8-flash",
		inputPerMTok: 0.75,
		outputPerMTok: 3.75,
		cacheReadPerMTok: 0.075,
		cacheWritePerMTok: 0.75,
		searchPerCall: OPENROUTER_WEB_PLUGIN,
		fetchPerCall: 0,
		longContext: null,
		ratesValidThrough: "2026-12-31",
		source: "https://openrouter.ai/google/gemini-3.8-flash",
	},
	{
		provider: "openrouter",
		model: "perplexity/sonar",
		inputPerMTok: 1,
		outputPerMTok: 1,
		cacheReadPerMTok: 1,
		cacheWritePerMTok: 1,
		searchPerCall: SONAR_SEARCH,
		fetchPerCall: 0,
		longContext: null,
		ratesValidThrough: null,
		source: "https://openrouter.ai/perplexity/sonar",
	},
	{
		provider: "workers-ai",
		model: "@cf/google/gemma-4-26b-a4b-it",
		inputPerMTok: 0.1,
		outputPerMTok: 0.3,
		cacheReadPerMTok: 0.1,
		cacheWritePerMTok: 0.1,
		searchPerCall: 0,
		fetchPerCall: 0,
		longContext: null,
		ratesValidThrough: null,
		source: "https://developers.cloudflare.com/workers-ai/models/gemma-4-26b-a4b-it/",
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
/** OpenRouter's web-search variant, priced by its row's `searchPerCall`. */
const ONLINE_SUFFIX = /:online$/;

/**
 * The price row of `model` on `provider`, or null when the table has none. A dated snapshot id is
 * priced as its alias, and OpenRouter's `:online` variant as its base model.
 *
 * @example priceOf("openai", "gpt-6.1-sol-2026-09-29")?.inputPerMTok // 2
 * @example priceOf("openrouter", "google/gemini-3.8-flash:online")?.searchPerCall // 0.02
 * @example priceOf("extractive", "anything") // null
 */
export function priceOf(provider: string, model: string): ModelPrice | null {
	const alias = model.replace(ONLINE_SUFFIX, "").replace(SNAPSHOT_SUFFIX, "");
	return MODEL_PRICES.find((row) => row.provider === provider && row.model === alias) ?? null;
}

/**
 * Cost accounting: what a turn's token usage costs at a model's price, the most a turn can cost (the
 * budget reservation made before the call), and the protocol's `Usage` record of a turn.
 *
 * `TokenUsage` convention, which every adapter follows: `inputTokens` EXCLUDES cache reads and cache
 * writes, so the four token counts never overlap and each token is billed at exactly one rate.
 * - Anthropic reports usage that way already: `input_tokens`, `cache_read_input_tokens` and
 *   `cache_creation_input_tokens` are disjoint.
 * - OpenAI's `input_tokens` INCLUDES `input_tokens_details.cached_tokens` (and cache writes when
 *   reported), so inputTokens = input_tokens − cached tokens − cache writes.
 * - Gemini's `promptTokenCount` includes `cachedContentTokenCount`, so inputTokens = promptTokenCount −
 *   cachedContentTokenCount; Gemini reports no cache writes.
 * Reasoning ("thinking") tokens are billed as output: OpenAI counts them in `output_tokens` already,
 * Gemini reports them apart (`thoughtsTokenCount`) and they are added to outputTokens.
 */
import type { PricingWarning, Usage } from "../protocol";
import type { ModelPrice } from "./prices";
import type { ProviderBilling, TokenUsage } from "./types";

/** The most a turn may use, for a budget reservation. */
export type CostBounds = {
	/** Every prompt token the turn may send, however it splits into fresh input and cache reads or writes. */
	inputTokens: number;
	maxOutputTokens: number;
	/** Web searches plus server-side page fetches. */
	maxSearches: number;
};

/** Characters per prompt token assumed wherever a prompt's size is bounded before the call. */
const CHARS_PER_TOKEN = 3;

/**
 * The tokens `chars` characters of prompt are assumed to take.
 * @example promptTokens(1_000) // 334
 */
export function promptTokens(chars: number): number {
	return Math.ceil(chars / CHARS_PER_TOKEN);
}

/**
 * The bounds of a call without tools whose prompt has at most `promptChars` characters.
 * @example promptCostBounds(3_000, 4_096) // { inputTokens: 1_000, maxOutputTokens: 4_096, maxSearches: 0 }
 */
export function promptCostBounds(promptChars: number, maxOutputTokens: number): CostBounds {
	return { inputTokens: promptTokens(promptChars), maxOutputTokens, maxSearches: 0 };
}

type TokenRates = Pick<
	ModelPrice,
	"inputPerMTok" | "outputPerMTok" | "cacheReadPerMTok" | "cacheWritePerMTok"
>;

const TOKENS_PER_MILLION = 1_000_000;

/**
 * What `usage` costs at `price`, in USD: each token kind at its own rate plus the per-call tool fees.
 * When the prompt (input + cache reads + cache writes) exceeds the model's long-context threshold, the
 * long-context rates apply to every token. That is exact for one API call; for a turn summed over
 * several calls it is an upper bound, since calls that each stayed under the threshold are billed at
 * the long-context rates too.
 *
 * @example
 * // claude-sonnet-5-5 ($2 in, $10 out, $0.10 cache read, $2.50 cache write, $0.01 per search):
 * costOf(sonnet, { inputTokens: 10_000, outputTokens: 2_000, cacheReadTokens: 50_000,
 *   cacheWriteTokens: 4_000, searchCalls: 3, fetchCalls: 0 }) // 0.02 + 0.02 + 0.005 + 0.01 + 0.03 = 0.085
 */
export function costOf(price: ModelPrice, usage: TokenUsage): number {
	const prompt = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
	const rates: TokenRates =
		price.longContext !== null && prompt > price.longContext.aboveInputTokens ? price.longContext : price;
	const tokenCost =
		usage.inputTokens * rates.inputPerMTok +
		usage.outputTokens * rates.outputPerMTok +
		usage.cacheReadTokens * rates.cacheReadPerMTok +
		usage.cacheWriteTokens * rates.cacheWritePerMTok;
	return (
		tokenCost / TOKENS_PER_MILLION +
		usage.searchCalls * price.searchPerCall +
		usage.fetchCalls * price.fetchPerCall
	);
}

/**
 * The most a turn within `bounds` can cost at `price`, in USD: every prompt token at the dearest of the
 * input, cache-read and cache-write rates, every output token at the output rate, every tool call at
 * the dearer of the search and fetch fees, and the long-context rates whenever the prompt may exceed
 * their threshold. No usage within the bounds costs more (by `costOf`).
 *
 * @example
 * // claude-sonnet-5-5: 40,000 prompt tokens at $2.50, 8,192 output tokens at $10, 4 searches at $0.01
 * worstCaseCost(sonnet, { inputTokens: 40_000, maxOutputTokens: 8_192, maxSearches: 4 }) // 0.1 + 0.08192 + 0.04
 */
export function worstCaseCost(price: ModelPrice, bounds: CostBounds): number {
	const tiers: TokenRates[] =
		price.longContext !== null && bounds.inputTokens > price.longContext.aboveInputTokens
			? [price, price.longContext]
			: [price];
	const inputRate = Math.max(
		...tiers.map((tier) => Math.max(tier.inputPerMTok, tier.cacheReadPerMTok, tier.cacheWritePerMTok)),
	);
	const outputRate = Math.max(...tiers.map((tier) => tier.outputPerMTok));
	const tokenCost = bounds.inputTokens * inputRate + bounds.maxOutputTokens * outputRate;
	return (
		tokenCost / TOKENS_PER_MILLION + bounds.maxSearches * Math.max(price.searchPerCall, price.fetchPerCall)
	);
}

/** What a turn or call cost, in USD (null when it cannot be known), and why it is not exact. */
export type PricedCost = { costUsd: number | null; warning: PricingWarning | null };

/** Whether `usage` records no tokens and no tool calls, so it costs nothing at any price. */
function isEmptyUsage(usage: TokenUsage): boolean {
	return Object.values(usage).every((count) => count === 0);
}

/**
 * The warning of a call priced at `price` on `provider`/`model`: unpriced (no row, cost unknown),
 * stale (last known rates stood in, cost estimated) or null (rates in force).
 * @example pricingWarning("gemini", "gemini-2.5-pro", null)?.kind // "unpriced"
 */
export function pricingWarning(
	provider: string,
	model: string,
	price: ModelPrice | null,
): PricingWarning | null {
	if (price === null) {
		return {
			kind: "unpriced",
			provider,
			model,
			validThrough: null,
			message: `${provider} model "${model}" has no price in the price table, so the cost of its calls is unknown`,
		};
	}
	if (!price.stale) return null;
	return {
		kind: "stale",
		provider,
		model,
		validThrough: price.validThrough,
		message: `${provider} model "${model}" was priced at rates that ended on ${price.validThrough}, so its cost is an estimate`,
	};
}

/**
 * The cost of a turn's `usage` on `provider`/`model`: what the provider itself stated (`billing`), plus
 * the rest priced at `price`. Usage the provider did not bill and the table cannot price makes the cost
 * null (unknown), never 0; a stale price makes it an estimate. Both come with their warning.
 *
 * @example pricedCost("openrouter", "x/y", null, usage, { reportedUsd: 0.01, unreported: ZERO_TOKEN_USAGE })
 * // { costUsd: 0.01, warning: null }
 * @example pricedCost("gemini", "gemini-2.5-pro", null, usage) // { costUsd: null, warning: { kind: "unpriced", … } }
 */
export function pricedCost(
	provider: string,
	model: string,
	price: ModelPrice | null,
	usage: TokenUsage,
	billing?: ProviderBilling,
): PricedCost {
	const unbilled = billing?.unreported ?? usage;
	const reported = billing?.reportedUsd ?? 0;
	if (isEmptyUsage(unbilled)) return { costUsd: reported, warning: null };
	const warning = pricingWarning(provider, model, price);
	return { costUsd: price === null ? null : reported + costOf(price, unbilled), warning };
}

/**
 * The protocol's `Usage` of a turn. The protocol has one tool-call counter, so `searchCalls` there
 * counts web searches plus server-side page fetches.
 */
export function toUsage(usage: TokenUsage, costUsd: number | null): Usage {
	return {
		inputTokens: usage.inputTokens,
		outputTokens: usage.outputTokens,
		cacheReadTokens: usage.cacheReadTokens,
		cacheWriteTokens: usage.cacheWriteTokens,
		searchCalls: usage.searchCalls + usage.fetchCalls,
		costUsd,
	};
}

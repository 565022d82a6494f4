import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jobPricing, sumUsage, withPricingWarning } from "../../../src/lib/usage";
import { UsageSchema } from "../../../src/protocol";
import { costOf, pricedCost, toUsage, worstCaseCost } from "../../../src/providers/cost";
import { type ModelPrice, PRICE_ROWS, priceOf } from "../../../src/providers/prices";
import { type TokenUsage, ZERO_TOKEN_USAGE } from "../../../src/providers/types";

function price(provider: string, model: string): ModelPrice {
	const row = priceOf(provider, model);
	if (row === null) throw new Error(`no price row for ${provider}/${model}`);
	return row;
}

const sonnet = price("anthropic", "claude-sonnet-5-5");
const haiku = price("anthropic", "claude-haiku-5-5");
const sol = price("openai", "gpt-6.1-sol");

const usage = (parts: Partial<TokenUsage>): TokenUsage => ({ ...ZERO_TOKEN_USAGE, ...parts });

describe("costOf", () => {
	it("bills each token kind at its own rate plus the search fees", () => {
		const turn = usage({
			inputTokens: 10_000,
			outputTokens: 2_000,
			cacheReadTokens: 50_000,
			cacheWriteTokens: 4_000,
			searchCalls: 3,
		});
		// 10k × $2 + 2k × $10 + 50k × $0.10 + 4k × $2.50 (per MTok) + 3 × $0.01
		expect(costOf(sonnet, turn)).toBeCloseTo(0.02 + 0.02 + 0.005 + 0.01 + 0.03, 12);
	});

	it("costs nothing for an empty turn", () => {
		expect(costOf(sonnet, ZERO_TOKEN_USAGE)).toBe(0);
	});

	it("bills server-side fetches at the fetch fee", () => {
		const withFetchFee: ModelPrice = { ...sonnet, searchPerCall: 0.01, fetchPerCall: 0.002 };
		expect(costOf(withFetchFee, usage({ searchCalls: 2, fetchCalls: 5 }))).toBeCloseTo(0.02 + 0.01, 12);
	});

	it("switches a whole request to long-context rates only past the threshold", () => {
		// Exactly 272,000 prompt tokens stays on the base rates: 200k × $2 + 72k × $0.10 + 10k × $10.
		const atThreshold = usage({ inputTokens: 200_000, cacheReadTokens: 72_000, outputTokens: 10_000 });
		expect(costOf(sol, atThreshold)).toBeCloseTo(0.4 + 0.0072 + 0.1, 12);
		// 300,000 prompt tokens: 200k × $4 + 100k × $0.20 + 10k × $15.
		const past = usage({ inputTokens: 200_000, cacheReadTokens: 100_000, outputTokens: 10_000 });
		expect(costOf(sol, past)).toBeCloseTo(0.8 + 0.02 + 0.15, 12);
	});

	it("counts cache writes toward the long-context threshold", () => {
		// Haiku 5.5: 60k input + 40,001 cache writes = 100,001 prompt tokens → $0.50 / $0.625 / $2.50.
		const turn = usage({ inputTokens: 60_000, cacheWriteTokens: 40_001, outputTokens: 1_000 });
		expect(costOf(haiku, turn)).toBeCloseTo((60_000 * 0.5 + 40_001 * 0.625 + 1_000 * 2.5) / 1e6, 12);
	});
});

describe("worstCaseCost", () => {
	it("bills every prompt token at the dearest prompt rate and every tool call at the dearest fee", () => {
		// Sonnet: 40k × $2.50 (cache write) + 8,192 × $10 + 4 × $0.01.
		expect(
			worstCaseCost(sonnet, { inputTokens: 40_000, maxOutputTokens: 8_192, maxSearches: 4 }),
		).toBeCloseTo(0.1 + 0.08192 + 0.04, 12);
	});

	it("uses the long-context rates when the prompt may pass the threshold", () => {
		// GPT-6.1 Sol past 272K: 300k × $5 (long cache write) + 8,192 × $15 + 2 × $0.01.
		expect(worstCaseCost(sol, { inputTokens: 300_000, maxOutputTokens: 8_192, maxSearches: 2 })).toBeCloseTo(
			1.5 + 0.12288 + 0.02,
			12,
		);
		// At the threshold the base rates are the most it can cost: 272k × $2.50 + 8,192 × $10.
		expect(worstCaseCost(sol, { inputTokens: 272_000, maxOutputTokens: 8_192, maxSearches: 0 })).toBeCloseTo(
			0.68 + 0.08192,
			12,
		);
	});

	const rate = fc.double({ min: 0, max: 100, noNaN: true });
	const arbitraryPrice: fc.Arbitrary<ModelPrice> = fc.record({
		provider: fc.constant("openrouter" as const),
		model: fc.constant("synthetic/model"),
		inputPerMTok: rate,
		outputPerMTok: rate,
		cacheReadPerMTok: rate,
		cacheWritePerMTok: rate,
		searchPerCall: fc.double({ min: 0, max: 1, noNaN: true }),
		fetchPerCall: fc.double({ min: 0, max: 1, noNaN: true }),
		longContext: fc.option(
			fc.record({
				aboveInputTokens: fc.integer({ min: 1, max: 1_000_000 }),
				inputPerMTok: rate,
				outputPerMTok: rate,
				cacheReadPerMTok: rate,
				cacheWritePerMTok: rate,
			}),
		),
		validFrom: fc.constant(null),
		validThrough: fc.constant(null),
		source: fc.constant("https://example.com/pricing"),
		stale: fc.boolean(),
	});
	const tablePrices = PRICE_ROWS.flatMap((row) =>
		row.periods.flatMap((period) => priceOf(row.provider, row.model, period.validFrom ?? "2026-01-01") ?? []),
	);
	const anyPrice = fc.oneof(fc.constantFrom(...tablePrices), arbitraryPrice);

	/** Bounds, and a usage within them: prompt parts and tool calls split at random. */
	const boundedTurn = fc
		.record({
			inputTokens: fc.integer({ min: 0, max: 2_000_000 }),
			maxOutputTokens: fc.integer({ min: 0, max: 200_000 }),
			maxSearches: fc.integer({ min: 0, max: 50 }),
		})
		.chain((bounds) =>
			fc.record({
				bounds: fc.constant(bounds),
				weights: fc.tuple(fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.nat(1000)),
				outputTokens: fc.integer({ min: 0, max: bounds.maxOutputTokens }),
				searchCalls: fc.integer({ min: 0, max: bounds.maxSearches }),
				fetchShare: fc.double({ min: 0, max: 1, noNaN: true }),
			}),
		)
		.map(({ bounds, weights, outputTokens, searchCalls, fetchShare }) => {
			const total = weights.reduce((sum, weight) => sum + weight, 0) || 1;
			const share = (weight: number) => Math.floor((bounds.inputTokens * weight) / total);
			const turn: TokenUsage = {
				inputTokens: share(weights[0]),
				cacheReadTokens: share(weights[1]),
				cacheWriteTokens: share(weights[2]),
				outputTokens,
				searchCalls,
				fetchCalls: Math.floor((bounds.maxSearches - searchCalls) * fetchShare),
			};
			return { bounds, turn };
		});

	it("is never below the cost of a turn within its bounds", () => {
		fc.assert(
			fc.property(anyPrice, boundedTurn, (row, { bounds, turn }) => {
				const worst = worstCaseCost(row, bounds);
				// The two sums add the same products in a different order; allow for float rounding.
				expect(costOf(row, turn)).toBeLessThanOrEqual(worst * (1 + 1e-12) + 1e-12);
			}),
			{ numRuns: 500 },
		);
	});

	it("is reached by a turn that uses its whole budget at the dearest rates", () => {
		const bounds = { inputTokens: 50_000, maxOutputTokens: 4_000, maxSearches: 3 };
		const full = usage({ cacheWriteTokens: 50_000, outputTokens: 4_000, searchCalls: 3 });
		expect(costOf(sonnet, full)).toBeCloseTo(worstCaseCost(sonnet, bounds), 12);
	});
});

describe("toUsage", () => {
	it("keeps the token counts and cost, and folds page fetches into the tool-call count", () => {
		const turn = usage({
			inputTokens: 1_200,
			outputTokens: 300,
			cacheReadTokens: 5_000,
			cacheWriteTokens: 800,
			searchCalls: 2,
			fetchCalls: 3,
		});
		const record = toUsage(turn, 0.0123);
		expect(record).toEqual({
			inputTokens: 1_200,
			outputTokens: 300,
			cacheReadTokens: 5_000,
			cacheWriteTokens: 800,
			searchCalls: 5,
			costUsd: 0.0123,
		});
		expect(UsageSchema.safeParse(record).success).toBe(true);
	});
});

describe("pricedCost", () => {
	const turn = usage({ inputTokens: 10_000, outputTokens: 2_000, searchCalls: 1 });

	it("prices a model without a row as unknown (null), with a warning, never as $0", () => {
		const { costUsd, warning } = pricedCost("gemini", "gemini-2.5-pro", null, turn);
		expect(costUsd).toBeNull();
		expect(warning).toMatchObject({ kind: "unpriced", provider: "gemini", model: "gemini-2.5-pro" });
		expect(warning?.message).toContain("no price");
	});

	it("prices a stale row at its last rates and marks the cost as an estimate", () => {
		const flash = priceOf("gemini", "gemini-3.8-flash", "2027-01-02") as ModelPrice;
		const { costUsd, warning } = pricedCost("gemini", "gemini-3.8-flash", flash, turn);
		expect(costUsd).toBeCloseTo(costOf(flash, turn), 12);
		expect(warning).toMatchObject({ kind: "stale", validThrough: "2026-12-31" });
	});

	it("prices rates in force without a warning", () => {
		expect(pricedCost("anthropic", "claude-sonnet-5-5", sonnet, turn)).toEqual({
			costUsd: costOf(sonnet, turn),
			warning: null,
		});
	});

	it("takes what the provider billed and prices only the rest, so nothing is counted twice", () => {
		const rest = usage({ searchCalls: 2 });
		const billed = pricedCost("anthropic", "claude-sonnet-5-5", sonnet, turn, {
			reportedUsd: 0.0123,
			unreported: rest,
		});
		expect(billed.costUsd).toBeCloseTo(0.0123 + costOf(sonnet, rest), 12);
		// A model the table cannot price is still costed when the provider billed every call.
		expect(
			pricedCost("openrouter", "x/unlisted", null, turn, { reportedUsd: 0.5, unreported: ZERO_TOKEN_USAGE }),
		).toEqual({ costUsd: 0.5, warning: null });
	});
});

describe("sumUsage and job pricing", () => {
	const priced = { ...toUsage(usage({ inputTokens: 5 }), 0.25) };
	const unknown = { ...toUsage(usage({ inputTokens: 7 }), null) };

	it("makes a total unknown when any part of it is, and adds the counts regardless", () => {
		expect(sumUsage(priced, priced).costUsd).toBeCloseTo(0.5, 12);
		expect(sumUsage(priced, unknown)).toMatchObject({ inputTokens: 12, costUsd: null });
		expect(sumUsage().costUsd).toBe(0);
	});

	it("keeps one warning per model and kind, and is estimated only for a stale row", () => {
		const unpriced = pricedCost("gemini", "gemini-2.5-pro", null, usage({ inputTokens: 1 })).warning;
		const flash = priceOf("gemini", "gemini-3.8-flash", "2027-01-02") as ModelPrice;
		const stale = pricedCost("gemini", "gemini-3.8-flash", flash, usage({ inputTokens: 1 })).warning;
		const once = withPricingWarning(withPricingWarning([], unpriced), unpriced);
		expect(once).toHaveLength(1);
		expect(jobPricing(once).estimated).toBe(false);
		expect(jobPricing(withPricingWarning(once, stale))).toMatchObject({ estimated: true });
		expect(withPricingWarning(once, null)).toEqual(once);
	});
});

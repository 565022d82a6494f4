import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ROLES } from "../../../src/protocol";
import {
	BRAVE_SEARCH_PRICE,
	DEFAULT_MODELS,
	PRICE_ROWS,
	PRICE_TABLE_AS_OF,
	periodOn,
	priceOf,
	type RatePeriod,
	utcDay,
} from "../../../src/providers/prices";
import { MODEL_PROVIDERS } from "../../../src/providers/settings";

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isRealDate(text: string): boolean {
	return ISO_DATE.test(text) && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;
}

function isHttpsUrl(text: string): boolean {
	try {
		return new URL(text).protocol === "https:";
	} catch {
		return false;
	}
}

const RATE_FIELDS = ["inputPerMTok", "outputPerMTok", "cacheReadPerMTok", "cacheWritePerMTok"] as const;

function sdkFile(path: string): string {
	return readFileSync(join(process.cwd(), "node_modules", path), "utf8");
}

/** Every period of every row, named by its model, for the checks that hold period by period. */
const PERIODS = PRICE_ROWS.flatMap((row) => row.periods.map((period) => ({ model: row.model, ...period })));

/** The day after `day` (YYYY-MM-DD). */
function nextDay(day: string): string {
	return utcDay(Date.parse(`${day}T00:00:00Z`) + 86_400_000);
}

describe("price table", () => {
	it("is dated with a real calendar day", () => {
		expect(isRealDate(PRICE_TABLE_AS_OF)).toBe(true);
	});

	it("gives every row an https source and finite, non-negative rates", () => {
		for (const row of PERIODS) {
			expect(isHttpsUrl(row.source), `${row.model} source`).toBe(true);
			for (const field of [...RATE_FIELDS, "searchPerCall", "fetchPerCall"] as const) {
				expect(Number.isFinite(row[field]) && row[field] >= 0, `${row.model} ${field}`).toBe(true);
			}
		}
	});

	it("prices each provider's model once", () => {
		const keys = PRICE_ROWS.map((row) => `${row.provider}/${row.model}`);
		expect(new Set(keys).size).toBe(keys.length);
		expect(new Set(PRICE_ROWS.map((row) => row.provider))).toEqual(new Set(MODEL_PROVIDERS));
	});

	it("keeps long-context rates at or above the base rates, past a positive whole threshold", () => {
		for (const row of PERIODS) {
			if (row.longContext === null) continue;
			expect(Number.isInteger(row.longContext.aboveInputTokens) && row.longContext.aboveInputTokens > 0).toBe(
				true,
			);
			for (const field of RATE_FIELDS) {
				expect(row.longContext[field], `${row.model} ${field}`).toBeGreaterThanOrEqual(row[field]);
			}
		}
	});

	it("dates every period with real days, each starting the day after the one before ends", () => {
		for (const row of PRICE_ROWS) {
			expect(row.periods.length, row.model).toBeGreaterThan(0);
			expect(row.periods[0]?.validFrom, row.model).toBeNull();
			row.periods.forEach((period, index) => {
				for (const day of [period.validFrom, period.validThrough]) {
					if (day !== null) expect(isRealDate(day), row.model).toBe(true);
				}
				if (period.validFrom !== null && period.validThrough !== null) {
					expect(period.validFrom <= period.validThrough, row.model).toBe(true);
				}
				const next = row.periods[index + 1];
				if (next === undefined) return;
				expect(period.validThrough, row.model).not.toBeNull();
				expect(next.validFrom, row.model).toBe(nextDay(period.validThrough ?? ""));
			});
		}
	});

	it("ends announced introductory rates no earlier than the table date", () => {
		for (const row of PERIODS) {
			if (row.validThrough === null) continue;
			expect(row.validThrough >= PRICE_TABLE_AS_OF, row.model).toBe(true);
		}
	});

	it("prices Gemini 4 Argon at $4 / $20 from 2026-12-01, the rise the table announced", () => {
		const before = priceOf("gemini", "gemini-4-argon", "2026-11-30");
		const after = priceOf("gemini", "gemini-4-argon", "2026-12-01");
		expect([before?.inputPerMTok, before?.outputPerMTok, before?.cacheReadPerMTok]).toEqual([2, 10, 0.1]);
		expect([after?.inputPerMTok, after?.outputPerMTok, after?.cacheReadPerMTok]).toEqual([4, 20, 0.2]);
		expect(after).toMatchObject({ validFrom: "2026-12-01", validThrough: null, stale: false });
		expect(priceOf("gemini", "gemini-4-argon", "2026-12-05")?.inputPerMTok).toBe(4);
	});

	it("prices only models the installed SDKs list, and no model they mark deprecated", () => {
		const anthropicTypes = sdkFile("@anthropic-ai/sdk/resources/messages/messages.d.ts");
		const anthropicDeprecated = /DEPRECATED_MODELS = \{([^}]*)\}/.exec(
			sdkFile("@anthropic-ai/sdk/resources/messages/messages.js"),
		)?.[1];
		const openaiTypes = sdkFile("openai/resources/shared.d.ts");
		const geminiTypes = sdkFile("@google/genai/dist/genai.d.ts");
		expect(anthropicDeprecated).toBeDefined();
		for (const row of PRICE_ROWS) {
			if (row.provider === "anthropic") {
				expect(anthropicTypes, row.model).toContain(`'${row.model}'`);
				expect(anthropicDeprecated, row.model).not.toContain(`'${row.model}'`);
			}
			if (row.provider === "openai") expect(openaiTypes, row.model).toContain(`'${row.model}'`);
			if (row.provider === "gemini") expect(geminiTypes, row.model).toContain(`"${row.model}"`);
		}
	});

	it("prices Brave searches with a source", () => {
		expect(BRAVE_SEARCH_PRICE.perCall).toBeGreaterThan(0);
		expect(isHttpsUrl(BRAVE_SEARCH_PRICE.source)).toBe(true);
	});
});

describe("DEFAULT_MODELS", () => {
	it("names a model for every provider, every role and the default", () => {
		for (const provider of MODEL_PROVIDERS) {
			expect(Object.keys(DEFAULT_MODELS[provider]).sort()).toEqual([...ROLES, "default"].sort());
		}
	});

	it("has a price row for every default", () => {
		for (const provider of MODEL_PROVIDERS) {
			for (const [role, model] of Object.entries(DEFAULT_MODELS[provider])) {
				expect(priceOf(provider, model), `${provider} ${role} → ${model}`).not.toBeNull();
			}
		}
	});

	it("never gives the verifier or critic a dearer model than the provider default", () => {
		for (const provider of MODEL_PROVIDERS) {
			const models = DEFAULT_MODELS[provider];
			const base = priceOf(provider, models.default);
			for (const role of ["verifier", "critic"] as const) {
				const price = priceOf(provider, models[role]);
				expect(price?.inputPerMTok).toBeLessThanOrEqual(base?.inputPerMTok ?? 0);
				expect(price?.outputPerMTok).toBeLessThanOrEqual(base?.outputPerMTok ?? 0);
			}
		}
	});
});

describe("priceOf", () => {
	it("finds a row by provider and model", () => {
		const row = priceOf("anthropic", "claude-sonnet-5-5");
		expect(row?.model).toBe("claude-sonnet-5-5");
		expect(row?.inputPerMTok).toBe(2);
	});

	it("prices dated snapshots as their alias", () => {
		expect(priceOf("openai", "gpt-6.1-sol-2026-09-29")?.model).toBe("gpt-6.1-sol");
		expect(priceOf("anthropic", "claude-haiku-5-5-20261007")?.model).toBe("claude-haiku-5-5");
	});

	it("prices OpenRouter's :online variant as its base model, search fee included", () => {
		const row = priceOf("openrouter", "google/gemini-3.8-flash:online");
		expect(row?.model).toBe("google/gemini-3.8-flash");
		expect(row?.searchPerCall).toBeCloseTo(0.02, 10);
	});

	it("marks a row stale the day after its last period ends, priced at its last rates", () => {
		expect(priceOf("gemini", "gemini-3.8-flash", "2026-12-31")).toMatchObject({
			stale: false,
			validThrough: "2026-12-31",
		});
		const stale = priceOf("gemini", "gemini-3.8-flash", "2027-01-01");
		expect(stale).toMatchObject({ stale: true, validThrough: "2026-12-31", inputPerMTok: 0.75 });
		expect(priceOf("anthropic", "claude-sonnet-5-5", "2099-01-01")?.stale).toBe(false);
	});

	it("returns null for unknown models, unknown providers and a model asked under another provider", () => {
		expect(priceOf("anthropic", "claude-unknown-9")).toBeNull();
		expect(priceOf("extractive", "claude-sonnet-5-5")).toBeNull();
		expect(priceOf("anthropic", "gpt-6.1-sol")).toBeNull();
		expect(priceOf("openai", "gpt-6.1-sol-preview")).toBeNull();
	});
});

describe("periodOn", () => {
	const day = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2035, 0, 1) }).map((ms) => utcDay(ms));
	const rates = { inputPerMTok: 1, outputPerMTok: 1, cacheReadPerMTok: 1, cacheWritePerMTok: 1 };
	const period = (
		validFrom: string | null,
		validThrough: string | null,
		inputPerMTok: number,
	): RatePeriod => ({
		...rates,
		inputPerMTok,
		searchPerCall: 0,
		fetchPerCall: 0,
		longContext: null,
		validFrom,
		validThrough,
		source: "https://example.com/pricing",
	});

	it("picks the period covering the day, switching exactly at the boundary, and is stale only past the last end", () => {
		fc.assert(
			fc.property(fc.uniqueArray(day, { minLength: 1, maxLength: 4 }), day, (rawEnds, probe) => {
				// Contiguous periods: the first since forever, each next one from the day after the last ends.
				const ends = [...rawEnds].sort();
				const periods = ends.map((end, index) =>
					period(index === 0 ? null : nextDay(ends[index - 1] ?? ""), end, index),
				);
				const found = periodOn(periods, probe);
				const covering = ends.findIndex((end) => probe <= end);
				expect(found?.period.inputPerMTok).toBe(covering === -1 ? ends.length - 1 : covering);
				expect(found?.stale).toBe(covering === -1);
			}),
		);
	});

	it("at a boundary: the last day of one period, then the first of the next", () => {
		const periods = [period(null, "2026-11-30", 2), period("2026-12-01", null, 4)];
		expect(periodOn(periods, "2026-11-30")).toEqual({ period: periods[0], stale: false });
		expect(periodOn(periods, "2026-12-01")).toEqual({ period: periods[1], stale: false });
		expect(periodOn([period(null, "2026-11-30", 2)], "2026-12-01")?.stale).toBe(true);
	});

	it("finds nothing before the first period begins", () => {
		expect(periodOn([period("2026-12-01", null, 4)], "2026-11-30")).toBeNull();
	});
});

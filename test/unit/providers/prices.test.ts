import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROLES } from "../../../src/protocol";
import {
	BRAVE_SEARCH_PRICE,
	DEFAULT_MODELS,
	MODEL_PRICES,
	PRICE_TABLE_AS_OF,
	priceOf,
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

describe("price table", () => {
	it("is dated with a real calendar day", () => {
		expect(isRealDate(PRICE_TABLE_AS_OF)).toBe(true);
	});

	it("gives every row an https source and finite, non-negative rates", () => {
		for (const row of MODEL_PRICES) {
			expect(isHttpsUrl(row.source), `${row.model} source`).toBe(true);
			for (const field of [...RATE_FIELDS, "searchPerCall", "fetchPerCall"] as const) {
				expect(Number.isFinite(row[field]) && row[field] >= 0, `${row.model} ${field}`).toBe(true);
			}
		}
	});

	it("prices each provider's model once", () => {
		const keys = MODEL_PRICES.map((row) => `${row.provider}/${row.model}`);
		expect(new Set(keys).size).toBe(keys.length);
		expect(new Set(MODEL_PRICES.map((row) => row.provider))).toEqual(new Set(MODEL_PROVIDERS));
	});

	it("keeps long-context rates at or above the base rates, past a positive whole threshold", () => {
		for (const row of MODEL_PRICES) {
			if (row.longContext === null) continue;
			expect(Number.isInteger(row.longContext.aboveInputTokens) && row.longContext.aboveInputTokens > 0).toBe(
				true,
			);
			for (const field of RATE_FIELDS) {
				expect(row.longContext[field], `${row.model} ${field}`).toBeGreaterThanOrEqual(row[field]);
			}
		}
	});

	it("ends announced introductory rates no earlier than the table date", () => {
		for (const row of MODEL_PRICES) {
			if (row.ratesValidThrough === null) continue;
			expect(isRealDate(row.ratesValidThrough), row.model).toBe(true);
			expect(row.ratesValidThrough >= PRICE_TABLE_AS_OF, row.model).toBe(true);
		}
	});

	it("prices only models the installed SDKs list, and no model they mark deprecated", () => {
		const anthropicTypes = sdkFile("@anthropic-ai/sdk/resources/messages/messages.d.ts");
		const anthropicDeprecated = /DEPRECATED_MODELS = \{([^}]*)\}/.exec(
			sdkFile("@anthropic-ai/sdk/resources/messages/messages.js"),
		)?.[1];
		const openaiTypes = sdkFile("openai/resources/shared.d.ts");
		const geminiTypes = sdkFile("@google/genai/dist/genai.d.ts");
		expect(anthropicDeprecated).toBeDefined();
		for (const row of MODEL_PRICES) {
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

	it("returns null for unknown models, unknown providers and a model asked under another provider", () => {
		expect(priceOf("anthropic", "claude-unknown-9")).toBeNull();
		expect(priceOf("extractive", "claude-sonnet-5-5")).toBeNull();
		expect(priceOf("anthropic", "gpt-6.1-sol")).toBeNull();
		expect(priceOf("openai", "gpt-6.1-sol-preview")).toBeNull();
	});
});

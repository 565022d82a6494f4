/**
 * Cloudflare AI Gateway authentication: with `AI_GATEWAY_TOKEN` set, every call of every adapter and
 * hosted embedder that goes to a gateway carries `cf-aig-authorization: Bearer <token>`; without it, or
 * when a provider calls its vendor's API directly, no call does. Recorded responses are replayed
 * through the SDKs' `fetch` option.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { embedderFor } from "../../../src/learning/service";
import { GATEWAY_AUTH_HEADER, gatewayFetch } from "../../../src/providers/gateway";
import { providerFor } from "../../../src/providers/registry";
import { providerSettings } from "../../../src/providers/settings";
import { decompositionRequest, type Recording, replay } from "../../fixtures/providers/openai/harness";

const TOKEN = "aig-Run-token-3f9c1e7b5a";
const GATEWAY = "https://gateway.ai.cloudflare.com/v1/0123456789abcdef0123456789abcdef/research";

type Case = {
	provider: string;
	key: string;
	baseUrlVar: string;
	gatewayPath: string;
	model: string;
	url: RegExp;
};

const PROVIDERS: Case[] = [
	{
		provider: "anthropic",
		key: "ANTHROPIC_API_KEY",
		baseUrlVar: "ANTHROPIC_BASE_URL",
		gatewayPath: "anthropic",
		model: "claude-sonnet-5-5",
		url: /\/anthropic\/v1\/messages$/,
	},
	{
		provider: "openai",
		key: "OPENAI_API_KEY",
		baseUrlVar: "OPENAI_BASE_URL",
		gatewayPath: "openai",
		model: "gpt-6.1-sol",
		url: /\/openai\/responses$/,
	},
	{
		provider: "gemini",
		key: "GEMINI_API_KEY",
		baseUrlVar: "GEMINI_BASE_URL",
		gatewayPath: "google-ai-studio",
		model: "gemini-3.8-flash",
		url: /\/google-ai-studio\/v1beta\/models\/gemini-3\.8-flash:generateContent$/,
	},
	{
		provider: "openrouter",
		key: "OPENROUTER_API_KEY",
		baseUrlVar: "OPENROUTER_BASE_URL",
		gatewayPath: "openrouter",
		model: "google/gemini-3.8-flash",
		url: /\/openrouter\/chat\/completions$/,
	},
];

function recording(path: string): Recording {
	return JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as Recording;
}

/** A deployment's env with one provider's key, optionally its gateway base URL and the gateway token. */
function envWith(entries: Record<string, string | undefined>): Env {
	return Object.fromEntries(
		Object.entries(entries).filter(([, value]) => value !== undefined),
	) as unknown as Env;
}

/** The headers of the one call a structured request makes on `c` in a deployment of `vars`. */
async function structuredCallOf(c: Case, vars: { baseURL?: string; token?: string }) {
	const settings = providerSettings(
		envWith({ [c.key]: "provider-key-1", [c.baseUrlVar]: vars.baseURL, AI_GATEWAY_TOKEN: vars.token }),
	);
	const wire = replay([recording(`../../fixtures/providers/${c.provider}/structured-decomposition.json`)]);
	await providerFor(c.provider, settings, wire.fetch).runStructured(decompositionRequest(c.model));
	expect(wire.requests).toHaveLength(1);
	const [request] = wire.requests;
	if (!request) throw new Error("no request");
	return request;
}

describe("AI Gateway token on provider calls", () => {
	for (const c of PROVIDERS) {
		it(`${c.provider}: a call through the gateway carries cf-aig-authorization beside the provider key`, async () => {
			const request = await structuredCallOf(c, { baseURL: `${GATEWAY}/${c.gatewayPath}`, token: TOKEN });

			expect(request.url.startsWith(`${GATEWAY}/${c.gatewayPath}/`)).toBe(true);
			expect(new URL(request.url).pathname).toMatch(c.url);
			expect(request.headers.get(GATEWAY_AUTH_HEADER)).toBe(`Bearer ${TOKEN}`);
			const providerKey =
				request.headers.get("x-api-key") ??
				request.headers.get("x-goog-api-key") ??
				request.headers.get("authorization");
			expect(providerKey).toContain("provider-key-1");
		});

		it(`${c.provider}: no cf-aig-authorization without the secret`, async () => {
			const request = await structuredCallOf(c, { baseURL: `${GATEWAY}/${c.gatewayPath}` });
			expect(request.headers.has(GATEWAY_AUTH_HEADER)).toBe(false);
		});

		it(`${c.provider}: a direct call to the vendor's API is never handed the gateway token`, async () => {
			const request = await structuredCallOf(c, { token: TOKEN });
			expect(request.url.startsWith(GATEWAY)).toBe(false);
			expect(request.headers.has(GATEWAY_AUTH_HEADER)).toBe(false);
		});
	}
});

const EMBEDDERS = [
	{
		embedder: "openai",
		key: "OPENAI_API_KEY",
		baseUrlVar: "OPENAI_BASE_URL",
		gatewayPath: "openai",
		fixture: "../learning/fixtures/openai-embeddings.json",
		url: /\/openai\/embeddings$/,
	},
	{
		embedder: "gemini",
		key: "GEMINI_API_KEY",
		baseUrlVar: "GEMINI_BASE_URL",
		gatewayPath: "google-ai-studio",
		fixture: "../learning/fixtures/gemini-batch-embed.json",
		url: /\/google-ai-studio\/v1beta\/models\/gemini-embedding-2:batchEmbedContents$/,
	},
] as const;

describe("AI Gateway token on embedder calls", () => {
	for (const c of EMBEDDERS) {
		const embedOnce = async (token: string | undefined) => {
			const wire = replay([recording(c.fixture)]);
			const env = envWith({
				EMBEDDER: c.embedder,
				[c.key]: "provider-key-1",
				[c.baseUrlVar]: `${GATEWAY}/${c.gatewayPath}`,
				AI_GATEWAY_TOKEN: token,
			});
			await embedderFor(env, wire.fetch).embed([
				"heat pumps in cold climates",
				"heat pump efficiency below freezing",
			]);
			expect(wire.requests).toHaveLength(1);
			return wire.requests[0];
		};

		it(`${c.embedder}: embeddings through the gateway carry cf-aig-authorization`, async () => {
			const request = await embedOnce(TOKEN);
			expect(new URL(request?.url ?? "").pathname).toMatch(c.url);
			expect(request?.headers.get(GATEWAY_AUTH_HEADER)).toBe(`Bearer ${TOKEN}`);
		});

		it(`${c.embedder}: no cf-aig-authorization without the secret`, async () => {
			const request = await embedOnce(undefined);
			expect(request?.headers.has(GATEWAY_AUTH_HEADER)).toBe(false);
		});
	}
});

describe("gatewayFetch", () => {
	it("adds the token to a Request's own headers and keeps the others", async () => {
		const seen: Headers[] = [];
		const base: typeof fetch = async (_input, init) => {
			seen.push(new Headers(init?.headers));
			return new Response("{}");
		};
		await gatewayFetch(
			TOKEN,
			base,
		)(
			new Request("https://gateway.ai.cloudflare.com/v1/a/g/openai/responses", {
				headers: { "x-api-key": "k" },
			}),
		);
		expect(seen[0]?.get(GATEWAY_AUTH_HEADER)).toBe(`Bearer ${TOKEN}`);
		expect(seen[0]?.get("x-api-key")).toBe("k");
	});

	it("is the given fetch itself when there is no token", () => {
		const base: typeof fetch = async () => new Response("{}");
		expect(gatewayFetch(null, base)).toBe(base);
	});
});

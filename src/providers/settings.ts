/**
 * Provider configuration of a deployment, read from Worker secrets, vars and bindings and validated
 * with zod. Keys are secrets (`wrangler secret put ANTHROPIC_API_KEY`), and so is the token of an
 * authenticated Cloudflare AI Gateway (`AI_GATEWAY_TOKEN`); base URLs, the Gemini API version and model
 * overrides are vars; Workers AI needs no key, only the `AI` binding (production only).
 */
import { z } from "zod";
import { ROLES } from "../protocol";
import { isWorkersAiBinding, type WorkersAiTextBinding } from "./workers-ai";

/** The third-party providers, each configured by its API key. */
export const KEYED_PROVIDERS = ["anthropic", "openai", "gemini", "openrouter"] as const;
export type KeyedProviderName = (typeof KEYED_PROVIDERS)[number];
export const WORKERS_AI = "workers-ai";
/** Every model provider, in preference order: the keyed ones first, then Workers AI. */
export const MODEL_PROVIDERS = [...KEYED_PROVIDERS, WORKERS_AI] as const;
export type ModelProviderName = (typeof MODEL_PROVIDERS)[number];
export const EXTRACTIVE = "extractive";

/** Whether `name` is one of the model providers (not `extractive`). */
export function isModelProvider(name: string): name is ModelProviderName {
	return (MODEL_PROVIDERS as readonly string[]).includes(name);
}

/** Whether `name` is one of the providers configured by an API key. */
export function isKeyedProvider(name: string): name is KeyedProviderName {
	return (KEYED_PROVIDERS as readonly string[]).includes(name);
}

const optionalText = z.preprocess(
	(value) => (value === "" ? undefined : value),
	z.string().min(1).optional(),
);
const optionalUrl = z.preprocess(
	(value) => (value === "" ? undefined : value),
	z.url({ protocol: /^https?$/ }).optional(),
);
/**
 * The Gemini API version in request paths (`/{version}/models/{model}:generateContent`). The default is
 * `v1beta`, not the installed SDK's `v1` (@google/genai 3.1.0, `GOOGLE_AI_API_DEFAULT_VERSION`): Google's
 * Grounding with Google Search examples call `v1beta`, and its "API versions explained" page describes
 * `v1beta` as the version where capabilities arrive before they are promoted to the stable `v1` — the
 * `googleSearch` tool together with `responseJsonSchema` in one call (structured output with built-in
 * tools, which Gemini 3 turns rely on) is documented there. `v1` stays selectable for deployments that
 * want the stable path; both send the same body.
 */
export const GEMINI_API_VERSIONS = ["v1beta", "v1"] as const;
export type GeminiApiVersion = (typeof GEMINI_API_VERSIONS)[number];
export const DEFAULT_GEMINI_API_VERSION: GeminiApiVersion = "v1beta";

const ModelsByRoleSchema = z.partialRecord(z.enum([...ROLES, "default"]), z.string().min(1));

/**
 * `MODEL_OVERRIDES` var: per-provider default models, optionally per role, e.g.
 * `{"anthropic": {"default": "claude-…", "critic": "claude-…"}}`.
 */
const ModelOverridesSchema = z.partialRecord(z.enum(MODEL_PROVIDERS), ModelsByRoleSchema);
export type ModelOverrides = z.infer<typeof ModelOverridesSchema>;

const ProviderEnvSchema = z.object({
	ANTHROPIC_API_KEY: optionalText,
	OPENAI_API_KEY: optionalText,
	OPENROUTER_API_KEY: optionalText,
	GEMINI_API_KEY: optionalText,
	BRAVE_API_KEY: optionalText,
	ANTHROPIC_BASE_URL: optionalUrl,
	OPENAI_BASE_URL: optionalUrl,
	OPENROUTER_BASE_URL: optionalUrl,
	GEMINI_BASE_URL: optionalUrl,
	AI: z.custom<WorkersAiTextBinding>(isWorkersAiBinding).optional(),
	AI_GATEWAY_TOKEN: optionalText,
	GEMINI_API_VERSION: z.preprocess(
		(value) => (value === "" ? undefined : value),
		z.enum(GEMINI_API_VERSIONS).default(DEFAULT_GEMINI_API_VERSION),
	),
	MODEL_OVERRIDES: z
		.preprocess((value) => (value === "" ? undefined : value), z.string().optional())
		.transform((text, context) => {
			if (text === undefined) return {};
			try {
				return ModelOverridesSchema.parse(JSON.parse(text));
			} catch {
				context.addIssue({
					code: "custom",
					message: "MODEL_OVERRIDES must be JSON: {provider: {role: model}}",
				});
				return z.NEVER;
			}
		}),
});

export type ProviderCredentials = {
	apiKey: string;
	baseURL: string | null;
	/**
	 * The AI Gateway token this provider's calls carry: `AI_GATEWAY_TOKEN` when the provider has a base
	 * URL (its calls go to the gateway), null when it calls its vendor's API directly, which has no use
	 * for a Cloudflare token and must not be handed one.
	 */
	gatewayToken: string | null;
};

export type ProviderSettings = {
	/** Credentials of each keyed provider that has a key; null when it has none. */
	credentials: Record<KeyedProviderName, ProviderCredentials | null>;
	/** The `AI` binding when the deployment has one (production); null locally and in tests. */
	workersAi: WorkersAiTextBinding | null;
	braveApiKey: string | null;
	modelOverrides: ModelOverrides;
	/** The Gemini API version of the Gemini provider and embedder. */
	geminiApiVersion: GeminiApiVersion;
};

/** Reads the provider secrets and vars of `env`. Throws a clear error (naming the variable) when one is malformed. */
export function providerSettings(env: Env): ProviderSettings {
	const parsed = ProviderEnvSchema.safeParse(env);
	if (!parsed.success) {
		const names = parsed.error.issues.map((issue) => issue.path.join(".")).join(", ");
		throw new Error(`invalid provider configuration: ${names}`);
	}
	const vars = parsed.data;
	const credentials = (apiKey: string | undefined, baseURL: string | undefined) =>
		apiKey
			? { apiKey, baseURL: baseURL ?? null, gatewayToken: baseURL ? (vars.AI_GATEWAY_TOKEN ?? null) : null }
			: null;
	return {
		credentials: {
			anthropic: credentials(vars.ANTHROPIC_API_KEY, vars.ANTHROPIC_BASE_URL),
			openai: credentials(vars.OPENAI_API_KEY, vars.OPENAI_BASE_URL),
			gemini: credentials(vars.GEMINI_API_KEY, vars.GEMINI_BASE_URL),
			openrouter: credentials(vars.OPENROUTER_API_KEY, vars.OPENROUTER_BASE_URL),
		},
		workersAi: vars.AI ?? null,
		braveApiKey: vars.BRAVE_API_KEY ?? null,
		modelOverrides: vars.MODEL_OVERRIDES,
		geminiApiVersion: vars.GEMINI_API_VERSION,
	};
}

/** Whether jobs can run on the model provider `name` here: it has a key, or (Workers AI) the binding. */
export function isReady(settings: ProviderSettings, name: ModelProviderName): boolean {
	return name === WORKERS_AI ? settings.workersAi !== null : settings.credentials[name] !== null;
}

/**
 * Providers a job may use in this deployment, in preference order; `extractive` is always last. Workers
 * AI comes after every keyed provider, so a deployment with no third-party key runs on it, and one
 * without the binding (local runs, tests) on extractive.
 * @example configuredProviders(providerSettings({ AI: env.AI })) // ["workers-ai", "extractive"]
 */
export function configuredProviders(settings: ProviderSettings): string[] {
	return [...MODEL_PROVIDERS.filter((name) => isReady(settings, name)), EXTRACTIVE];
}

/** `GET /v1/providers`: which providers this deployment can run, their models and prices. Never a secret. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { isOnlineVariant, isPerplexitySonar } from "../providers/openrouter";
import { DEFAULT_MODELS, MODEL_PRICES, PRICE_TABLE_AS_OF } from "../providers/prices";
import {
	EXTRACTIVE,
	isKeyedProvider,
	isReady,
	MODEL_PROVIDERS,
	type ModelProviderName,
	type ProviderSettings,
	providerSettings,
	WORKERS_AI,
} from "../providers/settings";
import { type ProviderInfo, ProvidersSchema } from "../wire/providers";
import type { AppEnv } from "./env";
import { endpoint, jsonResponse } from "./openapi";
import { validationHook } from "./validation";

function defaultModel(settings: ProviderSettings, name: ModelProviderName): string {
	return settings.modelOverrides[name]?.default ?? DEFAULT_MODELS[name].default;
}

/**
 * Whether the provider's default model searches the web itself: OpenRouter models only as `:online`
 * variants or Perplexity Sonar, Workers AI never.
 */
function hasNativeSearch(name: ModelProviderName, model: string): boolean {
	if (name === WORKERS_AI) return false;
	return name !== "openrouter" || isOnlineVariant(model) || isPerplexitySonar(model);
}

const listRoute = createRoute({
	...endpoint("get", "/v1/providers", "Configured providers, their models and readiness"),
	responses: { 200: jsonResponse("Providers", ProvidersSchema) },
});

export const providerRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
	listRoute,
	(c) => {
		const settings = providerSettings(c.env);
		const modelProviders = MODEL_PROVIDERS.map(
			(name): ProviderInfo => ({
				name,
				ready: isReady(settings, name),
				baseUrlOverridden: isKeyedProvider(name) && settings.credentials[name]?.baseURL != null,
				nativeSearch: hasNativeSearch(name, defaultModel(settings, name)),
				defaultModel: defaultModel(settings, name),
				models: MODEL_PRICES.filter((price) => price.provider === name).map((price) => ({
					id: price.model,
					inputPerMTok: price.inputPerMTok,
					outputPerMTok: price.outputPerMTok,
					source: price.source,
				})),
			}),
		);
		return c.json(
			{
				providers: [
					...modelProviders,
					{
						name: EXTRACTIVE,
						ready: true,
						baseUrlOverridden: false,
						nativeSearch: false,
						defaultModel: null,
						models: [],
					},
				],
				webSearchTool: { brave: settings.braveApiKey !== null },
				priceTableAsOf: PRICE_TABLE_AS_OF,
			},
			200,
		);
	},
);

/** `GET /v1/providers`: which providers this deployment can run, their models and prices. Never a secret. */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import {
	DEFAULT_MODELS,
	type ModelPrice,
	PRICE_ROWS,
	PRICE_TABLE_AS_OF,
	rowPriceOn,
	utcDay,
} from "../providers/prices";
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
import { type ModelRate, type ProviderInfo, ProvidersSchema } from "../wire/providers";
import type { AppEnv } from "./env";
import { endpoint, jsonResponse } from "./openapi";
import { validationHook } from "./validation";

function defaultModel(settings: ProviderSettings, name: ModelProviderName): string {
	return settings.modelOverrides[name]?.default ?? DEFAULT_MODELS[name].default;
}

/** The wire form of a model's price on a day. */
function modelRate(price: ModelPrice): ModelRate {
	const { model, inputPerMTok, outputPerMTok, cacheReadPerMTok, searchPerCall } = price;
	const { validFrom, validThrough, stale, source } = price;
	return {
		id: model,
		inputPerMTok,
		outputPerMTok,
		cacheReadPerMTok,
		searchPerCall,
		validFrom,
		validThrough,
		stale,
		source,
	};
}

const listRoute = createRoute({
	...endpoint("get", "/v1/providers", "Configured providers, their models and readiness"),
	responses: { 200: jsonResponse("Providers", ProvidersSchema) },
});

export const providerRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
	listRoute,
	(c) => {
		const settings = providerSettings(c.env);
		const today = utcDay(Date.now());
		const prices = PRICE_ROWS.flatMap((row) => rowPriceOn(row, today) ?? []);
		const modelProviders = MODEL_PROVIDERS.map(
			(name): ProviderInfo => ({
				name,
				ready: isReady(settings, name),
				baseUrlOverridden: isKeyedProvider(name) && settings.credentials[name]?.baseURL != null,
				// Every keyed provider searches by itself (OpenRouter through its web search server tool);
				// Workers AI has no search.
				nativeSearch: name !== WORKERS_AI,
				defaultModel: defaultModel(settings, name),
				models: prices.filter((price) => price.provider === name).map(modelRate),
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
				pricedOn: today,
			},
			200,
		);
	},
);

/** Wire shape of `GET /v1/providers`, shared by the route and the client. Never carries a secret. */
import { z } from "@hono/zod-openapi";

/** A model's price today: the rates in force, their validity, and whether they have expired. */
export const ModelRateSchema = z
	.object({
		id: z.string(),
		inputPerMTok: z.number().openapi({ description: "USD per million uncached input tokens." }),
		outputPerMTok: z.number().openapi({ description: "USD per million output tokens." }),
		cacheReadPerMTok: z.number(),
		searchPerCall: z.number().openapi({ description: "USD per web search the model runs." }),
		validFrom: z
			.string()
			.nullable()
			.openapi({ description: "First day (UTC) of these rates; null when in force before the table." }),
		validThrough: z
			.string()
			.nullable()
			.openapi({ description: "Last day (UTC) of these rates; null when no end is announced." }),
		stale: z.boolean().openapi({
			description:
				"True when the rates ended before today with no successor in the table: calls are still priced at them, and their cost is marked estimated.",
		}),
		source: z.string(),
	})
	.openapi("ModelRate");
export type ModelRate = z.infer<typeof ModelRateSchema>;

export const ProviderInfoSchema = z
	.object({
		name: z.string(),
		ready: z.boolean().openapi({
			description:
				"Whether jobs can run on it: a key is configured (Workers AI: the AI binding; always for extractive).",
		}),
		baseUrlOverridden: z.boolean(),
		nativeSearch: z.boolean(),
		defaultModel: z.string().nullable(),
		models: z.array(ModelRateSchema),
	})
	.openapi("ProviderInfo");
export type ProviderInfo = z.infer<typeof ProviderInfoSchema>;

export const ProvidersSchema = z
	.object({
		providers: z.array(ProviderInfoSchema),
		webSearchTool: z.object({ brave: z.boolean() }),
		priceTableAsOf: z.string(),
		pricedOn: z
			.string()
			.openapi({ description: "The UTC day the model rates above are in force on (today)." }),
	})
	.openapi("Providers");
export type Providers = z.infer<typeof ProvidersSchema>;

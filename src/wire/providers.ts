/** Wire shape of `GET /v1/providers`, shared by the route and the client. Never carries a secret. */
import { z } from "@hono/zod-openapi";

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
		models: z.array(
			z.object({
				id: z.string(),
				inputPerMTok: z.number(),
				outputPerMTok: z.number(),
				source: z.string(),
			}),
		),
	})
	.openapi("ProviderInfo");
export type ProviderInfo = z.infer<typeof ProviderInfoSchema>;

export const ProvidersSchema = z
	.object({
		providers: z.array(ProviderInfoSchema),
		webSearchTool: z.object({ brave: z.boolean() }),
		priceTableAsOf: z.string(),
	})
	.openapi("Providers");
export type Providers = z.infer<typeof ProvidersSchema>;

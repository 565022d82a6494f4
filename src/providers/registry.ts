/** Builds the provider a task runs on from the deployment's provider settings. */
import { createAnthropicProvider } from "./anthropic";
import { extractiveProvider } from "./extractive";
import { createGeminiProvider } from "./gemini";
import { createOpenAIProvider } from "./openai";
import { createOpenRouterProvider } from "./openrouter";
import { EXTRACTIVE, isModelProvider, type ModelProviderName, type ProviderSettings } from "./settings";
import type { Provider } from "./types";

const FACTORIES: Record<
	ModelProviderName,
	(options: { apiKey: string; baseURL?: string; fetch?: typeof fetch }) => Provider
> = {
	anthropic: createAnthropicProvider,
	openai: createOpenAIProvider,
	gemini: createGeminiProvider,
	openrouter: createOpenRouterProvider,
};

/**
 * The provider named `name`, with its key and base URL from `settings`. Throws when it is not configured;
 * the API refuses such jobs with a 422 before they are accepted.
 */
export function providerFor(name: string, settings: ProviderSettings, fetchImpl?: typeof fetch): Provider {
	if (name === EXTRACTIVE) return extractiveProvider;
	const credentials = isModelProvider(name) ? settings.credentials[name] : null;
	if (!isModelProvider(name) || !credentials) throw new Error(`provider "${name}" is not configured`);
	return FACTORIES[name]({
		apiKey: credentials.apiKey,
		...(credentials.baseURL ? { baseURL: credentials.baseURL } : {}),
		...(fetchImpl ? { fetch: fetchImpl } : {}),
	});
}

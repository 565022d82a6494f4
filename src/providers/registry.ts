/** Builds the provider a task runs on from the deployment's provider settings. */
import { createAnthropicProvider } from "./anthropic";
import { extractiveProvider } from "./extractive";
import { createGeminiProvider } from "./gemini";
import { createOpenAIProvider } from "./openai";
import { createOpenRouterProvider } from "./openrouter";
import {
	EXTRACTIVE,
	isKeyedProvider,
	type KeyedProviderName,
	type ProviderSettings,
	WORKERS_AI,
} from "./settings";
import type { Provider } from "./types";
import { createWorkersAiProvider } from "./workers-ai";

const FACTORIES: Record<
	KeyedProviderName,
	(options: { apiKey: string; baseURL?: string; fetch?: typeof fetch }) => Provider
> = {
	anthropic: createAnthropicProvider,
	openai: createOpenAIProvider,
	gemini: createGeminiProvider,
	openrouter: createOpenRouterProvider,
};

function notConfigured(name: string): Error {
	return new Error(`provider "${name}" is not configured`);
}

/**
 * The provider named `name`, with its key and base URL from `settings` (Workers AI: the `AI` binding).
 * Throws when it is not configured; the API refuses such jobs with a 422 before they are accepted.
 */
export function providerFor(name: string, settings: ProviderSettings, fetchImpl?: typeof fetch): Provider {
	if (name === EXTRACTIVE) return extractiveProvider;
	if (name === WORKERS_AI) {
		if (!settings.workersAi) throw notConfigured(name);
		return createWorkersAiProvider(settings.workersAi);
	}
	const credentials = isKeyedProvider(name) ? settings.credentials[name] : null;
	if (!isKeyedProvider(name) || !credentials) throw notConfigured(name);
	return FACTORIES[name]({
		apiKey: credentials.apiKey,
		...(credentials.baseURL ? { baseURL: credentials.baseURL } : {}),
		...(fetchImpl ? { fetch: fetchImpl } : {}),
	});
}

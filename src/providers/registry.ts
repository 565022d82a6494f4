/** Builds the provider a task runs on from the deployment's provider settings. */
import { createAnthropicProvider } from "./anthropic";
import { extractiveProvider } from "./extractive";
import { gatewayFetch } from "./gateway";
import { createGeminiProvider } from "./gemini";
import { createOpenAIProvider } from "./openai";
import { createOpenRouterProvider } from "./openrouter";
import {
	EXTRACTIVE,
	type GeminiApiVersion,
	isKeyedProvider,
	type KeyedProviderName,
	type ProviderSettings,
	WORKERS_AI,
} from "./settings";
import type { Provider } from "./types";
import { createWorkersAiProvider } from "./workers-ai";

/** What every adapter is built from; each takes the fields it knows. */
type AdapterOptions = {
	apiKey: string;
	baseURL?: string;
	fetch: typeof fetch;
	geminiApiVersion: GeminiApiVersion;
};

const FACTORIES: Record<KeyedProviderName, (options: AdapterOptions) => Provider> = {
	anthropic: createAnthropicProvider,
	openai: createOpenAIProvider,
	gemini: ({ geminiApiVersion, ...options }) =>
		createGeminiProvider({ ...options, apiVersion: geminiApiVersion }),
	openrouter: createOpenRouterProvider,
};

function notConfigured(name: string): Error {
	return new Error(`provider "${name}" is not configured`);
}

/**
 * The provider named `name`, with its key and base URL from `settings` (Workers AI: the `AI` binding),
 * calling through `fetchImpl` (the runtime's fetch by default) with the AI Gateway token when its calls
 * go to a gateway. Throws when it is not configured; the API refuses such jobs with a 422 before they
 * are accepted.
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
		fetch: gatewayFetch(credentials.gatewayToken, fetchImpl),
		geminiApiVersion: settings.geminiApiVersion,
	});
}

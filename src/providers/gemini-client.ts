/** The `@google/genai` client as the Gemini provider and the Gemini embedder both build it. */
import { GoogleGenAI } from "@google/genai";
import { DEFAULT_GEMINI_API_VERSION, type GeminiApiVersion } from "./settings";

export type GeminiClientOptions = {
	apiKey: string;
	/** Another endpoint for the Gemini API, e.g. a Cloudflare AI Gateway `…/google-ai-studio` URL. */
	baseURL?: string;
	/** The API version in request paths; `v1beta` unless set (see `DEFAULT_GEMINI_API_VERSION`). */
	apiVersion?: GeminiApiVersion;
	fetch: typeof fetch;
	/** Per-request timeout; none unless set (the provider bounds its turns itself). */
	timeoutMs?: number;
};

/**
 * A Gemini API client (never Vertex AI) calling through `fetch`.
 * @example geminiClient({ apiKey, fetch: (input, init) => fetch(input, init) }).models.generateContent(…)
 */
export function geminiClient(options: GeminiClientOptions): GoogleGenAI {
	return new GoogleGenAI({
		apiKey: options.apiKey,
		vertexai: false,
		httpOptions: {
			...(options.baseURL ? { baseUrl: options.baseURL } : {}),
			apiVersion: options.apiVersion ?? DEFAULT_GEMINI_API_VERSION,
			...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
			fetch: options.fetch,
		},
	});
}

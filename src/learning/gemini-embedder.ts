/**
 * Gemini embeddings through `@google/genai` (`models.embedContent`, which the Gemini API serves as
 * `models/{model}:batchEmbedContents`, at most 100 requests per call).
 *
 * Model: `gemini-embedding-2`. The installed SDK (3.1.0) knows two embedding families —
 * `gemini-embedding-001` and the newer Gemini Embedding 2 models it special-cases in
 * `Models.embedContent` (node_modules/@google/genai/dist/index.mjs) — and Google's model page lists
 * `gemini-embedding-2` as the Gemini API model code, with output sizes from 128 to 3072
 * (768, 1536 and 3072 recommended).
 *
 * Each text is passed as its own `Content`: given bare strings, the SDK joins them into one
 * multi-part content for Gemini Embedding 2 models, which would yield one embedding for all texts.
 * Shortened outputs (`outputDimensionality` below 3072) are not unit length; `checkedVectors`
 * normalizes them.
 */
import { geminiClient } from "../providers/gemini-client";
import type { GeminiApiVersion } from "../providers/settings";
import { type Embedder, type HostedEmbedderOptions, hostedEmbedder } from "./embedder";

export const GEMINI_EMBEDDING_MODEL = "gemini-embedding-2";
export const GEMINI_EMBEDDING_DIMENSIONS = 768;
/** `batchEmbedContents` refuses more than 100 requests in one batch. */
const MAX_TEXTS_PER_REQUEST = 100;

export type GeminiEmbedderOptions = HostedEmbedderOptions & {
	/** The API version in request paths, as for the Gemini provider; `v1beta` unless set. */
	apiVersion?: GeminiApiVersion;
};

/** An Embedder backed by the Gemini API's embeddings. */
export function createGeminiEmbedder(options: GeminiEmbedderOptions): Embedder {
	const client = geminiClient({
		apiKey: options.apiKey,
		baseURL: options.baseURL,
		apiVersion: options.apiVersion,
		timeoutMs: options.timeoutMs ?? 30_000,
		fetch: options.fetch ?? ((input, init) => fetch(input, init)),
	});

	return hostedEmbedder(options, {
		name: "Gemini",
		model: GEMINI_EMBEDDING_MODEL,
		defaultDimensions: GEMINI_EMBEDDING_DIMENSIONS,
		maxTextsPerRequest: MAX_TEXTS_PER_REQUEST,
		request: async (texts, dimensions) => {
			const response = await client.models.embedContent({
				model: GEMINI_EMBEDDING_MODEL,
				contents: texts.map((text) => ({ parts: [{ text }] })),
				config: { outputDimensionality: dimensions },
			});
			return (response.embeddings ?? []).map((embedding) => embedding.values);
		},
	});
}

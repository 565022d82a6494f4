/**
 * OpenAI embeddings (`text-embedding-3-small`, one of the three ids of `EmbeddingModel` in
 * node_modules/openai/resources/embeddings.d.ts, openai 7.57) through the SDK's
 * `client.embeddings.create`. Floats are asked for explicitly (`encoding_format: "float"`): without
 * it the SDK requests base64 and decodes it itself. `dimensions` shortens the native 1536-number
 * vector on the server, which text-embedding-3 models support.
 */
import { loadOpenAISdk } from "../providers/openai-shared";
import { type Embedder, type HostedEmbedderOptions, hostedEmbedder } from "./embedder";

export const OPENAI_EMBEDDING_MODEL = "text-embedding-3-small";
/** The native length of a text-embedding-3-small vector. */
export const OPENAI_EMBEDDING_DIMENSIONS = 1536;
/** Most inputs one embeddings request may carry (the SDK's documented limit). */
const MAX_INPUTS_PER_REQUEST = 2048;

export type OpenAIEmbedderOptions = HostedEmbedderOptions & {
	/** Retries of 408, 409, 429 and 5xx answers and connection errors, with the SDK's backoff; 2 by default. */
	maxRetries?: number;
};

/** An Embedder backed by OpenAI's embeddings API. */
export function createOpenAIEmbedder(options: OpenAIEmbedderOptions): Embedder {
	// The SDK is evaluated when an embedder is built rather than when the Worker starts.
	const client = loadOpenAISdk().then(
		({ default: OpenAI }) =>
			new OpenAI({
				apiKey: options.apiKey,
				baseURL: options.baseURL ?? "https://api.openai.com/v1",
				// Explicit nulls keep the SDK from reading organization/project ids from the environment.
				organization: null,
				project: null,
				webhookSecret: null,
				maxRetries: options.maxRetries ?? 2,
				timeout: options.timeoutMs ?? 30_000,
				logLevel: "off",
				fetch: options.fetch ?? ((input, init) => fetch(input, init)),
			}),
	);
	return hostedEmbedder(options, {
		name: "OpenAI",
		model: OPENAI_EMBEDDING_MODEL,
		defaultDimensions: OPENAI_EMBEDDING_DIMENSIONS,
		maxTextsPerRequest: MAX_INPUTS_PER_REQUEST,
		request: async (texts, dimensions) => {
			const response = await (await client).embeddings.create({
				model: OPENAI_EMBEDDING_MODEL,
				input: texts,
				dimensions,
				encoding_format: "float",
			});
			return [...response.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
		},
	});
}

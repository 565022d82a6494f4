/**
 * Workers AI embeddings through the `AI` binding (production only: the binding needs an account).
 * The BAAI general embedding models, as the generated runtime types (`AiModels` in
 * worker-configuration.d.ts) and Cloudflare's model pages name them:
 *
 * | model                        | dimensions |
 * |------------------------------|------------|
 * | `@cf/baai/bge-small-en-v1.5` | 384        |
 * | `@cf/baai/bge-base-en-v1.5`  | 768        |
 * | `@cf/baai/bge-large-en-v1.5` | 1024       |
 *
 * Requests use `cls` pooling, which Cloudflare recommends for accuracy; its vectors are not
 * comparable with the default `mean` pooling, so the pooling is part of the model id stored beside
 * every vector (`@cf/baai/bge-base-en-v1.5#cls`). Texts go in batches of 100, a conservative size.
 */
import { type Embedder, serviceEmbedder } from "./embedder";

export const WORKERS_AI_EMBEDDING_DIMENSIONS = {
	"@cf/baai/bge-small-en-v1.5": 384,
	"@cf/baai/bge-base-en-v1.5": 768,
	"@cf/baai/bge-large-en-v1.5": 1024,
} as const;
export type WorkersAiEmbeddingModel = keyof typeof WORKERS_AI_EMBEDDING_DIMENSIONS;
export const WORKERS_AI_EMBEDDING_MODEL: WorkersAiEmbeddingModel = "@cf/baai/bge-base-en-v1.5";
const POOLING = "cls";
const MAX_TEXTS_PER_REQUEST = 100;

/** The part of the Workers AI binding an embedder uses. */
export type WorkersAiBinding = {
	run(
		model: string,
		input: { text: string[]; pooling: "cls" | "mean" },
	): Promise<{ data?: number[][]; shape?: number[] }>;
};

/** An Embedder backed by a BAAI model on Workers AI. */
export function createWorkersAiEmbedder(
	ai: WorkersAiBinding,
	model: WorkersAiEmbeddingModel = WORKERS_AI_EMBEDDING_MODEL,
): Embedder {
	return serviceEmbedder({
		name: "Workers AI",
		model: `${model}#${POOLING}`,
		dimensions: WORKERS_AI_EMBEDDING_DIMENSIONS[model],
		maxTextsPerRequest: MAX_TEXTS_PER_REQUEST,
		secret: "",
		request: async (texts) => (await ai.run(model, { text: texts, pooling: POOLING })).data ?? [],
	});
}

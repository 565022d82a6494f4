/**
 * The OpenAI, Gemini and Workers AI embedders against responses in each service's wire format,
 * replayed through the SDK's `fetch` option (OpenAI, Gemini) or a stand-in for the AI binding.
 */
import { describe, expect, it } from "vitest";
import { EmbeddingError } from "../../../src/learning/embedder";
import { createGeminiEmbedder, GEMINI_EMBEDDING_MODEL } from "../../../src/learning/gemini-embedder";
import { createOpenAIEmbedder, OPENAI_EMBEDDING_MODEL } from "../../../src/learning/openai-embedder";
import { norm } from "../../../src/learning/vector-math";
import { createWorkersAiEmbedder, type WorkersAiBinding } from "../../../src/learning/workers-ai-embedder";
import { type Recording, replay } from "../../fixtures/providers/openai/harness";
import geminiRaw from "./fixtures/gemini-batch-embed.json?raw";
import geminiErrorRaw from "./fixtures/gemini-error-400-api-key-invalid.json?raw";
import openaiRaw from "./fixtures/openai-embeddings.json?raw";
import openaiRateLimitRaw from "./fixtures/openai-error-429-rate-limit.json?raw";
import workersAiRaw from "./fixtures/workers-ai-bge-base.json?raw";

const TEXTS = [
	"How do air-source heat pumps perform in cold climates?",
	"Heat pump efficiency below freezing",
];
const OPENAI: Recording = JSON.parse(openaiRaw);
const OPENAI_RATE_LIMIT: Recording = JSON.parse(openaiRateLimitRaw);
const GEMINI: Recording = JSON.parse(geminiRaw);
const GEMINI_KEY_INVALID: Recording = JSON.parse(geminiErrorRaw);
const WORKERS_AI: { shape: number[]; data: number[][]; pooling: string } = JSON.parse(workersAiRaw);

/** The recording with its body changed by `edit` (on a copy). */
function edited(recording: Recording, edit: (body: Record<string, unknown>) => void): Recording {
	const copy: Recording = structuredClone(recording);
	edit(copy.body as Record<string, unknown>);
	return copy;
}

function expectUnitVectorAlong(actual: number[] | undefined, raw: number[]): void {
	expect(actual).toHaveLength(raw.length);
	expect(norm(actual ?? [])).toBeCloseTo(1, 12);
	const scale = norm(raw);
	actual?.forEach((value, i) => {
		expect(value).toBeCloseTo((raw[i] as number) / scale, 12);
	});
}

describe("OpenAI embedder", () => {
	const rawVectors = (OPENAI.body as { data: { embedding: number[] }[] }).data.map((item) => item.embedding);

	it("posts the texts to /v1/embeddings as floats and returns one unit vector per text", async () => {
		const { fetch, requests } = replay([OPENAI]);
		const embedder = createOpenAIEmbedder({ apiKey: "sk-test-embeddings", fetch });

		const vectors = await embedder.embed(TEXTS);

		expect(embedder).toMatchObject({ model: OPENAI_EMBEDDING_MODEL, dimensions: 1536 });
		expect(requests).toHaveLength(1);
		expect(requests[0]?.url).toBe("https://api.openai.com/v1/embeddings");
		expect(requests[0]?.headers.get("authorization")).toBe("Bearer sk-test-embeddings");
		expect(requests[0]?.body).toEqual({
			model: "text-embedding-3-small",
			input: TEXTS,
			dimensions: 1536,
			encoding_format: "float",
		});
		expect(vectors).toHaveLength(2);
		expectUnitVectorAlong(vectors[0], rawVectors[0] as number[]);
		expectUnitVectorAlong(vectors[1], rawVectors[1] as number[]);
	});

	it("puts embeddings back in input order by their index", async () => {
		const shuffled = edited(OPENAI, (body) => {
			(body.data as unknown[]).reverse();
		});
		const { fetch } = replay([shuffled]);
		const vectors = await createOpenAIEmbedder({ apiKey: "sk-test", fetch }).embed(TEXTS);
		expectUnitVectorAlong(vectors[0], rawVectors[0] as number[]);
	});

	it("sends nothing for no texts", async () => {
		const { fetch, requests } = replay([]);
		expect(await createOpenAIEmbedder({ apiKey: "sk-test", fetch }).embed([])).toEqual([]);
		expect(requests).toHaveLength(0);
	});

	it("refuses an answer whose vectors have other dimensions than asked for", async () => {
		const { fetch } = replay([OPENAI]);
		const embedder = createOpenAIEmbedder({ apiKey: "sk-test", fetch, dimensions: 512 });
		await expect(embedder.embed(TEXTS)).rejects.toThrow(
			/OpenAI returned embedding 0 with 1536 values, expected 512/,
		);
	});

	it("retries a rate limit, then turns one that lasts into an EmbeddingError with its status", async () => {
		const retried = replay([OPENAI_RATE_LIMIT, OPENAI]);
		const vectors = await createOpenAIEmbedder({
			apiKey: "sk-test",
			fetch: retried.fetch,
			maxRetries: 1,
		}).embed(TEXTS);
		expect(vectors).toHaveLength(2);
		expect(retried.requests).toHaveLength(2);

		const { fetch, requests } = replay([OPENAI_RATE_LIMIT]);
		const failure = await createOpenAIEmbedder({ apiKey: "sk-test", fetch, maxRetries: 0 })
			.embed(TEXTS)
			.catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(EmbeddingError);
		expect(failure).toMatchObject({
			status: 429,
			message: expect.stringMatching(/^OpenAI embeddings request failed: 429/),
		});
		expect(requests).toHaveLength(1);
	});
});

describe("Gemini embedder", () => {
	const rawVectors = (GEMINI.body as { embeddings: { values: number[] }[] }).embeddings.map(
		(item) => item.values,
	);

	it("sends each text as its own content to batchEmbedContents and normalizes the shortened vectors", async () => {
		const { fetch, requests } = replay([GEMINI]);
		const embedder = createGeminiEmbedder({ apiKey: "gemini-test-key", fetch });

		const vectors = await embedder.embed(TEXTS);

		expect(embedder).toMatchObject({ model: GEMINI_EMBEDDING_MODEL, dimensions: 768 });
		expect(requests[0]?.url).toBe(
			"https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-2:batchEmbedContents",
		);
		expect(requests[0]?.headers.get("x-goog-api-key")).toBe("gemini-test-key");
		expect(requests[0]?.body).toEqual({
			requests: TEXTS.map((text) => ({
				content: { parts: [{ text }] },
				model: "models/gemini-embedding-2",
				outputDimensionality: 768,
			})),
		});
		// The recorded 768-number vectors are shorter than unit length, as shortened Gemini outputs are.
		expect(norm(rawVectors[0] as number[])).toBeLessThan(0.9);
		expectUnitVectorAlong(vectors[0], rawVectors[0] as number[]);
		expectUnitVectorAlong(vectors[1], rawVectors[1] as number[]);
	});

	it("splits more than 100 texts into batches of at most 100", async () => {
		const answer = (count: number): Recording =>
			edited(GEMINI, (body) => {
				body.embeddings = Array.from({ length: count }, (_, i) => ({ values: rawVectors[i % 2] }));
			});
		const { fetch, requests } = replay([answer(100), answer(50)]);
		const texts = Array.from({ length: 150 }, (_, i) => `pattern ${i}`);

		const vectors = await createGeminiEmbedder({ apiKey: "k", fetch }).embed(texts);

		expect(vectors).toHaveLength(150);
		expect(requests.map((request) => (request.body.requests as unknown[]).length)).toEqual([100, 50]);
		const secondBatch = requests[1]?.body.requests as { content: { parts: { text: string }[] } }[];
		expect(secondBatch[0]?.content.parts[0]?.text).toBe("pattern 100");
	});

	it("refuses an answer with fewer embeddings than texts", async () => {
		const short = edited(GEMINI, (body) => {
			body.embeddings = (body.embeddings as unknown[]).slice(0, 1);
		});
		const { fetch } = replay([short]);
		await expect(createGeminiEmbedder({ apiKey: "k", fetch }).embed(TEXTS)).rejects.toThrow(
			/Gemini returned 1 embeddings for 2 texts/,
		);
	});

	it("reports a rejected API key as an EmbeddingError without the key", async () => {
		const { fetch } = replay([GEMINI_KEY_INVALID]);
		const failure = await createGeminiEmbedder({ apiKey: "AIza-secret-key", fetch })
			.embed(TEXTS)
			.catch((error: unknown) => error);
		expect(failure).toBeInstanceOf(EmbeddingError);
		expect((failure as EmbeddingError).message).toMatch(
			/Gemini embeddings request failed: .*API key not valid/,
		);
		expect((failure as EmbeddingError).message).not.toContain("AIza-secret-key");
		expect((failure as EmbeddingError).status).toBe(400);
	});
});

describe("Workers AI embedder", () => {
	function fakeAi(answer: (model: string, input: { text: string[]; pooling: string }) => unknown) {
		const calls: { model: string; input: { text: string[]; pooling: string } }[] = [];
		const binding: WorkersAiBinding = {
			run: async (model, input) => {
				calls.push({ model, input });
				return answer(model, input) as { data?: number[][] };
			},
		};
		return { binding, calls };
	}

	it("runs bge-base with cls pooling and names the pooling in the model id", async () => {
		const { binding, calls } = fakeAi(() => WORKERS_AI);
		const embedder = createWorkersAiEmbedder(binding);

		const vectors = await embedder.embed(TEXTS);

		expect(embedder).toMatchObject({ model: "@cf/baai/bge-base-en-v1.5#cls", dimensions: 768 });
		expect(calls).toEqual([{ model: "@cf/baai/bge-base-en-v1.5", input: { text: TEXTS, pooling: "cls" } }]);
		expectUnitVectorAlong(vectors[0], WORKERS_AI.data[0] as number[]);
		expectUnitVectorAlong(vectors[1], WORKERS_AI.data[1] as number[]);
	});

	it("knows the dimensions of the small and large models and checks them", async () => {
		const { binding } = fakeAi(() => WORKERS_AI);
		expect(createWorkersAiEmbedder(binding, "@cf/baai/bge-small-en-v1.5").dimensions).toBe(384);
		const large = createWorkersAiEmbedder(binding, "@cf/baai/bge-large-en-v1.5");
		expect(large.dimensions).toBe(1024);
		await expect(large.embed(TEXTS)).rejects.toThrow(
			/Workers AI returned embedding 0 with 768 values, expected 1024/,
		);
	});

	it("reports a failed run and an answer without data as EmbeddingErrors", async () => {
		const failing = fakeAi(() => {
			throw new Error("AiError: 3040: Capacity temporarily exceeded");
		});
		await expect(createWorkersAiEmbedder(failing.binding).embed(TEXTS)).rejects.toThrow(
			/Workers AI embeddings request failed: AiError: 3040/,
		);
		const queued = fakeAi(() => ({ request_id: "4a7c2f" }));
		await expect(createWorkersAiEmbedder(queued.binding).embed(TEXTS)).rejects.toBeInstanceOf(EmbeddingError);
	});
});

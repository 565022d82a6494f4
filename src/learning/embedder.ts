/**
 * Embedders turn texts into vectors for the pattern index. Every embedder returns unit-length
 * (L2-normalized) vectors of exactly `dimensions` numbers, so cosine similarity is a dot product
 * and vectors from one embedder are comparable however they were produced.
 *
 * The default is the hashing embedder: deterministic, offline, no model. Features of a text, after
 * NFKC normalization and lower-casing, splitting into letter/number runs and dropping the core English
 * stop words (`CORE_STOPWORDS`; all words are kept when every word is a stop word):
 *
 * | feature                                  | weight                                     |
 * |------------------------------------------|--------------------------------------------|
 * | each word (unigram)                      | 1                                          |
 * | each pair of adjacent words (bigram)     | 0.5                                        |
 * | character 3-, 4- and 5-grams of `<word>` | 1 per word, split evenly among its n-grams |
 *
 * Each feature is hashed with 32-bit FNV-1a (over UTF-16 code units) followed by the murmur3
 * finalizer; the mixed hash modulo `dimensions` picks the slot, and a second mix (hash xor
 * `SIGN_SEED`) picks the sign, so colliding features cancel out on average instead of piling up.
 * Weights add up per slot and the vector is L2-normalized; a text with no words is the zero vector.
 * Character n-grams make inflections ("pump"/"pumps") and compounds land near each other; the
 * `<`/`>` boundary marks keep prefixes and suffixes distinct from word middles.
 */
import { fnv1a32 } from "../lib/hash";
import { CORE_STOPWORDS } from "../lib/stop-words";
import { l2Normalize } from "./vector-math";

export interface Embedder {
	/** Identifies the embedding space; stored beside every vector. */
	readonly model: string;
	readonly dimensions: number;
	/** One unit-length vector per text, in the order of `texts`. */
	embed(texts: string[]): Promise<number[][]>;
}

/** Thrown when an embedding service fails or answers with something other than the vectors asked for. */
export class EmbeddingError extends Error {
	override readonly name = "EmbeddingError";
	constructor(
		message: string,
		/** The HTTP status of the failed request, when there was one. */
		readonly status: number | null = null,
	) {
		super(message);
	}
}

/**
 * The EmbeddingError for a failed request to `service`: the error's message with `secret` (the API
 * key) blanked out, since error bodies can echo request details, and its HTTP `status` if it has one.
 */
export function embeddingFailure(service: string, error: unknown, secret: string): EmbeddingError {
	const detail = error instanceof Error ? error.message : String(error);
	const redacted = secret === "" ? detail : detail.split(secret).join("[redacted]");
	const status =
		typeof error === "object" && error !== null && "status" in error && typeof error.status === "number"
			? error.status
			: null;
	return new EmbeddingError(`${service} embeddings request failed: ${redacted}`, status);
}

export const HASHING_EMBEDDER_MODEL = "hashing-ngrams-v1";
export const HASHING_EMBEDDER_DIMENSIONS = 384;

const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
const CHAR_GRAMS_WEIGHT_PER_WORD = 1;
const CHAR_GRAM_SIZES = [3, 4, 5] as const;
const SIGN_SEED = 0x5bd1e995;

/**
 * The deterministic offline embedder described above.
 * @example await createHashingEmbedder().embed(["heat pumps in cold climates"]) // [[…384 numbers, length 1]]
 */
export function createHashingEmbedder(options: { dimensions?: number } = {}): Embedder {
	const dimensions = options.dimensions ?? HASHING_EMBEDDER_DIMENSIONS;
	assertDimensions(dimensions);
	return {
		model: HASHING_EMBEDDER_MODEL,
		dimensions,
		embed: async (texts) => texts.map((text) => hashingVector(text, dimensions)),
	};
}

/** The weighted features of a text, keyed by a kind prefix so a word never collides with an n-gram of the same spelling. */
export function textFeatures(text: string): Map<string, number> {
	const words =
		text
			.normalize("NFKC")
			.toLowerCase()
			.match(/[\p{L}\p{N}]+/gu) ?? [];
	const content = words.filter((word) => !CORE_STOPWORDS.has(word));
	const kept = content.length > 0 ? content : words;
	const features = new Map<string, number>();
	const add = (feature: string, weight: number) =>
		features.set(feature, (features.get(feature) ?? 0) + weight);
	kept.forEach((word, index) => {
		add(`w:${word}`, WORD_WEIGHT);
		const next = kept[index + 1];
		if (next !== undefined) add(`b:${word} ${next}`, BIGRAM_WEIGHT);
		const grams = charGrams(`<${word}>`);
		for (const gram of grams) add(`c:${gram}`, CHAR_GRAMS_WEIGHT_PER_WORD / grams.length);
	});
	return features;
}

/** Options of an embedder backed by a hosted embeddings API. */
export type HostedEmbedderOptions = {
	apiKey: string;
	dimensions?: number;
	baseURL?: string;
	/** Replaces the global fetch, e.g. to replay recorded responses in tests. */
	fetch?: typeof fetch;
	/** Per-attempt timeout. */
	timeoutMs?: number;
};

/** An embedding service as `serviceEmbedder` calls it. */
export type EmbeddingService = {
	/** The service's name in errors, e.g. "OpenAI". */
	name: string;
	/** The id stored beside every vector. */
	model: string;
	dimensions: number;
	/** Most texts one request may carry. */
	maxTextsPerRequest: number;
	/** Blanked out of error messages (the API key; "" for none). */
	secret: string;
	/** One request: a vector (or nothing) per text, in the order of `texts`. */
	request(texts: string[]): Promise<ReadonlyArray<readonly number[] | undefined>>;
};

/**
 * An Embedder over a remote service: texts go in requests of at most `maxTextsPerRequest`, a failed
 * request becomes an `embeddingFailure`, and every answer is checked and normalized by `checkedVectors`.
 */
export function serviceEmbedder(service: EmbeddingService): Embedder {
	const embedBatch = async (texts: string[]): Promise<number[][]> => {
		let vectors: ReadonlyArray<readonly number[] | undefined>;
		try {
			vectors = await service.request(texts);
		} catch (error) {
			throw embeddingFailure(service.name, error, service.secret);
		}
		return checkedVectors(service.name, vectors, texts.length, service.dimensions);
	};
	return {
		model: service.model,
		dimensions: service.dimensions,
		embed: (texts) => embedInBatches(texts, service.maxTextsPerRequest, embedBatch),
	};
}

/** A hosted embeddings API as `hostedEmbedder` calls it: the key and vector length come from the options. */
export type HostedEmbeddingService = Omit<EmbeddingService, "dimensions" | "secret" | "request"> & {
	/** The vector length asked for unless the options name another. */
	defaultDimensions: number;
	/** One request for vectors of `dimensions` numbers: a vector (or nothing) per text, in order. */
	request(texts: string[], dimensions: number): Promise<ReadonlyArray<readonly number[] | undefined>>;
};

/**
 * A `serviceEmbedder` over a hosted API called with `options.apiKey` (which errors never show), asking
 * for `options.dimensions` numbers per vector, or the service's default. Throws a RangeError for a
 * length that is not a positive integer.
 */
export function hostedEmbedder(options: HostedEmbedderOptions, service: HostedEmbeddingService): Embedder {
	const dimensions = options.dimensions ?? service.defaultDimensions;
	assertDimensions(dimensions);
	return serviceEmbedder({
		...service,
		dimensions,
		secret: options.apiKey,
		request: (texts) => service.request(texts, dimensions),
	});
}

/**
 * Calls `embedBatch` on consecutive slices of at most `batchSize` texts and joins the results, for
 * services that cap the number of inputs per request.
 */
export async function embedInBatches(
	texts: string[],
	batchSize: number,
	embedBatch: (batch: string[]) => Promise<number[][]>,
): Promise<number[][]> {
	const vectors: number[][] = [];
	for (let start = 0; start < texts.length; start += batchSize) {
		vectors.push(...(await embedBatch(texts.slice(start, start + batchSize))));
	}
	return vectors;
}

/**
 * Checks a service's answer — one vector per text, each of `dimensions` finite numbers — and returns
 * the vectors L2-normalized; throws an EmbeddingError naming `service` otherwise.
 */
export function checkedVectors(
	service: string,
	vectors: ReadonlyArray<readonly number[] | undefined>,
	expectedCount: number,
	dimensions: number,
): number[][] {
	if (vectors.length !== expectedCount) {
		throw new EmbeddingError(`${service} returned ${vectors.length} embeddings for ${expectedCount} texts`);
	}
	return vectors.map((vector, index) => {
		if (!vector || vector.length !== dimensions || !vector.every(Number.isFinite)) {
			throw new EmbeddingError(
				`${service} returned embedding ${index} with ${vector?.length ?? 0} values, expected ${dimensions} finite numbers`,
			);
		}
		return l2Normalize(vector);
	});
}

/** Throws a RangeError unless `dimensions` is a positive integer. */
export function assertDimensions(dimensions: number): void {
	if (!Number.isInteger(dimensions) || dimensions < 1) {
		throw new RangeError(`embedding dimensions must be a positive integer, got ${dimensions}`);
	}
}

function hashingVector(text: string, dimensions: number): number[] {
	const vector = new Array<number>(dimensions).fill(0);
	for (const [feature, weight] of textFeatures(text)) {
		const hash = fnv1a32(feature);
		const slot = fmix32(hash) % dimensions;
		const sign = fmix32(hash ^ SIGN_SEED) & 1 ? 1 : -1;
		vector[slot] = (vector[slot] ?? 0) + sign * weight;
	}
	return l2Normalize(vector);
}

function charGrams(padded: string): string[] {
	const grams: string[] = [];
	for (const size of CHAR_GRAM_SIZES) {
		for (let start = 0; start + size <= padded.length; start++) grams.push(padded.slice(start, start + size));
	}
	// A one-letter word ("<x>") is shorter than every n-gram size; it is its own gram.
	return grams.length > 0 ? grams : [padded];
}

/** The murmur3 32-bit finalizer: spreads every input bit over the whole output, unsigned. */
function fmix32(value: number): number {
	let hash = value;
	hash ^= hash >>> 16;
	hash = Math.imul(hash, 0x85ebca6b);
	hash ^= hash >>> 13;
	hash = Math.imul(hash, 0xc2b2ae35);
	hash ^= hash >>> 16;
	return hash >>> 0;
}

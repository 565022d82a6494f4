/**
 * The pattern index: where pattern embeddings are stored and searched by cosine similarity. Two
 * adapters implement it — Vectorize in production and an exact-cosine index locally — and both keep
 * the same contract:
 *
 * - Every vector carries its tenant, and every read (`query`, `getByIds`) and delete is scoped to one
 *   tenant: another tenant's vectors are never returned or removed.
 * - An index holds vectors of one embedding space: `dimensions` numbers from one embedder `model`.
 *   A vector, or a query, from another space is refused with a `DimensionMismatchError`.
 * - `query` returns at most `topK` matches (1–`MAX_TOP_K`), highest cosine first, ties by id.
 * - Upserting an existing id replaces the vector and its metadata.
 * - Ids are 1–`MAX_ID_BYTES` bytes of UTF-8, Vectorize's limit.
 */
import type { TaskType } from "../protocol";

/** Largest `topK`: Vectorize returns at most 20 matches when it also returns metadata. */
export const MAX_TOP_K = 20;
/** Longest vector id Vectorize accepts, in UTF-8 bytes. */
export const MAX_ID_BYTES = 64;

/** What is stored beside each vector. `tenantId`, `taskType` and `success` are filterable. */
export type PatternMetadata = {
	tenantId: string;
	taskType: TaskType;
	/** The embedder model that produced the vector. */
	model: string;
	dimensions: number;
	reward: number;
	success: boolean;
};

export type PatternVector = { id: string; values: number[]; metadata: PatternMetadata };

/** Equality filters on top of the tenant scope. */
export type PatternFilter = { taskType?: TaskType; success?: boolean };

export type PatternQuery = { topK: number; tenantId: string; filter?: PatternFilter };

export type PatternMatch = { id: string; score: number; metadata: PatternMetadata };

/** The embedding space an index holds. */
export type IndexSpace = { dimensions: number; model: string };

export interface PatternIndex extends IndexSpace {
	/** Inserts the vectors, replacing any with the same id. */
	upsert(vectors: PatternVector[]): Promise<void>;
	/** The tenant's best matches for `vector` by cosine similarity, best first, ties by id. */
	query(vector: number[], options: PatternQuery): Promise<PatternMatch[]>;
	/** The tenant's vectors among `ids`, in the order of `ids`; unknown ids are left out. */
	getByIds(ids: string[], scope: { tenantId: string }): Promise<PatternVector[]>;
	/** Removes the tenant's vectors among `ids`; other ids are left alone. */
	deleteByIds(ids: string[], scope: { tenantId: string }): Promise<void>;
}

/** Thrown when a vector or query does not belong to the index's embedding space. */
export class DimensionMismatchError extends Error {
	override readonly name = "DimensionMismatchError";
	constructor(
		readonly expected: IndexSpace,
		readonly actual: { dimensions: number; model: string | null },
		what: string,
	) {
		const from = actual.model === null ? "" : ` from model "${actual.model}"`;
		super(
			`${what} has ${actual.dimensions} dimensions${from}, but the index holds ` +
				`${expected.dimensions}-dimension vectors from model "${expected.model}"`,
		);
	}
}

/**
 * Throws unless the vector fits the index: a valid id, `dimensions` finite values, and metadata
 * naming the index's model and dimensions (a `DimensionMismatchError` otherwise).
 */
export function assertVectorFits(space: IndexSpace, vector: PatternVector): void {
	assertValidId(vector.id);
	const { model, dimensions } = vector.metadata;
	if (vector.values.length !== space.dimensions || dimensions !== space.dimensions || model !== space.model) {
		const actualDimensions = vector.values.length === space.dimensions ? dimensions : vector.values.length;
		throw new DimensionMismatchError(space, { dimensions: actualDimensions, model }, `vector "${vector.id}"`);
	}
	assertFinite(vector.values, `vector "${vector.id}"`);
}

/** Throws unless the query vector has the index's dimensions and finite values, and topK is 1–MAX_TOP_K. */
export function assertQueryFits(space: IndexSpace, vector: readonly number[], topK: number): void {
	if (vector.length !== space.dimensions) {
		throw new DimensionMismatchError(space, { dimensions: vector.length, model: null }, "the query vector");
	}
	assertFinite(vector, "the query vector");
	if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
		throw new RangeError(`topK must be an integer from 1 to ${MAX_TOP_K}, got ${topK}`);
	}
}

/** True when the metadata passes the tenant scope and every equality filter. */
export function matchesScope(
	metadata: PatternMetadata,
	tenantId: string,
	filter: PatternFilter = {},
): boolean {
	return (
		metadata.tenantId === tenantId &&
		(filter.taskType === undefined || metadata.taskType === filter.taskType) &&
		(filter.success === undefined || metadata.success === filter.success)
	);
}

function assertValidId(id: string): void {
	const bytes = new TextEncoder().encode(id).length;
	if (bytes === 0 || bytes > MAX_ID_BYTES) {
		throw new RangeError(`vector id must be 1 to ${MAX_ID_BYTES} bytes, got ${bytes}: "${id.slice(0, 80)}"`);
	}
}

function assertFinite(values: readonly number[], what: string): void {
	if (!values.every(Number.isFinite))
		throw new RangeError(`${what} contains a value that is not a finite number`);
}

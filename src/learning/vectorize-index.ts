/**
 * The production `PatternIndex` over a Vectorize binding. The index must use the cosine metric and
 * have metadata indexes on `tenantId`, `model`, `taskType` (strings) and `success` (boolean),
 * created before vectors are inserted; wrangler.toml gives the commands.
 *
 * - `query` asks for `returnMetadata: "all"` with the tenant, the index's embedder model and any
 *   filter as equality filters, so Vectorize applies the scope before picking the top k — vectors
 *   another embedder left behind (same length, different space) never match. Matches are scoped
 *   again here and re-sorted with the contract's tie-break; vectors without valid pattern metadata
 *   cannot be attributed to a tenant and are never returned.
 * - `getByIds`/`deleteByIds` have no filter in Vectorize, so the adapter reads the vectors and keeps
 *   (or deletes) only the tenant's.
 * - Vectorize applies mutations asynchronously: an upserted or deleted vector can take a few seconds
 *   to show in queries.
 */
import { TaskTypeSchema } from "../protocol";
import { compareMatches } from "./exact-index";
import {
	assertQueryFits,
	assertVectorFits,
	DimensionMismatchError,
	type IndexSpace,
	matchesScope,
	type PatternFilter,
	type PatternIndex,
	type PatternMetadata,
	type PatternVector,
} from "./pattern-index";

/** Most vectors one upsert call may carry from a Worker. */
const MAX_UPSERT_BATCH = 1000;

/**
 * Opens the pattern index over `binding` after checking, with one `describe` call, that Vectorize
 * holds vectors of `space.dimensions` (a DimensionMismatchError otherwise) compared by cosine.
 */
export async function openVectorizeIndex(binding: VectorizeIndex, space: IndexSpace): Promise<PatternIndex> {
	const described = describedConfig(await binding.describe());
	if (described.dimensions !== null && described.dimensions !== space.dimensions) {
		throw new DimensionMismatchError(
			space,
			{ dimensions: described.dimensions, model: null },
			"the Vectorize index",
		);
	}
	if (described.metric !== null && described.metric !== "cosine") {
		throw new Error(
			`the Vectorize index uses the ${described.metric} metric; the pattern index needs cosine`,
		);
	}
	return createVectorizeIndex(binding, space);
}

/** The pattern index over `binding`, without checking the index's configuration. */
export function createVectorizeIndex(binding: VectorizeIndex, space: IndexSpace): PatternIndex {
	const ownedVectors = async (ids: string[], tenantId: string): Promise<PatternVector[]> => {
		const unique = [...new Set(ids)];
		if (unique.length === 0) return [];
		const found = new Map<string, PatternVector>();
		for (const stored of await binding.getByIds(unique)) {
			const metadata = patternMetadata(stored.metadata);
			if (metadata && metadata.tenantId === tenantId) {
				found.set(stored.id, { id: stored.id, values: Array.from(stored.values), metadata });
			}
		}
		return unique.flatMap((id) => found.get(id) ?? []);
	};
	return {
		dimensions: space.dimensions,
		model: space.model,
		async upsert(vectors) {
			for (const vector of vectors) assertVectorFits(space, vector);
			for (let start = 0; start < vectors.length; start += MAX_UPSERT_BATCH) {
				const batch = vectors.slice(start, start + MAX_UPSERT_BATCH);
				await binding.upsert(
					batch.map(({ id, values, metadata }) => ({ id, values, metadata: { ...metadata } })),
				);
			}
		},
		async query(vector, { topK, tenantId, filter = {} }) {
			assertQueryFits(space, vector, topK);
			const result = await binding.query(vector, {
				topK,
				returnMetadata: "all",
				returnValues: false,
				filter: vectorizeFilter(space.model, tenantId, filter),
			});
			return result.matches
				.flatMap((match) => {
					const metadata = patternMetadata(match.metadata);
					return metadata && metadata.model === space.model && matchesScope(metadata, tenantId, filter)
						? [{ id: match.id, score: match.score, metadata }]
						: [];
				})
				.sort(compareMatches)
				.slice(0, topK);
		},
		getByIds: (ids, { tenantId }) => ownedVectors(ids, tenantId),
		async deleteByIds(ids, { tenantId }) {
			const owned = await ownedVectors(ids, tenantId);
			if (owned.length > 0) await binding.deleteByIds(owned.map((vector) => vector.id));
		},
	};
}

/** The model, the tenant scope and the filters as a Vectorize metadata filter (implicit `$eq`). */
function vectorizeFilter(
	model: string,
	tenantId: string,
	filter: PatternFilter,
): VectorizeVectorMetadataFilter {
	return {
		tenantId,
		model,
		...(filter.taskType === undefined ? {} : { taskType: filter.taskType }),
		...(filter.success === undefined ? {} : { success: filter.success }),
	};
}

/** Stored metadata as `PatternMetadata`, or null when any field is missing or of the wrong type. */
function patternMetadata(raw: Record<string, VectorizeVectorMetadata> | undefined): PatternMetadata | null {
	if (!raw) return null;
	const { tenantId, taskType, model, dimensions, reward, success } = raw;
	const parsedTaskType = TaskTypeSchema.safeParse(taskType);
	if (
		typeof tenantId !== "string" ||
		!parsedTaskType.success ||
		typeof model !== "string" ||
		typeof dimensions !== "number" ||
		typeof reward !== "number" ||
		typeof success !== "boolean"
	) {
		return null;
	}
	return { tenantId, taskType: parsedTaskType.data, model, dimensions, reward, success };
}

/**
 * Dimensions and metric from `describe()`. The generated binding type is the beta shape
 * (`config: { dimensions, metric }`); the GA shape (`VectorizeIndexInfo`) has `dimensions` at the
 * top and no metric. Either may come back at runtime, so both are read.
 */
function describedConfig(details: unknown): { dimensions: number | null; metric: string | null } {
	const top = asRecord(details);
	const config = asRecord(top.config);
	const dimensions = top.dimensions ?? config.dimensions;
	const metric = top.metric ?? config.metric;
	return {
		dimensions: typeof dimensions === "number" ? dimensions : null,
		metric: typeof metric === "string" ? metric : null,
	};
}

function asRecord(value: unknown): Record<string, unknown> {
	return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

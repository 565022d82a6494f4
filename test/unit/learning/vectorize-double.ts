/**
 * A test double of a Vectorize index binding that behaves as Cloudflare documents it
 * (developers.cloudflare.com/vectorize: client API, metadata filtering, limits):
 *
 * - `upsert` replaces vectors with the same id, `insert` keeps the existing one; values must have the
 *   index's dimensions, ids at most 64 bytes, at most 1000 vectors per call; values are stored as
 *   32-bit floats.
 * - `query(vector, { topK = 5, filter, returnValues = false, returnMetadata = "none" })`: `topK` is at
 *   most 20 when values or all metadata are returned, 100 otherwise; `filter` is applied before the
 *   top k are taken and may only name properties with a metadata index (implicit `$eq`, `$eq`,
 *   `$ne`, `$in`, `$nin`); scores are cosine similarities, best first.
 * - `getByIds` returns stored vectors with values and metadata; `deleteByIds` removes them.
 * - `describe` reports dimensions, metric and vector count.
 *
 * It keeps every query's options so tests can check what an adapter asked for.
 */
type MetadataIndexType = "string" | "number" | "boolean";
type Scalar = string | number | boolean | null;

export class VectorizeDouble implements VectorizeIndex {
	readonly queries: { vector: number[]; options: VectorizeQueryOptions }[] = [];
	private readonly vectors = new Map<string, VectorizeVector>();

	constructor(
		private readonly dimensions: number,
		private readonly metadataIndexes: Record<string, MetadataIndexType>,
		private readonly metric: VectorizeDistanceMetric = "cosine",
	) {}

	async describe(): Promise<VectorizeIndexDetails> {
		return {
			id: "00000000-0000-4000-8000-000000000000",
			name: "research-swarm-patterns",
			config: { dimensions: this.dimensions, metric: this.metric },
			vectorsCount: this.vectors.size,
		};
	}

	async insert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
		const fresh = vectors.filter((vector) => !this.vectors.has(vector.id));
		return this.store(fresh);
	}

	async upsert(vectors: VectorizeVector[]): Promise<VectorizeVectorMutation> {
		return this.store(vectors);
	}

	async query(
		vector: VectorFloatArray | number[],
		options: VectorizeQueryOptions = {},
	): Promise<VectorizeMatches> {
		const query = Array.from(vector);
		this.queries.push({ vector: query, options: structuredClone(options) });
		const topK = options.topK ?? 5;
		const returnMetadata = options.returnMetadata ?? "none";
		const heavy = options.returnValues === true || returnMetadata === "all" || returnMetadata === true;
		const limit = heavy ? 20 : 100;
		if (!Number.isInteger(topK) || topK < 1 || topK > limit) {
			throw new Error(`VECTOR_QUERY_ERROR: topK must be between 1 and ${limit}, got ${topK}`);
		}
		this.assertDimensions(query);
		const matches = [...this.vectors.values()]
			.filter((stored) => this.passes(stored, options.filter ?? {}))
			.map((stored) => ({ stored, score: cosine(query, Array.from(stored.values)) }))
			.sort((a, b) => b.score - a.score)
			.slice(0, topK)
			.map(({ stored, score }): VectorizeMatch => {
				const metadata = this.returnedMetadata(stored, returnMetadata);
				return {
					id: stored.id,
					score,
					...(options.returnValues ? { values: Array.from(stored.values) } : {}),
					...(metadata ? { metadata } : {}),
				};
			});
		return { matches, count: matches.length };
	}

	async getByIds(ids: string[]): Promise<VectorizeVector[]> {
		return ids.flatMap((id) => {
			const stored = this.vectors.get(id);
			return stored ? [structuredClone(stored)] : [];
		});
	}

	async deleteByIds(ids: string[]): Promise<VectorizeVectorMutation> {
		const deleted = ids.filter((id) => this.vectors.delete(id));
		return { ids: deleted, count: deleted.length };
	}

	private store(vectors: VectorizeVector[]): VectorizeVectorMutation {
		if (vectors.length > 1000) throw new Error("VECTOR_UPSERT_ERROR: at most 1000 vectors per batch");
		for (const vector of vectors) {
			if (new TextEncoder().encode(vector.id).length > 64) {
				throw new Error(`VECTOR_UPSERT_ERROR: id "${vector.id}" is longer than 64 bytes`);
			}
			this.assertDimensions(Array.from(vector.values));
		}
		for (const vector of vectors) {
			this.vectors.set(vector.id, {
				id: vector.id,
				values: Array.from(Float32Array.from(vector.values)),
				...(vector.metadata ? { metadata: structuredClone(vector.metadata) } : {}),
			});
		}
		return { ids: vectors.map((vector) => vector.id), count: vectors.length };
	}

	private assertDimensions(values: number[]): void {
		if (values.length !== this.dimensions) {
			throw new Error(
				`VECTOR_DIMENSION_MISMATCH: vector has ${values.length} dimensions, the index ${this.dimensions}`,
			);
		}
	}

	private passes(stored: VectorizeVector, filter: VectorizeVectorMetadataFilter): boolean {
		return Object.entries(filter).every(([property, condition]) => {
			if (!(property in this.metadataIndexes)) {
				throw new Error(`VECTOR_QUERY_ERROR: no metadata index on "${property}"`);
			}
			const value = stored.metadata?.[property];
			const actual: Scalar = typeof value === "object" || value === undefined ? null : value;
			if (condition === null || typeof condition !== "object") return actual === condition;
			return Object.entries(condition).every(([operator, expected]) => {
				switch (operator) {
					case "$eq":
						return actual === expected;
					case "$ne":
						return actual !== expected;
					case "$in":
						return Array.isArray(expected) && expected.includes(actual as string | number | boolean);
					case "$nin":
						return Array.isArray(expected) && !expected.includes(actual as string | number | boolean);
					default:
						throw new Error(`the Vectorize double does not implement ${operator}`);
				}
			});
		});
	}

	private returnedMetadata(
		stored: VectorizeVector,
		level: boolean | VectorizeMetadataRetrievalLevel,
	): Record<string, VectorizeVectorMetadata> | null {
		if (!stored.metadata || level === "none" || level === false) return null;
		if (level === "indexed") {
			return Object.fromEntries(
				Object.entries(stored.metadata).filter(([property]) => property in this.metadataIndexes),
			);
		}
		return structuredClone(stored.metadata);
	}
}

function cosine(a: number[], b: number[]): number {
	let dot = 0;
	let normA = 0;
	let normB = 0;
	for (let i = 0; i < a.length; i++) {
		dot += (a[i] ?? 0) * (b[i] ?? 0);
		normA += (a[i] ?? 0) ** 2;
		normB += (b[i] ?? 0) ** 2;
	}
	return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

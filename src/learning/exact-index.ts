/**
 * Exact cosine search: `topK` scores every candidate and keeps the best k, which is exactly what a
 * brute-force sort returns. The in-memory `PatternIndex` here and the D1-backed local index both
 * search with it; the D1 adapter only differs in where the candidates come from.
 */
import { compareText } from "./order";
import {
	assertQueryFits,
	assertVectorFits,
	type IndexSpace,
	matchesScope,
	type PatternIndex,
	type PatternMatch,
	type PatternVector,
} from "./pattern-index";
import { cosineGivenNorm, norm } from "./vector-math";

/** A stored vector to score: plain numbers, or a typed-array view over stored bytes. */
export type Candidate = { id: string; values: ArrayLike<number> };
/** A candidate with its cosine similarity to the query. */
export type Scored<C extends Candidate> = { id: string; score: number; candidate: C };

/** Orders matches best first: higher score, then smaller id (code-unit order). */
export function compareMatches(a: { id: string; score: number }, b: { id: string; score: number }): number {
	return b.score - a.score || compareText(a.id, b.id);
}

/**
 * The k candidates most cosine-similar to `query`, best first, ties broken by id. A zero vector
 * scores 0 against everything. Candidates must have the query's length.
 * @example topK([1, 0], [{ id: "a", values: [0, 1] }, { id: "b", values: [2, 0] }], 1) // [{ id: "b", score: 1, candidate: … }]
 */
export function topK<C extends Candidate>(
	query: readonly number[],
	candidates: Iterable<C>,
	k: number,
): Scored<C>[] {
	if (k <= 0) return [];
	const queryNorm = norm(query);
	// The best k so far, kept sorted; k is small, so insertion beats sorting every score.
	const best: Scored<C>[] = [];
	for (const candidate of candidates) {
		if (candidate.values.length !== query.length) {
			throw new RangeError(
				`candidate "${candidate.id}" has ${candidate.values.length} values, the query ${query.length}`,
			);
		}
		const scored = {
			id: candidate.id,
			score: cosineGivenNorm(query, queryNorm, candidate.values),
			candidate,
		};
		const last = best[best.length - 1];
		if (best.length === k && last && compareMatches(scored, last) >= 0) continue;
		let position = best.length;
		while (position > 0 && compareMatches(scored, best[position - 1] as Scored<C>) < 0) position--;
		best.splice(position, 0, scored);
		if (best.length > k) best.pop();
	}
	return best;
}

/** A `PatternIndex` held in memory: for tests and single-process tools. */
export function createMemoryIndex(space: IndexSpace): PatternIndex {
	const vectors = new Map<string, PatternVector>();
	const copy = (vector: PatternVector): PatternVector => ({
		id: vector.id,
		values: [...vector.values],
		metadata: { ...vector.metadata },
	});
	return {
		dimensions: space.dimensions,
		model: space.model,
		async upsert(batch) {
			for (const vector of batch) assertVectorFits(space, vector);
			for (const vector of batch) vectors.set(vector.id, copy(vector));
		},
		async query(vector, { topK: k, tenantId, filter }) {
			assertQueryFits(space, vector, k);
			const inScope = [...vectors.values()].filter((stored) =>
				matchesScope(stored.metadata, tenantId, filter),
			);
			return topK(vector, inScope, k).map(
				({ id, score, candidate }): PatternMatch => ({ id, score, metadata: { ...candidate.metadata } }),
			);
		},
		async getByIds(ids, { tenantId }) {
			return [...new Set(ids)].flatMap((id) => {
				const stored = vectors.get(id);
				return stored && stored.metadata.tenantId === tenantId ? [copy(stored)] : [];
			});
		},
		async deleteByIds(ids, { tenantId }) {
			for (const id of ids) {
				if (vectors.get(id)?.metadata.tenantId === tenantId) vectors.delete(id);
			}
		},
	};
}

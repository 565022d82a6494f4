/**
 * A small in-memory BM25 index over pre-tokenized passages (Okapi BM25, k1 = 1.2, b = 0.75).
 *
 * score(p, q) = Σ over distinct query terms t of idf(t) · tf(t, p) · (k1 + 1) / (tf(t, p) + k1 · (1 − b + b · |p| / avgdl))
 * idf(t)      = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
 *
 * where N is the number of passages, df(t) the number of passages containing t, |p| the passage's
 * token count and avgdl the mean token count. This idf is always positive, so a passage never scores
 * below zero and one sharing no term with the query scores exactly zero. A term repeated in the
 * query counts once.
 */

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/** One passage's occurrences of a term. */
export type Posting = { passage: number; termFrequency: number };

export type Bm25Index = {
	/** N: the number of passages. */
	passageCount: number;
	/** Token count of each passage, by passage index. */
	lengths: number[];
	/** Mean token count (avgdl); 0 for an empty index. */
	averageLength: number;
	/** For each term, the passages that contain it, in passage order. */
	postings: Map<string, Posting[]>;
};

/**
 * Builds the index of passages given as token lists; passage i of the input is passage i of the
 * scores.
 * @example buildIndex([["heat", "pump"], ["solar"]]).postings.get("pump") // [{ passage: 0, termFrequency: 1 }]
 */
export function buildIndex(passages: readonly (readonly string[])[]): Bm25Index {
	const postings = new Map<string, Posting[]>();
	let totalLength = 0;
	passages.forEach((tokens, passage) => {
		totalLength += tokens.length;
		const counts = new Map<string, number>();
		for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
		for (const [term, termFrequency] of counts) {
			const list = postings.get(term);
			if (list) list.push({ passage, termFrequency });
			else postings.set(term, [{ passage, termFrequency }]);
		}
	});
	return {
		passageCount: passages.length,
		lengths: passages.map((tokens) => tokens.length),
		averageLength: passages.length === 0 ? 0 : totalLength / passages.length,
		postings,
	};
}

/**
 * Inverse document frequency of a term: ln(1 + (N − df + 0.5) / (df + 0.5)); a term in no passage
 * gets the largest value, ln(1 + (N + 0.5) / 0.5).
 * @example inverseDocumentFrequency(buildIndex([["a"], ["b"]]), "a") // ln(1 + 1.5 / 1.5) = ln 2
 */
export function inverseDocumentFrequency(index: Bm25Index, term: string): number {
	const documentFrequency = index.postings.get(term)?.length ?? 0;
	return Math.log(1 + (index.passageCount - documentFrequency + 0.5) / (documentFrequency + 0.5));
}

/**
 * BM25 score of every passage for a query, by passage index (0 for passages sharing no term).
 * @example score(buildIndex([["solar"], ["heat", "pump"]]), ["pump"]) // [0, 0.61…]
 */
export function score(index: Bm25Index, queryTokens: readonly string[]): number[] {
	const scores = new Array<number>(index.passageCount).fill(0);
	for (const term of new Set(queryTokens)) {
		const list = index.postings.get(term);
		if (!list) continue;
		const idf = inverseDocumentFrequency(index, term);
		for (const { passage, termFrequency } of list) {
			const length = index.lengths[passage] ?? 0;
			const norm = BM25_K1 * (1 - BM25_B + (BM25_B * length) / index.averageLength);
			scores[passage] =
				(scores[passage] ?? 0) + (idf * termFrequency * (BM25_K1 + 1)) / (termFrequency + norm);
		}
	}
	return scores;
}

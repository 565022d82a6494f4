/**
 * Citation verification: a citation counts as verified only when its quote is found in the stored
 * snapshot of a source this job actually retrieved.
 *
 * Matching works on normalized text (see `normalizeForMatch`): Unicode NFKC, lower case, and every
 * run of characters that is not a letter, digit or combining mark turned into one space. Curly and
 * straight quotes, all dash variants and all punctuation therefore become the same separator.
 *
 * A quote is checked in three steps:
 * 1. exact — its normalized tokens occur as a contiguous run of the snapshot's normalized tokens
 *    (score 1). Matching is on token boundaries, so "ion" does not match inside "region".
 * 2. quote_too_short — a quote of fewer than 4 tokens that is not exact; short quotes must match
 *    exactly because a few common words occur almost anywhere.
 * 3. fuzzy — similarity of a window of snapshot tokens = weighted token LCS / quote token count.
 *    Verified when similarity ≥ 0.9 and every numeric token of the quote (any token with a digit)
 *    is aligned with an identical snapshot token. That tolerates about one changed or left-out
 *    word per ten quoted words (so quotes under 10 tokens must in effect be exact), never a
 *    paraphrase, a reordering, or a changed figure ("40%" quoted as "90%" fails).
 *
 * Fuzzy search is linear in the snapshot: a sliding count of shared tokens (multiset overlap, an
 * upper bound of the LCS) keeps only windows that could reach the threshold; those are aligned in
 * order of their bound, stopping once no remaining window can beat the best alignment, and after at
 * most `MAX_WINDOW_ALIGNMENTS` alignments — on pathological text it fails closed (not verified).
 */
import type { Finding, Role, SourceRecord } from "../protocol";
import type { CheckedCitation, CheckedFinding, CitationCheck, VerificationSummary } from "../synthesis/types";

/** Fraction of quote tokens a fuzzy match must align. */
export const FUZZY_MATCH_THRESHOLD = 0.9;
/** Quotes with fewer normalized tokens than this must match exactly. */
export const MIN_FUZZY_QUOTE_TOKENS = 4;
/** Most snapshot windows aligned for one quote; bounds the cost on adversarial snapshots. */
export const MAX_WINDOW_ALIGNMENTS = 64;

export type QuoteMatch = {
	check: Extract<CitationCheck, "exact" | "fuzzy" | "quote_not_found" | "quote_too_short">;
	/** Similarity of the best matching window in [0, 1]; 0 when no window could reach the threshold. */
	score: number;
};

/** A snapshot normalized and tokenized once, so many quotes can be matched against it cheaply. */
export type SnapshotIndex = {
	/** Normalized text with a leading and trailing space, for token-boundary substring search. */
	paddedText: string;
	/** Each token as an id into `vocabulary`. */
	tokenIds: Int32Array;
	vocabulary: Map<string, number>;
};

const NON_WORD_RUN = /[^\p{L}\p{N}\p{M}]+/gu;
const HAS_DIGIT = /\p{N}/u;

/**
 * Normalizes text for quote matching: NFKC, lower case, punctuation and symbols to spaces,
 * whitespace collapsed and trimmed. `normalizeForMatch("It’s  “Fine”—really!")` → `"it s fine really"`.
 */
export function normalizeForMatch(text: string): string {
	return text.normalize("NFKC").toLowerCase().replace(NON_WORD_RUN, " ").trim();
}

function tokensOf(normalized: string): string[] {
	return normalized === "" ? [] : normalized.split(" ");
}

/** Normalizes and tokenizes a snapshot for repeated matching with `matchQuoteInIndex`. */
export function indexSnapshot(snapshot: string): SnapshotIndex {
	const normalized = normalizeForMatch(snapshot);
	const tokens = tokensOf(normalized);
	const vocabulary = new Map<string, number>();
	const tokenIds = new Int32Array(tokens.length);
	tokens.forEach((token, position) => {
		let id = vocabulary.get(token);
		if (id === undefined) {
			id = vocabulary.size;
			vocabulary.set(token, id);
		}
		tokenIds[position] = id;
	});
	return { paddedText: ` ${normalized} `, tokenIds, vocabulary };
}

/**
 * Looks for a quote in a snapshot (see the module comment for the rules).
 * `matchQuote("The  COP fell, sharply", "…the cop fell sharply at -15 °C…")` → `{ check: "exact", score: 1 }`.
 */
export function matchQuote(quote: string, snapshot: string): QuoteMatch {
	return matchQuoteInIndex(quote, indexSnapshot(snapshot));
}

/** Same as `matchQuote`, against a snapshot indexed once with `indexSnapshot`. */
export function matchQuoteInIndex(quote: string, index: SnapshotIndex): QuoteMatch {
	const normalizedQuote = normalizeForMatch(quote);
	if (normalizedQuote !== "" && index.paddedText.includes(` ${normalizedQuote} `)) {
		return { check: "exact", score: 1 };
	}
	const quoteTokens = tokensOf(normalizedQuote);
	if (quoteTokens.length < MIN_FUZZY_QUOTE_TOKENS) return { check: "quote_too_short", score: 0 };
	const score = bestWindowSimilarity(quoteTokens, index);
	return score.allNumbersAligned && score.similarity >= FUZZY_MATCH_THRESHOLD
		? { check: "fuzzy", score: score.similarity }
		: { check: "quote_not_found", score: score.similarity };
}

type WindowScore = { similarity: number; allNumbersAligned: boolean };

type Candidate = { start: number; bound: number };

/**
 * Best window alignment of the quote in the snapshot. An alignment's value is
 * numbersAligned × numberWeight + wordsAligned with numberWeight > quote length, so maximizing it
 * aligns as many numeric tokens as possible first, then as many tokens as possible.
 */
function bestWindowSimilarity(quoteTokens: string[], index: SnapshotIndex): WindowScore {
	const quoteLength = quoteTokens.length;
	const required = Math.ceil(FUZZY_MATCH_THRESHOLD * quoteLength - 1e-9);
	// A window may hold as many extra snapshot words as the quote may miss.
	const windowLength = Math.min(quoteLength + (quoteLength - required), index.tokenIds.length);
	const numberWeight = quoteLength + 1;
	const quoteIds = Int32Array.from(quoteTokens, (token) => index.vocabulary.get(token) ?? -1);
	const weights = Int32Array.from(quoteTokens, (token) => (HAS_DIGIT.test(token) ? numberWeight : 1));
	const numericCount = weights.reduce((count, weight) => count + (weight === numberWeight ? 1 : 0), 0);

	const candidates = candidateWindows(quoteIds, weights, numberWeight, index, windowLength, required);
	let best = 0;
	const previousRow = new Int32Array(quoteLength + 1);
	const currentRow = new Int32Array(quoteLength + 1);
	for (const candidate of candidates.slice(0, MAX_WINDOW_ALIGNMENTS)) {
		if (candidate.bound <= best) break;
		const value = alignWindow(quoteIds, weights, index.tokenIds, candidate.start, windowLength, [
			previousRow,
			currentRow,
		]);
		best = Math.max(best, value);
	}
	const numbersAligned = Math.floor(best / numberWeight);
	const wordsAligned = best % numberWeight;
	return {
		similarity: (numbersAligned + wordsAligned) / quoteLength,
		allNumbersAligned: numbersAligned === numericCount,
	};
}

/**
 * Windows (start positions, fixed length) whose token multiset shares at least `required` tokens with
 * the quote, with an upper bound of their alignment value, best bound first. One O(n) sliding pass.
 */
function candidateWindows(
	quoteIds: Int32Array,
	weights: Int32Array,
	numberWeight: number,
	index: SnapshotIndex,
	windowLength: number,
	required: number,
): Candidate[] {
	const candidates: Candidate[] = [];
	if (windowLength < required) return candidates;
	const vocabularySize = index.vocabulary.size;
	const quoteCounts = new Int32Array(vocabularySize);
	const isNumber = new Uint8Array(vocabularySize);
	quoteIds.forEach((id, position) => {
		if (id < 0) return;
		quoteCounts[id] = (quoteCounts[id] ?? 0) + 1;
		if (weights[position] === numberWeight) isNumber[id] = 1;
	});
	const windowCounts = new Int32Array(vocabularySize);
	const tokenIds = index.tokenIds;
	let shared = 0;
	let sharedNumbers = 0;
	const add = (id: number, delta: 1 | -1): void => {
		const before = windowCounts[id] ?? 0;
		const after = before + delta;
		windowCounts[id] = after;
		const wanted = quoteCounts[id] ?? 0;
		const change = Math.min(after, wanted) - Math.min(before, wanted);
		shared += change;
		if (isNumber[id] === 1) sharedNumbers += change;
	};
	for (let position = 0; position < tokenIds.length; position++) {
		add(tokenIds[position] ?? 0, 1);
		const start = position - windowLength + 1;
		if (start > 0) add(tokenIds[start - 1] ?? 0, -1);
		if (start >= 0 && shared >= required) {
			candidates.push({ start, bound: sharedNumbers * numberWeight + (shared - sharedNumbers) });
		}
	}
	return candidates.sort((a, b) => b.bound - a.bound || a.start - b.start);
}

/** Weighted LCS of the quote against one snapshot window, with two reusable DP rows. */
function alignWindow(
	quoteIds: Int32Array,
	weights: Int32Array,
	tokenIds: Int32Array,
	start: number,
	windowLength: number,
	rows: [Int32Array, Int32Array],
): number {
	let [previous, current] = rows;
	previous.fill(0);
	const quoteLength = quoteIds.length;
	for (let position = start; position < start + windowLength; position++) {
		const token = tokenIds[position];
		current[0] = 0;
		for (let j = 0; j < quoteLength; j++) {
			const skip = Math.max(previous[j + 1] ?? 0, current[j] ?? 0);
			current[j + 1] = quoteIds[j] === token ? Math.max(skip, (previous[j] ?? 0) + (weights[j] ?? 0)) : skip;
		}
		[previous, current] = [current, previous];
	}
	return previous[quoteLength] ?? 0;
}

/**
 * Canonical form of a URL for comparing citations with retrieved sources: lower-case scheme and
 * host (as the URL parser does), fragment and `utm_*` tracking parameters dropped, trailing slashes of
 * the path dropped.
 * `normalizeUrl("HTTPS://Example.com/a/#intro")` → `"https://example.com/a"`.
 */
export function normalizeUrl(url: string): string {
	const trimmed = url.trim();
	let parsed: URL;
	try {
		parsed = new URL(trimmed);
	} catch {
		return trimmed;
	}
	parsed.hash = "";
	if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return parsed.href;
	// Search engines tag the links they cite (`?utm_source=openai`); the page is the same without the tag.
	for (const name of [...parsed.searchParams.keys()]) {
		if (name.toLowerCase().startsWith("utm_")) parsed.searchParams.delete(name);
	}
	return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}${parsed.search}`;
}

type Resolution = { check: "unknown_source" | "url_not_retrieved" } | { source: SourceRecord };

/**
 * Which source a citation is checked against. A non-empty URL decides: it must be the URL of a
 * retrieved source (that source is then used even if `sourceId` names another one), otherwise the
 * citation is fabricated. Without a URL the `sourceId` decides.
 */
function resolveSource(
	citationUrl: string | null,
	sourceId: string,
	retrievedByUrl: ReadonlyMap<string, SourceRecord>,
	sourcesById: ReadonlyMap<string, SourceRecord>,
): Resolution {
	if (citationUrl !== null && citationUrl.trim() !== "") {
		const source = retrievedByUrl.get(normalizeUrl(citationUrl));
		return source ? { source } : { check: "url_not_retrieved" };
	}
	const source = sourcesById.get(sourceId);
	return source ? { source } : { check: "unknown_source" };
}

/**
 * Checks every citation of every agent's findings against the job's retrieved snapshots
 * (`snapshots` maps source id → snapshot text). A citation resolved through its URL carries the id
 * of the source it was checked against. A finding is supported when any citation is verified.
 */
export function checkFindings(
	results: { taskId: string; role: Role; findings: Finding[] }[],
	sources: SourceRecord[],
	snapshots: ReadonlyMap<string, string>,
): CheckedFinding[] {
	const sourcesById = new Map(sources.map((source) => [source.id, source]));
	const retrievedByUrl = new Map<string, SourceRecord>();
	for (const source of sources) {
		if (source.status === "retrieved" && source.url !== null) {
			retrievedByUrl.set(normalizeUrl(source.url), source);
		}
	}
	const indexes = new Map<string, SnapshotIndex>();
	const indexFor = (sourceId: string, snapshot: string): SnapshotIndex => {
		let index = indexes.get(sourceId);
		if (!index) {
			index = indexSnapshot(snapshot);
			indexes.set(sourceId, index);
		}
		return index;
	};

	const checkCitation = (citation: Finding["citations"][number]): CheckedCitation => {
		const resolution = resolveSource(citation.url, citation.sourceId, retrievedByUrl, sourcesById);
		if ("check" in resolution)
			return { ...citation, verified: false, check: resolution.check, matchScore: 0 };
		const { source } = resolution;
		const snapshot = snapshots.get(source.id);
		if (source.status !== "retrieved" || snapshot === undefined) {
			return {
				...citation,
				sourceId: source.id,
				verified: false,
				check: "source_unreachable",
				matchScore: 0,
			};
		}
		const match = matchQuoteInIndex(citation.quote, indexFor(source.id, snapshot));
		return {
			...citation,
			sourceId: source.id,
			verified: match.check === "exact" || match.check === "fuzzy",
			check: match.check,
			matchScore: match.score,
		};
	};

	return results.flatMap(({ taskId, role, findings }) =>
		findings.map((finding) => {
			const citations = finding.citations.map(checkCitation);
			return { ...finding, taskId, role, citations, supported: citations.some((c) => c.verified) };
		}),
	);
}

/**
 * Counts citation checks and claim support over checked findings. `quoteNotFound` includes quotes
 * too short to match fuzzily; `fabricatedUrls` lists each cited URL the job never retrieved once,
 * sorted.
 */
export function summarizeVerification(checked: CheckedFinding[]): VerificationSummary {
	const citations = checked.flatMap((finding) => finding.citations);
	const countOf = (...checks: CitationCheck[]): number =>
		citations.filter((citation) => checks.includes(citation.check)).length;
	const fabricatedUrls = new Set<string>();
	for (const citation of citations) {
		if (citation.check === "url_not_retrieved" && citation.url !== null) fabricatedUrls.add(citation.url);
	}
	const claimsSupported = checked.filter((finding) => finding.supported).length;
	return {
		citationsTotal: citations.length,
		citationsVerified: citations.filter((citation) => citation.verified).length,
		exactMatches: countOf("exact"),
		fuzzyMatches: countOf("fuzzy"),
		quoteNotFound: countOf("quote_not_found", "quote_too_short"),
		unknownSource: countOf("unknown_source"),
		fabricatedUrls: [...fabricatedUrls].sort(),
		claimsTotal: checked.length,
		claimsSupported,
		claimsUnsupported: checked.length - claimsSupported,
		groundingScore: checked.length === 0 ? 0 : claimsSupported / checked.length,
	};
}

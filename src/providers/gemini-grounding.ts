/**
 * Grounding with Google Search, mapped to the research loop's terms.
 *
 * A grounded Gemini response carries `groundingMetadata`: the web pages Google consulted
 * (`groundingChunks[].web {uri, title}`), the queries it ran (`webSearchQueries`) and, for sentences
 * of the answer, which pages back them (`groundingSupports[] {segment, groundingChunkIndices,
 * confidenceScores}`). A support's `segment.text` is the model's own sentence, not text taken from
 * the page: it is kept as the claim and, in citations, as the quote, i.e. the model's statement of
 * what the page says. The verifier later checks every such quote against the stored snapshot of the
 * page, so a sentence the page does not actually contain is caught there.
 *
 * On the Gemini API the chunk URIs are Google redirect links (vertexaisearch.cloud.google.com/
 * grounding-api-redirect/…) and the titles are domains; they are passed on unchanged, because they
 * are what the provider returned, and the research loop resolves them when it snapshots the page.
 */
import type { GroundingMetadata } from "@google/genai";
import { tokenize } from "./text";
import type { AgentOutput, RetrievedRef, TurnCitation, TurnFinding } from "./types";

/** A sentence of the answer together with the pages Google attributes it to. */
export type GroundedStatement = {
	/** The answer's own sentence, trimmed. */
	text: string;
	/** The attributed web pages, deduplicated by URL, in the order Google listed them. */
	sources: RetrievedRef[];
	/** Highest confidence score among those attributions; null when the API gave no scores. */
	confidence: number | null;
};

/**
 * Confidence of a finding made from a grounded sentence that came without `confidenceScores`
 * (newer models often omit them): being backed by a search result is evidence, but not a measure.
 */
export const UNSCORED_GROUNDING_CONFIDENCE = 0.5;

/**
 * A statement backs an existing finding when at least this share of its distinct word tokens
 * appears in the finding's title or claim (tokens as `tokenize` makes them).
 */
export const STATEMENT_MATCH_MIN_SHARE = 0.6;

/** Titles made from a grounded sentence are cut to this many characters at a word boundary. */
export const GROUNDED_TITLE_CHARS = 120;

const MAX_FINDINGS = 30;
const MAX_CITATIONS = 20;
const MAX_CLAIM_CHARS = 4000;
const MAX_QUOTE_CHARS = 2000;
const MAX_URL_CHARS = 2048;

/**
 * The web pages of the grounding chunks, deduplicated by URL; a title is kept from the first chunk
 * that has one. Chunks that are not web pages (Maps places, retrieval-store documents) are skipped.
 * @example groundingSources({ groundingChunks: [{ web: { uri: "https://a.example/x", title: "a.example" } }] })
 * // [{ url: "https://a.example/x", title: "a.example" }]
 */
export function groundingSources(metadata: GroundingMetadata | undefined): RetrievedRef[] {
	const byUrl = new Map<string, RetrievedRef>();
	for (const chunk of metadata?.groundingChunks ?? []) {
		const source = webSource(chunk.web);
		if (!source) continue;
		const known = byUrl.get(source.url);
		if (!known) byUrl.set(source.url, source);
		else if (known.title === null) known.title = source.title;
	}
	return [...byUrl.values()];
}

/** How many web searches the grounded call ran: the number of queries Google reports. */
export function searchQueryCount(metadata: GroundingMetadata | undefined): number {
	return metadata?.webSearchQueries?.length ?? 0;
}

/**
 * The grounded sentences of the answer, one per distinct segment text, each with the web pages its
 * support indices point at and the highest of their confidence scores (`confidenceScores[i]` belongs
 * to `groundingChunkIndices[i]`). Supports without text or without any web page are skipped;
 * supports repeating the same text are merged.
 */
export function groundedStatements(metadata: GroundingMetadata | undefined): GroundedStatement[] {
	const chunks = metadata?.groundingChunks ?? [];
	const byText = new Map<string, GroundedStatement>();
	for (const support of metadata?.groundingSupports ?? []) {
		const text = support.segment?.text?.trim() ?? "";
		if (text === "") continue;
		const sources: RetrievedRef[] = [];
		const scores: number[] = [];
		(support.groundingChunkIndices ?? []).forEach((chunkIndex, position) => {
			const source = webSource(chunks[chunkIndex]?.web);
			if (!source) return;
			sources.push(source);
			const score = support.confidenceScores?.[position];
			if (typeof score === "number" && Number.isFinite(score)) scores.push(Math.min(1, Math.max(0, score)));
		});
		if (sources.length === 0) continue;
		const confidence = scores.length > 0 ? Math.max(...scores) : null;
		const known = byText.get(text);
		byText.set(
			text,
			known
				? {
						text,
						sources: uniqueByUrl([...known.sources, ...sources]),
						confidence: maxOrNull(known.confidence, confidence),
					}
				: { text, sources: uniqueByUrl(sources), confidence },
		);
	}
	return [...byText.values()];
}

/**
 * Adds the grounding to the model's structured output. Each statement backs the finding that best
 * matches it (share of the statement's tokens found in the finding's title and claim, at least
 * `STATEMENT_MATCH_MIN_SHARE`): the finding gains one citation per attributed page it does not
 * already cite, quoting the statement, and keeps its own claim and confidence. A statement that
 * backs no finding becomes a finding of its own when `addUnbacked` is set (claim = the statement,
 * confidence = its score or `UNSCORED_GROUNDING_CONFIDENCE`); it is dropped otherwise, which is right
 * when the structured output is itself the grounded answer and an unmatched segment is only a piece of
 * its JSON. The schema's limits (30 findings, 20 citations, string lengths) always hold.
 */
export function applyGrounding(
	output: AgentOutput,
	statements: readonly GroundedStatement[],
	options: { addUnbacked: boolean },
): AgentOutput {
	const findings: TurnFinding[] = output.findings.map((finding) => ({
		...finding,
		citations: [...finding.citations],
	}));
	const findingTokens = findings.map((finding) => new Set(tokenize(`${finding.title} ${finding.claim}`)));
	for (const statement of statements) {
		const tokens = new Set(tokenize(statement.text));
		const match = bestMatch(tokens, findingTokens);
		const backed = match === null ? undefined : findings[match];
		if (backed) {
			backed.citations = withCitations(backed.citations, statement);
		} else if (options.addUnbacked && findings.length < MAX_FINDINGS) {
			findings.push(findingFromStatement(statement));
			findingTokens.push(tokens);
		}
	}
	return { findings, narrative: output.narrative };
}

/** A title for a grounded sentence: the sentence itself, or its first words up to `GROUNDED_TITLE_CHARS` and "…". */
export function titleFromStatement(text: string): string {
	const flat = text.replace(/\s+/g, " ").trim();
	if (flat.length <= GROUNDED_TITLE_CHARS) return flat;
	const cut = flat.slice(0, GROUNDED_TITLE_CHARS - 1);
	const wordEnd = flat[cut.length] === " " ? cut.length : cut.lastIndexOf(" ");
	return `${(wordEnd > GROUNDED_TITLE_CHARS / 2 ? cut.slice(0, wordEnd) : cut).trimEnd()}…`;
}

function webSource(web: { uri?: string; title?: string } | undefined): RetrievedRef | null {
	const url = web?.uri?.trim() ?? "";
	if (url === "" || url.length > MAX_URL_CHARS) return null;
	const title = web?.title?.trim();
	return { url, title: title ? title : null };
}

function uniqueByUrl(sources: readonly RetrievedRef[]): RetrievedRef[] {
	const byUrl = new Map<string, RetrievedRef>();
	for (const source of sources) if (!byUrl.has(source.url)) byUrl.set(source.url, source);
	return [...byUrl.values()];
}

function maxOrNull(a: number | null, b: number | null): number | null {
	if (a === null) return b;
	if (b === null) return a;
	return Math.max(a, b);
}

/** Index of the finding sharing the largest share of the statement's tokens, if that share is enough. */
function bestMatch(
	statementTokens: ReadonlySet<string>,
	findingTokens: readonly ReadonlySet<string>[],
): number | null {
	if (statementTokens.size === 0) return null;
	let best: number | null = null;
	let bestShare = STATEMENT_MATCH_MIN_SHARE;
	for (const [index, tokens] of findingTokens.entries()) {
		let shared = 0;
		for (const token of statementTokens) if (tokens.has(token)) shared += 1;
		const share = shared / statementTokens.size;
		if (share > bestShare || (best === null && share === bestShare)) {
			best = index;
			bestShare = share;
		}
	}
	return best;
}

function withCitations(citations: readonly TurnCitation[], statement: GroundedStatement): TurnCitation[] {
	const result = [...citations];
	const cited = new Set(citations.map((citation) => citation.url));
	for (const source of statement.sources) {
		if (result.length >= MAX_CITATIONS) break;
		if (cited.has(source.url)) continue;
		cited.add(source.url);
		result.push(citationOf(source, statement));
	}
	return result;
}

function findingFromStatement(statement: GroundedStatement): TurnFinding {
	return {
		title: titleFromStatement(statement.text),
		claim: statement.text.slice(0, MAX_CLAIM_CHARS),
		confidence: statement.confidence ?? UNSCORED_GROUNDING_CONFIDENCE,
		citations: statement.sources.slice(0, MAX_CITATIONS).map((source) => citationOf(source, statement)),
	};
}

function citationOf(source: RetrievedRef, statement: GroundedStatement): TurnCitation {
	return { sourceId: null, url: source.url, quote: statement.text.slice(0, MAX_QUOTE_CHARS) };
}

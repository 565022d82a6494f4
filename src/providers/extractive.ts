/**
 * The offline `extractive` provider: no model, no network. It splits the job's retrieved source
 * documents into passages (sentences, list items, lines), ranks them with BM25 for each role's focus
 * and returns passages as findings. Every claim is an exact substring of a document and cites it, so
 * nothing is said that a source does not say.
 *
 * Relevance of a passage p in document d for the task's tokens q (each part divided by its maximum
 * over the corpus, 0 when nothing matches):
 *   relevance(p) = bm25(p, q) / max bm25 + 0.35 · bm25(d, q) / max bm25(d)
 * The document part lets a passage that states a figure or a date without repeating the topic's
 * words rank when its document is about the topic.
 *
 * Ranking roles score a passage as √relevance · (1 + boost): the square root compresses topical
 * match so that the role's own signal can reorder passages of similar relevance. Candidates below
 * 0.3 × the best score are dropped, and a passage whose token set has Jaccard similarity ≥ 0.6 with
 * an already chosen one is skipped.
 * - explorer: coverage. boost = 0; only passages that contain a query term themselves. Sources are
 *   visited round-robin, the source with the best passage first, each giving its next best passage.
 * - depth_analyst: detail. boost = min(1, 0.25 · numbers) + min(0.8, 0.4 · units, currencies or
 *   percentages) + 0.4 for ≥ 15 content words (0.2 for ≥ 10); best first, any number per source.
 * - trend_analyst: time. boost = min(1, 0.5 · years 1900–2099, month dates or quarters)
 *   + min(0.75, 0.25 · temporal cues such as increase, decline, since, trend, growth, forecast);
 *   passages with neither rank after every passage that has one.
 * - domain_expert: technical depth. Only passages that contain a query term; boost = 1 for a
 *   definitional pattern ("is a", "refers to", "defined as", "consists of", "known as", "called")
 *   + rarity, where rarity = mean idf of the passage's tokens / the largest idf a present term can have.
 * - revisit (phase "revisit", explorer or depth_analyst): the role's strategy without the passages
 *   cited upstream, each score multiplied by 1 + 0.5 · (normalized bm25 against the critic's claims).
 * Confidence of a ranked passage = 0.3 + 0.6 · score / best chosen score: being retrieved is weak
 * evidence, and ranking alone never justifies certainty.
 *
 * Review and synthesis roles:
 * - verifier: for each distinct upstream claim, the best passage of every source the claim does not
 *   cite; strength = share of the claim's idf mass (sum of idf over its distinct tokens) found in the
 *   passage. A source corroborates when strength ≥ 0.35. One finding per corroborated claim quoting the
 *   strongest passage and citing every corroborating source, confidence =
 *   min(0.95, 0.4 + 0.4 · strength + 0.1 · (sources − 1)). Uncorroborated claims are only named in
 *   the narrative.
 * - critic: passages that contain terms of the upstream claims and a contrast or negation cue
 *   (however, but, although, not, no longer, fails, limited, risk, contrary, despite, …);
 *   score = √(normalized bm25 against the claims) · (1 + 0.5 · min(cues, 2)). The narrative names the
 *   upstream claims that one source alone supports (its cited sources plus corroborating sources).
 * - synthesizer: upstream findings keep only citations whose quote is verbatim in the cited
 *   document, and are dropped when none is left; a claim that is not itself verbatim is replaced by
 *   its first such quote. Findings are grouped greedily (most confident first) by claim Jaccard ≥ 0.6,
 *   ranked by mean confidence × distinct agents, and each group reports its lead's claim with
 *   confidence = min(0.95, mean + 0.1 · (agents − 1)). With no usable upstream finding it ranks the
 *   sources like the explorer.
 *
 * Findings per task: n = clamp(round(2 + depth · timeShare · 6), 2, 12), where timeShare is the
 * task's time budget over the job's.
 *
 * Simulated model time (benchmarks only): with `EXTRACTIVE_SIMULATED_LATENCY_MS` = L in dev mode, each
 * turn first waits round(L · timeShare · swarmSize) ms. A task with the mean share of its swarm (1/size)
 * waits exactly L, and the shares keep the roles' relative weights; a swarm of 5 at L = 300 waits 375 ms
 * for the explorer and 225 ms for the verifier. Outside dev mode, or in production, the setting is ignored.
 */
import { z } from "zod";
import { accessSettings } from "../auth/settings";
import type { Citation, Finding, UpstreamResult } from "../protocol";
import type { Bm25Index } from "./bm25";
import { buildIndex, inverseDocumentFrequency, score } from "./bm25";
import { splitSentences, tokenize } from "./text";
import {
	type AgentTaskInput,
	type AgentTurn,
	type Provider,
	ProviderError,
	type SourceDocument,
	type StructuredResult,
	type TurnResult,
	ZERO_TOKEN_USAGE,
} from "./types";

export const EXTRACTIVE_PROVIDER_NAME = "extractive";

const DOCUMENT_CONTEXT_WEIGHT = 0.35;
const MIN_RELATIVE_SCORE = 0.3;
const NEAR_DUPLICATE_JACCARD = 0.6;
const CORROBORATION_MIN_STRENGTH = 0.35;
const REVISIT_CRITIC_WEIGHT = 0.5;
const MIN_FINDINGS = 2;
const MAX_FINDINGS = 12;
const TITLE_MAX_CHARS = 80;
const NARRATIVE_QUOTES = 3;
const NARRATIVE_LISTED_CLAIMS = 10;
const LISTED_CLAIM_CHARS = 160;
const MAX_CITATIONS_PER_FINDING = 20;

/** A passage of a document: an exact slice `document.text.slice(start, end)` with its tokens. */
export type Passage = {
	/** Position in the corpus; ties in ranking go to the earlier passage. */
	order: number;
	/** Position of the document in the task's document list. */
	documentPosition: number;
	document: SourceDocument;
	text: string;
	start: number;
	end: number;
	tokens: string[];
	terms: ReadonlySet<string>;
};

/** The passages of a task's documents with a passage-level and a document-level BM25 index. */
export type Corpus = {
	documentCount: number;
	passages: Passage[];
	passageIndex: Bm25Index;
	documentIndex: Bm25Index;
};

export type ExtractiveOutput = { findings: Finding[]; narrative: string };

type Candidate = { passage: Passage; score: number; tier: number };

type RankingRole = "explorer" | "depth_analyst" | "trend_analyst" | "domain_expert";

type RankingStrategy = {
	/** Extra weight on relevance, ≥ 0: the role's notion of a good passage. */
	boost(passage: Passage, corpus: Corpus): number;
	/** Passages of a higher tier rank before every passage of a lower one. */
	tier(passage: Passage): number;
	/** Whether the passage itself must contain a query term (not only its document). */
	requireOwnMatch: boolean;
	spread: "round-robin" | "best-first";
	/** Narrative sentence that introduces the quoted passages. */
	intro: string;
};

const NUMBER = /\d+(?:[.,]\d+)*/g;
const UNIT =
	/%|\bper ?cent\b|[$€£¥]\s?\d|°\s?[CF]\b|\d\s?(?:[kMGT]?W(?:h|p)?|mm|cm|km|m|kg|mg|lbs?|ms|[kMG]?Hz|[kMGT]B|mph|km\/h|l|ml|tonnes?|tons?|hours?|days?|weeks?|months?|years?|minutes?|seconds?|x)\b/gi;
const YEAR_OR_DATE =
	/\b(?:19|20)\d{2}s?\b|\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.? \d{1,4}\b|\bQ[1-4]\b/g;
const TEMPORAL_CUE =
	/\b(?:increas|decreas|declin|grow|grew|rise|rising|rose|fell|fall|drop|surg|doubl|tripl|halv|since|trend|forecast|projected|projection|expect|outlook|annual|yearly|decade|recent|currently|future|by the end of|over the (?:past|last|next)|year-on-year)/gi;
const DEFINITION =
	/\b(?:is an?|are an?|refers? to|defined as|consists? of|(?:is|are) known as|(?:is|are) called|denotes?)\b/i;
const CONTRAST =
	/\b(?:however|but|although|though|not|no longer|never|fail(?:s|ed|ure|ures)?|limited|limitations?|risks?|risky|contrary|despite|whereas|unlike|(?:ca|does|do|is|are|was|were|did|wo|could|should|would|has|have|had)n[’']t|cannot|drawbacks?|downsides?|uncertain(?:ty)?|disputed|concerns?)\b/gi;

function countMatches(text: string, pattern: RegExp): number {
	return text.match(pattern)?.length ?? 0;
}

function detailBoost(passage: Passage): number {
	const numbers = Math.min(1, 0.25 * countMatches(passage.text, NUMBER));
	const units = Math.min(0.8, 0.4 * countMatches(passage.text, UNIT));
	const words = passage.tokens.length;
	const length = words >= 15 ? 0.4 : words >= 10 ? 0.2 : 0;
	return numbers + units + length;
}

function temporalSignals(passage: Passage): { dates: number; cues: number } {
	return {
		dates: countMatches(passage.text, YEAR_OR_DATE),
		cues: countMatches(passage.text, TEMPORAL_CUE),
	};
}

function rarity(passage: Passage, corpus: Corpus): number {
	if (passage.tokens.length === 0) return 0;
	const index = corpus.passageIndex;
	const largestIdf = Math.log(1 + (index.passageCount - 0.5) / 1.5);
	if (largestIdf <= 0) return 0;
	const total = passage.tokens.reduce((sum, token) => sum + inverseDocumentFrequency(index, token), 0);
	return Math.min(1, total / passage.tokens.length / largestIdf);
}

const RANKING_STRATEGIES: Record<RankingRole, RankingStrategy> = {
	explorer: {
		boost: () => 0,
		tier: () => 0,
		requireOwnMatch: true,
		spread: "round-robin",
		intro: "The most relevant passages, taking each source in turn:",
	},
	depth_analyst: {
		boost: detailBoost,
		tier: () => 0,
		requireOwnMatch: false,
		spread: "best-first",
		intro: "The passages with the densest specific detail (figures, units, measurements):",
	},
	trend_analyst: {
		boost: (passage) => {
			const { dates, cues } = temporalSignals(passage);
			return Math.min(1, 0.5 * dates) + Math.min(0.75, 0.25 * cues);
		},
		tier: (passage) => {
			const { dates, cues } = temporalSignals(passage);
			return dates + cues > 0 ? 1 : 0;
		},
		requireOwnMatch: false,
		spread: "best-first",
		intro: "Dated and time-related statements:",
	},
	domain_expert: {
		boost: (passage, corpus) => (DEFINITION.test(passage.text) ? 1 : 0) + rarity(passage, corpus),
		tier: () => 0,
		requireOwnMatch: true,
		spread: "best-first",
		intro: "Definitions and specialist terms:",
	},
};

/**
 * Number of findings a task returns: clamp(round(2 + depth · timeShare · 6), 2, 12).
 * @example findingCount(5, 0.25) // 10 (round(9.5))
 */
export function findingCount(depth: number, timeShare: number): number {
	return Math.min(MAX_FINDINGS, Math.max(MIN_FINDINGS, Math.round(2 + depth * timeShare * 6)));
}

/**
 * Splits every document into passages and indexes them, per passage and per document.
 * @example buildCorpus([{ source, text: "Heat pumps move heat from outside air." }]).passages.length // 1
 */
export function buildCorpus(documents: readonly SourceDocument[]): Corpus {
	const passages: Passage[] = [];
	const documentTokens: string[][] = [];
	documents.forEach((document, documentPosition) => {
		const tokensOfDocument: string[] = [];
		for (const sentence of splitSentences(document.text)) {
			const tokens = tokenize(sentence.text);
			tokensOfDocument.push(...tokens);
			passages.push({
				order: passages.length,
				documentPosition,
				document,
				...sentence,
				tokens,
				terms: new Set(tokens),
			});
		}
		documentTokens.push(tokensOfDocument);
	});
	return {
		documentCount: documents.length,
		passages,
		passageIndex: buildIndex(passages.map((passage) => passage.tokens)),
		documentIndex: buildIndex(documentTokens),
	};
}

/**
 * The pure core of the provider: the findings and narrative of one agent task, by its role.
 * Same input, same output.
 * @example extractFindings({ ...context, role: "explorer", documents }).findings[0]?.claim // a sentence of a document
 */
export function extractFindings(input: AgentTaskInput): ExtractiveOutput {
	return selectFindings(corpusOf(input.documents), input);
}

/** Documents whose corpus is kept for the next turn, in characters; a larger set is rebuilt every turn. */
const MAX_KEPT_CORPUS_CHARS = 1024 * 1024;
/**
 * The last corpus built. The tasks of a job rank the same documents, and building the corpus is most of
 * a turn's work; tasks whose waits end together would otherwise also rebuild it one after another.
 */
let kept: { documents: readonly SourceDocument[]; corpus: Corpus } | null = null;

/** The corpus of `documents`: the kept one when they are the same sources with the same texts. */
function corpusOf(documents: readonly SourceDocument[]): Corpus {
	if (kept && sameDocuments(kept.documents, documents)) return kept.corpus;
	const corpus = buildCorpus(documents);
	const chars = documents.reduce((total, document) => total + document.text.length, 0);
	if (chars <= MAX_KEPT_CORPUS_CHARS) kept = { documents, corpus };
	return corpus;
}

function sameDocuments(a: readonly SourceDocument[], b: readonly SourceDocument[]): boolean {
	return (
		a.length === b.length &&
		a.every((document, index) => {
			const other = b[index];
			return (
				other !== undefined &&
				document.text === other.text &&
				JSON.stringify(document.source) === JSON.stringify(other.source)
			);
		})
	);
}

/** `extractFindings` over an already built corpus of the input's documents. */
export function selectFindings(corpus: Corpus, input: AgentTaskInput): ExtractiveOutput {
	if (corpus.passages.length === 0) {
		return {
			findings: [],
			narrative: "No source text was available for this task, so nothing was extracted.",
		};
	}
	const count = findingCount(input.config.depth, input.timeShare);
	switch (input.role) {
		case "verifier":
			return verify(corpus, input, count);
		case "critic":
			return critique(corpus, input, count);
		case "synthesizer":
			return synthesize(corpus, input, count);
		default:
			return rankForRole(corpus, input, input.role, count);
	}
}

/** Explorer, depth analyst, trend analyst and domain expert, including their revisit pass. */
function rankForRole(
	corpus: Corpus,
	input: AgentTaskInput,
	role: RankingRole,
	count: number,
): ExtractiveOutput {
	const strategy = RANKING_STRATEGIES[role];
	const queryTokens = tokenize(input.task);
	const relevance = relevanceScores(corpus, queryTokens);
	const revisit = input.phase === "revisit";
	const excluded = revisit ? citedPassageKeys(input.upstream) : new Set<string>();
	const criticClaims = revisit ? claimsOf(input.upstream.filter((result) => result.role === "critic")) : [];
	const criticPreference = normalized(score(corpus.passageIndex, criticClaims.flatMap(tokenize)));

	const candidates: Candidate[] = [];
	for (const passage of corpus.passages) {
		const { own, total } = relevance[passage.order] ?? { own: 0, total: 0 };
		if (total <= 0 || (strategy.requireOwnMatch && own <= 0)) continue;
		if (excluded.has(passageKey(passage.document.source.id, passage.text))) continue;
		const preference = 1 + REVISIT_CRITIC_WEIGHT * (criticPreference[passage.order] ?? 0);
		candidates.push({
			passage,
			score: Math.sqrt(total) * (1 + strategy.boost(passage, corpus)) * preference,
			tier: strategy.tier(passage),
		});
	}
	const chosen = choose(strongEnough(candidates), count, strategy.spread);
	if (chosen.length === 0) return nothingRelevant(corpus);

	const best = Math.max(...chosen.map((candidate) => candidate.score));
	const findings = chosen.map((candidate) => ({
		title: labelFor(candidate.passage.text),
		claim: candidate.passage.text,
		confidence: rankedConfidence(candidate.score, best),
		citations: [citationOf(candidate.passage)],
	}));
	const sourcesUsed = new Set(chosen.map((candidate) => candidate.passage.document.source.id)).size;
	const opening = [
		`Ranked ${corpus.passages.length} passages from ${corpus.documentCount} sources against the task; ` +
			`selected ${chosen.length} from ${sourcesUsed} sources.`,
	];
	if (revisit) {
		opening.push(
			criticClaims.length > 0
				? "Passages already cited were left out and topics the critic raised were preferred."
				: "Passages already cited were left out.",
		);
	}
	if (role === "trend_analyst" && chosen.every((candidate) => candidate.tier === 0)) {
		opening.push("None of the relevant passages carries a date or a time-related cue.");
	}
	opening.push(strategy.intro);
	return { findings, narrative: [...opening, quoteLines(findings)].join(" ") };
}

type Relevance = { own: number; total: number };

/** Per passage: its own normalized BM25 and that plus the weighted normalized BM25 of its document. */
function relevanceScores(corpus: Corpus, queryTokens: readonly string[]): Relevance[] {
	const own = normalized(score(corpus.passageIndex, queryTokens));
	const byDocument = normalized(score(corpus.documentIndex, queryTokens));
	return corpus.passages.map((passage) => {
		const ownScore = own[passage.order] ?? 0;
		const documentScore = byDocument[passage.documentPosition] ?? 0;
		return { own: ownScore, total: ownScore + DOCUMENT_CONTEXT_WEIGHT * documentScore };
	});
}

/** Scores divided by their maximum (all zeros when nothing scored). */
function normalized(scores: readonly number[]): number[] {
	const max = scores.reduce((highest, value) => Math.max(highest, value), 0);
	return scores.map((value) => (max > 0 ? value / max : 0));
}

/** Candidates at or above MIN_RELATIVE_SCORE of the best, highest tier then highest score first. */
function strongEnough(candidates: readonly Candidate[]): Candidate[] {
	const best = candidates.reduce((highest, candidate) => Math.max(highest, candidate.score), 0);
	return candidates
		.filter((candidate) => candidate.score >= MIN_RELATIVE_SCORE * best && candidate.score > 0)
		.sort(byRank);
}

function byRank(a: Candidate, b: Candidate): number {
	return b.tier - a.tier || b.score - a.score || a.passage.order - b.passage.order;
}

/** Picks up to `count` ranked candidates, skipping near-duplicates of those already picked. */
function choose(ranked: readonly Candidate[], count: number, spread: RankingStrategy["spread"]): Candidate[] {
	const chosen: Candidate[] = [];
	const queues = spread === "round-robin" ? queuesBySource(ranked) : [[...ranked]];
	while (chosen.length < count && queues.some((queue) => queue.length > 0)) {
		for (const queue of queues) {
			if (chosen.length >= count) break;
			const next = takeDistinct(queue, chosen);
			if (next) chosen.push(next);
		}
	}
	return chosen;
}

/** Removes and returns the queue's first candidate that is not a near-duplicate of a chosen one. */
function takeDistinct(queue: Candidate[], chosen: readonly Candidate[]): Candidate | undefined {
	for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
		const candidate = next;
		if (!chosen.some((picked) => nearDuplicate(picked.passage, candidate.passage))) return candidate;
	}
	return undefined;
}

/** One ranked queue per source, the source holding the best candidate first. */
function queuesBySource(ranked: readonly Candidate[]): Candidate[][] {
	const queues = new Map<number, Candidate[]>();
	for (const candidate of ranked) {
		const queue = queues.get(candidate.passage.documentPosition);
		if (queue) queue.push(candidate);
		else queues.set(candidate.passage.documentPosition, [candidate]);
	}
	return [...queues.values()];
}

function nearDuplicate(a: Passage, b: Passage): boolean {
	return jaccard(a.terms, b.terms) >= NEAR_DUPLICATE_JACCARD;
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
	if (a.size === 0 && b.size === 0) return 1;
	let shared = 0;
	for (const term of a) if (b.has(term)) shared += 1;
	return shared / (a.size + b.size - shared);
}

function rankedConfidence(candidateScore: number, best: number): number {
	return round(0.3 + (0.6 * candidateScore) / best);
}

function round(value: number): number {
	return Math.round(value * 1000) / 1000;
}

function citationOf(passage: Passage): Citation {
	return { sourceId: passage.document.source.id, url: passage.document.source.url, quote: passage.text };
}

/** A finding's title: the start of its passage, cut at a word boundary. */
function labelFor(text: string): string {
	return truncate(text.replace(/\s+/gu, " ").trim(), TITLE_MAX_CHARS);
}

/** Cuts text to `max` characters at a word boundary, marking the cut with an ellipsis. */
function truncate(text: string, max: number): string {
	if (text.length <= max) return text;
	const cut = text.lastIndexOf(" ", max - 1);
	return `${text.slice(0, cut > 0 ? cut : max - 1)}…`;
}

/** The first quotes of some findings as `[sourceId] "quote"`, for a narrative. */
function quoteLines(findings: readonly Finding[]): string {
	return findings
		.slice(0, NARRATIVE_QUOTES)
		.flatMap((finding) => finding.citations.slice(0, 1))
		.map((citation) => `[${citation.sourceId}] "${citation.quote}"`)
		.join(" ");
}

/**
 * Upstream claims for a narrative list, each as `[sourceIds] "claim"` shortened to
 * LISTED_CLAIM_CHARS; at most NARRATIVE_LISTED_CLAIMS, then a count of the rest.
 */
function listClaims(claims: readonly UpstreamClaim[]): string {
	const listed = claims
		.slice(0, NARRATIVE_LISTED_CLAIMS)
		.map((claim) => `[${[...claim.sourceIds].join(", ")}] "${truncate(claim.claim, LISTED_CLAIM_CHARS)}"`)
		.join("; ");
	const rest = claims.length - NARRATIVE_LISTED_CLAIMS;
	return rest > 0 ? `${listed}; and ${rest} more` : listed;
}

function nothingRelevant(corpus: Corpus): ExtractiveOutput {
	return {
		findings: [],
		narrative:
			`None of the ${corpus.passages.length} passages in ${corpus.documentCount} sources is relevant ` +
			"to this task's terms, so nothing was extracted.",
	};
}

function passageKey(sourceId: string, quote: string): string {
	return `${sourceId}\u0000${quote.trim()}`;
}

function citedPassageKeys(upstream: readonly UpstreamResult[]): Set<string> {
	const keys = new Set<string>();
	for (const result of upstream) {
		for (const finding of result.findings) {
			for (const citation of finding.citations) keys.add(passageKey(citation.sourceId, citation.quote));
		}
	}
	return keys;
}

function claimsOf(upstream: readonly UpstreamResult[]): string[] {
	return upstream.flatMap((result) => result.findings.map((finding) => finding.claim));
}

/** An upstream finding, once per distinct claim text, with every source its copies cite. */
type UpstreamClaim = { title: string; claim: string; sourceIds: Set<string> };

function distinctUpstreamClaims(upstream: readonly UpstreamResult[]): UpstreamClaim[] {
	const byClaim = new Map<string, UpstreamClaim>();
	for (const result of upstream) {
		for (const finding of result.findings) {
			const key = finding.claim.trim();
			const entry = byClaim.get(key) ?? { title: finding.title, claim: key, sourceIds: new Set<string>() };
			for (const citation of finding.citations) entry.sourceIds.add(citation.sourceId);
			byClaim.set(key, entry);
		}
	}
	return [...byClaim.values()];
}

type Corroboration = { passage: Passage; strength: number };

/**
 * The best passage of each source outside `citedSourceIds` that corroborates a claim (strength ≥
 * CORROBORATION_MIN_STRENGTH), strongest first.
 */
function corroborate(corpus: Corpus, claim: string, citedSourceIds: ReadonlySet<string>): Corroboration[] {
	const claimTerms = [...new Set(tokenize(claim))];
	const idfs = claimTerms.map((term) => inverseDocumentFrequency(corpus.passageIndex, term));
	const totalIdf = idfs.reduce((sum, idf) => sum + idf, 0);
	if (totalIdf <= 0) return [];
	const matchScores = score(corpus.passageIndex, claimTerms);
	const bestBySource = new Map<string, Corroboration & { match: number }>();
	for (const passage of corpus.passages) {
		const match = matchScores[passage.order] ?? 0;
		const sourceId = passage.document.source.id;
		if (match <= 0 || citedSourceIds.has(sourceId)) continue;
		const sharedIdf = claimTerms.reduce(
			(sum, term, i) => sum + (passage.terms.has(term) ? (idfs[i] ?? 0) : 0),
			0,
		);
		const strength = sharedIdf / totalIdf;
		if (strength < CORROBORATION_MIN_STRENGTH) continue;
		const current = bestBySource.get(sourceId);
		if (!current || strength > current.strength || (strength === current.strength && match > current.match)) {
			bestBySource.set(sourceId, { passage, strength, match });
		}
	}
	return [...bestBySource.values()]
		.sort((a, b) => b.strength - a.strength || b.match - a.match || a.passage.order - b.passage.order)
		.map(({ passage, strength }) => ({ passage, strength }));
}

function verify(corpus: Corpus, input: AgentTaskInput, count: number): ExtractiveOutput {
	const claims = distinctUpstreamClaims(input.upstream);
	if (claims.length === 0) {
		return { findings: [], narrative: "No upstream claims were available to verify." };
	}
	const corroborated: { finding: Finding; claim: UpstreamClaim }[] = [];
	const uncorroborated: UpstreamClaim[] = [];
	for (const claim of claims) {
		const matches = corroborate(corpus, claim.claim, claim.sourceIds);
		const strongest = matches[0];
		if (!strongest) {
			uncorroborated.push(claim);
			continue;
		}
		const citations = matches.slice(0, MAX_CITATIONS_PER_FINDING).map((match) => citationOf(match.passage));
		const finding: Finding = {
			title: truncate(`Corroborates: ${claim.title}`, TITLE_MAX_CHARS),
			claim: strongest.passage.text,
			confidence: round(Math.min(0.95, 0.4 + 0.4 * strongest.strength + 0.1 * (matches.length - 1))),
			citations,
		};
		corroborated.push({ finding, claim });
	}
	const kept = corroborated
		.map((entry, position) => ({ ...entry, position }))
		.sort((a, b) => b.finding.confidence - a.finding.confidence || a.position - b.position)
		.slice(0, count);
	const parts = [
		`${corroborated.length} of ${claims.length} upstream claims are corroborated by another source.`,
	];
	for (const { claim, finding } of kept.slice(0, NARRATIVE_QUOTES)) {
		parts.push(
			`[${[...claim.sourceIds].join(", ")}] "${truncate(claim.claim, LISTED_CLAIM_CHARS)}" is matched by ` +
				`[${finding.citations[0]?.sourceId}] "${finding.claim}"`,
		);
	}
	if (uncorroborated.length > 0) {
		parts.push(`No other source corroborates: ${listClaims(uncorroborated)}.`);
	}
	return { findings: kept.map((entry) => entry.finding), narrative: parts.join(" ") };
}

function critique(corpus: Corpus, input: AgentTaskInput, count: number): ExtractiveOutput {
	const claims = distinctUpstreamClaims(input.upstream);
	const topicText = claims.length > 0 ? claims.map((claim) => claim.claim).join(" ") : input.task;
	const topicTerms = new Set(tokenize(topicText));
	const topicRelevance = normalized(score(corpus.passageIndex, [...topicTerms]));

	const candidates: Candidate[] = [];
	for (const passage of corpus.passages) {
		const relevance = topicRelevance[passage.order] ?? 0;
		if (relevance <= 0) continue;
		const cues = countMatches(passage.text, CONTRAST);
		if (cues === 0) continue;
		candidates.push({ passage, score: Math.sqrt(relevance) * (1 + 0.5 * Math.min(cues, 2)), tier: 0 });
	}
	const chosen = choose(strongEnough(candidates), count, "best-first");
	const best = Math.max(0, ...chosen.map((candidate) => candidate.score));
	const findings = chosen.map((candidate) => ({
		title: truncate(`Counterpoint: ${labelFor(candidate.passage.text)}`, TITLE_MAX_CHARS),
		claim: candidate.passage.text,
		confidence: rankedConfidence(candidate.score, best),
		citations: [citationOf(candidate.passage)],
	}));

	const parts =
		findings.length > 0
			? ["Counterpoints and limitations found in the sources:", quoteLines(findings)]
			: ["No passage on these topics carries a contrast, limitation or negation."];
	if (claims.length === 0) {
		parts.push("No upstream claims were available to weigh.");
	} else {
		const singleSourced = claims.filter(
			(claim) => claim.sourceIds.size + corroborate(corpus, claim.claim, claim.sourceIds).length <= 1,
		);
		parts.push(
			singleSourced.length > 0
				? `Claims resting on a single source: ${listClaims(singleSourced)}.`
				: "Every upstream claim is supported by at least two sources.",
		);
	}
	return { findings, narrative: parts.join(" ") };
}

/** An upstream finding whose citations were re-checked against the documents. */
type CheckedUpstream = { finding: Finding; taskId: string; terms: ReadonlySet<string> };

function synthesize(corpus: Corpus, input: AgentTaskInput, count: number): ExtractiveOutput {
	const textBySource = new Map(input.documents.map((document) => [document.source.id, document.text]));
	const checked: CheckedUpstream[] = [];
	let dropped = 0;
	for (const result of input.upstream) {
		for (const finding of result.findings) {
			const verbatim = finding.citations.filter((citation) => {
				const text = textBySource.get(citation.sourceId);
				return citation.quote.trim().length > 0 && text !== undefined && text.includes(citation.quote);
			});
			const firstQuote = verbatim[0];
			if (!firstQuote) {
				dropped += 1;
				continue;
			}
			const claimIsQuoted =
				finding.claim.trim().length > 0 &&
				verbatim.some((citation) => textBySource.get(citation.sourceId)?.includes(finding.claim));
			const claim = claimIsQuoted ? finding.claim : firstQuote.quote;
			checked.push({
				finding: { ...finding, claim, citations: verbatim },
				taskId: result.taskId,
				terms: new Set(tokenize(claim)),
			});
		}
	}
	if (checked.length === 0) {
		const ranked = rankForRole(corpus, input, "explorer", count);
		const why =
			dropped > 0
				? `None of the ${dropped} upstream findings quotes a source verbatim, so the sources were ranked directly.`
				: "No upstream findings were available, so the sources were ranked directly.";
		return { findings: ranked.findings, narrative: `${why} ${ranked.narrative}` };
	}

	const groups = groupSimilar(checked);
	const ranked = groups
		.map((members, position) => {
			const agents = new Set(members.map((member) => member.taskId)).size;
			const meanConfidence =
				members.reduce((sum, member) => sum + member.finding.confidence, 0) / members.length;
			return { members, agents, meanConfidence, weight: meanConfidence * agents, position };
		})
		.sort((a, b) => b.weight - a.weight || a.position - b.position)
		.slice(0, count);
	const findings = ranked.map((group) => mergeGroup(group.members, group.meanConfidence, group.agents));
	const agentCount = new Set(checked.map((entry) => entry.taskId)).size;
	const shared = ranked.filter((group) => group.agents > 1).length;
	const parts = [
		`Merged ${checked.length} findings from ${agentCount} agents into ${groups.length} distinct claims; ` +
			`${shared} of the ${findings.length} reported are backed by more than one agent.`,
	];
	if (dropped > 0)
		parts.push(`${dropped} upstream findings were dropped: no quote of theirs is verbatim in a source.`);
	parts.push("Strongest claims:", quoteLines(findings));
	return { findings, narrative: parts.join(" ") };
}

/** Greedy grouping, most confident first: a finding joins the first group whose lead it resembles. */
function groupSimilar(entries: readonly CheckedUpstream[]): CheckedUpstream[][] {
	const ordered = entries
		.map((entry, position) => ({ entry, position }))
		.sort((a, b) => b.entry.finding.confidence - a.entry.finding.confidence || a.position - b.position);
	const groups: CheckedUpstream[][] = [];
	for (const { entry } of ordered) {
		const group = groups.find((members) => {
			const lead = members[0];
			return lead !== undefined && jaccard(lead.terms, entry.terms) >= NEAR_DUPLICATE_JACCARD;
		});
		if (group) group.push(entry);
		else groups.push([entry]);
	}
	return groups;
}

/** One finding for a group: its lead's title and claim, every distinct verbatim citation. */
function mergeGroup(members: readonly CheckedUpstream[], meanConfidence: number, agents: number): Finding {
	const lead = members[0]?.finding;
	if (!lead) throw new Error("a group of findings is never empty");
	const citations = new Map<string, Citation>();
	for (const member of members) {
		for (const citation of member.finding.citations) {
			const key = passageKey(citation.sourceId, citation.quote);
			if (!citations.has(key)) citations.set(key, citation);
		}
	}
	return {
		title: lead.title,
		claim: lead.claim,
		confidence: round(Math.min(0.95, meanConfidence + 0.1 * (agents - 1))),
		citations: [...citations.values()].slice(0, MAX_CITATIONS_PER_FINDING),
	};
}

/** The longest simulated wait per turn a deployment may set. */
export const MAX_SIMULATED_LATENCY_MS = 60_000;

const SimulationEnvSchema = z.object({
	EXTRACTIVE_SIMULATED_LATENCY_MS: z.preprocess(
		(value) => (value === "" ? undefined : value),
		z.coerce.number().int().min(0).max(MAX_SIMULATED_LATENCY_MS).optional(),
	),
});

/**
 * The simulated latency L of the deployment, in ms: `EXTRACTIVE_SIMULATED_LATENCY_MS` when dev mode is on
 * outside production, else 0 (the variable is not even read). Throws naming the variable when it is not
 * an integer from 0 to 60 000.
 * @example simulatedLatencySetting({ ENVIRONMENT: "development", DEV_MODE: "true", EXTRACTIVE_SIMULATED_LATENCY_MS: "300" }) // 300
 */
export function simulatedLatencySetting(env: Env): number {
	const access = accessSettings(env);
	if (!access.devMode || access.production) return 0;
	const parsed = SimulationEnvSchema.safeParse(env);
	if (!parsed.success) {
		throw new Error("invalid EXTRACTIVE_SIMULATED_LATENCY_MS: an integer number of ms from 0 to 60000");
	}
	return parsed.data.EXTRACTIVE_SIMULATED_LATENCY_MS ?? 0;
}

/**
 * The simulated wait of one turn: round(latencyMs · timeShare · swarmSize).
 * @example simulatedTurnMs(300, 0.25, 5) // 375
 */
export function simulatedTurnMs(latencyMs: number, timeShare: number, swarmSize: number): number {
	return Math.round(latencyMs * timeShare * swarmSize);
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal.reason);
		};
		const timer = setTimeout(() => {
			signal.removeEventListener("abort", onAbort);
			resolve();
		}, ms);
		signal.addEventListener("abort", onAbort, { once: true });
	});
}

/**
 * The offline provider, waiting `simulatedLatencyMs` (scaled by `simulatedTurnMs`) before each turn to
 * stand in for model time. One turn ranks the job's own documents for the role and quotes them; it makes
 * no API call and searches nothing, so its usage is zero and every citation names a job source.
 */
export function createExtractiveProvider(options: { simulatedLatencyMs: number }): Provider {
	return {
		name: EXTRACTIVE_PROVIDER_NAME,
		supportsNativeSearch: () => false,
		async runTurn(turn: AgentTurn): Promise<TurnResult> {
			const startedAt = performance.now();
			turn.signal.throwIfAborted();
			const { timeShare, config } = turn.input;
			const waitMs = simulatedTurnMs(options.simulatedLatencyMs, timeShare, config.swarmSize);
			if (waitMs > 0) await wait(waitMs, turn.signal);
			const output = extractFindings(turn.input);
			turn.signal.throwIfAborted();
			return {
				output,
				retrieved: [],
				usage: { ...ZERO_TOKEN_USAGE },
				callLatenciesMs: [performance.now() - startedAt],
				rawOutput: "",
				model: null,
			};
		},
		async runStructured(): Promise<StructuredResult> {
			throw new ProviderError(
				EXTRACTIVE_PROVIDER_NAME,
				"invalid_request",
				"the extractive provider has no model to write structured output; use a deterministic fallback",
			);
		},
	};
}

/** The offline provider without simulated latency: the instance jobs use unless a benchmark asks for one. */
export const extractiveProvider: Provider = createExtractiveProvider({ simulatedLatencyMs: 0 });

/**
 * The offline provider this deployment runs: with the simulated latency of `simulatedLatencySetting`,
 * or the shared `extractiveProvider` when there is none.
 */
export function extractiveProviderFor(env: Env): Provider {
	const simulatedLatencyMs = simulatedLatencySetting(env);
	return simulatedLatencyMs > 0 ? createExtractiveProvider({ simulatedLatencyMs }) : extractiveProvider;
}

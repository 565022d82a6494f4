/**
 * The offline `extractive` provider: no model, no network. It splits the job's retrieved source
 * documents into claims (`splitSentences`: complete declarative sentences; headings, questions, list
 * items, captions, table rows, boilerplate and cut text are never claims), ranks them with BM25 for each
 * facet of the task (`subQuestionsOf`) and each role's focus, and returns passages as findings. Every
 * claim is an exact substring of a document and cites it, so nothing is said that a source does not say.
 *
 * Relevance of a passage p in document d for a sub-question with terms t and focus terms f (each BM25
 * divided by its maximum over the corpus, 0 when nothing matches):
 *   own(p)       = (bm25(p, t) + 0.5 · bm25(p, f)) / 1.5          (= bm25(p, t) when f = t)
 *   relevance(p) = own(p) + 0.35 · task(d) + proximity(p)
 *   task(d)      = max over the task's sub-questions q of bm25(d, terms of q)
 *   proximity(p) = 0.1 · (k − 1) / (min(|t|, 4) − 1), k = most distinct terms of t within 6 consecutive
 *                  tokens of p, when k ≥ 2 (else 0)
 * The document part lets a passage that states a figure or a date without repeating the topic's words
 * rank when its document is about the task (about any of its facets: a report on high-risk lending
 * is on a task about the causes of a crisis even where it answers another facet); the proximity part
 * prefers passages where the terms are said together over passages that scatter them.
 *
 * A sub-question narrows the task when one of its terms is not a form of one of its focus terms (it
 * adds something to the task's subject, like "which operating conditions accelerate it?"; "resistance"
 * in the subject of "how do bacteria become resistant?" adds nothing). A passage that contains focus
 * terms of a narrowing sub-question answers the one whose focus it matches best (normalized BM25 of
 * the focus terms); every other passage answers the sub-questions that do not narrow (the main
 * question), or, when every sub-question narrows, the one it is most relevant to. So a narrowing
 * sub-question is answered only by passages on what it adds, and when there are none, the narrative
 * says that nothing addresses it.
 *
 * Passages are indexed with their answer cues (`answerCues`: a quantity, a cause, people), which a
 * sub-question asking "how many", "why" or "who" has among its focus terms; the cues rank a passage
 * within a sub-question but never decide which sub-question it answers.
 *
 * Every passage has a prior (`informationPrior`), how much it says whatever the question: statements
 * with a measured quantity, a cause or a relation, a list of items or a definition say more than
 * general remarks, and a sentence about its speaker or text ("I would like to thank", "In this review
 * … will be discussed", "Methods: …", "We searched …") says nothing about the subject. Sources were
 * retrieved for the task, so within them relevance tells on-topic remarks from off-topic ones, but
 * not a key fact from a vague one; the prior does.
 *
 * Ranking roles score a passage as √relevance · (1 + boost) · prior: the square root compresses
 * topical match so that the role's own signal and the prior can reorder passages of similar
 * relevance. A passage is a candidate of its sub-question when its √relevance is at least 0.2 × the
 * best there. The research roles share the passages out (`claimedBefore`): in the order explorer,
 * depth analyst, trend analyst, domain expert, each computes what the roles before it in this job
 * quote (each with its own count, from its planned share of time) and takes those only when nothing
 * else is left, nor a near-duplicate of them; so the roles, run in parallel, quote different passages
 * and the report gets the sum of what they find instead of the same top passages several times.
 * Picks (`choose`): the sub-questions take turns, each giving its best candidate, for one round (the
 * explorer: for every pick), then the rest best first across all sub-questions; each pick maximizes
 * score / (1 + the number of passages of its source quoted so far, by this role and the roles before
 * it), so that sources share the report unless one has far better passages, and is not a
 * near-duplicate (token-set Jaccard ≥ 0.6) of one already chosen nor from a paragraph that has
 * already given max(2, ⌈n / 4⌉). Every sub-question with support gets its best passage, and no
 * paragraph or source fills the list. The explorer lists its findings in the order chosen, the other
 * roles best first (the trend analyst dated and temporal statements first). Each finding names its
 * sub-question.
 * - explorer: coverage. boost = 0; only passages that contain a query term themselves.
 * - depth_analyst: detail. boost = min(1, 0.25 · numbers) + min(0.8, 0.4 · units, currencies or
 *   percentages) + 0.4 for ≥ 15 content words (0.2 for ≥ 10).
 * - trend_analyst: time. boost = min(1, 0.5 · years 1900–2099, month dates or quarters)
 *   + min(0.75, 0.25 · temporal cues such as increase, decline, since, trend, growth, forecast).
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
 *   cite that states the same thing: it holds at least 50 % of the claim's idf mass (sum of idf over its
 *   distinct non-numeric tokens), at least two thirds of the claim's key terms (its rarest half, at
 *   least two), every number with a unit the claim gives with the same value and unit ("31 %" is not
 *   corroborated by "24 %", nor by a passage without a percentage; `textFacts`), and nothing that
 *   `contradictionBetween` finds: a rival value for the same quantity, or a negation or antonym on one
 *   side only. strength = the share of idf mass. One finding per corroborated claim quoting the
 *   strongest passage and citing every corroborating source, confidence = min(0.95, 0.4 + 0.4 ·
 *   strength + 0.1 · (sources − 1)), with the claim's sub-question. Uncorroborated claims are only
 *   named in the narrative.
 * - critic: passages that contain terms of the upstream claims and a contrast or negation cue
 *   (however, but, although, not, no longer, fails, limited, risk, contrary, despite, …);
 *   score = √(normalized bm25 against the claims) · (1 + 0.5 · min(cues, 2)). The narrative names the
 *   upstream claims that one source alone supports (its cited sources plus corroborating sources).
 *   A counterpoint (and a corroboration whose claim names none) answers the sub-question whose focus
 *   terms, then terms, it shares most, or the main question when it shares none.
 * - synthesizer: upstream findings keep only citations whose quote is verbatim in the cited
 *   document, and are dropped when none is left; a claim that is not itself verbatim is replaced by
 *   its first such quote. Findings are grouped greedily (most confident first) by claim Jaccard ≥ 0.6,
 *   ranked by mean confidence × distinct agents; the heaviest group of each sub-question comes first,
 *   then the rest by weight, and each group reports its lead's claim and sub-question with
 *   confidence = min(0.95, mean + 0.1 · (agents − 1)). With no usable upstream finding it ranks the
 *   sources like the explorer.
 *
 * Titles are short labels cut from the claim's first sentence: without footnote markers, a lead-in
 * ("However, ", "In the 2022 field trial, ") and final punctuation, and shortened at a clause
 * boundary to 80 characters at most (`shortenAtBoundary`), never with an ellipsis.
 *
 * Findings per task: n = clamp(round((2 + depth · timeShare · 9) · s), 2, 16), where s is the focus's
 * passage scale (`FOCUS_PROFILES`: narrow 0.75, balanced 1, broad 1.25), timeShare is the
 * task's time budget over the job's, raised to the number of sub-questions (at most 16) so that each
 * can be answered. The research roles quote different passages, so a job's report holds about the sum
 * of their counts: at the default depth 5 with five agents, 13 + 13 + 9 passages (explorer, depth
 * analyst, trend analyst) plus the verifier's corroborations.
 *
 * Simulated model time (benchmarks only): with `EXTRACTIVE_SIMULATED_LATENCY_MS` = L in dev mode, each
 * turn first waits round(L · timeShare · swarmSize) ms. A task with the mean share of its swarm (1/size)
 * waits exactly L, and the shares keep the roles' relative weights; a swarm of 5 at L = 300 waits 375 ms
 * for the explorer and 225 ms for the verifier. Outside dev mode, or in production, the setting is ignored.
 */
import { z } from "zod";
import { accessSettings } from "../auth/settings";
import { contradictionBetween, type Quantity, textFacts } from "../evidence/support";
import type { Citation, Finding, Focus, PlannedTask, UpstreamResult } from "../protocol";
import { FOCUS_PROFILES } from "../swarm/focus";
import { planSwarm } from "../swarm/sizing";
import {
	answerCues,
	CAUSE_TERM,
	isAnswerCue,
	QUANTITY_TERM,
	type SubQuestion,
	subQuestionsOf,
} from "../swarm/sub-questions";
import { plural } from "../synthesis/report-text";
import type { Bm25Index } from "./bm25";
import { buildIndex, inverseDocumentFrequency, score } from "./bm25";
import { sameWord, shortenAtBoundary, splitSentences, tokenize, withoutMarkers } from "./text";
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
const FOCUS_WEIGHT = 0.5;
const PROXIMITY_WEIGHT = 0.1;
/** The prior of a sentence about its speaker or its text: it is quoted only when little else is left. */
const META_DISCOURSE_WEIGHT = 0.1;
const PROXIMITY_WINDOW = 6;
const PROXIMITY_TERMS = 4;
const NEAR_DUPLICATE_JACCARD = 0.6;
/** At most this share of a task's findings (and at least 2) comes from one paragraph. */
const PARAGRAPH_SHARE = 0.25;
const CORROBORATION_MIN_STRENGTH = 0.5;
const CORROBORATION_KEY_SHARE = 2 / 3;
const REVISIT_CRITIC_WEIGHT = 0.5;
/** How many findings a task makes: `perDepth` per unit of depth × time share, within `min`–`max`. */
const FINDINGS = { min: 2, max: 16, perDepth: 9 } as const;
const TITLE_MAX_CHARS = 80;
/** A narrative quotes `quotes` claims and lists at most `listedClaims`, each cut to `claimChars`. */
const NARRATIVE = { quotes: 3, listedClaims: 10, claimChars: 160 } as const;
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
	/** Where the passage's first sentence ends. */
	lead: number;
	/** The paragraph of the document the passage is in. */
	paragraph: number;
	tokens: string[];
	terms: ReadonlySet<string>;
	/** The answer cues it carries (`answerCues`), indexed with its tokens. */
	cues: string[];
	/** How much the passage says, whatever the question (`informationPrior`); multiplies its rank. */
	prior: number;
};

/** The passages of a task's documents with a passage-level and a document-level BM25 index. */
export type Corpus = {
	documentCount: number;
	passages: Passage[];
	passageIndex: Bm25Index;
	documentIndex: Bm25Index;
};

export type ExtractiveOutput = { findings: Finding[]; narrative: string };

/**
 * A ranked passage, with the sub-question it answers when there is one; `claimed` when a research role
 * before this one quotes it.
 */
type Candidate = {
	passage: Passage;
	/** √relevance to the task: what decides whether it is a candidate at all. */
	relevance: number;
	/** The role's rank of it among the candidates. */
	score: number;
	tier: number;
	claimed: boolean;
	question: SubQuestion | null;
};

type RankingRole = "explorer" | "depth_analyst" | "trend_analyst" | "domain_expert";

/** The research roles in the order they share out the passages: each prefers those the ones before leave. */
const RANKING_ORDER: readonly RankingRole[] = ["explorer", "depth_analyst", "trend_analyst", "domain_expert"];

type RankingStrategy = {
	/** Extra weight on relevance, ≥ 0: the role's notion of a good passage. */
	boost(passage: Passage, corpus: Corpus): number;
	/** Passages of a higher tier are listed before every passage of a lower one. */
	tier(passage: Passage): number;
	/** Whether the passage itself must contain a query term (not only its document). */
	requireOwnMatch: boolean;
	/**
	 * Whether the sub-questions take turns for every pick ("always": coverage first, findings listed in
	 * the order chosen) or only for the first (then best first, findings listed best first).
	 */
	turns: "always" | "first";
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
/** A definition or a gloss: "is a", "refers to", "a neurotransmitter called adenosine", "cytokines (hormones that …)". */
const DEFINITION =
	/\b(?:is an?|are an?|refers? to|defined as|consists? of|known as|called|termed|denotes?)\b|\((?:an?\s|the\s)?\p{Ll}+\s(?:that|which|who)\s/iu;
const CONTRAST =
	/\b(?:however|but|although|though|not|no longer|never|fail(?:s|ed|ure|ures)?|limited|limitations?|risks?|risky|contrary|despite|whereas|unlike|(?:ca|does|do|is|are|was|were|did|wo|could|should|would|has|have|had)n[’']t|cannot|drawbacks?|downsides?|uncertain(?:ty)?|disputed|concerns?)\b/gi;
/** An opening phrase a title can do without: a connective, or an introductory phrase before a comma. */
const LEAD_IN =
	/^(?:(?:However|Moreover|Furthermore|Additionally|In addition|Also|Indeed|Notably|Overall|Thus|Therefore|Consequently|Nevertheless|Nonetheless|Still|Meanwhile|Similarly|Likewise|In contrast|By contrast|In particular|In practice|In short|As a result|For example|For instance|Importantly|Finally)\s*,\s+|(?:In|At|On|During|For|Across|Between|Since|After|Before|Under|Over|With|Within|By|According to|Among|Despite|Although|While|When|Unlike|Compared (?:to|with)|As|From|Through)\s[^,]{1,60},\s+)/u;
const NUMERIC_TOKEN = /^[\d.,]+$/;
/** A relation between things that a statement reports: an association, a correlation, a risk or an effect. */
const RELATION =
	/\b(?:associat(?:ed|ion|ions) with|associations?|linked (?:to|with)|links? between|relationships?|correlat\w*|risk factors?|(?:increas|rais|reduc|lower)\w* (?:the )?risks?|effects? (?:of|on)|impacts? (?:of|on))\b/iu;
/** Three or more items: two commas or semicolons and an "and"/"or", or "including …", "such as …". */
const ENUMERATION = /[,;]\s[^.]*[,;]\s(?:[^.]*\s)?(?:and|or)\s|\b(?:including|such as)\s/iu;
/**
 * A sentence about its speaker, its text or how a study was done rather than about the subject: first
 * person singular, thanks, announcements of what follows ("will be discussed"), the section labels of a
 * structured abstract that precede aims and methods ("Background:", "Methods:"), and "we" with a verb
 * of method ("we searched", "we conducted").
 */
const META_DISCOURSE =
	/\b(?:I|[Mm]y|me)\b|\bthank(?:s|ed)?\b|\b(?:this|the present) (?:review|paper|article|chapter|section|web ?page|talk|speech|testimony|lecture)\b|\bwill (?:be )?(?:discuss|describ|review|present|examin|outlin|summari[sz])\w*|^(?:Background|Introduction|Methods?|Methodology|Materials and methods|Design|Setting|Participants|(?:Study )?(?:Objectives?|Aims?|Purpose))\s*:|\b[Ww]e (?:searched|screened|combined|conducted|performed|recruited|enrolled|collected|extracted|reviewed|included|used|selected|analy[sz]ed)\b/u;

/**
 * How much a statement says, whatever the question: 1 + quantity + explanation + enumeration +
 * definition, where quantity = 1 for a number that is not a year (1.5 when a unit, currency or
 * percentage goes with one), explanation = 1 for a cause or a relation ("because", "driven by",
 * "associated with", "risk factor" …), enumeration = 0.5 for a list of three or more items, definition
 * = 0.5 for a definition or gloss ("is a", "known as", "a neurotransmitter called adenosine");
 * times META_DISCOURSE_WEIGHT when the sentence speaks about its speaker, its text or its method ("I
 * will discuss", "In this review … will be described", "Methods: …", "We searched …") rather than
 * about the subject. `cues` are the text's `answerCues`.
 * @example informationPrior("About 70 percent of bacteria in hospitals are resistant.", ["#quantity"]) // 2.5
 */
export function informationPrior(text: string, cues: readonly string[]): number {
	const quantity = cues.includes(QUANTITY_TERM) ? (countMatches(text, UNIT) > 0 ? 1.5 : 1) : 0;
	const explanation = cues.includes(CAUSE_TERM) || RELATION.test(text) ? 1 : 0;
	const enumeration = ENUMERATION.test(text) ? 0.5 : 0;
	const definition = DEFINITION.test(text) ? 0.5 : 0;
	const meta = META_DISCOURSE.test(text) ? META_DISCOURSE_WEIGHT : 1;
	return (1 + quantity + explanation + enumeration + definition) * meta;
}

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
		turns: "always",
		intro: "The most relevant passages, taking each source in turn:",
	},
	depth_analyst: {
		boost: detailBoost,
		tier: () => 0,
		requireOwnMatch: false,
		turns: "first",
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
		turns: "first",
		intro: "Dated and time-related statements:",
	},
	domain_expert: {
		boost: (passage, corpus) => (DEFINITION.test(passage.text) ? 1 : 0) + rarity(passage, corpus),
		tier: () => 0,
		requireOwnMatch: true,
		turns: "first",
		intro: "Definitions and specialist terms:",
	},
};

/**
 * Number of findings a task returns: clamp(round((2 + depth · timeShare · 9) · s), 2, 16), where s is
 * the focus's passage scale (narrow 0.75, balanced 1, broad 1.25).
 * @example findingCount(5, 0.25, "balanced") // 13 (round(13.25))
 */
export function findingCount(depth: number, timeShare: number, focus: Focus): number {
	const wanted = (2 + depth * timeShare * FINDINGS.perDepth) * FOCUS_PROFILES[focus].passageScale;
	return Math.min(FINDINGS.max, Math.max(FINDINGS.min, Math.round(wanted)));
}

/**
 * Splits every document into claims and indexes them, per passage and per document.
 * @example buildCorpus([{ source, text: "Heat pumps move heat from outside air." }]).passages.length // 1
 */
export function buildCorpus(documents: readonly SourceDocument[]): Corpus {
	const passages: Passage[] = [];
	const documentTokens: string[][] = [];
	documents.forEach((document, documentPosition) => {
		const tokensOfDocument: string[] = [];
		for (const sentence of splitSentences(document.text)) {
			const tokens = tokenize(sentence.text);
			const cues = answerCues(sentence.text);
			tokensOfDocument.push(...tokens);
			passages.push({
				order: passages.length,
				documentPosition,
				document,
				...sentence,
				tokens,
				terms: new Set(tokens),
				cues,
				prior: informationPrior(sentence.text, cues),
			});
		}
		documentTokens.push(tokensOfDocument);
	});
	const passageIndex = buildIndex(passages.map((passage) => [...passage.tokens, ...passage.cues]));
	return {
		documentCount: documents.length,
		passages,
		passageIndex,
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
			narrative:
				corpus.documentCount === 0
					? "No source text was available for this task, so nothing was extracted."
					: `None of the ${corpus.documentCount} sources holds a complete sentence to quote, so nothing was extracted.`,
		};
	}
	const questions = subQuestionsOf(input.task);
	const count = countFor(input.config, input.timeShare, questions);
	const turn: RoleTurn = { corpus, input, questions, count };
	switch (input.role) {
		case "verifier":
			return verify(turn);
		case "critic":
			return critique(turn);
		case "synthesizer":
			return synthesize(turn);
		default:
			return rankForRole(turn, input.role);
	}
}

/** What one role's turn works from: the corpus, the task, its sub-questions and how many findings to give. */
type RoleTurn = { corpus: Corpus; input: AgentTaskInput; questions: readonly SubQuestion[]; count: number };

/** A task's findings: `findingCount`, raised to the number of sub-questions (at most FINDINGS.max). */
function countFor(
	config: AgentTaskInput["config"],
	timeShare: number,
	questions: readonly SubQuestion[],
): number {
	return Math.max(
		findingCount(config.depth, timeShare, config.focus),
		Math.min(FINDINGS.max, questions.length),
	);
}

/** Passages a revisit leaves out (those cited upstream), and its preference for the critic's topics. */
type Revisit = { excluded: ReadonlySet<string>; criticPreference: readonly number[] };

/** Explorer, depth analyst, trend analyst and domain expert, including their revisit pass. */
function rankForRole({ corpus, input, questions, count }: RoleTurn, role: RankingRole): ExtractiveOutput {
	const strategy = RANKING_STRATEGIES[role];
	const revisit = input.phase === "revisit";
	const criticClaims = revisit ? claimsOf(input.upstream.filter((result) => result.role === "critic")) : [];
	const chosen = revisit
		? choosePassages(
				corpus,
				questions,
				role,
				count,
				new Set(),
				{
					excluded: citedPassageKeys(input.upstream),
					criticPreference: normalized(score(corpus.passageIndex, criticClaims.flatMap(tokenize))),
				},
				input.config.focus,
			)
		: choosePassages(
				corpus,
				questions,
				role,
				count,
				claimedBefore(corpus, input, questions, role),
				null,
				input.config.focus,
			);
	if (chosen.length === 0) return nothingRelevant(corpus);

	const best = Math.max(...chosen.map((candidate) => candidate.score));
	const findings = chosen.map((candidate) => findingOf(candidate, rankedConfidence(candidate.score, best)));
	const sourcesUsed = new Set(chosen.map((candidate) => candidate.passage.document.source.id)).size;
	const opening = [
		`Ranked ${corpus.passages.length} passages from ${corpus.documentCount} sources against the task; ` +
			`selected ${chosen.length} from ${sourcesUsed} sources.`,
	];
	if (questions.length > 1) opening.push(coverageOf(questions, chosen));
	if (revisit) {
		opening.push(
			criticClaims.length > 0
				? "Passages already cited were left out and topics the critic raised were preferred."
				: "Passages already cited were left out.",
		);
	} else if (chosen.some((candidate) => candidate.claimed)) {
		opening.push("Passages the other research roles quote were taken only when nothing else was left.");
	}
	if (role === "trend_analyst" && chosen.every((candidate) => candidate.tier === 0)) {
		opening.push("None of the relevant passages carries a date or a time-related cue.");
	}
	opening.push(strategy.intro);
	return { findings, narrative: [...opening, quoteLines(findings)].join(" ") };
}

/**
 * The passages (by order) that the ranking roles before `role` in RANKING_ORDER quote in this job:
 * each of those the job plans, with its own count (its planned share of time, scaled as this task's
 * share is), preferring in turn what the ones before it leave. Empty for the explorer, and for a role
 * the job's plan does not have.
 */
function claimedBefore(
	corpus: Corpus,
	input: AgentTaskInput,
	questions: readonly SubQuestion[],
	role: RankingRole,
): Set<number> {
	const claimed = new Set<number>();
	const earlier = RANKING_ORDER.slice(0, RANKING_ORDER.indexOf(role));
	if (earlier.length === 0) return claimed;
	const plan = plannedTasks(input.config).filter((task) => task.phase !== "revisit");
	const shareOf = (of: RankingRole) => plan.find((task) => task.role === of)?.timeShare;
	const own = shareOf(role);
	if (!own) return claimed;
	const scale = input.timeShare / own;
	for (const other of earlier) {
		const share = shareOf(other);
		if (share === undefined) continue;
		const count = countFor(input.config, share * scale, questions);
		for (const candidate of choosePassages(
			corpus,
			questions,
			other,
			count,
			claimed,
			null,
			input.config.focus,
		)) {
			claimed.add(candidate.passage.order);
		}
	}
	return claimed;
}

/** The job's plan (`planSwarm`); none for a swarm size the planner does not know. */
function plannedTasks(config: AgentTaskInput["config"]): PlannedTask[] {
	try {
		return planSwarm(config);
	} catch (error) {
		if (error instanceof RangeError) return [];
		throw error;
	}
}

/**
 * A ranking role's `count` passages: each sub-question ranks its candidates by the role's score, those
 * in `claimed` after all others; the sub-questions take turns (see `choose`). The explorer's are in
 * the order chosen, the other roles' best first.
 */
function choosePassages(
	corpus: Corpus,
	questions: readonly SubQuestion[],
	role: RankingRole,
	count: number,
	claimed: ReadonlySet<number>,
	revisit: Revisit | null,
	focus: Focus,
): Candidate[] {
	const strategy = RANKING_STRATEGIES[role];
	const { relevance, homes } = relevanceOf(corpus, questions);
	const rankings = questions.map((question, index) => {
		const home = narrows(question) ? index : null;
		const candidates: Candidate[] = [];
		for (const passage of corpus.passages) {
			const { own, total } = relevance[index]?.[passage.order] ?? { own: 0, total: 0 };
			if (homes[passage.order] !== home) continue;
			if (total <= 0 || (strategy.requireOwnMatch && own <= 0)) continue;
			if (revisit?.excluded.has(passageKey(passage.document.source.id, passage.text))) continue;
			const preference = 1 + REVISIT_CRITIC_WEIGHT * (revisit?.criticPreference[passage.order] ?? 0);
			candidates.push({
				passage,
				relevance: Math.sqrt(total),
				score: Math.sqrt(total) * (1 + strategy.boost(passage, corpus)) * preference * passage.prior,
				tier: strategy.tier(passage),
				claimed: claimed.has(passage.order),
				question,
			});
		}
		return strongEnough(candidates, focus);
	});
	const before = [...claimed].flatMap((order) => corpus.passages[order] ?? []);
	const chosen = choose(rankings, count, before, strategy.turns === "always" ? Number.POSITIVE_INFINITY : 1);
	return strategy.turns === "always" ? chosen : chosen.sort(byListingOrder);
}

/** How many chosen passages answer each sub-question, naming those nothing answers. */
function coverageOf(questions: readonly SubQuestion[], chosen: readonly Candidate[]): string {
	const counts = questions.map(
		(question) => chosen.filter((candidate) => candidate.question === question).length,
	);
	const listed = questions.map((question, i) => `${question.id} "${question.text}" (${counts[i]})`);
	const unanswered = questions.filter((_, i) => counts[i] === 0).map((question) => question.id);
	const parts = [
		`The task asks ${questions.length} things; passages per sub-question: ${listed.join(", ")}.`,
	];
	if (unanswered.length > 0) parts.push(`No passage addresses ${unanswered.join(", ")}.`);
	return parts.join(" ");
}

/**
 * A passage's relevance to a sub-question: its own, that plus its document's and proximity, and how
 * well it matches the words the sub-question adds (normalized BM25 of its focus terms, answer cues aside).
 */
type Relevance = { own: number; total: number; focus: number };

/** Whether a sub-question adds focus terms to the task's subject, rather than being the main question. */
function narrows(question: SubQuestion): boolean {
	return question.terms.some((term) => !question.focus.some((focus) => sameWord(focus, term)));
}

/**
 * The sub-question a passage answers: the narrowing sub-question whose focus words it matches best
 * (the first on a tie), or null when it matches none, so that it answers the main question. A passage
 * on "operating conditions" is left to the sub-question that asks about them; a passage that only
 * states a number is not taken from the main question by a "how many" sub-question. When every
 * sub-question narrows, there is no main question: a passage that matches no focus word answers the
 * sub-question it is most relevant to.
 */
function homeOf(
	passage: Passage,
	questions: readonly SubQuestion[],
	relevance: readonly Relevance[][],
): number | null {
	const best = (value: (index: number) => number, among: (question: SubQuestion) => boolean) => {
		let home: number | null = null;
		let highest = 0;
		questions.forEach((question, index) => {
			if (among(question) && value(index) > highest) {
				home = index;
				highest = value(index);
			}
		});
		return home;
	};
	const home = best((index) => relevance[index]?.[passage.order]?.focus ?? 0, narrows);
	if (home !== null || !questions.every(narrows)) return home;
	return best(
		(index) => relevance[index]?.[passage.order]?.total ?? 0,
		() => true,
	);
}

/** The relevance of every passage to each sub-question, and the sub-question each passage answers. */
type TaskRelevance = { relevance: Relevance[][]; homes: (number | null)[] };

/**
 * Per corpus, the relevance of its passages to the last task ranked: every role of a job ranks the
 * same task, and a role also ranks for the roles before it (`claimedBefore`).
 */
const relevanceCache = new WeakMap<Corpus, { key: string; relevance: TaskRelevance }>();

/** `relevanceScores` and `homeOf` for a task's sub-questions, computed once per corpus and task. */
function relevanceOf(corpus: Corpus, questions: readonly SubQuestion[]): TaskRelevance {
	const key = JSON.stringify(questions);
	const known = relevanceCache.get(corpus);
	if (known?.key === key) return known.relevance;
	const documents = questions.map((question) => normalized(score(corpus.documentIndex, question.terms)));
	const onTask = Array.from({ length: corpus.documentCount }, (_, document) =>
		Math.max(0, ...documents.map((scores) => scores[document] ?? 0)),
	);
	const relevance = questions.map((question) => relevanceScores(corpus, question, onTask));
	const computed = {
		relevance,
		homes: corpus.passages.map((passage) => homeOf(passage, questions, relevance)),
	};
	relevanceCache.set(corpus, { key, relevance: computed });
	return computed;
}

/** Per passage, its relevance to a sub-question; `byDocument` is each document's relevance to the task. */
function relevanceScores(corpus: Corpus, question: SubQuestion, byDocument: readonly number[]): Relevance[] {
	const narrower = narrows(question);
	const all = normalized(score(corpus.passageIndex, question.terms));
	const focus = narrower ? normalized(score(corpus.passageIndex, question.focus)) : all;
	const words = question.focus.filter((term) => !isAnswerCue(term));
	const focusWords = narrower ? normalized(score(corpus.passageIndex, words)) : [];
	const terms = new Set(question.terms);
	return corpus.passages.map((passage) => {
		const own = ((all[passage.order] ?? 0) + FOCUS_WEIGHT * (focus[passage.order] ?? 0)) / (1 + FOCUS_WEIGHT);
		const documentScore = byDocument[passage.documentPosition] ?? 0;
		const proximity = own > 0 ? proximityBonus(passage.tokens, terms) : 0;
		return {
			own,
			total: own + DOCUMENT_CONTEXT_WEIGHT * documentScore + proximity,
			focus: focusWords[passage.order] ?? 0,
		};
	});
}

/**
 * PROXIMITY_WEIGHT · (k − 1) / (min(|terms|, PROXIMITY_TERMS) − 1), where k ≥ 2 is the most distinct
 * terms found within PROXIMITY_WINDOW consecutive tokens; 0 when no window holds two.
 */
function proximityBonus(tokens: readonly string[], terms: ReadonlySet<string>): number {
	const wanted = Math.min(terms.size, PROXIMITY_TERMS);
	if (wanted < 2) return 0;
	let most = 0;
	for (let start = 0; start < tokens.length && most < wanted; start += 1) {
		const seen = new Set(tokens.slice(start, start + PROXIMITY_WINDOW).filter((token) => terms.has(token)));
		most = Math.max(most, seen.size);
	}
	return most < 2 ? 0 : PROXIMITY_WEIGHT * Math.min(1, (most - 1) / (wanted - 1));
}

/** Scores divided by their maximum (all zeros when nothing scored). */
function normalized(scores: readonly number[]): number[] {
	const max = scores.reduce((highest, value) => Math.max(highest, value), 0);
	return scores.map((value) => (max > 0 ? value / max : 0));
}

/**
 * Candidates whose relevance is at least the focus's share of the best (`minRelativeRelevance`: how far
 * a passage may stray from the task's key terms), in `byRank` order.
 */
function strongEnough(candidates: readonly Candidate[], focus: Focus): Candidate[] {
	const best = candidates.reduce((highest, candidate) => Math.max(highest, candidate.relevance), 0);
	const floor = FOCUS_PROFILES[focus].minRelativeRelevance * best;
	return candidates
		.filter((candidate) => candidate.relevance >= floor && candidate.relevance > 0)
		.sort(byRank);
}

/** The order a role picks in: unclaimed first, then highest score, then the earlier passage. */
function byRank(a: Candidate, b: Candidate): number {
	return Number(a.claimed) - Number(b.claimed) || b.score - a.score || a.passage.order - b.passage.order;
}

/** The order a role lists its picks in: highest tier, then highest score, then the earlier passage. */
function byListingOrder(a: Candidate, b: Candidate): number {
	return b.tier - a.tier || b.score - a.score || a.passage.order - b.passage.order;
}

/**
 * Items grouped by key, groups in order of their first item, items in their order.
 * @example groupInOrder(["a1", "b1", "a2"], (item) => item[0]) // [["a1", "a2"], ["b1"]]
 */
function groupInOrder<T>(items: readonly T[], keyOf: (item: T) => string | number): T[][] {
	const groups = new Map<string | number, T[]>();
	for (const item of items) {
		const key = keyOf(item);
		const group = groups.get(key);
		if (group) group.push(item);
		else groups.set(key, [item]);
	}
	return [...groups.values()];
}

/**
 * Up to `count` candidates from per-sub-question rankings. For `rounds` rounds the rankings take turns
 * (so that every sub-question with a candidate is answered), then the rest of all rankings. Each pick
 * is the candidate with the highest score / (1 + q), unclaimed before claimed, where q is how often its
 * source is quoted so far (by the roles before this one, `before`, and by this role): sources share
 * the picks unless one has far better passages. A pick is never a near-duplicate of one already
 * picked (nor, unless claimed, of a passage in `before`), nor from a paragraph that has already given
 * max(2, ⌈PARAGRAPH_SHARE · count⌉).
 */
function choose(
	rankings: readonly (readonly Candidate[])[],
	count: number,
	before: readonly Passage[],
	rounds: number,
): Candidate[] {
	const chosen: Candidate[] = [];
	const perParagraph = Math.max(2, Math.ceil(PARAGRAPH_SHARE * count));
	const quotedFrom = new Map<number, number>();
	const quote = (passage: Passage) =>
		quotedFrom.set(passage.documentPosition, (quotedFrom.get(passage.documentPosition) ?? 0) + 1);
	before.forEach(quote);
	const fresh = (candidate: Candidate) => {
		const { passage } = candidate;
		const fromParagraph = chosen.filter(
			(picked) =>
				picked.passage.documentPosition === passage.documentPosition &&
				picked.passage.paragraph === passage.paragraph,
		).length;
		return (
			fromParagraph < perParagraph &&
			!chosen.some((picked) => nearDuplicate(picked.passage, passage)) &&
			(candidate.claimed || !before.some((quoted) => nearDuplicate(quoted, passage)))
		);
	};
	// One lane per source, best first: within a lane the discount is the same, so its head is its best.
	const lanesOf = (candidates: readonly Candidate[]) =>
		groupInOrder([...candidates].sort(byRank), (candidate) => candidate.passage.documentPosition);
	const pickFrom = (lanes: Candidate[][]): boolean => {
		let best: { lane: Candidate[]; head: Candidate; value: number } | null = null;
		for (const lane of lanes) {
			const head = headOf(lane, fresh);
			if (!head) continue;
			const value = head.score / (1 + (quotedFrom.get(head.passage.documentPosition) ?? 0));
			const better =
				!best ||
				(!head.claimed && best.head.claimed) ||
				(head.claimed === best.head.claimed && value > best.value);
			if (better) best = { lane, head, value };
		}
		if (!best) return false;
		best.lane.shift();
		chosen.push(best.head);
		quote(best.head.passage);
		return true;
	};
	const byQuestion = rankings.map(lanesOf);
	for (let round = 0; round < rounds && chosen.length < count; round += 1) {
		let picked = false;
		for (const lanes of byQuestion) {
			if (chosen.length >= count) break;
			picked = pickFrom(lanes) || picked;
		}
		if (!picked) break;
	}
	const rest = lanesOf(byQuestion.flat(2));
	while (chosen.length < count && pickFrom(rest));
	return chosen;
}

/** The first candidate of a lane that `usable` accepts, dropping those before it (they never become usable). */
function headOf(lane: Candidate[], usable: (candidate: Candidate) => boolean): Candidate | undefined {
	while (lane.length > 0 && !usable(lane[0] as Candidate)) lane.shift();
	return lane[0];
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

/** A finding that quotes a candidate's passage, titled `prefix` + a label of its first sentence. */
function findingOf(candidate: Candidate, confidence: number, prefix = ""): Finding {
	const { passage, question } = candidate;
	const firstSentence = passage.text.slice(0, passage.lead - passage.start);
	return {
		title: `${prefix}${labelFor(firstSentence, TITLE_MAX_CHARS - prefix.length)}`,
		claim: passage.text,
		confidence,
		citations: [citationOf(passage)],
		...(question ? { subQuestion: question.text } : {}),
	};
}

/**
 * A short label for a statement: without footnote markers, a lead-in phrase (when four words are
 * left) and final punctuation, first letter capitalized, shortened at a clause boundary to `max`
 * characters.
 * @example labelFor("However, heat pumps lose efficiency in cold climates.[4]", 80) // "Heat pumps lose efficiency in cold climates"
 */
function labelFor(text: string, max: number): string {
	const flat = withoutMarkers(text).replace(/\s+/gu, " ").trim();
	const withoutLeadIn = flat.replace(LEAD_IN, "");
	const body = withoutLeadIn.split(" ").length >= 4 ? withoutLeadIn : flat;
	const label = shortenAtBoundary(body.replace(/[.!?]+$/u, ""), max);
	return label.charAt(0).toUpperCase() + label.slice(1);
}

/** The first sentence of a claim, or all of it when it holds no complete sentence. */
function firstSentenceOf(claim: string): string {
	const first = splitSentences(claim)[0];
	return first ? claim.slice(first.start, first.lead) : claim;
}

/** Cuts narrative text to `max` characters at a word boundary, marking the cut with an ellipsis. */
function truncate(text: string, max: number): string {
	if (text.length <= max) return text;
	const cut = text.lastIndexOf(" ", max - 1);
	return `${text.slice(0, cut > 0 ? cut : max - 1)}…`;
}

/** The first quotes of some findings as `[sourceId] "quote"`, for a narrative. */
function quoteLines(findings: readonly Finding[]): string {
	return findings
		.slice(0, NARRATIVE.quotes)
		.flatMap((finding) => finding.citations.slice(0, 1))
		.map((citation) => `[${citation.sourceId}] "${citation.quote}"`)
		.join(" ");
}

/**
 * Upstream claims for a narrative list, each as `[sourceIds] "claim"` shortened to
 * NARRATIVE.claimChars; at most NARRATIVE.listedClaims, then a count of the rest.
 */
function listClaims(claims: readonly UpstreamClaim[]): string {
	const listed = claims
		.slice(0, NARRATIVE.listedClaims)
		.map((claim) => `[${[...claim.sourceIds].join(", ")}] "${truncate(claim.claim, NARRATIVE.claimChars)}"`)
		.join("; ");
	const rest = claims.length - NARRATIVE.listedClaims;
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
type UpstreamClaim = { claim: string; sourceIds: Set<string>; subQuestion: string | undefined };

function distinctUpstreamClaims(upstream: readonly UpstreamResult[]): UpstreamClaim[] {
	const byClaim = new Map<string, UpstreamClaim>();
	for (const result of upstream) {
		for (const finding of result.findings) {
			const key = finding.claim.trim();
			const entry = byClaim.get(key) ?? { claim: key, sourceIds: new Set<string>(), subQuestion: undefined };
			entry.subQuestion ??= finding.subQuestion;
			for (const citation of finding.citations) entry.sourceIds.add(citation.sourceId);
			byClaim.set(key, entry);
		}
	}
	return [...byClaim.values()];
}

/**
 * Whether `text` gives each of the claim's numbers that carry a unit with the same value and unit
 * ("31 %" and "31 percent" agree; "24 %" or no percentage at all does not).
 */
function givesSameQuantities(claimQuantities: readonly Quantity[], text: string): boolean {
	if (claimQuantities.length === 0) return true;
	const given = textFacts(text).quantities;
	return claimQuantities.every((wanted) =>
		given.some(
			(quantity) =>
				quantity.unit === wanted.unit &&
				Math.abs(quantity.value - wanted.value) <= 1e-9 * Math.max(1, Math.abs(wanted.value)),
		),
	);
}

type Corroboration = { passage: Passage; strength: number };

/**
 * The best passage of each source outside `citedSourceIds` that states what the claim states (see the
 * module comment), strongest first.
 */
function corroborate(corpus: Corpus, claim: string, citedSourceIds: ReadonlySet<string>): Corroboration[] {
	const claimTerms = [...new Set(tokenize(claim))].filter((term) => !NUMERIC_TOKEN.test(term));
	const idfs = claimTerms.map((term) => inverseDocumentFrequency(corpus.passageIndex, term));
	const totalIdf = idfs.reduce((sum, idf) => sum + idf, 0);
	if (totalIdf <= 0) return [];
	const keyTerms = claimTerms
		.map((term, i) => ({ term, idf: idfs[i] ?? 0, i }))
		.sort((a, b) => b.idf - a.idf || a.i - b.i)
		.slice(0, Math.max(2, Math.ceil(claimTerms.length / 2)))
		.map(({ term }) => term);
	const keysNeeded = Math.ceil(CORROBORATION_KEY_SHARE * keyTerms.length);
	// textFacts takes a fraction of a millisecond; most claims have no digit to check.
	const claimQuantities = /\d/.test(claim)
		? textFacts(claim).quantities.filter((quantity) => quantity.unit !== null)
		: [];
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
		if (keyTerms.filter((term) => passage.terms.has(term)).length < keysNeeded) continue;
		if (!givesSameQuantities(claimQuantities, passage.text)) continue;
		if (contradictionBetween(claim, passage.text) !== null) continue;
		const current = bestBySource.get(sourceId);
		if (!current || strength > current.strength || (strength === current.strength && match > current.match)) {
			bestBySource.set(sourceId, { passage, strength, match });
		}
	}
	return [...bestBySource.values()]
		.sort((a, b) => b.strength - a.strength || b.match - a.match || a.passage.order - b.passage.order)
		.map(({ passage, strength }) => ({ passage, strength }));
}

function verify({ corpus, input, questions, count }: RoleTurn): ExtractiveOutput {
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
		const prefix = "Corroborates: ";
		const subQuestion = claim.subQuestion ?? questionFor(strongest.passage, questions)?.text;
		const finding: Finding = {
			title: `${prefix}${labelFor(firstSentenceOf(claim.claim), TITLE_MAX_CHARS - prefix.length)}`,
			claim: strongest.passage.text,
			confidence: round(Math.min(0.95, 0.4 + 0.4 * strongest.strength + 0.1 * (matches.length - 1))),
			citations: matches.slice(0, MAX_CITATIONS_PER_FINDING).map((match) => citationOf(match.passage)),
			...(subQuestion ? { subQuestion } : {}),
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
	for (const { claim, finding } of kept.slice(0, NARRATIVE.quotes)) {
		parts.push(
			`[${[...claim.sourceIds].join(", ")}] "${truncate(claim.claim, NARRATIVE.claimChars)}" is matched by ` +
				`[${finding.citations[0]?.sourceId}] "${finding.claim}"`,
		);
	}
	if (uncorroborated.length > 0) {
		parts.push(`No other source corroborates: ${listClaims(uncorroborated)}.`);
	}
	return { findings: kept.map((entry) => entry.finding), narrative: parts.join(" ") };
}

/**
 * The sub-question whose focus, then whose terms, the passage shares most; when it shares none, the
 * main question (the first that does not narrow, else the first); null only for a task without any.
 */
function questionFor(passage: Passage, questions: readonly SubQuestion[]): SubQuestion | null {
	let best: SubQuestion | null = questions.find((question) => !narrows(question)) ?? questions[0] ?? null;
	let bestShared = 0;
	for (const question of questions) {
		const focus = question.focus.filter((term) => passage.terms.has(term)).length;
		const terms = question.terms.filter((term) => passage.terms.has(term)).length;
		const shared = focus * (question.terms.length + 1) + terms;
		if (shared > bestShared) {
			best = question;
			bestShared = shared;
		}
	}
	return best;
}

function critique({ corpus, input, questions, count }: RoleTurn): ExtractiveOutput {
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
		candidates.push({
			passage,
			relevance: Math.sqrt(relevance),
			score: Math.sqrt(relevance) * (1 + 0.5 * Math.min(cues, 2)),
			tier: 0,
			claimed: false,
			question: questionFor(passage, questions),
		});
	}
	const chosen = choose([strongEnough(candidates, input.config.focus)], count, [], 1);
	const best = Math.max(0, ...chosen.map((candidate) => candidate.score));
	const findings = chosen.map((candidate) =>
		findingOf(candidate, rankedConfidence(candidate.score, best), "Counterpoint: "),
	);

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

function synthesize({ corpus, input, questions, count }: RoleTurn): ExtractiveOutput {
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
		const ranked = rankForRole({ corpus, input, questions, count }, "explorer");
		const why =
			dropped > 0
				? `None of the ${dropped} upstream findings quotes a source verbatim, so the sources were ranked directly.`
				: "No upstream findings were available, so the sources were ranked directly.";
		return { findings: ranked.findings, narrative: `${why} ${ranked.narrative}` };
	}

	const groups = groupSimilar(checked);
	const weighed = groups
		.map((members, position) => {
			const agents = new Set(members.map((member) => member.taskId)).size;
			const meanConfidence =
				members.reduce((sum, member) => sum + member.finding.confidence, 0) / members.length;
			return { members, agents, meanConfidence, weight: meanConfidence * agents, position };
		})
		.sort((a, b) => b.weight - a.weight || a.position - b.position);
	// The heaviest group of each sub-question first, so that every sub-question is answered, then the rest.
	const named = weighed.filter((group) => group.members[0]?.finding.subQuestion !== undefined);
	const leads = groupInOrder(named, (group) => group.members[0]?.finding.subQuestion ?? "").flatMap(
		(groups) => groups.slice(0, 1),
	);
	const ranked = [...leads, ...weighed.filter((group) => !leads.includes(group))].slice(0, count);
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

/** One finding for a group: its lead's title, claim and sub-question, every distinct verbatim citation. */
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
		...(lead.subQuestion ? { subQuestion: lead.subQuestion } : {}),
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
 * no API call and searches nothing, so its usage is zero and every citation names a job source. It
 * reports each step of the turn as a phase: indexing the sources, ranking the passages, quoting findings.
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
			const { documents } = turn.input;
			turn.onProgress?.({ phase: `indexing ${plural(documents.length, "source")}` });
			const corpus = corpusOf(documents);
			turn.onProgress?.({ phase: `ranking ${plural(corpus.passages.length, "passage")}` });
			const output = selectFindings(corpus, turn.input);
			turn.onProgress?.({ phase: `quoting ${plural(output.findings.length, "finding")}` });
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

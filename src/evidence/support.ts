/**
 * Whether a finding's claim is supported by the verbatim quotes it cites.
 *
 * Quote verification (`verify.ts`) proves that a quote is real; it says nothing about whether the
 * quote backs the claim, so a true quote about one thing can lend its "verified" badge to an
 * invented claim about another. The checks here are plain rules with no model in the loop: a model
 * judge can be argued round, these cannot. They run in order:
 *
 * 1. identity — the claim is one of its quotes, or a phrase inside one → supported;
 * 2. hard checks, which a model judge may not overrule:
 *    - numbers: every number in the claim (digits, number words, years) is in the evidence with a
 *      compatible unit; a different value for the same unit or counted noun → contradicted;
 *    - names: every proper name, acronym and code in the claim is mentioned by the evidence;
 *    - polarity: each clause of the claim is compared with the evidence clause or sentence it best
 *      matches; a negation on one side only, or an antonym swap ("rose" against "fell"),
 *      → contradicted;
 * 3. coverage — the weighted share of the claim's content words found in the evidence decides
 *    between supported, partial and unsupported.
 */
import { z } from "zod";
import { STOPWORDS } from "../lib/stop-words";
import { stem } from "../providers/text";
import polarityGroups from "./polarity-groups.json";

export type SupportVerdict = "supported" | "partial" | "unsupported" | "contradicted";

export type SupportResult = {
	verdict: SupportVerdict;
	/** One line a reader understands, e.g. "the claim's 68% does not appear in its quotes" */
	reason: string;
	/** True when a hard check failed (numbers, negation/polarity, names): a model judge may not overrule it. */
	hardFailure: boolean;
	/** Fraction of the claim's content words found in the evidence, in [0,1]. */
	coverage: number;
};

/** A number as stated: its value (multipliers applied), its normalised unit, and the text it came from. */
export type Quantity = { value: number; unit: string | null; text: string };

/** Facts extracted from a text, reusable for contradiction detection between findings. */
export type TextFacts = {
	quantities: Quantity[];
	negated: boolean;
	/** 1 when the text speaks of something rising, -1 falling, 0 neither or both. */
	direction: -1 | 0 | 1;
	/** Proper names, acronyms and codes, lower case with punctuation folded to spaces. */
	names: string[];
	/** Stemmed content words, each once, in order of first appearance. */
	content: string[];
};

/** Coverage at or above this is supported. */
export const SUPPORTED_COVERAGE = 0.75;
/** Coverage at or above this (and below `SUPPORTED_COVERAGE`) is partial. */
export const PARTIAL_COVERAGE = 0.45;
/**
 * A claim clause is compared for polarity only with an evidence region holding at least this share
 * of its content words; below it the two are about different things and coverage decides.
 */
const POLARITY_MIN_OVERLAP = 0.5;
/** Content-word Jaccard above which two findings are taken to be about the same subject. */
const SAME_SUBJECT_JACCARD = 0.4;
/** Words of attribution and hedging weigh this much in coverage: they name the messenger, not the fact. */
const HEDGE_WEIGHT = 0.25;

// ---------------------------------------------------------------------------------------------
// Normalisation

const SINGLE_QUOTES = /[‘’‚‛′`´]/gu;
const DOUBLE_QUOTES = /[“”„‟″«»]/gu;
const DASHES = /[‐‑‒–—―−﹣－]/gu;
const HAS_WORD = /[\p{L}\p{N}]/u;

/** Folds Unicode quotes and dashes to ASCII and collapses whitespace; "−15" becomes "-15". */
function normalizeSurface(text: string): string {
	return text
		.normalize("NFKC")
		.replace(SINGLE_QUOTES, "'")
		.replace(DOUBLE_QUOTES, '"')
		.replace(DASHES, "-")
		.replace(/\s+/gu, " ")
		.trim();
}

/** The comparison form for identity: surface-normalised, lower case, outer quotes and end punctuation gone. */
function identityForm(text: string): string {
	let current = normalizeSurface(text).toLowerCase();
	let previous = "";
	while (current !== previous) {
		previous = current;
		current = current.replace(/^["'([\s]+/u, "").replace(/[\s"')\].!?;:,…]+$/u, "");
	}
	return current;
}

// ---------------------------------------------------------------------------------------------
// Word lists

const NEGATOR_WORDS: ReadonlySet<string> = new Set(
	"not no never none neither nor cannot without nobody nothing nowhere lack lacks lacked lacking".split(" "),
);
const FAIL_WORDS: ReadonlySet<string> = new Set(["fail", "fails", "failed", "failing"]);
const RESTRICTIVE_WORDS: ReadonlySet<string> = new Set(["only", "just", "merely"]);
/** After these a trailing negation belongs to a relative or comparative clause, not the word before. */
const CLAUSE_OPENERS: ReadonlySet<string> = new Set("who whom whose which that than as".split(" "));

const SMALL_NUMBERS: ReadonlyMap<string, number> = new Map(
	(
		"zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " +
		"sixteen seventeen eighteen nineteen"
	)
		.split(" ")
		.map((word, value) => [word, value]),
);
const TENS: ReadonlyMap<string, number> = new Map(
	"twenty thirty forty fifty sixty seventy eighty ninety"
		.split(" ")
		.map((word, index) => [word, 20 + 10 * index]),
);
const SCALES: ReadonlyMap<string, number> = new Map([
	["hundred", 1e2],
	["thousand", 1e3],
	["million", 1e6],
	["billion", 1e9],
	["trillion", 1e12],
]);
const NUMBER_WORDS: ReadonlySet<string> = new Set([
	...SMALL_NUMBERS.keys(),
	...TENS.keys(),
	...SCALES.keys(),
	"dozen",
]);

/**
 * Irregular past forms mapped to their base, so "did not keep" meets "kept" and "did not rise"
 * meets "rose". Forms that are also common nouns or other verbs ("left", "saw", "lay") are left out.
 */
const IRREGULAR_PAST: ReadonlyMap<string, string> = new Map(
	(
		"kept:keep rose:rise risen:rise fell:fall fallen:fall grew:grow grown:grow lost:lose won:win " +
		"found:find shown:show took:take taken:take made:make got:get gotten:get gave:give given:give " +
		"held:hold met:meet led:lead brought:bring bought:buy built:build spent:spend sent:send paid:pay " +
		"sold:sell told:tell ran:run began:begin begun:begin went:go gone:go came:come became:become " +
		"knew:know known:know thought:think felt:feel stood:stand drove:drive driven:drive caught:catch " +
		"taught:teach fought:fight sought:seek drew:draw drawn:draw threw:throw thrown:throw wore:wear " +
		"worn:wear broke:break broken:break chose:choose chosen:choose spoke:speak spoken:speak froze:freeze " +
		"frozen:freeze shrank:shrink shrunk:shrink sank:sink sunk:sink drank:drink wrote:write written:write " +
		"ate:eat eaten:eat forgot:forget forgotten:forget hid:hide hidden:hide rode:ride ridden:ride " +
		"stole:steal stolen:steal swam:swim sang:sing sung:sing flew:fly flown:fly blew:blow blown:blow " +
		"struck:strike forbade:forbid forbidden:forbid undertook:undertake understood:understand " +
		"withdrew:withdraw withdrawn:withdraw overtook:overtake outgrew:outgrow sped:speed fed:feed " +
		"bled:bleed bred:breed fled:flee slid:slide sprang:spring sprung:spring dealt:deal meant:mean"
	)
		.split(" ")
		.map((pair) => pair.split(":") as [string, string]),
);

function wordKey(lower: string): string {
	return stem(IRREGULAR_PAST.get(lower) ?? lower);
}

/** Stems of words that name the messenger ("a study found") rather than the finding. */
const HEDGE_STEMS: ReadonlySet<string> = new Set(
	(
		"study studies found find finds report reports reported reporting show shows showed shown showing " +
		"according research researcher researchers paper article analysis data suggest suggests suggested " +
		"indicate indicates indicated note notes noted say says said state states stated observe observed " +
		"conclude concluded author authors evidence survey source sources estimate estimates estimated claim " +
		"claims claimed roughly approximately around nearly almost about"
	)
		.split(" ")
		.map(wordKey),
);

/**
 * Antonym groups (`polarity-groups.json`): words on one side contradict words on the other. Surface
 * forms are listed in full so that no stem collision ("present"/"presented") makes an unrelated word polar.
 */
const POLAR_GROUPS = z
	.array(z.object({ group: z.string(), up: z.string(), down: z.string() }))
	.parse(polarityGroups);

type PolarEntry = { group: string; side: 0 | 1 };

const POLAR_WORDS: ReadonlyMap<string, readonly PolarEntry[]> = (() => {
	const map = new Map<string, PolarEntry[]>();
	for (const { group, up, down } of POLAR_GROUPS) {
		for (const [side, words] of [up, down].entries()) {
			for (const word of words.split(" ")) {
				const entries = map.get(word) ?? [];
				entries.push({ group, side: side === 0 ? 0 : 1 });
				map.set(word, entries);
			}
		}
	}
	return map;
})();

const NEGATING_PREFIXES = ["non", "dis", "un", "in", "im", "il", "ir"] as const;
/** Words that start like a negating prefix but are no negation of the rest ("discharge" is not "not charge"). */
const PREFIX_EXCEPTIONS: ReadonlySet<string> = new Set(
	(
		"discharge discharged discharges discharging discover discovered discovery discount discounted display " +
		"displayed dispatch dispatched disease diseases dismiss dismissed dispose disposed dissolve dissolved " +
		"dispense dispensed discuss discussed distill distilled import imports imported impact impacts impacted " +
		"improve improved improves improvement impose imposed impress impressed imprint input inputs install " +
		"installed installs installation insight insights income incomes inform informed invest invested " +
		"investment intake inland inbound indoor indoors instance intend intended index inpatient inpatients " +
		"immigrant immigrants immigration uncover uncovered unveil unveiled intense interval inject injected " +
		"inside insure insured invent invented indeed implant implants impair impaired imprison innovate"
	).split(" "),
);

/** Words of institution names that paraphrases drop ("Argonne" for "Argonne National Laboratory"). */
const GENERIC_NAME_WORDS: ReadonlySet<string> = new Set(
	(
		"national laboratory laboratories lab labs university institute institutes college school hospital " +
		"department agency administration center centre council office ministry bank group company " +
		"corporation corp inc ltd plc llc foundation association society committee commission board " +
		"organization organisation service federal state royal international global of for and the on in de"
	).split(" "),
);
const NAME_CONNECTORS: ReadonlySet<string> = new Set(
	"of for and the de du la le van von der di da on &".split(" "),
);
const ABBREVIATIONS: ReadonlySet<string> = new Set(
	"dr mr mrs ms prof st vs e.g i.e etc al fig figs no nos inc ltd co corp jr sr approx ca cf".split(" "),
);

// ---------------------------------------------------------------------------------------------
// Tokens, sentences and clauses

type Token = {
	surface: string;
	/** Lower case, possessive and contraction endings removed. */
	lower: string;
	/** `stem(lower)`, or a canonical digit string for numbers ("1,200" → "1200"). */
	key: string;
	start: number;
	end: number;
	numeric: boolean;
	numberWord: boolean;
	negatorWord: boolean;
	/** Not a stopword, negator or number word; numbers count. */
	content: boolean;
	/** Part of a quantity ("per cent", "billion"): checked with its number, not as a word. */
	inQuantity: boolean;
};

const WORD = /[\p{L}\p{N}]+(?:'\p{L}+)*(?:[.,]\p{N}+)*/gu;

function makeToken(surface: string, lowerRaw: string, start: number, end: number): Token {
	const negatorWord = NEGATOR_WORDS.has(lowerRaw) || lowerRaw.endsWith("n't");
	const lower = lowerRaw.replace(/'(?:s|re|ve|ll|d|m|t)$/u, "");
	const numeric = /^\p{N}/u.test(lower);
	const numberWord = NUMBER_WORDS.has(lower);
	const key = numeric ? numericKey(lower) : wordKey(lower);
	const content = !negatorWord && !numberWord && !STOPWORDS.has(lower) && (numeric || lower.length >= 2);
	return { surface, lower, key, start, end, numeric, numberWord, negatorWord, content, inQuantity: false };
}

function numericKey(word: string): string {
	const value = Number(word.replace(/,/gu, ""));
	return Number.isFinite(value) ? String(value) : word;
}

/** Word tokens of normalised text; "non-smokers" stays one word so its prefix can be weighed. */
function tokenizeWords(text: string): Token[] {
	const matches = Array.from(text.matchAll(WORD));
	const tokens: Token[] = [];
	for (let index = 0; index < matches.length; index += 1) {
		const match = matches[index];
		if (!match) continue;
		const start = match.index;
		const next = matches[index + 1];
		if (match[0].toLowerCase() === "non" && next && text.slice(start + 3, next.index) === "-") {
			const end = next.index + next[0].length;
			tokens.push(makeToken(text.slice(start, end), `non${next[0].toLowerCase()}`, start, end));
			index += 1;
			continue;
		}
		tokens.push(makeToken(match[0], match[0].toLowerCase(), start, start + match[0].length));
	}
	return tokens;
}

type Span = { start: number; end: number };

const SENTENCE_BREAK = /[.!?]+["')\]]*(?= )|\n+/gu;

/** Sentence spans; a period after an abbreviation or an initial, or before a lowercase word, is no break. */
function sentenceSpans(text: string): Span[] {
	const spans: Span[] = [];
	let start = 0;
	for (const match of text.matchAll(SENTENCE_BREAK)) {
		const end = match.index + match[0].length;
		if (!match[0].startsWith("\n")) {
			const nextChar = text.charAt(end + 1);
			if (/\p{Ll}/u.test(nextChar)) continue;
			if (match[0].startsWith(".") && !match[0].startsWith("..")) {
				const wordBefore = /([\p{L}.]+)$/u.exec(text.slice(start, match.index))?.[1] ?? "";
				if (ABBREVIATIONS.has(wordBefore.toLowerCase()) || /^(?:\p{L}\.)*\p{L}$/u.test(wordBefore)) continue;
			}
		}
		if (end > start) spans.push({ start, end });
		start = end;
	}
	if (start < text.length) spans.push({ start, end: text.length });
	return spans;
}

/** Clause breaks inside a sentence: ";", ":", ", ", a spaced dash, and before contrastive conjunctions. */
const CLAUSE_BREAK =
	/[;:]|, | - |(?<=\s)(?=(?:but|whereas|while|although|though|however|yet|nor|unlike)\b)/giu;

type Clause = {
	tokens: Token[];
	/** Non-polar content keys: what the clause is about, used to find its counterpart. */
	match: Set<string>;
	/** Content and polar keys: the words whose negation is compared. */
	keys: Set<string>;
	/** Negators that govern a word. */
	negations: number;
	/** Negators that govern nothing ("than those who did not"): compared only with each other. */
	ungoverned: number;
	/** Key → occurrences governed by an odd number of negators. */
	negated: Map<string, number>;
	/** Key → "not … reduce", the negator and the word it governs, for reasons. */
	negatedShown: Map<string, string>;
	/**
	 * "group:side" → how many words put it there and the first of them. A negated polar word counts
	 * on the other side: "did not increase" sits with "decreased".
	 */
	polar: Map<string, { count: number; shown: string }>;
	/** Stems of every word, for prefix negation. */
	stems: Set<string>;
};

type TextAnalysis = {
	text: string;
	tokens: Token[];
	clauses: Clause[];
	/** Clauses plus whole multi-clause sentences: the places a claim clause may be matched against. */
	regions: Clause[];
	quantities: Scanned[];
};

function analyse(rawText: string): TextAnalysis {
	const text = normalizeSurface(rawText);
	const tokens = tokenizeWords(text);
	const quantities = scanQuantities(text);
	for (const token of tokensWithin(tokens, quantities)) token.inQuantity = true;
	const clauses: Clause[] = [];
	const regions: Clause[] = [];
	const sentences = sentenceSpans(text);
	const bySentence = groupBySpan(tokens, sentences);
	for (const [index, sentence] of sentences.entries()) {
		const sentenceTokens = bySentence[index] ?? [];
		const pieces = clausePieces(text, sentence, sentenceTokens).map(buildClause);
		clauses.push(...pieces);
		regions.push(...pieces);
		if (pieces.length > 1) regions.push(buildClause(pieces.flatMap((piece) => piece.tokens)));
	}
	return { text, tokens, clauses, regions, quantities };
}

/** Items lying wholly inside one of the spans; both lists in text order, so one pass suffices. */
function tokensWithin<T extends Span>(items: readonly T[], spans: readonly Span[]): T[] {
	return groupBySpan(items, spans).flat();
}

/** For each span, the items lying wholly inside it; both lists in text order. */
function groupBySpan<T extends Span>(items: readonly T[], spans: readonly Span[]): T[][] {
	const groups: T[][] = spans.map(() => []);
	let spanIndex = 0;
	for (const item of items) {
		while (spanIndex < spans.length && (spans[spanIndex]?.end ?? 0) < item.end) spanIndex += 1;
		const span = spans[spanIndex];
		if (span && item.start >= span.start && item.end <= span.end) groups[spanIndex]?.push(item);
	}
	return groups;
}

/** Token groups per clause; a group without content words joins the next one (or the last). */
function clausePieces(text: string, sentence: Span, tokens: Token[]): Token[][] {
	const slice = text.slice(sentence.start, sentence.end);
	const cuts = Array.from(
		slice.matchAll(CLAUSE_BREAK),
		(match) => sentence.start + match.index + match[0].length,
	);
	const groups: Token[][] = [];
	let current: Token[] = [];
	let cutIndex = 0;
	for (const token of tokens) {
		let crossed = false;
		while (cutIndex < cuts.length && (cuts[cutIndex] ?? Number.POSITIVE_INFINITY) <= token.start) {
			cutIndex += 1;
			crossed = true;
		}
		if (crossed && current.length > 0) {
			groups.push(current);
			current = [];
		}
		current.push(token);
	}
	if (current.length > 0) groups.push(current);
	const merged: Token[][] = [];
	let pending: Token[] = [];
	for (const group of groups) {
		pending.push(...group);
		if (group.some((token) => token.content)) {
			merged.push(pending);
			pending = [];
		}
	}
	if (pending.length > 0) {
		const last = merged.at(-1);
		if (last) last.push(...pending);
		else merged.push(pending);
	}
	return merged;
}

function polarEntriesAt(tokens: readonly Token[], index: number): readonly PolarEntry[] {
	const token = tokens[index];
	if (!token) return [];
	const previous = tokens[index - 1]?.lower;
	const next = tokens[index + 1]?.lower;
	if ((token.lower === "least" || token.lower === "most") && previous === "at") {
		return POLAR_WORDS.get(`at${token.lower}`) ?? [];
	}
	// "not only" is no negation, but it is the opposite of a bare "only"; likewise "whether or not"
	// and "whether or". Treating each as a pair keeps both an inserted and a removed "not" visible.
	if (RESTRICTIVE_WORDS.has(token.lower)) return [{ group: "restriction", side: previous === "not" ? 1 : 0 }];
	if (token.lower === "or" && previous === "whether")
		return [{ group: "alternative", side: next === "not" ? 1 : 0 }];
	// "failed to reduce" is a negation, counted as such, not a failure on the success/failure axis.
	if (FAIL_WORDS.has(token.lower) && next === "to") return [];
	return POLAR_WORDS.get(token.lower) ?? [];
}

function isPolar(tokens: readonly Token[], index: number): boolean {
	return polarEntriesAt(tokens, index).length > 0;
}

/** Whether the token at `index` negates: "not", "no", "n't", "without", "lack of", "fails to"… */
function isNegatorAt(tokens: readonly Token[], index: number): boolean {
	const token = tokens[index];
	if (!token) return false;
	const next = tokens[index + 1]?.lower;
	if (FAIL_WORDS.has(token.lower)) return next === "to";
	if (!token.negatorWord) return false;
	// "not only", "no doubt" and "whether or not" affirm.
	if (token.lower === "not" && next !== undefined && RESTRICTIVE_WORDS.has(next)) return false;
	if (token.lower === "no" && next === "doubt") return false;
	if (token.lower === "not" && tokens[index - 1]?.lower === "or" && tokens[index - 2]?.lower === "whether") {
		return false;
	}
	return true;
}

/**
 * The word a negator governs: the next content or polar word in its clause ("did not reduce" →
 * reduce); with none after it, the nearest before it ("emissions did not" → emissions), unless a
 * relative or comparative clause starts in between ("than those who did not" governs nothing).
 */
function governedIndex(tokens: readonly Token[], negatorIndex: number): number {
	let start = negatorIndex + 1;
	if (tokens[negatorIndex]?.lower === "no" && tokens[start]?.lower === "longer") start += 1;
	for (let index = start; index < tokens.length; index += 1) {
		const token = tokens[index];
		if (
			token &&
			!isNegatorAt(tokens, index) &&
			!token.negatorWord &&
			(token.content || isPolar(tokens, index))
		) {
			return index;
		}
	}
	for (let index = negatorIndex - 1; index >= 0; index -= 1) {
		const token = tokens[index];
		if (!token || CLAUSE_OPENERS.has(token.lower)) return -1;
		if (!token.negatorWord && (token.content || isPolar(tokens, index))) return index;
	}
	return -1;
}

function buildClause(tokens: Token[]): Clause {
	const clause: Clause = {
		tokens,
		match: new Set(),
		keys: new Set(),
		negations: 0,
		ungoverned: 0,
		negated: new Map(),
		negatedShown: new Map(),
		polar: new Map(),
		stems: new Set(),
	};
	const governors = new Map<number, number[]>();
	tokens.forEach((token, index) => {
		clause.stems.add(token.key);
		const polar = polarEntriesAt(tokens, index).length > 0;
		if (token.content || polar) clause.keys.add(token.key);
		if (token.content && !polar) clause.match.add(token.key);
		if (!isNegatorAt(tokens, index)) return;
		const target = governedIndex(tokens, index);
		if (target < 0) {
			clause.ungoverned += 1;
			return;
		}
		clause.negations += 1;
		governors.set(target, [...(governors.get(target) ?? []), index]);
	});
	for (const [target, negators] of governors) {
		const token = tokens[target];
		if (!token || negators.length % 2 === 0) continue;
		clause.negated.set(token.key, (clause.negated.get(token.key) ?? 0) + 1);
		const negator = tokens[negators[0] ?? target];
		if (negator && !clause.negatedShown.has(token.key)) {
			clause.negatedShown.set(
				token.key,
				negator.start < token.start
					? `${negator.surface} … ${token.surface}`
					: `${token.surface} … ${negator.surface}`,
			);
		}
	}
	tokens.forEach((token, index) => {
		const flipped = (governors.get(index)?.length ?? 0) % 2 === 1;
		for (const entry of polarEntriesAt(tokens, index)) {
			const side = flipped ? 1 - entry.side : entry.side;
			const id = `${entry.group}:${side}`;
			const shown = flipped ? (clause.negatedShown.get(token.key) ?? token.surface) : token.surface;
			const seen = clause.polar.get(id);
			clause.polar.set(id, { count: (seen?.count ?? 0) + 1, shown: seen?.shown ?? shown });
		}
	});
	return clause;
}

// ---------------------------------------------------------------------------------------------
// Polarity

type PolarityIssue = { kind: "negation" | "antonym"; detail: string };

/** The evidence region holding most of the clause's content words; ties go to the tighter region. */
function bestRegion(clause: Clause, regions: readonly Clause[]): Clause | null {
	let best: Clause | null = null;
	let bestCoverage = 0;
	let bestJaccard = 0;
	for (const region of regions) {
		let shared = 0;
		for (const key of clause.match) if (region.match.has(key)) shared += 1;
		if (shared === 0) continue;
		const coverage = shared / clause.match.size;
		const jaccard = shared / (clause.match.size + region.match.size - shared);
		if (coverage > bestCoverage || (coverage === bestCoverage && jaccard > bestJaccard)) {
			best = region;
			bestCoverage = coverage;
			bestJaccard = jaccard;
		}
	}
	return bestCoverage >= POLARITY_MIN_OVERLAP ? best : null;
}

/**
 * A negation on one side only: the clauses differ in negation parity and some shared word is
 * negated a different number of times. Both are needed: "No patients had side effects" and
 * "Patients had no side effects" negate different words but agree in parity, while a clause cut
 * before a later "not" differs in parity but negates none of the words it shares. Negations that
 * govern no word ("than those who did not") are compared only when both sides have them.
 */
function negationMismatch(claim: Clause, region: Clause): string | null {
	if (claim.ungoverned > 0 && region.ungoverned > 0 && claim.ungoverned % 2 !== region.ungoverned % 2) {
		return claim.ungoverned > region.ungoverned
			? "the claim negates what its quote affirms"
			: "the claim drops the negation in its quote";
	}
	if (claim.negations % 2 === region.negations % 2) return null;
	for (const key of claim.keys) {
		if (!region.keys.has(key)) continue;
		const inClaim = claim.negated.get(key) ?? 0;
		const inRegion = region.negated.get(key) ?? 0;
		if (inClaim === inRegion) continue;
		return inClaim > inRegion
			? `the claim negates what its quote affirms (“${claim.negatedShown.get(key) ?? key}”)`
			: `the claim drops the negation in its quote (“${region.negatedShown.get(key) ?? key}”)`;
	}
	return null;
}

/**
 * A word traded for its opposite: the claim has more words on one side of an antonym pair than its
 * quote, and the quote more on the other. Counting, rather than presence, catches a swap in a
 * sentence that already uses both sides ("a growing threat … an increasing problem" made
 * "decreasing").
 */
function antonymSwap(claim: Clause, region: Clause): string | null {
	for (const [id, ours] of claim.polar) {
		const [group, side] = id.split(":");
		const opposite = `${group}:${side === "0" ? "1" : "0"}`;
		const theirs = region.polar.get(opposite);
		if (theirs === undefined) continue;
		const extraOurs = ours.count - (region.polar.get(id)?.count ?? 0);
		const extraTheirs = theirs.count - (claim.polar.get(opposite)?.count ?? 0);
		if (extraOurs > 0 && extraTheirs > 0) {
			return `the claim says “${ours.shown}” where its quote says “${theirs.shown}”`;
		}
	}
	return prefixSwap(claim, region, "claim") ?? prefixSwap(region, claim, "quote");
}

/** "unsafe" against "safe", "ineffective" against "effective": a negating prefix on one side only. */
function prefixSwap(from: Clause, to: Clause, side: "claim" | "quote"): string | null {
	for (const token of from.tokens) {
		if (!token.content || PREFIX_EXCEPTIONS.has(token.lower)) continue;
		for (const prefix of NEGATING_PREFIXES) {
			const rest = token.lower.slice(prefix.length);
			if (!token.lower.startsWith(prefix) || rest.length < 4) continue;
			if (prefix === "im" && !/^[bmp]/u.test(rest)) continue;
			if (prefix === "il" && !rest.startsWith("l")) continue;
			if (prefix === "ir" && !rest.startsWith("r")) continue;
			const restKey = stem(rest);
			if (to.stems.has(restKey) && !to.stems.has(token.key) && !from.stems.has(restKey)) {
				const other = to.tokens.find((candidate) => candidate.key === restKey)?.surface ?? rest;
				return side === "claim"
					? `the claim says “${token.surface}” where its quote says “${other}”`
					: `the claim says “${other}” where its quote says “${token.surface}”`;
			}
		}
	}
	return null;
}

/**
 * The first claim clause whose matched evidence region has the opposite polarity. A negated polar
 * word counts as its antonym, so "did not increase" agrees with "decreased".
 */
function polarityIssue(claimClauses: readonly Clause[], regions: readonly Clause[]): PolarityIssue | null {
	for (const clause of claimClauses) {
		if (clause.match.size === 0) continue;
		const region = bestRegion(clause, regions);
		if (!region) continue;
		const negation = negationMismatch(clause, region);
		if (negation !== null) return { kind: "negation", detail: negation };
		const antonym = antonymSwap(clause, region);
		if (antonym !== null) return { kind: "antonym", detail: antonym };
	}
	return null;
}

// ---------------------------------------------------------------------------------------------
// Numbers

type Scanned = Quantity & {
	start: number;
	end: number;
	/** Multiplier applied to the digits (1e6 for "2.5 million"). */
	scale: number;
	/** Stem of the word counted ("500 cycles" → "cycl") when there is no unit. */
	noun: string | null;
	/** The number with the word after it when it has no unit ("68 cycles"), for reasons. */
	shown: string;
	year: boolean;
	/** A lone "one" is as often a pronoun as a count, so its absence fails no hard check. */
	soft: boolean;
};

const DIGIT_NUMBER = /(?<![\p{L}\p{N}_])([+-](?=\d))?(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?/gu;
const CURRENCY_BEFORE = /(?:(?:US|A|C|NZ|HK|S)?\$|€|£|¥|\b(?:USD|EUR|GBP|JPY|CNY)) ?$/u;
const CURRENCY_SYMBOLS: ReadonlyArray<[RegExp, string]> = [
	[/€|EUR/u, "€"],
	[/£|GBP/u, "£"],
	[/¥|JPY/u, "¥"],
	[/CNY/u, "cny"],
	[/\$|USD/u, "$"],
];
const SCALE_WORD = /^(?: ?- ?| )?(hundred|thousand|million|billion|trillion)(?![\p{L}\p{N}])/iu;
const SHORT_SCALES: ReadonlyMap<string, number> = new Map([
	["k", 1e3],
	["m", 1e6],
	["mn", 1e6],
	["mln", 1e6],
	["b", 1e9],
	["bn", 1e9],
	["bln", 1e9],
	["t", 1e12],
	["tn", 1e12],
	["trn", 1e12],
]);
const SHORT_SCALE_CURRENCY = /^ ?(k|m|mn|mln|b|bn|bln|t|tn|trn)(?![\p{L}\p{N}])/iu;
const SHORT_SCALE_ATTACHED = /^(?:(k|K|M|B)|(bn|bln|Bn))(?![\p{L}\p{N}])/u;

type UnitRule = { pattern: RegExp; unit: string };

function unitRule(
	source: string,
	unit: string,
	options: { caseSensitive?: boolean; attached?: boolean } = {},
) {
	const separator = options.attached ? "" : "(?: ?- ?| )?";
	const flags = options.caseSensitive ? "u" : "iu";
	return { pattern: new RegExp(`^${separator}(?:${source})(?![\\p{L}\\p{N}])`, flags), unit };
}

/** Units after a number, most specific first; each maps to one canonical spelling. */
const UNIT_RULES: readonly UnitRule[] = [
	unitRule("percentage points?|pct\\.? points?|pp|ppts?", "pp"),
	unitRule("basis points?|bps|bp", "bp"),
	unitRule("%|per ?cent|percent|pct", "%"),
	unitRule("°c|° c|ºc|degrees? c(?:elsius)?|deg c|celsius", "°c"),
	unitRule("°f|° f|ºf|degrees? f(?:ahrenheit)?|fahrenheit", "°f"),
	unitRule("°|º|degrees?|deg", "deg"),
	unitRule("kelvin", "k"),
	unitRule("K", "k", { caseSensitive: true }),
	unitRule("C", "c", { caseSensitive: true }),
	unitRule("kwh|kilowatt[- ]hours?", "kwh"),
	unitRule("mwh|megawatt[- ]hours?", "mwh"),
	unitRule("gwh|gigawatt[- ]hours?", "gwh"),
	unitRule("twh|terawatt[- ]hours?", "twh"),
	unitRule("wh|watt[- ]hours?", "wh"),
	unitRule("kw|kilowatts?", "kw"),
	unitRule("mw|megawatts?", "mw"),
	unitRule("gw|gigawatts?", "gw"),
	unitRule("tw|terawatts?", "tw"),
	unitRule("w|watts?", "w"),
	unitRule("mah", "mah"),
	unitRule("ah|amp[- ]hours?", "ah"),
	unitRule("mv|millivolts?", "mv"),
	unitRule("kv|kilovolts?", "kv"),
	unitRule("v|volts?", "v"),
	unitRule("km/h|kph|kmh", "km/h"),
	unitRule("mph|miles per hour", "mph"),
	unitRule("m/s", "m/s"),
	unitRule("km2|square kilometres?|square kilometers?", "km2"),
	unitRule("hectares?|ha", "ha"),
	unitRule("acres?", "acre"),
	unitRule("km|kilometres?|kilometers?", "km"),
	unitRule("cm|centimetres?|centimeters?", "cm"),
	unitRule("mm|millimetres?|millimeters?", "mm"),
	unitRule("nm|nanometres?|nanometers?", "nm"),
	unitRule("µm|μm|micrometres?|micrometers?|microns?", "µm"),
	unitRule("mg/dl", "mg/dl"),
	unitRule("mmol/l", "mmol/l"),
	unitRule("mmhg", "mmhg"),
	unitRule("m|metres?|meters?", "m"),
	unitRule("miles?|mi", "mile"),
	unitRule("ft|feet|foot", "ft"),
	unitRule("inch(?:es)?", "inch"),
	unitRule("mg|milligrams?", "mg"),
	unitRule("µg|μg|mcg|micrograms?", "µg"),
	unitRule("kg|kilograms?|kilos?", "kg"),
	unitRule("g|grams?", "g"),
	unitRule("tonnes?|tons?|metric tons?|mt", "t"),
	unitRule("lbs?", "lb"),
	unitRule("pounds?", "pound"),
	unitRule("ml|millilitres?|milliliters?", "ml"),
	unitRule("litres?|liters?", "l"),
	unitRule("L", "l", { caseSensitive: true }),
	unitRule("gallons?|gal", "gal"),
	unitRule("ppm", "ppm"),
	unitRule("ppb", "ppb"),
	unitRule("years?|yrs?", "year"),
	unitRule("months?", "month"),
	unitRule("weeks?|wks?", "week"),
	unitRule("days?", "day"),
	unitRule("hours?|hrs?|h", "hour"),
	unitRule("minutes?|mins?", "minute"),
	unitRule("seconds?|secs?", "second"),
	unitRule("decades?", "decade"),
	unitRule("centur(?:y|ies)", "century"),
	unitRule("times|x|×|fold", "x"),
	unitRule("dollars?|usd|us dollars?", "$"),
	unitRule("euros?|eur", "€"),
	unitRule("gbp|sterling", "£"),
	unitRule("yen|jpy", "¥"),
	unitRule("yuan|renminbi|cny|rmb", "cny"),
	unitRule("points?|pts?", "point"),
	unitRule("st|nd|rd|th", "ordinal", { attached: true }),
];

/** Units a bare number may stand for: "over 65" says the same as "over 65 years". */
const SOFT_UNITS: ReadonlySet<string> = new Set([
	"year",
	"month",
	"week",
	"day",
	"hour",
	"minute",
	"second",
	"decade",
	"century",
	"ordinal",
	"point",
]);

/** Unit families: members describe the same kind of quantity in the same scale. */
const UNIT_FAMILY: ReadonlyMap<string, string> = new Map([
	["pp", "%"],
	["c", "°c"],
]);

function unitFamily(unit: string): string {
	return UNIT_FAMILY.get(unit) ?? unit;
}

/** Whether evidence stated with `evidenceUnit` carries a number the claim states with `claimUnit`. */
function unitsCompatible(claimUnit: string | null, evidenceUnit: string | null): boolean {
	if (claimUnit === null) return true;
	if (evidenceUnit === null) return SOFT_UNITS.has(claimUnit);
	const a = unitFamily(claimUnit);
	const b = unitFamily(evidenceUnit);
	if (a === b) return true;
	const pair = new Set([a, b]);
	if (pair.has("deg") && (pair.has("°c") || pair.has("°f"))) return true;
	return pair.has("pound") && (pair.has("lb") || pair.has("£"));
}

function sameValue(a: number, b: number): boolean {
	return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

type Tail = { scale: number; unit: string | null; end: number };

/** Multiplier and unit written after a number ending at `position`. */
function parseTail(text: string, position: number, currency: boolean): Tail {
	const rest = text.slice(position, position + 40);
	let consumed = 0;
	let scale = 1;
	const scaleWord = SCALE_WORD.exec(rest);
	if (scaleWord) {
		scale = SCALES.get((scaleWord[1] ?? "").toLowerCase()) ?? 1;
		consumed = scaleWord[0].length;
	} else {
		const short = (currency ? SHORT_SCALE_CURRENCY : SHORT_SCALE_ATTACHED).exec(rest);
		if (short) {
			scale = SHORT_SCALES.get((short[1] ?? short[2] ?? "").toLowerCase()) ?? 1;
			consumed = short[0].length;
		}
	}
	if (currency) return { scale, unit: null, end: position + consumed };
	const after = rest.slice(consumed);
	for (const rule of UNIT_RULES) {
		const match = rule.pattern.exec(after);
		if (match) return { scale, unit: rule.unit, end: position + consumed + match[0].length };
	}
	if (consumed === 0) {
		// Letters glued to digits that are no known unit ("3D", "1990s") still qualify the number.
		const glued = /^\p{L}+/u.exec(after);
		if (glued) return { scale, unit: glued[0].toLowerCase(), end: position + glued[0].length };
	}
	return { scale, unit: null, end: position + consumed };
}

function nounAfter(text: string, position: number): { noun: string | null; word: string } {
	const match = /^ ([\p{L}][\p{L}'-]*)/u.exec(text.slice(position, position + 40));
	const word = match?.[1] ?? "";
	const lower = word.toLowerCase();
	if (!word || STOPWORDS.has(lower) || NUMBER_WORDS.has(lower)) return { noun: null, word };
	return { noun: stem(lower.replace(/'s$/u, "")), word };
}

function quantityAt(text: string, start: number, value: number, tail: Tail, unit: string | null): Scanned {
	const { noun, word } = unit === null ? nounAfter(text, tail.end) : { noun: null, word: "" };
	const written = text.slice(start, tail.end).trim();
	return {
		value: value * tail.scale,
		unit,
		text: written,
		start,
		end: tail.end,
		scale: tail.scale,
		noun,
		shown: word ? `${written} ${word}` : written,
		year: false,
		soft: false,
	};
}

/** Every number in normalised text: digits, number words, and the ranges that share a unit. */
function scanQuantities(text: string): Scanned[] {
	const found: Scanned[] = [];
	for (const match of text.matchAll(DIGIT_NUMBER)) {
		const sign = match[1] ?? "";
		const digits = match[2] ?? "";
		const fraction = match[3] ?? "";
		// Only the few characters before a number can qualify it; a bounded slice keeps the scan linear.
		const before = text.slice(Math.max(0, match.index - 40), match.index);
		// "COVID-19", "SARS-CoV-2": a code, checked as a name.
		const hyphenated = /([\p{L}\p{N}]+)-$/u.exec(before)?.[1];
		if (!sign && hyphenated !== undefined && /\p{Lu}/u.test(hyphenated)) continue;
		// After a period: ".5" is a half, "1.2.3" a version's tail, "(NHLBI).4" a footnote number.
		const beforePeriod = before.endsWith(".") ? before.charAt(before.length - 2) : null;
		if (beforePeriod !== null && /\d/u.test(beforePeriod)) continue;
		const leadingPoint = beforePeriod !== null && !sign && /^$|[\s(]/u.test(beforePeriod);
		let value = Number((leadingPoint ? "0." : "") + digits.replace(/,/gu, "") + fraction);
		if (sign === "-" || (!sign && /\bminus $/iu.test(before))) value = -value;
		const currencyMatch = CURRENCY_BEFORE.exec(before);
		const numberEnd = match.index + match[0].length;
		const tail = parseTail(text, numberEnd, currencyMatch !== null);
		const currency = currencyMatch
			? (CURRENCY_SYMBOLS.find(([pattern]) => pattern.test(currencyMatch[0]))?.[1] ?? "$")
			: null;
		const numberStart = leadingPoint ? match.index - 1 : match.index;
		const start = currencyMatch ? numberStart - currencyMatch[0].length : numberStart;
		const quantity = quantityAt(text, start, value, tail, currency ?? tail.unit);
		const plainYear = !sign && !fraction && /^\d{4}$/u.test(digits) && value >= 1800 && value <= 2100;
		if (plainYear && tail.unit === "s") quantity.unit = "decade";
		quantity.year = plainYear && quantity.unit === null && tail.scale === 1;
		found.push(quantity);
	}
	found.push(...scanNumberWords(text, found));
	found.sort((a, b) => a.start - b.start);
	shareRangeUnits(text, found);
	return found;
}

type WordAt = { word: string; start: number; end: number };

function numberWordClass(word: string): "small" | "tens" | "scale" | "dozen" | "and" | "article" | null {
	if (SMALL_NUMBERS.has(word)) return "small";
	if (TENS.has(word)) return "tens";
	if (SCALES.has(word)) return "scale";
	if (word === "dozen") return "dozen";
	if (word === "and") return "and";
	if (word === "a" || word === "an") return "article";
	return null;
}

/** Which number word may follow another in one number: "twenty-five", "one hundred and five", "a dozen". */
function mayFollow(previous: string, next: string): boolean {
	const prev = numberWordClass(previous);
	const cls = numberWordClass(next);
	if (prev === "article") return cls === "scale" || cls === "dozen";
	if (prev === "small") return cls === "scale" || cls === "dozen";
	if (prev === "tens") return (cls === "small" && (SMALL_NUMBERS.get(next) ?? 10) < 10) || cls === "scale";
	if (prev === "scale") return cls === "small" || cls === "tens" || cls === "scale" || cls === "and";
	if (prev === "and") return cls === "small" || cls === "tens";
	return false;
}

function numberWordsValue(words: readonly string[]): number {
	let total = 0;
	let current = 0;
	for (const word of words) {
		const small = SMALL_NUMBERS.get(word) ?? TENS.get(word);
		if (small !== undefined) current += small;
		else if (word === "hundred") current = (current || 1) * 100;
		else if (word === "dozen") current = (current || 1) * 12;
		else {
			const scale = SCALES.get(word);
			if (scale !== undefined) {
				total += (current || 1) * scale;
				current = 0;
			}
		}
	}
	return total + current;
}

const PRONOUN_ONE_BEFORE: ReadonlySet<string> = new Set(
	"no any every each some the this that which another".split(" "),
);

function scanNumberWords(text: string, digitQuantities: readonly Scanned[]): Scanned[] {
	const allWords: WordAt[] = Array.from(text.matchAll(/\p{L}+/gu), (match) => ({
		word: match[0].toLowerCase(),
		start: match.index,
		end: match.index + match[0].length,
	}));
	const taken = new Set(tokensWithin(allWords, digitQuantities));
	const words = allWords.filter((word) => !taken.has(word));
	const found: Scanned[] = [];
	for (let index = 0; index < words.length; index += 1) {
		const first = words[index];
		if (!first) continue;
		const firstClass = numberWordClass(first.word);
		if (firstClass === null || firstClass === "and") continue;
		let last = index;
		while (last + 1 < words.length) {
			const current = words[last];
			const next = words[last + 1];
			if (!current || !next || !/^(?: |-)$/u.test(text.slice(current.end, next.start))) break;
			if (!mayFollow(current.word, next.word)) break;
			last += 1;
		}
		while (last > index && ["and", "a", "an"].includes(words[last]?.word ?? "")) last -= 1;
		const phrase = words.slice(index, last + 1).map((word) => word.word);
		const end = words[last]?.end ?? first.end;
		index = last;
		if (phrase.every((word) => word === "a" || word === "an")) continue;
		const previous = words[index - phrase.length]?.word ?? "";
		const following = words[last + 1]?.word ?? "";
		const loneOne = phrase.length === 1 && phrase[0] === "one";
		if (loneOne && (PRONOUN_ONE_BEFORE.has(previous) || following === "another")) continue;
		let value = numberWordsValue(phrase);
		if (previous === "minus") value = -value;
		const tail = parseTail(text, end, false);
		const quantity = quantityAt(text, first.start, value, tail, tail.unit);
		quantity.soft = loneOne && tail.unit === null;
		found.push(quantity);
	}
	return found;
}

/** "10-15%" and "between 2 and 3 million": the first number takes the unit and scale of the second. */
function shareRangeUnits(text: string, quantities: Scanned[]): void {
	for (let index = 0; index + 1 < quantities.length; index += 1) {
		const first = quantities[index];
		const second = quantities[index + 1];
		if (!first || !second) continue;
		if (!/^ ?(?:-|to|and|or) ?$/iu.test(text.slice(first.end, second.start))) continue;
		if (first.unit !== null && second.unit !== null && !unitsCompatible(first.unit, second.unit)) continue;
		const bare = first.unit === null && first.noun === null;
		if (first.unit === null && second.unit !== null) first.unit = second.unit;
		if (bare && first.scale === 1 && second.scale > 1) {
			first.value *= second.scale;
			first.scale = second.scale;
		}
		if (first.noun === null && first.unit === null) first.noun = second.noun;
		if (first.unit !== null || first.noun !== null) first.year = false;
	}
}

/** What a number measures: its unit family, "year", or the noun it counts; null when unknown. */
function quantityKind(quantity: Scanned): string | null {
	if (quantity.unit !== null) return unitFamily(quantity.unit);
	if (quantity.year) return "year";
	return quantity.noun === null ? null : `#${quantity.noun}`;
}

function sameKind(a: Scanned, b: Scanned): boolean {
	if (a.unit !== null && b.unit !== null) return unitsCompatible(a.unit, b.unit);
	const kind = quantityKind(a);
	return kind !== null && kind === quantityKind(b);
}

function shownQuantity(quantity: Scanned): string {
	return quantity.text.replace(/ %/u, "%");
}

type NumberIssue = { kind: "missing" | "unit" | "differs"; claim: Scanned; evidence: Scanned | null };

function numberIssues(claim: readonly Scanned[], evidence: readonly Scanned[]): NumberIssue[] {
	const issues: NumberIssue[] = [];
	for (const quantity of claim) {
		if (quantity.soft) continue;
		const equal = evidence.filter((candidate) => sameValue(quantity.value, candidate.value));
		if (equal.some((candidate) => unitsCompatible(quantity.unit, candidate.unit))) continue;
		const rival = evidence.find(
			(candidate) => !sameValue(quantity.value, candidate.value) && sameKind(quantity, candidate),
		);
		if (rival) issues.push({ kind: "differs", claim: quantity, evidence: rival });
		else if (equal[0]) issues.push({ kind: "unit", claim: quantity, evidence: equal[0] });
		else issues.push({ kind: "missing", claim: quantity, evidence: null });
	}
	return issues;
}

function numberReason(issues: readonly NumberIssue[]): string {
	const differs = issues.find((issue) => issue.kind === "differs");
	if (differs?.evidence) {
		return `the claim says ${shownQuantity(differs.claim)} where its quotes say ${shownQuantity(differs.evidence)}`;
	}
	const unit = issues.find((issue) => issue.kind === "unit");
	if (unit?.evidence) {
		return `the claim's ${shownQuantity(unit.claim)} appears in its quotes only as ${unit.evidence.shown}`;
	}
	const missing = issues.map((issue) => shownQuantity(issue.claim));
	return missing.length === 1
		? `the claim's ${missing[0]} does not appear in its quotes`
		: `the claim's ${joinWords(missing)} do not appear in its quotes`;
}

function joinWords(words: readonly string[]): string {
	if (words.length <= 1) return words.join("");
	return `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

// ---------------------------------------------------------------------------------------------
// Names

type Name = { surface: string; normalized: string; acronym: boolean; start: number; end: number };

const NAME_TOKEN = /[\p{L}\p{N}]+(?:[-'&.][\p{L}\p{N}]+)*/gu;

type NameToken = { surface: string; start: number; end: number; sentenceStart: boolean };

function nameTokens(text: string): NameToken[] {
	const tokens: NameToken[] = [];
	let previousEnd = 0;
	let previousSurface = "";
	for (const match of text.matchAll(NAME_TOKEN)) {
		const gap = text.slice(previousEnd, match.index);
		const afterAbbreviation =
			ABBREVIATIONS.has(previousSurface.toLowerCase()) || /^(?:\p{L}\.)*\p{L}$/u.test(previousSurface);
		const sentenceStart =
			tokens.length === 0 ||
			/\n/u.test(gap) ||
			(/[.!?:]/u.test(gap) && !(gap.startsWith(".") && afterAbbreviation));
		const surface = match[0].replace(/'s$/u, "");
		tokens.push({ surface, start: match.index, end: match.index + match[0].length, sentenceStart });
		previousEnd = match.index + match[0].length;
		previousSurface = match[0];
	}
	return tokens;
}

function isAcronymLike(surface: string): boolean {
	return (
		(surface.match(/\p{Lu}/gu)?.length ?? 0) >= 2 ||
		(/\p{L}/u.test(surface) && /^\p{L}.*\p{N}/u.test(surface))
	);
}

function isCapitalized(surface: string): boolean {
	return /^\p{Lu}/u.test(surface) || isAcronymLike(surface);
}

function normalizeName(text: string): string {
	return text
		.normalize("NFKC")
		.toLowerCase()
		.replace(/[^\p{L}\p{N}]+/gu, " ")
		.trim();
}

/** Capitalised words that appear capitalised somewhere other than at a sentence start. */
function midSentenceCapitals(texts: readonly string[]): Set<string> {
	const capitals = new Set<string>();
	for (const text of texts) {
		for (const token of nameTokens(text)) {
			if (!token.sentenceStart && isCapitalized(token.surface)) capitals.add(token.surface);
		}
	}
	return capitals;
}

/**
 * Proper names, acronyms and codes: runs of capitalised words ("Argonne National Laboratory"),
 * joined by "of", "for", "and"…, plus acronyms and codes ("SEI", "COVID-19"). A lone capitalised
 * word at a sentence start (or after a colon) counts only when it is an acronym or is among
 * `capitals`, the words written capitalised mid-sentence in the claim or its evidence.
 */
function extractNames(text: string, capitals: ReadonlySet<string>, quantities: readonly Scanned[]): Name[] {
	// "20 degrees Celsius": words of a quantity are checked with its number.
	const all = nameTokens(text);
	const taken = new Set(tokensWithin(all, quantities));
	const tokens = all.filter((token) => !taken.has(token));
	const names: Name[] = [];
	let index = 0;
	while (index < tokens.length) {
		const token = tokens[index];
		if (!token || !isCapitalized(token.surface)) {
			index += 1;
			continue;
		}
		const run: NameToken[] = [token];
		let next = index + 1;
		while (next < tokens.length) {
			const previous = run.at(-1);
			const candidate = tokens[next];
			if (
				!previous ||
				!candidate ||
				text.slice(previous.end, candidate.start) !== " " ||
				candidate.sentenceStart
			) {
				break;
			}
			if (isCapitalized(candidate.surface)) {
				run.push(candidate);
				next += 1;
				continue;
			}
			const after = tokens[next + 1];
			// "and" joins "Food and Drug Administration" but not "Argonne National Laboratory and NASA".
			const joins =
				!["and", "&"].includes(candidate.surface) ||
				((run.length === 1 || run.some((word) => ["of", "for"].includes(word.surface))) &&
					after !== undefined &&
					!isAcronymLike(after.surface));
			if (
				NAME_CONNECTORS.has(candidate.surface) &&
				joins &&
				after &&
				text.slice(candidate.end, after.start) === " " &&
				isCapitalized(after.surface)
			) {
				run.push(candidate, after);
				next += 2;
				continue;
			}
			break;
		}
		index = next;
		const name = trimNameRun(run, capitals);
		if (name) names.push(name);
	}
	return names;
}

function trimNameRun(run: readonly NameToken[], capitals: ReadonlySet<string>): Name | null {
	let from = 0;
	let to = run.length;
	while (from < to && isDroppableWord(run[from]?.surface ?? "")) from += 1;
	while (to > from && NAME_CONNECTORS.has((run[to - 1]?.surface ?? "").toLowerCase())) to -= 1;
	const kept = run.slice(from, to);
	const first = kept[0];
	if (!first) return null;
	if (kept.length === 1) {
		if (first.surface.length < 2 || /^I$/u.test(first.surface)) return null;
		const acronym = isAcronymLike(first.surface);
		if (!acronym && first.sentenceStart && !capitals.has(first.surface)) return null;
	}
	const surface = kept.map((token) => token.surface).join(" ");
	return {
		surface,
		normalized: normalizeName(surface),
		acronym: kept.length === 1 && isAcronymLike(first.surface),
		start: first.start,
		end: kept.at(-1)?.end ?? first.end,
	};
}

/** A capitalised stopword ("The", "After", "In") or lone letter opens a run without naming anything. */
function isDroppableWord(surface: string): boolean {
	const lower = surface.toLowerCase();
	return (STOPWORDS.has(lower) && !isAcronymLike(surface)) || surface.length < 2;
}

type EvidenceNames = { padded: string; words: string[] };

function evidenceNames(text: string): EvidenceNames {
	const normalized = normalizeName(text);
	return { padded: ` ${normalized} `, words: normalized === "" ? [] : normalized.split(" ") };
}

/** Whether the evidence mentions a name: in full, by its distinctive words, or spelled out as an acronym. */
function mentions(evidence: EvidenceNames, name: Name): boolean {
	const phrase = name.normalized;
	if (phrase === "") return true;
	const variants = [phrase, `${phrase}s`];
	if (name.acronym && phrase.endsWith("s")) variants.push(phrase.slice(0, -1));
	if (variants.some((variant) => evidence.padded.includes(` ${variant} `))) return true;
	const words = phrase.split(" ");
	const distinctive = words.filter((word) => !GENERIC_NAME_WORDS.has(word));
	if (
		words.length > 1 &&
		distinctive.length > 0 &&
		distinctive.every(
			(word) => evidence.padded.includes(` ${word} `) || evidence.padded.includes(` ${word}s `),
		)
	) {
		return true;
	}
	return name.acronym && spelledOut(evidence.words, phrase.replace(/ /gu, ""));
}

/** "SEI" in "solid electrolyte interphase": consecutive words whose initials spell the acronym. */
function spelledOut(words: readonly string[], acronym: string): boolean {
	// A code with digits ("CO2") is no abbreviation of words.
	if (/\d/u.test(acronym)) return false;
	const letters = acronym.replace(/s$/u, "");
	if (letters.length < 2) return false;
	for (let start = 0; start < words.length; start += 1) {
		let position = 0;
		let index = start;
		while (index < words.length && position < letters.length) {
			const word = words[index] ?? "";
			const connector = NAME_CONNECTORS.has(word);
			// A connector may give its letter too: "coefficient of performance" is COP.
			if (word.startsWith(letters.charAt(position)) && (!connector || position > 0)) position += 1;
			else if (position === 0 || !connector) break;
			index += 1;
		}
		if (position === letters.length) return true;
	}
	return false;
}

// ---------------------------------------------------------------------------------------------
// Coverage

type Coverage = { value: number; missing: string[]; total: number };

function polarKeys(tokens: readonly Token[]): Set<string> {
	const keys = new Set<string>();
	tokens.forEach((_, index) => {
		for (const entry of polarEntriesAt(tokens, index)) keys.add(`${entry.group}:${entry.side}`);
	});
	return keys;
}

/**
 * Weighted share of the claim's content words found in the evidence. A word counts as found by
 * its stem, by a longer or shorter form sharing at least five letters ("reduction" for "reduce"),
 * by a word on the same side of the same antonym group ("fell" for "lost"), or by belonging to a
 * name the evidence mentions ("National Laboratory" of "Argonne National Laboratory").
 */
function coverageOf(claim: TextAnalysis, evidence: TextAnalysis, mentioned: readonly Span[]): Coverage {
	const evidenceStems = new Set(evidence.tokens.map((token) => token.key));
	const longStems = Array.from(evidenceStems).filter((other) => other.length >= 5);
	const evidencePolar = polarKeys(evidence.tokens);
	const seen = new Set<string>();
	let total = 0;
	let found = 0;
	const missing: string[] = [];
	claim.tokens.forEach((token, index) => {
		if (!token.content || token.numeric || token.inQuantity || seen.has(token.key)) return;
		seen.add(token.key);
		const weight = HEDGE_STEMS.has(token.key) ? HEDGE_WEIGHT : 1;
		total += weight;
		const present =
			evidenceStems.has(token.key) ||
			mentioned.some((span) => token.start >= span.start && token.end <= span.end) ||
			(token.key.length >= 5 &&
				longStems.some((other) => other.startsWith(token.key) || token.key.startsWith(other))) ||
			polarEntriesAt(claim.tokens, index).some((entry) => evidencePolar.has(`${entry.group}:${entry.side}`));
		if (present) found += weight;
		else if (weight === 1) missing.push(token.surface);
	});
	return { value: total === 0 ? 0 : found / total, missing, total };
}

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * The facts of a text that the support and contradiction checks compare: its numbers with units,
 * whether it negates, whether it speaks of a rise or a fall, its names and its content words.
 * @example textFacts("Prices did not rise 5% in 2023, the ECB said").quantities
 * // [{ value: 5, unit: "%", text: "5%" }, { value: 2023, unit: null, text: "2023" }]
 */
export function textFacts(text: string): TextFacts {
	const analysis = analyse(text);
	let direction = 0;
	for (const clause of analysis.clauses) {
		clause.tokens.forEach((token, index) => {
			for (const entry of polarEntriesAt(clause.tokens, index)) {
				if (entry.group !== "direction") continue;
				const flipped = (clause.negated.get(token.key) ?? 0) > 0;
				direction += (entry.side === 0) !== flipped ? 1 : -1;
			}
		});
	}
	const content = new Set<string>();
	for (const token of analysis.tokens) {
		if (token.content && !token.numeric && !token.inQuantity) content.add(token.key);
	}
	return {
		quantities: analysis.quantities.map(({ value, unit, text: written }) => ({ value, unit, text: written })),
		negated: analysis.clauses.some((clause) => (clause.negations + clause.ungoverned) % 2 === 1),
		direction: direction > 0 ? 1 : direction < 0 ? -1 : 0,
		names: extractNames(analysis.text, midSentenceCapitals([analysis.text]), analysis.quantities).map(
			(name) => name.normalized,
		),
		content: Array.from(content),
	};
}

/** The claim appears in a quote as a whole phrase, not cut from a number or a word, and not negated just before. */
function isOwnQuote(claim: string, quotes: readonly string[]): boolean {
	if (claim === "") return false;
	for (const quote of quotes) {
		const haystack = identityForm(quote);
		for (let at = haystack.indexOf(claim); at !== -1; at = haystack.indexOf(claim, at + 1)) {
			const before = haystack.slice(0, at);
			const after = haystack.slice(at + claim.length);
			if (!/(?:^|[\s(["'])$/u.test(before)) continue;
			if (!/^(?:$|[\s)\]"',;:!?]|\.(?!\d))/u.test(after)) continue;
			if (negatedJustBefore(before)) continue;
			return true;
		}
	}
	return false;
}

function negatedJustBefore(before: string): boolean {
	const sentence = before.split(/[.!?;:]/u).at(-1) ?? "";
	const words = sentence.trim().split(/\s+/u).slice(-3);
	return words.some(
		(word, index) =>
			NEGATOR_WORDS.has(word) || word.endsWith("n't") || (FAIL_WORDS.has(word) && words[index + 1] === "to"),
	);
}

/**
 * Whether a claim is supported by the verbatim passages its finding cites. Deterministic and pure:
 * the same claim and quotes always give the same result. A finding without any quote is a hard
 * failure too, since there is nothing a judge could weigh.
 * @example
 * checkSupport(
 *   "A 2019 Argonne National Laboratory study found that SEI growth accounts for 68% of capacity loss",
 *   ["A protective layer forms on the anode surface."],
 * ) // { verdict: "unsupported", reason: "the claim's 2019 and 68% do not appear in its quotes", hardFailure: true, … }
 * @example
 * checkSupport("Capacity fell by 20% after 500 cycles", ["After 500 cycles, the cells had lost 20% of their capacity."])
 * // { verdict: "supported", … }
 */
export function checkSupport(claim: string, evidence: readonly string[]): SupportResult {
	const quotes = evidence.filter((quote) => HAS_WORD.test(quote));
	if (quotes.length === 0) {
		return { verdict: "unsupported", reason: "no verbatim quote", hardFailure: true, coverage: 0 };
	}
	if (!HAS_WORD.test(claim)) {
		return {
			verdict: "unsupported",
			reason: "the claim has no words to check",
			hardFailure: true,
			coverage: 0,
		};
	}
	if (isOwnQuote(identityForm(claim), quotes)) {
		return { verdict: "supported", reason: "the claim is its own quote", hardFailure: false, coverage: 1 };
	}
	const claimAnalysis = analyse(claim);
	const evidenceAnalysis = analyse(quotes.map(normalizeSurface).join("\n"));
	const capitals = midSentenceCapitals([claimAnalysis.text, evidenceAnalysis.text]);
	const evidenceNameIndex = evidenceNames(evidenceAnalysis.text);
	const names = extractNames(claimAnalysis.text, capitals, claimAnalysis.quantities);
	const unnamed = names.filter((name) => !mentions(evidenceNameIndex, name));
	const coverage = coverageOf(
		claimAnalysis,
		evidenceAnalysis,
		names.filter((name) => !unnamed.includes(name)),
	);
	const result = (verdict: SupportVerdict, reason: string, hardFailure: boolean): SupportResult => ({
		verdict,
		reason,
		hardFailure,
		coverage: roundCoverage(coverage.value),
	});

	const numbers = numberIssues(claimAnalysis.quantities, evidenceAnalysis.quantities);
	if (numbers.some((issue) => issue.kind === "differs")) {
		return result("contradicted", numberReason(numbers), true);
	}
	const polarity = polarityIssue(claimAnalysis.clauses, evidenceAnalysis.regions);
	if (polarity) return result("contradicted", polarity.detail, true);
	if (numbers.length > 0) return result("unsupported", numberReason(numbers), true);
	if (unnamed.length > 0) {
		const listed = joinWords(Array.from(new Set(unnamed.map((name) => name.surface))));
		return result("unsupported", `names ${listed}, which its quotes do not mention`, true);
	}

	if (coverage.total === 0) return result("unsupported", "the claim has no content words to check", false);
	const missing = coverage.missing.slice(0, 5).map((word) => `“${word}”`);
	if (coverage.value >= SUPPORTED_COVERAGE) {
		return result(
			"supported",
			`its quotes hold the claim's numbers, names and ${percent(coverage.value)} of its words`,
			false,
		);
	}
	if (coverage.value >= PARTIAL_COVERAGE) {
		return result("partial", `only part of the claim is in its quotes: missing ${missing.join(", ")}`, false);
	}
	return result(
		"unsupported",
		`its quotes do not mention most of the claim: missing ${missing.join(", ")}`,
		false,
	);
}

function roundCoverage(value: number): number {
	return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}

function percent(value: number): string {
	return `${Math.round(value * 100)}%`;
}

/** The clause of an analysed text that holds a position. */
function clauseAt(analysis: TextAnalysis, position: number): Clause | null {
	let best: Clause | null = null;
	for (const clause of analysis.clauses) {
		const first = clause.tokens[0];
		if (first && first.start <= position) best = clause;
	}
	return best ?? analysis.clauses[0] ?? null;
}

/** Content words of a clause that say what it is about: no numbers, no hedges, polar words optional. */
function subjectWords(clause: Clause | null, withPolar: boolean): Token[] {
	if (!clause) return [];
	return clause.tokens.filter(
		(token, index) =>
			token.content &&
			!token.numeric &&
			!HEDGE_STEMS.has(token.key) &&
			(withPolar || !isPolar(clause.tokens, index)),
	);
}

type Anchors = { head: string | null; modifier: string | null; near: Set<string> };

/**
 * The word a number is about (the nearest non-polar subject word before it, or else after it), the
 * subject word written right before that one ("solar" in "solar capacity"), and the words around
 * the number (three before, two after, polar ones included: "losses" is a subject too).
 */
function anchorsOf(analysis: TextAnalysis, quantity: Scanned): Anchors {
	const clause = clauseAt(analysis, quantity.start);
	const words = subjectWords(clause, true);
	const plain = new Set(subjectWords(clause, false));
	const before = words.filter((token) => token.end <= quantity.start);
	const after = words.filter((token) => token.start >= quantity.end);
	const near = new Set([...before.slice(-3), ...after.slice(0, 2)].map((token) => token.key));
	const head = before.filter((token) => plain.has(token)).at(-1) ?? after.find((token) => plain.has(token));
	const headIndex = head && clause ? clause.tokens.indexOf(head) : -1;
	const previous = headIndex > 0 ? clause?.tokens[headIndex - 1] : undefined;
	const modifier = previous && words.includes(previous) ? previous.key : null;
	return { head: head?.key ?? null, modifier, near };
}

function numericContradiction(a: TextAnalysis, b: TextAnalysis): string | null {
	const comparable = (quantity: Scanned) =>
		!quantity.soft && !quantity.year && quantityKind(quantity) !== null;
	for (const first of a.quantities.filter(comparable)) {
		if (
			b.quantities.some(
				(other) => sameValue(first.value, other.value) && unitsCompatible(first.unit, other.unit),
			)
		) {
			continue;
		}
		for (const second of b.quantities.filter(comparable)) {
			if (sameValue(first.value, second.value) || !sameKind(first, second)) continue;
			if (
				a.quantities.some(
					(other) => sameValue(second.value, other.value) && unitsCompatible(second.unit, other.unit),
				)
			) {
				continue;
			}
			const firstWords = new Set(subjectWords(clauseAt(a, first.start), true).map((token) => token.key));
			const shared = subjectWords(clauseAt(b, second.start), true).filter((token) =>
				firstWords.has(token.key),
			);
			if (new Set(shared.map((token) => token.key)).size < 2) continue;
			const anchorsA = anchorsOf(a, first);
			const anchorsB = anchorsOf(b, second);
			// "Solar capacity" and "wind capacity" share a head but are different quantities.
			const secondWords = new Set(subjectWords(clauseAt(b, second.start), true).map((token) => token.key));
			if (
				anchorsA.modifier !== null &&
				anchorsB.modifier !== null &&
				!secondWords.has(anchorsA.modifier) &&
				!firstWords.has(anchorsB.modifier)
			) {
				continue;
			}
			const sameHead =
				(anchorsA.head !== null && anchorsB.near.has(anchorsA.head)) ||
				(anchorsB.head !== null && anchorsA.near.has(anchorsB.head));
			if (!sameHead) continue;
			const about = Array.from(new Set(shared.map((token) => token.surface.toLowerCase()))).join(" ");
			return `${shownQuantity(first)} against ${shownQuantity(second)} for ${about}`;
		}
	}
	return null;
}

function subjectSet(analysis: TextAnalysis): Set<string> {
	return new Set(analysis.clauses.flatMap((clause) => subjectWords(clause, false).map((token) => token.key)));
}

function polarityContradiction(a: TextAnalysis, b: TextAnalysis): string | null {
	const wordsA = subjectSet(a);
	const wordsB = subjectSet(b);
	let shared = 0;
	for (const key of wordsA) if (wordsB.has(key)) shared += 1;
	const union = wordsA.size + wordsB.size - shared;
	if (union === 0 || shared / union < SAME_SUBJECT_JACCARD) return null;
	// One side may add detail; if both bring words of their own they speak of different things
	// ("cut emissions" and "raised bills"). Adverbs of degree do not change the subject.
	const own = (from: Set<string>, other: Set<string>) =>
		Array.from(from).filter((key) => !other.has(key) && !key.endsWith("ly")).length;
	if (Math.min(own(wordsA, wordsB), own(wordsB, wordsA)) > 0) return null;
	const issue = polarityIssue(a.clauses, b.regions) ?? polarityIssue(b.clauses, a.regions);
	return issue === null
		? null
		: issue.detail.replace(/its quote/gu, "the other").replace(/the claim/gu, "one");
}

/**
 * Whether two claims give different values for the same quantity or opposite polarity on the same subject; returns a reason or null.
 * A numeric contradiction needs the same unit (or counted noun), at least two shared subject words
 * and the same word next to the number; years are left out, since findings from different sources
 * naturally cite different years. A polarity contradiction needs a content-word Jaccard of at least
 * 0.4, no subject words of its own on both sides, and a negation or antonym on one side only.
 * @example contradictionBetween("Winter efficiency losses were 31%", "Studies report winter losses of 24%")
 * // { reason: "numeric", detail: "31% against 24% for winter losses" }
 * @example contradictionBetween("The vaccine reduced hospital admissions", "The vaccine did not reduce hospital admissions")
 * // { reason: "polarity", detail: "one drops the negation in the other (“not … reduce”)" }
 */
export function contradictionBetween(
	a: string,
	b: string,
): { reason: "numeric" | "polarity"; detail: string } | null {
	const first = analyse(a);
	const second = analyse(b);
	const numeric = numericContradiction(first, second);
	if (numeric !== null) return { reason: "numeric", detail: numeric };
	const polarity = polarityContradiction(first, second);
	if (polarity !== null) return { reason: "polarity", detail: polarity };
	return null;
}

/**
 * Sub-questions: the facets of a research question, so that an answer can be checked facet by facet.
 * Everything here is a pure function of the task text.
 *
 * A task splits, in this order:
 * 1. into list items: bulleted or numbered lines, or an inline "(1) … (2) …" / "1) … 2) …" sequence;
 *    the text before the list is context;
 * 2. into sentences; a sentence that neither ends with "?" nor opens with a question word, an
 *    auxiliary or an instruction verb ("compare", "explain" …) is context, unless it is the only one;
 * 3. each question into clauses at ";" and at ", " or "and"/"or"/"but" before a question word or an
 *    auxiliary ("…, and which conditions accelerate it?", "… and how does it work?"); a clause
 *    without content words joins its neighbour ("how and why …" stays whole);
 * 4. each clause into one facet per item of an enumeration joined by "and": three or more items
 *    ("cost, grid impact and emissions"), or two after "the", "their", "its", "in terms of", "with
 *    respect to" or "regarding" ("the benefits and risks of …"); the item takes the enumeration's
 *    place in the text, and a first item longer than all the others gives its extra leading words
 *    back to the text ("affect corals, shellfish and fish"). "Or" joins alternatives, not facets.
 * Facets with the same focus are merged, and facets past the sixth join the sixth.
 *
 * Terms are stemmed content words without instruction words ("compare", "describe", "key" …) and
 * light verbs ("become", "get"):
 * - subject: terms of the context sentences, terms found in two or more facets (in one form or
 *   another: "resistant" and "resistance"), and, when a later clause of the first facet's sentence
 *   follows it or a facet refers back ("it", "its", "they", "their", "this", "these", "those"), the
 *   first facet's terms other than the noun right after its "what"/"which" (its question head);
 * - focus: the facet's own terms that are not subject terms (all its terms when none is left); when
 *   later facets build on the first one, the first is the main question and its focus is all its
 *   terms. A term a facet adds that belongs to a RELATED_GROUPS group brings the group along ("limit"
 *   → "barrier", "obstacle" …), and a facet that asks for a quantity, a cause or people ("who …?")
 *   adds that answer cue (see `answerCues`);
 * - terms: focus, then subject, each once.
 */
import { STOPWORDS } from "../lib/stop-words";
import { isContentWord, sameWord, shortenAtBoundary, stem, wordsOf } from "../providers/text";

/** One facet of a task: an id ("Q1"), its text, and its terms for ranking. */
export type SubQuestion = {
	id: string;
	/** The facet in words, at most 300 characters. */
	text: string;
	/** Focus terms, then the task's shared subject terms; stemmed, each once. */
	terms: string[];
	/** The stemmed content words this facet adds to the task's subject, with related words and answer cues. */
	focus: string[];
};

/** Most facets a task is split into; more would leave each too few findings. */
export const MAX_SUB_QUESTIONS = 6;
const MAX_TEXT_CHARS = 300;

/** Words that say what to do with a subject rather than what the subject is, and light verbs. */
const INSTRUCTION_WORDS: ReadonlySet<string> = new Set(
	(
		"compare compared comparing comparison contrast contrasting describe describing explain explaining " +
		"evaluate evaluating assess assessing analyse analyze analysing analyzing summarise summarize summary " +
		"discuss identify list outline review examine investigate determine provide give tell show overview " +
		"research researching find please extent way ways main key major primary various different " +
		"respectively vs versus role aspects terms respect regarding much many become becomes becoming became " +
		"get gets getting got play plays played take takes taken"
	).split(" "),
);

/** The term of passages that state a quantity (a number that is not a year, "a third", "half" …). */
export const QUANTITY_TERM = "#quantity";
/**
 * The term of passages that state a cause ("because", "due to", "caused by", "leads to", "driven by",
 * "fostered by", "amplified" …).
 */
export const CAUSE_TERM = "#cause";
/** The term of passages that name people or groups of them ("residents", "older adults", "those who" …). */
export const PEOPLE_TERM = "#people";

/** Each answer cue: what in a facet asks for it, and what in a passage states it. */
const ANSWER_CUES: readonly { term: string; asks: RegExp; states: RegExp }[] = [
	{
		term: QUANTITY_TERM,
		asks: /\bhow (?:much|many|large|big|serious|severe|common|widespread|often|high|low|fast|far|long|strong|significant|prevalent)\b|\b(?:extent|magnitude|scale|prevalence|proportion|percentage|number of|amount of)\b/iu,
		states:
			/(?<![\p{L}\p{N}.,])(?!(?:1[89]|20)\d{2}(?![\d.,]|\s?%))\d[\d,]*(?:\.\d+)?|\b(?:a|one|two)[- ](?:third|quarter|fifth)s?\b|\bhalf\b|\bmajority\b|\bper ?cent\b/iu,
	},
	{
		term: CAUSE_TERM,
		asks: /^why\b|\b(?:caus\w*|driv\w*|reasons?|mechanisms?|factors?|leads? to|contribut\w*|responsible for|origins?)\b/iu,
		states:
			/\b(?:because|due to|caused by|causes?|causing|result(?:s|ed)? (?:of|in|from)|lead(?:s|ing)? to|led to|driven by|drives?|contribut(?:es|ed|ing) to|owing to|as a result|trigger(?:s|ed)?|responsible for|stems? from|stemmed from|mechanisms?|give(?:s|n)? rise to|gave rise to|attributable to|foster(?:s|ed|ing)?|amplif(?:y|ies|ied|ying)|magnif(?:y|ies|ied|ying)|exacerbat(?:e|es|ed|ing)|fuel(?:s|ed|led)?|worsen(?:s|ed)?)\b/iu,
	},
	{
		term: PEOPLE_TERM,
		asks: /^(?:who|whom)\b|\b(?:which|what) (?:people|persons|groups?|populations?|communities|individuals)\b/iu,
		states:
			/\b(?:people|persons?|individuals?|residents?|populations?|communities|groups? of|children|adults|elderly|older|younger|infants?|women|men|workers?|patients?|households?|families|neighbou?rhoods?|those (?:who|with)|anyone who)\b/iu,
	},
];

/**
 * Words a source often uses for what a question asks about in other words: a facet that asks about
 * limits is answered by a passage on barriers. Each group's stems stand for one another.
 */
const RELATED_GROUPS: readonly (readonly string[])[] = [
	["limit", "barrier", "obstacle", "constraint", "challenge", "drawback", "hurdle", "concern", "bottleneck"],
	["disadvantage", "drawback", "downside", "weakness"],
	["advantage", "benefit", "strength", "upside"],
	["cost", "price", "expense", "affordability"],
	["risk", "hazard", "danger", "threat"],
	["cause", "driver", "factor", "reason"],
	["effect", "impact", "consequence", "influence"],
	["mechanism", "process", "pathway"],
].map((group) => group.map(stem));
const RELATED: ReadonlyMap<string, readonly string[]> = new Map(
	RELATED_GROUPS.flatMap((group) => group.map((term) => [term, group] as const)),
);

const QUESTION_WORD = "what|which|how|why|when|where|who|whom|whose|whether";
const AUXILIARY = "is|are|does|do|did|can|could|should|will|would";
const INSTRUCTION_VERB =
	"compare|contrast|describe|explain|evaluate|assess|analy[sz]e|summari[sz]e|discuss|identify|list|outline|" +
	"review|examine|investigate|determine|find|estimate|quantify|give|provide|tell|show|research|explore";
const ASKS = new RegExp(
	`^(?:please\\s+)?(?:${QUESTION_WORD}|${AUXILIARY}|${INSTRUCTION_VERB}|to what extent|in what ways?)\\b`,
	"iu",
);
const INTERROGATIVE = new RegExp(`^(?:${QUESTION_WORD}|${AUXILIARY}|to what extent|in what ways?)\\b`, "iu");
const CLAUSE_BREAK = new RegExp(
	`\\s*;\\s*|,?\\s+(?:and|or|but|as well as)\\s+(?=(?:${QUESTION_WORD}|${AUXILIARY}|to what extent|in what ways?)\\b)|,\\s+(?=(?:${QUESTION_WORD})\\b)`,
	"iu",
);
const REFERS_BACK = /\b(?:it|its|they|them|their|this|these|those)\b/iu;
const QUESTION_HEAD = /^(?:what|which|whose)\s+([\p{L}\p{N}-]+)/iu;
const LIST_LINE = /^\s*(?:[-*•]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+(.*)$/u;
const INLINE_NUMBER = /(?:^|\s)\((\d{1,2})\)\s+|(?:^|\s)(\d{1,2})\)\s+/gu;
const SENTENCE_BREAK = /(?<=[?!])\s+|(?<=\.)\s+(?=\p{Lu})/u;

/** A word an enumeration item may contain: not a function word, question word or instruction word. */
const ITEM_WORD = `(?!(?:${[...STOPWORDS, ...INSTRUCTION_WORDS, "&"].join("|")})(?![\\p{L}\\p{N}'’-]))[\\p{L}\\p{N}][\\p{L}\\p{N}'’-]*`;
const ITEM = `${ITEM_WORD}(?:\\s+${ITEM_WORD}){0,2}`;
const AFTER_ITEM = "(?![\\p{L}\\p{N}'’-])";
const LONG_LIST = new RegExp(
	`(?<![\\p{L}\\p{N}'’-])(?:${ITEM}\\s*,\\s*)+${ITEM},?\\s+(?:and|&)\\s+${ITEM}${AFTER_ITEM}`,
	"iu",
);
const PAIR = new RegExp(
	`(?<=(?:^|\\s)(?:the|their|its|in terms of|with respect to|regarding)\\s+)${ITEM}\\s+(?:and|&)\\s+${ITEM}${AFTER_ITEM}`,
	"iu",
);
const ITEM_SEPARATOR = /\s*,\s*(?:(?:and|&)\s+)?|\s+(?:and|&)\s+/iu;

/**
 * The facets of a research task, in order, with ids Q1, Q2, …; one facet for a single question and
 * none for a blank task.
 * @example subQuestionsOf("What mechanisms cause capacity fade in Li-ion cells, and which conditions accelerate it?")
 * // [{ id: "Q1", text: "What mechanisms cause capacity fade in Li-ion cells?", focus: ["mechanism", …], … },
 * //  { id: "Q2", text: "Which conditions accelerate it?", focus: ["condition", "accelerat"], terms: [..., "capacity", "fade", …] }]
 */
export function subQuestionsOf(task: string): SubQuestion[] {
	const { facets, context } = facetsOf(task);
	const first = facets[0];
	if (!first) return [];
	const facetTerms = facets.map((facet) => contentTerms(facet.text));
	const subject = new Set(contentTerms(context.join(" ")));
	for (const term of new Set(facetTerms.flat())) {
		if (facetTerms.filter((terms) => terms.some((other) => sameWord(other, term))).length >= 2)
			subject.add(term);
	}
	const followsFirst = facets.some(
		(facet) =>
			facet.clause !== first.clause && (facet.sentence === first.sentence || REFERS_BACK.test(facet.text)),
	);
	if (followsFirst) {
		const head = QUESTION_HEAD.exec(first.text)?.[1];
		const headTerms = new Set(head ? contentTerms(head) : []);
		const firstClause = facetTerms.filter((_, index) => facets[index]?.clause === first.clause);
		for (const term of facetTerms[0] ?? []) {
			if (!headTerms.has(term) && firstClause.every((terms) => terms.includes(term))) subject.add(term);
		}
	}

	const merged = mergeFacets(
		facets.map((facet, index) => {
			const own = unique(facetTerms[index] ?? []);
			// The first facet, when the others build on it, is the main question: its focus is all of it.
			const added =
				followsFirst && index === 0
					? []
					: own.filter((term) => ![...subject].some((other) => sameWord(other, term)));
			const related = added.flatMap((term) => RELATED.get(term) ?? []);
			const focus = added.length > 0 ? [...added, ...related] : own;
			return { text: facet.text, focus: unique([...focus, ...cuesAsked(facet.text)]) };
		}),
	);
	return merged.map((facet, index) => ({
		id: `Q${index + 1}`,
		text: facet.text,
		focus: facet.focus,
		terms: unique([...facet.focus, ...subject]),
	}));
}

/**
 * The answer cues a passage carries, as terms to index with its words: QUANTITY_TERM when it states a
 * quantity, CAUSE_TERM when it states a cause, PEOPLE_TERM when it names people or groups of them. A
 * facet that asks "how much", "how many", "how large" … has QUANTITY_TERM among its focus terms, one
 * that asks "why" or about causes, drivers, reasons or mechanisms has CAUSE_TERM, one that asks "who"
 * has PEOPLE_TERM, so passages that give that kind of answer rank higher for it.
 * @example answerCues("Sales rose 38% because gas prices doubled.") // ["#quantity", "#cause"]
 */
export function answerCues(text: string): string[] {
	return ANSWER_CUES.filter((cue) => cue.states.test(text)).map((cue) => cue.term);
}

/** Whether a term is an answer cue rather than a word. */
export function isAnswerCue(term: string): boolean {
	return ANSWER_CUES.some((cue) => cue.term === term);
}

function cuesAsked(facet: string): string[] {
	return ANSWER_CUES.filter((cue) => cue.asks.test(facet)).map((cue) => cue.term);
}

/**
 * The stemmed content words of a text, in order, without instruction words.
 * @example contentTerms("Compare the costs of heat pumps") // ["cost", "heat", "pump"]
 */
export function contentTerms(text: string): string[] {
	return wordsOf(text.toLowerCase())
		.filter((word) => isContentWord(word) && !INSTRUCTION_WORDS.has(word))
		.map(stem);
}

type Facet = { text: string; focus: string[] };

/** Facets with the same focus once; past MAX_SUB_QUESTIONS, the rest joins the last kept facet. */
function mergeFacets(facets: readonly Facet[]): Facet[] {
	const distinct: Facet[] = [];
	const keys = new Set<string>();
	for (const facet of facets) {
		const key = [...facet.focus].sort().join(" ");
		if (keys.has(key)) continue;
		keys.add(key);
		distinct.push(facet);
	}
	if (distinct.length <= MAX_SUB_QUESTIONS) return distinct;
	const tail = distinct.slice(MAX_SUB_QUESTIONS - 1);
	return [
		...distinct.slice(0, MAX_SUB_QUESTIONS - 1),
		{
			text: shortenAtBoundary(tail.map((facet) => facet.text).join("; "), MAX_TEXT_CHARS),
			focus: unique(tail.flatMap((facet) => facet.focus)),
		},
	];
}

/** A facet in words, with the sentence and the clause of the task it comes from. */
type FacetText = { text: string; sentence: number; clause: number };

/** The facets of a task, and its context sentences. */
function facetsOf(task: string): { facets: FacetText[]; context: string[] } {
	const listed = listItems(task);
	if (listed) {
		const lead = cleanClause(listed.lead);
		const items = listed.items.map(cleanClause).filter((item) => item.length > 0);
		const facets = items.map((item, index) => ({
			text: finish(lead ? `${lead}: ${item}` : item, false),
			sentence: index,
			clause: index,
		}));
		return { facets, context: [lead] };
	}
	const sentences = task
		.replace(/\s+/gu, " ")
		.trim()
		.split(SENTENCE_BREAK)
		.map((sentence) => sentence.trim())
		.filter((sentence) => wordsOf(sentence).length > 0);
	const asking = sentences.filter((sentence) => sentence.endsWith("?") || ASKS.test(sentence));
	const questions = asking.length > 0 ? asking : sentences;
	const context = sentences.filter((sentence) => !questions.includes(sentence));
	let clauseCount = 0;
	const facets = questions.flatMap((question, sentence) => {
		const isQuestion = question.endsWith("?") || INTERROGATIVE.test(question);
		return clausesOf(question).flatMap((text) => {
			const clause = clauseCount++;
			return enumerated(text).map((facet) => ({
				text: finish(facet, isQuestion || INTERROGATIVE.test(facet)),
				sentence,
				clause,
			}));
		});
	});
	return { facets, context };
}

/** Bulleted or numbered lines, or an inline "(1) … (2) …" sequence numbered from 1, with the text before. */
function listItems(task: string): { lead: string; items: string[] } | null {
	const lead: string[] = [];
	const items: string[] = [];
	for (const line of task.split(/\r?\n/u)) {
		const item = LIST_LINE.exec(line)?.[1];
		if (item !== undefined) items.push(item);
		else if (items.length === 0) lead.push(line);
		else if (line.trim().length > 0) items[items.length - 1] = `${items[items.length - 1]} ${line.trim()}`;
	}
	if (items.length >= 2) return { lead: lead.join(" "), items };

	const flat = task.replace(/\s+/gu, " ");
	const markers: { start: number; end: number }[] = [];
	for (const match of flat.matchAll(INLINE_NUMBER)) {
		if (Number(match[1] ?? match[2]) === markers.length + 1) {
			markers.push({ start: match.index, end: match.index + match[0].length });
		}
	}
	if (markers.length < 2) return null;
	return {
		lead: flat.slice(0, markers[0]?.start),
		items: markers.map((marker, index) => flat.slice(marker.end, markers[index + 1]?.start)),
	};
}

/** A question's clauses; a piece without content words ("how" in "how and why") joins its neighbour. */
function clausesOf(question: string): string[] {
	const clauses: string[] = [];
	for (const piece of question.split(CLAUSE_BREAK)) {
		const clause = cleanClause(piece);
		if (clause.length === 0) continue;
		const previous = clauses.at(-1);
		const empty = (text: string) => contentTerms(text).length === 0;
		if (previous !== undefined && (empty(clause) || empty(previous))) {
			clauses[clauses.length - 1] = `${previous} and ${clause}`;
		} else {
			clauses.push(clause);
		}
	}
	return clauses;
}

/** One text per item of the clause's enumeration (see the module comment), else the clause. */
function enumerated(clause: string): string[] {
	const match = LONG_LIST.exec(clause) ?? PAIR.exec(clause);
	if (!match) return [clause];
	const items = match[0]
		.split(ITEM_SEPARATOR)
		.map((item) => item.trim().split(" "))
		.filter((words) => words.join("").length > 0);
	let before = clause.slice(0, match.index);
	const after = clause.slice(match.index + match[0].length);
	const first = items[0];
	if (first && items.length >= 3) {
		// A first item longer than every later one took in the word before the list: "affect corals,
		// shellfish and fish" lists corals, shellfish and fish.
		const longest = Math.max(...items.slice(1).map((words) => words.length));
		before += first
			.splice(0, Math.max(0, first.length - longest))
			.map((word) => `${word} `)
			.join("");
	}
	return items.map((words) => `${before}${words.join(" ")}${after}`);
}

/** Trims spaces, end punctuation and a dangling conjunction. */
function cleanClause(text: string): string {
	return text
		.replace(/\s+/gu, " ")
		.trim()
		.replace(/^(?:and|or|but)\s+/iu, "")
		.replace(/[\s,;:.?!]+$/u, "")
		.trim();
}

/** The facet as shown: first letter capitalized, "?" after a question, at most 300 characters. */
function finish(text: string, question: boolean): string {
	const clean = cleanClause(text);
	const capitalized = clean.charAt(0).toUpperCase() + clean.slice(1);
	return `${shortenAtBoundary(capitalized, MAX_TEXT_CHARS - 1)}${question ? "?" : ""}`;
}

function unique(terms: readonly string[]): string[] {
	return [...new Set(terms)];
}

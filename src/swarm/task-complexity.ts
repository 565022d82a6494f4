/**
 * How much research a task needs, read from the task itself: what kind of question it is, how many
 * alternatives it weighs and by how many criteria, how many questions it asks, what it constrains
 * (places, dates, amounts) and how long it is. Used when a request gives no `depth`. Pure.
 */
import type { Complexity, QuestionType } from "../protocol";

/** What the analyzer found in a task, and the complexity and depth it recommends. */
export type ComplexityEstimate = {
	questionType: QuestionType;
	/** The alternatives the task compares or chooses between ("heat pumps", "gas boilers"). */
	entities: string[];
	/** What they are compared by ("cost", "grid impact"). */
	criteria: string[];
	/** Places, dates and amounts the answer must respect. */
	constraints: string[];
	/** Questions asked in the one task (1 for a single question). */
	questions: number;
	words: number;
	/** The sum of the weights below; the bands cut it into complexities. */
	score: number;
	complexity: Complexity;
	depth: number;
	/** One line per thing that raised the score, for the job view and the report's methodology. */
	reasons: string[];
};

/** Score weight of each question type: a definition needs one source, a recommendation a weighed case. */
const TYPE_WEIGHT: Record<QuestionType, number> = {
	lookup: 0.5,
	definition: 0,
	explanation: 2,
	evaluation: 3,
	recommendation: 3,
};
/** Lowest score of each band above `low`. */
const BANDS: readonly { complexity: Complexity; from: number; depth: number }[] = [
	{ complexity: "very-high", from: 6, depth: 9 },
	{ complexity: "high", from: 4, depth: 7 },
	{ complexity: "medium", from: 1.5, depth: 5 },
	{ complexity: "low", from: -Infinity, depth: 3 },
];
/** A list item longer than this is a clause, not the name of an alternative or a criterion. */
const MAX_ITEM_WORDS = 6;

const WORD = /[\p{L}\p{N}]+(?:['’.-][\p{L}\p{N}]+)*/gu;

const RECOMMENDATION =
	/\b(?:should (?:i|we|you|they|one|a|an|the|my|our)|recommend\w*|suggest\w*|advis\w*|which (?:\w+ )?(?:is|are|would be) (?:the )?(?:best|better|preferable|right)|best (?:option|choice|way|approach|fit)|what (?:to|should) (?:choose|pick|use|buy)|choose|choosing|pick|decide|deciding|is it worth|worth (?:it|buying|switching))\b/i;
const EVALUATION =
	/\b(?:compar\w*|versus|vs\.?|evaluat\w*|assess\w*|trade-?offs?|pros and cons|advantages|disadvantages|strengths|weaknesses|better|worse|benchmark\w*|differences?|differ|impact of|effects? of|how (?:well|effective|good)|effectiveness|cost-benefit|weigh\w*|rank\w*|\w+er than|(?:more|less) \w+ than|which (?:\w+ )?(?:is|are|was|were) (?:\w+er|more \w+|less \w+|the \w+est|the most \w+|the least \w+))\b/i;
const DEFINITION =
	/^(?:(?:what (?:is|are)|what's|whats) (?:an? |the )?[\p{L}\p{N}'’ -]{1,40}\??$|what does [\p{L}\p{N}'’ -]{1,40} (?:mean|stand for)\??$|define\b|definition of\b|meaning of\b|what is meant by\b|explain what [\p{L}\p{N}'’ -]{1,40} (?:is|are)\??$|(?:explain|describe)\s+(?:an?\s|the\s)?[\p{L}\p{N}'’-]+(?:\s[\p{L}\p{N}'’-]+)?\??$|[\p{L}\p{N}'’-]+(?:\s[\p{L}\p{N}'’-]+){0,2}\??$)/iu;
const LOOKUP =
	/^(?:who|when|where|which year|what year|how many|how much|what time|what date)\b[^,;]{0,80}$|^what (?:is|was|are|were) the [\p{L}\p{N} -]{1,30} of [^,;]{1,40}$/iu;
/** Subjects that ask for an account, not a fact: "the history of", "the role of". */
const EXPLANATORY_SUBJECT =
	/\b(?:history|role|impact|impacts|effect|effects|future|state|evolution|causes?|reasons?|purpose|significance|relationship|mechanisms?|science|economics|ethics|politics|origins?|consequences|implications|challenges|risks|benefits|limits|limitations)\s+(?:of|behind|between)\b/i;

/** Where a list of compared alternatives starts. */
const ENTITY_LIST_START =
	/\b(?:compar(?:e|ing|ison of)|between|choose between|choosing between|pick between|differences? between|(?:use|choose|pick|buy|adopt|install)\s)\s*(?:the\s)?|:\s*/gi;
/** Where a list of criteria starts. */
const CRITERIA_LIST_START =
	/\b(?:across|in terms of|on|regarding|consider(?:ing)?|with respect to|weighing|based on|judged by|measured by|by|for their|looking at)\s+(?:the\s|their\s|its\s)?/gi;
/** Words that end a list: a preposition that starts the next phrase, a follow-up request, punctuation. */
const LIST_END =
	/,?\s+and\s+(?:then\s+)?(?:tell|recommend|suggest|explain|describe|say|give|list|identify|propose|decide|pick|choose|what|how|why|which|who|when|where|whether|should)\b|\s(?:across|in terms of|on|for|regarding|considering|with respect to|with|from|using|when|in|by|over|under|within|based on|to decide|to choose|and then|then|so that|given|if|as|at)\s|[?;:!()]|\.(?=\s|$)|$/i;
const ITEM_SEPARATOR = /\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|&|and\/or)\s+|\s*\/\s*/i;
/** A criterion list that precedes the alternatives: "the cost and emissions of A versus B". */
const LEADING_CRITERIA = /\b(?:compare|comparing|evaluate|assess|analy[sz]e)\s+(?:the\s)?([^.;?]+?)\s+of\s/i;

const FOLLOW_UP_QUESTION =
	/(?:[,;]|\band\b|\bthen\b|\balso\b)\s+(?:also\s+|then\s+)?(?:what|how|why|which|when|where|who|whether|should|recommend|suggest|explain|describe|compare|evaluate|assess|list|identify|estimate|propose|outline|tell|give|decide|pick|choose)\b/gi;

/** "1. …", "2) …", "- …", "• …" at the start or after a space: one part of an enumerated task. */
const ENUMERATED_PART = /(?:^|\s)(?:\d{1,2}[.)]|[-*•])\s+(?=\p{L})/gu;

const YEAR = /\b(?:1[89]\d\d|20\d\d)s?\b/g;
const PERIOD =
	/\b(?:since|until|before|after|by|during|between \d{4} and \d{4}|(?:over|in) the (?:last|past|next) (?:[\p{L}\p{N}]+ )?(?:years?|decades?|months?))\b/giu;
const PLACE =
	/(?<!^)\b(?:in|across|within|throughout|for|from)\s+(?:the\s+)?((?:[A-Z][\p{L}]+|[A-Z]{2,})(?:(?:,\s*|\s+and\s+|\s+)[A-Z][\p{L}]+)*)/gu;
const AMOUNT =
	/(?:[$€£¥]\s?\d[\d,.]*\s?(?:k|m|bn|million|billion)?|\b\d[\d,.]*\s?(?:%|percent|kwh|kw|mwh|mw|gw|gb|tb|ms|sq\.? ?ft|square (?:feet|metres|meters)|m²|m2|km|miles|users|people|employees|households|homes|dollars|euros|pounds|per cent)\b)/giu;

/**
 * Reads a task and recommends a complexity and a depth.
 * @example estimateComplexity("What is a mutex?").complexity // "low"
 * @example estimateComplexity("Compare heat pumps, gas boilers, district heating and biomass across cost, grid impact, maintenance and emissions").complexity // "very-high"
 */
export function estimateComplexity(task: string): ComplexityEstimate {
	const text = task.replace(/\s+/g, " ").trim();
	const words = text.match(WORD)?.length ?? 0;
	const entities = findEntities(text);
	const asked = classifyQuestion(text);
	// Weighing alternatives is an evaluation, however the question is phrased.
	const questionType =
		entities.length >= 2 && TYPE_WEIGHT[asked] < TYPE_WEIGHT.evaluation ? "evaluation" : asked;
	const criteria = findCriteria(text, entities);
	const constraints = findConstraints(text);
	const questions = countQuestions(text);

	const reasons: string[] = [`${questionType} question (+${TYPE_WEIGHT[questionType]})`];
	let score = TYPE_WEIGHT[questionType];
	const add = (weight: number, reason: string) => {
		if (weight <= 0) return;
		score += weight;
		reasons.push(`${reason} (+${weight})`);
	};
	add(
		entities.length >= 5 ? 2.5 : entities.length >= 3 ? 1.5 : entities.length === 2 ? 0.5 : 0,
		`${entities.length} alternatives: ${entities.join("; ")}`,
	);
	add(
		criteria.length >= 4 ? 2 : criteria.length >= 2 ? 1 : 0,
		`${criteria.length} criteria: ${criteria.join("; ")}`,
	);
	add(Math.min(1, 0.5 * constraints.length), `constraints: ${constraints.join("; ")}`);
	add(Math.min(2, questions - 1), `${questions} questions in one task`);
	add(words > 60 ? 1 : words > 30 ? 0.5 : 0, `${words} words`);

	const band = BANDS.find((candidate) => score >= candidate.from) ?? BANDS[BANDS.length - 1];
	if (!band) throw new Error("no complexity band");
	return {
		questionType,
		entities,
		criteria,
		constraints,
		questions,
		words,
		score,
		complexity: band.complexity,
		depth: band.depth,
		reasons,
	};
}

/** The first cue a task matches decides its question type; a task that matches none asks for an explanation. */
const QUESTION_CUES: readonly [RegExp, QuestionType][] = [
	[RECOMMENDATION, "recommendation"],
	[EVALUATION, "evaluation"],
	[EXPLANATORY_SUBJECT, "explanation"],
	[DEFINITION, "definition"],
	[LOOKUP, "lookup"],
];

function classifyQuestion(text: string): QuestionType {
	return QUESTION_CUES.find(([cue]) => cue.test(text))?.[1] ?? "explanation";
}

/** Splits a list such as "A, B and C" into its items; a list whose items are clauses is no list. */
function listItems(fragment: string): string[] {
	const items = fragment
		.split(ITEM_SEPARATOR)
		.map((item) => item.replace(/^(?:the|a|an|either|both|whether)\s+/i, "").trim())
		.filter((item) => item.length > 0);
	if (items.some((item) => (item.match(WORD)?.length ?? 0) > MAX_ITEM_WORDS)) return [];
	return [...new Set(items.map((item) => item.toLowerCase()))];
}

/** The text from `start` up to the first word that ends a list. */
function listAt(text: string, start: number): string {
	const rest = text.slice(start);
	const end = rest.search(LIST_END);
	return end < 0 ? rest : rest.slice(0, end);
}

function findEntities(text: string): string[] {
	if (/\b(?:vs\.?|versus)\s/i.test(text)) {
		const body = text
			.replace(LEADING_CRITERIA, "")
			.replace(/^[^,:]*?\b(?:compare|comparing|between|of)\s+/i, "");
		const sides = body.split(/\s+(?:vs\.?|versus)\s+/i);
		const items = sides.flatMap((side, index) => {
			// The first side's list ends at its last item; the last side's list ends where the list ends.
			const fragment =
				index === sides.length - 1
					? listAt(` ${side}`, 1)
					: (side.split(/[,;:]\s*(?=[^,;:]*$)/).at(-1) ?? side);
			return listItems(fragment);
		});
		if (items.length >= 2) return items;
	}
	let best: string[] = [];
	for (const match of text.matchAll(ENTITY_LIST_START)) {
		const items = listItems(listAt(text, (match.index ?? 0) + match[0].length));
		if (items.length > best.length) best = items;
	}
	if (best.length >= 2) return best;
	// A sentence or bracket that is nothing but a list of three or more names: "Kafka, RabbitMQ, NATS or SQS?"
	for (const segment of text.split(/[;:?!()]|\.(?=\s|$)/)) {
		const items = segment.includes(",") ? listItems(listAt(segment, 0)) : [];
		if (items.length >= 3 && items.length > best.length) best = items;
	}
	if (best.length >= 2) return best;
	// "Postgres or MySQL?" with no cue word: an either-or is a choice between alternatives.
	const either = text.match(/([\p{L}\p{N}'’ -]{1,60}?)\s+or\s+([\p{L}\p{N}'’ -]{1,60}?)(?=[?.;,]|$)/u);
	if (either?.[1] && either[2]) {
		const first =
			either[1].split(/\s+(?:use|choose|pick|buy|adopt|install|get|between|is|are)\s+/i).at(-1) ?? either[1];
		const items = listItems(`${first} or ${listAt(` ${either[2]}`, 1)}`);
		if (items.length === 2) return items;
	}
	return [];
}

function findCriteria(text: string, entities: readonly string[]): string[] {
	const known = new Set(entities);
	let best: string[] = [];
	const leading = text.match(LEADING_CRITERIA)?.[1];
	if (leading) best = listItems(leading);
	for (const match of text.matchAll(CRITERIA_LIST_START)) {
		const items = listItems(listAt(text, (match.index ?? 0) + match[0].length)).filter(
			(item) => !known.has(item),
		);
		if (items.length > best.length) best = items;
	}
	return best.length >= 2 ? best : [];
}

function findConstraints(text: string): string[] {
	const found = new Set<string>();
	for (const [year] of text.matchAll(YEAR)) found.add(year);
	for (const [period] of text.matchAll(PERIOD)) {
		if (/^(?:by|since|until|before|after|during)$/i.test(period)) {
			const following = text.slice(text.indexOf(period) + period.length).match(/^\s+(\d{4}|[A-Z][\p{L}]+)/u);
			if (following?.[1]) found.add(`${period} ${following[1]}`);
		} else found.add(period);
	}
	for (const match of text.matchAll(PLACE)) if (match[1]) found.add(match[1]);
	for (const [amount] of text.matchAll(AMOUNT)) found.add(amount.trim());
	// A year inside "since 2015" is one constraint, not two.
	return [...found].filter(
		(constraint) => ![...found].some((other) => other !== constraint && other.includes(constraint)),
	);
}

/** Questions asked: question marks, follow-up requests ("…, and how…"), and numbered or bulleted parts. */
function countQuestions(text: string): number {
	const marks = (text.match(/\?/g) ?? []).length;
	const followUps = (text.match(FOLLOW_UP_QUESTION) ?? []).length;
	const parts = (text.match(ENUMERATED_PART) ?? []).length;
	return Math.max(1, marks, 1 + followUps, parts);
}

/**
 * Goal decomposition: the shape of a split of a goal into 2–10 sub-goals (what a provider is asked to
 * return as structured output), its validation and a deterministic fallback split.
 */
import { z } from "zod";
import { type Complexity, LIMITS, type Subgoal, SubgoalSchema } from "../protocol";
import { complexityForDepth } from "./analyzer";
import { assertValidDag, InvalidDagError } from "./dag";

/** Fewest and most sub-goals a decomposition may have. */
export const MIN_SUBGOALS = 2;
export const MAX_SUBGOALS = 10;
const MAX_CRITERIA = 5;
const MAX_CRITERION_CHARS = 300;

/** A sub-goal as a decomposition proposes it: the wire shape, with the limits a proposal must keep. */
export const ProposedSubgoalSchema = SubgoalSchema.extend({
	id: z
		.string()
		.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, "letters, digits, _ or -, at most 32 characters, e.g. g1"),
	description: z.string().trim().min(1).max(LIMITS.taskChars),
	dependsOn: z.array(z.string()).max(MAX_SUBGOALS - 1),
	successCriteria: z.array(z.string().trim().min(1).max(MAX_CRITERION_CHARS)).min(1).max(MAX_CRITERIA),
});

/** The structured output a provider is asked for when it decomposes a goal. */
export const DecompositionSchema = z.object({
	subgoals: z.array(ProposedSubgoalSchema).min(MIN_SUBGOALS).max(MAX_SUBGOALS),
});
export type Decomposition = z.infer<typeof DecompositionSchema>;

export type DecompositionValidation = { ok: true; value: Decomposition } | { ok: false; errors: string[] };

/**
 * Checks a decomposition, e.g. a provider's output: the schema (2–10 sub-goals, 1–5 success criteria
 * each), unique ids, dependencies that name a sub-goal, and no dependency cycle. Returns every
 * problem found, the cycle spelled out.
 * @example validateDecomposition({ subgoals: [a (dependsOn b), b (dependsOn a)] })
 * // { ok: false, errors: ["dependency cycle: a → b → a"] }
 */
export function validateDecomposition(input: unknown): DecompositionValidation {
	const parsed = DecompositionSchema.safeParse(input);
	if (!parsed.success) {
		return {
			ok: false,
			errors: parsed.error.issues.map(
				(issue) => `${issue.path.join(".") || "decomposition"}: ${issue.message}`,
			),
		};
	}

	const errors: string[] = [];
	const firstById = new Map<string, Subgoal>();
	for (const subgoal of parsed.data.subgoals) {
		if (firstById.has(subgoal.id)) errors.push(`duplicate sub-goal id "${subgoal.id}"`);
		else firstById.set(subgoal.id, subgoal);
	}
	for (const subgoal of parsed.data.subgoals) {
		for (const dependency of subgoal.dependsOn) {
			if (!firstById.has(dependency)) {
				errors.push(`sub-goal "${subgoal.id}" depends on unknown sub-goal "${dependency}"`);
			}
		}
	}
	// The cycle check runs over the well-formed part, so a cycle is reported next to the errors above.
	const graph = [...firstById.values()].map((subgoal) => ({
		id: subgoal.id,
		dependsOn: subgoal.dependsOn.filter((dependency) => firstById.has(dependency)),
	}));
	try {
		assertValidDag(graph);
	} catch (error) {
		if (!(error instanceof InvalidDagError)) throw error;
		errors.push(error.message);
	}
	return errors.length === 0 ? { ok: true, value: parsed.data } : { ok: false, errors };
}

/** How a fallback part is researched and judged; a "follow-up" builds on the parts before it. */
type PartKind = "research" | "follow-up" | "comparison" | "background" | "analysis" | "outlook";

/** One piece of a goal before it becomes a sub-goal. */
type Part = {
	kind: PartKind;
	description: string;
	/** The subject phrase the success criteria speak about. */
	topic: string;
	/** True when the part builds on every part before it (a comparison, a "then …" step). */
	buildsOnEarlier: boolean;
};

/** The research verbs a goal or a part may start with. */
const RESEARCH_VERBS =
	"research|investigate|examine|explain|describe|analy[sz]e|evaluate|assess|compare|contrast|review|" +
	"summari[sz]e|identify|find|estimate|determine|study|explore|map|list|outline|survey|give|provide|" +
	"write|document|discuss|look into|check";
/** Verbs that turn a part into a follow-up: they work on what the parts before it found. */
const JOINING_VERBS =
	"recommend|conclude|summari[sz]e|synthesi[sz]e|prioriti[sz]e|rank|compare|contrast|decide|choose";
/** Verbs that open a clause of their own, besides the research and joining verbs. */
const OTHER_CLAUSE_VERBS =
	"propose|suggest|predict|forecast|calculate|quantify|measure|design|plan|benchmark|collect|gather|compile|draft|" +
	"select|pick|advise";
/** Every verb that opens a clause. */
const CLAUSE_VERBS = `${RESEARCH_VERBS}|${JOINING_VERBS}|${OTHER_CLAUSE_VERBS}`;
/** Words that open a later step of a goal: "…, then recommend one", "… and finally rank them". */
const STEP_WORDS = "then|finally|lastly|afterwards|after that|in the end";
const SEQUENCE_WORDS = `${STEP_WORDS}|next`;
/** Verbs that open a concluding step even without a step word: "…. Recommend one", "…, and recommend one". */
const CONCLUDING_VERBS = "recommend|conclude";

/** A leading verb, optionally with "me", an article and "a (brief) overview of"-style wrappers. */
const TOPIC_LEAD = new RegExp(
	`^(?:please\\s+)?(?:${RESEARCH_VERBS})\\b\\s*(?:(?:me|us)\\s+)?(?:(?:a|an|the)\\s+)?` +
		"(?:(?:brief|short|detailed|in-depth|comprehensive|quick|thorough)\\s+)?" +
		"(?:(?:overview|summary|description|explanation|analysis|review|account|assessment|evaluation|comparison|list)\\s+of\\s+)?",
	"i",
);
const LEADING_VERB = new RegExp(`^(?:please\\s+)?(?:${RESEARCH_VERBS})\\b`, "i");
const LEADING_COMPARE = /^(?:please\s+)?(?:compare|contrast)\b/i;
const FOLLOW_UP_START = new RegExp(
	`^(?:(?:${SEQUENCE_WORDS}|based on|building on|given)\\b|(?:using|from) (?:the|these|those|this|that)\\b|` +
		`(?:please\\s+)?(?:${JOINING_VERBS})\\b)`,
	"i",
);
/** Words that open a clause without a verb; such a clause takes the verb of the first clause. */
const VERBLESS_START = /^(?:how|why|what|when|where|which|who|whether|the|a|an|its|their|our|any)\b/i;
const CLAUSE_START = new RegExp(`^(?:please\\s+)?(?:${CLAUSE_VERBS}|${SEQUENCE_WORDS})\\b`, "i");
const SEQUENCE_LEAD = new RegExp(`^(?:${SEQUENCE_WORDS})\\b[\\s,]*`, "i");
/** "First, …", "To begin with …": an opening that only says the step comes first. */
const FIRST_LEAD = /^(?:first(?:ly)?|to (?:start|begin)(?: with)?)\b[\s,]*/i;
/**
 * Where a later step of a goal starts. A step word after a comma, semicolon, sentence end or line
 * break ("…, then", "…; finally,", "…. Lastly", "…, next,"); a step word and a verb after "and" ("…
 * and then rank", "… and finally recommend"); a concluding verb opening a sentence, a clause after a
 * comma or one after "and" ("…. Recommend", "…, and recommend"). A step word inside a clause ("costs
 * that finally fell", "prices rose and then fell") starts nothing.
 */
const STEP_BREAK = new RegExp(
	`(?:[,;.!?]\\s*|\\s*\\n\\s*)(?=(?:and\\s+)?(?:(?:${STEP_WORDS})\\b|next,))|` +
		`\\s+and\\s+(?=(?:${STEP_WORDS})\\b[\\s,]*(?:please\\s+)?(?:${CLAUSE_VERBS})\\b)|` +
		// Not after a step word: "Finally, recommend …" is one step.
		`(?<!\\b(?:${SEQUENCE_WORDS}))(?:[;.!?]\\s+|,\\s*(?:and\\s+)?|\\s+and\\s+)(?=(?:${CONCLUDING_VERBS})\\b)`,
	"i",
);

const COMPARISON_MARKER = /\s+(?:vs\.?|versus|compared (?:to|with)|as opposed to)\s+/i;
const LIST_MARKER_LINE = /^\s*(?:[-*•]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+(.*)$/;
const INLINE_NUMBER = /(?:^|\s)\(?(\d{1,2})[.)]\s+/g;
/** ", ", ", and " or " and ", captured so that pieces can be joined back. */
const CLAUSE_SEPARATOR = /(,\s+(?:and\s+)?|\s+and\s+)/i;
const ASPECT_WORD = "(?!(?:of|for|in|on|across|and|or)\\b)[\\p{L}\\p{N}][\\p{L}\\p{N}'’-]*";
const ASPECT = `${ASPECT_WORD}(?:\\s+${ASPECT_WORD}){0,2}`;
const ASPECT_SEPARATOR = /,\s*(?:and\s+)?|\s+(?:and|&)\s+/i;
const ASPECT_PHRASE = new RegExp(
	`^((?:${ASPECT},\\s*)*${ASPECT},?\\s+(?:and|&)\\s+${ASPECT})\\s+(of|for|in|across|on)\\s+(.+)$`,
	"iu",
);
const ARTICLE_LEAD = /^(?:the|a|an)\s+/i;

/** A part that asks for depth goes one depth step up, one that asks for a light touch one step down. */
const DEEP_CUES =
	/\b(?:in-depth|in depth|detailed|comprehensive|thorough|exhaustive|systematic|rigorous|root causes?|trade-?offs?|quantif\w*|mechanisms?|long-term)\b/i;
const LIGHT_CUES = /\b(?:overview|brief|briefly|basic|basics|summary|list|define|definition|quick|simple)\b/i;
/** A topic this long bundles several questions: one depth step up. */
const LONG_TOPIC_WORDS = 15;
/** Depth steps by part kind: background and outlook are lighter than the main analysis. */
const KIND_DEPTH_OFFSET: Record<PartKind, number> = {
	research: 0,
	"follow-up": 0,
	comparison: 0,
	background: -1,
	analysis: 0,
	outlook: -1,
};
/** Goal complexities for which the generic split adds an outlook step. */
const OUTLOOK_COMPLEXITIES: ReadonlySet<Complexity> = new Set(["high", "very-high"]);
const MAX_TOPIC_CHARS = 160;

/** Success-criteria templates per kind; low and medium sub-goals get the first two, high and very-high all three. */
const CRITERIA: Record<PartKind, ReadonlyArray<(topic: string) => string>> = {
	research: [
		(topic) => `Identifies the key facts and evidence on ${topic}`,
		(topic) => `Cites at least two sources on ${topic}`,
		(topic) => `Notes open questions or conflicting evidence on ${topic}`,
	],
	"follow-up": [
		(topic) => `Addresses "${topic}" using the findings of the sub-goals it depends on`,
		() => "Backs each conclusion with a cited source",
		() => "States the assumptions and limits of its conclusions",
	],
	comparison: [
		(topic) => `States where ${topic} differ and where they agree`,
		() => "Backs each difference with a cited source",
		() => "Says which option fits which situation, and why",
	],
	background: [
		(topic) => `Identifies the key terms, actors and context behind "${topic}"`,
		(topic) => `Cites at least two sources on the background of "${topic}"`,
		() => "Traces how the subject reached its current state",
	],
	analysis: [
		(topic) => `Answers "${topic}" directly, with evidence`,
		() => "Cites at least two sources for its answer",
		() => "Weighs conflicting evidence before concluding",
	],
	outlook: [
		(topic) => `Identifies trends and open questions on "${topic}"`,
		() => "Cites at least two sources for the trends it names",
		() => "Separates established facts from forecasts",
	],
};

/**
 * A deterministic split of a goal into sub-goals, for when no provider can decompose it.
 *
 * Later steps come off first: "…, then X", "… and finally X", "Finally, X", "…; lastly, X", "…. After
 * that, X", a line "Then X" (`STEP_BREAK`), and a concluding "…, and recommend X" / "…. Conclude X".
 * Each step is a follow-up sub-goal of its own ("Recommend X") that depends on every part before it,
 * and no other sub-goal's description carries it; inside a list, each item sheds its steps the same
 * way. The rest of the goal (a leading "First," dropped) is split by the first rule that finds at
 * least two parts, and stays one part when none does:
 * 1. a list: bulleted or numbered lines, or inline "1. … 2. …" (text before the list prefixes each item);
 * 2. a comparison: sides joined by "vs", "versus", "compared to/with", "as opposed to" → one sub-goal
 *    per side plus a comparison sub-goal that depends on all sides;
 * 3. semicolon-separated clauses;
 * 4. aspects: "[verb] [the] cost, performance and reliability of X" (a list ending in "and") → one
 *    sub-goal per aspect ("[verb] [the] cost of X", …); led by "compare"/"contrast", the aspects are
 *    the sides of a comparison;
 * 5. "Compare X with/and Y" → as in rule 2;
 * 6. clauses joined by ", " or " and ": a new clause starts only at a verb, a "how/why/the …" opener
 *    or "then …" ("salt and pepper" stays whole); after a "subject:" preamble every piece is a part.
 *    A clause without a verb ("… and why …") takes the first clause's verb.
 * A part (other than the first) that starts with a sequencing word (then, next, finally, based on, …)
 * or a joining verb (recommend, conclude, summarize, compare, rank, decide, …) is a follow-up and
 * depends on every part before it; other parts are independent. With fewer than two parts and no
 * step the split is generic: background → analysis (→ outlook when the goal's complexity is high or very-high and
 * maxSubgoals ≥ 3), each step depending on all steps before it. Parts beyond `maxSubgoals` merge into
 * the last sub-goal (a final part that depends on all others, like a comparison, stays separate).
 *
 * Complexity per sub-goal: `depth`, +1 when its description has a deep cue (detailed, thorough,
 * trade-offs, quantify, …), −1 for a light cue (overview, brief, list, define, …), +1 when its topic
 * (the subject, without the leading verb) has 15+ words, −1 for the generic background and outlook
 * steps; clamped to 1–10, then banded by `complexityForDepth`. Success criteria: the first two of
 * the part kind's templates for low and medium sub-goals, all three for high and very-high.
 * Throws a RangeError for a blank goal, maxSubgoals outside 2–10 or depth outside 1–10.
 * @example fallbackDecomposition("Heat pumps vs gas furnaces", { maxSubgoals: 5, depth: 5 }).subgoals.map((s) => s.dependsOn)
 * // [[], [], ["g1", "g2"]] — heat pumps, gas furnaces, then their comparison
 */
export function fallbackDecomposition(
	goal: string,
	options: { maxSubgoals: number; depth: number },
): Decomposition {
	const { maxSubgoals, depth } = options;
	if (!Number.isInteger(maxSubgoals) || maxSubgoals < MIN_SUBGOALS || maxSubgoals > MAX_SUBGOALS) {
		throw new RangeError(
			`maxSubgoals must be an integer from ${MIN_SUBGOALS} to ${MAX_SUBGOALS}, got ${maxSubgoals}`,
		);
	}
	const goalComplexity = complexityForDepth(depth);
	const text = goal.trim();
	if (text.length === 0) throw new RangeError("goal must not be blank");

	const found = splitGoal(text);
	const withOutlook = OUTLOOK_COMPLEXITIES.has(goalComplexity) && maxSubgoals >= 3;
	const parts = found.length >= MIN_SUBGOALS ? found : genericParts(text, withOutlook);
	return { subgoals: toSubgoals(mergeTail(parts, maxSubgoals), depth) };
}

function splitGoal(goal: string): Part[] {
	const listed = listParts(goal);
	if (listed.length >= MIN_SUBGOALS) return listed;
	// Later steps ("…, then recommend one") are parts of their own, never a side or an aspect of the
	// rest; the pieces come back on one line each, without end punctuation.
	const [rawBody = "", ...steps] = splitSteps(goal);
	const body = rawBody.replace(FIRST_LEAD, "") || rawBody;
	const bodyParts = firstSplit(body);
	if (steps.length === 0) return bodyParts;
	const verb = LEADING_VERB.exec(body)?.[0];
	return [
		...(bodyParts.length > 0 ? bodyParts : partsFromClauses([body], "")),
		...steps.map((step) => clausePart(step, { prefix: "", verb, followUp: true })),
	];
}

/** The parts of the first rule (comparison, semicolons, aspects, "compare X with Y", clauses) that finds two. */
function firstSplit(line: string): Part[] {
	for (const rule of [comparisonParts, semicolonParts, aspectParts, leadingCompareParts, clauseParts]) {
		const parts = rule(line);
		if (parts.length >= MIN_SUBGOALS) return parts;
	}
	return [];
}

/** A text cut where each later step starts (`STEP_BREAK`): the text before the first step, then the steps. */
function splitSteps(text: string): string[] {
	return text
		.split(STEP_BREAK)
		.map(cleanPhrase)
		.filter((piece) => piece.length > 0);
}

/** Bulleted or numbered lines, else an inline "1. … 2. …" sequence numbered from 1. */
function listParts(goal: string): Part[] {
	const preambleLines: string[] = [];
	const items: string[] = [];
	for (const line of goal.split(/\r?\n/).map((raw) => raw.trim())) {
		const item = LIST_MARKER_LINE.exec(line)?.[1];
		if (item !== undefined) items.push(item);
		else if (items.length === 0) preambleLines.push(line);
		// A line without a marker continues the item above it ("- gas boilers\nThen recommend one").
		else if (line.length > 0) items[items.length - 1] = `${items[items.length - 1]}\n${line}`;
	}
	if (items.length >= MIN_SUBGOALS)
		return partsFromClauses(items.flatMap(splitSteps), preambleLines.join(" "));

	// Line breaks stay: one before "Then …" still starts a step.
	const flat = goal.replace(/[^\S\n]+/g, " ");
	const markers: { start: number; end: number }[] = [];
	for (const match of flat.matchAll(INLINE_NUMBER)) {
		if (Number(match[1]) === markers.length + 1) {
			markers.push({ start: match.index, end: match.index + match[0].length });
		}
	}
	if (markers.length < MIN_SUBGOALS) return [];
	const inlineItems = markers.map((marker, index) => flat.slice(marker.end, markers[index + 1]?.start));
	return partsFromClauses(inlineItems.flatMap(splitSteps), flat.slice(0, markers[0]?.start));
}

/** "X vs Y (vs Z)": one part per side, then the comparison. */
function comparisonParts(goal: string): Part[] {
	const sides = goal
		.split(COMPARISON_MARKER)
		.map((side, index) => cleanPhrase(index === 0 ? topicOf(side) : side))
		.filter((side) => side.length > 0);
	return sides.length >= MIN_SUBGOALS ? sidesWithComparison(sides, joinList(sides), goal) : [];
}

function semicolonParts(goal: string): Part[] {
	return partsFromClauses(goal.split(/\s*;\s*/), "");
}

/** "[verb] [the] cost, performance and reliability of X" → "[verb] [the] cost of X", … */
function aspectParts(goal: string): Part[] {
	const verb = LEADING_VERB.exec(goal)?.[0] ?? "";
	const afterVerb = goal.slice(verb.length).trimStart();
	const article = ARTICLE_LEAD.exec(afterVerb)?.[0] ?? "";
	const match = ASPECT_PHRASE.exec(afterVerb.slice(article.length));
	if (!match) return [];
	const [, list = "", preposition = "", subject = ""] = match;
	const aspects = list.split(ASPECT_SEPARATOR).map((aspect) => cleanPhrase(aspect).replace(ARTICLE_LEAD, ""));
	const topics = aspects.map((aspect) => `${aspect} ${preposition} ${subject}`);
	if (LEADING_COMPARE.test(verb)) {
		return sidesWithComparison(topics, `${joinList(aspects)} ${preposition} ${subject}`, goal);
	}
	const lead = verb ? `${verb} ${article}` : article;
	return topics.map((topic) => ({
		kind: "research",
		description: upperFirst(`${lead}${topic}`),
		topic,
		buildsOnEarlier: false,
	}));
}

/** "Compare X with Y", "Compare X and Y": as a comparison. */
function leadingCompareParts(goal: string): Part[] {
	if (!LEADING_COMPARE.test(goal)) return [];
	const rest = topicOf(goal);
	const paired = rest.split(/\s+(?:with|to|against)\s+/i);
	const sides = (paired.length === 2 ? paired : rest.split(ASPECT_SEPARATOR))
		.map(cleanPhrase)
		.filter((side) => side.length > 0);
	return sides.length >= MIN_SUBGOALS ? sidesWithComparison(sides, joinList(sides), goal) : [];
}

/** Clauses joined by ", " or " and "; a "subject:" preamble prefixes each clause. */
function clauseParts(goal: string): Part[] {
	const colon = goal.indexOf(": ");
	if (colon > 0) {
		const pieces = goal.slice(colon + 2).split(CLAUSE_SEPARATOR);
		return partsFromClauses(
			pieces.filter((_, index) => index % 2 === 0),
			goal.slice(0, colon),
		);
	}
	return partsFromClauses(joinNonClauses(goal.split(CLAUSE_SEPARATOR)), "");
}

/**
 * Pieces and their separators (as `split` with a capturing separator returns them) back into
 * clauses: a piece that does not open a clause is joined to the clause before it.
 */
function joinNonClauses(piecesAndSeparators: readonly string[]): string[] {
	const clauses = [piecesAndSeparators[0] ?? ""];
	for (let index = 1; index < piecesAndSeparators.length; index += 2) {
		const separator = piecesAndSeparators[index] ?? "";
		const piece = piecesAndSeparators[index + 1] ?? "";
		if (CLAUSE_START.test(piece) || VERBLESS_START.test(piece) || FOLLOW_UP_START.test(piece)) {
			clauses.push(piece);
		} else {
			clauses[clauses.length - 1] += `${separator}${piece}`;
		}
	}
	return clauses;
}

/**
 * Clauses or list items as parts. `context` (text before a list, a "subject:" preamble) prefixes
 * every description; a clause without a verb ("why …") takes the first clause's verb. A clause
 * after the first that starts as a follow-up (`FOLLOW_UP_START`) builds on every part before it.
 */
function partsFromClauses(rawClauses: readonly string[], context: string): Part[] {
	const clauses = rawClauses.map(cleanPhrase).filter((clause) => clause.length > 0);
	const prefix = cleanPhrase(context);
	const verb = LEADING_VERB.exec(clauses[0] ?? "")?.[0];
	return clauses.map((clause, index) =>
		index === 0
			? clausePart(clause, { prefix, verb: undefined, followUp: false })
			: clausePart(clause, { prefix, verb, followUp: FOLLOW_UP_START.test(clause) }),
	);
}

/**
 * One clause as a part, its sequencing word ("then", "finally,") dropped. `verb` is lent to a clause
 * without one; `prefix` leads the description; a follow-up builds on every part before it.
 */
function clausePart(
	clause: string,
	options: { prefix: string; verb: string | undefined; followUp: boolean },
): Part {
	const { prefix, verb, followUp } = options;
	const bare = clause.replace(SEQUENCE_LEAD, "") || clause;
	const withVerb = verb && VERBLESS_START.test(bare) ? `${verb} ${bare}` : bare;
	return {
		kind: followUp ? "follow-up" : "research",
		description: prefix ? `${prefix}: ${withVerb}` : upperFirst(withVerb),
		topic: followUp ? withVerb : topicOf(withVerb),
		buildsOnEarlier: followUp,
	};
}

/** One research part per side, then a comparison of `compared` (the sides in words) that depends on them all. */
function sidesWithComparison(sides: readonly string[], compared: string, goal: string): Part[] {
	const research: Part[] = sides.map((side) => ({
		kind: "research",
		description: `Research ${side} as one side of the comparison: ${goal}`,
		topic: side,
		buildsOnEarlier: false,
	}));
	const comparison: Part = {
		kind: "comparison",
		description: `Compare ${compared} side by side, using the findings on each, to answer: ${goal}`,
		topic: compared,
		buildsOnEarlier: true,
	};
	return [...research, comparison];
}

/** Background → analysis (→ outlook): the split for a goal without explicit parts. */
function genericParts(goal: string, withOutlook: boolean): Part[] {
	const topic = topicOf(cleanPhrase(goal));
	const parts: Part[] = [
		{
			kind: "background",
			description: `Background for "${goal}": key terms, actors, history and the current state`,
			topic,
			buildsOnEarlier: false,
		},
		{
			kind: "analysis",
			description: `Answer "${goal}" with evidence, building on the background`,
			topic,
			buildsOnEarlier: true,
		},
	];
	if (withOutlook) {
		parts.push({
			kind: "outlook",
			description: `Outlook for "${goal}": trends, open questions and likely developments`,
			topic,
			buildsOnEarlier: true,
		});
	}
	return parts;
}

/** Merges the parts beyond `max` into the last kept part; a final part that builds on all others stays last. */
function mergeTail(parts: readonly Part[], max: number): Part[] {
	if (parts.length <= max) return [...parts];
	const last = parts[parts.length - 1] as Part;
	const keepLast = last.buildsOnEarlier;
	const body = keepLast ? parts.slice(0, -1) : parts;
	const room = keepLast ? max - 1 : max;
	const tail = body.slice(room - 1);
	const merged: Part = {
		kind: tail.every((part) => part.kind === tail[0]?.kind) ? (tail[0] as Part).kind : "research",
		description: tail.map((part) => part.description).join("; "),
		topic: tail.map((part) => part.topic).join("; "),
		buildsOnEarlier: tail.some((part) => part.buildsOnEarlier),
	};
	return [...body.slice(0, room - 1), merged, ...(keepLast ? [last] : [])];
}

function toSubgoals(parts: readonly Part[], depth: number): Subgoal[] {
	const ids = parts.map((_, index) => `g${index + 1}`);
	return parts.map((part, index) => {
		const complexity = complexityForPart(part, depth);
		const criteriaCount = complexity === "low" || complexity === "medium" ? 2 : 3;
		const topic = clip(part.topic, MAX_TOPIC_CHARS);
		return {
			id: ids[index] as string,
			description: clip(part.description, LIMITS.taskChars),
			complexity,
			dependsOn: part.buildsOnEarlier ? ids.slice(0, index) : [],
			successCriteria: CRITERIA[part.kind].slice(0, criteriaCount).map((criterion) => criterion(topic)),
		};
	});
}

function complexityForPart(part: Part, depth: number): Complexity {
	let adjusted = depth + KIND_DEPTH_OFFSET[part.kind];
	if (DEEP_CUES.test(part.description)) adjusted += 1;
	if (LIGHT_CUES.test(part.description)) adjusted -= 1;
	if (wordCount(part.topic) >= LONG_TOPIC_WORDS) adjusted += 1;
	return complexityForDepth(Math.min(10, Math.max(1, adjusted)));
}

/** The subject of a part: without a leading research verb and "an overview of"-style wrappers. */
function topicOf(part: string): string {
	return part.replace(TOPIC_LEAD, "").trim() || part.trim();
}

/** Collapses whitespace, trims it, list punctuation and a dangling "and" from both ends. */
function cleanPhrase(phrase: string): string {
	return phrase
		.replace(/\s+/g, " ")
		.trim()
		.replace(/^and\s+/i, "")
		.replace(/(?:[\s,;:.?!]+|\s+and)$/i, "")
		.trim();
}

function upperFirst(text: string): string {
	return text.charAt(0).toUpperCase() + text.slice(1);
}

function wordCount(text: string): number {
	return text.split(/\s+/).filter((word) => word.length > 0).length;
}

/** "a", "a and b", "a, b and c". */
function joinList(items: readonly string[]): string {
	if (items.length <= 1) return items.join("");
	return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** At most `max` characters, cut at a word boundary with an ellipsis. */
function clip(text: string, max: number): string {
	if (text.length <= max) return text;
	const cut = text.slice(0, max - 1);
	const boundary = cut.lastIndexOf(" ");
	return `${boundary > max / 2 ? cut.slice(0, boundary) : cut}…`;
}

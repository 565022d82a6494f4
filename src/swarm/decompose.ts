/**
 * Goal decomposition: the shape of a split of a goal into 2–10 sub-goals (what a provider is asked to
 * return as structured output), its validation, a deterministic fallback split, and the agent count
 * of running every sub-goal as its own sub-swarm.
 */
import { z } from "zod";
import { type Complexity, ComplexitySchema, LIMITS } from "../protocol";
import { complexityForDepth } from "./analyzer";
import { DEFAULTS } from "./config";
import { assertValidDag, InvalidDagError } from "./dag";
import { rolesForSize } from "./sizing";

export const MIN_SUBGOALS = 2;
export const MAX_SUBGOALS = 10;
const MAX_CRITERIA = 5;
const MAX_CRITERION_CHARS = 300;

export const SubgoalSchema = z.object({
	id: z
		.string()
		.regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, "letters, digits, _ or -, at most 32 characters, e.g. g1"),
	description: z.string().trim().min(1).max(LIMITS.taskChars),
	complexity: ComplexitySchema,
	dependsOn: z.array(z.string()).max(MAX_SUBGOALS - 1),
	successCriteria: z.array(z.string().trim().min(1).max(MAX_CRITERION_CHARS)).min(1).max(MAX_CRITERIA),
});
export type Subgoal = z.infer<typeof SubgoalSchema>;

export const DecompositionSchema = z.object({
	subgoals: z.array(SubgoalSchema).min(MIN_SUBGOALS).max(MAX_SUBGOALS),
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

/**
 * Agents needed to run a decomposition: per sub-goal a sub-swarm of `swarmSize` agents when given,
 * else the default size for the sub-goal's complexity (low 3, medium 5, high 7, very-high 7), plus
 * one agent for the master synthesis. A very-high sub-swarm's revisit pass reuses its explorer and
 * depth analyst, so it adds runs but no agents. Throws a RangeError for an invalid `swarmSize`.
 * @example estimateAgents({ subgoals: [low, medium, high] }) // 3 + 5 + 7 + 1 = 16
 */
export function estimateAgents(decomposition: Decomposition, options: { swarmSize?: number } = {}): number {
	const subSwarmAgents = decomposition.subgoals.reduce((total, subgoal) => {
		const size = options.swarmSize ?? DEFAULTS.swarmSizeByComplexity[subgoal.complexity];
		return total + rolesForSize(size).length;
	}, 0);
	return subSwarmAgents + 1;
}

/** How a fallback part is researched and judged. */
type PartKind = "research" | "comparison" | "background" | "analysis" | "outlook";

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
/** A leading verb, optionally with "me", an article and "a (brief) overview of"-style wrappers. */
const TOPIC_LEAD = new RegExp(
	`^(?:please\\s+)?(?:${RESEARCH_VERBS})\\b\\s*(?:(?:me|us)\\s+)?(?:(?:a|an|the)\\s+)?` +
		"(?:(?:brief|short|detailed|in-depth|comprehensive|quick|thorough)\\s+)?" +
		"(?:(?:overview|summary|description|explanation|analysis|review|account|assessment|evaluation|comparison|list)\\s+of\\s+)?",
	"i",
);
const LEADING_VERB = new RegExp(`^(?:please\\s+)?(?:${RESEARCH_VERBS})\\b`, "i");
const LEADING_COMPARE = /^(?:please\s+)?(?:compare|contrast)\b/i;
/** Words that open a part which can take the verb of the first part ("… and why …"). */
const VERBLESS_START = /^(?:how|why|what|when|where|which|who|whether|the|a|an|its|their|his|her|our|any)\b/i;
/** A part that starts with one of these, or uses one of the joining verbs, builds on the parts before it. */
const FOLLOW_UP_START =
	/^(?:then|next|finally|afterwards|lastly|based on|building on|given|using (?:the|these|those|this|that)|from (?:the|these|those|this|that))\b/i;
const JOINING_VERBS =
	/\b(?:recommend\w*|conclud\w*|summari[sz]\w*|synthesi[sz]\w*|prioriti[sz]\w*|rank|ranks|ranking|compare|compares|comparing|comparison|contrast\w*|decid\w*|choos\w*)\b/i;
const SEQUENCE_WORD = /^(?:then|next|finally|afterwards|lastly)\b[\s,]*/i;

const COMPARISON_MARKER = /\s+(?:vs\.?|versus|compared (?:to|with)|as opposed to)\s+/i;
const LIST_MARKER_LINE = /^\s*(?:[-*•]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s+(.*)$/;
const INLINE_NUMBER = /(?:^|\s)\(?(\d{1,2})[.)]\s+/g;
const CLAUSE_SEPARATOR = /,\s+(?:and\s+)?|\s+and\s+/i;
const ASPECT_WORD = "(?!(?:of|for|in|on|across|and|or)\\b)[\\p{L}\\p{N}][\\p{L}\\p{N}'’-]*";
const ASPECT = `${ASPECT_WORD}(?:\\s+${ASPECT_WORD}){0,2}`;
const ASPECT_SEPARATOR = /,\s*(?:and\s+)?|\s+(?:and|&)\s+/i;
const ASPECT_PHRASE = new RegExp(
	`^(${ASPECT}(?:(?:,\\s*(?:and\\s+)?|\\s+(?:and|&)\\s+)${ASPECT})+)\\s+(of|for|in|across|on)\\s+(.+)$`,
	"iu",
);
const ARTICLE_LEAD = /^(?:the|a|an)\s+/i;

/**
 * Complexity cues: a part that asks for depth goes one depth step up, one that asks for a light
 * touch goes one step down.
 */
const DEEP_CUES =
	/\b(?:in-depth|in depth|detailed|comprehensive|thorough|exhaustive|systematic|rigorous|root causes?|trade-?offs?|quantif\w*|mechanisms?|long-term)\b/i;
const LIGHT_CUES = /\b(?:overview|brief|briefly|basic|basics|summary|list|define|definition|quick|simple)\b/i;
const SHORT_PART_WORDS = 3;
const LONG_PART_WORDS = 15;
/** Depth steps by part kind: background and outlook are lighter than the main analysis. */
const KIND_DEPTH_OFFSET: Record<PartKind, number> = {
	research: 0,
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
	comparison: [
		(topic) => `States where ${topic} differ and where they agree`,
		() => "Backs each difference with a cited source",
		() => "Says which option fits which situation, and why",
	],
	background: [
		(topic) => `Identifies the key terms, actors and context of ${topic}`,
		(topic) => `Cites at least two sources on ${topic}`,
		(topic) => `Traces how ${topic} reached its current state`,
	],
	analysis: [
		(topic) => `Answers the goal with evidence on ${topic}`,
		(topic) => `Cites at least two sources on ${topic}`,
		(topic) => `Weighs conflicting evidence on ${topic}`,
	],
	outlook: [
		(topic) => `Identifies trends and open questions on ${topic}`,
		(topic) => `Cites at least two sources on ${topic}`,
		(topic) => `Separates established facts from forecasts on ${topic}`,
	],
};

/**
 * A deterministic split of a goal into sub-goals, for when no provider can decompose it. The first
 * rule that finds at least two parts wins:
 * 1. a list: bulleted or numbered lines, or inline "1. … 2. …" (text before the list prefixes each item);
 * 2. a comparison: sides joined by "vs", "versus", "compared to/with", "as opposed to" → one sub-goal
 *    per side plus a comparison sub-goal that depends on all sides;
 * 3. semicolon-separated clauses;
 * 4. aspects: "cost, performance and reliability of X" → one sub-goal per aspect ("cost of X", …);
 *    led by "compare"/"contrast", the aspects are researched and then compared;
 * 5. "Compare X with/and Y" → as in rule 2;
 * 6. clauses joined by ", " or " and ", each at least two words (one after a "subject:" preamble).
 * A part that starts with a sequencing word (then, next, finally, based on, …) or uses a joining verb
 * (recommend, conclude, summarize, compare, rank, decide, …) depends on every part before it; other
 * parts are independent. With fewer than two parts the split is generic: background → analysis
 * (→ outlook when depth ≥ 7 and maxSubgoals ≥ 3), each step depending on all steps before it.
 * More parts than `maxSubgoals` merge into the last sub-goal (a final comparison stays separate).
 *
 * Complexity per sub-goal: `depth`, +1 when its description has a deep cue (detailed, thorough,
 * trade-offs, quantify, …), −1 for a light cue (overview, brief, list, define, …), +1 when its topic
 * (the subject phrase, without the leading verb) has 15+ words, −1 for 3 words or fewer, −1 for the
 * generic background and outlook steps; clamped to 1–10, then banded by `complexityForDepth`. Success criteria: two for low and medium sub-goals, three for high and
 * very-high, phrased from the part ("Identifies …", "Cites at least two sources on …").
 * Throws a RangeError for a blank goal, maxSubgoals outside 2–10 or depth outside 1–10.
 * @example fallbackDecomposition("Heat pumps vs gas furnaces", { maxSubgoals: 5, depth: 5 }).subgoals.map((s) => s.id)
 * // ["g1", "g2", "g3"] — heat pumps, gas furnaces, the comparison (depends on g1 and g2)
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
	const line = goal.replace(/\s+/g, " ").replace(/[\s.?!]+$/, "");
	for (const rule of [comparisonParts, semicolonParts, aspectParts, leadingCompareParts, clauseParts]) {
		const parts = rule(line);
		if (parts.length >= MIN_SUBGOALS) return parts;
	}
	return [];
}

/** Bulleted or numbered lines, else an inline "1. … 2. …" sequence numbered from 1. */
function listParts(goal: string): Part[] {
	const lines = goal.split(/\r?\n/).map((line) => line.trim());
	const preambleLines: string[] = [];
	const items: string[] = [];
	for (const line of lines) {
		const item = LIST_MARKER_LINE.exec(line)?.[1];
		if (item !== undefined) items.push(item);
		else if (items.length === 0) preambleLines.push(line);
		// A line without a marker continues the item above it.
		else if (line.length > 0) items[items.length - 1] = `${items[items.length - 1]} ${line}`;
	}
	if (items.length >= MIN_SUBGOALS) return partsFromItems(preambleLines.join(" "), items);

	const flat = goal.replace(/\s+/g, " ");
	const markers: { start: number; end: number }[] = [];
	for (const match of flat.matchAll(INLINE_NUMBER)) {
		if (Number(match[1]) === markers.length + 1) {
			markers.push({ start: match.index, end: match.index + match[0].length });
		}
	}
	if (markers.length < MIN_SUBGOALS) return [];
	const inlineItems = markers.map((marker, index) => flat.slice(marker.end, markers[index + 1]?.start));
	return partsFromItems(flat.slice(0, markers[0]?.start), inlineItems);
}

function partsFromItems(preamble: string, items: readonly string[]): Part[] {
	const context = cleanPhrase(preamble).replace(/:$/, "").trim();
	return items
		.map(cleanPhrase)
		.filter((item) => item.length > 0)
		.map((item, index) => {
			const buildsOnEarlier = index > 0 && isFollowUp(item);
			const body = stripSequenceWord(item);
			return {
				kind: "research",
				description: context ? `${context}: ${body}` : body,
				topic: topicOf(body),
				buildsOnEarlier,
			};
		});
}

/** "X vs Y (vs Z)": one part per side, then the comparison. */
function comparisonParts(goal: string): Part[] {
	const sides = goal
		.split(COMPARISON_MARKER)
		.map((side, index) => (index === 0 ? topicOf(side) : side))
		.map(cleanPhrase)
		.filter((side) => side.length > 0);
	return sides.length >= MIN_SUBGOALS ? sidesWithComparison(sides, goal) : [];
}

/** "Compare X with Y", "Compare X and Y": as a comparison. */
function leadingCompareParts(goal: string): Part[] {
	if (!LEADING_COMPARE.test(goal)) return [];
	const rest = topicOf(goal);
	const paired = rest.split(/\s+(?:with|to|against)\s+/i);
	const sides = (paired.length === 2 ? paired : rest.split(CLAUSE_SEPARATOR))
		.map(cleanPhrase)
		.filter((side) => side.length > 0);
	return sides.length >= MIN_SUBGOALS ? sidesWithComparison(sides, goal) : [];
}

function sidesWithComparison(sides: readonly string[], goal: string): Part[] {
	const research: Part[] = sides.map((side) => ({
		kind: "research",
		description: `Research ${side}, one side of: ${goal}`,
		topic: side,
		buildsOnEarlier: false,
	}));
	const compared = joinList(sides);
	return [
		...research,
		{
			kind: "comparison",
			description: `Compare ${compared} using the findings on each: ${goal}`,
			topic: compared,
			buildsOnEarlier: true,
		},
	];
}

function semicolonParts(goal: string): Part[] {
	return clausesToParts(goal.split(/\s*;\s*/), 1);
}

/** "[verb] [the] cost, performance and reliability of X" → "[verb] [the] cost of X", … */
function aspectParts(goal: string): Part[] {
	const verb = LEADING_VERB.exec(goal)?.[0] ?? "";
	const afterVerb = goal.slice(verb.length).trimStart();
	const article = ARTICLE_LEAD.exec(afterVerb)?.[0] ?? "";
	const match = ASPECT_PHRASE.exec(afterVerb.slice(article.length));
	if (!match) return [];
	const [, list = "", preposition = "", subject = ""] = match;
	const aspects = list.split(ASPECT_SEPARATOR).map(cleanPhrase);
	const comparing = LEADING_COMPARE.test(verb);
	const lead = comparing ? "Research " : verb ? `${verb} ` : "";
	const parts: Part[] = aspects.map((aspect) => {
		const topic = `${aspect} ${preposition} ${subject}`;
		return { kind: "research", description: `${lead}${article}${topic}`, topic, buildsOnEarlier: false };
	});
	if (!comparing) return parts;
	const topic = `${joinList(aspects)} ${preposition} ${subject}`;
	return [...parts, { kind: "comparison", description: goal, topic, buildsOnEarlier: true }];
}

/** Clauses joined by ", " or " and "; a "subject:" preamble prefixes each clause. */
function clauseParts(goal: string): Part[] {
	const colon = goal.indexOf(": ");
	const preamble = colon > 0 ? goal.slice(0, colon) : "";
	const body = colon > 0 ? goal.slice(colon + 2) : goal;
	const parts = clausesToParts(body.split(CLAUSE_SEPARATOR), preamble ? 1 : 2);
	return preamble
		? parts.map((part) => ({ ...part, description: `${preamble}: ${part.description}` }))
		: parts;
}

/**
 * Clauses as parts, or none when a clause is shorter than `minWords` (then the separators were not
 * between clauses, as in "salt and pepper"). A clause such as "why …" takes the first clause's verb.
 */
function clausesToParts(rawClauses: readonly string[], minWords: number): Part[] {
	const clauses = rawClauses.map(cleanPhrase).filter((clause) => clause.length > 0);
	if (clauses.length < MIN_SUBGOALS || clauses.some((clause) => wordCount(clause) < minWords)) return [];
	const verb = LEADING_VERB.exec(clauses[0] ?? "")?.[0];
	return clauses.map((clause, index) => {
		const buildsOnEarlier = index > 0 && isFollowUp(clause);
		const bare = stripSequenceWord(clause);
		const description = verb && index > 0 && VERBLESS_START.test(bare) ? `${verb} ${bare}` : bare;
		return { kind: "research", description, topic: topicOf(description), buildsOnEarlier };
	});
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
	const words = wordCount(part.topic);
	let adjusted = depth + KIND_DEPTH_OFFSET[part.kind];
	if (DEEP_CUES.test(part.description)) adjusted += 1;
	if (LIGHT_CUES.test(part.description)) adjusted -= 1;
	if (words >= LONG_PART_WORDS) adjusted += 1;
	if (words <= SHORT_PART_WORDS) adjusted -= 1;
	return complexityForDepth(Math.min(10, Math.max(1, adjusted)));
}

function isFollowUp(part: string): boolean {
	return FOLLOW_UP_START.test(part) || JOINING_VERBS.test(part);
}

function stripSequenceWord(part: string): string {
	return part.replace(SEQUENCE_WORD, "") || part;
}

/** The subject of a part: without a leading research verb and "an overview of"-style wrappers. */
function topicOf(part: string): string {
	return part.replace(TOPIC_LEAD, "").trim() || part.trim();
}

/** Trims whitespace, list punctuation and a dangling "and" from both ends. */
function cleanPhrase(phrase: string): string {
	return phrase
		.trim()
		.replace(/^(?:and\s+)/i, "")
		.replace(/(?:[\s,;:.?!]+|\s+and)$/i, "")
		.trim();
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

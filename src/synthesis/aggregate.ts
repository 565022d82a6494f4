/**
 * Aggregation of checked findings across agents: deduplication, weighting, consensus, conflicts,
 * novel discoveries and the quality score. Pure and deterministic.
 *
 * Claims are compared on their content tokens: the tokens of `normalizeForMatch(claim)` minus
 * `STOPWORDS` and negation cues. Similarity is the Jaccard index of the two content-token sets.
 *
 * Deduplication: findings are visited by confidence (highest first), then task id, then input
 * order; each joins the first group whose first member has the same normalized claim, or content
 * similarity ≥ `MERGE_SIMILARITY` and no contradiction (see below) — contradicting claims are never
 * merged, however similar, so they surface as a conflict instead. A merged finding takes its title
 * and claim from its highest-confidence supported member (or its first member when none is
 * supported), so an unsupported wording never stands for a supported group.
 *
 * Contradiction between two claims (reason of a `Conflict`):
 * - "negation": their stances differ. A claim is negated when it contains a `NEGATION_WORDS` token
 *   or a contraction such as "don't" / "isn't". A claim has a direction when it uses only
 *   `RISING_WORDS` (+1) or only `FALLING_WORDS` (−1). When both claims have a direction, the
 *   stance is direction × (−1 if negated); "costs did not rise" agrees with "costs fell". Otherwise
 *   the stance is just whether the claim is negated.
 * - "numeric": both attach numbers to the same following word ("40 percent" / "25%") and the
 *   value sets share no value. Commas in numbers are read as thousands separators.
 * Conflicts are reported between supported merged findings (both sides cited) whose similarity is
 * ≥ `CONFLICT_SIMILARITY`; the topic is their shared content tokens, sorted, at most 6.
 *
 * Anti-hallucination: high → `findings` holds only supported findings and unsupported ones appear
 * only in `unsupported`; medium and low → `findings` holds all of them (the report flags the
 * unsupported for medium and only counts them for low) and `unsupported` still lists them.
 */
import { normalizeForMatch, summarizeVerification } from "../evidence/verify";
import type { AntiHallucination, Role, SourceRecord } from "../protocol";
import type {
	Aggregation,
	CheckedCitation,
	CheckedFinding,
	Conflict,
	MergedFinding,
	QualityScore,
} from "./types";

/** Content similarity at or above which two findings are the same finding. */
export const MERGE_SIMILARITY = 0.6;
/** Content similarity at or above which two contradicting findings are about the same thing. */
export const CONFLICT_SIMILARITY = 0.3;
const MAX_TOPIC_TOKENS = 6;

export type AggregationContext = {
	antiHallucination: AntiHallucination;
	/** Requested research depth, 1–10. */
	depth: number;
	sources: SourceRecord[];
	tasksPlanned: number;
	tasksCompleted: number;
};

/** Function words that say nothing about what a claim is about. */
export const STOPWORDS: ReadonlySet<string> = new Set([
	"a",
	"an",
	"the",
	"and",
	"or",
	"but",
	"of",
	"to",
	"in",
	"on",
	"at",
	"for",
	"from",
	"by",
	"with",
	"as",
	"is",
	"are",
	"was",
	"were",
	"be",
	"been",
	"being",
	"it",
	"its",
	"this",
	"that",
	"these",
	"those",
	"than",
	"then",
	"which",
	"who",
	"what",
	"when",
	"where",
	"how",
	"there",
	"their",
	"they",
	"them",
	"we",
	"our",
	"you",
	"your",
	"do",
	"does",
	"did",
	"has",
	"have",
	"had",
	"will",
	"would",
	"should",
	"can",
	"could",
	"may",
	"might",
	"must",
	"also",
	"about",
	"into",
	"over",
	"more",
	"most",
	"less",
	"such",
	"so",
	"very",
	"only",
	"since",
	"after",
	"before",
	"during",
	"while",
	"until",
	"through",
	"between",
	"under",
	"per",
	"because",
	"if",
	"all",
	"any",
	"each",
	"some",
	"both",
	"other",
	"i",
	"he",
	"she",
	"his",
	"her",
	"us",
	"s",
]);

/** Tokens that negate a claim. "n't" contractions are caught separately (see `isNegated`). */
export const NEGATION_WORDS: ReadonlySet<string> = new Set([
	"not",
	"no",
	"never",
	"none",
	"nothing",
	"neither",
	"nor",
	"cannot",
	"without",
	"fail",
	"fails",
	"failed",
	"dont",
	"doesnt",
	"didnt",
	"isnt",
	"arent",
	"wasnt",
	"werent",
	"cant",
	"couldnt",
	"wont",
	"wouldnt",
	"shouldnt",
	"hasnt",
	"havent",
	"hadnt",
]);

/** "don't" normalizes to "don t": these stems before a lone "t" negate. */
const CONTRACTION_STEMS: ReadonlySet<string> = new Set([
	"don",
	"doesn",
	"didn",
	"isn",
	"aren",
	"wasn",
	"weren",
	"can",
	"couldn",
	"won",
	"wouldn",
	"shouldn",
	"hasn",
	"haven",
	"hadn",
]);

/** Words saying a quantity goes up. */
export const RISING_WORDS: ReadonlySet<string> = new Set([
	"increase",
	"increases",
	"increased",
	"increasing",
	"rise",
	"rises",
	"rose",
	"risen",
	"rising",
	"grow",
	"grows",
	"grew",
	"grown",
	"growing",
	"growth",
	"gain",
	"gains",
	"gained",
	"higher",
	"improve",
	"improves",
	"improved",
	"improving",
	"boost",
	"boosts",
	"boosted",
]);

/** Words saying a quantity goes down. */
export const FALLING_WORDS: ReadonlySet<string> = new Set([
	"decrease",
	"decreases",
	"decreased",
	"decreasing",
	"decline",
	"declines",
	"declined",
	"declining",
	"fall",
	"falls",
	"fell",
	"fallen",
	"falling",
	"drop",
	"drops",
	"dropped",
	"dropping",
	"shrink",
	"shrinks",
	"shrank",
	"shrunk",
	"lower",
	"reduce",
	"reduces",
	"reduced",
	"reducing",
	"reduction",
	"loss",
	"losses",
	"worsen",
	"worsens",
	"worsened",
]);

/** A number followed by "%" or a word, e.g. "40 percent", "25%", "1,200 homes". */
const QUANTITY = /(\d+(?:[.,]\d+)*)[\s-]*(%|\p{L}+)/gu;

type ClaimProfile = {
	normalized: string;
	content: ReadonlySet<string>;
	negated: boolean;
	direction: -1 | 0 | 1;
	/** Following word → values attached to it. */
	quantities: ReadonlyMap<string, ReadonlySet<number>>;
};

function isNegated(tokens: string[]): boolean {
	return tokens.some(
		(token, position) =>
			NEGATION_WORDS.has(token) || (token === "t" && CONTRACTION_STEMS.has(tokens[position - 1] ?? "")),
	);
}

function directionOf(tokens: string[]): -1 | 0 | 1 {
	const rising = tokens.some((token) => RISING_WORDS.has(token));
	const falling = tokens.some((token) => FALLING_WORDS.has(token));
	if (rising === falling) return 0;
	return rising ? 1 : -1;
}

function quantitiesOf(claim: string): Map<string, Set<number>> {
	const quantities = new Map<string, Set<number>>();
	for (const [, digits = "", word = ""] of claim.normalize("NFKC").toLowerCase().matchAll(QUANTITY)) {
		const unit = word === "%" ? "percent" : word;
		if (STOPWORDS.has(unit)) continue;
		const values = quantities.get(unit) ?? new Set<number>();
		values.add(Number(digits.replace(/,/g, "")));
		quantities.set(unit, values);
	}
	return quantities;
}

function profileClaim(claim: string): ClaimProfile {
	const normalized = normalizeForMatch(claim);
	const tokens = normalized === "" ? [] : normalized.split(" ");
	const content = new Set(
		tokens.filter((token) => !STOPWORDS.has(token) && !NEGATION_WORDS.has(token) && token !== "t"),
	);
	return {
		normalized,
		content,
		negated: isNegated(tokens),
		direction: directionOf(tokens),
		quantities: quantitiesOf(claim),
	};
}

function similarity(a: ClaimProfile, b: ClaimProfile): number {
	const shared = [...a.content].filter((token) => b.content.has(token)).length;
	const union = a.content.size + b.content.size - shared;
	return union === 0 ? 0 : shared / union;
}

function stance(profile: ClaimProfile): number {
	return profile.negated ? -1 : 1;
}

/** Why two claims contradict each other, or null when they do not. */
function contradiction(a: ClaimProfile, b: ClaimProfile): Conflict["reason"] | null {
	const stancesDiffer =
		a.direction !== 0 && b.direction !== 0
			? a.direction * stance(a) !== b.direction * stance(b)
			: a.negated !== b.negated;
	if (stancesDiffer) return "negation";
	for (const [unit, values] of a.quantities) {
		const other = b.quantities.get(unit);
		if (other && ![...values].some((value) => other.has(value))) return "numeric";
	}
	return null;
}

function belongsTogether(a: ClaimProfile, b: ClaimProfile): boolean {
	if (a.normalized === b.normalized) return true;
	return similarity(a, b) >= MERGE_SIMILARITY && contradiction(a, b) === null;
}

/** Findings stating the same thing, in visiting order; never empty. */
type FindingGroup = [CheckedFinding, ...CheckedFinding[]];

/** Groups findings that state the same thing (see the module comment for the rules). */
function groupFindings(checked: CheckedFinding[]): FindingGroup[] {
	const ordered = checked
		.map((finding, position) => ({ finding, position }))
		.sort(
			(a, b) =>
				b.finding.confidence - a.finding.confidence ||
				compareText(a.finding.taskId, b.finding.taskId) ||
				a.position - b.position,
		)
		.map(({ finding }) => finding);
	const groups: { profile: ClaimProfile; members: FindingGroup }[] = [];
	for (const finding of ordered) {
		const profile = profileClaim(finding.claim);
		const group = groups.find((candidate) => belongsTogether(candidate.profile, profile));
		if (group) group.members.push(finding);
		else groups.push({ profile, members: [finding] });
	}
	return groups.map((group) => group.members);
}

function compareText(a: string, b: string): number {
	if (a === b) return 0;
	return a < b ? -1 : 1;
}

/** Union of the members' citations, one per source and normalized quote, verified ones first. */
function mergeCitations(members: CheckedFinding[]): CheckedCitation[] {
	const all = members.flatMap((member) => member.citations);
	const verifiedFirst = [...all.filter((c) => c.verified), ...all.filter((c) => !c.verified)];
	const seen = new Set<string>();
	return verifiedFirst.filter((citation) => {
		const key = `${citation.sourceId}\u0000${normalizeForMatch(citation.quote)}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

function mergeGroup(members: FindingGroup): Omit<MergedFinding, "id"> {
	const representative = members.find((member) => member.supported) ?? members[0];
	const supportingAgents: { taskId: string; role: Role }[] = [];
	for (const { taskId, role } of members) {
		if (!supportingAgents.some((agent) => agent.taskId === taskId)) supportingAgents.push({ taskId, role });
	}
	const confidence = members.reduce((sum, member) => sum + member.confidence, 0) / members.length;
	const citations = mergeCitations(members);
	return {
		title: representative.title,
		claim: representative.claim,
		confidence,
		weight: confidence * supportingAgents.length,
		supportingAgents,
		citations,
		supported: citations.some((citation) => citation.verified),
	};
}

/** Supported first, then heavier first, then by claim text. */
function compareMerged(a: Omit<MergedFinding, "id">, b: Omit<MergedFinding, "id">): number {
	if (a.supported !== b.supported) return a.supported ? -1 : 1;
	return b.weight - a.weight || compareText(a.claim, b.claim);
}

function verifiedSourceIds(finding: MergedFinding): Set<string> {
	return new Set(finding.citations.filter((c) => c.verified).map((c) => c.sourceId));
}

function findConflicts(supported: MergedFinding[]): Conflict[] {
	const profiled = supported.map((finding) => ({ id: finding.id, profile: profileClaim(finding.claim) }));
	const conflicts: Conflict[] = [];
	for (const [i, a] of profiled.entries()) {
		for (const b of profiled.slice(i + 1)) {
			if (similarity(a.profile, b.profile) < CONFLICT_SIMILARITY) continue;
			const reason = contradiction(a.profile, b.profile);
			if (reason === null) continue;
			const topic = [...a.profile.content]
				.filter((token) => b.profile.content.has(token))
				.sort(compareText)
				.slice(0, MAX_TOPIC_TOKENS);
			conflicts.push({ findingA: a.id, findingB: b.id, topic, reason });
		}
	}
	return conflicts;
}

/** Supported single-agent findings whose verified sources no other merged finding cites verifiably. */
function findNovel(merged: MergedFinding[]): string[] {
	const sourcesPerFinding = merged.map(verifiedSourceIds);
	return merged
		.filter((finding, i) => {
			if (!finding.supported || finding.supportingAgents.length !== 1) return false;
			const own = sourcesPerFinding[i] ?? new Set<string>();
			return !sourcesPerFinding.some(
				(others, j) => j !== i && [...own].some((sourceId) => others.has(sourceId)),
			);
		})
		.map((finding) => finding.id);
}

/**
 * Quality score, each component in [0, 1]:
 * - depth = min(1, supported merged findings / (2 × requested depth))
 * - citations = verified citations / all citations (0 without citations)
 * - novelty = retrieved sources backing at least one verified citation / retrieved sources (0 without)
 * - completeness = min(1, tasks completed / tasks planned) (0 without a plan)
 * - overall = 0.3·depth + 0.3·citations + 0.15·novelty + 0.25·completeness
 */
function scoreQuality(
	merged: MergedFinding[],
	checked: CheckedFinding[],
	context: AggregationContext,
	citationsVerified: number,
	citationsTotal: number,
): QualityScore {
	const supportedCount = merged.filter((finding) => finding.supported).length;
	const depth = Math.min(1, supportedCount / (2 * Math.max(1, context.depth)));
	const citations = citationsTotal === 0 ? 0 : citationsVerified / citationsTotal;
	const retrieved = context.sources.filter((source) => source.status === "retrieved");
	const backing = new Set(
		checked.flatMap((finding) => finding.citations.filter((c) => c.verified).map((c) => c.sourceId)),
	);
	const novelty =
		retrieved.length === 0
			? 0
			: retrieved.filter((source) => backing.has(source.id)).length / retrieved.length;
	const completeness =
		context.tasksPlanned <= 0 ? 0 : Math.min(1, context.tasksCompleted / context.tasksPlanned);
	const overall = 0.3 * depth + 0.3 * citations + 0.15 * novelty + 0.25 * completeness;
	return { depth, citations, novelty, completeness, overall };
}

/**
 * Merges the checked findings of all agents into the report's findings, consensus, conflicts, novel
 * discoveries, quality score and verification summary (rules in the module comment).
 */
export function aggregate(checked: CheckedFinding[], context: AggregationContext): Aggregation {
	const merged: MergedFinding[] = groupFindings(checked)
		.map(mergeGroup)
		.sort(compareMerged)
		.map((finding, position) => ({ id: `F${position + 1}`, ...finding }));
	const supported = merged.filter((finding) => finding.supported);
	const unsupported = merged.filter((finding) => !finding.supported);
	const verification = summarizeVerification(checked);
	return {
		findings: context.antiHallucination === "high" ? supported : merged,
		consensus: supported
			.filter((finding) => finding.supportingAgents.length >= 2)
			.map((finding) => finding.id),
		conflicts: findConflicts(supported),
		novel: findNovel(merged),
		unsupported,
		quality: scoreQuality(
			merged,
			checked,
			context,
			verification.citationsVerified,
			verification.citationsTotal,
		),
		verification,
	};
}

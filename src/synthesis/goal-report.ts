/**
 * The goal-mode part of a master report: success-criteria verdicts per sub-goal, insights across
 * sub-goals, and the summary that ties them together. Pure and deterministic.
 *
 * A finding belongs to every sub-goal whose sub-swarm has one of its supporting agents (a task id in
 * the sub-goal's `taskIds`); the master synthesizer belongs to none. Only verified (supported)
 * findings count towards a verdict or an insight, the same rule the report body follows.
 *
 * Criterion verdicts. The topic of a criterion is its content words: the tokens of
 * `matchWords(criterion)` minus `STOPWORDS`, minus `CRITERION_TEMPLATE_WORDS` (the wording a
 * criterion uses for the act of research, "Identifies the key facts and evidence on …"), minus
 * number words, each reduced by `stemToken`. A supported finding of the sub-goal covers the topic
 * when at least `CRITERION_COVERAGE` (half) of the topic's words occur in the finding's title or
 * claim. The criterion is met when at least one finding covers it; a criterion of the form
 * "Cites at least N sources …" is met only when the covering findings have verified citations of at
 * least N distinct sources. A criterion with no topic words left ("Backs each conclusion with a
 * cited source") is about the sub-goal as a whole: every supported finding of the sub-goal covers it.
 */
import { STOPWORDS } from "../lib/stop-words";
import type {
	CriterionVerdict,
	CrossSubgoalInsights,
	GoalSection,
	ReportFinding,
	SubgoalConflict,
	SubgoalSection,
} from "./report-schema";
import { oneLine, plural } from "./report-text";
import type { Aggregation, GoalInput, GoalSubgoal, MergedFinding } from "./types";

/** Share of a criterion's topic words a finding must contain to cover the criterion. */
export const CRITERION_COVERAGE = 0.5;

/**
 * Words that say what a criterion asks the research to do rather than what it is about, so they are
 * left out of its topic (compared before stemming, so plural forms are listed).
 */
export const CRITERION_TEMPLATE_WORDS: ReadonlySet<string> = new Set([
	"identifies",
	"identify",
	"cites",
	"cite",
	"cited",
	"source",
	"sources",
	"explains",
	"explain",
	"describes",
	"describe",
	"least",
	"key",
	"evidence",
	"fact",
	"facts",
	"notes",
	"note",
	"states",
	"state",
	"addresses",
	"address",
	"answers",
	"answer",
	"backs",
	"back",
	"traces",
	"weighs",
	"says",
	"using",
	"finding",
	"findings",
	"depends",
	"depend",
	"sub",
	"goal",
	"goals",
	"directly",
	"conclusion",
	"conclusions",
	"concluding",
	"difference",
	"differences",
	"differ",
	"agree",
	"why",
	"background",
	"behind",
	"names",
	"open",
	"question",
	"questions",
	"conflicting",
	"subject",
]);

const NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
/** "Cites at least two sources", "cite at least 3 independent sources". */
const SOURCE_COUNT_CRITERION = new RegExp(
	`\\bcites?\\s+at\\s+least\\s+(\\d+|${NUMBER_WORDS.join("|")})\\s+(?:[a-z-]+\\s+)?sources?\\b`,
	"i",
);

/**
 * A token reduced to a crude singular so "cycles" matches "cycle": "-ies" → "-y" (5+ letters),
 * a final "s" dropped (4+ letters, not "-ss", "-us", "-is").
 * @example stemToken("studies") // "study"
 */
export function stemToken(token: string): string {
	if (token.length >= 5 && token.endsWith("ies")) return `${token.slice(0, -3)}y`;
	if (token.length >= 4 && token.endsWith("s") && !/(?:ss|us|is)$/.test(token)) return token.slice(0, -1);
	return token;
}

/**
 * The topic words of a criterion, in their order of first appearance (not stemmed).
 * @example criterionTopic("Cites at least two sources on defrost cycles") // ["defrost", "cycles"]
 */
export function criterionTopic(criterion: string): string[] {
	const words = matchWords(criterion)
		.split(" ")
		.filter(
			(word) =>
				word !== "" &&
				!STOPWORDS.has(word) &&
				!CRITERION_TEMPLATE_WORDS.has(word) &&
				!NUMBER_WORDS.includes(word) &&
				!/^\d+$/.test(word),
		);
	return [...new Set(words)];
}

/**
 * The number of distinct sources a "Cites at least N sources …" criterion asks for; null for any
 * other criterion.
 * @example requiredSourceCount("Cites at least two sources on heat pumps") // 2
 */
export function requiredSourceCount(criterion: string): number | null {
	const match = SOURCE_COUNT_CRITERION.exec(criterion);
	if (match === null) return null;
	const amount = (match[1] ?? "").toLowerCase();
	const index = NUMBER_WORDS.indexOf(amount);
	return index >= 0 ? index + 1 : Number(amount);
}

/**
 * Ids of the sub-goals a finding belongs to (those with a supporting agent among their tasks), in
 * the order of `subgoals`.
 */
export function subgoalsOfFinding(
	finding: Pick<MergedFinding, "supportingAgents">,
	subgoals: GoalSubgoal[],
): string[] {
	return subgoals.filter((subgoal) => belongsTo(finding, subgoal)).map((subgoal) => subgoal.id);
}

/**
 * Judges each success criterion of a sub-goal against its supported findings (rule in the module
 * comment). `findings` may hold every finding of the job; only the sub-goal's supported ones count.
 * @example criterionVerdicts(g2, aggregation.findings)[0]
 * // { criterion: "Explains defrost cycles", met: true, why: "met: 1 verified finding covers 'defrost cycles' (F3)", evidence: ["F3"] }
 */
export function criterionVerdicts(subgoal: GoalSubgoal, findings: MergedFinding[]): CriterionVerdict[] {
	const own = findings.filter(
		(finding) => finding.support.verdict === "supported" && belongsTo(finding, subgoal),
	);
	const profiles = own.map((finding) => ({
		finding,
		words: new Set(wordsOf(`${finding.title} ${finding.claim}`)),
	}));
	return subgoal.successCriteria.map((criterion) => {
		const topic = criterionTopic(criterion);
		const topicWords = [...new Set(topic.map(stemToken))];
		const scored = profiles.map(({ finding, words }) => ({
			finding,
			shared: topicWords.filter((word) => words.has(word)).length,
		}));
		const covering = scored
			.filter(({ shared }) => topicWords.length === 0 || shared / topicWords.length >= CRITERION_COVERAGE)
			.map(({ finding }) => finding);
		const evidence = covering.map((finding) => finding.id);
		const about = topic.length === 0 ? null : `'${topic.join(" ")}'`;
		const needed = requiredSourceCount(criterion);

		if (covering.length === 0) {
			const why =
				own.length === 0
					? "not met: the sub-goal has no verified findings"
					: `not met: no verified finding of the sub-goal covers at least half of ${about}${closest(scored, topicWords.length)}`;
			return { criterion, met: false, why, evidence };
		}
		const counted = plural(covering.length, "verified finding");
		const ids = `(${evidence.join(", ")})`;
		if (needed === null) {
			const verb = covering.length === 1 ? "covers" : "cover";
			const why =
				about === null
					? `met: the sub-goal has ${counted} ${ids}`
					: `met: ${counted} ${verb} ${about} ${ids}`;
			return { criterion, met: true, why, evidence };
		}
		const sources = verifiedSourceIds(covering);
		const met = sources.length >= needed;
		const scope = about === null ? "of the sub-goal" : `on ${about}`;
		const why = `${met ? "met" : "not met"}: ${plural(sources.length, "distinct verified source")} across ${counted} ${scope} ${ids}; ${needed} needed`;
		return { criterion, met, why, evidence };
	});
}

/**
 * Findings shared between sub-goals and contradictions between sub-goals. A shared finding is a
 * supported merged finding whose agents come from two or more sub-goals. A conflict between
 * sub-goals is an aggregation conflict between two supported findings where some sub-goal behind one
 * side differs from some sub-goal behind the other.
 * @example crossSubgoalInsights(goal, aggregation).sharedFindings
 * // [{ findingId: "F1", subgoalIds: ["g1", "g3"] }]
 */
export function crossSubgoalInsights(goal: GoalInput, aggregation: Aggregation): CrossSubgoalInsights {
	const supported = new Map(
		aggregation.findings
			.filter((finding) => finding.support.verdict === "supported")
			.map((finding) => [finding.id, subgoalsOfFinding(finding, goal.subgoals)]),
	);
	const sharedFindings = [...supported]
		.filter(([, subgoalIds]) => subgoalIds.length >= 2)
		.map(([findingId, subgoalIds]) => ({ findingId, subgoalIds }));
	const conflicts = aggregation.conflicts.flatMap((conflict): SubgoalConflict[] => {
		const a = supported.get(conflict.findingA);
		const b = supported.get(conflict.findingB);
		if (a === undefined || b === undefined) return [];
		if (!a.some((left) => b.some((right) => right !== left))) return [];
		return [
			{
				topic: conflict.topic,
				reason: conflict.reason,
				sideA: { findingId: conflict.findingA, subgoalIds: a },
				sideB: { findingId: conflict.findingB, subgoalIds: b },
			},
		];
	});
	return { sharedFindings, conflicts };
}

/**
 * The goal section of a master report: plan, one entry per sub-goal with its criteria verdicts and
 * body findings, insights across sub-goals and a summary of all of it.
 */
export function buildGoalSection(
	goal: GoalInput,
	aggregation: Aggregation,
	bodyFindings: ReportFinding[],
): GoalSection {
	const subgoals = goal.subgoals.map((subgoal): SubgoalSection => {
		const criteria = criterionVerdicts(subgoal, aggregation.findings);
		return {
			id: subgoal.id,
			description: subgoal.description,
			complexity: subgoal.complexity,
			dependsOn: subgoal.dependsOn,
			taskIds: subgoal.taskIds,
			criteria,
			criteriaMet: criteria.filter((verdict) => verdict.met).length,
			findingIds: bodyFindings.filter((finding) => belongsTo(finding, subgoal)).map((finding) => finding.id),
		};
	});
	const insights = crossSubgoalInsights(goal, aggregation);
	const verifiedIds = new Set(bodyFindings.filter((f) => f.flag === "verified").map((f) => f.id));
	return {
		goal: goal.goal,
		executiveSummary: [
			planParagraph(goal.levels, subgoals.length),
			...subgoals.map((subgoal) => subgoalParagraph(subgoal, verifiedIds)),
			insightsParagraph(insights),
		].join("\n\n"),
		plan: { levels: goal.levels, explanation: goal.explanation },
		subgoals,
		crossSubgoalInsights: insights,
	};
}

/**
 * The executive-summary paragraph that opens a master report: the goal and how many sub-goals met
 * all their success criteria.
 * @example goalSummaryParagraph(section) // "Goal: Heat pumps vs furnaces. 1 of 3 sub-goals met all …"
 */
export function goalSummaryParagraph(section: GoalSection): string {
	const complete = section.subgoals.filter((subgoal) => subgoal.criteriaMet === subgoal.criteria.length);
	const names = complete.length > 0 ? ` (${complete.map((subgoal) => subgoal.id).join(", ")})` : "";
	return (
		`Goal: ${oneLine(section.goal)}. ${complete.length} of ${plural(section.subgoals.length, "sub-goal")} ` +
		`met all their success criteria${names}.`
	);
}

/** Lower-case words of a text separated by single spaces (NFKC; punctuation and symbols dropped). */
function matchWords(text: string): string {
	return text
		.normalize("NFKC")
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\p{M}]+/gu, " ")
		.trim();
}

function belongsTo(finding: Pick<MergedFinding, "supportingAgents">, subgoal: GoalSubgoal): boolean {
	return finding.supportingAgents.some((agent) => subgoal.taskIds.includes(agent.taskId));
}

function wordsOf(text: string): string[] {
	const normalized = matchWords(text);
	return normalized === "" ? [] : normalized.split(" ").map(stemToken);
}

/** Distinct ids of the sources behind verified citations of the findings, in citation order. */
function verifiedSourceIds(findings: MergedFinding[]): string[] {
	const ids = findings.flatMap((finding) =>
		finding.citations.filter((citation) => citation.verified).map((citation) => citation.sourceId),
	);
	return [...new Set(ids)];
}

/** " (closest: F2, 1 of 3 words)" for the best partial match; "" when no finding shares a word. */
function closest(scored: { finding: MergedFinding; shared: number }[], topicSize: number): string {
	const best = scored.reduce<{ finding: MergedFinding; shared: number } | null>(
		(top, entry) => (entry.shared > (top?.shared ?? 0) ? entry : top),
		null,
	);
	return best === null
		? ""
		: ` (closest: ${best.finding.id}, ${best.shared} of ${plural(topicSize, "word")})`;
}

function planParagraph(levels: string[][], subgoalCount: number): string {
	const steps = levels.map((level, index) => {
		const together = level.length > 1 ? " at once" : "";
		return `level ${index + 1}: ${level.join(", ")}${together}`;
	});
	return `The goal was split into ${plural(subgoalCount, "sub-goal")}, planned in ${plural(levels.length, "level")} (${steps.join("; ")}).`;
}

function subgoalParagraph(subgoal: SubgoalSection, verifiedIds: Set<string>): string {
	const total = subgoal.criteria.length;
	const verified = subgoal.findingIds.filter((id) => verifiedIds.has(id)).length;
	const status = `${subgoal.criteriaMet} of ${total} success ${total === 1 ? "criterion" : "criteria"} met`;
	const unmet = subgoal.criteria
		.filter((verdict) => !verdict.met)
		.map((verdict) => `"${oneLine(verdict.criterion)}" (${verdict.why.replace(/^not met: /, "")})`);
	const missing = unmet.length > 0 ? `; not met: ${unmet.join("; ")}` : "";
	return `${subgoal.id} (${oneLine(subgoal.description)}): ${status}${missing}; ${plural(verified, "verified finding")}.`;
}

function insightsParagraph(insights: CrossSubgoalInsights): string {
	const shared = insights.sharedFindings.map(
		(entry) => `${entry.findingId} (${entry.subgoalIds.join(", ")})`,
	);
	const conflicts = insights.conflicts.map(
		(conflict) =>
			`${conflict.sideA.findingId} (${conflict.sideA.subgoalIds.join(", ")}) vs ` +
			`${conflict.sideB.findingId} (${conflict.sideB.subgoalIds.join(", ")}) on ${conflict.topic.join(" ")}`,
	);
	const sharedPart =
		shared.length > 0
			? `Findings shared across sub-goals: ${shared.join("; ")}.`
			: "No verified finding is shared between sub-goals.";
	const conflictPart =
		conflicts.length > 0
			? `Conflicts between sub-goals: ${conflicts.join("; ")}.`
			: "No verified findings of different sub-goals contradict each other.";
	return `${sharedPart} ${conflictPart}`;
}

/**
 * The goal-mode part of a master report: success-criteria verdicts per sub-goal, insights across
 * sub-goals, and the summary that ties them together. Pure and deterministic.
 *
 * A finding belongs to every sub-goal whose sub-swarm has one of its supporting agents (a task id in
 * the sub-goal's `taskIds`); the master synthesizer belongs to none. Insights count only supported
 * findings, the same rule the report body follows.
 *
 * Criterion verdicts by rule. A criterion counts a sub-goal's own findings with a `supported` or
 * `partial` verdict, and reads each one's claim and the snapshot text of its verbatim quotes (never
 * its title, which no source checks). The criterion's key terms are its content words (`matchWords`
 * minus `STOPWORDS`, `CRITERION_TEMPLATE_WORDS` — the wording of the act of research, "Identifies the
 * key facts and evidence on …" — and number words, each reduced by `stemToken`) and its numbers, apart
 * from the count of a "Cites at least N sources" criterion. They fall in two groups: the subject, up to
 * the first qualifying word after it (`QUALIFIER_WORDS`: for, in, at, during, …; "of" keeps to the
 * subject, so "running costs of heat pumps" is all subject), split into phrases at "and", "or" and
 * commas; and the context after it, whose numbers join the last subject phrase. "Gas boilers for cold
 * climates": subject phrase "gas boilers"; context cold, climate. A finding states a term when one of
 * its words is the term, or, for terms of 5+ letters, starts with it ("perform" → "performance"); it
 * states a phrase when it states every term of the phrase itself, so "fossil fuel boilers" in one
 * finding and "gas prices" in another never make "gas boilers".
 * - not met: some subject phrase is stated by no counted finding (findings about heat pumps never
 *   meet a criterion on gas boilers, however much else they share), or the sub-goal has none;
 * - met: each subject phrase is stated by a supported finding, those findings state every context
 *   term between them and, for "Cites at least N sources", have verified quotes from N distinct
 *   sources;
 * - partly: otherwise — the subject is stated but some context is not, or only with partly supported
 *   findings, or with fewer sources than asked.
 * A criterion with no key terms ("Backs each conclusion with a cited source") is about the sub-goal as
 * a whole: met by any supported finding (and the sources asked for), partly by partial ones alone.
 *
 * A model's verdicts (`ReportGoal.criterionJudgements`, from a judging pass of the job's model) are
 * checked before they count: the model may confirm the rules or downgrade them, and may raise a
 * verdict only to met; a verdict other than not met must name its findings, and every one named must
 * be a counted finding of that very sub-goal — a supported one for met, with the sources a "Cites at
 * least N sources" criterion asks for. A verdict that fails a check is set aside, said so in `why`,
 * and the rules' verdict stands.
 */
import { STOPWORDS } from "../lib/stop-words";
import type {
	CriterionStatus,
	CriterionVerdict,
	CrossSubgoalInsights,
	GoalSection,
	ReportFinding,
	SubgoalConflict,
	SubgoalSection,
} from "./report-schema";
import { oneLine, plural } from "./report-text";
import type {
	Aggregation,
	CriterionJudgement,
	GoalInput,
	GoalSubgoal,
	MergedFinding,
	ReportGoal,
} from "./types";

/**
 * Words that say what a criterion asks the research to do rather than what it is about, so they are
 * not key terms (compared before stemming, so plural forms are listed).
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
	"terms",
	"actors",
	"context",
	"assumptions",
	"limits",
	"option",
	"fits",
	"situation",
	"reached",
	"current",
	"trends",
	"separates",
	"established",
	"forecasts",
	"gives",
	"shows",
	"lists",
	"provides",
	"presents",
	"includes",
	"covers",
	"discusses",
	"mentions",
	"specifies",
	"compares",
	"quantifies",
	"summarizes",
	"summarises",
	"assesses",
	"evaluates",
	"outlines",
]);

/** Words that end a criterion's subject: what follows qualifies it ("gas boilers | for cold climates"). */
const QUALIFIER_WORDS: ReadonlySet<string> = new Set([
	"for",
	"in",
	"at",
	"on",
	"during",
	"under",
	"with",
	"within",
	"without",
	"across",
	"among",
	"between",
	"from",
	"to",
	"by",
	"when",
	"where",
	"if",
	"after",
	"before",
	"over",
	"against",
	"versus",
	"vs",
	"than",
	"while",
	"into",
	"per",
	"via",
]);

/** Words that end one subject phrase and start the next: "heat pumps and gas furnaces". */
const PHRASE_BREAKS: ReadonlySet<string> = new Set(["and", "or", "nor", "versus", "vs"]);
/** Shortest term that also matches the longer words it starts ("perform" → "performance"). */
const PREFIX_TERM_LETTERS = 5;
const NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
/** "Cites at least two sources", "cite at least 3 independent sources". */
const SOURCE_COUNT_CRITERION = new RegExp(
	`\\bcites?\\s+at\\s+least\\s+(\\d+|${NUMBER_WORDS.join("|")})\\s+(?:[a-z-]+\\s+)?sources?\\b`,
	"i",
);
const STATUS_WORDS: Record<CriterionStatus, string> = { met: "met", partly: "partly", not_met: "not met" };
const STATUS_RANK: Record<CriterionStatus, number> = { not_met: 0, partly: 1, met: 2 };

/**
 * A criterion's key terms (not stemmed, in order of first appearance): the phrases of its subject,
 * and its context.
 */
export type CriterionTerms = { subject: string[][]; context: string[] };

/** A sub-goal's criteria with the rules' verdicts and the findings they count, for a model to judge. */
export type CriteriaReview = {
	subgoalId: string;
	description: string;
	criteria: { criterionId: string; criterion: string; status: CriterionStatus; evidence: string[] }[];
	findings: { id: string; verdict: "supported" | "partial"; claim: string; quotes: string[] }[];
};

/** A counted finding with the words of its claim and verified quotes, stemmed. */
type Profile = { finding: MergedFinding; words: ReadonlySet<string>; list: readonly string[] };

/** A key term as written and as matched. */
type Term = { word: string; stem: string };

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
 * The key terms of a criterion: the subject's phrases up to the first qualifying word after them,
 * then the context (rule in the module comment).
 * @example criterionTerms("States where standard models and cold-climate models differ in cold weather")
 * // { subject: [["standard", "models"], ["cold", "climate", "models"]], context: ["cold", "weather"] }
 */
export function criterionTerms(criterion: string): CriterionTerms {
	const subject: string[][] = [];
	const context: string[] = [];
	let phrase: string[] = [];
	let inContext = false;
	const close = () => {
		if (phrase.length > 0) subject.push(phrase);
		phrase = [];
	};
	const text = criterion.replace(SOURCE_COUNT_CRITERION, " ").replace(/[,;&/]/g, " and ");
	for (const word of matchWords(text).split(" ")) {
		const isNumber = /^\d+$/.test(word);
		if (QUALIFIER_WORDS.has(word) && (phrase.length > 0 || subject.length > 0)) {
			close();
			inContext = true;
		} else if (PHRASE_BREAKS.has(word)) {
			close();
		} else if (
			// A lone letter is a unit or a symbol ("°C" reads as "c"), never a term.
			(word.length > 1 || isNumber) &&
			!STOPWORDS.has(word) &&
			!CRITERION_TEMPLATE_WORDS.has(word) &&
			!NUMBER_WORDS.includes(word)
		) {
			// A number is a fact the findings must state with the subject, wherever the criterion puts it.
			const into = !inContext ? phrase : isNumber ? (subject.at(-1) ?? phrase) : context;
			if (!into.includes(word)) into.push(word);
		}
	}
	close();
	return { subject, context };
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

/** The id a judge uses for a criterion: `{subgoalId}#{n}`, n counted from 1. */
function criterionId(subgoalId: string, index: number): string {
	return `${subgoalId}#${index + 1}`;
}

/**
 * Judges each success criterion of a sub-goal against its own supported and partial findings (rules
 * in the module comment), then applies the model's `judgements` that pass their checks. `findings`
 * may hold every finding of the job; only the sub-goal's own counted ones are read.
 * @example criterionVerdicts(g2, aggregation.findings)[0]
 * // { criterion: "…on gas boilers for cold climates", status: "not_met", met: false, judgedBy: "rules",
 * //   why: "not met: no supported or partial finding of the sub-goal states 'gas boilers'", evidence: [] }
 */
export function criterionVerdicts(
	subgoal: GoalSubgoal,
	findings: MergedFinding[],
	judgements: readonly CriterionJudgement[] = [],
): CriterionVerdict[] {
	const counted = countedFindings(subgoal, findings).map(profileOf);
	const byId = new Map(judgements.map((judgement) => [judgement.criterionId, judgement]));
	return subgoal.successCriteria.map((criterion, index) => {
		const rules = ruleVerdict(criterion, counted);
		const judgement = byId.get(criterionId(subgoal.id, index));
		return judgement === undefined ? rules : judged(rules, judgement, subgoal.id, counted);
	});
}

/**
 * What a model is asked to judge: every sub-goal with counted findings, its criteria with the rules'
 * verdicts, and those findings (claim and verified quotes), heaviest first. A sub-goal without counted
 * findings is left out: nothing could meet its criteria.
 */
export function criteriaReviews(goal: GoalInput, aggregation: Aggregation): CriteriaReview[] {
	return goal.subgoals.flatMap((subgoal): CriteriaReview[] => {
		const counted = countedFindings(subgoal, aggregation.findings);
		if (counted.length === 0) return [];
		const rules = criterionVerdicts(subgoal, aggregation.findings);
		return [
			{
				subgoalId: subgoal.id,
				description: subgoal.description,
				criteria: rules.map((verdict, index) => ({
					criterionId: criterionId(subgoal.id, index),
					criterion: verdict.criterion,
					status: verdict.status,
					evidence: verdict.evidence,
				})),
				findings: counted.map((finding) => ({
					id: finding.id,
					verdict: finding.support.verdict === "supported" ? "supported" : "partial",
					claim: finding.claim,
					quotes: verifiedTexts(finding),
				})),
			},
		];
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
 * The goal section of a master report: plan, one entry per sub-goal with its criteria verdicts (the
 * model's, where they pass their checks) and body findings, insights across sub-goals and a summary.
 */
export function buildGoalSection(
	goal: ReportGoal,
	aggregation: Aggregation,
	bodyFindings: ReportFinding[],
): GoalSection {
	const subgoals = goal.subgoals.map((subgoal): SubgoalSection => {
		const criteria = criterionVerdicts(subgoal, aggregation.findings, goal.criterionJudgements);
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

/** The sub-goal's own findings a criterion may rest on: supported or partial, in aggregation order. */
function countedFindings(subgoal: GoalSubgoal, findings: MergedFinding[]): MergedFinding[] {
	return findings.filter(
		(finding) =>
			(finding.support.verdict === "supported" || finding.support.verdict === "partial") &&
			belongsTo(finding, subgoal),
	);
}

/** The source's own text of each verbatim quote of a finding. */
function verifiedTexts(finding: MergedFinding): string[] {
	return finding.citations
		.filter((citation) => citation.verified)
		.map((citation) => citation.sourceText ?? citation.quote);
}

function profileOf(finding: MergedFinding): Profile {
	const normalized = matchWords([finding.claim, ...verifiedTexts(finding)].join(" "));
	const list = normalized === "" ? [] : normalized.split(" ").map(stemToken);
	return { finding, words: new Set(list), list };
}

function states(profile: Profile, term: Term): boolean {
	return (
		profile.words.has(term.stem) ||
		(term.stem.length >= PREFIX_TERM_LETTERS && profile.list.some((word) => word.startsWith(term.stem)))
	);
}

function stemmed(words: readonly string[]): Term[] {
	const terms = new Map<string, Term>();
	for (const word of words) {
		const stem = /^\d+$/.test(word) ? word : stemToken(word);
		if (!terms.has(stem)) terms.set(stem, { word, stem });
	}
	return [...terms.values()];
}

/** The criterion's verdict by rule (module comment). */
function ruleVerdict(criterion: string, counted: readonly Profile[]): CriterionVerdict {
	const verdict = (status: CriterionStatus, why: string, evidence: readonly Profile[]): CriterionVerdict => ({
		criterion,
		status,
		met: status === "met",
		why: `${STATUS_WORDS[status]}: ${why}`,
		evidence: evidence.map((profile) => profile.finding.id),
		judgedBy: "rules",
	});
	if (counted.length === 0)
		return verdict("not_met", "the sub-goal has no supported or partial findings", []);
	const words = criterionTerms(criterion);
	const phrases = words.subject.map(stemmed);
	const terms = stemmed([...words.subject.flat(), ...words.context]);
	const statesPhrase = (profile: Profile, phrase: readonly Term[]) =>
		phrase.every((term) => states(profile, term));
	// The findings on the subject: each states a whole phrase of it (all of them when it has none).
	const addressing = counted.filter(
		(profile) => phrases.length === 0 || phrases.some((phrase) => statesPhrase(profile, phrase)),
	);
	const missing = phrases.filter((phrase) => !addressing.some((profile) => statesPhrase(profile, phrase)));
	if (missing.length > 0) {
		return verdict(
			"not_met",
			`no supported or partial finding of the sub-goal states ${missing.map(quoted).join(" or ")}`,
			[],
		);
	}

	const supported = addressing.filter((profile) => profile.finding.support.verdict === "supported");
	const needed = requiredSourceCount(criterion);
	const sources = verifiedSourceIds(supported.map((profile) => profile.finding)).length;
	const sourceCount =
		needed === null ? "" : `, with ${plural(sources, "distinct verified source")} of ${needed} needed`;
	const statement = (by: readonly Profile[], stated: readonly Term[]) =>
		stated.length === 0
			? `the sub-goal has findings ${listIds(by)}`
			: `${listIds(by)} ${by.length === 1 ? "states" : "state"} ${quoted(stated)}`;
	const subjectBy = (by: readonly Profile[]) =>
		phrases.every((phrase) => by.some((profile) => statesPhrase(profile, phrase)));
	const complete = (by: readonly Profile[]) =>
		by.length > 0 && subjectBy(by) && unstated(terms, by).length === 0;
	if (complete(supported) && (needed === null || sources >= needed)) {
		return verdict("met", `${statement(supported, terms)}${sourceCount}`, supported);
	}
	const missingContext = unstated(terms, addressing);
	if (missingContext.length > 0) {
		const stated = terms.filter((term) => !missingContext.includes(term));
		return verdict(
			"partly",
			`${statement(addressing, stated)} but none states ${quoted(missingContext)}`,
			addressing,
		);
	}
	if (!complete(supported)) {
		return verdict(
			"partly",
			`${statement(addressing, terms)}, only with partly supported findings`,
			addressing,
		);
	}
	return verdict("partly", `${statement(supported, terms)}${sourceCount}`, addressing);
}

/**
 * The rules' verdict with the model's judgement applied, or set aside (and said so) when it breaks a
 * check of the module comment.
 */
function judged(
	rules: CriterionVerdict,
	judgement: CriterionJudgement,
	subgoalId: string,
	counted: readonly Profile[],
): CriterionVerdict {
	const { status } = judgement;
	const cited = [...new Set(judgement.findingIds)];
	const own = new Map(counted.map((profile) => [profile.finding.id, profile.finding]));
	const problem = judgementProblem(rules, judgement, cited, own, subgoalId);
	if (problem !== null) {
		return {
			...rules,
			why: `${rules.why} (the model's "${STATUS_WORDS[status]}" was set aside: ${problem})`,
		};
	}
	// A downgrade to partly may leave the findings as the rules found them.
	const evidence = status === "not_met" ? [] : cited.length > 0 ? cited : rules.evidence;
	const ids = evidence.length > 0 ? ` (${evidence.join(", ")})` : "";
	return {
		criterion: rules.criterion,
		status,
		met: status === "met",
		why: `${STATUS_WORDS[status]}: ${oneLine(judgement.reason)}${ids}`,
		evidence,
		judgedBy: "model",
	};
}

/** Why a model's judgement cannot stand, or null when it passes every check. */
function judgementProblem(
	rules: CriterionVerdict,
	judgement: CriterionJudgement,
	cited: readonly string[],
	own: ReadonlyMap<string, MergedFinding>,
	subgoalId: string,
): string | null {
	const { status } = judgement;
	if (status === "not_met") return null;
	if (STATUS_RANK[status] > STATUS_RANK[rules.status] && status !== "met") {
		return `a verdict may be raised only to met`;
	}
	if (cited.length === 0) return status === "met" ? "it names no finding" : null;
	const foreign = cited.filter((id) => !own.has(id));
	if (foreign.length > 0) {
		return `${foreign.join(", ")} ${foreign.length === 1 ? "is not a" : "are not"} supported or partial finding${foreign.length === 1 ? "" : "s"} of ${subgoalId}`;
	}
	if (status !== "met") return null;
	const findings = cited.flatMap((id) => own.get(id) ?? []);
	const partial = findings.filter((finding) => finding.support.verdict !== "supported");
	if (partial.length > 0) return `${partial.map((finding) => finding.id).join(", ")} only partly supported`;
	const needed = requiredSourceCount(rules.criterion);
	const sources = verifiedSourceIds(findings).length;
	if (needed !== null && sources < needed) {
		return `its findings have ${plural(sources, "distinct verified source")} of ${needed} needed`;
	}
	return null;
}

function unstated(terms: readonly Term[], by: readonly Profile[]): Term[] {
	return terms.filter((term) => !by.some((profile) => states(profile, term)));
}

/** "'gas boilers'": the terms as the criterion writes them. */
function quoted(terms: readonly Term[]): string {
	return `'${terms.map((term) => term.word).join(" ")}'`;
}

/** "F1, F3 (partial)". */
function listIds(profiles: readonly Profile[]): string {
	return profiles
		.map(({ finding }) => (finding.support.verdict === "supported" ? finding.id : `${finding.id} (partial)`))
		.join(", ");
}

/** Distinct ids of the sources behind verified citations of the findings, in citation order. */
function verifiedSourceIds(findings: readonly MergedFinding[]): string[] {
	const ids = findings.flatMap((finding) =>
		finding.citations.filter((citation) => citation.verified).map((citation) => citation.sourceId),
	);
	return [...new Set(ids)];
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
	const open = (wanted: CriterionStatus): string => {
		const listed = subgoal.criteria
			.filter((verdict) => verdict.status === wanted)
			.map((verdict) => `"${oneLine(verdict.criterion)}" (${verdict.why.replace(/^[a-z ]+: /, "")})`);
		return listed.length > 0 ? `; ${STATUS_WORDS[wanted]}: ${listed.join("; ")}` : "";
	};
	return `${subgoal.id} (${oneLine(subgoal.description)}): ${status}${open("partly")}${open("not_met")}; ${plural(verified, "verified finding")}.`;
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

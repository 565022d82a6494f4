/**
 * Aggregation of checked findings across agents: deduplication, weighting, consensus, contradictions,
 * novel discoveries, the verification summary and the quality score. Pure and deterministic.
 *
 * Deduplication: findings are visited by support (supported first), confidence, task id and input
 * order; each joins the first group whose first member has content similarity ≥ `MERGE_SIMILARITY`
 * (Jaccard index of the stemmed content words), gives no rival figure, and does not contradict it
 * (`contradictionBetween`): such claims are never merged, so an altered figure stays a finding of its
 * own and a disagreement surfaces as a conflict (two near-identical claims with rival figures are a
 * numeric conflict even without a unit). A merged finding takes
 * its claim, title and support verdict from its best-supported member, and keeps every member's
 * citations.
 *
 * Independent sources: a merged finding's sources are the distinct snapshots (by SHA-256) cited
 * verbatim by a member whose claim was supported, whose own quote does not fail the merged claim
 * (rules verdict supported or partial). A synthesizer or critic restating a finding adds no source, so
 * it never makes consensus on its own.
 *
 * Uncited findings: in a job that does not require citations (`citationsRequired` false) a merged
 * finding none of whose members cites anything is `uncited`. It keeps its rules verdict (unsupported:
 * nothing backs it) but is counted apart from the unsupported ones; a finding whose citations fail is
 * never uncited, whatever the job required.
 */
import { checkSupport, contradictionBetween, textFacts } from "../evidence/support";
import type { SourceRecord } from "../protocol";
import { tokenize } from "../providers/text";
import type {
	AgentFindingSummary,
	Aggregation,
	CheckedCitation,
	CheckedFinding,
	Conflict,
	MergedFinding,
	QualityScore,
	SupportVerdict,
	VerificationSummary,
} from "./types";

export type AggregationContext = {
	/** Requested research depth, 1–10. */
	depth: number;
	sources: SourceRecord[];
	tasksPlanned: number;
	tasksCompleted: number;
	/** The job's `config.citations`: false lets findings go without citations (see `uncited`). */
	citationsRequired: boolean;
};

/** Content similarity at or above which two findings are the same finding. */
export const MERGE_SIMILARITY = 0.6;
/** Supported findings need this many independent sources to count as consensus. */
export const CONSENSUS_SOURCES = 2;
const MAX_TOPIC_TOKENS = 6;
const MIN_SHARED_SUBJECT_WORDS = 2;

const VERDICT_RANK: Record<SupportVerdict, number> = {
	supported: 0,
	partial: 1,
	unsupported: 2,
	contradicted: 3,
};

type Profiled = { finding: CheckedFinding; content: ReadonlySet<string>; figures: ReadonlySet<number> };

function figuresOf(claim: string): Set<number> {
	return new Set(textFacts(claim).quantities.map((quantity) => quantity.value));
}

/**
 * "2.8, 3.2 against 4.8, 5.2" when each claim gives a figure the other does not (a claim that only
 * adds a figure to the other's is a more precise statement, not a rival); null otherwise.
 */
function rivalFigures(a: ReadonlySet<number>, b: ReadonlySet<number>): string | null {
	const onlyA = [...a].filter((value) => !b.has(value));
	const onlyB = [...b].filter((value) => !a.has(value));
	if (onlyA.length === 0 || onlyB.length === 0) return null;
	return `${onlyA.join(", ")} against ${onlyB.join(", ")}`;
}

function contentOf(claim: string): Set<string> {
	return new Set(tokenize(claim));
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
	let shared = 0;
	for (const token of a) if (b.has(token)) shared += 1;
	const union = a.size + b.size - shared;
	return union === 0 ? 0 : shared / union;
}

function compareText(a: string, b: string): number {
	if (a === b) return 0;
	return a < b ? -1 : 1;
}

/** Groups findings that state the same thing (see the module comment for the rules). */
function groupFindings(checked: CheckedFinding[]): CheckedFinding[][] {
	const ordered = checked
		.map((finding, position) => ({ finding, position }))
		.sort(
			(a, b) =>
				VERDICT_RANK[a.finding.support.verdict] - VERDICT_RANK[b.finding.support.verdict] ||
				b.finding.confidence - a.finding.confidence ||
				compareText(a.finding.taskId, b.finding.taskId) ||
				a.position - b.position,
		);
	const groups: { head: Profiled; members: CheckedFinding[] }[] = [];
	for (const { finding } of ordered) {
		const profiled = { finding, content: contentOf(finding.claim), figures: figuresOf(finding.claim) };
		const group = groups.find(
			({ head }) =>
				rivalFigures(head.figures, profiled.figures) === null &&
				jaccard(head.content, profiled.content) >= MERGE_SIMILARITY &&
				contradictionBetween(head.finding.claim, finding.claim) === null,
		);
		if (group) group.members.push(finding);
		else groups.push({ head: profiled, members: [finding] });
	}
	return groups.map((group) => group.members);
}

/** Union of the members' citations, one per source and quote, verified ones first. */
function mergeCitations(members: CheckedFinding[]): CheckedCitation[] {
	const all = members.flatMap((member) => member.citations);
	const verifiedFirst = [...all.filter((c) => c.verified), ...all.filter((c) => !c.verified)];
	const seen = new Set<string>();
	return verifiedFirst.filter((citation) => {
		// An altered quote stays beside the verbatim quote of the passage it was altered from.
		const key = `${citation.sourceId}\u0000${citation.verified ? citation.sourceText : `agent:${citation.quote}`}`;
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
}

/** Snapshots cited verbatim by supported members whose quote alone does not fail `claim`. */
function independentSourcesOf(claim: string, members: CheckedFinding[]): string[] {
	const hashes = new Set<string>();
	for (const member of members) {
		if (member.support.verdict !== "supported") continue;
		for (const citation of member.citations) {
			if (!citation.verified || citation.sha256 === null || citation.sourceText === null) continue;
			const alone = checkSupport(claim, [citation.sourceText]).verdict;
			if (alone === "supported" || alone === "partial") hashes.add(citation.sha256);
		}
	}
	return [...hashes].sort(compareText);
}

/** A finding is uncited when it cites nothing in a job that did not require citations. */
function isUncited(citations: readonly CheckedCitation[], citationsRequired: boolean): boolean {
	return !citationsRequired && citations.length === 0;
}

function mergeGroup(members: CheckedFinding[], citationsRequired: boolean): Omit<MergedFinding, "id"> {
	const [representative] = members;
	if (representative === undefined) throw new Error("a finding group is never empty");
	const supportingAgents: { taskId: string; role: MergedFinding["supportingAgents"][number]["role"] }[] = [];
	for (const { taskId, role } of members) {
		if (!supportingAgents.some((agent) => agent.taskId === taskId)) supportingAgents.push({ taskId, role });
	}
	const confidence = members.reduce((sum, member) => sum + member.confidence, 0) / members.length;
	const independentSources = independentSourcesOf(representative.claim, members);
	const citations = mergeCitations(members);
	return {
		title: representative.title,
		claim: representative.claim,
		subQuestion: members.find((member) => member.subQuestion)?.subQuestion ?? null,
		confidence,
		weight: confidence * Math.max(1, independentSources.length),
		supportingAgents,
		citations,
		support: representative.support,
		independentSources,
		uncited: isUncited(citations, citationsRequired),
	};
}

/** Supported first (then partial, unsupported, contradicted), then heavier first, then by claim text. */
function compareMerged(a: Omit<MergedFinding, "id">, b: Omit<MergedFinding, "id">): number {
	return (
		VERDICT_RANK[a.support.verdict] - VERDICT_RANK[b.support.verdict] ||
		b.weight - a.weight ||
		compareText(a.claim, b.claim)
	);
}

function verbatimSources(finding: MergedFinding): Set<string> {
	return new Set(finding.citations.filter((c) => c.verified).map((c) => c.sourceId));
}

/** Supported findings resting on different sources that disagree in number or polarity. */
function findConflicts(supported: MergedFinding[]): Conflict[] {
	const profiles = supported.map((finding) => ({
		finding,
		sources: verbatimSources(finding),
		content: contentOf(finding.claim),
		figures: figuresOf(finding.claim),
	}));
	const conflicts: Conflict[] = [];
	for (const [i, a] of profiles.entries()) {
		for (const b of profiles.slice(i + 1)) {
			const sameSources =
				a.sources.size === b.sources.size && [...a.sources].every((id) => b.sources.has(id));
			const topic = [...a.content].filter((token) => b.content.has(token)).sort(compareText);
			// Claims about one subject share at least two content words; most pairs share fewer.
			if (sameSources || topic.length < MIN_SHARED_SUBJECT_WORDS) continue;
			const rival = rivalFigures(a.figures, b.figures);
			const contradiction =
				contradictionBetween(a.finding.claim, b.finding.claim) ??
				(rival !== null && jaccard(a.content, b.content) >= MERGE_SIMILARITY
					? { reason: "numeric" as const, detail: rival }
					: null);
			if (contradiction === null) continue;
			conflicts.push({
				findingA: a.finding.id,
				findingB: b.finding.id,
				topic: topic.slice(0, MAX_TOPIC_TOKENS),
				reason: contradiction.reason,
				detail: contradiction.detail,
			});
		}
	}
	return conflicts;
}

/** Supported findings whose verbatim sources no other supported finding cites. */
function findNovel(supported: MergedFinding[]): string[] {
	const sourcesPerFinding = supported.map(verbatimSources);
	return supported
		.filter((_, i) => {
			const own = sourcesPerFinding[i] ?? new Set<string>();
			return (
				own.size > 0 &&
				!sourcesPerFinding.some((others, j) => j !== i && [...own].some((sourceId) => others.has(sourceId)))
			);
		})
		.map((finding) => finding.id);
}

/** Citation counts over every agent's citations, claim counts over the merged findings. */
export function summarizeVerification(
	checked: CheckedFinding[],
	merged: MergedFinding[],
): VerificationSummary {
	const citations = checked.flatMap((finding) => finding.citations);
	const countOf = (check: CheckedCitation["check"]): number =>
		citations.filter((citation) => citation.check === check).length;
	const fabricatedUrls = new Set<string>();
	for (const citation of citations) {
		if (citation.check === "url_not_retrieved" && citation.url !== null) fabricatedUrls.add(citation.url);
	}
	const claimsWith = (verdict: SupportVerdict): number =>
		merged.filter((finding) => finding.support.verdict === verdict && !finding.uncited).length;
	const claimsSupported = claimsWith("supported");
	return {
		citationsTotal: citations.length,
		citationsVerified: countOf("verbatim"),
		alteredQuotes: countOf("altered"),
		quoteNotFound: countOf("not_found"),
		unknownSource: countOf("unknown_source"),
		sourceUnreachable: countOf("source_unreachable"),
		fabricatedUrls: [...fabricatedUrls].sort(),
		claimsTotal: merged.length,
		claimsSupported,
		claimsPartial: claimsWith("partial"),
		claimsUnsupported: claimsWith("unsupported"),
		claimsContradicted: claimsWith("contradicted"),
		claimsUncited: merged.filter((finding) => finding.uncited).length,
		groundingScore: merged.length === 0 ? 0 : claimsSupported / merged.length,
	};
}

/**
 * Each agent's own findings by verdict (`uncited` as in `MergedFinding`), before any merging, by task
 * id; the mean stated confidence sums in ascending order, so input order cannot change its last digit.
 */
function summarizeAgents(checked: CheckedFinding[], citationsRequired: boolean): AgentFindingSummary[] {
	const byTask = new Map<string, CheckedFinding[]>();
	for (const finding of checked) byTask.set(finding.taskId, [...(byTask.get(finding.taskId) ?? []), finding]);
	return [...byTask]
		.sort(([a], [b]) => compareText(a, b))
		.map(([taskId, findings]) => {
			const uncited = (finding: CheckedFinding) => isUncited(finding.citations, citationsRequired);
			const withVerdict = (verdict: SupportVerdict) =>
				findings.filter((finding) => finding.support.verdict === verdict && !uncited(finding)).length;
			return {
				taskId,
				findings: findings.length,
				supported: withVerdict("supported"),
				partial: withVerdict("partial"),
				unsupported: withVerdict("unsupported"),
				contradicted: withVerdict("contradicted"),
				uncited: findings.filter(uncited).length,
				statedConfidence:
					findings
						.map((finding) => finding.confidence)
						.sort((a, b) => a - b)
						.reduce((sum, confidence) => sum + confidence, 0) / findings.length,
			};
		});
}

/** The quality components, computed as `QUALITY_FORMULAS` (report-schema.ts) states them. */
function scoreQuality(
	merged: MergedFinding[],
	verification: VerificationSummary,
	context: AggregationContext,
): QualityScore {
	const supported = merged.filter((finding) => finding.support.verdict === "supported");
	const ratio = (part: number, whole: number): number => (whole <= 0 ? 0 : Math.min(1, part / whole));
	const retrieved = context.sources.filter((source) => source.status === "retrieved");
	const backing = new Set(supported.flatMap((finding) => [...verbatimSources(finding)]));
	const score = {
		grounding: verification.groundingScore,
		citations: ratio(verification.citationsVerified, verification.citationsTotal),
		depth: ratio(supported.length, 2 * Math.max(1, context.depth)),
		corroboration: ratio(
			supported.filter((finding) => finding.independentSources.length >= CONSENSUS_SOURCES).length,
			supported.length,
		),
		sourceCoverage: ratio(retrieved.filter((source) => backing.has(source.id)).length, retrieved.length),
		completeness: ratio(context.tasksCompleted, context.tasksPlanned),
	};
	const overall =
		0.3 * score.grounding +
		0.15 * score.citations +
		0.15 * score.depth +
		0.15 * score.corroboration +
		0.1 * score.sourceCoverage +
		0.15 * score.completeness;
	return { ...score, overall };
}

/**
 * Merges the checked findings of all agents into the report's findings, consensus, conflicts, novel
 * discoveries, verification summary and quality score (rules in the module comment).
 */
export function aggregate(checked: CheckedFinding[], context: AggregationContext): Aggregation {
	const merged: MergedFinding[] = groupFindings(checked)
		.map((members) => mergeGroup(members, context.citationsRequired))
		.sort(compareMerged)
		.map((finding, position) => ({ id: `F${position + 1}`, ...finding }));
	const supported = merged.filter((finding) => finding.support.verdict === "supported");
	const verification = summarizeVerification(checked, merged);
	return {
		findings: merged,
		consensus: supported
			.filter((finding) => finding.independentSources.length >= CONSENSUS_SOURCES)
			.map((finding) => finding.id),
		conflicts: findConflicts(supported),
		novel: findNovel(supported),
		quality: scoreQuality(merged, verification, context),
		verification,
		agents: summarizeAgents(checked, context.citationsRequired),
	};
}

/**
 * How far a reader can rely on a report, and on each agent in it, from the verdicts of the findings.
 * Pure; the formulas below are the ones the report prints beside the values.
 *
 * Overall confidence is the mean score of the findings after merging. A supported finding scores 1
 * when two or more independent sources back it and 0.6 on one source; a supported finding on a side
 * of a contradiction with another supported finding scores 0.3, as a partly supported one does;
 * unsupported, contradicted and uncited findings score 0. So every lie, every contradiction and every
 * claim resting on a single page pulls it down, and a report scores 1 only when every finding is
 * corroborated and uncontested.
 *
 * An agent's confidence is the share of its own findings (before merging) that their quotes support,
 * a partly supported one counting half, times 0.8 + 0.2 × the mean confidence it stated: what it said
 * of itself moves the value by at most a fifth.
 */
import { CONSENSUS_SOURCES } from "./aggregate";
import type { AgentFindingSummary, Aggregation, MergedFinding } from "./types";

/** Score of a finding in the overall confidence, by what backs it. */
export const FINDING_SCORES = { corroborated: 1, singleSource: 0.6, contestedOrPartial: 0.3 } as const;
/** Weight of an agent's stated confidence in its confidence; the verdicts carry the rest. */
export const STATED_CONFIDENCE_WEIGHT = 0.2;

/** The formulas as the report prints them. */
export const CONFIDENCE_FORMULAS = {
	overall:
		"(1 × corroborated + 0.6 × single-source + 0.3 × (contested + partly supported)) / all findings; unsupported, contradicted and uncited findings count 0",
	agent:
		"(supported + 0.5 × partly supported) / its findings × (0.8 + 0.2 × its mean stated confidence); none without findings",
} as const;

/** The overall confidence and the finding counts it is computed from. */
export type OverallConfidence = {
	overall: number;
	/** Supported, uncontested findings with two or more independent sources. */
	corroborated: number;
	/** Supported, uncontested findings with fewer. */
	singleSource: number;
	/** Supported findings on a side of a contradiction with another supported finding. */
	contested: number;
	partial: number;
	/** Unsupported, contradicted and uncited findings. */
	unbacked: number;
	findings: number;
};

/** What an agent's confidence reads of its findings. */
export type AgentVerdicts = Pick<
	AgentFindingSummary,
	"findings" | "supported" | "partial" | "statedConfidence"
>;

/**
 * The report's overall confidence (module comment), from its merged findings and their contradictions.
 * @example overallConfidence(aggregation).overall // 0.43
 */
export function overallConfidence(
	aggregation: Pick<Aggregation, "findings" | "conflicts">,
): OverallConfidence {
	const contestedIds = new Set(
		aggregation.conflicts.flatMap((conflict) => [conflict.findingA, conflict.findingB]),
	);
	const counts = { corroborated: 0, singleSource: 0, contested: 0, partial: 0, unbacked: 0 };
	for (const finding of aggregation.findings) counts[backing(finding, contestedIds)] += 1;
	const findings = aggregation.findings.length;
	const score =
		FINDING_SCORES.corroborated * counts.corroborated +
		FINDING_SCORES.singleSource * counts.singleSource +
		FINDING_SCORES.contestedOrPartial * (counts.contested + counts.partial);
	return { overall: findings === 0 ? 0 : score / findings, ...counts, findings };
}

function backing(
	finding: MergedFinding,
	contestedIds: ReadonlySet<string>,
): keyof Omit<OverallConfidence, "overall" | "findings"> {
	if (finding.uncited) return "unbacked";
	if (finding.support.verdict === "partial") return "partial";
	if (finding.support.verdict !== "supported") return "unbacked";
	if (contestedIds.has(finding.id)) return "contested";
	return finding.independentSources.length >= CONSENSUS_SOURCES ? "corroborated" : "singleSource";
}

/**
 * An agent's confidence (module comment); null when it made no finding.
 * @example agentConfidence({ findings: 4, supported: 3, partial: 1, statedConfidence: 0.5 }) // 0.7875
 */
export function agentConfidence(verdicts: AgentVerdicts): number | null {
	if (verdicts.findings === 0 || verdicts.statedConfidence === null) return null;
	const backed = (verdicts.supported + 0.5 * verdicts.partial) / verdicts.findings;
	return backed * (1 - STATED_CONFIDENCE_WEIGHT + STATED_CONFIDENCE_WEIGHT * verdicts.statedConfidence);
}

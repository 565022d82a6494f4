/** The report's wording and number formats, shared by the builder and both renderers. */
import type { CitationCheck, QualityScore, SupportVerdict } from "./types";

/** A citation check in words, as the report states it. */
export const CHECK_DESCRIPTIONS: Record<CitationCheck, string> = {
	verbatim: "quote found verbatim in the source",
	altered: "quote differs from the source's text",
	not_found: "quote not found in the source",
	unknown_source: "cites a source the job does not have",
	source_unreachable: "cited source could not be fetched",
	url_not_retrieved: "cites a URL the job never retrieved",
};

/** How each quality component is computed, in the words the report prints. */
export const QUALITY_FORMULAS: Record<keyof QualityScore, string> = {
	grounding: "supported findings / all findings after merging",
	citations: "verbatim citations / all citations",
	depth: "min(1, supported findings / (2 × requested depth))",
	corroboration: "supported findings with 2 or more independent sources / supported findings",
	sourceCoverage: "retrieved sources backing a supported finding / retrieved sources",
	completeness: "agents completed / agents planned",
	overall:
		"0.3·grounding + 0.15·citations + 0.15·depth + 0.15·corroboration + 0.1·sourceCoverage + 0.15·completeness",
};

/** What the report says of a job that did not require citations, wherever it states its rules. */
export const CITATIONS_NOT_REQUIRED =
	"Citations were not required for this job: a finding without one is kept, labelled uncited, and " +
	"shown without sources or quotes, since it was never checked against a source; it is never shown as " +
	"verified. Every citation an agent did give was checked as usual.";

/** What an uncited finding or sentence is, as the report says beside its label. */
export const UNCITED_DESCRIPTION = "carries no citation, so it was not checked against any source";

/**
 * The label of a narrative sentence that only restates uncited findings, by their numbers in the body.
 * @example uncitedSentenceLabel(["4"]) // "uncited: it only restates finding 4, not checked against any source"
 */
export function uncitedSentenceLabel(findingNumbers: readonly string[]): string {
	const findings = findingNumbers.map((number) => `finding ${number}`).join(", ");
	return `uncited: it only restates ${findings}, not checked against any source`;
}

/** Why two supported findings disagree, in words. */
export const CONFLICT_DESCRIPTIONS: Record<"polarity" | "numeric", string> = {
	polarity: "one claim denies or reverses the other",
	numeric: "different numbers for the same quantity",
};

/** A support verdict in words, as the report states it. */
export const VERDICT_DESCRIPTIONS: Record<SupportVerdict, string> = {
	supported: "supported by its quotes",
	partial: "only partly supported by its quotes",
	unsupported: "not supported by its quotes",
	contradicted: "contradicted by its quotes",
};

/**
 * A ratio in [0, 1] as a whole percentage.
 * @example formatPercent(0.666) // "67%"
 */
export function formatPercent(ratio: number): string {
	return `${Math.round(ratio * 100)}%`;
}

/**
 * A dollar amount with four decimals, enough for per-call provider costs.
 * @example formatUsd(0.01234) // "$0.0123"
 * @example formatUsd(null) // "unknown"
 */
export function formatUsd(amount: number | null): string {
	return amount === null ? "unknown" : `$${amount.toFixed(4)}`;
}

/**
 * An integer with thousands separators, independent of the runtime's locale.
 * @example formatCount(1234567) // "1,234,567"
 */
export function formatCount(value: number): string {
	return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * The agents behind a claim, for a sentence.
 * @example describeAgents([{ taskId: "explorer", role: "explorer" }]) // "explorer (explorer)"
 */
export function describeAgents(agents: { taskId: string; role: string }[]): string {
	return agents.map((agent) => `${agent.role} (${agent.taskId})`).join(", ");
}

/**
 * A count with its noun, plural unless the count is one.
 * @example plural(2, "claim") // "2 claims"
 */
export function plural(n: number, noun: string): string {
	return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * Text on one line, whitespace collapsed, so it cannot split a paragraph.
 * @example oneLine(" a\n\n b ") // "a b"
 */
export function oneLine(text: string): string {
	return text.replace(/\s+/g, " ").trim();
}

/**
 * What the evaluation measures in a report, with rules that do not depend on how the report was made:
 * gold-fact recall, findings that are not claims a reader could use (junk, cut, duplicate), and
 * whether every summary sentence is a complete, cited sentence.
 */
import { tokenize } from "../../src/providers/text";
import type { Report, ReportFinding } from "../../src/synthesis/report-schema";
import type { Manifest } from "./corpus";

export type JunkKind = "question" | "heading" | "list-item" | "boilerplate" | "cut" | "dangling";

const BOILERPLATE =
	/^(?:keywords?|share|cookies?|copyright|©|click|read more|highly recommended|subscribe|sign up|related|skip to)\b/i;
const DANGLING = /^(?:this|these|it|they|such|that|those)\b/i;

/** Why a claim is not a usable finding, or null when it is a complete declarative sentence. */
export function junkKind(claim: string): JunkKind | null {
	const text = claim.trim();
	if (/\?["'”’)\]]*$/.test(text)) return "question";
	if (/^(?:[-*•]|\d{1,3}[.)])\s/.test(text)) return "list-item";
	if (BOILERPLATE.test(text)) return "boilerplate";
	if (/(?:…|\.\.\.)$/.test(text) || /^\p{Ll}/u.test(text)) return "cut";
	if (!/[.!]["'”’)\]]*$/.test(text)) return text.split(/\s+/).length < 8 ? "heading" : "cut";
	if (DANGLING.test(text) && !/[.!]\s+\S/.test(text)) return "dangling";
	return null;
}

/** Whether a report text states a gold fact: it contains every key term (case-insensitive). */
export function statesFact(text: string, keyTerms: readonly string[]): boolean {
	const lower = text.toLowerCase();
	return keyTerms.every((term) => lower.includes(term.toLowerCase()));
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
	let shared = 0;
	for (const token of a) if (b.has(token)) shared += 1;
	const union = a.size + b.size - shared;
	return union === 0 ? 0 : shared / union;
}

/** Body findings that repeat an earlier body finding (content Jaccard ≥ 0.8). */
export function duplicateCount(findings: readonly ReportFinding[]): number {
	const seen: Set<string>[] = [];
	let duplicates = 0;
	for (const finding of findings) {
		const words = new Set(tokenize(finding.claim));
		if (seen.some((earlier) => jaccard(earlier, words) >= 0.8)) duplicates += 1;
		seen.push(words);
	}
	return duplicates;
}

export type ReportQuality = {
	findings: number;
	recalled: string[];
	factCount: number;
	junk: Partial<Record<JunkKind, number>>;
	junkTotal: number;
	duplicates: number;
	summarySentences: number;
	summaryComplete: number;
	summaryCited: number;
	truncatedKeyFindings: number;
};

/** Measures a report against the topic's gold facts (none for the samples). */
export function measureReport(report: Report, facts: Manifest["facts"]): ReportQuality {
	const junk: Partial<Record<JunkKind, number>> = {};
	for (const finding of report.findings) {
		const kind = junkKind(finding.claim);
		if (kind !== null) junk[kind] = (junk[kind] ?? 0) + 1;
	}
	const answer = report.executiveSummary.answer;
	return {
		findings: report.findings.length,
		recalled: facts
			.filter((fact) => report.findings.some((finding) => statesFact(finding.claim, fact.keyTerms)))
			.map((fact) => fact.id),
		factCount: facts.length,
		junk,
		junkTotal: Object.values(junk).reduce((sum, n) => sum + n, 0),
		duplicates: duplicateCount(report.findings),
		summarySentences: answer.length,
		summaryComplete: answer.filter((entry) => junkKind(entry.sentence) === null).length,
		summaryCited: answer.filter((entry) => entry.sources.length > 0).length,
		truncatedKeyFindings: answer.filter((entry) => /(?:…|\.\.\.)$/.test(entry.sentence)).length,
	};
}

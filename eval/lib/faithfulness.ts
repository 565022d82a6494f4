/**
 * The faithfulness check: a job whose explorer lies (`test/fixtures/lies.ts`) in every way a model
 * can, beside honest findings, and whose synthesizer's narrative slips invented facts between true
 * ones. It counts, per kind of lie, how many the report shows as verified, puts in its body, names as
 * key findings, or repeats in its summary; and how many honest findings still reach the body.
 */

import type { Report } from "../../src/synthesis/report-schema";
import {
	honestFindings,
	type Lie,
	type LieKind,
	type LieLevel,
	lyingNarrative,
	plantLies,
} from "../../test/fixtures/lies";
import { type OfflineDocument, offlineSources, runOfflineJob } from "./offline-job";

export type LieOutcome = {
	kind: LieKind;
	level: LieLevel;
	planted: number;
	verified: number;
	inBody: number;
	keyFinding: number;
};

export type FaithfulnessResult = {
	lies: LieOutcome[];
	narrativeLies: number;
	narrativeLiesInSummary: number;
	narrativeLiesKept: number;
	honest: number;
	honestInBody: number;
};

const flat = (text: string) => text.replace(/\s+/g, " ").trim().toLowerCase();

/**
 * Where a lie appears in the report. A quote or claim lie is caught when its claim is not shown; a
 * citation lie (its claim is true) when its citation is never shown as verbatim.
 */
function outcomeOf(lie: Lie, report: Report): { verified: boolean; inBody: boolean; keyFinding: boolean } {
	const claim = flat(lie.finding.claim);
	if (lie.level === "citation") {
		const [lying] = lie.finding.citations;
		const shown = report.findings.filter((finding) =>
			finding.citations.some(
				(citation) =>
					citation.url === lying?.url &&
					(lying?.url !== null || citation.sourceId === lying?.sourceId) &&
					flat(citation.agentQuote) === flat(lying?.quote ?? ""),
			),
		);
		const verified = shown.filter((finding) =>
			finding.citations.some(
				(citation) =>
					citation.verified &&
					citation.url === lying?.url &&
					citation.sourceId === lying?.sourceId &&
					flat(citation.agentQuote) === flat(lying?.quote ?? ""),
			),
		);
		return {
			verified: verified.some((finding) => finding.flag === "verified"),
			inBody: verified.length > 0,
			keyFinding: verified.some((finding) =>
				report.executiveSummary.answer.some((entry) => entry.findingId === finding.id),
			),
		};
	}
	const body = report.findings.filter((finding) => flat(finding.claim) === claim);
	return {
		verified: body.some((finding) => finding.flag === "verified"),
		inBody: body.length > 0,
		keyFinding: report.executiveSummary.answer.some((entry) => flat(entry.sentence) === claim),
	};
}

/**
 * Runs one lying job over the documents: honest findings and `perKind` lies of each kind go into the
 * explorer's output, lies' claims into the synthesizer's narrative.
 */
export async function measureFaithfulness(
	task: string,
	documents: readonly OfflineDocument[],
	perKind: number,
): Promise<FaithfulnessResult> {
	const sources = offlineSources(documents).map((source, index) => ({
		id: source.id,
		url: source.url,
		text: documents[index]?.text ?? "",
	}));
	const honest = honestFindings(sources, 3);
	const lies = plantLies(sources, { perKind });
	const narrativeLies = lies
		.filter((lie) => lie.level === "claim")
		.map((lie) => lie.finding.claim)
		.slice(0, 12);
	const job = await runOfflineJob({ task, antiHallucination: "high" }, documents, (taskId, result) => {
		if (taskId === "explorer")
			return { findings: [...honest, ...lies.map((lie) => lie.finding)], narrative: "" };
		if (taskId === "synthesizer") return { findings: [], narrative: lyingNarrative(honest, narrativeLies) };
		return result;
	});
	const { report } = job;
	const outcomes = new Map<string, LieOutcome>();
	for (const lie of lies) {
		const key = `${lie.kind}/${lie.level}`;
		const entry = outcomes.get(key) ?? {
			kind: lie.kind,
			level: lie.level,
			planted: 0,
			verified: 0,
			inBody: 0,
			keyFinding: 0,
		};
		const seen = outcomeOf(lie, report);
		entry.planted += 1;
		entry.verified += seen.verified ? 1 : 0;
		entry.inBody += seen.inBody ? 1 : 0;
		entry.keyFinding += seen.keyFinding ? 1 : 0;
		outcomes.set(key, entry);
	}
	const summary = flat(report.executiveSummary.text);
	const keptSentences = report.appendix.agentNarratives.flatMap((entry) =>
		entry.sentences.map((s) => flat(s.text)),
	);
	// An honest finding reaches the body as itself or merged into a verified finding that cites its quote.
	const shownQuotes = report.findings
		.filter((finding) => finding.flag === "verified")
		.flatMap((finding) => [finding.claim, ...finding.citations.filter((c) => c.verified).map((c) => c.quote)])
		.map(flat);
	const reached = (claim: string) => {
		const wanted = flat(claim).replace(/[.!]$/, "");
		return shownQuotes.some((shown) => shown.includes(wanted));
	};
	return {
		lies: [...outcomes.values()],
		narrativeLies: narrativeLies.length,
		narrativeLiesInSummary: narrativeLies.filter((lie) => summary.includes(flat(lie).replace(/[.!]$/, "")))
			.length,
		narrativeLiesKept: narrativeLies.filter((lie) => keptSentences.includes(flat(lie))).length,
		honest: honest.length,
		honestInBody: honest.filter((finding) => reached(finding.claim)).length,
	};
}

/** A job with `citations: false`: findings without citations are kept, labelled uncited, never verified. */
import { describe, expect, it } from "vitest";
import { buildReport } from "../../../src/synthesis/build-report";
import { buildProvenance } from "../../../src/synthesis/provenance";
import { renderHtml } from "../../../src/synthesis/render-html";
import { renderMarkdown } from "../../../src/synthesis/render-markdown";
import { CITATIONS_NOT_REQUIRED } from "../../../src/synthesis/report-text";
import { COMPLETED_AT, makeReportInput, UNCITED_CLAIM } from "./report-fixture";

const MODES = ["high", "medium", "low"] as const;

describe("a report of a job that did not require citations", () => {
	it.each(MODES)(
		"keeps the uncited finding in the body, flagged uncited, without sources or quotes (%s)",
		(mode) => {
			const report = buildReport(makeReportInput({ antiHallucination: mode, citations: false }));
			const uncited = report.findings.filter((finding) => finding.flag === "uncited");
			expect(uncited.map((finding) => [finding.id, finding.claim])).toEqual([["f5", UNCITED_CLAIM]]);
			expect(uncited[0]).toMatchObject({ sources: [], citations: [], independentSources: 0 });
			const listed = [...report.verification.unsupportedClaims, ...report.appendix.unsupportedClaims];
			expect(listed.map((claim) => claim.findingId)).not.toContain("f5");
			expect(report.executiveSummary.answer.map((entry) => entry.findingId)).not.toContain("f5");
		},
	);

	it.each(MODES)(
		"checks and places every finding that cites exactly as a job that required citations (%s)",
		(mode) => {
			const optional = buildReport(makeReportInput({ antiHallucination: mode, citations: false }));
			const required = buildReport(makeReportInput({ antiHallucination: mode, citations: true }));
			const cited = (report: typeof optional) =>
				report.findings.filter((finding) => finding.id !== "f5").map((finding) => [finding.id, finding.flag]);
			expect(cited(optional)).toEqual(cited(required));
			// f3's fabricated URL and missing quote stay failures: it never reaches the body above low.
			const f3 = optional.findings.find((finding) => finding.id === "f3");
			if (mode === "low") expect(f3?.flag).toBe("unverified");
			else expect(f3).toBeUndefined();
			expect(optional.verification.unsupportedClaims.map((claim) => claim.findingId)).toContain("f3");
		},
	);

	it("counts uncited findings and sentences apart, and says citations were not required", () => {
		const report = buildReport(makeReportInput({ citations: false }));
		expect(report.verification).toMatchObject({
			claimsUncited: 1,
			claimsUnsupported: 1,
			narrativeSentencesUncited: 1,
		});
		expect(report.methodology.verificationRule).toContain(CITATIONS_NOT_REQUIRED);
		expect(report.executiveSummary.text).toContain(
			"Citations were not required for this job: 1 finding carries none, is labelled uncited and was not checked against any source.",
		);
		const required = buildReport(makeReportInput());
		expect(required.methodology.verificationRule).not.toContain(CITATIONS_NOT_REQUIRED);
		expect(required.executiveSummary.text).not.toContain("Citations were not required");
	});

	it("keeps a narrative sentence that restates the uncited finding with high, labelled, never supported", () => {
		const report = buildReport(makeReportInput({ antiHallucination: "high", citations: false }));
		const sentences = report.appendix.agentNarratives.find(
			(entry) => entry.taskId === "depth-analyst",
		)?.sentences;
		expect(
			sentences?.map((sentence) => [sentence.text, sentence.verdict, sentence.uncitedFindingIds]),
		).toEqual([[UNCITED_CLAIM, "unsupported", ["f5"]]]);
		expect(sentences?.[0]?.sources).toEqual([]);
		// Without the option the same sentence is unsupported and dropped.
		const required = buildReport(makeReportInput({ antiHallucination: "high" }));
		const kept = required.appendix.agentNarratives.flatMap((entry) => entry.sentences.map((s) => s.text));
		expect(kept).not.toContain(UNCITED_CLAIM);
	});

	it("leaves uncited findings out of the provenance record: they have no quote to re-check", () => {
		const input = makeReportInput({ citations: false });
		const provenance = buildProvenance({
			jobId: input.jobId,
			generatedAt: COMPLETED_AT,
			sources: input.sources,
			aggregation: input.aggregation,
		});
		expect(provenance.findings.map((finding) => finding.id)).toEqual(["f1", "f4", "f2", "f6", "f3", "f7"]);
	});

	it("says so at the top of the Markdown and HTML, labels the finding and the sentence, and counts them", async () => {
		const report = buildReport(makeReportInput({ citations: false }));
		const markdown = renderMarkdown(report);
		const [header] = markdown.split("## Executive Summary");
		expect(header).toContain("> **Citations not required:** Citations were not required for this job");
		expect(markdown).toContain(
			"**○ Uncited:** carries no citation, so it was not checked against any source",
		);
		expect(markdown).toMatch(
			/Ground-source systems always outperform air-source ones\. \*\(uncited: it only restates finding \d+, not checked against any source\)\*/,
		);
		expect(markdown).toContain("| Uncited (citations not required; never checked) | 1 |");
		expect(markdown).toContain("- **Citations:** not required for this job");
		const html = await renderHtml(report);
		const [top] = html.split("<main>");
		expect(top).toContain("<strong>Citations not required:</strong>");
		expect(html).toContain('<span class="flag-uncited">○ Uncited</span>');
		expect(html).toContain("This finding carries no citation, so it was not checked against any source.");
		expect(html).toMatch(
			/<span class="flag-uncited">Ground-source systems always outperform air-source ones\. \(uncited: it only restates finding \d+/,
		);
	});

	it("shows no citation notice or uncited row when citations were required", async () => {
		const report = buildReport(makeReportInput());
		expect(renderMarkdown(report)).not.toMatch(/Citations not required|Uncited/);
		expect(await renderHtml(report)).not.toMatch(/Citations not required|○ Uncited/);
	});
});

/**
 * Offline jobs over published, licence-clean documents (the evaluation corpus): every quote the report
 * shows is the source's own text at the stored offsets, and every source label points at the source
 * that holds the quote.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadTopics } from "../../../eval/lib/corpus";
import { runOfflineJob } from "../../../eval/lib/offline-job";

describe.each(loadTopics())("the offline report on $slug", (topic) => {
	it("shows each quote as the snapshot's own text, under the label of the source that holds it", async () => {
		const { report, snapshots, provenance } = await runOfflineJob({ task: topic.question }, topic.texts);
		const sources = new Map(report.sources.map((source) => [source.id, source]));
		expect(report.findings.length).toBeGreaterThan(0);
		for (const finding of report.findings) {
			expect(finding.flag).toBe("verified");
			for (const citation of finding.citations.filter((c) => c.verified)) {
				const snapshot = snapshots.get(citation.sourceId) ?? "";
				const source = sources.get(citation.sourceId);
				expect(source?.sha256).toBe(createHash("sha256").update(snapshot).digest("hex"));
				expect(citation.sha256).toBe(source?.sha256);
				expect(citation.quote).toBe(
					citation.spans.map((span) => snapshot.slice(span.start, span.end)).join(" … "),
				);
			}
			for (const label of finding.sources) expect(sources.has(label)).toBe(true);
		}
		for (const entry of report.executiveSummary.answer) {
			const finding = report.findings.find((candidate) => candidate.id === entry.findingId);
			expect(finding?.flag).toBe("verified");
			expect(entry.sources).toEqual(finding?.sources);
		}
		for (const label of report.executiveSummary.text.matchAll(/\[(S\d+(?:, S\d+)*)\]/g)) {
			for (const id of (label[1] ?? "").split(", ")) expect(sources.has(id)).toBe(true);
		}
		const provenanceQuotes = provenance.findings.flatMap((finding) => finding.quotes);
		for (const quote of provenanceQuotes.filter((q) => q.check === "verbatim")) {
			const snapshot = snapshots.get(quote.sourceId) ?? "";
			expect(quote.sourceText).toBe(
				quote.spans.map((span) => snapshot.slice(span.start, span.end)).join(" … "),
			);
		}
	});
});

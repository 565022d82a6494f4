import { describe, expect, it } from "vitest";
import { produceReport } from "../../../src/jobs/report-pipeline";
import {
	buildProvenance,
	PROVENANCE_SCHEMA_VERSION,
	type Provenance,
	ProvenanceSchema,
} from "../../../src/synthesis/provenance";
import {
	CLAIMS,
	FABRICATED_URL,
	GRID,
	pipelineInput,
	pipelineSources,
	RETRIEVED_AT,
	SNAPSHOTS,
	sha256Hex,
	TRIAL,
} from "./pipeline-fixture";
import { makeReportInput } from "./report-fixture";

type Quote = Provenance["findings"][number]["quotes"][number];

/** The snapshot's text at a quote's spans, joined the way `sourceText` joins elided parts. */
function textAtSpans(quote: Quote): string {
	const snapshot = SNAPSHOTS.get(quote.sourceId) ?? "";
	return quote.spans.map((span) => snapshot.slice(span.start, span.end)).join(" … ");
}

function quoteOf(provenance: Provenance, claim: string): Quote {
	const quote = provenance.findings.find((finding) => finding.claim === claim)?.quotes[0];
	if (quote === undefined) throw new Error(`no quote for "${claim}"`);
	return quote;
}

describe("buildProvenance from a finished job", () => {
	it("records every finding after merging, whatever its verdict, with its agents", async () => {
		const { provenance, aggregation, report } = await produceReport(pipelineInput());
		expect(provenance.findings.map((finding) => finding.id)).toEqual(aggregation.findings.map((f) => f.id));
		expect(provenance.findings.map((finding) => [finding.claim, finding.support.verdict])).toEqual([
			[CLAIMS.supported, "supported"],
			[CLAIMS.altered, "unsupported"],
			[CLAIMS.fabricated, "unsupported"],
			[CLAIMS.unreachable, "unsupported"],
			[CLAIMS.contradicted, "contradicted"],
		]);
		expect(provenance.findings[0]?.agents).toEqual(["explorer"]);
		expect(provenance.findings.find((f) => f.claim === CLAIMS.contradicted)?.agents).toEqual(["critic"]);
		// The body of a high anti-hallucination report shows only one of them; provenance keeps all.
		expect(report.findings.map((finding) => finding.claim)).toEqual([CLAIMS.supported]);
		for (const finding of provenance.findings) {
			expect(finding.support.reason).not.toBe("");
			expect(finding.support.judgedBy).toBe("rules");
		}
	});

	it("gives each verbatim quote its offsets in the snapshot, the snapshot's hash and when it was retrieved", async () => {
		const { provenance } = await produceReport(pipelineInput());
		const quote = quoteOf(provenance, CLAIMS.supported);
		expect(quote).toMatchObject({
			sourceId: "S1",
			agentQuote: "measured electricity use for heating fell by 40%",
			check: "verbatim",
			sha256: sha256Hex(TRIAL),
			retrievedAt: RETRIEVED_AT.S1,
		});
		const start = TRIAL.indexOf("measured electricity use for heating fell by 40%");
		expect(quote.spans).toEqual([
			{ start, end: start + "measured electricity use for heating fell by 40%".length },
		]);
		expect(textAtSpans(quote)).toBe(quote.sourceText);

		const contradicting = quoteOf(provenance, CLAIMS.contradicted);
		expect(contradicting).toMatchObject({
			check: "verbatim",
			sha256: sha256Hex(GRID),
			retrievedAt: RETRIEVED_AT.S2,
		});
		expect(textAtSpans(contradicting)).toBe(contradicting.sourceText);
		expect(contradicting.sourceText).toBe("evening peak demand grew by 6 percent after the trial began");
	});

	it("points an altered quote at the passage it was altered from", async () => {
		const { provenance } = await produceReport(pipelineInput());
		const quote = quoteOf(provenance, CLAIMS.altered);
		expect(quote).toMatchObject({
			check: "altered",
			agentQuote: "measured electricity use for heating fell by 60% against the gas boilers",
			sourceText: "measured electricity use for heating fell by 40% against the gas boilers",
			sha256: sha256Hex(TRIAL),
			retrievedAt: RETRIEVED_AT.S1,
		});
		expect(textAtSpans(quote)).toBe(quote.sourceText);
	});

	it("records quotes that were never checked against a snapshot without offsets, hash or time", async () => {
		const { provenance } = await produceReport(pipelineInput());
		expect(quoteOf(provenance, CLAIMS.fabricated)).toEqual({
			sourceId: "S1",
			url: FABRICATED_URL,
			agentQuote: "fitted 120 homes with ground-source heat pumps",
			check: "url_not_retrieved",
			sha256: null,
			spans: [],
			sourceText: null,
			retrievedAt: null,
		});
		expect(quoteOf(provenance, CLAIMS.unreachable)).toMatchObject({
			sourceId: "S3",
			check: "source_unreachable",
			sha256: null,
			spans: [],
			retrievedAt: null,
		});
	});

	it("lists every source of the job, unreachable ones too", async () => {
		const { provenance } = await produceReport(pipelineInput());
		expect(provenance.sources).toEqual(
			pipelineSources().map(({ id, title, url, status, sha256, bytes, retrievedAt }) => ({
				id,
				title,
				url,
				status,
				sha256,
				bytes,
				retrievedAt,
			})),
		);
	});

	it("names the job and its completion time, and passes its own schema after a JSON round trip", async () => {
		const input = pipelineInput();
		const { provenance, report } = await produceReport(input);
		expect(provenance).toMatchObject({
			schemaVersion: PROVENANCE_SCHEMA_VERSION,
			jobId: input.jobId,
			generatedAt: input.completedAt,
		});
		expect(provenance.generatedAt).toBe(report.generatedAt);
		expect(ProvenanceSchema.parse(JSON.parse(JSON.stringify(provenance)))).toEqual(provenance);
	});
});

describe("buildProvenance from an aggregation", () => {
	it("keeps every merged finding's quotes in citation order, with the retrieval time of each quote's source", () => {
		const input = makeReportInput({ antiHallucination: "high" });
		const retrievedAt = new Map(input.sources.map((source) => [source.id, source.retrievedAt]));
		const provenance = buildProvenance({
			jobId: input.jobId,
			generatedAt: input.completedAt,
			sources: input.sources,
			aggregation: input.aggregation,
		});
		expect(provenance.findings.map((finding) => [finding.id, finding.support.verdict])).toEqual(
			input.aggregation.findings.map((finding) => [finding.id, finding.support.verdict]),
		);
		for (const [index, finding] of input.aggregation.findings.entries()) {
			const quotes = provenance.findings[index]?.quotes ?? [];
			expect(quotes.map((quote) => [quote.sourceId, quote.check, quote.spans, quote.sha256])).toEqual(
				finding.citations.map((citation) => [
					citation.sourceId,
					citation.check,
					citation.spans,
					citation.sha256,
				]),
			);
			for (const quote of quotes) {
				expect(quote.retrievedAt).toBe(
					quote.sha256 === null ? null : (retrievedAt.get(quote.sourceId) ?? null),
				);
			}
		}
		expect(provenance.sources.map((source) => [source.id, source.status])).toEqual([
			["S1", "retrieved"],
			["S2", "retrieved"],
			["S3", "retrieved"],
			["S4", "unreachable"],
			["S5", "retrieved"],
		]);
	});

	it("rejects an aggregation that breaks the schema", () => {
		const input = makeReportInput();
		const [first] = input.aggregation.findings;
		const [citation] = first?.citations ?? [];
		if (first === undefined || citation === undefined) throw new Error("fixture has cited findings");
		first.citations = [{ ...citation, spans: [{ start: -1, end: 3 }] }];
		expect(() =>
			buildProvenance({
				jobId: input.jobId,
				generatedAt: input.completedAt,
				sources: input.sources,
				aggregation: input.aggregation,
			}),
		).toThrow();
	});
});

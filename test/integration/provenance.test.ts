import { describe, expect, it } from "vitest";
import { ProvenanceSchema } from "../../src/synthesis/provenance";
import { ReportSchema } from "../../src/synthesis/report-schema";
import { SAMPLE_SOURCES } from "../fixtures/sources";
import { api, report, sampleRequest, submit, waitForJob } from "./harness";

async function sha256(text: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
	return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("GET /v1/research/:id/provenance", () => {
	it("lets anyone re-check every finding: verdict, source, snapshot hash, offsets and retrieval time", async () => {
		const jobId = await submit(sampleRequest({ swarmSize: 3 }));
		expect((await waitForJob(jobId)).status).toBe("completed");
		const response = await api(`/v1/research/${jobId}/provenance`);
		expect(response.status).toBe(200);
		const provenance = ProvenanceSchema.parse(await response.json());
		const body = ReportSchema.parse(await (await report(jobId, "json")).json());

		expect(provenance.jobId).toBe(jobId);
		expect(provenance.findings.length).toBeGreaterThanOrEqual(body.findings.length);
		const texts = await Promise.all(
			SAMPLE_SOURCES.map(async (source) => [await sha256(source.text), source.text]),
		);
		const byHash = new Map(texts as [string, string][]);
		const verbatim = provenance.findings
			.flatMap((finding) => finding.quotes)
			.filter((q) => q.check === "verbatim");
		expect(verbatim.length).toBeGreaterThan(0);
		for (const quote of verbatim) {
			const snapshot = byHash.get(quote.sha256 ?? "");
			expect(snapshot).toBeDefined();
			expect(quote.sourceText).toBe(
				quote.spans.map((span) => snapshot?.slice(span.start, span.end)).join(" … "),
			);
			const source = provenance.sources.find((candidate) => candidate.id === quote.sourceId);
			expect(source?.sha256).toBe(quote.sha256);
			expect(quote.retrievedAt).toBe(source?.retrievedAt);
		}
		for (const finding of body.findings) {
			expect(provenance.findings.find((entry) => entry.id === finding.id)?.support).toEqual(finding.support);
		}
	});

	it("answers 404 for a job that does not exist", async () => {
		expect((await api("/v1/research/job_unknown/provenance")).status).toBe(404);
	});
});

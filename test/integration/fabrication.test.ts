import { afterEach, describe, expect, it } from "vitest";
import type { AgentOutput } from "../../src/providers/types";
import { ReportSchema } from "../../src/synthesis/report-schema";
import { overrideAgents, report, sampleRequest, submit, waitForJob } from "./harness";

const FABRICATED_URL = "https://fabricated.example/heat-pump-study";
const FABRICATED_QUOTE =
	"Heat pumps reach a coefficient of performance of 9.5 at -30 °C in every field trial.";
const ALTERED_NUMBER =
	"Seasonal performance factors of 4.8 to 5.2 were typical for well-installed cold-climate units in these trials.";
const REAL_QUOTE =
	"Seasonal performance factors of 2.8 to 3.2 were typical for well-installed cold-climate units in these trials.";

let restore = () => {};
afterEach(() => restore());

function plantedOutput(): AgentOutput {
	const finding = (title: string, claim: string, sourceId: string, url: string | null) => ({
		title,
		claim,
		confidence: 0.9,
		citations: [{ sourceId, url, quote: claim }],
	});
	return {
		findings: [
			finding("Invented study", FABRICATED_QUOTE, "S1", null),
			finding("Invented URL", REAL_QUOTE, "S2", FABRICATED_URL),
			finding("Altered figures", ALTERED_NUMBER, "S2", null),
			finding("Unknown source", REAL_QUOTE, "S99", null),
			finding("Genuine", REAL_QUOTE, "S2", null),
		],
		narrative: "Planted findings.",
	};
}

describe("planted fabrications", () => {
	it.each(["high", "medium", "low"] as const)(
		"never verify a quote found in no source, nor list a URL the job never retrieved (antiHallucination %s)",
		async (antiHallucination) => {
			restore = overrideAgents(
				(input) => input.role === "explorer",
				async () => plantedOutput(),
			).restore;
			const jobId = await submit(sampleRequest({ swarmSize: 3, antiHallucination }));
			const job = await waitForJob(jobId);
			expect(job.status).toBe("completed");
			const body = ReportSchema.parse(await (await report(jobId, "json")).json());

			const citations = body.findings.flatMap((finding) => finding.citations);
			for (const citation of citations.filter((item) => item.verified)) {
				expect([FABRICATED_QUOTE, ALTERED_NUMBER]).not.toContain(citation.quote);
				expect(citation.url).not.toBe(FABRICATED_URL);
			}
			expect(body.sources.map((source) => source.url)).not.toContain(FABRICATED_URL);
			expect(body.verification.fabricatedUrls).toEqual([FABRICATED_URL]);
			const unsupported = body.verification.unsupportedClaims.map((claim) => claim.claim);
			expect(unsupported).toContain(FABRICATED_QUOTE);
			// The altered copy may merge into the genuine finding, but its own citation never verifies.
			const altered = citations.filter((citation) => citation.quote === ALTERED_NUMBER);
			expect(altered.every((citation) => !citation.verified && citation.check === "quote_not_found")).toBe(
				true,
			);
			const bodyClaims = body.findings.map((finding) => finding.claim);
			if (antiHallucination === "high") {
				expect(bodyClaims).not.toContain(FABRICATED_QUOTE);
				expect(bodyClaims).not.toContain(ALTERED_NUMBER);
			} else {
				const flagged = body.findings.filter((finding) => finding.claim === FABRICATED_QUOTE);
				expect(flagged.map((finding) => finding.flag)).toEqual(["unverified"]);
			}
			expect(
				body.findings.some((finding) => finding.claim === REAL_QUOTE && finding.flag === "verified"),
			).toBe(true);

			const markdown = await (await report(jobId, "markdown")).text();
			const html = await (await report(jobId, "html")).text();
			expect(markdown).not.toContain(`](${FABRICATED_URL}`);
			expect(markdown).not.toContain(`<${FABRICATED_URL}>`);
			expect(html).not.toContain(`href="${FABRICATED_URL}"`);
		},
	);
});

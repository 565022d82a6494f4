import { afterEach, describe, expect, it } from "vitest";
import type { AgentOutput } from "../../src/providers/types";
import { ProvenanceSchema } from "../../src/synthesis/provenance";
import { ReportSchema } from "../../src/synthesis/report-schema";
import { api, overrideAgents, report, sampleRequest, submit, waitForJob } from "./harness";

const FABRICATED_URL = "https://fabricated.example/heat-pump-study";
const FABRICATED_QUOTE =
	"Heat pumps reach a coefficient of performance of 9.5 at -30 °C in every field trial.";
const ALTERED_NUMBER =
	"Seasonal performance factors of 4.8 to 5.2 were typical for well-installed cold-climate units in these trials.";
const REAL_QUOTE =
	"Seasonal performance factors of 2.8 to 3.2 were typical for well-installed cold-climate units in these trials.";
/** A claim with no citation at all. */
const BARE_CLAIM = "Installers in Norway fit air-source heat pumps in most new detached homes.";

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

/** An explorer that states one claim without any citation, one with an altered quote and one genuine. */
function uncitedOutput(): AgentOutput {
	const [, , altered, , genuine] = plantedOutput().findings;
	if (altered === undefined || genuine === undefined) throw new Error("planted findings changed");
	return {
		findings: [{ title: "No citation", claim: BARE_CLAIM, confidence: 0.7, citations: [] }, altered, genuine],
		narrative: BARE_CLAIM,
	};
}

/** Runs a job whose explorer makes the planted findings and returns its JSON report. */
async function plantedJob(
	antiHallucination: "high" | "medium" | "low",
	{ citations = true, output = plantedOutput }: { citations?: boolean; output?: () => AgentOutput } = {},
) {
	restore = overrideAgents(
		(input) => input.role === "explorer",
		async () => output(),
	).restore;
	const jobId = await submit(sampleRequest({ swarmSize: 3, antiHallucination, citations }));
	const job = await waitForJob(jobId);
	expect(job.status).toBe("completed");
	return { jobId, body: ReportSchema.parse(await (await report(jobId, "json")).json()) };
}

describe("planted fabrications", () => {
	it.each(["high", "medium", "low"] as const)(
		"never verify a quote found in no source or altered, nor list a URL the job never retrieved (antiHallucination %s)",
		async (antiHallucination) => {
			const { jobId, body } = await plantedJob(antiHallucination);
			const citations = body.findings.flatMap((finding) => finding.citations);
			const listed = new Set(body.sources.map((source) => source.id));
			for (const citation of citations.filter((item) => item.verified)) {
				expect([FABRICATED_QUOTE, ALTERED_NUMBER]).not.toContain(citation.agentQuote);
				expect(citation.url).not.toBe(FABRICATED_URL);
				expect(listed.has(citation.sourceId)).toBe(true);
			}
			expect(body.sources.map((source) => source.url)).not.toContain(FABRICATED_URL);
			expect(body.verification.fabricatedUrls).toEqual([FABRICATED_URL]);
			const unsupported = new Map(
				body.verification.unsupportedClaims.map((claim) => [claim.claim, claim.verdict]),
			);
			expect(unsupported.get(FABRICATED_QUOTE)).toBe("unsupported");
			const altered = citations.filter((citation) => citation.agentQuote === ALTERED_NUMBER);
			expect(altered.every((citation) => !citation.verified && citation.check === "altered")).toBe(true);
			const bodyClaims = body.findings.map((finding) => finding.claim);
			if (antiHallucination === "low") {
				const flagged = body.findings.filter((finding) => finding.claim === FABRICATED_QUOTE);
				expect(flagged.map((finding) => finding.flag)).toEqual(["unverified"]);
			} else {
				// Medium keeps only partly supported findings; a claim without a verbatim quote goes to the appendix.
				expect(bodyClaims).not.toContain(FABRICATED_QUOTE);
				expect(bodyClaims).not.toContain(ALTERED_NUMBER);
				expect(body.appendix.unsupportedClaims.map((claim) => claim.claim)).toContain(FABRICATED_QUOTE);
			}
			const genuine = body.findings.find((finding) => finding.claim === REAL_QUOTE);
			expect(genuine?.flag).toBe("verified");
			// The genuine finding shows the source's own words.
			expect(genuine?.citations.filter((c) => c.verified).map((c) => c.quote)).toContain(
				REAL_QUOTE.replace(/\.$/, ""),
			);
			for (const claim of [FABRICATED_QUOTE, ALTERED_NUMBER]) {
				expect(body.executiveSummary.text).not.toContain(claim.replace(/\.$/, ""));
			}

			const markdown = await (await report(jobId, "markdown")).text();
			const html = await (await report(jobId, "html")).text();
			expect(markdown).not.toContain(`](${FABRICATED_URL}`);
			expect(markdown).not.toContain(`<${FABRICATED_URL}>`);
			expect(html).not.toContain(`href="${FABRICATED_URL}"`);
		},
	);

	it("reports a quote with changed figures as an unsupported claim of its own, with the passage it was altered from", async () => {
		const { body } = await plantedJob("low");
		const unsupported = body.verification.unsupportedClaims.find((claim) => claim.claim === ALTERED_NUMBER);
		expect(unsupported?.verdict).toBe("unsupported");
		expect(unsupported?.why).toContain("quote differs from the source's text");
		const finding = body.findings.find((candidate) => candidate.claim === ALTERED_NUMBER);
		expect(finding?.flag).toBe("unverified");
		const [citation] = finding?.citations ?? [];
		expect(citation).toMatchObject({ verified: false, check: "altered", agentQuote: ALTERED_NUMBER });
		expect(citation?.nearestPassage).toContain("2.8 to 3.2");
		// The genuine finding is not credited to the agent that changed the figures, through that quote.
		const genuine = body.findings.find((candidate) => candidate.claim === REAL_QUOTE);
		expect(genuine?.citations.map((c) => c.agentQuote)).not.toContain(ALTERED_NUMBER);
	});
});

describe("citations: false", () => {
	it("keeps a finding without citations as uncited, still checks every citation given, and says so", async () => {
		const { jobId, body } = await plantedJob("high", { citations: false, output: uncitedOutput });
		expect(body.config.citations).toBe(false);
		const bare = body.findings.find((finding) => finding.claim === BARE_CLAIM);
		expect(bare).toMatchObject({ flag: "uncited", sources: [], citations: [] });
		expect(body.verification.claimsUncited).toBe(1);
		// The altered quote is still a failure; the genuine quote and the extractive agents' quotes are verified.
		expect(body.findings.map((finding) => finding.claim)).not.toContain(ALTERED_NUMBER);
		expect(body.verification.unsupportedClaims.map((claim) => claim.claim)).toContain(ALTERED_NUMBER);
		expect(body.findings.find((finding) => finding.claim === REAL_QUOTE)?.flag).toBe("verified");
		const others = body.findings.filter((finding) =>
			finding.supportingAgents.every((a) => a.role !== "explorer"),
		);
		expect(others.length).toBeGreaterThan(0);
		expect(others.every((finding) => finding.flag === "verified" && finding.sources.length > 0)).toBe(true);
		// The JSON appendix keeps what each agent returned, before checking.
		expect(body.appendix.rawOutputs.map((entry) => entry.taskId)).toEqual(
			body.performance.agentRuns.filter((run) => run.status === "completed").map((run) => run.taskId),
		);
		const raw = body.appendix.rawOutputs.find((entry) => entry.role === "explorer");
		expect(raw?.findings).toEqual(uncitedOutput().findings);
		expect(raw?.narrative).toBe(BARE_CLAIM);
		const explorer = body.appendix.agentNarratives.find((entry) => entry.role === "explorer");
		expect(explorer?.sentences.map((sentence) => sentence.uncitedFindingIds)).toEqual([[bare?.id]]);

		const provenance = ProvenanceSchema.parse(await (await api(`/v1/research/${jobId}/provenance`)).json());
		expect(provenance.findings.map((finding) => finding.claim)).not.toContain(BARE_CLAIM);
		const markdown = await (await report(jobId, "markdown")).text();
		expect(markdown.split("## Executive Summary")[0]).toContain("**Citations not required:**");
		expect(markdown).toContain("**○ Uncited:**");
	});

	it("with citations required, the same finding without citations is unsupported and left out of the body", async () => {
		const { body } = await plantedJob("high", { output: uncitedOutput });
		expect(body.findings.map((finding) => finding.claim)).not.toContain(BARE_CLAIM);
		expect(body.verification.claimsUncited).toBe(0);
		const claim = body.verification.unsupportedClaims.find((entry) => entry.claim === BARE_CLAIM);
		expect(claim?.verdict).toBe("unsupported");
	});
});

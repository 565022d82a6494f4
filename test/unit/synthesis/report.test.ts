import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { safeHttpUrl } from "../../../src/lib/http-url";
import {
	ANSWER_SENTENCES_PER_PART,
	buildReport,
	KEY_FINDING_LIMIT,
	SUMMARY_SYNTHESIS_SENTENCES,
} from "../../../src/synthesis/build-report";
import { narrativeSentences } from "../../../src/synthesis/narrative";
import {
	REPORT_SCRIPT,
	REPORT_STYLE,
	renderHtml,
	reportContentSecurityPolicy,
} from "../../../src/synthesis/render-html";
import { markdownText, renderMarkdown } from "../../../src/synthesis/render-markdown";
import { REPORT_SCHEMA_VERSION, type Report, ReportSchema } from "../../../src/synthesis/report-schema";
import { REPORT_SECTIONS } from "../../../src/synthesis/report-sections";
import { providerText } from "../../../src/synthesis/report-tables";
import type { MergedFinding, ReportInput, SupportVerdict } from "../../../src/synthesis/types";
import {
	COMPLETED_AT,
	F1_S1_TEXT,
	F4_S2_TEXT,
	FABRICATED_URL,
	FINDING_ORDER,
	makeFindings,
	makeReportInput,
	ruled,
	SYNTHESIS_SENTENCES,
	verbatimCitation,
} from "./report-fixture";

const PAYLOADS = [
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"javascript:alert(1)",
	'"><svg onload=alert(1)>',
	"[click](javascript:alert(1))",
	"# Injected heading",
	"| a | b |",
	"`code` and ``` fences",
	"<!-- comment --> &lt;b&gt;",
	"![img](https://evil.example/x.png)",
	"www.evil.example and https://evil.example/path",
];
const HOSTILE = PAYLOADS.join(" \n ");
const HOSTILE_URL = "javascript:alert(1)";
/** A real http(s) URL with characters that matter to Markdown and HTML. */
const ODD_URL = "https://ok.example/a|b?c=<d>&e='f'";
const ODD_HREF = "https://ok.example/a|b?c=%3Cd%3E&e=%27f%27";
/** The retrieved sources with an http(s) URL: the only URLs a report may link. */
const LINKED_URLS = [
	"https://energy.example.org/ccashp-field-study",
	"https://research.example.net/cop-low-temp?unit=c",
	"https://brochure.example.com/model-x",
];

/** Puts hostile text into every free-text field a fetched page or a model could control. */
function hostileInput(mode: ReportInput["config"]["antiHallucination"] = "medium"): ReportInput {
	const input = makeReportInput({ antiHallucination: mode, withPattern: true });
	input.task = HOSTILE;
	const retrieved = input.sources.find((source) => source.status === "retrieved");
	if (retrieved === undefined) throw new Error("fixture has retrieved sources");
	input.sources = input.sources.map((source) =>
		source.id === "S1"
			? { ...source, title: HOSTILE, url: HOSTILE_URL }
			: { ...source, title: `${source.title} ${HOSTILE}` },
	);
	input.sources.push({ ...retrieved, id: "S6", title: HOSTILE, url: ODD_URL });
	const hostileFinding = (finding: MergedFinding): MergedFinding => ({
		...finding,
		title: `${finding.title} ${HOSTILE}`,
		claim: `${finding.claim} ${HOSTILE}`,
		support: { ...finding.support, reason: `${finding.support.reason} ${HOSTILE}` },
		citations: finding.citations.map((citation) => ({
			...citation,
			quote: `${citation.quote} ${HOSTILE}`,
			sourceText: citation.sourceText === null ? null : `${citation.sourceText} ${HOSTILE}`,
		})),
	});
	const aggregation = input.aggregation;
	aggregation.findings = aggregation.findings.map(hostileFinding);
	aggregation.findings[0]?.citations.push(verbatimCitation("S6", ODD_URL, HOSTILE));
	aggregation.conflicts = aggregation.conflicts.map((conflict) => ({
		...conflict,
		topic: [HOSTILE],
		detail: HOSTILE,
	}));
	input.narratives = input.narratives.map((entry) => ({ ...entry, narrative: HOSTILE }));
	input.failures = input.failures.map((failure) => ({ ...failure, error: HOSTILE }));
	input.learning = {
		patternsUsed: [{ id: HOSTILE, task: HOSTILE, reward: 0.5, changed: [HOSTILE] }],
		note: HOSTILE,
	};
	input.config = { ...input.config, provider: HOSTILE, model: HOSTILE };
	input.lesson = {
		...input.lesson,
		strategy: { ...input.lesson.strategy, provider: HOSTILE, model: HOSTILE },
		critique: HOSTILE,
		improvements: [HOSTILE],
	};
	return input;
}

/** Decodes the entities hono's escaping produces, to compare attribute values with plain text. */
function decodeEntities(text: string): string {
	return text
		.replaceAll("&lt;", "<")
		.replaceAll("&gt;", ">")
		.replaceAll("&quot;", '"')
		.replaceAll("&#39;", "'")
		.replaceAll("&amp;", "&");
}

function sha256Base64(text: string): string {
	return createHash("sha256").update(text, "utf8").digest("base64");
}

const ALLOWED_TAGS = new Set(
	"html head meta title style body header h1 h2 h3 h4 p code time strong div label input main details summary ul ol li article span blockquote table caption thead tbody tr th td a script".split(
		" ",
	),
);
const ALLOWED_ATTRIBUTES = new Set(
	"lang charset name content http-equiv class id open href rel datetime for type autocomplete aria-describedby aria-live role scope data-search".split(
		" ",
	),
);

/** Every start tag of an HTML page: tag name and attribute names and values (values still escaped). */
function htmlTags(page: string): { name: string; attributes: Map<string, string> }[] {
	const withoutInline = page
		.replace(/<style>[\s\S]*?<\/style>/, "<style></style>")
		.replace(/<script>[\s\S]*?<\/script>/, "<script></script>");
	return [...withoutInline.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)].map((match) => ({
		name: (match[1] ?? "").toLowerCase(),
		attributes: new Map(
			[...(match[2] ?? "").matchAll(/\s([^\s="]+)(?:="([^"]*)")?/g)].map((attribute) => [
				(attribute[1] ?? "").toLowerCase(),
				attribute[2] ?? "",
			]),
		),
	}));
}

/**
 * Markdown structure outside the mermaid block and code spans: the destinations of real links
 * (`](<…>)`), and every other unescaped `<` or `]` (with its offset), which would be a bug.
 */
function markdownStructure(markdown: string): { stray: string[]; links: string[] } {
	const text = markdown.replace(/```mermaid[\s\S]*?```/g, "");
	const stray: string[] = [];
	const links: string[] = [];
	let i = 0;
	while (i < text.length) {
		const char = text[i];
		if (char === "\\") {
			i += 2;
			continue;
		}
		if (char === "`") {
			const end = text.indexOf("`", i + 1);
			i = end === -1 ? text.length : end + 1;
			continue;
		}
		if (char === "]" && text.startsWith("](<", i)) {
			const end = text.indexOf(">)", i);
			links.push(text.slice(i + 3, end));
			i = end + 2;
			continue;
		}
		if (char === "<" || char === "]") stray.push(`${char}@${i}`);
		i += 1;
	}
	return { stray, links };
}

function headingLines(markdown: string): string[] {
	return markdown.split("\n").filter((line) => /^#{1,6}\s/.test(line));
}

/** The fixture's input with the given verdicts in place of the findings' own (ids not listed keep theirs). */
function withVerdicts(input: ReportInput, verdicts: Partial<Record<string, SupportVerdict>>): ReportInput {
	input.aggregation.findings = input.aggregation.findings.map((finding) => {
		const verdict = verdicts[finding.id];
		return verdict === undefined ? finding : { ...finding, support: ruled(verdict, `judged ${verdict}`) };
	});
	return input;
}

/** Source labels written in a text, e.g. "[S1, S3]" gives S1 and S3. */
function writtenLabels(text: string): string[] {
	return [...text.matchAll(/\[([^\]]*)\]/g)].flatMap((match) => (match[1] ?? "").split(/,\s*/));
}

describe("buildReport", () => {
	it("produces a report that passes the schema, for every anti-hallucination mode", () => {
		for (const mode of ["high", "medium", "low"] as const) {
			const report = buildReport(makeReportInput({ antiHallucination: mode }));
			expect(ReportSchema.safeParse(report).success).toBe(true);
			expect(ReportSchema.parse(JSON.parse(JSON.stringify(report)))).toEqual(report);
			expect(report.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
		}
	});

	it("copies the job's identity, plan, metrics, quality and learning", () => {
		const input = makeReportInput({ withPattern: true });
		const report = buildReport(input);
		expect(report.jobId).toBe(input.jobId);
		expect(report.task).toBe(input.task);
		expect(report.generatedAt).toBe(COMPLETED_AT);
		expect(report.config).toEqual(input.config);
		expect(report.methodology.swarmSize).toBe(5);
		expect(report.methodology.roles).toEqual([
			"explorer",
			"depth_analyst",
			"verifier",
			"trend_analyst",
			"synthesizer",
		]);
		expect(report.methodology.plan).toEqual(
			input.tasks.map(({ id, role, phase, dependsOn, status, attempts }) => ({
				id,
				role,
				phase,
				dependsOn,
				status,
				attempts,
			})),
		);
		expect(report.methodology.sources).toEqual({ retrieved: 4, unreachable: 1 });
		expect(report.performance.metrics).toEqual(input.metrics);
		expect(report.quality).toEqual(input.aggregation.quality);
		expect(report.learningPatterns).toEqual({ ...input.learning, thisJob: input.lesson });
		expect(report.appendix.failures).toEqual(input.failures);
		expect(report.appendix.agentNarratives.map(({ taskId, role }) => ({ taskId, role }))).toEqual(
			input.narratives.map(({ taskId, role }) => ({ taskId, role })),
		);
	});

	it("gives one performance row per task with duration, all tokens and cost", () => {
		const input = makeReportInput();
		input.tasks[1] = { ...input.tasks[1], startedAt: null, finishedAt: null } as ReportInput["tasks"][number];
		input.tasks[0] = {
			...input.tasks[0],
			usage: {
				inputTokens: 100,
				outputTokens: 20,
				cacheReadTokens: 3,
				cacheWriteTokens: 4,
				searchCalls: 1,
				costUsd: 0.5,
			},
		} as ReportInput["tasks"][number];
		const runs = buildReport(input).performance.agentRuns;
		expect(runs.map((run) => run.taskId)).toEqual(input.tasks.map((task) => task.id));
		expect(runs[0]).toMatchObject({
			role: "explorer",
			status: "completed",
			attempts: 1,
			tokens: 127,
			costUsd: 0.5,
		});
		expect(runs[0]?.durationMs).toBe(200_000);
		expect(runs[1]?.durationMs).toBeNull();
		expect(runs[3]).toMatchObject({ taskId: "trend-analyst", status: "failed", attempts: 3 });
	});

	it("keeps the verification counts and lists every claim that is not supported, with its verdict and why", () => {
		const input = makeReportInput();
		const report = buildReport(input);
		const {
			unsupportedClaims,
			narrativeSentences: checked,
			narrativeSentencesSupported,
			narrativeSentencesUncited,
			...counts
		} = report.verification;
		expect(counts).toEqual(input.aggregation.verification);
		expect(unsupportedClaims.map((claim) => [claim.findingId, claim.verdict])).toEqual([
			["f6", "partial"],
			["f3", "unsupported"],
			["f5", "unsupported"],
			["f7", "contradicted"],
		]);
		expect(unsupportedClaims[1]?.why).toBe(
			"not supported by its quotes: no quote of the finding is verbatim in a retrieved source; " +
				"cites a URL the job never retrieved (1 citation); quote not found in the source (1 citation)",
		);
		expect(unsupportedClaims[2]?.why).toBe("not supported by its quotes: the finding cites nothing");
		expect(unsupportedClaims[3]?.why).toBe(
			"contradicted by its quotes: the claim's 30% against 10% in its quotes",
		);
		expect(unsupportedClaims[1]?.agents).toEqual([{ taskId: "explorer", role: "explorer" }]);
		// Explorer 2, depth analyst 1, synthesizer 3 sentences; only one of them is supported.
		expect([checked, narrativeSentencesSupported, narrativeSentencesUncited]).toEqual([6, 1, 0]);
	});

	it("shows the snapshot's own text as a verbatim citation's quote, and the agent's text beside it", () => {
		const report = buildReport(makeReportInput());
		const [first] = report.findings[0]?.citations ?? [];
		expect(first).toMatchObject({
			sourceId: "S1",
			quote: F1_S1_TEXT,
			agentQuote: "cold-climate models kept a coefficient of performance above 2 at -15 °C",
			verified: true,
			check: "verbatim",
			nearestPassage: null,
			spans: [{ start: 120, end: 120 + F1_S1_TEXT.length }],
			sha256: "S1".padEnd(64, "0"),
			similarity: 1,
		});
		const altered = report.findings[1]?.citations[1];
		expect(altered).toMatchObject({
			sourceId: "S5",
			quote: "Standard models fell to a COP of 1.2 at -15 °C",
			agentQuote: "Standard models fell to a COP of 1.2 at -15 °C",
			verified: false,
			check: "altered",
			nearestPassage: "Standard models fall to a COP of 1.4 at -15 °C",
		});
	});

	it("labels sources with the job's own ids everywhere, and every verified citation names a listed source", () => {
		for (const mode of ["high", "medium", "low"] as const) {
			const report = buildReport(makeReportInput({ antiHallucination: mode }));
			const listed = new Set(report.sources.map((source) => source.id));
			for (const finding of report.findings) {
				for (const citation of finding.citations.filter((c) => c.verified)) {
					expect(listed.has(citation.sourceId), citation.sourceId).toBe(true);
				}
				for (const label of finding.sources) expect(listed.has(label)).toBe(true);
			}
			for (const entry of report.executiveSummary.answer) {
				for (const label of entry.sources) expect(listed.has(label)).toBe(true);
			}
			const summaryLabels = writtenLabels(report.executiveSummary.text);
			expect(summaryLabels.length).toBeGreaterThan(0);
			for (const label of summaryLabels) expect(listed.has(label), label).toBe(true);
		}
		const report = buildReport(makeReportInput());
		expect(report.findings.map((finding) => [finding.id, finding.sources])).toEqual([
			["f1", ["S1", "S2"]],
			["f4", ["S2"]],
			["f2", ["S3"]],
		]);
	});

	it("lists every retrieved source in label order, marking the ones the body cites", () => {
		for (const mode of ["high", "low"] as const) {
			const report = buildReport(makeReportInput({ antiHallucination: mode }));
			// S4 is unreachable; S5 is retrieved but only cited with a quote that is not verbatim in it.
			expect(report.sources.map((source) => [source.id, source.cited])).toEqual([
				["S1", true],
				["S2", true],
				["S3", true],
				["S5", false],
			]);
		}
		const report = buildReport(makeReportInput());
		expect(report.sources[2]).toEqual({
			id: "S3",
			title: "Installer survey notes",
			url: null,
			sha256: "S3".padEnd(64, "0"),
			retrievedAt: COMPLETED_AT - 754_000 + 1_000,
			cited: true,
		});
		expect(report.unreachableSources).toEqual([
			{
				id: "S4",
				title: "Utility program report",
				url: "https://blocked.example.com/report",
				error: "HTTP 403 Forbidden",
			},
		]);
	});

	it("keeps the labels in order whatever order the sources come in", () => {
		const input = makeReportInput();
		input.sources.reverse();
		expect(buildReport(input).sources.map((source) => source.id)).toEqual(["S1", "S2", "S3", "S5"]);
	});

	it("never lists a source that was not retrieved, even when a citation names it as verified", () => {
		const input = makeReportInput();
		input.sources = input.sources.map((source) =>
			source.id === "S2" ? { ...source, status: "unreachable" } : source,
		);
		const report = buildReport(input);
		expect(report.sources.map((source) => source.id)).toEqual(["S1", "S3", "S5"]);
	});

	it("never lets a fabricated URL become a source", () => {
		for (const mode of ["high", "medium", "low"] as const) {
			const report = buildReport(makeReportInput({ antiHallucination: mode }));
			expect(report.sources.some((source) => source.url === FABRICATED_URL)).toBe(false);
			expect(report.appendix.fabricatedUrls).toEqual([FABRICATED_URL]);
		}
	});

	it("with anti-hallucination high keeps only supported findings in the body and lists the rest, with their verdicts, in the appendix", () => {
		const report = buildReport(makeReportInput({ antiHallucination: "high" }));
		expect(report.findings.map((finding) => finding.id)).toEqual(["f1", "f4", "f2"]);
		expect(report.findings.every((finding) => finding.flag === "verified")).toBe(true);
		expect(report.findings.every((finding) => finding.support.verdict === "supported")).toBe(true);
		expect(report.appendix.unsupportedClaims.map((claim) => [claim.findingId, claim.verdict])).toEqual([
			["f6", "partial"],
			["f3", "unsupported"],
			["f5", "unsupported"],
			["f7", "contradicted"],
		]);
		// The f1/f3 conflict has a side outside the body, so only f1/f4 remains.
		expect(report.crossAgentInsights.divergentViews).toHaveLength(1);
		expect(report.crossAgentInsights.divergentViews[0]).toMatchObject({
			reason: "numeric",
			detail: "above 2 against 1.4 for cop",
			sideA: { findingId: "f1" },
			sideB: { findingId: "f4" },
		});
		expect(report.crossAgentInsights.divergentViews[0]?.sideB.citations[0]?.quote).toBe(F4_S2_TEXT);
	});

	it("with medium keeps partly supported findings in the body, flagged, and lists the others in the appendix", () => {
		const report = buildReport(makeReportInput({ antiHallucination: "medium" }));
		expect(report.findings.map((finding) => [finding.id, finding.flag])).toEqual([
			["f1", "verified"],
			["f4", "verified"],
			["f2", "verified"],
			["f6", "partial"],
		]);
		expect(report.appendix.unsupportedClaims.map((claim) => [claim.findingId, claim.verdict])).toEqual([
			["f3", "unsupported"],
			["f5", "unsupported"],
			["f7", "contradicted"],
		]);
		expect(report.verification.unsupportedClaims).toHaveLength(4);
		expect(report.crossAgentInsights.divergentViews.map((view) => view.sideB.findingId)).toEqual(["f4"]);
	});

	it("with low keeps every finding in the body, flagged by its verdict, and the appendix list empty", () => {
		const report = buildReport(makeReportInput({ antiHallucination: "low" }));
		expect(report.findings.map((finding) => [finding.id, finding.flag, finding.support.verdict])).toEqual([
			["f1", "verified", "supported"],
			["f4", "verified", "supported"],
			["f2", "verified", "supported"],
			["f6", "partial", "partial"],
			["f3", "unverified", "unsupported"],
			["f5", "unverified", "unsupported"],
			["f7", "unverified", "contradicted"],
		]);
		expect(report.appendix.unsupportedClaims).toEqual([]);
		expect(report.verification.unsupportedClaims).toHaveLength(4);
		expect(report.crossAgentInsights.divergentViews.map((view) => view.sideB.findingId)).toEqual([
			"f4",
			"f3",
		]);
	});

	it("never flags a finding verified unless its claim is supported, even with verbatim quotes", () => {
		const report = buildReport(makeReportInput({ antiHallucination: "low" }));
		const f7 = report.findings.find((finding) => finding.id === "f7");
		expect(f7?.citations.every((citation) => citation.verified)).toBe(true);
		expect(f7?.flag).toBe("unverified");
		// A verbatim quote of a finding that is not in the body does not make its source cited.
		const high = buildReport(
			withVerdicts(makeReportInput({ antiHallucination: "high" }), { f2: "unsupported" }),
		);
		expect(high.sources.find((source) => source.id === "S3")?.cited).toBe(false);
	});

	it("keeps consensus and novel ids that are in the body", () => {
		const input = makeReportInput({ antiHallucination: "high" });
		input.aggregation.consensus = ["f1", "f3"];
		input.aggregation.novel = ["f2", "f5"];
		const insights = buildReport(input).crossAgentInsights;
		expect(insights.consensus).toEqual(["f1"]);
		expect(insights.novelDiscoveries).toEqual(["f2"]);
	});

	it("summarizes honestly: the supported answer with its sources, the synthesizer's checked words, agents and grounding", () => {
		const report = buildReport(makeReportInput({ antiHallucination: "high" }));
		const text = report.executiveSummary.text;
		expect(report.executiveSummary.keyFindings).toEqual(["f1", "f4", "f2"]);
		expect(report.executiveSummary.answer).toEqual([
			{
				subQuestion: null,
				sentence: "Cold-climate models kept a coefficient of performance above 2 at -15 °C.",
				findingId: "f1",
				sources: ["S1", "S2"],
			},
			{
				subQuestion: null,
				sentence: "Standard models fell to a COP of 1.4 at -15 °C.",
				findingId: "f4",
				sources: ["S2"],
			},
			{
				subQuestion: null,
				sentence: "Installers report defrost cycles consuming about 10% of heating output.",
				findingId: "f2",
				sources: ["S3"],
			},
		]);
		expect(text.split("\n\n")[0]).toBe(
			"Cold-climate models kept a coefficient of performance above 2 at -15 °C. [S1, S2] " +
				"Standard models fell to a COP of 1.4 at -15 °C. [S2] " +
				"Installers report defrost cycles consuming about 10% of heating output. [S3]",
		);
		expect(text.split("\n\n")[1]).toBe(`${SYNTHESIS_SENTENCES.supported} [S1, S2]`);
		expect(text).toContain("4 of 5 planned agents completed.");
		expect(text).toContain("Failed: trend_analyst (trend-analyst).");
		expect(text).toContain(
			"3 of 7 findings are supported by verbatim quotes of retrieved sources (grounding 43%); 6 of 9 citations are verbatim.",
		);
		expect(text).toContain("1 cited URL the job never retrieved is treated as fabricated.");
		expect(text).toContain("(4 findings not fully supported)");
		// The synthesizer's invented sentence, its changed number and its own label never reach the summary.
		expect(text).not.toContain(SYNTHESIS_SENTENCES.invented);
		expect(text).not.toContain(SYNTHESIS_SENTENCES.changedNumber);
		expect(text).not.toContain("S9");
	});

	it("never puts a sentence of a finding that is not supported into the executive summary", () => {
		const { f3, f6, f7 } = makeFindings();
		for (const mode of ["high", "medium", "low"] as const) {
			const input = makeReportInput({ antiHallucination: mode });
			// The synthesizer repeats them, too.
			input.narratives.push({
				taskId: "synthesizer",
				role: "synthesizer",
				narrative: [f3.claim, f6.claim, f7.claim].join(" "),
			});
			const report = buildReport(input);
			for (const claim of [f3.claim, f6.claim, f7.claim]) {
				expect(report.executiveSummary.text).not.toContain(claim.replace(/\.$/, ""));
				expect(report.executiveSummary.answer.map((entry) => entry.sentence)).not.toContain(claim);
			}
		}
	});

	it(`answers each part of the task with up to ${ANSWER_SENTENCES_PER_PART} supported findings from different sources, and names the parts it cannot answer`, () => {
		const input = makeReportInput({ antiHallucination: "low" });
		const efficiency = "How efficient are air-source heat pumps at -15 °C?";
		const defrost = "What does defrost cost?";
		const stopping = "Do they stop heating below -5 °C?";
		input.task =
			"How efficient are air-source heat pumps at -15 °C, what does defrost cost, and do they stop heating below -5 °C?";
		const parts: Record<string, string> = {
			f1: efficiency,
			f4: efficiency,
			f8: efficiency,
			f9: efficiency,
			f2: defrost,
			f3: stopping,
		};
		const { f4 } = makeFindings();
		// Two more supported findings on efficiency: one from a source no other one cites, one from S1 again.
		const f8 = {
			...f4,
			id: "f8",
			weight: 0.65,
			citations: [verbatimCitation("S5", null, "Standard models fall to a COP of 1.4 at -15 °C")],
		};
		const f9 = { ...f8, id: "f9", weight: 0.62, citations: [verbatimCitation("S1", null, F1_S1_TEXT)] };
		input.aggregation.findings.splice(2, 0, f8, f9);
		input.aggregation.findings = input.aggregation.findings.map((finding) => ({
			...finding,
			subQuestion: parts[finding.id] ?? null,
		}));
		const { answer, keyFindings, text } = buildReport(input).executiveSummary;
		// f4 shares S2 with f1, f9 comes third; f3 answers its part but is not supported.
		expect(answer.map((entry) => [entry.subQuestion, entry.findingId, entry.sources])).toEqual([
			[efficiency, "f1", ["S1", "S2"]],
			[efficiency, "f8", ["S5"]],
			[defrost, "f2", ["S3"]],
		]);
		expect(keyFindings).toEqual(["f1", "f8", "f2"]);
		expect(text).toContain(`No supported finding answers “${stopping}”.`);
		expect(text).not.toContain(`No supported finding answers “${efficiency}”`);
	});

	it("keeps the summary's answer, key findings and body within the verdicts each mode allows", () => {
		const verdict = fc.constantFrom<SupportVerdict>("supported", "partial", "unsupported", "contradicted");
		const allowed: Record<"high" | "medium" | "low", SupportVerdict[]> = {
			high: ["supported"],
			medium: ["supported", "partial"],
			low: ["supported", "partial", "unsupported", "contradicted"],
		};
		fc.assert(
			fc.property(
				fc.constantFrom("high" as const, "medium" as const, "low" as const),
				fc.tuple(...FINDING_ORDER.map(() => verdict)),
				(mode, verdicts) => {
					const input = withVerdicts(
						makeReportInput({ antiHallucination: mode }),
						Object.fromEntries(FINDING_ORDER.map((id, index) => [id, verdicts[index]])),
					);
					const report = buildReport(input);
					const verdictOf = new Map(input.aggregation.findings.map((f) => [f.id, f.support.verdict]));
					for (const finding of report.findings) {
						expect(allowed[mode]).toContain(finding.support.verdict);
						expect(finding.flag === "verified").toBe(finding.support.verdict === "supported");
					}
					const removed = input.aggregation.findings.filter(
						(f) => !allowed[mode].includes(f.support.verdict),
					);
					expect(report.appendix.unsupportedClaims.map((claim) => [claim.findingId, claim.verdict])).toEqual(
						removed.map((f) => [f.id, f.support.verdict]),
					);
					for (const entry of report.executiveSummary.answer) {
						expect(verdictOf.get(entry.findingId)).toBe("supported");
						expect(report.findings.some((f) => f.id === entry.findingId)).toBe(true);
					}
					for (const id of report.executiveSummary.keyFindings) expect(verdictOf.get(id)).toBe("supported");
					for (const finding of input.aggregation.findings.filter((f) => f.support.verdict !== "supported")) {
						expect(report.executiveSummary.text).not.toContain(finding.claim);
					}
					const listed = new Set(report.sources.map((source) => source.id));
					for (const citation of report.findings.flatMap((f) => f.citations).filter((c) => c.verified)) {
						expect(listed.has(citation.sourceId)).toBe(true);
					}
					for (const label of writtenLabels(report.executiveSummary.text))
						expect(listed.has(label)).toBe(true);
				},
			),
			{ numRuns: 150 },
		);
	});

	it("checks every agent narrative sentence by sentence and keeps only supported ones with high", () => {
		const input = makeReportInput({ antiHallucination: "high" });
		const high = buildReport(input);
		const medium = buildReport(makeReportInput({ antiHallucination: "medium" }));
		const synthesis = (report: typeof high) =>
			report.appendix.agentNarratives.find((entry) => entry.role === "synthesizer")?.sentences ?? [];
		expect(synthesis(medium).map((sentence) => [sentence.text, sentence.verdict, sentence.sources])).toEqual([
			[SYNTHESIS_SENTENCES.supported, "supported", ["S1", "S2"]],
			[SYNTHESIS_SENTENCES.invented, "unsupported", []],
			[SYNTHESIS_SENTENCES.changedNumber, "unsupported", []],
		]);
		expect(synthesis(high).map((sentence) => sentence.text)).toEqual([SYNTHESIS_SENTENCES.supported]);
		for (const entry of high.appendix.agentNarratives) {
			expect(entry.sentences.every((sentence) => sentence.verdict === "supported")).toBe(true);
		}
		// Medium and low keep every sentence, each with its verdict.
		for (const entry of medium.appendix.agentNarratives) {
			const narrative = input.narratives.find((n) => n.taskId === entry.taskId)?.narrative ?? "";
			expect(entry.sentences.map((sentence) => sentence.text)).toEqual(narrativeSentences(narrative));
		}
		expect(high.verification.narrativeSentences).toBe(medium.verification.narrativeSentences);
	});

	it("says when the report is partial and when nothing is supported", () => {
		const input = makeReportInput({ completeness: "partial" });
		input.aggregation.findings = [];
		input.narratives = [];
		const report = buildReport(input);
		expect(report.completeness).toBe("partial");
		expect(report.executiveSummary.text).toMatch(
			/^No finding is supported by a verbatim quote, so the report cannot answer the task\.\n\nThis report is partial: the job ended before every agent finished\./,
		);
		expect(report.executiveSummary.text).not.toContain("synthesizer");
		expect(report.executiveSummary.keyFindings).toEqual([]);
		expect(report.executiveSummary.answer).toEqual([]);
	});

	it(`names at most ${KEY_FINDING_LIMIT} key findings and repeats at most ${SUMMARY_SYNTHESIS_SENTENCES} supported sentences of the synthesis`, () => {
		const input = makeReportInput();
		const [first] = input.aggregation.findings;
		if (first === undefined) throw new Error("fixture has findings");
		input.aggregation.findings = Array.from({ length: 9 }, (_, index) => ({ ...first, id: `k${index}` }));
		input.narratives = [
			{
				taskId: "synthesizer",
				role: "synthesizer",
				narrative: `${"Word ".repeat(2000)}. ${`${SYNTHESIS_SENTENCES.supported} `.repeat(8)}`,
			},
		];
		const report = buildReport(input);
		expect(report.executiveSummary.keyFindings).toEqual(["k0", "k1", "k2", "k3", "k4"]);
		const text = report.executiveSummary.text;
		expect(text.split(SYNTHESIS_SENTENCES.supported)).toHaveLength(SUMMARY_SYNTHESIS_SENTENCES + 1);
		expect(text).not.toContain("Word Word");
	});

	it("rejects input that breaks the schema", () => {
		const input = makeReportInput();
		input.aggregation.quality = { ...input.aggregation.quality, overall: 1.5 };
		expect(() => buildReport(input)).toThrow();
	});

	it("is deterministic", async () => {
		const a = buildReport(makeReportInput({ antiHallucination: "medium", withPattern: true }));
		const b = buildReport(makeReportInput({ antiHallucination: "medium", withPattern: true }));
		expect(JSON.stringify(a)).toBe(JSON.stringify(b));
		expect(renderMarkdown(a)).toBe(renderMarkdown(b));
		expect(await renderHtml(a)).toBe(await renderHtml(b));
	});
});

describe("markdownText", () => {
	it("escapes structure and turns autolinkable text into code spans", () => {
		expect(markdownText("# <b>[x]</b> www.a.example")).toBe("\\# \\<b\\>\\[x\\]\\</b\\> `www.a.example`");
		expect(markdownText("a | b\n\n# c")).toBe("a \\| b \\# c");
		expect(markdownText("see https://x.example/a|b`c.")).toBe("see `https://x.example/a%7Cb%60c`.");
		expect(markdownText("mail me@x.example")).toBe("mail `me@x.example`");
		expect(markdownText("1. item")).toBe("1\\. item");
		expect(markdownText("- item")).toBe("\\- item");
		expect(markdownText("---")).toBe("\\---");
		expect(markdownText("-5 °C and 1.5 s")).toBe("-5 °C and 1.5 s");
		expect(markdownText("$5 & *x* _y_ ~z~")).toBe("\\$5 \\& \\*x\\* \\_y\\_ \\~z\\~");
	});
});

describe("safeHttpUrl", () => {
	it("accepts only http(s) URLs", () => {
		expect(safeHttpUrl("https://a.example/x y")).toBe("https://a.example/x%20y");
		expect(safeHttpUrl("javascript:alert(1)")).toBeNull();
		expect(safeHttpUrl("data:text/html,x")).toBeNull();
		expect(safeHttpUrl("/relative")).toBeNull();
		expect(safeHttpUrl(null)).toBeNull();
	});
});

describe("renderMarkdown", () => {
	const report = buildReport(makeReportInput({ antiHallucination: "medium" }));
	const markdown = renderMarkdown(report);

	it("has the title and every section heading, in order", () => {
		const headings = headingLines(markdown).filter((line) => /^#{1,2}\s/.test(line));
		expect(headings).toEqual([
			`# ${markdownText(report.task)}`,
			...REPORT_SECTIONS.map((entry) => `## ${entry.title}`),
		]);
	});

	it("draws the swarm DAG as mermaid with one node per task and an edge per dependency", () => {
		const block = /```mermaid\n([\s\S]*?)```/.exec(markdown)?.[1] ?? "";
		expect(block.startsWith("flowchart TD\n")).toBe(true);
		const nodes = new Map(
			[...block.matchAll(/^ {2}(t\d+)\["([^"]*)"\]$/gm)].map((match) => [match[1] ?? "", match[2] ?? ""]),
		);
		const plan = report.methodology.plan;
		expect(nodes.size).toBe(plan.length);
		const nodeOf = new Map<string, string>();
		for (const [node, label] of nodes) {
			const task = plan.find(
				(entry) =>
					label ===
					`${entry.id} · ${entry.role} · ${entry.status}${entry.attempts > 1 ? ` · ${entry.attempts} attempts` : ""}`,
			);
			expect(task, label).toBeDefined();
			if (task) nodeOf.set(node, task.id);
		}
		const edges = [...block.matchAll(/^ {2}(t\d+) --> (t\d+)$/gm)].map(
			(match) => `${nodeOf.get(match[1] ?? "")}->${nodeOf.get(match[2] ?? "")}`,
		);
		const expected = plan.flatMap((task) => task.dependsOn.map((dependency) => `${dependency}->${task.id}`));
		expect(edges.sort()).toEqual(expected.sort());
		expect(block).toMatch(/^ {2}class t4 failed$/m);
	});

	it("numbers the findings, shows confidence, agents, source labels and the sources' own words as blockquotes", () => {
		expect(markdown).toContain("### 1. COP stays above 2 at -15 °C");
		expect(markdown).toContain(
			"Cold-climate models kept a coefficient of performance above 2 at -15 °C. \\[S1, S2\\]\n",
		);
		expect(markdown).toContain(
			"**Confidence** 0.85 · **Weight** 1.70 · **Agents** explorer (explorer), depth\\_analyst (depth-analyst) · **✓ Verified**",
		);
		expect(markdown).toContain(
			`> ${F1_S1_TEXT}\n>\n> — ✓ verbatim: S1 [Cold-climate heat pump field study](<https://energy.example.org/ccashp-field-study>)`,
		);
		expect(markdown).toContain("### 4. Cold-climate models cost more");
		expect(markdown).toContain(
			"**⚠ Partly supported:** only part of the claim is in its quotes: missing “last”, “longer”",
		);
		expect(markdown).not.toContain("Verified:");
	});

	it("shows an altered quote as not verified, with what the source says", () => {
		expect(markdown).toContain(
			"> Standard models fell to a COP of 1.2 at -15 °C\n>\n> — ✗ quote differs from the source's text: S5 " +
				"[Manufacturer brochure](<https://brochure.example.com/model-x>)\n>\n" +
				"> The source says: Standard models fall to a COP of 1.4 at -15 °C",
		);
	});

	it("shows cross-agent insights with both sides of a divergent view", () => {
		expect(markdown).toContain(
			"### Consensus\n\n- Finding 1: COP stays above 2 at -15 °C — 2 independent sources: S1, S2\n",
		);
		expect(markdown).toContain(
			"1. **cop 15** — different numbers for the same quantity: above 2 against 1.4 for cop\n" +
				"   - **Side A** (finding 1, COP stays above 2 at -15 °C): Cold-climate models kept a coefficient of performance above 2 at -15 °C. \\[S1, S2\\]",
		);
		expect(markdown).toContain(
			"   - **Side B** (finding 2, COP drops to 1.4 at -15 °C): Standard models fell to a COP of 1.4 at -15 °C. \\[S2\\]",
		);
		expect(markdown).toContain(
			"### Novel Discoveries\n\n- Finding 3: Defrost cycles cost about 10% of output — found only by verifier (verifier)",
		);
	});

	it("has the verification, performance and appendix tables", () => {
		expect(markdown).toContain("| Grounding (supported / all findings) | 43% |");
		expect(markdown).toContain("| Altered quotes (not verified) | 1 |");
		expect(markdown).toContain("| Findings (after merging) | 7 |");
		expect(markdown).toContain("| Narrative sentences supported / checked | 1 / 6 |");
		expect(markdown).toContain("| Corroboration | 0.33 |");
		expect(markdown).toContain("| Provider latency p50 / p95 / p99 | 820ms / 2.4s / 3.1s |");
		expect(markdown).toContain("| Cost | \\$0.1234 |");
		expect(markdown).toContain("| trend-analyst | trend\\_analyst | failed | 3 |");
		expect(markdown).toContain("| trend-analyst | trend\\_analyst | provider timed out after 3 attempts |");
		expect(markdown).toContain(
			"| Utility program report | `https://blocked.example.com/report` | HTTP 403 Forbidden |",
		);
		expect(markdown).toContain(
			`- **S3** Installer survey notes (attached text) · retrieved 2026-11-02T09:00:01.000Z · SHA-256 ${"S3".padEnd(64, "0")}\n`,
		);
		expect(markdown).toContain(
			`- **S5** [Manufacturer brochure](<https://brochure.example.com/model-x>) · retrieved 2026-11-02T09:00:01.000Z · SHA-256 ${"S5".padEnd(64, "0")} · not cited in the findings`,
		);
		expect(markdown).toContain(
			"| 1 | S1 [Cold-climate heat pump field study](<https://energy.example.org/ccashp-field-study>) | ✓ verbatim | quote found verbatim in the source | 120–191 |",
		);
		expect(markdown).toContain(
			"| 2 | S5 [Manufacturer brochure](<https://brochure.example.com/model-x>) | ✗ not verified | quote differs from the source's text | 120–166 |",
		);
		expect(markdown).toContain("No learned patterns were used for this job.");
	});

	it("lists learned patterns when the job used some", () => {
		const withPattern = renderMarkdown(buildReport(makeReportInput({ withPattern: true })));
		expect(withPattern).toContain(
			"| pat\\_7 | Heat pump efficiency in Nordic homes | 0.82 | added a trend analyst; asked for COP figures |",
		);
		expect(withPattern).toContain("One similar job informed the plan.");
		expect(withPattern).not.toContain("No learned patterns were used");
	});

	it("states this job's own strategy, reward with its formula, challenges and improvements before the patterns it used", () => {
		const learning = markdown.split("## Learning Patterns")[1]?.split("## Performance Metrics")[0] ?? "";
		for (const line of [
			"- **Strategy:** 5 agents (explorer, depth\\_analyst, verifier, trend\\_analyst, synthesizer) on extractive, focus balanced, depth 5",
			"- **Reward:** 0.60 = 0.35·quality + 0.15·speed + 0.2·citations + 0.15·depth + 0.15·coverage, with quality 0.55, speed 0.93, citations 0.53, depth 0.30, coverage 0.80; not a success",
			"- **Challenges:** 2 of 7 claims had no verified citation. 1 agent failed: trend analyst.",
			"**Improvements**\n- Back every claim",
			"- Run the trend analyst on a different provider.",
		]) {
			expect(learning).toContain(line);
		}
		expect(learning.indexOf("### This Job")).toBeLessThan(learning.indexOf("### Patterns Applied"));
		const none = makeReportInput();
		none.lesson = { ...none.lesson, critique: "", improvements: [] };
		const clean = renderMarkdown(buildReport(none));
		expect(clean).toContain("- **Challenges:** none found");
		expect(clean).toContain("No improvements are called for.");
	});

	it("gives reasons for flagged findings only with medium, and shows removed claims in the appendix only with high", () => {
		const low = renderMarkdown(buildReport(makeReportInput({ antiHallucination: "low" })));
		const high = renderMarkdown(buildReport(makeReportInput({ antiHallucination: "high" })));
		expect(low).toContain("### 5. Heat pumps stop working below -5 °C");
		expect(low).toContain("· *✗ not supported by its quotes*\n");
		expect(low).toContain("· *✗ contradicted by its quotes*\n");
		expect(low).not.toContain("**⚠ Partly supported:**");
		expect(low).not.toContain("Claims Removed From the Findings");
		expect(markdown).not.toContain("Claims Removed From the Findings");
		expect(high).not.toContain("### 4.");
		expect(high).toContain(
			"### Claims Removed From the Findings\n\n- **Cold-climate models cost more:** Cold-climate models cost more to install and last longer than standard models. — by verifier (verifier); only partly supported by its quotes:",
		);
		expect(high).toContain(
			"- **Defrost takes 30% of output:** Defrost cycles consume about 30% of heating output. — by depth\\_analyst (depth-analyst); contradicted by its quotes:",
		);
	});

	it("shows each agent's checked sentences: supported ones with their sources, the others with their verdict", () => {
		expect(markdown).toContain(
			`${SYNTHESIS_SENTENCES.supported} \\[S1, S2\\] ${SYNTHESIS_SENTENCES.invented} *(not supported by its quotes:`,
		);
		const high = renderMarkdown(buildReport(makeReportInput({ antiHallucination: "high" })));
		const breakdown = high.slice(high.indexOf("### Agent Breakdown"), high.indexOf("### Failures"));
		expect(breakdown).toContain(`${SYNTHESIS_SENTENCES.supported} \\[S1, S2\\]`);
		expect(breakdown).not.toContain(SYNTHESIS_SENTENCES.invented);
		expect(breakdown).not.toContain("not supported");
		expect(high).not.toContain("S9");
	});

	it("never links a fabricated or unreachable URL", () => {
		for (const mode of ["high", "medium", "low"] as const) {
			const md = renderMarkdown(buildReport(makeReportInput({ antiHallucination: mode })));
			const { links, stray } = markdownStructure(md);
			expect(stray).toEqual([]);
			expect(new Set(links)).toEqual(new Set(LINKED_URLS));
			expect(md).toContain(FABRICATED_URL);
			for (const url of [FABRICATED_URL, "https://blocked.example.com/report"]) {
				// Wherever the URL appears, it opens a code span, which GFM never links.
				for (const piece of md.split(url).slice(0, -1)) expect(piece.endsWith("`")).toBe(true);
			}
		}
	});

	it("keeps hostile source and claim text from adding headings, links or HTML", () => {
		const input = hostileInput();
		const md = renderMarkdown(buildReport(input));
		const { links, stray } = markdownStructure(md);
		expect(stray).toEqual([]);
		// S1's javascript: URL is not linked; S2 and S5 keep their real URLs; S6 is linked with its pipe encoded.
		expect(new Set(links)).toEqual(new Set([LINKED_URLS[1], LINKED_URLS[2], ODD_HREF.replace("|", "%7C")]));
		expect(md).not.toMatch(/^<|\n</);
		const plain = renderMarkdown(
			buildReport(makeReportInput({ antiHallucination: "medium", withPattern: true })),
		);
		// Same structure as the benign report plus the extra source's citation (no extra headings).
		expect(headingLines(md).length).toBe(headingLines(plain).length);
	});

	it("keeps its structure whatever text the findings and sources hold", () => {
		const special = fc.string({
			unit: fc.constantFrom(
				"<",
				">",
				"[",
				"]",
				"(",
				")",
				"`",
				"#",
				"|",
				"\\",
				"*",
				"_",
				"\n",
				" ",
				"h",
				"t",
				"p",
				"s",
				":",
				"/",
				"w",
				".",
				"&",
				"$",
				"-",
				"1",
				"!",
				"@",
				"x",
			),
			maxLength: 40,
		});
		const text = fc.oneof(fc.string({ maxLength: 40 }), special, fc.constantFrom(...PAYLOADS));
		const baseline = headingLines(
			renderMarkdown(buildReport(makeReportInput({ antiHallucination: "medium" }))),
		).length;
		fc.assert(
			fc.property(text, text, text, text, (title, claim, quote, sourceTitle) => {
				const input = makeReportInput({ antiHallucination: "medium" });
				const finding = input.aggregation.findings[0];
				if (finding === undefined) return;
				finding.title = title;
				finding.claim = claim;
				for (const citation of finding.citations) {
					citation.quote = quote;
					if (citation.sourceText !== null) citation.sourceText = quote;
				}
				input.sources = input.sources.map((source) => ({ ...source, title: sourceTitle }));
				input.task = claim;
				const md = renderMarkdown(buildReport(input));
				const { links, stray } = markdownStructure(md);
				expect(stray).toEqual([]);
				expect(links.every((link) => LINKED_URLS.includes(link))).toBe(true);
				expect(headingLines(md)).toHaveLength(baseline);
			}),
			{ numRuns: 150 },
		);
	});
});

describe("renderHtml", () => {
	it("is a self-contained page with every section collapsible, in order, and a labelled search box", async () => {
		const report = buildReport(makeReportInput({ antiHallucination: "medium" }));
		const page = await renderHtml(report);
		expect(page.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
		const sectionIds = [
			...page.matchAll(/<details open id="([^"]+)">\n<summary><h2>([^<]+)<\/h2><\/summary>/g),
		].map((match) => [match[1], match[2]]);
		expect(sectionIds).toEqual(REPORT_SECTIONS.map((entry) => [entry.id, entry.title]));
		expect(page).toContain('<label for="report-search">');
		expect(page).toContain('<input type="search" id="report-search"');
		expect(page.match(/<article class="finding" data-search>/g)).toHaveLength(4);
		expect(page).not.toMatch(/\s(src|srcset|style|on\w+)=/i);
		expect(page).not.toMatch(/<link|<img|<iframe|url\(/i);
		for (const tag of htmlTags(page)) {
			if (tag.name === "th") expect(tag.attributes.get("scope")).toBe("col");
		}
	});

	it("shows findings, insights, verification, performance and appendix content", async () => {
		const page = await renderHtml(
			buildReport(makeReportInput({ antiHallucination: "medium", withPattern: true })),
		);
		expect(page).toContain("<h3>1. COP stays above 2 at -15 °C</h3>");
		expect(page).toContain(`<blockquote>${F1_S1_TEXT}</blockquote>`);
		expect(page).toContain('<span class="flag-verified">✓ Verified</span>');
		expect(page).toContain(
			'<span class="flag-unverified">⚠ Partly supported: only part of the claim is in its quotes: missing “last”, “longer”</span>',
		);
		expect(page).toContain(
			'<p class="cite">The source says: Standard models fall to a COP of 1.4 at -15 °C</p>',
		);
		expect(page).toContain("<td>Grounding (supported / all findings)</td><td>43%</td>");
		expect(page).toContain("<td>Provider latency p50 / p95 / p99</td><td>820ms / 2.4s / 3.1s</td>");
		expect(page).toContain("<td>pat_7</td><td>Heat pump efficiency in Nordic homes</td>");
		expect(page).toContain("<h3>This Job</h3>");
		expect(page).toContain("<li><strong>Challenges:</strong> 2 of 7 claims had no verified citation.");
		expect(page).toContain("<li>Run the trend analyst on a different provider.</li>");
		expect(page).toContain("<td>Utility program report</td><td>https://blocked.example.com/report</td>");
		expect(page).toContain(`<li><code>${FABRICATED_URL}</code></li>`);
		expect(page).toContain(
			'<li><strong>S3</strong> Installer survey notes (attached text) · retrieved <time datetime="2026-11-02T09:00:01.000Z">2026-11-02T09:00:01.000Z</time> · SHA-256',
		);
		expect(page).toContain("<strong>Side B</strong> (finding 2, COP drops to 1.4 at -15 °C)");
		expect(page).toContain('<span class="cite">[S1, S2]</span>');
		expect(page).not.toContain("[S9]");
	});

	it("links only retrieved http(s) sources, never a fabricated or unreachable URL", async () => {
		for (const mode of ["high", "medium", "low"] as const) {
			const page = await renderHtml(buildReport(makeReportInput({ antiHallucination: mode })));
			const anchors = htmlTags(page).filter((tag) => tag.name === "a" && tag.attributes.has("href"));
			expect(anchors.length).toBeGreaterThan(0);
			for (const anchor of anchors) {
				expect(LINKED_URLS).toContain(decodeEntities(anchor.attributes.get("href") ?? ""));
				expect(anchor.attributes.get("rel")).toBe("noopener noreferrer nofollow");
			}
		}
	});

	it("escapes hostile text everywhere and allows only its own markup", async () => {
		const page = await renderHtml(buildReport(hostileInput("high")));
		expect(page.match(/<script/gi)).toHaveLength(1);
		expect(page).not.toMatch(/<img|<svg|<!--/i);
		expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
		expect(page).toContain("&quot;&gt;&lt;svg onload=alert(1)&gt;");
		for (const tag of htmlTags(page)) {
			expect(ALLOWED_TAGS.has(tag.name), tag.name).toBe(true);
			for (const [attribute] of tag.attributes)
				expect(ALLOWED_ATTRIBUTES.has(attribute), attribute).toBe(true);
		}
		const hrefs = htmlTags(page).flatMap((tag) =>
			tag.attributes.has("href") ? [decodeEntities(tag.attributes.get("href") ?? "")] : [],
		);
		expect(new Set(hrefs)).toEqual(new Set([LINKED_URLS[1], LINKED_URLS[2], ODD_HREF]));
		expect(hrefs.length).toBeGreaterThan(0);
		expect(page).not.toMatch(/href="\s*javascript:/i);
	});

	it("allows only known tags and attributes whatever text the report holds", async () => {
		const text = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...PAYLOADS));
		await fc.assert(
			fc.asyncProperty(text, text, text, async (title, claim, sourceTitle) => {
				const input = makeReportInput({ antiHallucination: "low" });
				const finding = input.aggregation.findings[0];
				if (finding === undefined) return;
				finding.title = title;
				finding.claim = claim;
				input.sources = input.sources.map((source) => ({ ...source, title: sourceTitle }));
				const page = await renderHtml(buildReport(input));
				expect(page.match(/<script/gi)).toHaveLength(1);
				for (const tag of htmlTags(page)) {
					expect(ALLOWED_TAGS.has(tag.name)).toBe(true);
					for (const [attribute] of tag.attributes) expect(ALLOWED_ATTRIBUTES.has(attribute)).toBe(true);
				}
			}),
			{ numRuns: 100 },
		);
	});

	it("carries a CSP whose hashes match the inline style and script exactly", async () => {
		const page = await renderHtml(buildReport(makeReportInput()));
		const style = /<style>([\s\S]*?)<\/style>/.exec(page)?.[1];
		const script = /<script>([\s\S]*?)<\/script>/.exec(page)?.[1];
		expect(style).toBe(REPORT_STYLE);
		expect(script).toBe(REPORT_SCRIPT);
		const csp = await reportContentSecurityPolicy();
		expect(csp).toBe(
			`default-src 'none'; style-src 'sha256-${sha256Base64(style ?? "")}'; script-src 'sha256-${sha256Base64(script ?? "")}'; img-src 'none'; base-uri 'none'; form-action 'none'`,
		);
		const meta = htmlTags(page).find((tag) => tag.attributes.get("http-equiv") === "Content-Security-Policy");
		expect(decodeEntities(meta?.attributes.get("content") ?? "")).toBe(csp);
		expect(page.match(/<style>/g)).toHaveLength(1);
	});
});

describe("rendering a report read back from JSON", () => {
	it("gives the same Markdown and HTML as the report it was serialized from", async () => {
		const report = buildReport(makeReportInput({ antiHallucination: "medium" }));
		const restored: Report = ReportSchema.parse(JSON.parse(JSON.stringify(report)));
		expect(renderMarkdown(restored)).toBe(renderMarkdown(report));
		expect(await renderHtml(restored)).toBe(await renderHtml(report));
	});
});

describe("the methodology's provider fact", () => {
	it("names each provider that took tasks over, and says when the job's own was rate-limited", async () => {
		const input = makeReportInput();
		const moved = (taskId: string, to: string, reason: "rate_limited" | "outage") => ({
			taskId,
			attempt: 1,
			from: input.config.provider,
			to,
			at: COMPLETED_AT,
			reason,
		});
		input.metrics.fallbacks = [
			moved("explorer", "openai", "rate_limited"),
			moved("depth-analyst", "openai", "rate_limited"),
			moved("explorer", "openai", "rate_limited"),
			moved("critic", "gemini", "outage"),
		];
		const report = buildReport(input);
		const own = input.config.provider;
		expect(providerText(report)).toBe(
			`${own}; ${own} was rate-limited (HTTP 429 after every retry), so openai ran explorer, depth-analyst; ${own} was failing, so gemini ran critic`,
		);
		expect(renderMarkdown(report)).toContain(`so openai ran explorer, depth-analyst`);
		expect(await renderHtml(report)).toContain(`so openai ran explorer, depth-analyst`);
	});

	it("is the provider and model alone when no task moved", () => {
		const report = buildReport(makeReportInput());
		expect(providerText(report)).toBe(report.config.provider);
	});
});

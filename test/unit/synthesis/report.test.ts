import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildReport, KEY_FINDING_LIMIT } from "../../../src/synthesis/build-report";
import {
	REPORT_SCRIPT,
	REPORT_STYLE,
	renderHtml,
	reportContentSecurityPolicy,
} from "../../../src/synthesis/render-html";
import { markdownText, renderMarkdown } from "../../../src/synthesis/render-markdown";
import {
	formatDuration,
	REPORT_SCHEMA_VERSION,
	REPORT_SECTIONS,
	type Report,
	ReportSchema,
	safeHttpUrl,
} from "../../../src/synthesis/report-schema";
import type { ReportInput } from "../../../src/synthesis/types";
import { COMPLETED_AT, checkedCitation, FABRICATED_URL, makeReportInput } from "./report-fixture";

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
const LINKED_URLS = [
	"https://energy.example.org/ccashp-field-study",
	"https://research.example.net/cop-low-temp?unit=c",
];

/** Puts hostile text into every free-text field a fetched page or a model could control. */
function hostileInput(mode: ReportInput["config"]["antiHallucination"] = "medium"): ReportInput {
	const input = makeReportInput({ antiHallucination: mode, withPattern: true });
	input.task = HOSTILE;
	const retrieved = input.sources.find((source) => source.status === "retrieved");
	if (retrieved === undefined) throw new Error("fixture has retrieved sources");
	input.sources = input.sources.map((source) =>
		source.id === "s1"
			? { ...source, title: HOSTILE, url: HOSTILE_URL }
			: { ...source, title: `${source.title} ${HOSTILE}` },
	);
	input.sources.push({ ...retrieved, id: "s6", title: HOSTILE, url: ODD_URL });
	const hostileFinding = (finding: ReportInput["aggregation"]["findings"][number]) => ({
		...finding,
		title: `${finding.title} ${HOSTILE}`,
		claim: `${finding.claim} ${HOSTILE}`,
		citations: finding.citations.map((citation) => ({ ...citation, quote: `${citation.quote} ${HOSTILE}` })),
	});
	const aggregation = input.aggregation;
	aggregation.findings = aggregation.findings.map(hostileFinding);
	aggregation.unsupported = aggregation.unsupported.map(hostileFinding);
	aggregation.findings[0]?.citations.push(checkedCitation("s6", ODD_URL, HOSTILE, "exact", 1));
	aggregation.conflicts = aggregation.conflicts.map((conflict) => ({ ...conflict, topic: [HOSTILE] }));
	input.narratives = input.narratives.map((entry) => ({ ...entry, narrative: HOSTILE }));
	input.failures = input.failures.map((failure) => ({ ...failure, error: HOSTILE }));
	input.learning = {
		patternsUsed: [{ id: HOSTILE, task: HOSTILE, reward: 0.5, changed: [HOSTILE] }],
		note: HOSTILE,
	};
	input.config = { ...input.config, provider: HOSTILE, model: HOSTILE };
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
		expect(report.learningPatterns).toEqual(input.learning);
		expect(report.appendix.failures).toEqual(input.failures);
		expect(report.appendix.agentNarratives).toEqual(input.narratives);
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

	it("keeps the verification counts and lists every unsupported claim with the reason", () => {
		const input = makeReportInput();
		const report = buildReport(input);
		const { unsupportedClaims, ...counts } = report.verification;
		expect(counts).toEqual(input.aggregation.verification);
		expect(unsupportedClaims.map((claim) => claim.findingId)).toEqual(["f3", "f5"]);
		expect(unsupportedClaims[0]?.why).toBe(
			"cites a URL the job never retrieved (1 citation); quote not found in the source snapshot (1 citation)",
		);
		expect(unsupportedClaims[1]?.why).toBe("no citation given");
		expect(unsupportedClaims[0]?.agents).toEqual([{ taskId: "explorer", role: "explorer" }]);
	});

	it("numbers citations C1…Cn in body order and sources S1…Sn in order of first verified citation", () => {
		const report = buildReport(makeReportInput({ antiHallucination: "medium" }));
		const refs = report.findings.flatMap((finding) => finding.citations.map((citation) => citation.ref));
		expect(refs).toEqual(refs.map((_, index) => `C${index + 1}`));
		expect(report.sources.map((source) => [source.ref, source.id])).toEqual([
			["S1", "s1"],
			["S2", "s2"],
			["S3", "s3"],
		]);
	});

	it("lists as sources only retrieved sources behind a verified citation", () => {
		const report = buildReport(makeReportInput({ antiHallucination: "low" }));
		// s4 is unreachable; s5 is retrieved but only cited with a quote that is not in it.
		expect(report.sources.map((source) => source.id)).toEqual(["s1", "s2", "s3"]);
		expect(report.sources[2]).toEqual({
			ref: "S3",
			id: "s3",
			title: "Installer survey notes",
			url: null,
			sha256: expect.any(String),
		});
		expect(report.unreachableSources).toEqual([
			{
				id: "s4",
				title: "Utility program report",
				url: "https://blocked.example.com/report",
				error: "HTTP 403 Forbidden",
			},
		]);
	});

	it("never lists a source that is cited as verified but was not retrieved", () => {
		const input = makeReportInput();
		input.sources = input.sources.map((source) =>
			source.id === "s2" ? { ...source, status: "unreachable" } : source,
		);
		const report = buildReport(input);
		expect(report.sources.map((source) => source.id)).toEqual(["s1", "s3"]);
	});

	it("never lets a fabricated URL become a source", () => {
		for (const mode of ["high", "medium", "low"] as const) {
			const report = buildReport(makeReportInput({ antiHallucination: mode }));
			expect(report.sources.some((source) => source.url === FABRICATED_URL)).toBe(false);
			expect(report.appendix.fabricatedUrls).toEqual([FABRICATED_URL]);
		}
	});

	it("with anti-hallucination high keeps only verified findings in the body and lists the rest in the appendix", () => {
		const input = makeReportInput({ antiHallucination: "high" });
		// An aggregator that left an unsupported finding in the list must not leak it into the body.
		input.aggregation.findings.push(...input.aggregation.unsupported);
		const report = buildReport(input);
		expect(report.findings.map((finding) => finding.id)).toEqual(["f1", "f4", "f2"]);
		expect(report.findings.every((finding) => finding.flag === "verified")).toBe(true);
		expect(report.appendix.unsupportedClaims.map((claim) => claim.findingId)).toEqual(["f3", "f5"]);
		// The f1/f3 conflict has a side outside the body, so only f1/f4 remains.
		expect(report.crossAgentInsights.divergentViews).toHaveLength(1);
		expect(report.crossAgentInsights.divergentViews[0]?.sideB.findingId).toBe("f4");
		expect(report.crossAgentInsights.divergentViews[0]?.sideB.citations[0]?.quote).toBe(
			"standard units reached 1.4",
		);
	});

	it("with medium and low keeps unsupported findings in the body, flagged, and leaves the appendix list empty", () => {
		for (const mode of ["medium", "low"] as const) {
			const report = buildReport(makeReportInput({ antiHallucination: mode }));
			expect(report.findings.map((finding) => [finding.id, finding.flag])).toEqual([
				["f1", "verified"],
				["f4", "verified"],
				["f2", "verified"],
				["f3", "unverified"],
				["f5", "unverified"],
			]);
			expect(report.appendix.unsupportedClaims).toEqual([]);
			expect(report.verification.unsupportedClaims).toHaveLength(2);
			expect(report.crossAgentInsights.divergentViews.map((view) => view.sideB.findingId)).toEqual([
				"f4",
				"f3",
			]);
		}
	});

	it("adds unsupported findings the aggregator listed only as unsupported when the mode keeps them", () => {
		const input = makeReportInput({ antiHallucination: "medium" });
		input.aggregation.findings = input.aggregation.findings.filter((finding) => finding.supported);
		expect(buildReport(input).findings.map((finding) => finding.id)).toEqual(["f1", "f4", "f2", "f3", "f5"]);
	});

	it("keeps consensus and novel ids that are in the body", () => {
		const input = makeReportInput({ antiHallucination: "high" });
		input.aggregation.consensus = ["f1", "f3"];
		input.aggregation.novel = ["f2", "f5"];
		const insights = buildReport(input).crossAgentInsights;
		expect(insights.consensus).toEqual(["f1"]);
		expect(insights.novelDiscoveries).toEqual(["f2"]);
	});

	it("summarizes honestly: agents, grounding, key findings and the synthesizer's words", () => {
		const report = buildReport(makeReportInput({ antiHallucination: "high" }));
		const text = report.executiveSummary.text;
		expect(report.executiveSummary.keyFindings).toEqual(["f1", "f4", "f2"]);
		expect(text).toContain("4 of 5 planned agents completed.");
		expect(text).toContain("Failed: trend_analyst (trend-analyst).");
		expect(text).toContain(
			"3 of 5 claims are backed by a quote found in a retrieved source (grounding score 60%)",
		);
		expect(text).toContain("1 cited URL the job never retrieved is treated as fabricated.");
		expect(text).toContain("removed from the findings and listed in the appendix (2 claims)");
		expect(text).toContain("Key findings: COP stays above 2 at -15 °C (confidence 0.85, 2 agents)");
		expect(text).toContain("Cold-climate heat pumps remain efficient well below freezing.");
		expect(text).not.toContain("partial");
	});

	it("says when the report is partial and when nothing is verified", () => {
		const input = makeReportInput({ completeness: "partial" });
		input.aggregation.findings = [];
		input.narratives = [];
		const report = buildReport(input);
		expect(report.completeness).toBe("partial");
		expect(report.executiveSummary.text).toMatch(
			/^This report is partial: the job ended before every agent finished\./,
		);
		expect(report.executiveSummary.text).toContain("No finding is backed by a verified citation.");
		expect(report.executiveSummary.text).not.toContain("synthesizer");
		expect(report.executiveSummary.keyFindings).toEqual([]);
	});

	it(`names at most ${KEY_FINDING_LIMIT} key findings and shortens a long synthesis`, () => {
		const input = makeReportInput();
		const [first] = input.aggregation.findings;
		if (first === undefined) throw new Error("fixture has findings");
		input.aggregation.findings = Array.from({ length: 9 }, (_, index) => ({ ...first, id: `k${index}` }));
		input.narratives = [{ taskId: "synthesizer", role: "synthesizer", narrative: "Word ".repeat(2000) }];
		const report = buildReport(input);
		expect(report.executiveSummary.keyFindings).toEqual(["k0", "k1", "k2", "k3", "k4"]);
		const synthesis = report.executiveSummary.text.split("\n\n").at(-1) ?? "";
		expect(synthesis.endsWith("…")).toBe(true);
		expect(synthesis.length).toBeLessThan(1400);
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

describe("safeHttpUrl and formatDuration", () => {
	it("accepts only http(s) URLs", () => {
		expect(safeHttpUrl("https://a.example/x y")).toBe("https://a.example/x%20y");
		expect(safeHttpUrl("javascript:alert(1)")).toBeNull();
		expect(safeHttpUrl("data:text/html,x")).toBeNull();
		expect(safeHttpUrl("/relative")).toBeNull();
		expect(safeHttpUrl(null)).toBeNull();
	});

	it("formats durations by magnitude", () => {
		expect(formatDuration(null)).toBe("n/a");
		expect(formatDuration(850)).toBe("850 ms");
		expect(formatDuration(12_340)).toBe("12.3 s");
		expect(formatDuration(83_000)).toBe("1 min 23 s");
		expect(formatDuration(3_725_000)).toBe("1 h 2 min");
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

	it("numbers the findings, shows confidence, agents, citation refs and quotes as blockquotes", () => {
		expect(markdown).toContain("### 1. COP stays above 2 at -15 °C");
		expect(markdown).toContain("-15 °C. \\[C1\\] \\[C2\\]");
		expect(markdown).toContain(
			"**Confidence** 0.85 · **Weight** 1.70 · **Agents** explorer (explorer), depth\\_analyst (depth-analyst) · **Verified**",
		);
		expect(markdown).toContain(
			"> average COP of 2.1 at -15 °C\n>\n> — \\[C1\\] ✓ verified: S1 [Cold-climate heat pump field study](<https://energy.example.org/ccashp-field-study>), quote found verbatim, match 1.00",
		);
		expect(markdown).toContain("### 4. Heat pumps stop working below -5 °C");
		expect(markdown).toContain("**⚠ Unverified:** no citation was found in a retrieved source");
	});

	it("shows cross-agent insights with both sides of a divergent view", () => {
		expect(markdown).toContain("### Consensus\n\n- Finding 1: COP stays above 2 at -15 °C — 2 agents:");
		expect(markdown).toContain(
			"1. **cop 15** — different numbers\n   - **Side A** (finding 1, COP stays above 2 at -15 °C):",
		);
		expect(markdown).toContain(
			"   - **Side B** (finding 2, COP drops to 1.4 at -15 °C): Standard models fell to a COP of 1.4 at -15 °C. \\[C3\\]",
		);
		expect(markdown).toContain(
			"### Novel Discoveries\n\n- Finding 3: Defrost cycles cost about 10% of output — found only by verifier (verifier)",
		);
	});

	it("has the verification, performance and appendix tables", () => {
		expect(markdown).toContain("| Grounding score | 60% |");
		expect(markdown).toContain("| Provider latency p50 / p95 / p99 | 820 ms / 2.4 s / 3.1 s |");
		expect(markdown).toContain("| Cost | \\$0.1234 |");
		expect(markdown).toContain("| trend-analyst | trend\\_analyst | failed | 3 |");
		expect(markdown).toContain("| trend-analyst | trend\\_analyst | provider timed out after 3 attempts |");
		expect(markdown).toContain(
			"| Utility program report | `https://blocked.example.com/report` | HTTP 403 Forbidden |",
		);
		expect(markdown).toContain("- **S3** Installer survey notes (attached text) · SHA-256 s3");
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

	it("flags unverified findings only with medium, and shows removed claims in the appendix only with high", () => {
		const low = renderMarkdown(buildReport(makeReportInput({ antiHallucination: "low" })));
		const high = renderMarkdown(buildReport(makeReportInput({ antiHallucination: "high" })));
		expect(low).toContain("### 4. Heat pumps stop working below -5 °C");
		expect(low).not.toContain("Unverified:");
		expect(low).not.toContain("Claims Removed From the Findings");
		expect(high).not.toContain("### 4.");
		expect(high).toContain(
			"### Claims Removed From the Findings\n\n- **Heat pumps stop working below -5 °C:**",
		);
	});

	it("never links a fabricated, unreachable or unverified-only URL", () => {
		for (const mode of ["high", "medium", "low"] as const) {
			const md = renderMarkdown(buildReport(makeReportInput({ antiHallucination: mode })));
			const { links, stray } = markdownStructure(md);
			expect(stray).toEqual([]);
			expect(new Set(links)).toEqual(new Set(LINKED_URLS));
			expect(md).toContain(FABRICATED_URL);
			for (const url of [
				FABRICATED_URL,
				"https://blocked.example.com/report",
				"https://brochure.example.com/model-x",
			]) {
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
		// s1's javascript: URL is not linked; s2 keeps its real URL; s6 is linked with its pipe encoded.
		expect(new Set(links)).toEqual(new Set([LINKED_URLS[1], ODD_HREF.replace("|", "%7C")]));
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
				for (const citation of finding.citations) citation.quote = quote;
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
		expect(page.match(/<article class="finding" data-search>/g)).toHaveLength(5);
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
		expect(page).toContain("<blockquote>average COP of 2.1 at -15 °C</blockquote>");
		expect(page).toContain('<span class="flag-unverified">');
		expect(page).toContain("<td>Grounding score</td><td>60%</td>");
		expect(page).toContain("<td>Provider latency p50 / p95 / p99</td><td>820 ms / 2.4 s / 3.1 s</td>");
		expect(page).toContain("<td>pat_7</td><td>Heat pump efficiency in Nordic homes</td>");
		expect(page).toContain("<td>Utility program report</td><td>https://blocked.example.com/report</td>");
		expect(page).toContain(`<li><code>${FABRICATED_URL}</code></li>`);
		expect(page).toContain("<strong>Side B</strong> (finding 2, COP drops to 1.4 at -15 °C)");
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
		expect(new Set(hrefs)).toEqual(new Set([LINKED_URLS[1], ODD_HREF]));
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

/**
 * Renders a report as GitHub-flavoured Markdown.
 *
 * All report text (task, claims, quotes, titles, narratives, errors) may come from fetched pages or
 * model output, so it goes through `markdownText`: whitespace is collapsed to one line, the characters
 * that could open structure (`\ ` * _ [ ] < > # | ~ & $`, and a leading list, setext or thematic-break
 * marker) are backslash-escaped, and anything GFM would autolink (scheme://…, www.…, e-mail
 * addresses) becomes a code span. The only links are the report's sources with an http(s) URL and,
 * in a goal-mode report, links from the sub-goal sections to the findings' headings.
 */

import { safeHttpUrl } from "../lib/http-url";
import type { AntiHallucination } from "../protocol";
import type {
	CheckedSentence,
	CriterionStatus,
	GoalSection,
	Report,
	ReportCitation,
	ReportFinding,
	ReportSource,
	UnsupportedClaim,
} from "./report-schema";
import { type GoalSectionId, type ReportSectionId, reportSections } from "./report-sections";
import * as tables from "./report-tables";
import {
	CHECK_DESCRIPTIONS,
	CITATIONS_NOT_REQUIRED,
	CONFLICT_DESCRIPTIONS,
	describeAgents,
	UNCITED_DESCRIPTION,
	uncitedSentenceLabel,
	VERDICT_DESCRIPTIONS,
} from "./report-text";

/** Text GFM would turn into a link on its own: URLs with a scheme, www. hosts, e-mail addresses. */
const AUTOLINKABLE =
	/(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>]*[^\s<>.,;:!?'")\]]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gi;
const INLINE_SIGNIFICANT = /[\\`*_[\]<>#|~&$]/g;

/** How a criterion's verdict opens its line. */
const CRITERION_MARKS: Record<CriterionStatus, string> = {
	met: "✓ **Met**",
	partly: "◐ **Partly met**",
	not_met: "✗ **Not met**",
};

/** Longest sub-goal description a node of the goal plan diagram shows. */
const PLAN_LABEL_CHARS = 60;

/** Lookups the sections share: findings, finding numbers and heading anchors by id, listed sources by id. */
type Lookups = {
	findings: Map<string, ReportFinding>;
	findingNumbers: Map<string, number>;
	findingAnchors: Map<string, string>;
	sources: Map<string, ReportSource>;
};

/**
 * Renders the whole report as one GFM document, sections in `reportSections` order.
 * @example renderMarkdown(buildReport(input)).startsWith("# ") // true
 */
export function renderMarkdown(report: Report): string {
	const lookups: Lookups = {
		findings: new Map(report.findings.map((finding) => [finding.id, finding])),
		findingNumbers: new Map(report.findings.map((finding, index) => [finding.id, index + 1])),
		findingAnchors: findingAnchors(report),
		sources: new Map(report.sources.map((source) => [source.id, source])),
	};
	const bodies: Record<ReportSectionId, string[]> = {
		"executive-summary": executiveSummary(report),
		...goalSections(report.goal, lookups),
		methodology: methodology(report),
		"detailed-findings": detailedFindings(report, lookups),
		"cross-agent-insights": crossAgentInsights(report, lookups),
		"verification-report": verificationReport(report),
		"learning-patterns": learningPatterns(report),
		"performance-metrics": performanceMetrics(report),
		appendix: appendix(report, lookups),
	};
	const blocks = [
		`# ${markdownText(report.task)}`,
		headerBlock(report),
		...reportSections(report).flatMap((entry) => [`## ${entry.title}`, ...bodies[entry.id]]),
	];
	return `${blocks.join("\n\n")}\n`;
}

/**
 * Report text made safe for one line of Markdown (paragraph, list item, heading or table cell).
 * @example markdownText("# <b>[x]</b> www.a.example") // "\\# \\<b\\>\\[x\\]\\</b\\> `www.a.example`"
 */
export function markdownText(text: string): string {
	const flat = text.replace(/\s+/g, " ").trim();
	let out = "";
	let last = 0;
	for (const match of flat.matchAll(AUTOLINKABLE)) {
		out += escapeInline(flat.slice(last, match.index)) + codeSpan(match[0]);
		last = match.index + match[0].length;
	}
	out += escapeInline(flat.slice(last));
	// At the start of a line these still open a list item, a setext underline or a thematic break.
	return out.replace(/^(\d+)([.)])(?=\s|$)/, "$1\\$2").replace(/^[-+=](?=[\s\-+=]|$)/, "\\$&");
}

function escapeInline(text: string): string {
	return text.replace(INLINE_SIGNIFICANT, "\\$&");
}

/** A URL-like fragment as a code span; `|`, backticks and whitespace are percent-encoded so it holds. */
function codeSpan(fragment: string): string {
	return `\`${fragment.replaceAll("|", "%7C").replaceAll("`", "%60").replace(/\s+/g, "%20")}\``;
}

function headerBlock(report: Report): string {
	const meta =
		`Job ${markdownText(report.jobId)} · generated ${new Date(report.generatedAt).toISOString()} · ` +
		`report schema v${report.schemaVersion} · ${report.completeness}`;
	const notices = [
		report.completeness === "partial"
			? "> **Partial report:** the job ended before every agent finished; see the Appendix."
			: "",
		report.config.citations ? "" : `> **Citations not required:** ${markdownText(CITATIONS_NOT_REQUIRED)}`,
	];
	return [meta, ...notices.filter((notice) => notice !== "")].join("\n\n");
}

/** The summary's paragraphs (its text already names the key findings), then the goal's summary. */
function executiveSummary(report: Report): string[] {
	const paragraphs = markdownParagraphs(report.executiveSummary.text);
	if (report.goal === null) return paragraphs;
	return [...paragraphs, "### Across Sub-goals", ...markdownParagraphs(report.goal.executiveSummary)];
}

function markdownParagraphs(text: string): string[] {
	return text
		.split(/\n\s*\n/)
		.map(markdownText)
		.filter((paragraph) => paragraph !== "");
}

/**
 * The anchor GitHub gives each finding's heading ("### 3. Title" → "3-title"). The title is the only
 * heading before the findings that can have the same anchor as one of them (every other one starts
 * with a word, a finding's with its number), so it is the one heading counted before them.
 */
function findingAnchors(report: Report): Map<string, string> {
	const anchors = headingAnchors([
		markdownText(report.task),
		...report.findings.map((finding, index) => `${index + 1}. ${markdownText(finding.title)}`),
	]);
	return new Map(report.findings.map((finding, index) => [finding.id, anchors[index + 1] ?? ""]));
}

/**
 * GitHub's heading anchors for headings in document order: lower case; everything but letters,
 * marks, numbers, "_", "-" and spaces dropped (so Markdown escapes and code-span backticks vanish as
 * they do from the rendered text); spaces to hyphens; a repeat gets "-1", "-2", … like GitHub's.
 * @example headingAnchors(["A b", "A b", "# x!"]) // ["a-b", "a-b-1", "-x"]
 */
export function headingAnchors(headings: string[]): string[] {
	const repeats = new Map<string, number>();
	const taken = new Set<string>();
	return headings.map((heading) => {
		const base = heading
			.toLowerCase()
			.replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, "")
			.replaceAll(" ", "-");
		let anchor = base;
		while (taken.has(anchor)) {
			const count = (repeats.get(base) ?? 0) + 1;
			repeats.set(base, count);
			anchor = `${base}-${count}`;
		}
		taken.add(anchor);
		return anchor;
	});
}

/** The goal-mode sections; empty in a direct-mode report, which does not show them. */
function goalSections(goal: GoalSection | null, lookups: Lookups): Record<GoalSectionId, string[]> {
	if (goal === null) return { "goal-plan": [], "sub-goals": [], "cross-subgoal-insights": [] };
	return {
		"goal-plan": goalPlan(goal),
		"sub-goals": goal.subgoals.flatMap((subgoal) => subgoalBlocks(subgoal, lookups)),
		"cross-subgoal-insights": crossSubgoalInsights(goal, lookups),
	};
}

/** The sub-goal DAG as a Mermaid flowchart (node `gN` is sub-goal N), the levels and the planner's reasons. */
function goalPlan(goal: GoalSection): string[] {
	const nodeIds = new Map(goal.subgoals.map((subgoal, index) => [subgoal.id, `g${index + 1}`]));
	const lines = ["```mermaid", "flowchart TD"];
	goal.subgoals.forEach((subgoal, index) => {
		const label = [
			subgoal.id.replace(/[^A-Za-z0-9_.-]/g, "_"),
			mermaidLabelText(subgoal.description),
			subgoal.complexity,
			`${subgoal.criteriaMet}/${subgoal.criteria.length} criteria met`,
		].filter((part) => part !== "");
		lines.push(`  g${index + 1}["${label.join(" · ")}"]`);
	});
	goal.subgoals.forEach((subgoal, index) => {
		for (const dependency of subgoal.dependsOn) {
			const from = nodeIds.get(dependency);
			if (from !== undefined) lines.push(`  ${from} --> g${index + 1}`);
		}
	});
	lines.push("  classDef met fill:#dafbe1,stroke:#1a7f37", "  classDef unmet fill:#fde2e2,stroke:#b42318");
	goal.subgoals.forEach((subgoal, index) => {
		lines.push(`  class g${index + 1} ${subgoal.criteriaMet === subgoal.criteria.length ? "met" : "unmet"}`);
	});
	lines.push("```");
	const levels = goal.plan.levels.map(
		(level, index) =>
			`- **Level ${index + 1}**${level.length > 1 ? " (at once)" : ""}: ${markdownText(level.join(", "))}`,
	);
	const explanation = goal.plan.explanation.map((line, index) => `${index + 1}. ${markdownText(line)}`);
	return [
		`Goal: ${markdownText(goal.goal)}`,
		lines.join("\n"),
		levels.length > 0 ? levels.join("\n") : "The plan has no levels.",
		"### Planner's Explanation",
		explanation.length > 0 ? explanation.join("\n") : "The planner gave no explanation.",
	];
}

/**
 * Free text reduced to what a quoted Mermaid label shows as-is: letters, numbers, spaces and
 * `, . : ' ( ) -`, at most `PLAN_LABEL_CHARS` characters.
 */
function mermaidLabelText(text: string): string {
	const plain = text
		.replace(/[^\p{L}\p{N} ,.:'()-]/gu, " ")
		.replace(/\s+/g, " ")
		.trim();
	const chars = Array.from(plain);
	return chars.length <= PLAN_LABEL_CHARS ? plain : `${chars.slice(0, PLAN_LABEL_CHARS).join("").trimEnd()}…`;
}

function subgoalBlocks(subgoal: GoalSection["subgoals"][number], lookups: Lookups): string[] {
	const facts = [
		`**Complexity** ${subgoal.complexity}`,
		`**Depends on** ${subgoal.dependsOn.length > 0 ? markdownText(subgoal.dependsOn.join(", ")) : "nothing"}`,
		`**Agents** ${subgoal.taskIds.length > 0 ? markdownText(subgoal.taskIds.join(", ")) : "none"}`,
		`**Criteria met** ${subgoal.criteriaMet} of ${subgoal.criteria.length}`,
	];
	const criteria = subgoal.criteria.map((verdict) => {
		// A finding outside the body (e.g. a partial one under high anti-hallucination) has no heading to link.
		const refs = verdict.evidence.map((id) =>
			lookups.findingAnchors.has(id) ? findingLink(id, lookups) : markdownText(id),
		);
		const findings = refs.length > 0 ? `; findings ${refs.join(", ")}` : "";
		return `- ${CRITERION_MARKS[verdict.status]} (judged by ${verdict.judgedBy}): ${markdownText(verdict.criterion)} — ${markdownText(verdict.why)}${findings}`;
	});
	const findings = subgoal.findingIds.flatMap((id) => {
		const finding = lookups.findings.get(id);
		if (finding === undefined) return [];
		const flag = finding.flag === "verified" ? "" : " (unverified)";
		return [`- ${findingLink(id, lookups)} ${markdownText(finding.title)}${flag}`];
	});
	return [
		`### Sub-goal ${markdownText(subgoal.id)}: ${markdownText(subgoal.description)}`,
		facts.join(" · "),
		"**Success criteria**",
		criteria.length > 0 ? criteria.join("\n") : "No success criteria were set.",
		"**Findings**",
		findings.length > 0 ? findings.join("\n") : "No finding in the report came from this sub-goal.",
	];
}

/** "[F3](#2-title)": a finding's id linked to its heading in Detailed Findings. */
function findingLink(id: string, lookups: Lookups): string {
	return `[${markdownText(id)}](#${lookups.findingAnchors.get(id) ?? ""})`;
}

function crossSubgoalInsights(goal: GoalSection, lookups: Lookups): string[] {
	const { sharedFindings, conflicts } = goal.crossSubgoalInsights;
	const shared = sharedFindings.flatMap((entry) => {
		const finding = lookups.findings.get(entry.findingId);
		if (finding === undefined) return [];
		return [
			`- ${findingLink(entry.findingId, lookups)} ${markdownText(finding.title)} — made in ${markdownText(entry.subgoalIds.join(", "))}`,
		];
	});
	const side = (name: string, entry: (typeof conflicts)[number]["sideA"]): string => {
		const finding = lookups.findings.get(entry.findingId);
		const claim =
			finding === undefined ? "" : `: ${markdownText(finding.claim)}${citationRefs(finding.citations)}`;
		return `   - **${name}** (${findingLink(entry.findingId, lookups)}, ${markdownText(entry.subgoalIds.join(", "))})${claim}`;
	};
	const conflictBlocks = conflicts.map((conflict, index) =>
		[
			`${index + 1}. **${markdownText(conflict.topic.join(" "))}** — ${CONFLICT_DESCRIPTIONS[conflict.reason]}`,
			side("Side A", conflict.sideA),
			side("Side B", conflict.sideB),
		].join("\n"),
	);
	return [
		"### Shared Findings",
		shared.length > 0 ? shared.join("\n") : "No verified finding was made in more than one sub-goal.",
		"### Conflicts Between Sub-goals",
		conflictBlocks.length > 0
			? conflictBlocks.join("\n")
			: "No verified findings of different sub-goals contradict each other.",
	];
}

function methodology(report: Report): string[] {
	const facts = tables
		.methodologyFacts(report)
		.map(({ label, text }) => `- **${label}:** ${markdownText(text)}`);
	return [facts.join("\n"), "### Swarm Plan", mermaidPlan(report)];
}

/** The task DAG as a Mermaid flowchart: node `tN` is plan entry N, labelled with id, role and status. */
function mermaidPlan(report: Report): string {
	const plan = report.methodology.plan;
	const nodeIds = new Map(plan.map((task, index) => [task.id, `t${index + 1}`]));
	const lines = ["```mermaid", "flowchart TD"];
	plan.forEach((task, index) => {
		const attempts = task.attempts > 1 ? ` · ${task.attempts} attempts` : "";
		const id = task.id.replace(/[^A-Za-z0-9_.-]/g, "_");
		lines.push(`  t${index + 1}["${id} · ${task.role} · ${task.status}${attempts}"]`);
	});
	plan.forEach((task, index) => {
		for (const dependency of task.dependsOn) {
			const from = nodeIds.get(dependency);
			if (from !== undefined) lines.push(`  ${from} --> t${index + 1}`);
		}
	});
	lines.push(
		"  classDef failed fill:#fde2e2,stroke:#b42318",
		"  classDef skipped fill:#eeeeee,stroke:#777777",
	);
	plan.forEach((task, index) => {
		if (task.status === "failed" || task.status === "skipped")
			lines.push(`  class t${index + 1} ${task.status}`);
	});
	lines.push("```");
	return lines.join("\n");
}

function detailedFindings(report: Report, lookups: Lookups): string[] {
	if (report.findings.length === 0) return ["No findings to report."];
	return report.findings.flatMap((finding, index) =>
		findingBlocks(finding, index + 1, report.config.antiHallucination, lookups),
	);
}

function findingBlocks(
	finding: ReportFinding,
	number: number,
	mode: AntiHallucination,
	lookups: Lookups,
): string[] {
	const facts = [
		`**Confidence** ${finding.confidence.toFixed(2)}`,
		`**Weight** ${finding.weight.toFixed(2)}`,
		`**Agents** ${markdownText(describeAgents(finding.supportingAgents))}`,
	];
	facts.push(supportLine(finding, mode));
	if (finding.subQuestion !== null) facts.push(`**Answers** ${markdownText(finding.subQuestion)}`);
	const quotes = finding.citations.map((citation) => {
		const lines = [
			`> ${markdownText(citation.quote) || "(empty quote)"}`,
			">",
			`> — ${citationStatus(citation, lookups)}`,
		];
		if (citation.nearestPassage !== null) {
			lines.push(">", `> The source says: ${markdownText(citation.nearestPassage)}`);
		}
		return lines.join("\n");
	});
	return [
		`### ${number}. ${markdownText(finding.title)}`,
		`${markdownText(finding.claim)}${sourceRefs(finding.sources)}`,
		facts.join(" · "),
		...quotes,
	];
}

/** "**✓ Verified**", "**○ Uncited**", or the verdict and its reason; with low anti-hallucination only counted. */
function supportLine(finding: ReportFinding, mode: AntiHallucination): string {
	if (finding.flag === "verified") return "**✓ Verified**";
	if (finding.flag === "uncited") return `**○ Uncited:** ${UNCITED_DESCRIPTION}`;
	const label =
		finding.flag === "partial" ? "⚠ Partly supported" : `✗ ${VERDICT_DESCRIPTIONS[finding.support.verdict]}`;
	return mode === "low" ? `*${label}*` : `**${label}:** ${markdownText(finding.support.reason)}`;
}

/** "✓ verbatim: S1 Title" or "✗ quote differs from the source's text: S2 Title" */
function citationStatus(citation: ReportCitation, lookups: Lookups): string {
	const mark = citation.verified ? "✓ verbatim" : `✗ ${CHECK_DESCRIPTIONS[citation.check]}`;
	return `${mark}: ${citedSource(citation, lookups)}`;
}

/** The cited source: "S1 [Title](<url>)" when listed, else its label and the URL the agent gave, as text. */
function citedSource(citation: ReportCitation, lookups: Lookups): string {
	const source = lookups.sources.get(citation.sourceId);
	if (source !== undefined) return `${markdownText(source.id)} ${sourceName(source)}`;
	const citedAs = citation.url === null ? "" : ` cited as ${codeSpan(citation.url)}`;
	return `source ${markdownText(citation.sourceId)}${citedAs}`;
}

/** A source's title, linked only when its URL is http(s). */
function sourceName(source: ReportSource): string {
	const href = safeHttpUrl(source.url);
	const title = markdownText(source.title) || "untitled";
	return href === null ? title : `[${title}](<${href.replaceAll("|", "%7C")}>)`;
}

function crossAgentInsights(report: Report, lookups: Lookups): string[] {
	const { consensus, divergentViews, novelDiscoveries } = report.crossAgentInsights;
	const findingLine = (id: string, detail: (finding: ReportFinding) => string): string[] => {
		const finding = lookups.findings.get(id);
		if (finding === undefined) return [];
		return [
			`- Finding ${lookups.findingNumbers.get(id)}: ${markdownText(finding.title)} — ${markdownText(detail(finding))}`,
		];
	};
	const consensusLines = consensus.flatMap((id) =>
		findingLine(id, (f) => `${f.independentSources} independent sources: ${f.sources.join(", ")}`),
	);
	const novelLines = novelDiscoveries.flatMap((id) =>
		findingLine(id, (f) => `found only by ${describeAgents(f.supportingAgents)}`),
	);
	const divergentBlocks = divergentViews.map((view, index) => {
		const reason = CONFLICT_DESCRIPTIONS[view.reason];
		const side = (name: string, entry: typeof view.sideA): string =>
			`   - **${name}** (finding ${lookups.findingNumbers.get(entry.findingId)}, ${markdownText(entry.title)}): ` +
			`${markdownText(entry.claim)}${citationRefs(entry.citations)}`;
		return [
			`${index + 1}. **${markdownText(view.topic.join(" "))}** — ${reason}: ${markdownText(view.detail)}`,
			side("Side A", view.sideA),
			side("Side B", view.sideB),
		].join("\n");
	});
	return [
		"### Consensus",
		consensusLines.length > 0
			? consensusLines.join("\n")
			: "No supported finding rests on two or more independent sources.",
		"### Divergent Views",
		divergentBlocks.length > 0
			? divergentBlocks.join("\n")
			: "No contradictions were detected between findings.",
		"### Novel Discoveries",
		novelLines.length > 0
			? novelLines.join("\n")
			: "No verified finding came from a single agent citing sources no other agent cited.",
	];
}

function verificationReport(report: Report): string[] {
	return [
		markdownText(report.methodology.verificationRule),
		table(tables.verificationTable(report)),
		"### Unsupported Claims",
		unsupportedList(
			report.verification.unsupportedClaims,
			"Every finding is supported by its verbatim quotes.",
		),
		"### Quality Score",
		table(tables.qualityTable(report)),
		"### Confidence",
		table(tables.confidenceTable(report)),
	];
}

function unsupportedList(claims: UnsupportedClaim[], whenEmpty: string): string {
	if (claims.length === 0) return whenEmpty;
	return claims
		.map(
			(claim) =>
				`- **${markdownText(claim.title)}:** ${markdownText(claim.claim)} — by ` +
				`${markdownText(describeAgents(claim.agents))}; ${markdownText(claim.why)}`,
		)
		.join("\n");
}

function learningPatterns(report: Report): string[] {
	const patterns = tables.learningTable(report);
	const note = markdownText(report.learningPatterns.note);
	const { improvements } = report.learningPatterns.thisJob;
	return [
		"### This Job",
		tables
			.lessonFacts(report)
			.map(({ label, text }) => `- **${label}:** ${markdownText(text)}`)
			.join("\n"),
		improvements.length === 0
			? "No improvements are called for."
			: ["**Improvements**", ...improvements.map((line) => `- ${markdownText(line)}`)].join("\n"),
		"### Patterns Applied",
		patterns === null ? "No learned patterns were used for this job." : table(patterns),
		...(note === "" ? [] : [note]),
	];
}

function performanceMetrics(report: Report): string[] {
	const providers = tables.providerTable(report);
	return [
		table(tables.metricsTable(report)),
		"### By Provider",
		providers === null ? "No provider was called." : table(providers),
		"### By Agent",
		...captionedTable(tables.agentRunTable(report)),
	];
}

function appendix(report: Report, lookups: Lookups): string[] {
	const citationRows = report.findings.flatMap((finding, index) =>
		finding.citations.map((citation) => [
			String(index + 1),
			citedSource(citation, lookups),
			citation.verified ? "✓ verbatim" : "✗ not verified",
			CHECK_DESCRIPTIONS[citation.check],
			citation.spans.map((span) => `${span.start}–${span.end}`).join(", ") || "none",
		]),
	);
	const failures = tables.failuresTable(report);
	const unreachable = tables.unreachableTable(report);
	const { fabricatedUrls, unsupportedClaims } = report.appendix;
	const blocks = [
		"### Sources",
		report.sources.length > 0 ? report.sources.map(sourceLine).join("\n") : "The job retrieved no source.",
		"### Citations",
		citationRows.length > 0
			? markdownTable(["Finding", "Source", "Status", "Check", "Snapshot offsets"], citationRows)
			: "No citations.",
		"### Agent Breakdown",
		...agentBreakdown(report, lookups),
		"### Failures",
		failures === null ? "No agent failed." : table(failures),
		"### Unreachable Sources",
		unreachable === null ? "Every source was retrieved." : table(unreachable),
		"### Fabricated URLs",
		fabricatedUrls.length > 0
			? fabricatedUrls.map((url) => `- ${codeSpan(url)}`).join("\n")
			: "No citation named a URL the job did not retrieve.",
		"### Raw Agent Outputs",
		markdownText(tables.rawOutputsNote(report)),
	];
	if (report.config.antiHallucination !== "high") return blocks;
	return [
		...blocks,
		"### Claims Removed From the Findings",
		unsupportedList(unsupportedClaims, "No claim was removed."),
	];
}

/** "- **S1** [Title](<https://…>) · retrieved 2026-11-02T09:00:01.000Z · SHA-256 …" */
function sourceLine(source: ReportSource): string {
	const origin = source.url === null ? " (attached text)" : "";
	const retrieved = ` · retrieved ${new Date(source.retrievedAt).toISOString()}`;
	const hash = source.sha256 === null ? "" : ` · SHA-256 ${markdownText(source.sha256)}`;
	const cited = source.cited ? "" : " · not cited in the findings";
	return `- **${markdownText(source.id)}** ${sourceName(source)}${origin}${retrieved}${hash}${cited}`;
}

function agentBreakdown(report: Report, lookups: Lookups): string[] {
	const digests = tables.agentRunDigests(report);
	if (digests.length === 0) return ["No agents ran."];
	return digests.flatMap(({ run, facts, sentences }) => {
		const narrative = sentences.map((sentence) =>
			sentence.verdict === "supported"
				? `${markdownText(sentence.text)}${sourceRefs(sentence.sources)}`
				: `${markdownText(sentence.text)} *(${markdownText(sentenceLabel(sentence, lookups))})*`,
		);
		return [
			`#### ${markdownText(run.role)} (${markdownText(run.taskId)})`,
			facts,
			narrative.length > 0 ? narrative.join(" ") : "No checked narrative.",
		];
	});
}

/**
 * Why an unsupported sentence stands as it does: "uncited: it only restates finding 4, not checked
 * against any source" for one that restates uncited findings, else its verdict and reason.
 */
function sentenceLabel(sentence: CheckedSentence, lookups: Lookups): string {
	if (sentence.uncitedFindingIds.length === 0)
		return `${VERDICT_DESCRIPTIONS[sentence.verdict]}: ${sentence.reason}`;
	return uncitedSentenceLabel(
		sentence.uncitedFindingIds.map((id) => String(lookups.findingNumbers.get(id) ?? id)),
	);
}

/** " \\[S1, S3\\]": source labels in literal brackets, which can never form a link; "" without labels. */
function sourceRefs(labels: readonly string[]): string {
	return labels.length === 0 ? "" : ` \\[${markdownText(labels.join(", "))}\\]`;
}

/** The labels of a side's verbatim citations. */
function citationRefs(citations: ReportCitation[]): string {
	return sourceRefs([...new Set(citations.filter((c) => c.verified).map((c) => c.sourceId))]);
}

/** A table that needs its caption to be read (it states a formula): the caption, then the table. */
function captionedTable(text: tables.TextTable): string[] {
	return [`${markdownText(text.caption)}:`, table(text)];
}

/** A plain-text table with every cell escaped. */
function table(text: tables.TextTable): string {
	return markdownTable(
		text.headers.map(markdownText),
		text.rows.map((row) => row.map(markdownText)),
	);
}

/** A GFM table from cells that are already Markdown (escaped with `markdownText`, so pipes are safe). */
function markdownTable(headers: string[], rows: string[][]): string {
	const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
	return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

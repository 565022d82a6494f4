/**
 * Renders a report as GitHub-flavoured Markdown.
 *
 * All report text (task, claims, quotes, titles, narratives, errors) may come from fetched pages or
 * model output, so it goes through `markdownText`: whitespace is collapsed to one line, every
 * character that could start structure is backslash-escaped (`\ ` * _ [ ] < > # | ~ & $`, plus a
 * leading list or setext marker), and anything GFM would autolink (scheme://…, www.…, e-mail
 * addresses) is shown as a code span. The only links are the report's sources with an http(s) URL.
 *
 * Citations are numbered C1…Cn in the order the findings show them; sources S1…Sn in report order.
 */
import type { AntiHallucination } from "../protocol";
import {
	CHECK_DESCRIPTIONS,
	formatCount,
	formatDuration,
	formatPercent,
	formatUsd,
	REPORT_SECTIONS,
	type Report,
	type ReportCitation,
	type ReportFinding,
	type ReportSectionId,
	type ReportSource,
	safeHttpUrl,
} from "./report-schema";

/** Text GFM would turn into a link on its own: URLs with a scheme, www. hosts, e-mail addresses. */
const AUTOLINKABLE =
	/(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>]*[^\s<>.,;:!?'")\]]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+/gi;
const INLINE_SIGNIFICANT = /[\\`*_[\]<>#|~&$]/g;

/** What the section renderers look up besides the report itself. */
type Numbering = {
	findingNumbers: Map<string, number>;
	sourceRefs: Map<string, string>;
};

/**
 * Renders the whole report as one GFM document, sections in `REPORT_SECTIONS` order.
 * @example renderMarkdown(buildReport(input)).startsWith("# ") // true
 */
export function renderMarkdown(report: Report): string {
	const numbering = numberReport(report);
	const bodies: Record<ReportSectionId, string[]> = {
		"executive-summary": executiveSummary(report, numbering),
		methodology: methodology(report),
		"detailed-findings": detailedFindings(report, numbering),
		"cross-agent-insights": crossAgentInsights(report, numbering),
		"verification-report": verificationReport(report),
		"learning-patterns": learningPatterns(report),
		"performance-metrics": performanceMetrics(report),
		appendix: appendix(report, numbering),
	};
	const blocks = [
		`# ${markdownText(report.task)}`,
		headerBlock(report),
		...REPORT_SECTIONS.flatMap((entry) => [`## ${entry.title}`, ...bodies[entry.id]]),
	];
	return `${blocks.join("\n\n")}\n`;
}

/**
 * Report text made safe for a single line of Markdown (paragraph, list item, heading or table cell).
 * @example markdownText("# <b>[x]</b> see https://a.example") // "\\# \\<b\\>\\[x\\]\\</b\\> see `https://a.example`"
 */
export function markdownText(text: string): string {
	const flat = text.replace(/\s+/g, " ").trim();
	let out = "";
	let last = 0;
	for (const match of flat.matchAll(AUTOLINKABLE)) {
		out += escapeInline(flat.slice(last, match.index)) + urlCodeSpan(match[0]);
		last = match.index + match[0].length;
	}
	out += escapeInline(flat.slice(last));
	// A line may still open a list, a setext underline or a thematic break with these.
	return out.replace(/^(\d+)([.)])/, "$1\\$2").replace(/^[-+=]/, "\\$&");
}

function escapeInline(text: string): string {
	return text.replace(INLINE_SIGNIFICANT, "\\$&");
}

/** A URL-like fragment as a code span; `|` and backticks are percent-encoded so tables and spans hold. */
function urlCodeSpan(fragment: string): string {
	return `\`${fragment.replaceAll("|", "%7C").replaceAll("`", "%60")}\``;
}

function numberReport(report: Report): Numbering {
	return {
		findingNumbers: new Map(report.findings.map((finding, index) => [finding.id, index + 1])),
		sourceRefs: new Map(report.sources.map((source) => [source.id, source.ref])),
	};
}

function headerBlock(report: Report): string {
	const lines = [
		`Job ${markdownText(report.jobId)} · generated ${new Date(report.generatedAt).toISOString()} · ` +
			`report schema v${report.schemaVersion} · ${report.completeness}`,
	];
	if (report.completeness === "partial") {
		lines.push("", "> **Partial report:** the job ended before every agent finished; see the Appendix.");
	}
	return lines.join("\n");
}

function executiveSummary(report: Report, numbering: Numbering): string[] {
	const paragraphs = report.executiveSummary.text.split(/\n\s*\n/).map(markdownText);
	const key = report.executiveSummary.keyFindings.flatMap((id) => {
		const number = numbering.findingNumbers.get(id);
		const finding = report.findings.find((candidate) => candidate.id === id);
		return number === undefined || finding === undefined
			? []
			: [`- Finding ${number}: ${markdownText(finding.title)}`];
	});
	return key.length > 0 ? [...paragraphs, `**Key findings**\n\n${key.join("\n")}`] : paragraphs;
}

function methodology(report: Report): string[] {
	const { config, methodology: method } = report;
	const facts = [
		`- **Swarm:** ${method.swarmSize} agents (${markdownText(method.roles.join(", "))})`,
		`- **Depth:** ${config.depth} (complexity ${config.complexity}, task type ${config.taskType}, focus ${config.focus})`,
		`- **Time budget:** ${config.timeMinutes} min; at most ${config.maxConcurrent} agents at once; second pass ${config.secondPass ? "on" : "off"}`,
		`- **Provider:** ${markdownText(config.provider)}${config.model === null ? "" : ` (model ${markdownText(config.model)})`}`,
		`- **Sources:** ${method.sources.retrieved} retrieved, ${method.sources.unreachable} unreachable`,
		`- **Verification:** ${markdownText(method.verificationRule)}`,
	];
	return [facts.join("\n"), "### Swarm Plan", mermaidPlan(report)];
}

/** The task DAG as a Mermaid flowchart: node `tN` is plan entry N, labelled with id, role and status. */
function mermaidPlan(report: Report): string {
	const plan = report.methodology.plan;
	const nodeIds = new Map(plan.map((task, index) => [task.id, `t${index + 1}`]));
	const lines = ["```mermaid", "flowchart TD"];
	plan.forEach((task, index) => {
		const attempts = task.attempts > 1 ? ` · ${task.attempts} attempts` : "";
		const label = `${task.id.replace(/[^A-Za-z0-9_.-]/g, "_")} · ${task.role} · ${task.status}${attempts}`;
		lines.push(`  t${index + 1}["${label}"]`);
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

function detailedFindings(report: Report, numbering: Numbering): string[] {
	if (report.findings.length === 0) return ["No findings to report."];
	return report.findings.flatMap((finding, index) =>
		findingBlocks(finding, index + 1, report.config.antiHallucination, numbering),
	);
}

function findingBlocks(
	finding: ReportFinding,
	number: number,
	mode: AntiHallucination,
	numbering: Numbering,
): string[] {
	const facts = [
		`**Confidence** ${finding.confidence.toFixed(2)}`,
		`**Weight** ${finding.weight.toFixed(2)}`,
		`**Agents** ${markdownText(agentList(finding.supportingAgents))}`,
	];
	// With low anti-hallucination unsupported findings are only counted, so no per-finding flag.
	if (mode !== "low") {
		facts.push(
			finding.flag === "verified"
				? "**Verified**"
				: "**⚠ Unverified:** no citation was found in a retrieved source",
		);
	}
	const quotes = finding.citations.map((citation) => {
		return `> ${markdownText(citation.quote) || "(empty quote)"}\n>\n> — \\[${markdownText(citation.ref)}\\] ${citationStatus(citation, numbering)}`;
	});
	return [
		`### ${number}. ${markdownText(finding.title)}`,
		`${markdownText(finding.claim)}${citationRefs(finding.citations)}`,
		facts.join(" · "),
		...quotes,
	];
}

/** "✓ S1, quote found verbatim, match 1.00" or "✗ source x cited as `https://…`, cites a URL …". */
function citationStatus(citation: ReportCitation, numbering: Numbering): string {
	const mark = citation.verified ? "✓" : "✗";
	return `${mark} ${citedSource(citation, numbering)}, ${CHECK_DESCRIPTIONS[citation.check]}, match ${citation.matchScore.toFixed(2)}`;
}

function citedSource(citation: ReportCitation, numbering: Numbering): string {
	const label = numbering.sourceRefs.get(citation.sourceId);
	if (label !== undefined) return label;
	const citedAs =
		citation.url === null ? "" : ` cited as ${urlCodeSpan(citation.url.replace(/\s+/g, "%20"))}`;
	return `source ${markdownText(citation.sourceId)}${citedAs}`;
}

function crossAgentInsights(report: Report, numbering: Numbering): string[] {
	const { consensus, divergentViews, novelDiscoveries } = report.crossAgentInsights;
	const byId = new Map(report.findings.map((finding) => [finding.id, finding]));
	const findingLine = (id: string, detail: (finding: ReportFinding) => string): string[] => {
		const finding = byId.get(id);
		if (finding === undefined) return [];
		return [
			`- Finding ${numbering.findingNumbers.get(id)}: ${markdownText(finding.title)} — ${detail(finding)}`,
		];
	};
	const consensusLines = consensus.flatMap((id) =>
		findingLine(
			id,
			(finding) =>
				`${finding.supportingAgents.length} agents: ${markdownText(agentList(finding.supportingAgents))}`,
		),
	);
	const novelLines = novelDiscoveries.flatMap((id) =>
		findingLine(id, (finding) => `found only by ${markdownText(agentList(finding.supportingAgents))}`),
	);
	const divergentBlocks = divergentViews.map((view, index) => {
		const reason = view.reason === "numeric" ? "different numbers" : "one claim denies the other";
		const side = (name: string, entry: typeof view.sideA): string => {
			const refs = citationRefs(entry.citations);
			const number = numbering.findingNumbers.get(entry.findingId);
			return `   - **${name}** (finding ${number}, ${markdownText(entry.title)}): ${markdownText(entry.claim)}${refs}`;
		};
		return [
			`${index + 1}. **${markdownText(view.topic.join(" "))}** — ${reason}`,
			side("Side A", view.sideA),
			side("Side B", view.sideB),
		].join("\n");
	});
	return [
		"### Consensus",
		consensusLines.length > 0 ? consensusLines.join("\n") : "No finding was made by two or more agents.",
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
	const v = report.verification;
	const counts = table(
		["Measure", "Value"],
		[
			["Citations", formatCount(v.citationsTotal)],
			["Verified citations", formatCount(v.citationsVerified)],
			["Exact matches", formatCount(v.exactMatches)],
			["Fuzzy matches", formatCount(v.fuzzyMatches)],
			["Quote not found", formatCount(v.quoteNotFound)],
			["Unknown source", formatCount(v.unknownSource)],
			["Fabricated URLs", formatCount(v.fabricatedUrls.length)],
			["Claims", formatCount(v.claimsTotal)],
			["Supported claims", formatCount(v.claimsSupported)],
			["Unsupported claims", formatCount(v.claimsUnsupported)],
			["Grounding score", formatPercent(v.groundingScore)],
		],
	);
	const q = report.quality;
	const quality = table(
		["Quality component", "Score"],
		[
			["Depth", q.depth.toFixed(2)],
			["Citations", q.citations.toFixed(2)],
			["Novelty", q.novelty.toFixed(2)],
			["Completeness", q.completeness.toFixed(2)],
			["Overall", q.overall.toFixed(2)],
		],
	);
	return [
		markdownText(report.methodology.verificationRule),
		counts,
		"### Unsupported Claims",
		v.unsupportedClaims.length > 0
			? v.unsupportedClaims
					.map(
						(claim) =>
							`- **${markdownText(claim.title)}:** ${markdownText(claim.claim)} — by ${markdownText(agentList(claim.agents))}; ${markdownText(claim.why)}`,
					)
					.join("\n")
			: "Every claim is backed by at least one verified citation.",
		"### Quality Score",
		quality,
	];
}

function learningPatterns(report: Report): string[] {
	const { patternsUsed, note } = report.learningPatterns;
	const blocks =
		patternsUsed.length === 0
			? ["No learned patterns were used for this job."]
			: [
					table(
						["Pattern", "Learned from", "Reward", "What it changed"],
						patternsUsed.map((pattern) => [
							markdownText(pattern.id),
							markdownText(pattern.task),
							pattern.reward.toFixed(2),
							markdownText(pattern.changed.join("; ")) || "nothing",
						]),
					),
				];
	return note.trim() === "" ? blocks : [...blocks, markdownText(note)];
}

function performanceMetrics(report: Report): string[] {
	const { metrics, agentRuns } = report.performance;
	const latency = metrics.providerLatencyMs;
	const overview = table(
		["Metric", "Value"],
		[
			["Total duration", formatDuration(metrics.durationMs)],
			["Queued", formatDuration(metrics.phases.queuedMs)],
			["Planning", formatDuration(metrics.phases.planningMs)],
			["Running agents", formatDuration(metrics.phases.runningMs)],
			["Synthesizing", formatDuration(metrics.phases.synthesizingMs)],
			["Input tokens", formatCount(metrics.usage.inputTokens)],
			["Output tokens", formatCount(metrics.usage.outputTokens)],
			[
				"Cache read / write tokens",
				`${formatCount(metrics.usage.cacheReadTokens)} / ${formatCount(metrics.usage.cacheWriteTokens)}`,
			],
			["Search calls", formatCount(metrics.usage.searchCalls)],
			["Cost", formatUsd(metrics.usage.costUsd)],
			["Provider calls", formatCount(latency.count)],
			[
				"Provider latency p50 / p95 / p99",
				[latency.p50, latency.p95, latency.p99].map(formatDuration).join(" / "),
			],
			["Errors", formatCount(metrics.errors)],
			["Retries", formatCount(metrics.retries)],
			["Re-dispatches", formatCount(metrics.redispatches)],
			[
				"Agents planned / completed / failed / skipped",
				[
					metrics.agents.planned,
					metrics.agents.completed,
					metrics.agents.failed,
					metrics.agents.skipped,
				].join(" / "),
			],
		],
	);
	const providers = Object.entries(metrics.usageByProvider).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
	const byProvider =
		providers.length === 0
			? "No provider was called."
			: table(
					["Provider", "Input tokens", "Output tokens", "Search calls", "Cost"],
					providers.map(([provider, usage]) => [
						markdownText(provider),
						formatCount(usage.inputTokens),
						formatCount(usage.outputTokens),
						formatCount(usage.searchCalls),
						formatUsd(usage.costUsd),
					]),
				);
	const byAgent = table(
		["Task", "Role", "Status", "Attempts", "Duration", "Tokens", "Cost", "Provider"],
		agentRuns.map((run) => [
			markdownText(run.taskId),
			markdownText(run.role),
			run.status,
			String(run.attempts),
			formatDuration(run.durationMs),
			formatCount(run.tokens),
			formatUsd(run.costUsd),
			markdownText([run.provider, run.model].filter((part) => part !== null).join(" ")) || "n/a",
		]),
	);
	return [overview, "### By Provider", byProvider, "### By Agent", byAgent];
}

function appendix(report: Report, numbering: Numbering): string[] {
	const { appendix: extra } = report;
	const citationRows = report.findings.flatMap((finding, index) =>
		finding.citations.map((citation) => citationRow(citation, index + 1, numbering)),
	);
	const blocks = [
		"### Sources",
		report.sources.length > 0
			? report.sources.map(sourceLine).join("\n")
			: "No retrieved source backs a verified citation.",
		"### Citations",
		citationRows.length > 0
			? table(["#", "Finding", "Source", "Status", "Check", "Match"], citationRows)
			: "No citations.",
		"### Agent Breakdown",
		...agentBreakdown(report),
		"### Failures",
		extra.failures.length > 0
			? table(
					["Task", "Role", "Error"],
					extra.failures.map((failure) => [
						markdownText(failure.taskId),
						markdownText(failure.role),
						markdownText(failure.error),
					]),
				)
			: "No agent failed.",
		"### Unreachable Sources",
		report.unreachableSources.length > 0
			? table(
					["Title", "URL", "Error"],
					report.unreachableSources.map((source) => [
						markdownText(source.title),
						source.url === null ? "none" : markdownText(source.url),
						markdownText(source.error ?? "unknown"),
					]),
				)
			: "Every source was retrieved.",
		"### Fabricated URLs",
		extra.fabricatedUrls.length > 0
			? extra.fabricatedUrls.map((url) => `- ${urlCodeSpan(url.replace(/\s+/g, "%20"))}`).join("\n")
			: "No citation named a URL the job did not retrieve.",
	];
	if (report.config.antiHallucination !== "high") return blocks;
	const removed =
		extra.unsupportedClaims.length > 0
			? extra.unsupportedClaims
					.map(
						(claim) =>
							`- **${markdownText(claim.title)}:** ${markdownText(claim.claim)} — by ${markdownText(agentList(claim.agents))}; ${markdownText(claim.why)}`,
					)
					.join("\n")
			: "No claim was removed.";
	return [...blocks, "### Claims Removed From the Findings", removed];
}

/** "- **S1** [Title](<https://…>) · SHA-256 …"; the title is a link only for an http(s) URL. */
function sourceLine(source: ReportSource): string {
	const href = safeHttpUrl(source.url);
	const title = markdownText(source.title);
	const named =
		href === null
			? `${title}${source.url === null ? " (attached text)" : ` (${markdownText(source.url)})`}`
			: `[${title}](<${href.replaceAll("|", "%7C")}>)`;
	const hash = source.sha256 === null ? "" : ` · SHA-256 ${markdownText(source.sha256)}`;
	return `- **${markdownText(source.ref)}** ${named}${hash}`;
}

function agentBreakdown(report: Report): string[] {
	const runs = report.performance.agentRuns;
	if (runs.length === 0) return ["No agents ran."];
	return runs.flatMap((run) => {
		const made = report.findings.filter((finding) =>
			finding.supportingAgents.some((agent) => agent.taskId === run.taskId),
		).length;
		const narratives = report.appendix.agentNarratives
			.filter((entry) => entry.taskId === run.taskId)
			.flatMap((entry) => entry.narrative.split(/\n\s*\n/))
			.map(markdownText)
			.filter((paragraph) => paragraph !== "");
		return [
			`#### ${markdownText(run.role)} (${markdownText(run.taskId)})`,
			`Status ${run.status} · ${run.attempts} attempt${run.attempts === 1 ? "" : "s"} · ${made} finding${made === 1 ? "" : "s"} in the report`,
			...(narratives.length > 0 ? narratives : ["No narrative."]),
		];
	});
}

/** " \\[C1\\] \\[C2\\]": citation refs in literal brackets, which can never form a link. */
function citationRefs(citations: ReportCitation[]): string {
	return citations.map((citation) => ` \\[${markdownText(citation.ref)}\\]`).join("");
}

function agentList(agents: { taskId: string; role: string }[]): string {
	return agents.map((agent) => `${agent.role} (${agent.taskId})`).join(", ");
}

function citationRow(citation: ReportCitation, findingNumber: number, numbering: Numbering): string[] {
	return [
		markdownText(citation.ref),
		String(findingNumber),
		citedSource(citation, numbering),
		citation.verified ? "✓ verified" : "✗ unverified",
		CHECK_DESCRIPTIONS[citation.check],
		citation.matchScore.toFixed(2),
	];
}

/** A GFM table; cells must already be escaped (`markdownText` escapes pipes). */
function table(headers: string[], rows: string[][]): string {
	const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
	return [line(headers), line(headers.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * Renders a report as one self-contained HTML5 page: no external resources, one inline stylesheet,
 * one inline script (the search box), every section a collapsible `<details open>`.
 *
 * Safety: the page is built with hono's `html` template, which escapes every interpolated value;
 * `raw` is used only for the constant stylesheet and script below. The only links are the report's
 * sources with an http(s) URL, with `rel="noopener noreferrer nofollow"`, and, in a goal-mode report,
 * in-page links from the sub-goal sections to the findings (`#finding-N`); there are no images.
 * The Content-Security-Policy allows nothing but the exact inline stylesheet and script (by SHA-256
 * hash). It does not depend on the report, so the API sends the same string as a response header
 * (`reportContentSecurityPolicy`) and the page repeats it in a `<meta http-equiv>` element.
 */
import { html, raw } from "hono/html";
import { safeHttpUrl } from "../lib/http-url";
import type { AntiHallucination } from "../protocol";
import type * as schema from "./report-schema";
import { type GoalSectionId, type ReportSectionId, reportSections } from "./report-sections";
import * as tables from "./report-tables";
import * as reportText from "./report-text";

type Html = ReturnType<typeof html>;

/** How a criterion's verdict opens its item. */
const CRITERION_MARKS: Record<schema.CriterionStatus, Html> = {
	met: html`<span class="ok">✓ met</span>`,
	partly: html`<strong>◐ partly met</strong>`,
	not_met: html`<span class="bad">✗ not met</span>`,
};

/** The page's only stylesheet; its hash is in the CSP, so any edit changes the policy with it. */
export const REPORT_STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa;
  --line: #d1d9e0; --ok: #1a7f37; --bad: #b42318; --warn: #9a6700; --link: #0550ae; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --line: #3d444d;
    --ok: #3fb950; --bad: #f85149; --warn: #d29922; --link: #4493f8; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 64rem; padding: 1.5rem; background: var(--bg); color: var(--fg);
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
h1 { font-size: 1.7rem; line-height: 1.25; overflow-wrap: anywhere; }
h2 { display: inline; font-size: 1.35rem; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 0.4rem; overflow-wrap: anywhere; }
h4 { font-size: 1rem; margin: 1rem 0 0.3rem; }
a { color: var(--link); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em;
  overflow-wrap: anywhere; }
details { border: 1px solid var(--line); border-radius: 8px; margin: 1rem 0; padding: 0.5rem 1rem; }
summary { cursor: pointer; padding: 0.3rem 0; }
table { border-collapse: collapse; margin: 0.6rem 0; width: 100%; font-size: 0.92rem; }
th, td { border: 1px solid var(--line); padding: 0.3rem 0.5rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: var(--panel); }
blockquote { border-left: 4px solid var(--line); color: var(--muted); margin: 0.4rem 0; padding: 0 0.8rem;
  overflow-wrap: anywhere; }
.meta, .cite, .facts { color: var(--muted); font-size: 0.9rem; }
.notice { border: 1px solid var(--warn); border-radius: 6px; padding: 0.5rem 0.8rem; }
.finding { border-top: 1px solid var(--line); }
.citations { list-style: none; padding-left: 0; }
.flag-verified, .ok { color: var(--ok); font-weight: 600; }
.flag-unverified, .bad { color: var(--bad); font-weight: 600; }
.flag-uncited { color: var(--warn); font-weight: 600; }
.narrative { white-space: pre-wrap; }
.search { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.search input { flex: 1 1 16rem; font: inherit; padding: 0.35rem 0.5rem; }
[hidden] { display: none !important; }
`;

/** The page's only script: filters findings and citations by the search box's text. */
export const REPORT_SCRIPT = `
(() => {
  const box = document.getElementById("report-search");
  const status = document.getElementById("report-search-status");
  const items = Array.from(document.querySelectorAll("[data-search]"));
  box.addEventListener("input", () => {
    const query = box.value.trim().toLowerCase();
    let shown = 0;
    for (const item of items) {
      const match = query === "" || item.textContent.toLowerCase().includes(query);
      item.hidden = !match;
      if (!match) continue;
      shown += 1;
      const section = item.closest("details");
      if (section && query !== "") section.open = true;
    }
    status.textContent = query === "" ? "" : shown + " of " + items.length + " findings and citations match";
  });
})();
`;

/**
 * CSP sources that allow exactly the report's inline stylesheet and script, for any page that shows a report.
 * @example await reportInlineSources() // { style: "'sha256-…'", script: "'sha256-…'" }
 */
export async function reportInlineSources(): Promise<{ style: string; script: string }> {
	const [styleHash, scriptHash] = await Promise.all([
		sha256Base64(REPORT_STYLE),
		sha256Base64(REPORT_SCRIPT),
	]);
	return { style: `'sha256-${styleHash}'`, script: `'sha256-${scriptHash}'` };
}

/**
 * The Content-Security-Policy for report pages: nothing but the inline stylesheet and script above.
 * @example await reportContentSecurityPolicy() // "default-src 'none'; style-src 'sha256-…'; …"
 */
export async function reportContentSecurityPolicy(): Promise<string> {
	const inline = await reportInlineSources();
	return [
		"default-src 'none'",
		`style-src ${inline.style}`,
		`script-src ${inline.script}`,
		"img-src 'none'",
		"base-uri 'none'",
		"form-action 'none'",
	].join("; ");
}

/** Renders the whole report as an HTML document, sections in `reportSections` order. */
export async function renderHtml(report: schema.Report): Promise<string> {
	const csp = await reportContentSecurityPolicy();
	const generated = new Date(report.generatedAt).toISOString();
	const bodies: Record<ReportSectionId, Html> = {
		"executive-summary": executiveSummary(report),
		...goalSections(report),
		methodology: methodology(report),
		"detailed-findings": detailedFindings(report),
		"cross-agent-insights": crossAgentInsights(report),
		"verification-report": verificationReport(report),
		"learning-patterns": learningPatterns(report),
		"performance-metrics": performanceMetrics(report),
		appendix: appendix(report),
	};
	const page = await html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<title>${report.task} — research report</title>
<style>${raw(REPORT_STYLE)}</style>
</head>
<body>
<header>
<h1>${report.task}</h1>
<p class="meta">Job <code>${report.jobId}</code> · generated <time datetime="${generated}">${generated}</time> · report schema v${report.schemaVersion} · ${report.completeness}</p>
${
	report.completeness === "partial"
		? html`<p class="notice" role="note"><strong>Partial report:</strong> the job ended before every agent finished; see the Appendix.</p>`
		: ""
}
${report.config.citations ? "" : html`<p class="notice" role="note"><strong>Citations not required:</strong> ${reportText.CITATIONS_NOT_REQUIRED}</p>`}
<div class="search" role="search">
<label for="report-search">Search findings and citations</label>
<input type="search" id="report-search" autocomplete="off" aria-describedby="report-search-status">
<p id="report-search-status" aria-live="polite"></p>
</div>
</header>
<main>
${reportSections(report).map(
	(entry) => html`<details open id="${entry.id}">
<summary><h2>${entry.title}</h2></summary>
${bodies[entry.id]}
</details>
`,
)}</main>
<script>${raw(REPORT_SCRIPT)}</script>
</body>
</html>
`;
	return page.toString();
}

async function sha256Base64(text: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
	return btoa(String.fromCharCode(...digest));
}

/** The summary's paragraphs (its text already names the key findings), then the goal's summary. */
function executiveSummary(report: schema.Report): Html {
	const summary = paragraphs(report.executiveSummary.text);
	if (report.goal === null) return summary;
	return html`${summary}
<h3>Across Sub-goals</h3>
${paragraphs(report.goal.executiveSummary)}`;
}

function paragraphs(text: string): Html {
	const blocks = text.split(/\n\s*\n/).filter((block) => block.trim() !== "");
	return html`${blocks.map((block) => html`<p>${block}</p>`)}`;
}

/** The goal-mode sections; empty in a direct-mode report, which does not show them. */
function goalSections(report: schema.Report): Record<GoalSectionId, Html> {
	const { goal } = report;
	if (goal === null) return { "goal-plan": html``, "sub-goals": html``, "cross-subgoal-insights": html`` };
	const findings = findingsById(report);
	return {
		"goal-plan": goalPlan(goal),
		"sub-goals": html`${goal.subgoals.map((subgoal) => subgoalSection(subgoal, findings))}`,
		"cross-subgoal-insights": crossSubgoalInsights(goal, findings),
	};
}

/** The sub-goal DAG as a table (level, dependencies, verdict count), then the planner's reasons. */
function goalPlan(goal: schema.GoalSection): Html {
	const levelOf = new Map(
		goal.plan.levels.flatMap((level, index) => level.map((id) => [id, String(index + 1)] as const)),
	);
	const plan: tables.TextTable = {
		caption: "Sub-goals in plan order, with the level they ran at and what each waited for",
		headers: ["Level", "Sub-goal", "Description", "Complexity", "Depends on", "Criteria met"],
		rows: goal.subgoals.map((subgoal) => [
			levelOf.get(subgoal.id) ?? "n/a",
			subgoal.id,
			subgoal.description,
			subgoal.complexity,
			subgoal.dependsOn.length > 0 ? subgoal.dependsOn.join(", ") : "nothing",
			`${subgoal.criteriaMet} of ${subgoal.criteria.length}`,
		]),
	};
	const explanation = goal.plan.explanation;
	return html`<p><strong>Goal:</strong> ${goal.goal}</p>
${table(plan)}
<h3>Planner's Explanation</h3>
${
	explanation.length > 0
		? html`<ol>${explanation.map((line) => html`<li>${line}</li>`)}</ol>`
		: html`<p>The planner gave no explanation.</p>`
}`;
}

function subgoalSection(
	subgoal: schema.GoalSection["subgoals"][number],
	findings: Map<string, IndexedFinding>,
): Html {
	const criteria = subgoal.criteria.map((verdict) => {
		// A finding outside the body (e.g. a partial one under high anti-hallucination) has no article to link.
		const refs = verdict.evidence.map((id) => {
			const entry = findings.get(id);
			return entry === undefined ? html`${id}` : findingLink(entry);
		});
		const cited =
			refs.length > 0
				? html`; findings ${refs.map((ref, index) => (index === 0 ? ref : html`, ${ref}`))}`
				: html``;
		return html`<li>${CRITERION_MARKS[verdict.status]} (judged by ${verdict.judgedBy}): ${verdict.criterion} — ${verdict.why}${cited}</li>`;
	});
	const listed = subgoal.findingIds.flatMap((id) => {
		const entry = findings.get(id);
		if (entry === undefined) return [];
		const flag = entry.finding.flag === "verified" ? "" : " (unverified)";
		return [html`<li>${findingLink(entry)} ${entry.finding.title}${flag}</li>`];
	});
	return html`<h3>Sub-goal ${subgoal.id}: ${subgoal.description}</h3>
<p class="facts">Complexity ${subgoal.complexity} · Depends on ${subgoal.dependsOn.length > 0 ? subgoal.dependsOn.join(", ") : "nothing"} · Agents ${subgoal.taskIds.length > 0 ? subgoal.taskIds.join(", ") : "none"} · Criteria met ${subgoal.criteriaMet} of ${subgoal.criteria.length}</p>
<h4>Success criteria</h4>
${criteria.length > 0 ? html`<ul>${criteria}</ul>` : html`<p>No success criteria were set.</p>`}
<h4>Findings</h4>
${listed.length > 0 ? html`<ul>${listed}</ul>` : html`<p>No finding in the report came from this sub-goal.</p>`}
`;
}

function crossSubgoalInsights(goal: schema.GoalSection, findings: Map<string, IndexedFinding>): Html {
	const { sharedFindings, conflicts } = goal.crossSubgoalInsights;
	const shared = sharedFindings.flatMap((entry) => {
		const found = findings.get(entry.findingId);
		if (found === undefined) return [];
		return [
			html`<li>${findingLink(found)} ${found.finding.title} — made in ${entry.subgoalIds.join(", ")}</li>`,
		];
	});
	const side = (name: string, entry: (typeof conflicts)[number]["sideA"]): Html => {
		const found = findings.get(entry.findingId);
		if (found === undefined) return html`<li><strong>${name}</strong> (${entry.subgoalIds.join(", ")})</li>`;
		return html`<li><strong>${name}</strong> (${findingLink(found)}, ${entry.subgoalIds.join(", ")}): ${found.finding.claim}${citationRefs(found.finding.citations)}</li>`;
	};
	const items = conflicts.map(
		(
			conflict,
		) => html`<li><strong>${conflict.topic.join(" ")}</strong> — ${reportText.CONFLICT_DESCRIPTIONS[conflict.reason]}
<ul>${side("Side A", conflict.sideA)}${side("Side B", conflict.sideB)}</ul></li>`,
	);
	return html`<h3>Shared Findings</h3>
${shared.length > 0 ? html`<ul>${shared}</ul>` : html`<p>No verified finding was made in more than one sub-goal.</p>`}
<h3>Conflicts Between Sub-goals</h3>
${items.length > 0 ? html`<ol>${items}</ol>` : html`<p>No verified findings of different sub-goals contradict each other.</p>`}`;
}

/** A body finding with its position (1-based), which names its anchor `finding-N`. */
type IndexedFinding = { finding: schema.ReportFinding; number: number };

function findingsById(report: schema.Report): Map<string, IndexedFinding> {
	return new Map(report.findings.map((finding, index) => [finding.id, { finding, number: index + 1 }]));
}

/** The finding's id, linked to its article in Detailed Findings. */
function findingLink(entry: IndexedFinding): Html {
	return html`<a href="#${findingAnchor(entry.number)}">${entry.finding.id}</a>`;
}

function findingAnchor(number: number): string {
	return `finding-${number}`;
}

function methodology(report: schema.Report): Html {
	const plan: tables.TextTable = {
		caption: "The swarm's tasks and what each waited for",
		headers: ["Task", "Role", "Phase", "Depends on", "Status", "Attempts"],
		rows: report.methodology.plan.map((task) => [
			task.id,
			task.role,
			task.phase,
			task.dependsOn.length > 0 ? task.dependsOn.join(", ") : "nothing",
			task.status,
			String(task.attempts),
		]),
	};
	return html`<ul>${tables.methodologyFacts(report).map(({ label, text }) => html`<li><strong>${label}:</strong> ${text}</li>`)}</ul>
<h3>Swarm Plan</h3>
${table(plan)}`;
}

function detailedFindings(report: schema.Report): Html {
	if (report.findings.length === 0) return html`<p>No findings to report.</p>`;
	const sources = sourcesById(report);
	// Only a goal-mode report links to findings, so only there do the articles carry an anchor.
	const anchored = report.goal !== null;
	return html`${report.findings.map((finding, index) =>
		findingArticle(finding, index + 1, report.config.antiHallucination, sources, anchored),
	)}`;
}

function findingArticle(
	finding: schema.ReportFinding,
	number: number,
	mode: AntiHallucination,
	sources: Map<string, schema.ReportSource>,
	anchored: boolean,
): Html {
	const flag =
		finding.flag === "verified"
			? html` · <span class="flag-verified">✓ Verified</span>`
			: finding.flag === "uncited"
				? html` · <span class="flag-uncited">○ Uncited</span>`
				: mode === "low"
					? html` · ${reportText.VERDICT_DESCRIPTIONS[finding.support.verdict]}`
					: html` · <span class="flag-unverified">${finding.flag === "partial" ? "⚠ Partly supported" : `✗ ${reportText.VERDICT_DESCRIPTIONS[finding.support.verdict]}`}: ${finding.support.reason}</span>`;
	const answers = finding.subQuestion === null ? "" : html` · Answers: ${finding.subQuestion}`;
	const quotes =
		finding.flag === "uncited"
			? html`<p class="cite">This finding ${reportText.UNCITED_DESCRIPTION}.</p>`
			: finding.citations.length === 0
				? html`<p class="cite">No citations.</p>`
				: html`<ul class="citations">${finding.citations.map(
						(citation) => html`<li>
<blockquote>${citation.quote === "" ? "(empty quote)" : citation.quote}</blockquote>
<p class="cite">${citationStatus(citation, sources)}</p>
${citation.nearestPassage === null ? "" : html`<p class="cite">The source says: ${citation.nearestPassage}</p>`}
</li>`,
					)}</ul>`;
	const anchor = anchored ? html` id="${findingAnchor(number)}"` : "";
	return html`<article class="finding" data-search${anchor}>
<h3>${number}. ${finding.title}</h3>
<p>${finding.claim}${sourceRefs(finding.sources)}</p>
<p class="facts">Confidence ${finding.confidence.toFixed(2)} · Weight ${finding.weight.toFixed(2)} · Agents ${reportText.describeAgents(finding.supportingAgents)}${flag}${answers}</p>
${quotes}
</article>
`;
}

/** " [S1, S3]" after a sentence; nothing without labels. */
function sourceRefs(labels: readonly string[]): Html {
	return labels.length === 0 ? html`` : html` <span class="cite">[${labels.join(", ")}]</span>`;
}

/** The labels of a side's verbatim citations. */
function citationRefs(citations: schema.ReportCitation[]): Html {
	return sourceRefs([...new Set(citations.filter((c) => c.verified).map((c) => c.sourceId))]);
}

function verifiedMark(citation: schema.ReportCitation): Html {
	return citation.verified
		? html`<span class="ok">✓ verbatim</span>`
		: html`<span class="bad">✗ not verified</span>`;
}

function citationStatus(citation: schema.ReportCitation, sources: Map<string, schema.ReportSource>): Html {
	return html`${verifiedMark(citation)}: ${citedSource(citation, sources)}, ${reportText.CHECK_DESCRIPTIONS[citation.check]}`;
}

/** The cited source: "S1 Title" (linked when http(s)) when listed, else its id and the URL the agent gave, as text. */
function citedSource(citation: schema.ReportCitation, sources: Map<string, schema.ReportSource>): Html {
	const source = sources.get(citation.sourceId);
	if (source !== undefined) return html`${source.id} ${sourceName(source)}`;
	const citedAs = citation.url === null ? "" : html` cited as <code>${citation.url}</code>`;
	return html`source <code>${citation.sourceId}</code>${citedAs}`;
}

/** A source's title, linked only when its URL is http(s). */
function sourceName(source: schema.ReportSource): Html {
	const title = source.title === "" ? "untitled" : source.title;
	const href = safeHttpUrl(source.url);
	if (href === null) return html`${title}`;
	return html`<a href="${href}" rel="noopener noreferrer nofollow">${title}</a>`;
}

function crossAgentInsights(report: schema.Report): Html {
	const { consensus, divergentViews, novelDiscoveries } = report.crossAgentInsights;
	const numbers = new Map(report.findings.map((finding, index) => [finding.id, index + 1]));
	const byId = new Map(report.findings.map((finding) => [finding.id, finding]));
	const findingItem = (id: string, detail: (finding: schema.ReportFinding) => string): Html[] => {
		const finding = byId.get(id);
		if (finding === undefined) return [];
		return [html`<li>Finding ${numbers.get(id)}: ${finding.title} — ${detail(finding)}</li>`];
	};
	const consensusItems = consensus.flatMap((id) =>
		findingItem(id, (f) => `${f.independentSources} independent sources: ${f.sources.join(", ")}`),
	);
	const novelItems = novelDiscoveries.flatMap((id) =>
		findingItem(id, (f) => `found only by ${reportText.describeAgents(f.supportingAgents)}`),
	);
	const side = (name: string, entry: (typeof divergentViews)[number]["sideA"]): Html =>
		html`<li><strong>${name}</strong> (finding ${numbers.get(entry.findingId)}, ${entry.title}): ${entry.claim}${citationRefs(entry.citations)}</li>`;
	const views = divergentViews.map(
		(
			view,
		) => html`<li><strong>${view.topic.join(" ")}</strong> — ${reportText.CONFLICT_DESCRIPTIONS[view.reason]}: ${view.detail}
<ul>${side("Side A", view.sideA)}${side("Side B", view.sideB)}</ul></li>`,
	);
	return html`<h3>Consensus</h3>
${consensusItems.length > 0 ? html`<ul>${consensusItems}</ul>` : html`<p>No supported finding rests on two or more independent sources.</p>`}
<h3>Divergent Views</h3>
${views.length > 0 ? html`<ol>${views}</ol>` : html`<p>No contradictions were detected between findings.</p>`}
<h3>Novel Discoveries</h3>
${
	novelItems.length > 0
		? html`<ul>${novelItems}</ul>`
		: html`<p>No verified finding came from a single agent citing sources no other agent cited.</p>`
}`;
}

function verificationReport(report: schema.Report): Html {
	return html`<p>${report.methodology.verificationRule}</p>
${table(tables.verificationTable(report))}
<h3>Unsupported Claims</h3>
${unsupportedList(report.verification.unsupportedClaims, "Every claim is backed by at least one verified citation.")}
<h3>Quality Score</h3>
${table(tables.qualityTable(report))}
<h3>Confidence</h3>
${table(tables.confidenceTable(report))}`;
}

function unsupportedList(claims: schema.UnsupportedClaim[], whenEmpty: string): Html {
	if (claims.length === 0) return html`<p>${whenEmpty}</p>`;
	return html`<ul>${claims.map(
		(claim) =>
			html`<li data-search><strong>${claim.title}:</strong> ${claim.claim} — by ${reportText.describeAgents(claim.agents)}; ${claim.why}</li>`,
	)}</ul>`;
}

function learningPatterns(report: schema.Report): Html {
	const patterns = tables.learningTable(report);
	const note = report.learningPatterns.note.trim();
	const { improvements } = report.learningPatterns.thisJob;
	return html`<h3>This Job</h3>
<ul>${tables.lessonFacts(report).map(({ label, text }) => html`<li><strong>${label}:</strong> ${text}</li>`)}</ul>
${
	improvements.length === 0
		? html`<p>No improvements are called for.</p>`
		: html`<p><strong>Improvements</strong></p>
<ul>${improvements.map((line) => html`<li>${line}</li>`)}</ul>`
}
<h3>Patterns Applied</h3>
${patterns === null ? html`<p>No learned patterns were used for this job.</p>` : table(patterns)}
${note === "" ? "" : html`<p>${note}</p>`}`;
}

function performanceMetrics(report: schema.Report): Html {
	const providers = tables.providerTable(report);
	return html`${table(tables.metricsTable(report))}
<h3>By Provider</h3>
${providers === null ? html`<p>No provider was called.</p>` : table(providers)}
<h3>By Agent</h3>
${table(tables.agentRunTable(report))}`;
}

function appendix(report: schema.Report): Html {
	const sources = sourcesById(report);
	const citationRows = report.findings.flatMap((finding, index) =>
		finding.citations.map(
			(
				citation,
			) => html`<tr data-search><td>${index + 1}</td><td>${citedSource(citation, sources)}</td><td>${verifiedMark(citation)}</td><td>${reportText.CHECK_DESCRIPTIONS[citation.check]}</td><td>${citation.spans.map((span) => `${span.start}–${span.end}`).join(", ") || "none"}</td></tr>
`,
		),
	);
	const failures = tables.failuresTable(report);
	const unreachable = tables.unreachableTable(report);
	const { fabricatedUrls, unsupportedClaims } = report.appendix;
	return html`<h3>Sources</h3>
${
	report.sources.length > 0
		? html`<ul>${report.sources.map(sourceItem)}</ul>`
		: html`<p>The job retrieved no source.</p>`
}
<h3>Citations</h3>
${
	citationRows.length > 0
		? html`<table><caption>Every citation in the findings with its verification result</caption>
${headerRow(["Finding", "Source", "Status", "Check", "Snapshot offsets"])}
<tbody>${citationRows}</tbody></table>`
		: html`<p>No citations.</p>`
}
<h3>Agent Breakdown</h3>
${agentBreakdown(report)}
<h3>Failures</h3>
${failures === null ? html`<p>No agent failed.</p>` : table(failures)}
<h3>Unreachable Sources</h3>
${unreachable === null ? html`<p>Every source was retrieved.</p>` : table(unreachable)}
<h3>Fabricated URLs</h3>
${
	fabricatedUrls.length > 0
		? html`<ul>${fabricatedUrls.map((url) => html`<li><code>${url}</code></li>`)}</ul>`
		: html`<p>No citation named a URL the job did not retrieve.</p>`
}
<h3>Raw Agent Outputs</h3>
<p>${tables.rawOutputsNote(report)}</p>
${
	report.config.antiHallucination === "high"
		? html`<h3>Claims Removed From the Findings</h3>
${unsupportedList(unsupportedClaims, "No claim was removed.")}`
		: ""
}`;
}

function sourceItem(source: schema.ReportSource): Html {
	const origin = source.url === null ? " (attached text)" : "";
	const at = new Date(source.retrievedAt).toISOString();
	const retrieved = html` · retrieved <time datetime="${at}">${at}</time>`;
	const hash = source.sha256 === null ? "" : html` · SHA-256 <code>${source.sha256}</code>`;
	const cited = source.cited ? "" : " · not cited in the findings";
	return html`<li><strong>${source.id}</strong> ${sourceName(source)}${origin}${retrieved}${hash}${cited}</li>`;
}

function agentBreakdown(report: schema.Report): Html {
	const digests = tables.agentRunDigests(report);
	if (digests.length === 0) return html`<p>No agents ran.</p>`;
	const numbers = new Map(report.findings.map((finding, index) => [finding.id, index + 1]));
	return html`${digests.map(({ run, facts, sentences }) => {
		const narrative = sentences.map((sentence) =>
			sentence.verdict === "supported"
				? html`${sentence.text}${sourceRefs(sentence.sources)} `
				: sentence.uncitedFindingIds.length > 0
					? html`<span class="flag-uncited">${sentence.text} (${reportText.uncitedSentenceLabel(sentence.uncitedFindingIds.map((id) => String(numbers.get(id) ?? id)))})</span> `
					: html`<span class="bad">${sentence.text} (${reportText.VERDICT_DESCRIPTIONS[sentence.verdict]}: ${sentence.reason})</span> `,
		);
		return html`<h4>${run.role} (${run.taskId})</h4>
<p class="facts">${facts}</p>
${narrative.length > 0 ? html`<p class="narrative">${narrative}</p>` : html`<p>No checked narrative.</p>`}
`;
	})}`;
}

/** A table with a caption and column headers; every cell is text and is escaped. */
function table(text: tables.TextTable): Html {
	return html`<table><caption>${text.caption}</caption>
${headerRow(text.headers)}
<tbody>${text.rows.map((row) => html`<tr>${row.map((cell) => html`<td>${cell}</td>`)}</tr>`)}</tbody></table>`;
}

function headerRow(headers: string[]): Html {
	return html`<thead><tr>${headers.map((header) => html`<th scope="col">${header}</th>`)}</tr></thead>`;
}

function sourcesById(report: schema.Report): Map<string, schema.ReportSource> {
	return new Map(report.sources.map((source) => [source.id, source]));
}

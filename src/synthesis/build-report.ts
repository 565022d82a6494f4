/**
 * Builds the report data from what the job produced. Pure and deterministic: the same input always
 * gives the same report (the generation time is the job's completion time).
 *
 * Anti-hallucination decides where claims without a verified citation go:
 * - high: removed from the findings (and from the cross-agent insights); listed in the verification
 *   section and again in the appendix;
 * - medium: kept in the findings with `flag: "unverified"`; renderers mark them;
 * - low: kept in the findings with `flag: "unverified"`; renderers only count them.
 *
 * Only retrieved sources that back a verified citation of a body finding are listed as sources, so a
 * URL the job never fetched can never become a source or a link.
 *
 * A goal-mode job (`input.goal`) gets a master report: `goal` holds the plan, every sub-goal with its
 * success-criteria verdicts and findings, and the insights across sub-goals (`goal-report.ts`), and
 * the executive summary opens with the goal and how many sub-goals met all their criteria. In direct
 * mode `goal` is null and nothing else changes.
 */
import type { AntiHallucination, TaskView } from "../protocol";
import { buildGoalSection, goalSummaryParagraph } from "./goal-report";
import {
	type AgentRun,
	CHECK_DESCRIPTIONS,
	type DivergentView,
	formatPercent,
	oneLine,
	type PlanNode,
	plural,
	REPORT_SCHEMA_VERSION,
	type Report,
	type ReportFinding,
	ReportSchema,
	type ReportSource,
	type UnsupportedClaim,
} from "./report-schema";
import type {
	AgentNarrative,
	Aggregation,
	CheckedCitation,
	CitationCheck,
	GoalInput,
	MergedFinding,
	ReportInput,
	VerificationSummary,
} from "./types";

/** How many verified findings the executive summary names. */
export const KEY_FINDING_LIMIT = 5;
/** Longest excerpt of the synthesizer's narrative the executive summary quotes. */
export const SUMMARY_NARRATIVE_CHARS = 1200;

const UNSUPPORTED_HANDLING: Record<AntiHallucination, string> = {
	high: "claims without a verified citation are removed from the findings and listed in the appendix",
	medium: "claims without a verified citation stay in the findings, flagged as unverified",
	low: "claims without a verified citation stay in the findings and are only counted",
};

/**
 * Builds the report for a finished (or deadline-ended) job and validates it against `ReportSchema`.
 * Throws a ZodError when the input breaks the schema, e.g. a score outside [0, 1].
 */
export function buildReport(input: ReportInput): Report {
	const mode = input.config.antiHallucination;
	const findings = toReportFindings(bodyFindings(input.aggregation, mode));
	const byId = new Map(findings.map((finding) => [finding.id, finding]));
	const verifiedIds = new Set(findings.filter((f) => f.flag === "verified").map((f) => f.id));
	const consensus = input.aggregation.consensus.filter((id) => byId.has(id));
	const divergentViews = input.aggregation.conflicts.flatMap((conflict): DivergentView[] => {
		const a = byId.get(conflict.findingA);
		const b = byId.get(conflict.findingB);
		if (a === undefined || b === undefined) return [];
		return [
			{ topic: conflict.topic, reason: conflict.reason, sideA: conflictSide(a), sideB: conflictSide(b) },
		];
	});
	const unsupportedClaims = input.aggregation.unsupported.map(toUnsupportedClaim);
	const keyFindings = findings.filter((f) => f.flag === "verified").slice(0, KEY_FINDING_LIMIT);
	const verification = input.aggregation.verification;
	const goal = input.goal === undefined ? null : buildGoalSection(input.goal, input.aggregation, findings);

	const report: Report = {
		schemaVersion: REPORT_SCHEMA_VERSION,
		jobId: input.jobId,
		task: input.task,
		completeness: input.completeness,
		generatedAt: input.completedAt,
		config: input.config,
		executiveSummary: {
			text: [
				goal === null ? "" : goalSummaryParagraph(goal),
				agentsParagraph(input.tasks, input.completeness, input.metrics),
				groundingParagraph(verification, mode, unsupportedClaims.length),
				findingsParagraph(keyFindings, consensus.length, divergentViews.length),
				synthesisParagraph(input.narratives, input.goal),
			]
				.filter((paragraph) => paragraph !== "")
				.join("\n\n"),
			keyFindings: keyFindings.map((finding) => finding.id),
		},
		goal,
		methodology: {
			swarmSize: input.config.swarmSize,
			roles: [...new Set(input.tasks.map((task) => task.role))],
			plan: input.tasks.map(toPlanNode),
			sources: {
				retrieved: input.sources.filter((source) => source.status === "retrieved").length,
				unreachable: input.sources.filter((source) => source.status === "unreachable").length,
			},
			verificationRule: verificationRule(mode),
		},
		findings,
		crossAgentInsights: {
			consensus,
			divergentViews,
			novelDiscoveries: input.aggregation.novel.filter((id) => verifiedIds.has(id)),
		},
		verification: { ...verification, unsupportedClaims },
		learningPatterns: input.learning,
		performance: { metrics: input.metrics, agentRuns: input.tasks.map(toAgentRun) },
		quality: input.aggregation.quality,
		sources: citedSources(findings, input),
		unreachableSources: input.sources
			.filter((source) => source.status === "unreachable")
			.map(({ id, title, url, error }) => ({ id, title, url, error })),
		appendix: {
			failures: input.failures,
			agentNarratives: input.narratives,
			unsupportedClaims: mode === "high" ? unsupportedClaims : [],
			fabricatedUrls: verification.fabricatedUrls,
		},
	};
	return ReportSchema.parse(report);
}

/** The findings the body shows: supported only with high, else every finding once (in given order). */
function bodyFindings(aggregation: Aggregation, mode: AntiHallucination): MergedFinding[] {
	if (mode === "high") return aggregation.findings.filter((finding) => finding.supported);
	const listed = new Set(aggregation.findings.map((finding) => finding.id));
	return [...aggregation.findings, ...aggregation.unsupported.filter((finding) => !listed.has(finding.id))];
}

/** Body findings with their verification flag; citations get refs C1…Cn in body order. */
function toReportFindings(merged: MergedFinding[]): ReportFinding[] {
	let citationCount = 0;
	return merged.map((finding) => ({
		id: finding.id,
		title: finding.title,
		claim: finding.claim,
		confidence: finding.confidence,
		weight: finding.weight,
		supportingAgents: finding.supportingAgents,
		citations: finding.citations.map((citation) => {
			citationCount += 1;
			return { ...citation, ref: `C${citationCount}` };
		}),
		flag: finding.supported ? "verified" : "unverified",
	}));
}

function conflictSide(finding: ReportFinding): DivergentView["sideA"] {
	return { findingId: finding.id, title: finding.title, claim: finding.claim, citations: finding.citations };
}

function toUnsupportedClaim(finding: MergedFinding): UnsupportedClaim {
	return {
		findingId: finding.id,
		title: finding.title,
		claim: finding.claim,
		agents: finding.supportingAgents,
		why: whyUnsupported(finding.citations),
	};
}

/**
 * Each failed check in words with how many citations it hit, e.g.
 * "quote not found in the source snapshot (2 citations); cites a URL the job never retrieved (1 citation)".
 */
function whyUnsupported(citations: CheckedCitation[]): string {
	const failed = citations.filter((citation) => !citation.verified);
	if (failed.length === 0) return "no citation given";
	const counts = new Map<CitationCheck, number>();
	for (const citation of failed) counts.set(citation.check, (counts.get(citation.check) ?? 0) + 1);
	return [...counts]
		.map(([check, n]) => `${CHECK_DESCRIPTIONS[check]} (${plural(n, "citation")})`)
		.join("; ");
}

function toPlanNode(task: TaskView): PlanNode {
	const { id, role, phase, dependsOn, status, attempts } = task;
	return { id, role, phase, dependsOn, status, attempts };
}

function toAgentRun(task: TaskView): AgentRun {
	const { usage } = task;
	return {
		taskId: task.id,
		role: task.role,
		status: task.status,
		attempts: task.attempts,
		durationMs:
			task.startedAt !== null && task.finishedAt !== null
				? Math.max(0, task.finishedAt - task.startedAt)
				: null,
		tokens: usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens,
		costUsd: usage.costUsd,
		provider: task.provider,
		model: task.model,
	};
}

/** Retrieved sources behind the verified citations of the body, in order of first citation (S1…Sn). */
function citedSources(findings: ReportFinding[], input: ReportInput): ReportSource[] {
	const retrieved = new Map(
		input.sources.filter((source) => source.status === "retrieved").map((source) => [source.id, source]),
	);
	const cited = new Map<string, ReportSource>();
	for (const citation of findings.flatMap((finding) => finding.citations)) {
		const source = retrieved.get(citation.sourceId);
		if (!citation.verified || source === undefined || cited.has(source.id)) continue;
		const ref = `S${cited.size + 1}`;
		cited.set(source.id, { ref, id: source.id, title: source.title, url: source.url, sha256: source.sha256 });
	}
	return [...cited.values()];
}

function verificationRule(mode: AntiHallucination): string {
	return (
		"A citation counts as verified only when its quote is found, exactly or by fuzzy match after " +
		"normalizing whitespace, case and punctuation, in the stored snapshot of a source this job retrieved; " +
		"a cited URL the job never retrieved is treated as fabricated and is never listed as a source. " +
		`Anti-hallucination is ${mode}: ${UNSUPPORTED_HANDLING[mode]}.`
	);
}

function agentsParagraph(
	tasks: TaskView[],
	completeness: ReportInput["completeness"],
	metrics: ReportInput["metrics"],
): string {
	const sentences: string[] = [];
	if (completeness === "partial") {
		sentences.push("This report is partial: the job ended before every agent finished.");
	}
	if (metrics.budget.limited) {
		sentences.push(
			`The job was budget-limited: calls that could have exceeded its $${metrics.budget.limitUsd ?? 0} budget were not made.`,
		);
	}
	for (const fallback of metrics.fallbacks) {
		sentences.push(
			`${fallback.taskId} ran on ${fallback.to} instead of ${fallback.from}, which was failing at the time.`,
		);
	}
	const completed = tasks.filter((task) => task.status === "completed").length;
	if (tasks.length === 0) sentences.push("No agent ran.");
	else if (tasks.length === 1)
		sentences.push(`The single planned agent ${completed === 1 ? "completed" : "did not complete"}.`);
	else if (completed === tasks.length)
		sentences.push(`All ${plural(tasks.length, "planned agent")} completed.`);
	else sentences.push(`${completed} of ${plural(tasks.length, "planned agent")} completed.`);
	const failed = tasks.filter((task) => task.status === "failed");
	const skipped = tasks.filter((task) => task.status === "skipped");
	const unfinished = tasks.filter((task) => !["completed", "failed", "skipped"].includes(task.status));
	if (failed.length > 0) sentences.push(`Failed: ${taskList(failed)}.`);
	if (skipped.length > 0) sentences.push(`Skipped: ${taskList(skipped)}.`);
	if (unfinished.length > 0) sentences.push(`Unfinished when the job ended: ${taskList(unfinished)}.`);
	return sentences.join(" ");
}

function groundingParagraph(
	verification: VerificationSummary,
	mode: AntiHallucination,
	unsupportedCount: number,
): string {
	if (verification.claimsTotal === 0) return "The agents made no claims, so nothing could be verified.";
	const sentences = [
		`${verification.claimsSupported} of ${plural(verification.claimsTotal, "claim")} are backed by a quote ` +
			`found in a retrieved source (grounding score ${formatPercent(verification.groundingScore)}); ` +
			`${verification.citationsVerified} of ${plural(verification.citationsTotal, "citation")} were verified.`,
	];
	const fabricated = verification.fabricatedUrls.length;
	if (fabricated > 0) {
		sentences.push(
			`${plural(fabricated, "cited URL")} the job never retrieved ${fabricated === 1 ? "is" : "are"} treated as fabricated.`,
		);
	}
	if (unsupportedCount > 0) {
		sentences.push(
			`Anti-hallucination is ${mode}: ${UNSUPPORTED_HANDLING[mode]} (${plural(unsupportedCount, "claim")}).`,
		);
	}
	return sentences.join(" ");
}

function findingsParagraph(keyFindings: ReportFinding[], consensus: number, divergent: number): string {
	if (keyFindings.length === 0) return "No finding is backed by a verified citation.";
	const named = keyFindings.map(
		(finding) =>
			`${oneLine(finding.title)} (confidence ${finding.confidence.toFixed(2)}, ${plural(finding.supportingAgents.length, "agent")})`,
	);
	return (
		`Key findings: ${named.join("; ")}. ` +
		`Two or more agents agreed on ${plural(consensus, "finding")}; ${plural(divergent, "pair")} of findings contradict each other.`
	);
}

/**
 * The synthesizer's narrative, shortened, labelled as the agent's own words. In goal mode the master
 * synthesizer (a synthesizer of no sub-swarm) speaks for the whole job, so it comes first.
 */
function synthesisParagraph(narratives: AgentNarrative[], goal: GoalInput | undefined): string {
	const subSwarmTasks = new Set(goal?.subgoals.flatMap((subgoal) => subgoal.taskIds));
	const syntheses = narratives.filter(
		(entry) => entry.role === "synthesizer" && entry.narrative.trim() !== "",
	);
	const synthesis = syntheses.find((entry) => !subSwarmTasks.has(entry.taskId)) ?? syntheses[0];
	if (synthesis === undefined) return "";
	return `The synthesizer's own summary (its statements are not verified on their own): ${excerpt(synthesis.narrative, SUMMARY_NARRATIVE_CHARS)}`;
}

/** Collapses whitespace and shortens to `limit` characters, at a sentence end when one is near, else a word. */
function excerpt(text: string, limit: number): string {
	const flat = oneLine(text);
	if (flat.length <= limit) return flat;
	const cut = flat.slice(0, limit);
	const sentenceEnd = cut.lastIndexOf(". ");
	if (sentenceEnd >= limit / 2) return cut.slice(0, sentenceEnd + 1);
	const wordEnd = cut.lastIndexOf(" ");
	return `${wordEnd > 0 ? cut.slice(0, wordEnd) : cut}…`;
}

function taskList(tasks: TaskView[]): string {
	return tasks.map((task) => `${task.role} (${task.id})`).join(", ");
}

/**
 * Builds the report data from what the job produced. Pure and deterministic: the same input always
 * gives the same report (the generation time is the job's completion time).
 *
 * A finding is `verified` only when a quote is verbatim in a retrieved source and its claim is
 * supported by those quotes. Anti-hallucination decides where the others go:
 * - high: only supported findings are in the body; the rest are listed, with their verdicts, in the
 *   verification section and the appendix; unsupported narrative sentences are dropped;
 * - medium: partly supported findings stay in the body flagged `partial`; unsupported and
 *   contradicted ones go to the appendix; narrative sentences keep their verdicts;
 * - low: every finding stays in the body with its flag, and is counted.
 *
 * A job with `citations: false` lets findings go without citations. Such a finding (`uncited`) stays
 * in the body whatever the mode, flagged `uncited`, with no source labels, quotes or provenance, and
 * is counted apart; a narrative sentence that only restates uncited findings is kept and labelled so.
 * Findings that do cite are checked and placed exactly as above: a failed citation stays a failure.
 *
 * Sources keep the job's own labels (S1…Sn), so a label means the same source in the body, the
 * narratives, the JSON and every rendering. The executive summary states nothing but supported
 * findings' claims, each with the labels of the sources whose quotes support it.
 *
 * A goal-mode job (`input.goal`) gets a master report: `goal` holds the plan, every sub-goal with its
 * success-criteria verdicts and findings, and the insights across sub-goals (`goal-report.ts`), and
 * the executive summary opens with the goal and how many sub-goals met all their criteria. In direct
 * mode `goal` is null and nothing else changes.
 */
import type { AntiHallucination, SourceRecord, TaskView } from "../protocol";
import { tokenize } from "../providers/text";
import { type SubQuestion, subQuestionsOf } from "../swarm/sub-questions";
import { agentConfidence, overallConfidence } from "./confidence";
import { buildGoalSection, goalSummaryParagraph } from "./goal-report";
import { type CheckedSentence, checkNarrative, type EvidenceFinding, type UncitedFinding } from "./narrative";
import { boundRawOutputs } from "./raw-outputs";
import {
	type AgentRun,
	type DivergentView,
	type PlanNode,
	REPORT_SCHEMA_VERSION,
	type Report,
	type ReportCitation,
	type ReportFinding,
	ReportSchema,
	type ReportSource,
	type UnsupportedClaim,
} from "./report-schema";
import {
	CHECK_DESCRIPTIONS,
	CITATIONS_NOT_REQUIRED,
	formatPercent,
	oneLine,
	plural,
	VERDICT_DESCRIPTIONS,
} from "./report-text";
import type {
	AgentFindingSummary,
	AgentNarrative,
	CheckedCitation,
	CitationCheck,
	MergedFinding,
	ReportInput,
	SupportVerdict,
	VerificationSummary,
} from "./types";

/** How many supported findings the executive summary names when the task has no parts. */
export const KEY_FINDING_LIMIT = 5;
/** Sentences the executive summary gives each part of the task, at most. */
export const ANSWER_SENTENCES_PER_PART = 2;
/** Sentences of the synthesizer's checked account the executive summary repeats. */
export const SUMMARY_SYNTHESIS_SENTENCES = 4;

const BODY_VERDICTS: Record<AntiHallucination, ReadonlySet<SupportVerdict>> = {
	high: new Set(["supported"]),
	medium: new Set(["supported", "partial"]),
	low: new Set(["supported", "partial", "unsupported", "contradicted"]),
};

const UNSUPPORTED_HANDLING: Record<AntiHallucination, string> = {
	high: "only supported findings are in the body; the others are listed with their verdicts in the appendix, and unsupported narrative sentences are dropped",
	medium:
		"partly supported findings stay in the body, flagged; unsupported and contradicted ones are listed in the appendix",
	low: "every finding stays in the body with its verdict, and the unsupported ones are counted",
};

/**
 * Builds the report for a finished (or deadline-ended) job and validates it against `ReportSchema`.
 * Throws a ZodError when the input breaks the schema, e.g. a score outside [0, 1].
 */
export function buildReport(input: ReportInput): Report {
	const mode = input.config.antiHallucination;
	const { aggregation } = input;
	const inBody = (finding: MergedFinding) =>
		finding.uncited || BODY_VERDICTS[mode].has(finding.support.verdict);
	const findings = aggregation.findings.filter(inBody).map(toReportFinding);
	const byId = new Map(findings.map((finding) => [finding.id, finding]));
	const verifiedIds = new Set(findings.filter((f) => f.flag === "verified").map((f) => f.id));
	const consensus = aggregation.consensus.filter((id) => byId.has(id));
	const divergentViews = aggregation.conflicts.flatMap((conflict): DivergentView[] => {
		const a = byId.get(conflict.findingA);
		const b = byId.get(conflict.findingB);
		if (a === undefined || b === undefined) return [];
		return [
			{
				topic: conflict.topic,
				reason: conflict.reason,
				detail: conflict.detail,
				sideA: conflictSide(a),
				sideB: conflictSide(b),
			},
		];
	});
	const notSupported = aggregation.findings.filter(
		(finding) => finding.support.verdict !== "supported" && !finding.uncited,
	);
	const unsupportedClaims = notSupported.map(toUnsupportedClaim);
	const supportedFindings = findings.filter((finding) => finding.flag === "verified");
	const evidence = supportedFindings.map(toEvidenceFinding);
	const uncited: UncitedFinding[] = findings
		.filter((finding) => finding.flag === "uncited")
		.map(({ id, claim }) => ({ id, claim }));
	const narratives = input.narratives.map((entry) => ({
		taskId: entry.taskId,
		role: entry.role,
		sentences: checkNarrative(entry.narrative, evidence, uncited),
	}));
	const { answer, unanswered } = answerSentences(input.task, supportedFindings);
	const synthesis = synthesisSentences(narratives, input.goal, supportedFindings);
	const checkedSentences = narratives.flatMap((entry) => entry.sentences);
	const verification = {
		...aggregation.verification,
		narrativeSentences: checkedSentences.length,
		narrativeSentencesSupported: checkedSentences.filter(isSupported).length,
		narrativeSentencesUncited: checkedSentences.filter(isUncited).length,
	};
	const goal = input.goal === undefined ? null : buildGoalSection(input.goal, aggregation, findings);
	const confidence = overallConfidence(aggregation);

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
				answerParagraph(answer, unanswered),
				synthesisParagraph(synthesis),
				agentsParagraph(input.tasks, input.completeness, input.metrics),
				groundingParagraph(verification, mode, notSupported.length, consensus.length, divergentViews.length),
				`Overall confidence ${confidence.overall.toFixed(2)} of 1, from the findings' verdicts and corroboration (formula in the Verification Report).`,
				input.config.citations ? "" : uncitedParagraph(verification.claimsUncited),
			]
				.filter((paragraph) => paragraph !== "")
				.join("\n\n"),
			answer,
			keyFindings: answer.map((entry) => entry.findingId),
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
			verificationRule: verificationRule(mode, input.config.citations),
		},
		findings,
		crossAgentInsights: {
			consensus,
			divergentViews,
			novelDiscoveries: aggregation.novel.filter((id) => verifiedIds.has(id)),
		},
		verification: { ...verification, unsupportedClaims },
		learningPatterns: { ...input.learning, thisJob: input.lesson },
		performance: {
			metrics: input.metrics,
			agentRuns: input.tasks.map((task) =>
				toAgentRun(
					task,
					aggregation.agents.find((agent) => agent.taskId === task.id),
				),
			),
		},
		quality: aggregation.quality,
		confidence,
		sources: reportSources(findings, input.sources),
		unreachableSources: input.sources
			.filter((source) => source.status === "unreachable")
			.map(({ id, title, url, error }) => ({ id, title, url, error })),
		appendix: {
			failures: input.failures,
			agentNarratives: narratives.map((entry) => ({
				...entry,
				sentences:
					mode === "high"
						? entry.sentences.filter((sentence) => isSupported(sentence) || isUncited(sentence))
						: entry.sentences,
			})),
			unsupportedClaims: unsupportedClaims.filter((claim) => !byId.has(claim.findingId)),
			fabricatedUrls: verification.fabricatedUrls,
			rawOutputs: boundRawOutputs(input.rawOutputs),
		},
	};
	return ReportSchema.parse(report);
}

function isSupported(sentence: CheckedSentence): boolean {
	return sentence.verdict === "supported";
}

/** A sentence that only restates uncited findings: kept and labelled, never verified. */
function isUncited(sentence: CheckedSentence): boolean {
	return sentence.uncitedFindingIds.length > 0;
}

function toReportCitation(citation: CheckedCitation): ReportCitation {
	const verbatim = citation.check === "verbatim";
	return {
		sourceId: citation.sourceId,
		url: citation.url,
		quote: verbatim && citation.sourceText !== null ? citation.sourceText : citation.quote,
		agentQuote: citation.quote,
		verified: citation.verified,
		check: citation.check,
		nearestPassage: citation.check === "altered" ? citation.sourceText : null,
		spans: citation.spans,
		sha256: citation.sha256,
		similarity: citation.similarity,
	};
}

function toReportFinding(finding: MergedFinding): ReportFinding {
	const citations = finding.citations.map(toReportCitation);
	const { verdict } = finding.support;
	return {
		id: finding.id,
		title: finding.title,
		claim: finding.claim,
		subQuestion: finding.subQuestion,
		confidence: finding.confidence,
		weight: finding.weight,
		supportingAgents: finding.supportingAgents,
		independentSources: finding.independentSources.length,
		sources: [...new Set(citations.filter((c) => c.verified).map((c) => c.sourceId))],
		citations,
		support: finding.support,
		flag: finding.uncited
			? "uncited"
			: verdict === "supported"
				? "verified"
				: verdict === "partial"
					? "partial"
					: "unverified",
	};
}

function toEvidenceFinding(finding: ReportFinding): EvidenceFinding {
	return {
		id: finding.id,
		claim: finding.claim,
		evidence: finding.citations.filter((c) => c.verified).map((c) => c.quote),
		sources: finding.sources,
	};
}

function conflictSide(finding: ReportFinding): DivergentView["sideA"] {
	return { findingId: finding.id, title: finding.title, claim: finding.claim, citations: finding.citations };
}

function toUnsupportedClaim(finding: MergedFinding): UnsupportedClaim {
	const failed = whyCitationsFailed(finding.citations);
	return {
		findingId: finding.id,
		title: finding.title,
		claim: finding.claim,
		agents: finding.supportingAgents,
		verdict: finding.support.verdict,
		why: [`${VERDICT_DESCRIPTIONS[finding.support.verdict]}: ${finding.support.reason}`, failed]
			.filter((part) => part !== "")
			.join("; "),
	};
}

/**
 * Each failed citation check in words with how many citations it hit, e.g.
 * "quote differs from the source's text (2 citations); cites a URL the job never retrieved (1 citation)".
 */
function whyCitationsFailed(citations: CheckedCitation[]): string {
	const counts = new Map<CitationCheck, number>();
	for (const citation of citations) {
		if (!citation.verified) counts.set(citation.check, (counts.get(citation.check) ?? 0) + 1);
	}
	return [...counts]
		.map(([check, n]) => `${CHECK_DESCRIPTIONS[check]} (${plural(n, "citation")})`)
		.join("; ");
}

/**
 * The answer, part by part of the task (`subQuestionsOf`): for each part its heaviest supported
 * finding, and a second one resting on another source when there is one. A finding answers the part
 * its agent named, else the part whose focus words its claim shares most. A task of one part gets its
 * heaviest supported findings. Parts no supported finding answers are returned as `unanswered`.
 */
function answerSentences(
	task: string,
	supported: ReportFinding[],
): { answer: Report["executiveSummary"]["answer"]; unanswered: string[] } {
	const parts = subQuestionsOf(task);
	const toEntry = (finding: ReportFinding, subQuestion: string | null) => ({
		subQuestion,
		sentence: oneLine(finding.claim),
		findingId: finding.id,
		sources: finding.sources,
	});
	if (parts.length <= 1) {
		return {
			answer: supported.slice(0, KEY_FINDING_LIMIT).map((f) => toEntry(f, f.subQuestion)),
			unanswered: [],
		};
	}
	const partOf = (finding: ReportFinding): SubQuestion | undefined => {
		const named = parts.find((part) => part.text === finding.subQuestion);
		if (named !== undefined) return named;
		const words = new Set(tokenize(finding.claim));
		let best: SubQuestion | undefined;
		let bestShared = 0;
		for (const part of parts) {
			const shared = part.focus.filter((term) => words.has(term)).length;
			if (shared > bestShared) {
				best = part;
				bestShared = shared;
			}
		}
		return best;
	};
	const byPart = new Map<SubQuestion, ReportFinding[]>();
	for (const finding of supported) {
		const part = partOf(finding);
		if (part === undefined) continue;
		const chosen = byPart.get(part) ?? [];
		const newSource = chosen.every(
			(other) => !other.sources.some((label) => finding.sources.includes(label)),
		);
		if (chosen.length === 0 || (chosen.length < ANSWER_SENTENCES_PER_PART && newSource)) {
			byPart.set(part, [...chosen, finding]);
		}
	}
	return {
		answer: parts.flatMap((part) => (byPart.get(part) ?? []).map((finding) => toEntry(finding, part.text))),
		unanswered: parts.filter((part) => !byPart.has(part)).map((part) => part.text),
	};
}

/** A sentence with its source labels, e.g. "COP fell below 2 at −15 °C. [S1, S3]". */
export function citedSentence(sentence: string, sources: readonly string[]): string {
	return sources.length === 0 ? sentence : `${sentence} [${sources.join(", ")}]`;
}

function answerParagraph(
	answer: Report["executiveSummary"]["answer"],
	unanswered: readonly string[],
): string {
	if (answer.length === 0)
		return "No finding is supported by a verbatim quote, so the report cannot answer the task.";
	const gaps = unanswered.map((part) => `No supported finding answers “${part}”`);
	return [
		...answer.map((entry) => citedSentence(entry.sentence, entry.sources)),
		...gaps.map((gap) => `${gap}.`),
	].join(" ");
}

/**
 * The synthesizer's supported sentences that do more than repeat a finding's claim. In goal mode the
 * master synthesizer (a synthesizer of no sub-swarm) speaks for the whole job, so it comes first.
 */
function synthesisSentences(
	narratives: { taskId: string; role: AgentNarrative["role"]; sentences: CheckedSentence[] }[],
	goal: ReportInput["goal"],
	findings: readonly ReportFinding[],
): CheckedSentence[] {
	const subSwarmTasks = new Set(goal?.subgoals.flatMap((subgoal) => subgoal.taskIds));
	const syntheses = narratives.filter((entry) => entry.role === "synthesizer");
	const synthesis = syntheses.find((entry) => !subSwarmTasks.has(entry.taskId)) ?? syntheses[0];
	if (synthesis === undefined) return [];
	// A sentence that only repeats a finding's claim adds nothing the answer and the findings do not say.
	const restates = (text: string) =>
		findings.some((finding) =>
			text.toLowerCase().includes(finding.claim.replace(/[.!]$/u, "").toLowerCase()),
		);
	return synthesis.sentences
		.filter((sentence) => isSupported(sentence) && !restates(sentence.text))
		.slice(0, SUMMARY_SYNTHESIS_SENTENCES);
}

function synthesisParagraph(sentences: CheckedSentence[]): string {
	return sentences.map((sentence) => citedSentence(sentence.text, sentence.sources)).join(" ");
}

function toPlanNode(task: TaskView): PlanNode {
	const { id, role, phase, dependsOn, status, attempts } = task;
	return { id, role, phase, dependsOn, status, attempts };
}

/** A task's performance row; `made` summarizes its findings, absent when it made none. */
function toAgentRun(task: TaskView, made: AgentFindingSummary | undefined): AgentRun {
	const { usage } = task;
	const verdicts = made ?? NO_FINDINGS;
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
		findings: {
			made: verdicts.findings,
			supported: verdicts.supported,
			partial: verdicts.partial,
			unsupported: verdicts.unsupported,
			contradicted: verdicts.contradicted,
			uncited: verdicts.uncited,
		},
		statedConfidence: verdicts.statedConfidence,
		confidence: agentConfidence(verdicts),
	};
}

const NO_FINDINGS: Omit<AgentFindingSummary, "taskId"> = {
	findings: 0,
	supported: 0,
	partial: 0,
	unsupported: 0,
	contradicted: 0,
	uncited: 0,
	statedConfidence: null,
};

/** Every retrieved source under its job label, in label order; `cited` when a body finding cites it verbatim. */
function reportSources(findings: ReportFinding[], sources: SourceRecord[]): ReportSource[] {
	const cited = new Set(findings.flatMap((finding) => finding.sources));
	return sources
		.filter((source) => source.status === "retrieved")
		.sort((a, b) => labelNumber(a.id) - labelNumber(b.id))
		.map((source) => ({
			id: source.id,
			title: source.title,
			url: source.url,
			sha256: source.sha256,
			retrievedAt: source.retrievedAt,
			cited: cited.has(source.id),
		}));
}

function labelNumber(label: string): number {
	return Number(/\d+/.exec(label)?.[0] ?? Number.MAX_SAFE_INTEGER);
}

function verificationRule(mode: AntiHallucination, citations: boolean): string {
	return (
		"A quote counts only when it is verbatim in the stored snapshot of a source this job retrieved " +
		"(after normalising whitespace, Unicode quote and dash forms, entities, soft hyphens, footnote markers " +
		"and marked elisions); one changed word makes it altered, not verified. Each claim is then judged " +
		"against its verbatim quotes: every number, unit, name and negation in the claim must be in them. " +
		"A cited URL the job never retrieved is treated as fabricated and is never listed as a source. " +
		`Anti-hallucination is ${mode}: ${UNSUPPORTED_HANDLING[mode]}.` +
		(citations ? "" : ` ${CITATIONS_NOT_REQUIRED}`)
	);
}

/** "Citations were not required for this job: 2 findings carry none; …", for the executive summary. */
function uncitedParagraph(uncited: number): string {
	if (uncited === 0) return "Citations were not required for this job, yet every finding carries one.";
	const one = uncited === 1;
	return (
		`Citations were not required for this job: ${plural(uncited, "finding")} ${one ? "carries" : "carry"} none, ` +
		`${one ? "is" : "are"} labelled uncited and ${one ? "was" : "were"} not checked against any source.`
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
	for (const warning of metrics.pricing?.warnings ?? []) {
		sentences.push(`${warning.kind === "unpriced" ? "Cost unknown" : "Cost estimated"}: ${warning.message}.`);
	}
	for (const fallback of metrics.fallbacks) {
		const why =
			fallback.reason === "rate_limited"
				? "which was rate-limited (HTTP 429 after every retry) at the time"
				: "which was failing at the time";
		sentences.push(`${fallback.taskId} ran on ${fallback.to} instead of ${fallback.from}, ${why}.`);
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
	notSupportedCount: number,
	consensus: number,
	divergent: number,
): string {
	if (verification.claimsTotal === 0) return "The agents made no claims, so nothing could be verified.";
	const sentences = [
		`${verification.claimsSupported} of ${plural(verification.claimsTotal, "finding")} are supported by ` +
			`verbatim quotes of retrieved sources (grounding ${formatPercent(verification.groundingScore)}); ` +
			`${verification.citationsVerified} of ${plural(verification.citationsTotal, "citation")} are verbatim.`,
		`${plural(consensus, "finding")} ${consensus === 1 ? "rests" : "rest"} on two or more independent sources; ` +
			`${plural(divergent, "pair")} of supported findings disagree.`,
	];
	const fabricated = verification.fabricatedUrls.length;
	if (fabricated > 0) {
		sentences.push(
			`${plural(fabricated, "cited URL")} the job never retrieved ${fabricated === 1 ? "is" : "are"} treated as fabricated.`,
		);
	}
	if (notSupportedCount > 0) {
		sentences.push(
			`Anti-hallucination is ${mode}: ${UNSUPPORTED_HANDLING[mode]} (${plural(notSupportedCount, "finding")} not fully supported).`,
		);
	}
	return sentences.join(" ");
}

function taskList(tasks: TaskView[]): string {
	return tasks.map((task) => `${task.role} (${task.id})`).join(", ");
}

/** The report's tables and methodology facts as plain text, built once for both renderers. */

import { formatDuration } from "../lib/duration";
import { CONFIDENCE_FORMULAS, FINDING_SCORES } from "./confidence";
import { RAW_OUTPUT_CHARS_PER_AGENT, RAW_OUTPUT_CHARS_PER_REPORT } from "./raw-outputs";
import type { Report } from "./report-schema";
import { formatCount, formatPercent, formatUsd, plural, QUALITY_FORMULAS } from "./report-text";

/** A table as plain text; each renderer escapes the cells for its own format. */
export type TextTable = { caption: string; headers: string[]; rows: string[][] };

/** Citation and claim counts of the verification section. */
export function verificationTable(report: Report): TextTable {
	const v = report.verification;
	return {
		caption: "Citation and claim counts",
		headers: ["Measure", "Value"],
		rows: [
			["Citations", formatCount(v.citationsTotal)],
			["Verified citations", formatCount(v.citationsVerified)],
			["Altered quotes (not verified)", formatCount(v.alteredQuotes)],
			["Quote not found", formatCount(v.quoteNotFound)],
			["Unknown source", formatCount(v.unknownSource)],
			["Unreachable source", formatCount(v.sourceUnreachable)],
			["Fabricated URLs", formatCount(v.fabricatedUrls.length)],
			["Findings (after merging)", formatCount(v.claimsTotal)],
			["Supported", formatCount(v.claimsSupported)],
			["Partly supported", formatCount(v.claimsPartial)],
			["Unsupported", formatCount(v.claimsUnsupported)],
			["Contradicted by their quotes", formatCount(v.claimsContradicted)],
			...(report.config.citations
				? []
				: [["Uncited (citations not required; never checked)", formatCount(v.claimsUncited)]]),
			["Grounding (supported / all findings)", formatPercent(v.groundingScore)],
			[
				"Narrative sentences supported / checked",
				`${formatCount(v.narrativeSentencesSupported)} / ${formatCount(v.narrativeSentences)}`,
			],
			...(report.config.citations
				? []
				: [["Narrative sentences uncited", formatCount(v.narrativeSentencesUncited)]]),
		],
	};
}

/** The quality score components. */
export function qualityTable(report: Report): TextTable {
	const q = report.quality;
	return {
		caption: "Quality score components, each from 0 to 1",
		headers: ["Component", "Score", "How it is computed"],
		rows: [
			["Grounding", q.grounding.toFixed(2), QUALITY_FORMULAS.grounding],
			["Citations", q.citations.toFixed(2), QUALITY_FORMULAS.citations],
			["Depth", q.depth.toFixed(2), QUALITY_FORMULAS.depth],
			["Corroboration", q.corroboration.toFixed(2), QUALITY_FORMULAS.corroboration],
			["Source coverage", q.sourceCoverage.toFixed(2), QUALITY_FORMULAS.sourceCoverage],
			["Completeness", q.completeness.toFixed(2), QUALITY_FORMULAS.completeness],
			["Overall", q.overall.toFixed(2), QUALITY_FORMULAS.overall],
		],
	};
}

/** The overall confidence with its formula, and the finding counts it is computed from. */
export function confidenceTable(report: Report): TextTable {
	const { overall, findings, ...counts } = report.confidence;
	const scored: Record<keyof typeof counts, [string, string]> = {
		corroborated: [
			"Corroborated",
			`supported by 2 or more independent sources, uncontested: ${FINDING_SCORES.corroborated} each`,
		],
		singleSource: [
			"Single-source",
			`supported by one independent source, uncontested: ${FINDING_SCORES.singleSource} each`,
		],
		contested: [
			"Contested",
			`supported, but contradicted by another supported finding: ${FINDING_SCORES.contestedOrPartial} each`,
		],
		partial: ["Partly supported", `${FINDING_SCORES.contestedOrPartial} each`],
		unbacked: ["Unsupported, contradicted or uncited", "0 each"],
	};
	return {
		caption: "Overall confidence, from 0 to 1, and the findings it is computed from",
		headers: ["Measure", "Value", "How it counts"],
		rows: [
			["Overall confidence", overall.toFixed(2), CONFIDENCE_FORMULAS.overall],
			...Object.entries(scored).map(([key, [label, how]]) => [
				label,
				formatCount(counts[key as keyof typeof counts]),
				how,
			]),
			["Findings", formatCount(findings), "after merging, whether or not the body shows them"],
		],
	};
}

/**
 * This job's own lesson as label and sentence pairs: the strategy it ran, its reward with its formula,
 * and the challenges it met. Its improvements are a list of their own.
 */
export function lessonFacts(report: Report): { label: string; text: string }[] {
	const { strategy, reward, critique } = report.learningPatterns.thisJob;
	const components = Object.entries(reward.components)
		.map(([name, value]) => `${name} ${value.toFixed(2)}`)
		.join(", ");
	return [
		{
			label: "Strategy",
			text:
				`${strategy.swarmSize} agents (${strategy.roles.join(", ")}) on ${strategy.provider}` +
				`${strategy.model === null ? "" : ` (model ${strategy.model})`}, focus ${strategy.focus}, depth ${strategy.depth}`,
		},
		{
			label: "Reward",
			text:
				`${reward.value.toFixed(2)} = ${reward.formula}, with ${components}; ` +
				(reward.success ? "a success, so later similar jobs may adopt this strategy" : "not a success"),
		},
		{ label: "Challenges", text: critique === "" ? "none found" : critique },
	];
}

/** The learned patterns the job applied; null when it applied none. */
export function learningTable(report: Report): TextTable | null {
	const { patternsUsed } = report.learningPatterns;
	if (patternsUsed.length === 0) return null;
	return {
		caption: "Learned patterns applied to this job",
		headers: ["Pattern", "Learned from", "Reward", "What it changed"],
		rows: patternsUsed.map((pattern) => [
			pattern.id,
			pattern.task,
			pattern.reward.toFixed(2),
			pattern.changed.length > 0 ? pattern.changed.join("; ") : "nothing",
		]),
	};
}

/** Job totals: durations, phases, usage, cost, provider latency percentiles, errors and retries. */
export function metricsTable(report: Report): TextTable {
	const { metrics } = report.performance;
	const { usage, phases, agents } = metrics;
	const latency = metrics.providerLatencyMs;
	return {
		caption: "Job totals",
		headers: ["Metric", "Value"],
		rows: [
			["Total duration", formatDuration(metrics.durationMs)],
			["Queued", formatDuration(phases.queuedMs)],
			["Planning", formatDuration(phases.planningMs)],
			["Running agents", formatDuration(phases.runningMs)],
			["Synthesizing", formatDuration(phases.synthesizingMs)],
			["Input tokens", formatCount(usage.inputTokens)],
			["Output tokens", formatCount(usage.outputTokens)],
			[
				"Cache read / write tokens",
				`${formatCount(usage.cacheReadTokens)} / ${formatCount(usage.cacheWriteTokens)}`,
			],
			["Search calls", formatCount(usage.searchCalls)],
			["Cost", formatUsd(usage.costUsd)],
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
				[agents.planned, agents.completed, agents.failed, agents.skipped].join(" / "),
			],
		],
	};
}

/** Usage per provider, by provider name; null when no provider was called. */
export function providerTable(report: Report): TextTable | null {
	const providers = Object.entries(report.performance.metrics.usageByProvider).sort(([a], [b]) =>
		a < b ? -1 : a > b ? 1 : 0,
	);
	if (providers.length === 0) return null;
	return {
		caption: "Usage by provider",
		headers: ["Provider", "Input tokens", "Output tokens", "Search calls", "Cost"],
		rows: providers.map(([provider, usage]) => [
			provider,
			formatCount(usage.inputTokens),
			formatCount(usage.outputTokens),
			formatCount(usage.searchCalls),
			formatUsd(usage.costUsd),
		]),
	};
}

/**
 * One row per planned task: status, attempts, duration, tokens, cost, provider, its findings and its
 * confidence (formula in `CONFIDENCE_FORMULAS.agent`, which the caption states).
 */
export function agentRunTable(report: Report): TextTable {
	return {
		caption: `Usage, timing and confidence by agent; confidence = ${CONFIDENCE_FORMULAS.agent}`,
		headers: [
			"Task",
			"Role",
			"Status",
			"Attempts",
			"Duration",
			"Tokens",
			"Cost",
			"Provider",
			"Findings supported / made",
			"Confidence",
		],
		rows: report.performance.agentRuns.map((run) => [
			run.taskId,
			run.role,
			run.status,
			String(run.attempts),
			formatDuration(run.durationMs),
			formatCount(run.tokens),
			formatUsd(run.costUsd),
			[run.provider, run.model].filter((part) => part !== null).join(" ") || "n/a",
			`${formatCount(run.findings.supported)} / ${formatCount(run.findings.made)}`,
			run.confidence === null ? "n/a" : run.confidence.toFixed(2),
		]),
	};
}

/** Tasks that failed (or were skipped), with their error; null when there are none. */
export function failuresTable(report: Report): TextTable | null {
	const { failures } = report.appendix;
	if (failures.length === 0) return null;
	return {
		caption: "Tasks that did not deliver",
		headers: ["Task", "Role", "Error"],
		rows: failures.map((failure) => [failure.taskId, failure.role, failure.error]),
	};
}

/** Sources that could not be fetched; null when every source was retrieved. */
export function unreachableTable(report: Report): TextTable | null {
	if (report.unreachableSources.length === 0) return null;
	return {
		caption: "Sources that could not be fetched",
		headers: ["Title", "URL", "Error"],
		rows: report.unreachableSources.map((source) => [
			source.title,
			source.url ?? "none",
			source.error ?? "unknown",
		]),
	};
}

/** What the analyzer read in the task and why the job has its size, in one sentence. */
function analysisText(analysis: Report["config"]["analysis"]): string {
	const basis =
		analysis.basis === "task"
			? "No depth was given, so the task's wording set the complexity"
			: "The request's depth set the complexity";
	return `${basis}. The analyzer read: ${analysis.reasons.join("; ")} (score ${analysis.score}).`;
}

/**
 * The job's provider and model, then each provider that took tasks over from it and why (rate-limited,
 * or failing), from the job's fallbacks.
 * @example providerText(report) // "anthropic (model claude-sonnet-5-5); anthropic was rate-limited (HTTP 429 after every retry), so openai ran explorer, synthesizer"
 */
export function providerText(report: Report): string {
	const { config } = report;
	const own = config.model === null ? config.provider : `${config.provider} (model ${config.model})`;
	const moves = new Map<string, { from: string; to: string; rateLimited: boolean; tasks: string[] }>();
	for (const fallback of report.performance.metrics.fallbacks) {
		const rateLimited = fallback.reason === "rate_limited";
		const key = JSON.stringify([fallback.from, fallback.to, rateLimited]);
		const move = moves.get(key) ?? { from: fallback.from, to: fallback.to, rateLimited, tasks: [] };
		if (!move.tasks.includes(fallback.taskId)) move.tasks.push(fallback.taskId);
		moves.set(key, move);
	}
	const notes = [...moves.values()].map(
		({ from, to, rateLimited, tasks }) =>
			`${from} was ${rateLimited ? "rate-limited (HTTP 429 after every retry)" : "failing"}, so ${to} ran ${tasks.join(", ")}`,
	);
	return [own, ...notes].join("; ");
}

/** The methodology facts as label and sentence pairs, in display order. */
export function methodologyFacts(report: Report): { label: string; text: string }[] {
	const { config, methodology: method } = report;
	return [
		{ label: "Swarm", text: `${method.swarmSize} agents (${method.roles.join(", ")})` },
		{
			label: "Depth",
			text: `${config.depth} (complexity ${config.complexity}, task type ${config.taskType}, focus ${config.focus})`,
		},
		{ label: "Task analysis", text: analysisText(config.analysis) },
		{
			label: "Time budget",
			text: `${config.timeMinutes} min; at most ${config.maxConcurrent} agents at once; second pass ${config.secondPass ? "on" : "off"}`,
		},
		{ label: "Provider", text: providerText(report) },
		{
			label: "Sources",
			text: `${method.sources.retrieved} retrieved, ${method.sources.unreachable} unreachable`,
		},
		{
			label: "Citations",
			text: config.citations
				? "required: a finding without a verified citation is not verified"
				: "not required for this job: findings without one are kept and labelled uncited",
		},
		{ label: "Verification", text: method.verificationRule },
	];
}

/** Where the agents' raw outputs are: only the JSON report carries them, so the renderings say so. */
export function rawOutputsNote(report: Report): string {
	const outputs = report.appendix.rawOutputs;
	if (outputs.length === 0) return "No agent returned output.";
	const cut = outputs.filter((output) => output.truncated || output.findingsOmitted > 0).length;
	return (
		`The JSON report (appendix.rawOutputs) holds ${plural(outputs.length, "agent output")} as the agents returned them, ` +
		`before checking, each within min(${formatCount(RAW_OUTPUT_CHARS_PER_AGENT)}, ` +
		`${formatCount(RAW_OUTPUT_CHARS_PER_REPORT)} / ${outputs.length}) characters; ` +
		`${cut} ${cut === 1 ? "was" : "were"} cut to fit. This rendering does not repeat them.`
	);
}

/** One agent run as the agent breakdown states it: its facts line and its checked narrative. */
export type AgentRunDigest = {
	run: Report["performance"]["agentRuns"][number];
	/** "Status completed · 1 attempt · 4 findings in the report" */
	facts: string;
	sentences: Report["appendix"]["agentNarratives"][number]["sentences"];
};

/** Each agent run with the number of report findings it supports and its checked narrative sentences. */
export function agentRunDigests(report: Report): AgentRunDigest[] {
	return report.performance.agentRuns.map((run) => {
		const made = report.findings.filter((finding) =>
			finding.supportingAgents.some((agent) => agent.taskId === run.taskId),
		).length;
		return {
			run,
			facts: `Status ${run.status} · ${plural(run.attempts, "attempt")} · ${plural(made, "finding")} in the report`,
			sentences: report.appendix.agentNarratives
				.filter((entry) => entry.taskId === run.taskId)
				.flatMap((entry) => entry.sentences),
		};
	});
}

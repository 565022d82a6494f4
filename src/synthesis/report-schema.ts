/**
 * The research report as data: the JSON the API serves and the single input of the Markdown and HTML
 * renderers. Everything a rendering shows is in here, so the three formats never disagree.
 *
 * The section titles, citation-check wording and number formats shared by the builder and both
 * renderers live at the end of this module.
 */
import { z } from "zod";
import {
	ComplexitySchema,
	EffectiveConfigSchema,
	JobMetricsSchema,
	PhaseSchema,
	RoleSchema,
	TaskStatusSchema,
} from "../protocol";
import type { CitationCheck } from "./types";

/** Bumped whenever a field is renamed, removed or changes meaning. */
export const REPORT_SCHEMA_VERSION = 1;

const unitInterval = z.number().min(0).max(1);
const count = z.int().nonnegative();

export const CitationCheckSchema = z
	.enum([
		"exact",
		"fuzzy",
		"quote_not_found",
		"quote_too_short",
		"unknown_source",
		"source_unreachable",
		"url_not_retrieved",
	])
	.describe("Outcome of checking the quote against the stored snapshot; only exact and fuzzy are verified.");

export const ReportCitationSchema = z.object({
	ref: z
		.string()
		.describe("Label renderings show for the citation: C1…Cn in the order the findings list them."),
	sourceId: z.string().describe("Id of the job source the agent cited."),
	url: z
		.string()
		.nullable()
		.describe("URL the agent gave for the citation, as given; it is a link only when listed in `sources`."),
	quote: z.string().describe("The passage the agent quoted as support."),
	verified: z.boolean().describe("True when the quote was found in a snapshot of a retrieved source."),
	check: CitationCheckSchema,
	matchScore: unitInterval.describe("Similarity of the best matching passage in the snapshot, 0 to 1."),
});
export type ReportCitation = z.infer<typeof ReportCitationSchema>;

export const SupportingAgentSchema = z.object({
	taskId: z.string().describe("Plan task that made the finding."),
	role: RoleSchema.describe("Role of that task's agent."),
});

export const ReportFindingSchema = z.object({
	id: z.string().describe("Stable id of the merged finding within this job."),
	title: z.string().describe("Short title of the finding."),
	claim: z.string().describe("The claim, in the words of the first agent that made it."),
	confidence: unitInterval.describe("Mean confidence of the agents that made the claim."),
	weight: z.number().nonnegative().describe("Confidence × number of distinct supporting agents."),
	supportingAgents: z.array(SupportingAgentSchema).describe("Agents that made this claim."),
	citations: z.array(ReportCitationSchema).describe("Citations, verified ones first."),
	flag: z
		.enum(["verified", "unverified"])
		.describe(
			"`verified` when at least one citation is verified; `unverified` findings appear only below high.",
		),
});
export type ReportFinding = z.infer<typeof ReportFindingSchema>;

export const ConflictSideSchema = z.object({
	findingId: z.string().describe("Id of the finding on this side."),
	title: z.string().describe("Title of that finding."),
	claim: z.string().describe("Claim of that finding."),
	citations: z.array(ReportCitationSchema).describe("Citations of that finding."),
});

export const DivergentViewSchema = z.object({
	topic: z.array(z.string()).describe("Words both claims share, which put them on the same subject."),
	reason: z
		.enum(["negation", "numeric"])
		.describe("`negation`: one claim denies the other; `numeric`: they give different numbers."),
	sideA: ConflictSideSchema,
	sideB: ConflictSideSchema,
});
export type DivergentView = z.infer<typeof DivergentViewSchema>;

export const UnsupportedClaimSchema = z.object({
	findingId: z.string().describe("Id of the merged finding."),
	title: z.string().describe("Title of the finding."),
	claim: z.string().describe("The claim no verified citation backs."),
	agents: z.array(SupportingAgentSchema).describe("Agents that made the claim."),
	why: z.string().describe("What went wrong with each of its citations, in words."),
});
export type UnsupportedClaim = z.infer<typeof UnsupportedClaimSchema>;

export const PlanNodeSchema = z.object({
	id: z.string().describe("Task id."),
	role: RoleSchema,
	phase: PhaseSchema,
	dependsOn: z.array(z.string()).describe("Ids of the tasks whose output this task waited for."),
	status: TaskStatusSchema,
	attempts: count.describe("Attempts dispatched for the task."),
});
export type PlanNode = z.infer<typeof PlanNodeSchema>;

export const AgentRunSchema = z.object({
	taskId: z.string().describe("Task id."),
	role: RoleSchema,
	status: TaskStatusSchema,
	attempts: count.describe("Attempts dispatched for the task."),
	durationMs: z
		.number()
		.nonnegative()
		.nullable()
		.describe("Start to finish of the last attempt; null if it never ran."),
	tokens: count.describe("Input + output + cache-read + cache-write tokens over all attempts."),
	costUsd: z.number().nonnegative().describe("Provider cost of the task in US dollars."),
	provider: z.string().nullable().describe("Provider that ran the task."),
	model: z.string().nullable().describe("Model that ran the task."),
});
export type AgentRun = z.infer<typeof AgentRunSchema>;

export const ReportSourceSchema = z.object({
	ref: z.string().describe("Label renderings show for the source: S1…Sn in list order."),
	id: z.string().describe("Source id, as cited."),
	title: z.string().describe("Source title."),
	url: z.string().nullable().describe("Retrieved URL; null for text attached to the request."),
	sha256: z.string().nullable().describe("SHA-256 of the stored snapshot the quotes were checked against."),
});
export type ReportSource = z.infer<typeof ReportSourceSchema>;

export const UnreachableSourceSchema = z.object({
	id: z.string().describe("Source id."),
	title: z.string().describe("Source title."),
	url: z.string().nullable().describe("URL that could not be fetched; never rendered as a link."),
	error: z.string().nullable().describe("Why the fetch failed."),
});
export type UnreachableSource = z.infer<typeof UnreachableSourceSchema>;

export const VerificationSummarySchema = z.object({
	citationsTotal: count.describe("Citations made by all agents."),
	citationsVerified: count.describe("Citations whose quote was found in a retrieved source."),
	exactMatches: count.describe("Verified citations found verbatim (after normalization)."),
	fuzzyMatches: count.describe("Verified citations found by fuzzy match."),
	quoteNotFound: count.describe("Citations of a retrieved source whose quote is not in it."),
	unknownSource: count.describe("Citations of a source id the job does not have."),
	fabricatedUrls: z.array(z.string()).describe("Cited URLs the job never retrieved."),
	claimsTotal: count.describe("Merged claims."),
	claimsSupported: count.describe("Merged claims with at least one verified citation."),
	claimsUnsupported: count.describe("Merged claims without a verified citation."),
	groundingScore: unitInterval.describe("claimsSupported / claimsTotal; 0 when there are no claims."),
});

export const QualityScoreSchema = z.object({
	depth: unitInterval.describe("Depth component, 0 to 1 (formula in docs/architecture.md)."),
	citations: unitInterval.describe("Citation component, 0 to 1 (formula in docs/architecture.md)."),
	novelty: unitInterval.describe("Novelty component, 0 to 1 (formula in docs/architecture.md)."),
	completeness: unitInterval.describe("Completeness component, 0 to 1 (formula in docs/architecture.md)."),
	overall: unitInterval.describe("Overall quality, 0 to 1, combining the components."),
});

export const LearningSectionSchema = z.object({
	patternsUsed: z
		.array(
			z.object({
				id: z.string().describe("Pattern id."),
				task: z.string().describe("Task of the earlier job the pattern was learned from."),
				reward: z.number().describe("Reward that earlier job earned."),
				changed: z.array(z.string()).describe("What the pattern changed in this job's plan or prompts."),
			}),
		)
		.describe("Learned patterns this job retrieved and applied."),
	note: z.string().describe("Free-form note from the learning step."),
});

export const CriterionVerdictSchema = z.object({
	criterion: z.string().describe("The success criterion, as the decomposition stated it."),
	met: z.boolean().describe("Whether the sub-goal's verified findings meet the criterion."),
	why: z.string().describe("The verdict in plain words, naming the topic and the findings it rests on."),
	evidence: z
		.array(z.string())
		.describe("Ids of the verified findings of the sub-goal on the criterion's topic."),
});
export type CriterionVerdict = z.infer<typeof CriterionVerdictSchema>;

export const SubgoalSectionSchema = z.object({
	id: z.string().describe("Sub-goal id, e.g. g1; its tasks are prefixed with it (g1/explorer)."),
	description: z.string().describe("What the sub-goal researches."),
	complexity: ComplexitySchema.describe("Complexity the sub-swarm was sized from."),
	dependsOn: z.array(z.string()).describe("Ids of the sub-goals whose findings this one built on."),
	taskIds: z.array(z.string()).describe("Tasks of the sub-goal's sub-swarm."),
	criteria: z.array(CriterionVerdictSchema).describe("Each success criterion with its verdict."),
	criteriaMet: count.describe("How many of the criteria are met."),
	findingIds: z
		.array(z.string())
		.describe("Ids of the body findings its agents made (alone or with others), in body order."),
});
export type SubgoalSection = z.infer<typeof SubgoalSectionSchema>;

export const SharedFindingSchema = z.object({
	findingId: z.string().describe("Id of a verified finding that agents of several sub-goals made."),
	subgoalIds: z.array(z.string()).describe("The sub-goals whose agents made it, in plan order."),
});
export type SharedFinding = z.infer<typeof SharedFindingSchema>;

export const SubgoalConflictSideSchema = z.object({
	findingId: z.string().describe("Id of the finding on this side."),
	subgoalIds: z.array(z.string()).describe("Sub-goals whose agents made it, in plan order."),
});

export const SubgoalConflictSchema = z.object({
	topic: z.array(z.string()).describe("Words both claims share, which put them on the same subject."),
	reason: z
		.enum(["negation", "numeric"])
		.describe("`negation`: one claim denies the other; `numeric`: they give different numbers."),
	sideA: SubgoalConflictSideSchema,
	sideB: SubgoalConflictSideSchema,
});
export type SubgoalConflict = z.infer<typeof SubgoalConflictSchema>;

export const CrossSubgoalInsightsSchema = z.object({
	sharedFindings: z.array(SharedFindingSchema).describe("Verified findings made in two or more sub-goals."),
	conflicts: z
		.array(SubgoalConflictSchema)
		.describe("Contradicting verified findings whose sides come from different sub-goals."),
});
export type CrossSubgoalInsights = z.infer<typeof CrossSubgoalInsightsSchema>;

export const GoalSectionSchema = z.object({
	goal: z.string().describe("The goal as submitted."),
	executiveSummary: z
		.string()
		.describe("Plain-text summary across sub-goals; paragraphs separated by blank lines."),
	plan: z
		.object({
			levels: z
				.array(z.array(z.string()))
				.describe("Sub-goal ids level by level; the sub-goals of one level could run at once."),
			explanation: z.array(z.string()).describe("The planner's explanation, one line per step."),
		})
		.describe("The GOAP plan that ordered the sub-goals."),
	subgoals: z.array(SubgoalSectionSchema).describe("One entry per sub-goal, in plan order."),
	crossSubgoalInsights: CrossSubgoalInsightsSchema.describe(
		"Findings shared between sub-goals and contradictions between them.",
	),
});
export type GoalSection = z.infer<typeof GoalSectionSchema>;

export const ReportSchema = z.object({
	schemaVersion: z.literal(REPORT_SCHEMA_VERSION).describe("Version of this schema."),
	jobId: z.string().describe("Job the report belongs to."),
	task: z.string().describe("The research task as submitted."),
	completeness: z
		.enum(["complete", "partial"])
		.describe("`partial` when the job hit its deadline or lost agents before finishing."),
	generatedAt: z.number().describe("Completion time of the job, ms since the epoch."),
	config: EffectiveConfigSchema.describe("Configuration the job ran with."),
	executiveSummary: z
		.object({
			text: z.string().describe("Plain-text summary; paragraphs separated by blank lines."),
			keyFindings: z.array(z.string()).describe("Ids of the heaviest verified findings, heaviest first."),
		})
		.describe("What a reader needs first."),
	goal: GoalSectionSchema.nullable().describe(
		"The master-report part of a goal-mode job (sub-goals, plan, criteria verdicts); null in direct mode.",
	),
	methodology: z
		.object({
			swarmSize: count.describe("Number of agents the job was sized for."),
			roles: z.array(RoleSchema).describe("Distinct roles in the plan, in plan order."),
			plan: z.array(PlanNodeSchema).describe("The swarm's task DAG with the final state of each task."),
			sources: z
				.object({
					retrieved: count.describe("Sources fetched and stored."),
					unreachable: count.describe("Sources that could not be fetched."),
				})
				.describe("Source counts."),
			verificationRule: z
				.string()
				.describe("How citations were checked and what happens to unsupported claims."),
		})
		.describe("How the research was done."),
	findings: z.array(ReportFindingSchema).describe("Merged findings shown in the body, heaviest first."),
	crossAgentInsights: z
		.object({
			consensus: z.array(z.string()).describe("Ids of body findings two or more agents made."),
			divergentViews: z.array(DivergentViewSchema).describe("Body findings that contradict each other."),
			novelDiscoveries: z
				.array(z.string())
				.describe("Ids of verified body findings from one agent, citing sources no other agent cited."),
		})
		.describe("Where the agents agreed, disagreed, or found something alone."),
	verification: VerificationSummarySchema.extend({
		unsupportedClaims: z.array(UnsupportedClaimSchema).describe("Every claim without a verified citation."),
	}).describe("Citation checking results."),
	learningPatterns: LearningSectionSchema.describe("Learned patterns that shaped this job."),
	performance: z
		.object({
			metrics: JobMetricsSchema.describe("Job-level timings, usage, latency and error counts."),
			agentRuns: z.array(AgentRunSchema).describe("One row per planned task."),
		})
		.describe("Performance of the job."),
	quality: QualityScoreSchema.describe("Quality score of the aggregated findings."),
	sources: z
		.array(ReportSourceSchema)
		.describe("Retrieved sources backing at least one verified citation in the body, in citation order."),
	unreachableSources: z.array(UnreachableSourceSchema).describe("Sources that could not be fetched."),
	appendix: z
		.object({
			failures: z
				.array(z.object({ taskId: z.string(), role: RoleSchema, error: z.string() }))
				.describe("Tasks that failed, with their last error."),
			agentNarratives: z
				.array(z.object({ taskId: z.string(), role: RoleSchema, narrative: z.string() }))
				.describe("Each agent's own account of its work; not verified."),
			unsupportedClaims: z
				.array(UnsupportedClaimSchema)
				.describe("With anti-hallucination high: the claims removed from the body; otherwise empty."),
			fabricatedUrls: z.array(z.string()).describe("Cited URLs the job never retrieved."),
		})
		.describe("Supporting material."),
});
export type Report = z.infer<typeof ReportSchema>;

/** Top-level sections in the order every rendering shows them, with their anchor ids. */
export const REPORT_SECTIONS = [
	{ id: "executive-summary", title: "Executive Summary" },
	{ id: "methodology", title: "Methodology" },
	{ id: "detailed-findings", title: "Detailed Findings" },
	{ id: "cross-agent-insights", title: "Cross-Agent Insights" },
	{ id: "verification-report", title: "Verification Report" },
	{ id: "learning-patterns", title: "Learning Patterns" },
	{ id: "performance-metrics", title: "Performance Metrics" },
	{ id: "appendix", title: "Appendix" },
] as const;

/** Sections only a goal-mode report has; they follow the Executive Summary. */
export const GOAL_SECTIONS = [
	{ id: "goal-plan", title: "Goal Plan" },
	{ id: "sub-goals", title: "Sub-goals" },
	{ id: "cross-subgoal-insights", title: "Cross-Sub-goal Insights" },
] as const;
export type GoalSectionId = (typeof GOAL_SECTIONS)[number]["id"];
export type ReportSectionId = (typeof REPORT_SECTIONS)[number]["id"] | GoalSectionId;

/**
 * The top-level sections of this report in display order: `REPORT_SECTIONS`, with `GOAL_SECTIONS`
 * after the Executive Summary when the report is a goal-mode master report.
 * @example reportSections(directReport).length // 8
 */
export function reportSections(report: Report): { id: ReportSectionId; title: string }[] {
	if (report.goal === null) return [...REPORT_SECTIONS];
	const [summary, ...rest] = REPORT_SECTIONS;
	return [summary, ...GOAL_SECTIONS, ...rest];
}

/** A citation check in words, as the report states it. */
export const CHECK_DESCRIPTIONS: Record<CitationCheck, string> = {
	exact: "quote found verbatim",
	fuzzy: "quote found by fuzzy match",
	quote_not_found: "quote not found in the source snapshot",
	quote_too_short: "quote too short to check",
	unknown_source: "cites a source the job does not have",
	source_unreachable: "cited source could not be fetched",
	url_not_retrieved: "cites a URL the job never retrieved",
};

/**
 * A duration for people: milliseconds below a second, then seconds, minutes, hours.
 * @example formatDuration(83_000) // "1 min 23 s"
 */
export function formatDuration(ms: number | null): string {
	if (ms === null) return "n/a";
	if (ms < 1000) return `${Math.round(ms)} ms`;
	if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
	const totalSeconds = Math.round(ms / 1000);
	const hours = Math.floor(totalSeconds / 3600);
	const minutes = Math.floor((totalSeconds % 3600) / 60);
	const seconds = totalSeconds % 60;
	return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min ${seconds} s`;
}

/**
 * A ratio in [0, 1] as a whole percentage.
 * @example formatPercent(0.666) // "67%"
 */
export function formatPercent(ratio: number): string {
	return `${Math.round(ratio * 100)}%`;
}

/**
 * A dollar amount with four decimals, enough for per-call provider costs.
 * @example formatUsd(0.01234) // "$0.0123"
 */
export function formatUsd(amount: number): string {
	return `$${amount.toFixed(4)}`;
}

/**
 * An integer with thousands separators, independent of the runtime's locale.
 * @example formatCount(1234567) // "1,234,567"
 */
export function formatCount(value: number): string {
	return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * The href for a source URL if it may be a link: only http(s) URLs that parse, normalized by the
 * URL parser. Anything else (javascript:, data:, relative, malformed) gets null and stays text.
 * @example safeHttpUrl("https://example.org/a b") // "https://example.org/a%20b"
 */
export function safeHttpUrl(url: string | null): string | null {
	if (url === null || !URL.canParse(url)) return null;
	const parsed = new URL(url);
	if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
	return parsed.href;
}

/**
 * The agents behind a claim, for a sentence.
 * @example describeAgents([{ taskId: "explorer", role: "explorer" }]) // "explorer (explorer)"
 */
export function describeAgents(agents: { taskId: string; role: string }[]): string {
	return agents.map((agent) => `${agent.role} (${agent.taskId})`).join(", ");
}

/**
 * A count with its noun, plural unless the count is one.
 * @example plural(2, "claim") // "2 claims"
 */
export function plural(n: number, noun: string): string {
	return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/**
 * Text on one line, whitespace collapsed, so it cannot split a paragraph.
 * @example oneLine(" a\n\n b ") // "a b"
 */
export function oneLine(text: string): string {
	return text.replace(/\s+/g, " ").trim();
}

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
	};
}

/** The quality score components. */
export function qualityTable(report: Report): TextTable {
	const q = report.quality;
	return {
		caption: "Quality score components, each from 0 to 1",
		headers: ["Component", "Score"],
		rows: [
			["Depth", q.depth.toFixed(2)],
			["Citations", q.citations.toFixed(2)],
			["Novelty", q.novelty.toFixed(2)],
			["Completeness", q.completeness.toFixed(2)],
			["Overall", q.overall.toFixed(2)],
		],
	};
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

/** One row per planned task: status, attempts, duration, tokens, cost, provider. */
export function agentRunTable(report: Report): TextTable {
	return {
		caption: "Usage and timing by agent",
		headers: ["Task", "Role", "Status", "Attempts", "Duration", "Tokens", "Cost", "Provider"],
		rows: report.performance.agentRuns.map((run) => [
			run.taskId,
			run.role,
			run.status,
			String(run.attempts),
			formatDuration(run.durationMs),
			formatCount(run.tokens),
			formatUsd(run.costUsd),
			[run.provider, run.model].filter((part) => part !== null).join(" ") || "n/a",
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

/** The methodology facts as label and sentence pairs, in display order. */
export function methodologyFacts(report: Report): { label: string; text: string }[] {
	const { config, methodology: method } = report;
	return [
		{ label: "Swarm", text: `${method.swarmSize} agents (${method.roles.join(", ")})` },
		{
			label: "Depth",
			text: `${config.depth} (complexity ${config.complexity}, task type ${config.taskType}, focus ${config.focus})`,
		},
		{
			label: "Time budget",
			text: `${config.timeMinutes} min; at most ${config.maxConcurrent} agents at once; second pass ${config.secondPass ? "on" : "off"}`,
		},
		{
			label: "Provider",
			text: config.model === null ? config.provider : `${config.provider} (model ${config.model})`,
		},
		{
			label: "Sources",
			text: `${method.sources.retrieved} retrieved, ${method.sources.unreachable} unreachable`,
		},
		{ label: "Verification", text: method.verificationRule },
	];
}

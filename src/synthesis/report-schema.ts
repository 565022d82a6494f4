/**
 * The research report as data: the JSON the API serves and the single input of the Markdown and HTML
 * renderers. Everything a rendering shows is in here, so the three formats never disagree.
 *
 * The section titles, citation-check wording and number formats shared by the builder and both
 * renderers live at the end of this module.
 */
import { z } from "zod";
import { formatDuration } from "../lib/duration";
import {
	ComplexitySchema,
	EffectiveConfigSchema,
	JobMetricsSchema,
	PhaseSchema,
	RoleSchema,
	TaskStatusSchema,
} from "../protocol";
import type { CitationCheck, QualityScore, SupportVerdict } from "./types";

/** Bumped whenever a field is renamed, removed or changes meaning. */
export const REPORT_SCHEMA_VERSION = 2;

const unitInterval = z.number().min(0).max(1);
const count = z.int().nonnegative();

export const CitationCheckSchema = z
	.enum(["verbatim", "altered", "not_found", "unknown_source", "source_unreachable", "url_not_retrieved"])
	.describe(
		"The quote against the stored snapshot: only `verbatim` counts; `altered` is close to a passage but differs in more than the declared normalisation.",
	);

export const SnapshotSpanSchema = z.object({
	start: count.describe("Offset of the first character in the snapshot text."),
	end: count.describe("Offset just past the last character."),
});

export const ReportCitationSchema = z.object({
	sourceId: z
		.string()
		.describe(
			"The source's label (S1…Sn), the one numbering of this job's sources used in `sources`, every rendering and every narrative.",
		),
	url: z
		.string()
		.nullable()
		.describe("URL the agent gave for the citation, as given; it is a link only when listed in `sources`."),
	quote: z
		.string()
		.describe(
			"For a verbatim citation the snapshot's own text at `spans` (elided parts joined by ' … '); otherwise the agent's text.",
		),
	agentQuote: z.string().describe("The passage exactly as the agent quoted it."),
	verified: z.boolean().describe("True only when the quote is verbatim in a snapshot of a retrieved source."),
	check: CitationCheckSchema,
	nearestPassage: z
		.string()
		.nullable()
		.describe("For an altered quote, the snapshot's own text nearest to it; null otherwise."),
	spans: z.array(SnapshotSpanSchema).describe("Where `quote` (or `nearestPassage`) is in the snapshot."),
	sha256: z.string().nullable().describe("SHA-256 of the snapshot the quote was checked against."),
	similarity: unitInterval.describe(
		"Share of the quote's words found in order in the source passage, 0 to 1.",
	),
});
export type ReportCitation = z.infer<typeof ReportCitationSchema>;

export const SupportVerdictSchema = z
	.enum(["supported", "partial", "unsupported", "contradicted"])
	.describe("The claim against the text of its verbatim quotes.");

export const SupportSchema = z.object({
	verdict: SupportVerdictSchema,
	reason: z.string().describe("Why, in one line."),
	judgedBy: z
		.enum(["rules", "model"])
		.describe("`rules`: the deterministic checks decided; `model`: a separate judging pass by a model did."),
});

export const SupportingAgentSchema = z.object({
	taskId: z.string().describe("Plan task that made the finding."),
	role: RoleSchema.describe("Role of that task's agent."),
});

export const ReportFindingSchema = z.object({
	id: z.string().describe("Stable id of the merged finding within this job."),
	title: z.string().describe("Short title of the finding."),
	claim: z.string().describe("The claim, in the words of the agent whose wording is best supported."),
	subQuestion: z.string().nullable().describe("The part of the task the finding answers, when known."),
	confidence: unitInterval.describe("Mean confidence of the agents that made the claim."),
	weight: z.number().nonnegative().describe("Confidence × number of independent sources (at least 1)."),
	supportingAgents: z.array(SupportingAgentSchema).describe("Agents that made this claim."),
	independentSources: count.describe(
		"Distinct source snapshots whose own verbatim quotes support the claim; restatements by other agents add none.",
	),
	sources: z.array(z.string()).describe("Labels of the sources of its verbatim citations."),
	citations: z.array(ReportCitationSchema).describe("Citations, verified ones first."),
	support: SupportSchema,
	flag: z
		.enum(["verified", "partial", "unverified"])
		.describe(
			"`verified` = a verbatim quote and a supported claim; `partial` and `unverified` findings appear in the body only below high anti-hallucination.",
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
		.enum(["polarity", "numeric"])
		.describe("`polarity`: one claim denies or reverses the other; `numeric`: they give different numbers."),
	detail: z.string().describe("What differs, e.g. '31% against 24%'."),
	sideA: ConflictSideSchema,
	sideB: ConflictSideSchema,
});
export type DivergentView = z.infer<typeof DivergentViewSchema>;

export const UnsupportedClaimSchema = z.object({
	findingId: z.string().describe("Id of the merged finding."),
	title: z.string().describe("Title of the finding."),
	claim: z.string().describe("The claim its verbatim quotes do not fully support."),
	agents: z.array(SupportingAgentSchema).describe("Agents that made the claim."),
	verdict: SupportVerdictSchema,
	why: z.string().describe("The support verdict's reason, then what went wrong with each failed citation."),
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
	id: z.string().describe("The source's label, S1…Sn: one numbering per job, used everywhere."),
	title: z.string().describe("Source title."),
	url: z.string().nullable().describe("Retrieved URL; null for text attached to the request."),
	sha256: z.string().nullable().describe("SHA-256 of the stored snapshot the quotes were checked against."),
	retrievedAt: z.number().describe("When the snapshot was stored, ms since the epoch."),
	cited: z.boolean().describe("Whether a verified citation of a body finding cites it."),
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
	citationsVerified: count.describe("Citations whose quote is verbatim in a retrieved source."),
	alteredQuotes: count.describe("Citations close to a source passage but not verbatim (not verified)."),
	quoteNotFound: count.describe("Citations of a retrieved source with no passage near the quote."),
	unknownSource: count.describe("Citations of a source id the job does not have."),
	sourceUnreachable: count.describe("Citations of a source the job could not fetch."),
	fabricatedUrls: z.array(z.string()).describe("Cited URLs the job never retrieved."),
	claimsTotal: count.describe("Findings after merging duplicates across agents."),
	claimsSupported: count.describe("Findings whose claim its verbatim quotes support."),
	claimsPartial: count.describe("Findings whose quotes support part of the claim."),
	claimsUnsupported: count.describe(
		"Findings with no verbatim quote, or quotes that do not say what they claim.",
	),
	claimsContradicted: count.describe("Findings whose quotes say the opposite or give other numbers."),
	groundingScore: unitInterval.describe("claimsSupported / claimsTotal; 0 when there are no claims."),
	narrativeSentences: count.describe("Sentences of agent narratives and the summary that were checked."),
	narrativeSentencesSupported: count.describe("Of those, sentences the findings' quotes support."),
});

export const QualityScoreSchema = z.object({
	grounding: unitInterval.describe("Supported findings / all findings."),
	citations: unitInterval.describe("Verbatim citations / all citations."),
	depth: unitInterval.describe("min(1, supported findings / (2 × requested depth))."),
	corroboration: unitInterval.describe(
		"Supported findings with 2 or more independent sources / supported findings.",
	),
	sourceCoverage: unitInterval.describe("Retrieved sources backing a supported finding / retrieved sources."),
	completeness: unitInterval.describe("Agents completed / agents planned."),
	overall: unitInterval.describe("Weighted sum of the components; the weights are in `qualityTable`."),
});

export const CheckedSentenceSchema = z.object({
	text: z.string().describe("The sentence, without source labels its writer gave it."),
	verdict: SupportVerdictSchema,
	reason: z.string().describe("Why, in one line."),
	findingIds: z.array(z.string()).describe("Findings whose quotes it was checked against."),
	sources: z.array(z.string()).describe("Labels of the sources that support it; empty unless supported."),
});
export type CheckedSentence = z.infer<typeof CheckedSentenceSchema>;

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
		.enum(["polarity", "numeric"])
		.describe("`polarity`: one claim denies or reverses the other; `numeric`: they give different numbers."),
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
			text: z
				.string()
				.describe(
					"Plain-text summary; paragraphs separated by blank lines. Every research statement in it is a checked sentence of `answer` with its source labels.",
				),
			answer: z
				.array(
					z.object({
						subQuestion: z.string().nullable().describe("The part of the task the sentence answers."),
						sentence: z.string().describe("A supported finding's claim, a complete sentence."),
						findingId: z.string().describe("The finding it comes from."),
						sources: z.array(z.string()).describe("Labels of the sources that support it."),
					}),
				)
				.describe("The answer to the task, one supported finding per part of the question."),
			keyFindings: z.array(z.string()).describe("Ids of the heaviest supported findings, heaviest first."),
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
		.describe("Every source the job retrieved, by label (S1…Sn); `cited` marks those the body cites."),
	unreachableSources: z.array(UnreachableSourceSchema).describe("Sources that could not be fetched."),
	appendix: z
		.object({
			failures: z
				.array(z.object({ taskId: z.string(), role: RoleSchema, error: z.string() }))
				.describe("Tasks that failed, with their last error."),
			agentNarratives: z
				.array(
					z.object({
						taskId: z.string(),
						role: RoleSchema,
						sentences: z.array(CheckedSentenceSchema).describe("Its sentences, each checked."),
					}),
				)
				.describe(
					"Each agent's own account, sentence by sentence, checked against the supported findings; with high anti-hallucination only supported sentences are kept.",
				),
			unsupportedClaims: z
				.array(UnsupportedClaimSchema)
				.describe(
					"Findings the body does not show (at high: all but supported; at medium: unsupported and contradicted; at low: none), with their verdicts.",
				),
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
	verbatim: "quote found verbatim in the source",
	altered: "quote differs from the source's text",
	not_found: "quote not found in the source",
	unknown_source: "cites a source the job does not have",
	source_unreachable: "cited source could not be fetched",
	url_not_retrieved: "cites a URL the job never retrieved",
};

/** How each quality component is computed, in the words the report prints. */
export const QUALITY_FORMULAS: Record<keyof QualityScore, string> = {
	grounding: "supported findings / all findings after merging",
	citations: "verbatim citations / all citations",
	depth: "min(1, supported findings / (2 × requested depth))",
	corroboration: "supported findings with 2 or more independent sources / supported findings",
	sourceCoverage: "retrieved sources backing a supported finding / retrieved sources",
	completeness: "agents completed / agents planned",
	overall:
		"0.3·grounding + 0.15·citations + 0.15·depth + 0.15·corroboration + 0.1·sourceCoverage + 0.15·completeness",
};

/** Why two supported findings disagree, in words. */
export const CONFLICT_DESCRIPTIONS: Record<"polarity" | "numeric", string> = {
	polarity: "one claim denies or reverses the other",
	numeric: "different numbers for the same quantity",
};

/** A support verdict in words, as the report states it. */
export const VERDICT_DESCRIPTIONS: Record<SupportVerdict, string> = {
	supported: "supported by its quotes",
	partial: "only partly supported by its quotes",
	unsupported: "not supported by its quotes",
	contradicted: "contradicted by its quotes",
};

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
			["Grounding (supported / all findings)", formatPercent(v.groundingScore)],
			[
				"Narrative sentences supported / checked",
				`${formatCount(v.narrativeSentencesSupported)} / ${formatCount(v.narrativeSentences)}`,
			],
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

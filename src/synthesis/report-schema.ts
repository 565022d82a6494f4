/**
 * The research report as data: the JSON the API serves and the single input of the Markdown and HTML
 * renderers. Everything a rendering shows is in here, so the three formats never disagree.
 *
 * The section titles (`report-sections.ts`), wording and number formats (`report-text.ts`) and the
 * tables (`report-tables.ts`) that the builder and both renderers share have modules of their own.
 */
import { z } from "zod";
import {
	ComplexitySchema,
	EffectiveConfigSchema,
	FindingSchema,
	FocusSchema,
	JobMetricsSchema,
	PhaseSchema,
	RoleSchema,
	TaskStatusSchema,
} from "../protocol";

/**
 * Bumped whenever a field is renamed, removed or changes meaning. 3: a finding's `flag` may be
 * `uncited` (a job with `citations: false`), `claimsUnsupported` no longer counts uncited findings.
 */
export const REPORT_SCHEMA_VERSION = 3;

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
		.enum(["verified", "partial", "unverified", "uncited"])
		.describe(
			"`verified` = a verbatim quote and a supported claim; `partial` and `unverified` findings appear in the body only below high anti-hallucination; `uncited` = no citation in a job that did not require citations: never checked against a source, always in the body, never verified.",
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
	costUsd: z
		.number()
		.nonnegative()
		.nullable()
		.describe("Provider cost of the task in US dollars; null when its model has no price."),
	provider: z.string().nullable().describe("Provider that ran the task."),
	model: z.string().nullable().describe("Model that ran the task."),
	findings: z
		.object({
			made: count.describe("Findings the agent returned."),
			supported: count,
			partial: count,
			unsupported: count,
			contradicted: count,
			uncited: count,
		})
		.describe("The agent's own findings by their verdicts, before merging across agents."),
	statedConfidence: unitInterval
		.nullable()
		.describe("Mean confidence the agent stated for its findings; null when it made none."),
	confidence: unitInterval
		.nullable()
		.describe(
			"(supported + 0.5 × partial) / findings made × (0.8 + 0.2 × statedConfidence); null when it made none.",
		),
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
		"Findings with no verbatim quote, or quotes that do not say what they claim; uncited findings are counted apart.",
	),
	claimsContradicted: count.describe("Findings whose quotes say the opposite or give other numbers."),
	claimsUncited: count.describe(
		"Findings without any citation in a job that did not require citations; never checked against a source.",
	),
	groundingScore: unitInterval.describe("claimsSupported / claimsTotal; 0 when there are no claims."),
	narrativeSentences: count.describe("Sentences of agent narratives and the summary that were checked."),
	narrativeSentencesSupported: count.describe("Of those, sentences the findings' quotes support."),
	narrativeSentencesUncited: count.describe(
		"Of those, unsupported sentences that only restate uncited findings (labelled uncited).",
	),
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

export const ReportRawOutputSchema = z.object({
	taskId: z.string(),
	role: RoleSchema,
	findings: z
		.array(FindingSchema)
		.describe("Its findings as it returned them, before checking, in its order, as many as fit the bound."),
	findingsOmitted: count.describe("Findings left out to stay within the bound."),
	narrative: z.string().describe("Its narrative as it returned it, cut to the bound."),
	malformedOutput: z
		.string()
		.nullable()
		.describe("The raw text of output that failed the output schema, cut to the bound; null otherwise."),
	truncated: z.boolean().describe("Whether the narrative or the malformed output was cut."),
});
export type ReportRawOutput = z.infer<typeof ReportRawOutputSchema>;

export const ConfidenceSchema = z.object({
	overall: unitInterval.describe(
		"(1 × corroborated + 0.6 × singleSource + 0.3 × (contested + partial)) / findings; 0 without findings.",
	),
	corroborated: count.describe("Supported, uncontested findings with two or more independent sources."),
	singleSource: count.describe("Supported, uncontested findings with fewer independent sources."),
	contested: count.describe(
		"Supported findings on a side of a contradiction with another supported finding.",
	),
	partial: count.describe("Partly supported findings."),
	unbacked: count.describe("Unsupported, contradicted and uncited findings; they count 0."),
	findings: count.describe("All findings after merging, whether or not the body shows them."),
});

export const CheckedSentenceSchema = z.object({
	text: z.string().describe("The sentence, without source labels its writer gave it."),
	verdict: SupportVerdictSchema,
	reason: z.string().describe("Why, in one line."),
	findingIds: z.array(z.string()).describe("Findings whose quotes it was checked against."),
	sources: z.array(z.string()).describe("Labels of the sources that support it; empty unless supported."),
	uncitedFindingIds: z
		.array(z.string())
		.describe(
			"Uncited findings whose claims hold everything the sentence says; when any, the sentence is labelled uncited (not verified). Empty unless it is unsupported.",
		),
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
	thisJob: z
		.object({
			strategy: z
				.object({
					swarmSize: count.describe("Agents the job was sized for."),
					roles: z.array(RoleSchema).describe("Distinct roles in plan order."),
					provider: z.string().describe("Provider the agents actually ran on."),
					model: z.string().nullable().describe("Model the agents actually ran on."),
					focus: FocusSchema,
					depth: z.int().min(1).max(10).describe("Requested research depth."),
				})
				.describe("The strategy this job ran."),
			reward: z
				.object({
					value: unitInterval.describe("The weighted sum of the components, by `formula`."),
					success: z
						.boolean()
						.describe("Above the success threshold: later similar jobs may adopt the strategy."),
					components: z
						.object({
							quality: unitInterval,
							speed: unitInterval,
							citations: unitInterval,
							depth: unitInterval,
							coverage: unitInterval,
						})
						.describe("Each component from 0 to 1."),
					formula: z.string().describe("The weighted sum, e.g. '0.35·quality + 0.15·speed + …'."),
				})
				.describe("The reward learning scores this job with."),
			critique: z
				.string()
				.describe("The challenges this job met, in sentences; empty when learning found none."),
			improvements: z.array(z.string()).describe("What the critique calls for in later similar jobs."),
		})
		.describe(
			"This job's own lesson, from the same trajectory its learned pattern is built from, so both say the same.",
		),
});

export const CriterionStatusSchema = z
	.enum(["met", "partly", "not_met"])
	.describe(
		"`met`: the sub-goal's supported findings state every key term of the criterion; `partly`: they state its subject but not all of it, or only partly supported findings do; `not_met`: no supported or partial finding of the sub-goal states its subject.",
	);
export type CriterionStatus = z.infer<typeof CriterionStatusSchema>;

export const CriterionVerdictSchema = z.object({
	criterion: z.string().describe("The success criterion, as the decomposition stated it."),
	status: CriterionStatusSchema,
	met: z.boolean().describe("True exactly when `status` is `met`."),
	why: z.string().describe("The verdict in plain words, naming the terms and the findings it rests on."),
	evidence: z
		.array(z.string())
		.describe(
			"Ids of the sub-goal's supported or partial findings the verdict rests on; empty when not met.",
		),
	judgedBy: z
		.enum(["rules", "model"])
		.describe(
			"`rules`: the deterministic term check decided; `model`: the job's model judged and its verdict passed the checks.",
		),
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
		unsupportedClaims: z
			.array(UnsupportedClaimSchema)
			.describe("Every finding that is not supported, except uncited ones."),
	}).describe("Citation checking results."),
	learningPatterns: LearningSectionSchema.describe(
		"Learned patterns that shaped this job, and the lesson this job leaves for later ones.",
	),
	performance: z
		.object({
			metrics: JobMetricsSchema.describe("Job-level timings, usage, latency and error counts."),
			agentRuns: z.array(AgentRunSchema).describe("One row per planned task."),
		})
		.describe("Performance of the job."),
	quality: QualityScoreSchema.describe("Quality score of the aggregated findings."),
	confidence: ConfidenceSchema.describe("How far the report can be relied on, from its findings' verdicts."),
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
					"Each agent's own account, sentence by sentence, checked against the supported findings; with high anti-hallucination only supported and uncited sentences are kept.",
				),
			unsupportedClaims: z
				.array(UnsupportedClaimSchema)
				.describe(
					"Findings the body does not show (at high: all but supported; at medium: unsupported and contradicted; at low: none), with their verdicts.",
				),
			fabricatedUrls: z.array(z.string()).describe("Cited URLs the job never retrieved."),
			rawOutputs: z
				.array(ReportRawOutputSchema)
				.describe(
					"Each agent's output as it returned it, before checking: completed agents in plan order, then agents whose output failed the output schema. Each keeps at most min(20,000, 200,000 / entries) characters. Only the JSON report carries it.",
				),
		})
		.describe("Supporting material."),
});
export type Report = z.infer<typeof ReportSchema>;

/**
 * Data passed between verification, aggregation and report building. All of it is plain data:
 * the coordinator gathers the inputs, these modules compute, the coordinator stores the output.
 */
import type {
	Citation,
	EffectiveConfig,
	Finding,
	JobMetrics,
	Role,
	SourceRecord,
	Subgoal,
	TaskView,
} from "../protocol";
import type { CriterionStatus } from "./report-schema";

/**
 * What checking a citation's quote against the job's stored snapshots found. Only `verbatim` counts:
 * `altered` means a source passage is close to the quote but differs in more than the declared
 * normalisation (one changed word is enough).
 */
export type CitationCheck =
	| "verbatim"
	| "altered"
	| "not_found"
	| "unknown_source"
	| "source_unreachable"
	| "url_not_retrieved";

/** A range of a snapshot's text: `snapshot.slice(start, end)`. */
export type SnapshotSpan = { start: number; end: number };

export type CheckedCitation = Citation & {
	/** True only when `check` is `verbatim`. */
	verified: boolean;
	check: CitationCheck;
	/**
	 * The snapshot's own words: the matched text of a verbatim quote (elided parts joined by " … "), or
	 * the nearest passage of an altered one; null when no passage was located.
	 */
	sourceText: string | null;
	/** Where `sourceText` is in the snapshot; empty when no passage was located. */
	spans: SnapshotSpan[];
	/** SHA-256 of the snapshot the quote was checked against; null when no snapshot was. */
	sha256: string | null;
	/** Share of the quote's words found in order in the nearest passage, in [0, 1]; 1 for verbatim. */
	similarity: number;
};

/** A claim judged against its verbatim quotes. */
export type SupportVerdict = "supported" | "partial" | "unsupported" | "contradicted";

export type Support = {
	verdict: SupportVerdict;
	/** One line a reader understands. */
	reason: string;
	/** `rules`: the deterministic checks decided; `model`: a separate judging pass by a model did. */
	judgedBy: "rules" | "model";
};

/** A finding of one agent after its citations were checked and its claim judged against them. */
export type CheckedFinding = Omit<Finding, "citations"> & {
	taskId: string;
	role: Role;
	citations: CheckedCitation[];
	support: Support;
};

/** A finding after deduplication across agents. */
export type MergedFinding = {
	id: string;
	title: string;
	claim: string;
	/** The sub-question of the task the finding answers, when its agent said. */
	subQuestion: string | null;
	/** Mean confidence of the merged findings. */
	confidence: number;
	/** confidence × number of independent sources whose quotes support the claim (at least 1). */
	weight: number;
	supportingAgents: { taskId: string; role: Role }[];
	/** Verified citations first, duplicates removed. */
	citations: CheckedCitation[];
	support: Support;
	/** Snapshot hashes of the distinct sources whose own verbatim quotes support the claim. */
	independentSources: string[];
};

export type Conflict = {
	findingA: string;
	findingB: string;
	/** Words the two claims share, which make them about the same thing. */
	topic: string[];
	reason: "polarity" | "numeric";
	/** What differs, in words, e.g. "31% against 24%". */
	detail: string;
};

/** Quality of the aggregated findings; each component is in [0, 1] (formulas in `QUALITY_FORMULAS`). */
export type QualityScore = {
	grounding: number;
	citations: number;
	depth: number;
	corroboration: number;
	sourceCoverage: number;
	completeness: number;
	overall: number;
};

export type VerificationSummary = {
	citationsTotal: number;
	/** Citations whose quote is verbatim in a retrieved source's snapshot. */
	citationsVerified: number;
	/** Citations whose quote is close to a passage of the source but not verbatim. */
	alteredQuotes: number;
	/** Citations of a retrieved source with no passage near their quote. */
	quoteNotFound: number;
	unknownSource: number;
	sourceUnreachable: number;
	/** URLs cited that the job never retrieved; they never appear as sources. */
	fabricatedUrls: string[];
	/** Findings after merging duplicates across agents. */
	claimsTotal: number;
	claimsSupported: number;
	claimsPartial: number;
	claimsUnsupported: number;
	claimsContradicted: number;
	/** claimsSupported / claimsTotal, 0 when there are no claims. */
	groundingScore: number;
};

export type Aggregation = {
	/** Every merged finding, supported first, then heavier first. */
	findings: MergedFinding[];
	/** Ids of supported findings backed by two or more independent sources. */
	consensus: string[];
	/** Supported findings from different sources that disagree in number or polarity. */
	conflicts: Conflict[];
	/** Ids of supported findings resting on a source no other supported finding cites. */
	novel: string[];
	quality: QualityScore;
	verification: VerificationSummary;
};

export type AgentNarrative = { taskId: string; role: Role; narrative: string };

export type TaskFailure = { taskId: string; role: Role; error: string };

export type LearningSection = {
	patternsUsed: { id: string; task: string; reward: number; changed: string[] }[];
	note: string;
};

/** A sub-goal of a goal-mode job, with the tasks of its sub-swarm. */
export type GoalSubgoal = Subgoal & {
	/** Ids of the agent tasks that researched this sub-goal. */
	taskIds: string[];
};

/** The goal-mode part of a job: its sub-goals and the GOAP plan that ordered them. */
export type GoalInput = {
	goal: string;
	subgoals: GoalSubgoal[];
	/** Sub-goal ids that can run at once, level by level. */
	levels: string[][];
	/** The planner's explanation, one line per step. */
	explanation: string[];
};

/** A model's verdict on one success criterion, before the report checks it against the sub-goal's findings. */
export type CriterionJudgement = {
	/** `{subgoalId}#{n}`: the sub-goal and the criterion's position in it, from 1. */
	criterionId: string;
	status: CriterionStatus;
	/** The findings the model says the verdict rests on. */
	findingIds: string[];
	reason: string;
};

/** The goal of a master report: the job's goal, with the model's criterion verdicts when a model judged. */
export type ReportGoal = GoalInput & { criterionJudgements?: CriterionJudgement[] };

/** Everything the report is built from. */
export type ReportInput = {
	jobId: string;
	tenantId: string;
	task: string;
	/** `partial` when the job ended at its deadline or lost agents before finishing. */
	completeness: "complete" | "partial";
	createdAt: number;
	completedAt: number;
	config: EffectiveConfig;
	tasks: TaskView[];
	sources: SourceRecord[];
	aggregation: Aggregation;
	narratives: AgentNarrative[];
	failures: TaskFailure[];
	metrics: JobMetrics;
	learning: LearningSection;
	/** Present for goal-mode jobs: the report then is a master report across sub-goals. */
	goal?: ReportGoal;
};

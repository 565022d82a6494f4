/**
 * Data passed between verification, aggregation and report building. All of it is plain data:
 * the coordinator gathers the inputs, these modules compute, the coordinator stores the output.
 */
import type {
	Citation,
	EffectiveConfig,
	Finding,
	Focus,
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
	/**
	 * True when no member carries a citation and the job did not require citations: the claim was never
	 * checked against a source. Its support verdict stays unsupported; the report labels it uncited.
	 */
	uncited: boolean;
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
	/** Unsupported findings that carry citations, or that the job required citations for. */
	claimsUnsupported: number;
	claimsContradicted: number;
	/** Uncited findings (a job that did not require citations); not counted in `claimsUnsupported`. */
	claimsUncited: number;
	/** claimsSupported / claimsTotal, 0 when there are no claims. */
	groundingScore: number;
};

/** One agent's own findings before merging: how many, by verdict, and the confidence it stated. */
export type AgentFindingSummary = {
	taskId: string;
	findings: number;
	supported: number;
	partial: number;
	/** Unsupported findings that cite something, or that the job required citations for. */
	unsupported: number;
	contradicted: number;
	/** Findings without any citation in a job that did not require citations. */
	uncited: number;
	/** Mean confidence the agent stated for its findings; null when it made none. */
	statedConfidence: number | null;
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
	/** Each agent that made findings, by its own findings' verdicts, in task id order. */
	agents: AgentFindingSummary[];
};

export type AgentNarrative = { taskId: string; role: Role; narrative: string };

/** What one agent returned, before any checking. */
export type RawAgentOutput = {
	taskId: string;
	role: Role;
	findings: Finding[];
	narrative: string;
	/** The raw text of output that failed the output schema (it then has no findings); null otherwise. */
	malformedOutput: string | null;
};

export type TaskFailure = { taskId: string; role: Role; error: string };

export type LearningSection = {
	patternsUsed: { id: string; task: string; reward: number; changed: string[] }[];
	note: string;
};

/**
 * What the job itself teaches, from its trajectory, exactly as its learned pattern records it: the
 * strategy it ran, its reward, and the challenges it met (`critique`) with the improvements they call for.
 */
export type JobLesson = {
	strategy: {
		swarmSize: number;
		/** Distinct roles in plan order. */
		roles: Role[];
		/** The provider and model the agents actually ran on. */
		provider: string;
		model: string | null;
		focus: Focus;
		depth: number;
	};
	reward: {
		value: number;
		/** Above the success threshold, so later similar jobs may adopt the strategy. */
		success: boolean;
		components: { quality: number; speed: number; citations: number; depth: number; coverage: number };
		/** The weighted sum, e.g. "0.35·quality + 0.15·speed + …". */
		formula: string;
	};
	/** The run's weaknesses in sentences; empty when it had none. */
	critique: string;
	improvements: string[];
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
	/** Each agent's output as it returned it, for the JSON appendix. */
	rawOutputs: RawAgentOutput[];
	failures: TaskFailure[];
	metrics: JobMetrics;
	learning: LearningSection;
	/** This job's own lesson, from the trajectory its learned pattern is built from. */
	lesson: JobLesson;
	/** Present for goal-mode jobs: the report then is a master report across sub-goals. */
	goal?: ReportGoal;
};

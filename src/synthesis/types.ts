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
	TaskView,
} from "../protocol";

/** Why a citation was or was not accepted. Only `exact` and `fuzzy` count as verified. */
export type CitationCheck =
	| "exact"
	| "fuzzy"
	| "quote_not_found"
	| "quote_too_short"
	| "unknown_source"
	| "source_unreachable"
	| "url_not_retrieved";

export type CheckedCitation = Citation & {
	verified: boolean;
	check: CitationCheck;
	/** Similarity of the best matching passage in the snapshot, in [0, 1]. */
	matchScore: number;
};

/** A finding of one agent after its citations were checked against the stored snapshots. */
export type CheckedFinding = Omit<Finding, "citations"> & {
	taskId: string;
	role: Role;
	citations: CheckedCitation[];
	/** True when at least one citation is verified. */
	supported: boolean;
};

/** A finding after deduplication across agents. */
export type MergedFinding = {
	id: string;
	title: string;
	claim: string;
	/** Mean confidence of the merged findings. */
	confidence: number;
	/** confidence × number of distinct supporting agents. */
	weight: number;
	supportingAgents: { taskId: string; role: Role }[];
	/** Verified citations first, duplicates removed. */
	citations: CheckedCitation[];
	supported: boolean;
};

export type Conflict = {
	findingA: string;
	findingB: string;
	/** Words the two claims share, which make them about the same thing. */
	topic: string[];
	reason: "negation" | "numeric";
};

export type QualityScore = {
	/** Each component is in [0, 1]; `docs/architecture.md` gives the formulas. */
	depth: number;
	citations: number;
	novelty: number;
	completeness: number;
	overall: number;
};

export type VerificationSummary = {
	citationsTotal: number;
	citationsVerified: number;
	exactMatches: number;
	fuzzyMatches: number;
	quoteNotFound: number;
	unknownSource: number;
	/** URLs cited that the job never retrieved; they never appear as sources. */
	fabricatedUrls: string[];
	claimsTotal: number;
	claimsSupported: number;
	claimsUnsupported: number;
	/** claimsSupported / claimsTotal, 0 when there are no claims. */
	groundingScore: number;
};

export type Aggregation = {
	/** Supported findings (and, unless anti-hallucination is high, unsupported ones), heaviest first. */
	findings: MergedFinding[];
	/** Ids of findings supported by two or more agents. */
	consensus: string[];
	conflicts: Conflict[];
	/** Ids of supported findings from one agent whose cited sources no other agent cited. */
	novel: string[];
	/** Findings with no verified citation. With anti-hallucination high they are only listed here. */
	unsupported: MergedFinding[];
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
export type GoalSubgoal = {
	id: string;
	description: string;
	complexity: "low" | "medium" | "high" | "very-high";
	dependsOn: string[];
	successCriteria: string[];
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
	goal?: GoalInput;
};

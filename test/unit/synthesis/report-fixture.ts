/**
 * A realistic `ReportInput` for report tests: a five-agent job on heat pumps in cold climates in
 * which one agent failed, one source was unreachable, one agent cited a URL the job never
 * retrieved, one quote was altered, two supported findings contradict each other, one finding has no
 * citation at all, one is partly supported and one is contradicted by its own quote.
 *
 * With `goal: true` the same job is a goal-mode job: three sub-goals (g1 and g2 independent, g3
 * building on both), task ids prefixed by their sub-goal, and a master synthesizer. f1 is made in g1
 * and g3 (shared), f4 from g3 contradicts it, f2 and f6 come from g2 alone.
 */
import type {
	AntiHallucination,
	EffectiveConfig,
	SourceRecord,
	TaskView,
	Usage,
} from "../../../src/protocol";
import type {
	AgentFindingSummary,
	Aggregation,
	CheckedCitation,
	CitationCheck,
	GoalInput,
	JobLesson,
	LearningSection,
	MergedFinding,
	ReportInput,
	Support,
	SupportVerdict,
} from "../../../src/synthesis/types";
import { testConfig } from "../../fixtures/agent-context";

export const CREATED_AT = Date.UTC(2026, 10, 2, 9, 0, 0);
export const COMPLETED_AT = CREATED_AT + 754_000;
export const FABRICATED_URL = "https://fabricated.example.com/made-up-study";

/** The synthesizer's sentences, each checked against the supported findings' quotes. */
export const SYNTHESIS_SENTENCES = {
	/** Backed by f1's quotes (sources S1 and S2); the writer's own label [S9] is dropped. */
	supported: "In the field, cold-climate models stayed above 2 at -15 °C.",
	/** In no quote at all. */
	invented: "Heat pumps never need backup heat.",
	/** f4's sentence with its number changed. */
	changedNumber: "Standard models fell to a COP of 1.9 at -15 °C.",
} as const;
const SYNTHESIS = `In the field, cold-climate models stayed above 2 at -15 °C [S9]. ${SYNTHESIS_SENTENCES.invented} ${SYNTHESIS_SENTENCES.changedNumber}`;
/** A supported sentence by the synthesizer of sub-goal g1, which does not speak for the whole job. */
export const G1_SYNTHESIS = "Defrost cycles consume about 10% of heating output.";

export type FixtureOptions = {
	antiHallucination?: AntiHallucination;
	completeness?: ReportInput["completeness"];
	/** Include one learned pattern in the Learning Patterns section. */
	withPattern?: boolean;
	/** Make it a goal-mode job with three sub-goals (see the module comment). */
	goal?: boolean;
	/**
	 * `false`: a job that did not require citations. f5, which cites nothing, is then uncited, and the
	 * depth analyst's narrative restates it.
	 */
	citations?: boolean;
};

/** Builds a fresh input (safe to mutate) for the given anti-hallucination mode. */
export function makeReportInput(options: FixtureOptions = {}): ReportInput {
	const antiHallucination = options.antiHallucination ?? "high";
	const config: EffectiveConfig = testConfig({
		timeMinutes: 120,
		antiHallucination,
		formats: ["markdown", "json", "html"],
		citations: options.citations ?? true,
	});
	const input: ReportInput = {
		jobId: "job_01JCOLDHP",
		tenantId: "tenant_a",
		task: "How do air-source heat pumps perform in cold climates?",
		completeness: options.completeness ?? "complete",
		createdAt: CREATED_AT,
		completedAt: COMPLETED_AT,
		config,
		tasks: makeTasks(),
		sources: makeSources(),
		aggregation: makeAggregation(),
		narratives: [
			{
				taskId: "explorer",
				role: "explorer",
				narrative: "Read the field study and the COP measurements.\n\nBoth agree on performance at -15 °C.",
			},
			{ taskId: "depth-analyst", role: "depth_analyst", narrative: "Compared COP curves across models." },
			{ taskId: "verifier", role: "verifier", narrative: "" },
			{ taskId: "synthesizer", role: "synthesizer", narrative: SYNTHESIS },
		],
		rawOutputs: [
			{
				taskId: "explorer",
				role: "explorer",
				findings: [
					{
						title: "Heat pumps stop working below -5 °C",
						claim: "Air-source heat pumps stop heating below -5 °C.",
						confidence: 0.5,
						citations: [{ sourceId: "web-1", url: FABRICATED_URL, quote: "heat pumps fail below -5 °C" }],
					},
				],
				narrative: "Read the field study and the COP measurements.",
				malformedOutput: null,
			},
			{
				taskId: "trend-analyst",
				role: "trend_analyst",
				findings: [],
				narrative: "",
				malformedOutput: '{"findings": [{"title": "Sales rose"',
			},
		],
		failures: [
			{ taskId: "trend-analyst", role: "trend_analyst", error: "provider timed out after 3 attempts" },
		],
		metrics: {
			durationMs: COMPLETED_AT - CREATED_AT,
			phases: { queuedMs: 1200, planningMs: 800, runningMs: 700_000, synthesizingMs: 52_000 },
			usage: usage(42_000, 6_100, 0.1234),
			usageByProvider: { extractive: usage(42_000, 6_100, 0.1234) },
			providerLatencyMs: { count: 14, p50: 820, p95: 2400, p99: 3100 },
			agents: { planned: 5, completed: 4, failed: 1, skipped: 0 },
			errors: 3,
			retries: 2,
			redispatches: 1,
			budget: { limitUsd: null, spentUsd: 0.1234, limited: false },
			fallbacks: [],
		},
		learning: options.withPattern
			? {
					patternsUsed: [
						{
							id: "pat_7",
							task: "Heat pump efficiency in Nordic homes",
							reward: 0.82,
							changed: ["added a trend analyst", "asked for COP figures"],
						},
					],
					note: "One similar job informed the plan.",
				}
			: ({ patternsUsed: [], note: "" } satisfies LearningSection),
		lesson: makeLesson(),
	};
	const job = options.citations === false ? withoutRequiredCitations(input) : input;
	return options.goal ? toGoalMode(job) : job;
}

/** This job's lesson as learning would draw it from its trajectory. */
export function makeLesson(): JobLesson {
	return {
		strategy: {
			swarmSize: 5,
			roles: ["explorer", "depth_analyst", "verifier", "trend_analyst", "synthesizer"],
			provider: "extractive",
			model: null,
			focus: "balanced",
			depth: 5,
		},
		reward: {
			value: 0.6,
			success: false,
			components: { quality: 0.55, speed: 0.93, citations: 0.53, depth: 0.3, coverage: 0.8 },
			formula: "0.35·quality + 0.15·speed + 0.2·citations + 0.15·depth + 0.15·coverage",
		},
		critique: "2 of 7 claims had no verified citation. 1 agent failed: trend analyst.",
		improvements: [
			"Back every claim with an exact quote from a retrieved source; leave out claims no source supports.",
			"Run the trend analyst on a different provider.",
		],
	};
}

/** The claim of f5, the finding that cites nothing. */
export const UNCITED_CLAIM = "Ground-source systems always outperform air-source ones.";

/** The job as one that did not require citations: f5 uncited, and restated by the depth analyst. */
function withoutRequiredCitations(input: ReportInput): ReportInput {
	const { aggregation } = input;
	return {
		...input,
		aggregation: {
			...aggregation,
			findings: aggregation.findings.map((finding) =>
				finding.citations.length === 0 ? { ...finding, uncited: true } : finding,
			),
			verification: { ...aggregation.verification, claimsUnsupported: 1, claimsUncited: 1 },
			agents: aggregation.agents.map((agent) =>
				agent.taskId === "depth-analyst" ? { ...agent, unsupported: 0, uncited: 1 } : agent,
			),
		},
		narratives: input.narratives.map((entry) =>
			entry.taskId === "depth-analyst"
				? { ...entry, narrative: `${entry.narrative} ${UNCITED_CLAIM}` }
				: entry,
		),
	};
}

/** Task ids of the direct job → task ids of the goal-mode job. */
export const GOAL_TASK_IDS: Record<string, string> = {
	explorer: "g1/explorer",
	"depth-analyst": "g3/depth-analyst",
	verifier: "g2/verifier",
	"trend-analyst": "g2/trend-analyst",
	synthesizer: "synthesizer",
};

/** The goal of the goal-mode fixture: three sub-goals, g3 waiting for g1 and g2. */
export function makeGoal(): GoalInput {
	return {
		goal: "Cold-climate heat pumps: low-temperature efficiency, defrost losses, and how standard models compare",
		subgoals: [
			{
				id: "g1",
				description: "Efficiency of cold-climate heat pumps at low temperatures",
				complexity: "medium",
				dependsOn: [],
				successCriteria: [
					"Identifies the key facts and evidence on the coefficient of performance",
					"Cites at least two sources on the coefficient of performance",
				],
				taskIds: ["g1/explorer", "g1/depth-analyst", "g1/synthesizer"],
			},
			{
				id: "g2",
				description: "Defrost losses in cold weather",
				complexity: "low",
				dependsOn: [],
				successCriteria: ["Explains defrost cycles", "Cites at least 2 sources on defrost cycles"],
				taskIds: ["g2/verifier", "g2/trend-analyst"],
			},
			{
				id: "g3",
				description: "How standard models compare with cold-climate models",
				complexity: "high",
				dependsOn: ["g1", "g2"],
				successCriteria: [
					"States where standard models and cold-climate models differ",
					"Identifies the installation cost",
				],
				taskIds: ["g3/depth-analyst"],
			},
		],
		levels: [["g1", "g2"], ["g3"]],
		explanation: [
			"research g1: no preconditions; makes researched(g1), which g3 needs",
			"research g2: no preconditions; makes researched(g2), which g3 needs",
			"research g3: needs researched(g1) and researched(g2)",
			"synthesize: needs researched(g1), researched(g2) and researched(g3)",
		],
	};
}

/**
 * The direct job as a goal-mode job: tasks renamed per `GOAL_TASK_IDS`, plus a g1 depth analyst that
 * made no finding and a g1 synthesizer whose narrative comes before the master synthesizer's.
 */
function toGoalMode(input: ReportInput): ReportInput {
	const rename = (taskId: string): string => GOAL_TASK_IDS[taskId] ?? taskId;
	const renameAgents = (finding: MergedFinding): MergedFinding => ({
		...finding,
		supportingAgents: finding.supportingAgents.map((agent) => ({ ...agent, taskId: rename(agent.taskId) })),
	});
	const [explorer] = input.tasks;
	if (explorer === undefined) throw new Error("fixture has tasks");
	const tasks = input.tasks.map((task) => ({
		...task,
		id: rename(task.id),
		dependsOn: task.dependsOn.map(rename),
	}));
	tasks.splice(
		1,
		0,
		{ ...explorer, id: "g1/depth-analyst", role: "depth_analyst" },
		{
			...explorer,
			id: "g1/synthesizer",
			role: "synthesizer",
			phase: "synthesis",
			dependsOn: ["g1/explorer"],
		},
	);
	return {
		...input,
		config: { ...input.config, mode: "goal" },
		tasks,
		aggregation: {
			...input.aggregation,
			findings: input.aggregation.findings.map(renameAgents),
			agents: input.aggregation.agents.map((agent) => ({ ...agent, taskId: rename(agent.taskId) })),
		},
		narratives: [
			{ taskId: "g1/synthesizer", role: "synthesizer", narrative: G1_SYNTHESIS },
			...input.narratives.map((entry) => ({ ...entry, taskId: rename(entry.taskId) })),
		],
		failures: input.failures.map((failure) => ({ ...failure, taskId: rename(failure.taskId) })),
		goal: makeGoal(),
	};
}

function makeTasks(): TaskView[] {
	const task = (
		id: string,
		role: TaskView["role"],
		phase: TaskView["phase"],
		dependsOn: string[],
		status: TaskView["status"],
		attempts: number,
		startOffset: number,
		runMs: number,
	): TaskView => ({
		id,
		role,
		phase,
		dependsOn,
		timeShare: 0.2,
		status,
		attempts,
		progress: status === "completed" ? 100 : 40,
		dispatchedAt: CREATED_AT + startOffset - 50,
		startedAt: CREATED_AT + startOffset,
		finishedAt: CREATED_AT + startOffset + runMs,
		usage: usage(8_000 + runMs / 100, 1_000, 0.02),
		provider: "extractive",
		model: null,
		error: status === "failed" ? "provider timed out after 3 attempts" : null,
	});
	return [
		task("explorer", "explorer", "research", [], "completed", 1, 2_000, 200_000),
		task("depth-analyst", "depth_analyst", "research", [], "completed", 1, 2_000, 240_000),
		task("verifier", "verifier", "review", ["explorer", "depth-analyst"], "completed", 1, 250_000, 150_000),
		task("trend-analyst", "trend_analyst", "research", [], "failed", 3, 2_000, 300_000),
		task(
			"synthesizer",
			"synthesizer",
			"synthesis",
			["explorer", "depth-analyst", "verifier", "trend-analyst"],
			"completed",
			1,
			700_000,
			50_000,
		),
	];
}

function makeSources(): SourceRecord[] {
	const source = (
		id: string,
		title: string,
		url: string | null,
		origin: SourceRecord["origin"],
		status: SourceRecord["status"],
	): SourceRecord => ({
		id,
		title,
		url,
		origin,
		status,
		sha256: status === "retrieved" ? id.padEnd(64, "0") : null,
		bytes: status === "retrieved" ? 18_000 : 0,
		contentType: status === "retrieved" ? "text/html" : null,
		error: status === "unreachable" ? "HTTP 403 Forbidden" : null,
		retrievedAt: CREATED_AT + 1_000,
	});
	return [
		source(
			"S1",
			"Cold-climate heat pump field study",
			"https://energy.example.org/ccashp-field-study",
			"url",
			"retrieved",
		),
		source(
			"S2",
			"COP at low outdoor temperatures",
			"https://research.example.net/cop-low-temp?unit=c",
			"search",
			"retrieved",
		),
		source("S3", "Installer survey notes", null, "attached", "retrieved"),
		source("S4", "Utility program report", "https://blocked.example.com/report", "url", "unreachable"),
		source("S5", "Manufacturer brochure", "https://brochure.example.com/model-x", "search", "retrieved"),
	];
}

/** Where a verbatim quote starts in its snapshot, for fixture offsets. */
const QUOTE_OFFSET = 120;

/** A citation whose quote is verbatim in the snapshot: `sourceText` is the snapshot's own words. */
export function verbatimCitation(
	sourceId: string,
	url: string | null,
	sourceText: string,
	agentQuote = sourceText,
): CheckedCitation {
	return {
		sourceId,
		url,
		quote: agentQuote,
		verified: true,
		check: "verbatim",
		sourceText,
		spans: [{ start: QUOTE_OFFSET, end: QUOTE_OFFSET + sourceText.length }],
		sha256: sourceId.padEnd(64, "0"),
		similarity: 1,
	};
}

/** A quote close to a passage of its source but not verbatim; `nearest` is the source's own passage. */
export function alteredCitation(
	sourceId: string,
	url: string | null,
	agentQuote: string,
	nearest: string,
	similarity: number,
): CheckedCitation {
	return {
		sourceId,
		url,
		quote: agentQuote,
		verified: false,
		check: "altered",
		sourceText: nearest,
		spans: [{ start: QUOTE_OFFSET, end: QUOTE_OFFSET + nearest.length }],
		sha256: sourceId.padEnd(64, "0"),
		similarity,
	};
}

/** A citation that failed before any passage was located (no passage, no offsets). */
export function failedCitation(
	sourceId: string,
	url: string | null,
	quote: string,
	check: Exclude<CitationCheck, "verbatim" | "altered">,
	similarity = 0,
): CheckedCitation {
	const checkedSnapshot = check === "not_found";
	return {
		sourceId,
		url,
		quote,
		verified: false,
		check,
		sourceText: null,
		spans: [],
		sha256: checkedSnapshot ? sourceId.padEnd(64, "0") : null,
		similarity,
	};
}

/** A support verdict of the deterministic rules. */
export function ruled(verdict: SupportVerdict, reason: string): Support {
	return { verdict, reason, judgedBy: "rules" };
}

export const F1_S1_TEXT = "Cold-climate models kept a coefficient of performance above 2 at -15 °C";
export const F1_S2_TEXT = "the coefficient of performance of cold-climate models stayed above 2 at -15 °C";
export const F4_S2_TEXT = "Standard models fell to a COP of 1.4 at -15 °C";
export const F2_S3_TEXT = "defrost cycles consume about 10% of heating output";
export const F6_S3_TEXT = "cold-climate models cost more to install";

/**
 * The merged findings: f1, f4, f2 supported (f1 by two independent sources); f6 partial; f3 and f5
 * unsupported; f7 contradicted by its own quote.
 */
export function makeFindings(): Record<"f1" | "f2" | "f3" | "f4" | "f5" | "f6" | "f7", MergedFinding> {
	return {
		f1: {
			id: "f1",
			title: "COP stays above 2 at -15 °C",
			claim: "Cold-climate models kept a coefficient of performance above 2 at -15 °C.",
			subQuestion: null,
			confidence: 0.85,
			weight: 1.7,
			supportingAgents: [
				{ taskId: "explorer", role: "explorer" },
				{ taskId: "depth-analyst", role: "depth_analyst" },
			],
			citations: [
				verbatimCitation(
					"S1",
					"https://energy.example.org/ccashp-field-study",
					F1_S1_TEXT,
					"cold-climate models kept a coefficient of performance above 2 at -15 °C",
				),
				verbatimCitation("S2", "https://research.example.net/cop-low-temp?unit=c", F1_S2_TEXT),
			],
			support: ruled("supported", "the claim is its own quote"),
			independentSources: ["S1".padEnd(64, "0"), "S2".padEnd(64, "0")],
			uncited: false,
		},
		f4: {
			id: "f4",
			title: "COP drops to 1.4 at -15 °C",
			claim: "Standard models fell to a COP of 1.4 at -15 °C.",
			subQuestion: null,
			confidence: 0.7,
			weight: 0.7,
			supportingAgents: [{ taskId: "depth-analyst", role: "depth_analyst" }],
			citations: [
				verbatimCitation("S2", "https://research.example.net/cop-low-temp?unit=c", F4_S2_TEXT),
				alteredCitation(
					"S5",
					"https://brochure.example.com/model-x",
					"Standard models fell to a COP of 1.2 at -15 °C",
					"Standard models fall to a COP of 1.4 at -15 °C",
					0.8,
				),
			],
			support: ruled("supported", "the claim is its own quote"),
			independentSources: ["S2".padEnd(64, "0")],
			uncited: false,
		},
		f2: {
			id: "f2",
			title: "Defrost cycles cost about 10% of output",
			claim: "Installers report defrost cycles consuming about 10% of heating output.",
			subQuestion: null,
			confidence: 0.6,
			weight: 0.6,
			supportingAgents: [{ taskId: "verifier", role: "verifier" }],
			citations: [verbatimCitation("S3", null, F2_S3_TEXT)],
			support: ruled("supported", "its quotes hold the claim's numbers, names and 90% of its words"),
			independentSources: ["S3".padEnd(64, "0")],
			uncited: false,
		},
		f6: {
			id: "f6",
			title: "Cold-climate models cost more",
			claim: "Cold-climate models cost more to install and last longer than standard models.",
			subQuestion: null,
			confidence: 0.55,
			weight: 0.55,
			supportingAgents: [{ taskId: "verifier", role: "verifier" }],
			citations: [verbatimCitation("S3", null, F6_S3_TEXT)],
			support: ruled("partial", "only part of the claim is in its quotes: missing “last”, “longer”"),
			independentSources: [],
			uncited: false,
		},
		f3: {
			id: "f3",
			title: "Heat pumps stop working below -5 °C",
			claim: "Air-source heat pumps stop heating below -5 °C.",
			subQuestion: null,
			confidence: 0.5,
			weight: 0.5,
			supportingAgents: [{ taskId: "explorer", role: "explorer" }],
			citations: [
				failedCitation("web-1", FABRICATED_URL, "heat pumps fail below -5 °C", "url_not_retrieved"),
				failedCitation(
					"S5",
					"https://brochure.example.com/model-x",
					"works in any weather",
					"not_found",
					0.32,
				),
			],
			support: ruled("unsupported", "no quote of the finding is verbatim in a retrieved source"),
			independentSources: [],
			uncited: false,
		},
		f5: {
			id: "f5",
			title: "Ground-source always wins",
			claim: UNCITED_CLAIM,
			subQuestion: null,
			confidence: 0.4,
			weight: 0.4,
			supportingAgents: [{ taskId: "depth-analyst", role: "depth_analyst" }],
			citations: [],
			support: ruled("unsupported", "the finding cites nothing"),
			independentSources: [],
			uncited: false,
		},
		f7: {
			id: "f7",
			title: "Defrost takes 30% of output",
			claim: "Defrost cycles consume about 30% of heating output.",
			subQuestion: null,
			confidence: 0.45,
			weight: 0.45,
			supportingAgents: [{ taskId: "depth-analyst", role: "depth_analyst" }],
			citations: [verbatimCitation("S3", null, F2_S3_TEXT)],
			support: ruled("contradicted", "the claim's 30% against 10% in its quotes"),
			independentSources: [],
			uncited: false,
		},
	};
}

/** Ids in aggregation order: supported by weight, then partial, unsupported, contradicted. */
export const FINDING_ORDER = ["f1", "f4", "f2", "f6", "f3", "f5", "f7"] as const;

function makeAggregation(): Aggregation {
	const findings = makeFindings();
	return {
		findings: FINDING_ORDER.map((id) => findings[id]),
		consensus: ["f1"],
		conflicts: [
			{
				findingA: "f1",
				findingB: "f4",
				topic: ["cop", "15"],
				reason: "numeric",
				detail: "above 2 against 1.4 for cop",
			},
			{
				findingA: "f1",
				findingB: "f3",
				topic: ["heat", "pumps"],
				reason: "polarity",
				detail: "one says “kept” where the other says “stop”",
			},
		],
		novel: ["f2"],
		quality: {
			grounding: 3 / 7,
			citations: 6 / 9,
			depth: 0.3,
			corroboration: 1 / 3,
			sourceCoverage: 0.75,
			completeness: 0.8,
			overall: 0.55,
		},
		verification: {
			citationsTotal: 9,
			citationsVerified: 6,
			alteredQuotes: 1,
			quoteNotFound: 1,
			unknownSource: 0,
			sourceUnreachable: 0,
			fabricatedUrls: [FABRICATED_URL],
			claimsTotal: 7,
			claimsSupported: 3,
			claimsPartial: 1,
			claimsUnsupported: 2,
			claimsContradicted: 1,
			claimsUncited: 0,
			groundingScore: 3 / 7,
		},
		agents: [
			agentFindings("explorer", { supported: 1, unsupported: 1 }, 0.7),
			agentFindings("depth-analyst", { supported: 2, unsupported: 1, contradicted: 1 }, 0.6),
			agentFindings("verifier", { supported: 1, partial: 1 }, 0.5),
		],
	};
}

/** One agent's own findings by verdict; the synthesizer of the fixture made none. */
export function agentFindings(
	taskId: string,
	verdicts: Partial<Omit<AgentFindingSummary, "taskId" | "findings" | "statedConfidence">>,
	statedConfidence: number,
): AgentFindingSummary {
	const counts = { supported: 0, partial: 0, unsupported: 0, contradicted: 0, uncited: 0, ...verdicts };
	const findings = Object.values(counts).reduce((sum, n) => sum + n, 0);
	return { taskId, findings, ...counts, statedConfidence };
}

function usage(inputTokens: number, outputTokens: number, costUsd: number): Usage {
	return { inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0, searchCalls: 0, costUsd };
}

/**
 * Wire types: every body, queue message and event that crosses a boundary, as zod schemas.
 * The Worker, the coordinator, the queue consumer, the CLI and the tests all import these,
 * so a shape is defined exactly once.
 */
import { z } from "@hono/zod-openapi";
// With its extension: the dashboard's build (scripts/job-event-validator.mjs) loads this module in Node,
// which resolves no extensionless paths.
import {
	type AgentEventType,
	EVENT_TYPES,
	type EventType,
	type JobLevelEventType,
} from "./events/event-types.ts";

export const ROLES = [
	"explorer",
	"depth_analyst",
	"verifier",
	"trend_analyst",
	"domain_expert",
	"critic",
	"synthesizer",
] as const;
export const RoleSchema = z.enum(ROLES).openapi("Role");
export type Role = z.infer<typeof RoleSchema>;

/** The statuses of a job still under way, in the order it passes them. */
const ACTIVE_STATUSES = ["queued", "planning", "running", "synthesizing"] as const;
/** The statuses a job ends in; it never leaves them. */
const END_STATUSES = ["completed", "failed", "cancelled"] as const;
export const JOB_STATUSES = [...ACTIVE_STATUSES, ...END_STATUSES] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES).openapi("JobStatus");
export type JobStatus = z.infer<typeof JobStatusSchema>;
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = END_STATUSES;

/** pending → dispatched → running → completed | failed; skipped when the job ends before the task ran. */
export const TaskStatusSchema = z
	.enum(["pending", "dispatched", "running", "completed", "failed", "skipped"])
	.openapi("TaskStatus");
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const ComplexitySchema = z.enum(["low", "medium", "high", "very-high"]).openapi("Complexity");
export type Complexity = z.infer<typeof ComplexitySchema>;
export const TaskTypeSchema = z.enum(["research", "code", "analysis", "synthesis"]).openapi("TaskType");
export type TaskType = z.infer<typeof TaskTypeSchema>;
export const QuestionTypeSchema = z
	.enum(["lookup", "definition", "explanation", "evaluation", "recommendation"])
	.openapi("QuestionType");
export type QuestionType = z.infer<typeof QuestionTypeSchema>;

/** What the task analyzer read in a task, and whether it or the request's `depth` set the job's size. */
export const TaskAnalysisSchema = z
	.object({
		/** `task`: the request gave no depth, so the complexity and depth come from the task's wording. */
		basis: z.enum(["task", "request"]),
		questionType: QuestionTypeSchema,
		/** The alternatives the task compares or chooses between. */
		entities: z.array(z.string()),
		/** What the alternatives are compared by. */
		criteria: z.array(z.string()),
		/** Places, dates and amounts the answer must respect. */
		constraints: z.array(z.string()),
		questions: z.int(),
		words: z.int(),
		/** The analyzer's score; its bands give the complexity (see docs/architecture.md). */
		score: z.number(),
		/** One line per thing that raised the score. */
		reasons: z.array(z.string()),
	})
	.openapi("TaskAnalysis");
export type TaskAnalysis = z.infer<typeof TaskAnalysisSchema>;
export const FocusSchema = z.enum(["narrow", "balanced", "broad"]).openapi("Focus");
export type Focus = z.infer<typeof FocusSchema>;
export const AntiHallucinationSchema = z.enum(["low", "medium", "high"]).openapi("AntiHallucination");
export type AntiHallucination = z.infer<typeof AntiHallucinationSchema>;
export const ReportFormatSchema = z.enum(["markdown", "json", "html"]).openapi("ReportFormat");
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

/** Limits on what a request may carry; the API enforces them, the CLI and dashboard mirror them. */
export const LIMITS = {
	taskChars: 4000,
	sources: 50,
	/** URL sources are fetched by the service, so fewer of them are allowed. */
	urlSources: 20,
	sourceTextChars: 200_000,
	sourceTitleChars: 300,
	metadataKeys: 32,
	metadataValueChars: 500,
} as const;

export const TextSourceInputSchema = z
	.object({
		title: z.string().trim().min(1).max(LIMITS.sourceTitleChars),
		text: z.string().min(1).max(LIMITS.sourceTextChars),
	})
	.strict()
	.openapi("TextSource");
export const UrlSourceInputSchema = z
	.object({
		url: z.url({ protocol: /^https?$/ }).max(2048),
		title: z.string().trim().min(1).max(LIMITS.sourceTitleChars).optional(),
	})
	.strict()
	.openapi("UrlSource");
export const SourceInputSchema = z
	.union([TextSourceInputSchema, UrlSourceInputSchema])
	.openapi("SourceInput");
export type SourceInput = z.infer<typeof SourceInputSchema>;

const MetadataSchema = z
	.record(
		z.string().min(1).max(64),
		z.union([z.string().max(LIMITS.metadataValueChars), z.number(), z.boolean(), z.null()]),
	)
	.refine((value) => Object.keys(value).length <= LIMITS.metadataKeys, {
		message: `at most ${LIMITS.metadataKeys} metadata keys`,
	});

/** Body of `POST /v1/research`. Omitted fields take the defaults listed in `resolveConfig`. */
export const ResearchRequestSchema = z
	.object({
		task: z
			.string()
			.trim()
			.min(1)
			.max(LIMITS.taskChars)
			.openapi({ example: "How do heat pumps perform in cold climates?" }),
		depth: z.int().min(1).max(10).optional(),
		timeMinutes: z.int().min(10).max(480).optional(),
		swarmSize: z.int().min(3).max(7).optional(),
		singleAgent: z.boolean().optional(),
		maxConcurrent: z.int().min(1).max(8).optional(),
		focus: FocusSchema.optional(),
		antiHallucination: AntiHallucinationSchema.optional(),
		citations: z.boolean().optional(),
		provider: z
			.string()
			.regex(/^[a-z][a-z0-9-]{1,31}$/)
			.optional(),
		model: z.string().min(1).max(200).optional(),
		/** `direct` (default), `goal` (split into sub-goals) or `auto` (goal mode for very-high complexity). */
		mode: z.enum(["direct", "goal", "auto"]).optional(),
		maxSubgoals: z.int().min(2).max(10).optional(),
		/** Prefer the cheapest configured provider when `provider` is `auto`. */
		costOptimize: z.boolean().optional(),
		/** Spending cap for the job's model calls, in USD. */
		budgetUsd: z.number().positive().max(1000).optional(),
		sources: z
			.array(SourceInputSchema)
			.max(LIMITS.sources)
			.refine((sources) => sources.filter((source) => "url" in source).length <= LIMITS.urlSources, {
				message: `at most ${LIMITS.urlSources} URL sources`,
			})
			.optional(),
		formats: z.array(ReportFormatSchema).min(1).max(3).optional(),
		/** Receives the job's `job.completed` / `job.failed` / `job.cancelled` as a signed Standard Webhook. */
		callbackUrl: z
			.url({ protocol: /^https?$/ })
			.max(2048)
			.optional(),
		metadata: MetadataSchema.optional(),
	})
	.strict()
	.openapi("ResearchRequest");
export type ResearchRequest = z.infer<typeof ResearchRequestSchema>;
export type Metadata = z.infer<typeof MetadataSchema>;

/** The configuration a job actually runs with: the request after defaults and task analysis. */
export const EffectiveConfigSchema = z
	.object({
		depth: z.int().min(1).max(10),
		timeMinutes: z.int(),
		swarmSize: z.int().min(1).max(7),
		singleAgent: z.boolean(),
		maxConcurrent: z.int().min(1).max(8),
		focus: FocusSchema,
		antiHallucination: AntiHallucinationSchema,
		citations: z.boolean(),
		provider: z.string(),
		model: z.string().nullable(),
		costOptimize: z.boolean(),
		budgetUsd: z.number().nullable(),
		formats: z.array(ReportFormatSchema),
		complexity: ComplexitySchema,
		taskType: TaskTypeSchema,
		/** `goal`: the task is split into sub-goals, each researched by its own sub-swarm, joined by one master report. */
		mode: z.enum(["direct", "goal"]),
		maxSubgoals: z.int().min(2).max(10),
		secondPass: z.boolean(),
		analysis: TaskAnalysisSchema,
	})
	.openapi("EffectiveConfig");
export type EffectiveConfig = z.infer<typeof EffectiveConfigSchema>;

/** One sub-goal of a goal: an id such as "g1", what to research, how hard it is, what it waits for, and how to judge it. */
export const SubgoalSchema = z.object({
	id: z.string(),
	description: z.string(),
	complexity: ComplexitySchema,
	dependsOn: z.array(z.string()),
	successCriteria: z.array(z.string()),
});
export type Subgoal = z.infer<typeof SubgoalSchema>;

export const PhaseSchema = z.enum(["research", "review", "revisit", "synthesis"]).openapi("Phase");
export type Phase = z.infer<typeof PhaseSchema>;

/** One node of the job's DAG, as planned. */
export const PlannedTaskSchema = z.object({
	id: z.string(),
	role: RoleSchema,
	phase: PhaseSchema,
	dependsOn: z.array(z.string()),
	/** Fraction of the job's time budget this task may use, in (0, 1]. */
	timeShare: z.number(),
	/** In goal mode, the sub-goal whose sub-swarm this task belongs to; null for the master synthesis and in direct mode. */
	subgoalId: z.string().nullable().optional(),
});
export type PlannedTask = z.infer<typeof PlannedTaskSchema>;

export const UsageSchema = z
	.object({
		inputTokens: z.int().nonnegative(),
		outputTokens: z.int().nonnegative(),
		cacheReadTokens: z.int().nonnegative(),
		cacheWriteTokens: z.int().nonnegative(),
		searchCalls: z.int().nonnegative(),
		costUsd: z.number().nonnegative().nullable().openapi({
			description:
				"Cost in US dollars; null when a call in it ran on a model with no price (see `metrics.pricing`).",
		}),
	})
	.openapi("Usage");
export type Usage = z.infer<typeof UsageSchema>;

export const ZERO_USAGE: Usage = {
	inputTokens: 0,
	outputTokens: 0,
	cacheReadTokens: 0,
	cacheWriteTokens: 0,
	searchCalls: 0,
	costUsd: 0,
};

/**
 * Why a job's cost is not exact: a model with no price row (its calls' cost is unknown, null) or a row
 * whose rates have expired (priced at its last known rates, an estimate).
 */
export const PricingWarningSchema = z
	.object({ kind: z.enum(["unpriced", "stale"]), provider: z.string(), model: z.string() })
	.extend({
		/** For a stale row, the last day of the rates that stood in; null for an unpriced model. */
		validThrough: z.string().nullable(),
		message: z.string(),
	})
	.openapi("PricingWarning");
export type PricingWarning = z.infer<typeof PricingWarningSchema>;

/**
 * What one agent turn's calls were billed, sent by the consumer to its coordinator after the turn, and
 * whether it succeeded or failed: the reservation to give back, the provider, the priced usage, the
 * latency of each answered call.
 */
export const SettledCallSchema = z.object({
	reservedUsd: z.number().nonnegative(),
	provider: z.string().min(1),
	usage: UsageSchema,
	latenciesMs: z.array(z.number().nonnegative()),
	pricingWarning: PricingWarningSchema.nullable().optional(),
});
export type SettledCall = z.infer<typeof SettledCallSchema>;

/** The pricing of a job's calls: whether its cost is an estimate (a stale row's rates), and each warning once. */
export const JobPricingSchema = z
	.object({ estimated: z.boolean(), warnings: z.array(PricingWarningSchema) })
	.openapi("JobPricing");
export type JobPricing = z.infer<typeof JobPricingSchema>;

export const ApiErrorBodySchema = z
	.object({
		error: z.object({
			code: z.string(),
			message: z.string(),
			details: z.unknown().optional(),
		}),
	})
	.openapi("Error");
export type ApiErrorBody = z.infer<typeof ApiErrorBodySchema>;

/** A task as the coordinator tracks it: the plan node plus its run state. */
export const TaskViewSchema = PlannedTaskSchema.extend({
	status: TaskStatusSchema,
	attempts: z.int().nonnegative(),
	progress: z.number().min(0).max(100),
	dispatchedAt: z.number().nullable(),
	startedAt: z.number().nullable(),
	finishedAt: z.number().nullable(),
	usage: UsageSchema,
	provider: z.string().nullable(),
	model: z.string().nullable(),
	error: z.string().nullable(),
}).openapi("AgentTask");
export type TaskView = z.infer<typeof TaskViewSchema>;

/** A source registered with a job. Only `retrieved` sources can back a citation. */
export const SourceRecordSchema = z
	.object({
		id: z.string(),
		title: z.string(),
		url: z.string().nullable(),
		origin: z.enum(["attached", "url", "search"]),
		status: z.enum(["retrieved", "unreachable"]),
		sha256: z.string().nullable(),
		bytes: z.int().nonnegative(),
		contentType: z.string().nullable(),
		error: z.string().nullable(),
		retrievedAt: z.number(),
	})
	.openapi("Source");
export type SourceRecord = z.infer<typeof SourceRecordSchema>;

export const CitationSchema = z
	.object({
		sourceId: z.string().max(64),
		url: z.string().max(2048).nullable(),
		quote: z.string().max(2000),
	})
	.openapi("Citation");
export type Citation = z.infer<typeof CitationSchema>;

/** What an agent claims, with the passages it says support the claim. */
export const FindingSchema = z
	.object({
		title: z.string().max(300),
		claim: z.string().max(4000),
		confidence: z.number().min(0).max(1),
		citations: z.array(CitationSchema).max(20),
		subQuestion: z
			.string()
			.max(300)
			.optional()
			.describe("The sub-question of the task that the finding answers, when the task asks several."),
	})
	.openapi("Finding");
export type Finding = z.infer<typeof FindingSchema>;

export const ProviderCallSchema = z.object({
	provider: z.string(),
	model: z.string().nullable(),
	latencyMs: z.number().nonnegative(),
	ok: z.boolean(),
});
export type ProviderCall = z.infer<typeof ProviderCallSchema>;

/** What the queue consumer returns to the coordinator for one task attempt. */
export const AgentResultSchema = z.object({
	findings: z.array(FindingSchema).max(100),
	narrative: z.string().max(20_000),
	usage: UsageSchema,
	providerCalls: z.array(ProviderCallSchema),
	provider: z.string(),
	model: z.string().nullable(),
	/** Set when the attempt's cost is unknown (unpriced model) or an estimate (stale price row). */
	pricingWarning: PricingWarningSchema.nullable().optional(),
});
export type AgentResult = z.infer<typeof AgentResultSchema>;

/** The queue message for one agent task attempt. */
export const AgentTaskMessageSchema = z.object({
	jobId: z.string(),
	tenantId: z.string(),
	taskId: z.string(),
	attempt: z.int().positive(),
});
export type AgentTaskMessage = z.infer<typeof AgentTaskMessageSchema>;

export const UpstreamResultSchema = z.object({
	taskId: z.string(),
	role: RoleSchema,
	findings: z.array(FindingSchema),
	narrative: z.string(),
});
export type UpstreamResult = z.infer<typeof UpstreamResultSchema>;

/** Everything an agent needs to run one task, handed out by the coordinator when the attempt starts. */
export type AgentContext = {
	jobId: string;
	tenantId: string;
	taskId: string;
	attempt: number;
	role: Role;
	phase: Phase;
	task: string;
	config: EffectiveConfig;
	/** The provider and model this attempt runs on (a fallback when the job's provider is failing). */
	provider: string;
	model: string | null;
	/** The task's share of the job's time budget, in (0, 1]. */
	timeShare: number;
	/** Wall-clock budget for this attempt, in milliseconds. */
	timeBudgetMs: number;
	sources: SourceRecord[];
	upstream: UpstreamResult[];
	/** Lessons from the tenant's similar successful jobs, for the agent's prompt. */
	lessons: string[];
};

export const PhaseDurationsSchema = z.object({
	queuedMs: z.number().nullable(),
	planningMs: z.number().nullable(),
	runningMs: z.number().nullable(),
	synthesizingMs: z.number().nullable(),
});

export const JobMetricsSchema = z
	.object({
		durationMs: z.number().nullable(),
		phases: PhaseDurationsSchema,
		usage: UsageSchema,
		usageByProvider: z.record(z.string(), UsageSchema),
		providerLatencyMs: z.object({
			count: z.int(),
			p50: z.number().nullable(),
			p95: z.number().nullable(),
			p99: z.number().nullable(),
		}),
		agents: z.object({
			planned: z.int(),
			completed: z.int(),
			failed: z.int(),
			skipped: z.int(),
		}),
		errors: z.int(),
		retries: z.int(),
		redispatches: z.int(),
		budget: z.object({
			limitUsd: z.number().nullable(),
			spentUsd: z.number(),
			/** True when a call was refused because the budget could not cover it. */
			limited: z.boolean(),
		}),
		/** Whether `usage.costUsd` is an estimate, and why it is unknown (null) or estimated. */
		pricing: JobPricingSchema.optional(),
		/**
		 * Tasks moved to another provider because theirs was failing (circuit breaker open), and why:
		 * `rate_limited` (429s that outlasted the retries) or `outage` (overload, 5xx, timeouts, network).
		 */
		fallbacks: z.array(
			z.object({
				taskId: z.string(),
				attempt: z.int(),
				from: z.string(),
				to: z.string(),
				at: z.number(),
				reason: z.enum(["rate_limited", "outage"]).optional(),
			}),
		),
	})
	.openapi("JobMetrics");
export type JobMetrics = z.infer<typeof JobMetricsSchema>;

export const JobLinksSchema = z.object({
	self: z.string(),
	events: z.string(),
	report: z.string(),
	cancel: z.string(),
});

export const JobErrorSchema = z.object({ code: z.string(), message: z.string() });

export type { AgentEventType, EventType, JobLevelEventType } from "./events/event-types.ts";
export { EVENT_TYPES, TERMINAL_EVENT_TYPES } from "./events/event-types.ts";
export const EventTypeSchema = z.enum(EVENT_TYPES).openapi("EventType");

/** Who an `agent.*` event is about: the task (its id names the agent), its role, the attempt, and in goal mode its sub-goal. */
export const AgentRefSchema = z.object({
	agentId: z.string(),
	role: RoleSchema,
	attempt: z.int(),
	subgoalId: z.string().optional(),
});
export type AgentRef = z.infer<typeof AgentRefSchema>;

/** What every event's data carries: its job and when it was recorded (ms since the epoch). */
const EventStampSchema = z.object({ jobId: z.string(), at: z.number() });

/** How a job ended, with its final metrics: the data of `job.completed`, `job.failed` and `job.cancelled`. */
const JobEndedPayloadSchema = z.object({
	status: JobStatusSchema,
	partial: z.boolean(),
	error: JobErrorSchema.optional(),
	metrics: JobMetricsSchema,
});

/** The type-specific fields of each event's data, as the coordinator records them. */
const EVENT_PAYLOAD_SCHEMAS = {
	"job.accepted": z.object({ task: z.string(), config: EffectiveConfigSchema }),
	"job.planned": z.object({
		plan: z.array(
			PlannedTaskSchema.pick({ id: true, role: true, phase: true, dependsOn: true, timeShare: true }),
		),
		sources: z.object({ retrieved: z.int().nonnegative(), unreachable: z.int().nonnegative() }),
	}),
	"agent.dispatched": z.object({}),
	"agent.started": z.object({ provider: z.string(), model: z.string().nullable() }),
	"agent.progress": z.object({ progress: z.int().min(0).max(99), note: z.string().optional() }),
	"agent.completed": z.object({
		findings: z.int().nonnegative(),
		usage: UsageSchema,
		/** Time the attempt spent inside its provider calls, as the agent measured it. */
		providerMs: z.number().nonnegative(),
	}),
	"agent.failed": z.object({ error: z.string() }),
	/** `error`: the attempt failed and the queue delivers it again after `delaySeconds`; `lease_expired`: it was lost and goes back to pending. */
	"agent.retrying": z.object({
		reason: z.enum(["error", "lease_expired"]),
		error: z.string().optional(),
		delaySeconds: z.number().optional(),
	}),
	"job.synthesizing": z.object({ reason: z.enum(["settled", "deadline"]) }),
	"job.completed": JobEndedPayloadSchema,
	"job.failed": JobEndedPayloadSchema,
	"job.cancelled": JobEndedPayloadSchema,
} as const satisfies Record<EventType, z.ZodObject>;
type EventPayloadSchemas = typeof EVENT_PAYLOAD_SCHEMAS;

/**
 * The fields an event of type `T` adds to what every event carries (`jobId`, `at`, and for `agent.*` the
 * agent reference): what the coordinator passes when it records one.
 * @example const data: EventPayload<"agent.started"> = { provider: "extractive", model: null };
 */
export type EventPayload<T extends EventType> = z.infer<EventPayloadSchemas[T]>;

const SeqSchema = z.int().positive();

/** The schema of a `job.*` event: the stamp and the type's own fields. */
function jobLevelEvent<T extends JobLevelEventType>(type: T) {
	return z.object({
		seq: SeqSchema,
		type: z.literal(type),
		data: EventStampSchema.extend(
			// Indexing by a generic key widens to every payload's shape; this one is exactly type T's.
			EVENT_PAYLOAD_SCHEMAS[type].shape as EventPayloadSchemas[T]["shape"],
		),
	});
}

/** The schema of an `agent.*` event: the stamp, the agent reference and the type's own fields. */
function agentEvent<T extends AgentEventType>(type: T) {
	return z.object({
		seq: SeqSchema,
		type: z.literal(type),
		data: EventStampSchema.extend(AgentRefSchema.shape).extend(
			EVENT_PAYLOAD_SCHEMAS[type].shape as EventPayloadSchemas[T]["shape"],
		),
	});
}

/** One entry of a job's ordered event log, as served over SSE (`id:` is `seq`, `event:` the type, `data:` the data). */
export const JobEventSchema = z
	.discriminatedUnion("type", [
		jobLevelEvent("job.accepted"),
		jobLevelEvent("job.planned"),
		agentEvent("agent.dispatched"),
		agentEvent("agent.started"),
		agentEvent("agent.progress"),
		agentEvent("agent.completed"),
		agentEvent("agent.failed"),
		agentEvent("agent.retrying"),
		jobLevelEvent("job.synthesizing"),
		jobLevelEvent("job.completed"),
		jobLevelEvent("job.failed"),
		jobLevelEvent("job.cancelled"),
	])
	.openapi("JobEvent");
export type JobEvent = z.infer<typeof JobEventSchema>;
export type JsonValue = z.infer<ReturnType<typeof z.json>>;

/** `GET /v1/research/:id` */
export const JobViewSchema = z
	.object({
		id: z.string(),
		status: JobStatusSchema,
		task: z.string(),
		createdAt: z.number(),
		updatedAt: z.number(),
		completedAt: z.number().nullable(),
		config: EffectiveConfigSchema,
		plan: z.array(TaskViewSchema),
		progress: z.number().min(0).max(100),
		partial: z.boolean(),
		sources: z.array(SourceRecordSchema),
		metrics: JobMetricsSchema,
		error: JobErrorSchema.nullable(),
		metadata: MetadataSchema.nullable(),
		/** Goal mode: the sub-goal tree, the planner's parallel levels and its explanation. */
		goal: z
			.object({
				goal: z.string(),
				levels: z.array(z.array(z.string())),
				explanation: z.array(z.string()),
				subgoals: z.array(
					SubgoalSchema.extend({
						taskIds: z.array(z.string()),
						status: z.enum(["pending", "running", "completed"]),
					}),
				),
			})
			.nullable(),
		links: JobLinksSchema,
	})
	.openapi("Job");
export type JobView = z.infer<typeof JobViewSchema>;

/** `202` answer of `POST /v1/research`. */
export const JobAcceptedSchema = z
	.object({ id: z.string(), status: JobStatusSchema, links: JobLinksSchema })
	.openapi("JobAccepted");
export type JobAccepted = z.infer<typeof JobAcceptedSchema>;

/** One row of `GET /v1/research`. */
export const JobSummarySchema = z
	.object({
		id: z.string(),
		status: JobStatusSchema,
		task: z.string(),
		progress: z.number(),
		createdAt: z.number(),
		updatedAt: z.number(),
		completedAt: z.number().nullable(),
		links: JobLinksSchema,
	})
	.openapi("JobSummary");
export type JobSummary = z.infer<typeof JobSummarySchema>;

export const JobListSchema = z
	.object({ jobs: z.array(JobSummarySchema), nextCursor: z.string().nullable() })
	.openapi("JobList");
export type JobList = z.infer<typeof JobListSchema>;

/** Paths of a job's resources, relative to the API origin. */
export function jobLinks(jobId: string): z.infer<typeof JobLinksSchema> {
	const self = `/v1/research/${jobId}`;
	return { self, events: `${self}/events`, report: `${self}/report`, cancel: `${self}/cancel` };
}

/** A job's terminal event on its way to webhooks (the `webhook-deliveries` queue). */
export const OutboundJobEventSchema = z.object({
	kind: z.literal("job-event"),
	tenantId: z.string(),
	jobId: z.string(),
	/** Stable across retries and redeliveries: the Standard Webhooks `webhook-id`. */
	eventId: z.string(),
	type: z.enum(["job.completed", "job.failed", "job.cancelled"]),
	occurredAt: z.number(),
	callbackUrl: z.string().nullable(),
	payload: z.record(z.string(), z.json()),
});
export type OutboundJobEvent = z.infer<typeof OutboundJobEventSchema>;

/** A learned pattern: one finished job's task, outcome and strategy (`GET /v1/patterns`). */
export const PatternSchema = z
	.object({
		id: z.string(),
		jobId: z.string(),
		task: z.string(),
		taskType: TaskTypeSchema,
		reward: z.number(),
		success: z.boolean(),
		critique: z.string(),
		improvements: z.array(z.string()),
		strategy: z.object({
			provider: z.string(),
			model: z.string().nullable(),
			swarmSize: z.int(),
			depth: z.int(),
		}),
		usageCount: z.int(),
		createdAt: z.number(),
		score: z
			.number()
			.nullable()
			.openapi({ description: "Cosine similarity to the query, when there is one." }),
	})
	.openapi("Pattern");
export type Pattern = z.infer<typeof PatternSchema>;

/** `GET /v1/stats`: what the tenant's jobs and patterns add up to. */
export const StatsSchema = z
	.object({
		jobsByStatus: z.record(z.string(), z.int()),
		patterns: z.int(),
		successRate: z.number().nullable(),
		averageReward: z.number().nullable(),
		/** Mean reward of the newer half of patterns minus the older half. */
		improvementRate: z.number().nullable(),
		rewardOverTime: z.array(
			z.object({
				day: z.string(),
				averageReward: z.number(),
				successRate: z.number(),
				patterns: z.int(),
			}),
		),
		patternReuse: z.int(),
		confidenceGrowth: z.array(
			z.object({ distillationId: z.string(), confidence: z.number(), at: z.number() }),
		),
		tokens: z.object({ input: z.int(), output: z.int() }),
		costUsd: z.number(),
	})
	.openapi("Stats");
export type Stats = z.infer<typeof StatsSchema>;

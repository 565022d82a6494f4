/**
 * research-swarm as a library: `import { ResearchSwarmClient } from "research-swarm"`. The typed client
 * of every API route, its errors, the wire types it speaks (the Worker's own zod schemas), and the event
 * fold that turns a job's events into its progress.
 */
export { DEFAULT_RETRY_POLICY, EventStreamError, type RetryPolicy } from "../events/follow.ts";
export {
	type AgentProgress,
	applyEvent,
	emptyProgress,
	foldEvents,
	hasEnded,
	type JobProgress,
	jobPercent,
} from "../events/progress.ts";
export {
	type EffectiveConfig,
	type EventType,
	type JobAccepted,
	type JobEvent,
	JobEventSchema,
	type JobList,
	type JobMetrics,
	type JobStatus,
	type JobSummary,
	type JobView,
	type Pattern,
	type ReportFormat,
	type ResearchRequest,
	ResearchRequestSchema,
	type Role,
	type SourceInput,
	type Stats,
	TERMINAL_EVENT_TYPES,
	type Usage,
} from "../protocol.ts";
export type { Provenance } from "../synthesis/provenance.ts";
export type { Report } from "../synthesis/report-schema.ts";
export type {
	ApiKeyMetadata,
	CreatedKey,
	CreatedTenant,
	CreateKeyRequest,
	CreateTenantRequest,
	KeyList,
} from "../wire/api-keys.ts";
export type { GoalPlan, GoalPlanRequest } from "../wire/goals.ts";
export type { LearnRequest, LearnResult, PatternDetail, PatternList } from "../wire/learning.ts";
export type { ProviderInfo, Providers } from "../wire/providers.ts";
export type {
	CreateEndpoint,
	Delivery,
	DeliveryList,
	DeliveryStatus,
	Endpoint,
	EndpointList,
	GithubSaved,
	GithubUpdate,
	RotatedSecret,
	WebhookSettings,
} from "../wire/webhooks.ts";
export { AdminResource, KeysResource } from "./api-keys.ts";
export { ResearchSwarmClient } from "./client.ts";
export { ApiError, ConnectionError, ResearchSwarmError, UnexpectedResponseError } from "./errors.ts";
export { GoalsResource } from "./goals.ts";
export { LearningResource, type PatternQuery } from "./learning.ts";
export { ProvidersResource } from "./providers.ts";
export {
	type FollowJobOptions,
	type ListJobsQuery,
	ResearchResource,
	type SubmitOptions,
} from "./research.ts";
export type { CallOptions, ClientOptions, Fetch } from "./transport.ts";
export {
	DeliveriesResource,
	type DeliveryQuery,
	EndpointsResource,
	WebhooksResource,
} from "./webhooks.ts";

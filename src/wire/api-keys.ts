/**
 * Wire shapes of `/v1/keys` (a tenant's own API keys) and `/v1/admin/tenants` (a new tenant and its first
 * key, with the admin token), shared by the routes and the client. A key's secret is in an answer once.
 */
import { z } from "@hono/zod-openapi";

const KeyEnvironmentSchema = z.enum(["live", "test"]).default("live");

/** What is known of a key after it was created: never its secret. */
export const ApiKeyMetadataSchema = z
	.object({
		id: z.string(),
		name: z.string(),
		prefix: z.string(),
		createdAt: z.number(),
		lastUsedAt: z.number().nullable(),
		revokedAt: z.number().nullable(),
	})
	.openapi("ApiKey");
export type ApiKeyMetadata = z.infer<typeof ApiKeyMetadataSchema>;

export const CreatedKeySchema = ApiKeyMetadataSchema.extend({
	key: z.string().openapi({ description: "The secret. It is shown only in this response." }),
}).openapi("CreatedApiKey");
export type CreatedKey = z.infer<typeof CreatedKeySchema>;

/** Body of `POST /v1/keys`. */
export const CreateKeyRequestSchema = z
	.object({ name: z.string().trim().min(1).max(200), environment: KeyEnvironmentSchema })
	.strict();
export type CreateKeyRequest = z.input<typeof CreateKeyRequestSchema>;

/** Answer of `GET /v1/keys`. */
export const KeyListSchema = z.object({ keys: z.array(ApiKeyMetadataSchema) });
export type KeyList = z.infer<typeof KeyListSchema>;

/** The limits an admin may set on a tenant, each within its bounds. */
const TenantLimitFieldsSchema = z.object({
	maxConcurrentJobs: z.int().min(1).max(1000),
	maxDailyJobs: z.int().min(1).max(1_000_000),
	/** Requests per minute across all the tenant's API keys (each key also has its own 120). */
	maxRequestsPerMinute: z.int().min(1).max(100_000),
	/** Unrevoked API keys the tenant may hold at once. */
	maxActiveKeys: z.int().min(1).max(1000),
});
const limits = TenantLimitFieldsSchema.shape;

/** Body of `POST /v1/admin/tenants`; limits left out take the deployment's defaults. */
export const CreateTenantRequestSchema = z
	.object({ name: z.string().trim().min(1).max(200), keyEnvironment: KeyEnvironmentSchema })
	.extend(TenantLimitFieldsSchema.partial().shape)
	.strict();
export type CreateTenantRequest = z.input<typeof CreateTenantRequestSchema>;

/** Answer of `POST /v1/admin/tenants`. */
export const CreatedTenantSchema = z.object({
	tenant: z.object({ id: z.string(), name: z.string() }),
	apiKey: CreatedKeySchema,
});
export type CreatedTenant = z.infer<typeof CreatedTenantSchema>;

/** Body of `PATCH /v1/admin/tenants/{id}`: the limits to change; null returns one to the deployment's default. */
export const UpdateTenantLimitsSchema = z
	.object({
		maxConcurrentJobs: limits.maxConcurrentJobs.nullable(),
		maxDailyJobs: limits.maxDailyJobs.nullable(),
		maxRequestsPerMinute: limits.maxRequestsPerMinute.nullable(),
		maxActiveKeys: limits.maxActiveKeys.nullable(),
	})
	.partial()
	.strict()
	.openapi("TenantLimitsUpdate");
export type UpdateTenantLimits = z.input<typeof UpdateTenantLimitsSchema>;

/** Answer of `PATCH /v1/admin/tenants/{id}`: the limits now in force for the tenant. */
export const TenantLimitsSchema = TenantLimitFieldsSchema.extend({ tenantId: z.string() }).openapi(
	"TenantLimits",
);
export type TenantLimitsView = z.infer<typeof TenantLimitsSchema>;

/** Deployment settings that govern access: dev mode, the admin token and tenant limits, validated with zod. */
import { z } from "zod";

const optional = <T extends z.ZodType>(schema: T) =>
	z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const AccessEnvSchema = z.object({
	ENVIRONMENT: z.string(),
	/** Set to "true" only by the local dev scripts and the tests; never by a request. */
	DEV_MODE: optional(z.enum(["true", "false"])),
	ADMIN_TOKEN: optional(z.string().min(16)),
	MAX_CONCURRENT_JOBS: optional(z.coerce.number().int().positive()),
	MAX_DAILY_JOBS: optional(z.coerce.number().int().positive()),
	MAX_TENANT_REQUESTS_PER_MINUTE: optional(z.coerce.number().int().positive()),
	MAX_ACTIVE_KEYS: optional(z.coerce.number().int().positive()),
});

export type AccessSettings = {
	production: boolean;
	devMode: boolean;
	adminToken: string | null;
	limits: TenantLimits;
};

/** What a tenant may do: jobs at once and per day, requests per minute across its keys, unrevoked keys. */
export type TenantLimits = {
	maxConcurrentJobs: number;
	maxDailyJobs: number;
	maxRequestsPerMinute: number;
	maxActiveKeys: number;
};

/**
 * Limits of a tenant when neither the tenant nor the deployment sets them. The request ceiling is three
 * times one key's limit (120 a minute), so a tenant gains a little from more keys but not a multiple.
 */
export const DEFAULT_TENANT_LIMITS: TenantLimits = {
	maxConcurrentJobs: 10,
	maxDailyJobs: 500,
	maxRequestsPerMinute: 360,
	maxActiveKeys: 20,
};

/** The admin token local development accepts (only in dev mode). */
export const LOCAL_ADMIN_TOKEN = "local-admin";

/** Reads the access settings of `env`; throws naming the malformed variable (never its value). */
export function accessSettings(env: Env): AccessSettings {
	const parsed = AccessEnvSchema.safeParse(env);
	if (!parsed.success) {
		throw new Error(
			`invalid access configuration: ${parsed.error.issues.map((issue) => issue.path.join(".")).join(", ")}`,
		);
	}
	const vars = parsed.data;
	return {
		production: vars.ENVIRONMENT === "production",
		devMode: vars.DEV_MODE === "true",
		adminToken: vars.ADMIN_TOKEN ?? null,
		limits: {
			maxConcurrentJobs: vars.MAX_CONCURRENT_JOBS ?? DEFAULT_TENANT_LIMITS.maxConcurrentJobs,
			maxDailyJobs: vars.MAX_DAILY_JOBS ?? DEFAULT_TENANT_LIMITS.maxDailyJobs,
			maxRequestsPerMinute: vars.MAX_TENANT_REQUESTS_PER_MINUTE ?? DEFAULT_TENANT_LIMITS.maxRequestsPerMinute,
			maxActiveKeys: vars.MAX_ACTIVE_KEYS ?? DEFAULT_TENANT_LIMITS.maxActiveKeys,
		},
	};
}

/** A tenant row's own limits where it sets them (non-null), the deployment's elsewhere. */
export type TenantLimitOverrides = { [Name in keyof TenantLimits]?: number | null };

/**
 * The limits in force for one tenant: each one the tenant row sets, else the deployment's default.
 * @example tenantLimits({ maxActiveKeys: 5, maxDailyJobs: null }, accessSettings(env).limits).maxActiveKeys // → 5
 */
export function tenantLimits(row: TenantLimitOverrides | null, defaults: TenantLimits): TenantLimits {
	return {
		maxConcurrentJobs: row?.maxConcurrentJobs ?? defaults.maxConcurrentJobs,
		maxDailyJobs: row?.maxDailyJobs ?? defaults.maxDailyJobs,
		maxRequestsPerMinute: row?.maxRequestsPerMinute ?? defaults.maxRequestsPerMinute,
		maxActiveKeys: row?.maxActiveKeys ?? defaults.maxActiveKeys,
	};
}

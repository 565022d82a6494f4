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
});

export type AccessSettings = {
	production: boolean;
	devMode: boolean;
	adminToken: string | null;
	limits: { maxConcurrentJobs: number; maxDailyJobs: number };
};

/** Limits of a tenant when neither the tenant nor the deployment sets them. */
export const DEFAULT_TENANT_LIMITS = { maxConcurrentJobs: 10, maxDailyJobs: 500 } as const;

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
		},
	};
}

/**
 * The production environment of wrangler.toml (`[env.production]`), read with smol-toml and validated
 * with zod. Wrangler does not inherit bindings into an environment, so everything the deployed Worker
 * binds is declared there; only the Durable Object migrations come from the top level when the
 * environment has none of its own.
 */
import { parse } from "smol-toml";
import { z } from "zod";

/** The wrangler environment `npm run deploy` deploys. */
export const DEPLOY_ENV = "production";

const D1DatabaseSchema = z.object({
	binding: z.string(),
	database_name: z.string(),
	database_id: z.string().optional(),
	migrations_dir: z.string().optional(),
});

const DurableObjectMigrationSchema = z.object({
	tag: z.string(),
	new_classes: z.array(z.string()).default([]),
	new_sqlite_classes: z.array(z.string()).default([]),
});

/**
 * The settings of `[env.production]`. It is strict: a key not listed here (a KV namespace, say) stops the
 * deploy before anything is created, so a new kind of binding gets provisioned by this script instead of
 * failing half-way through `wrangler deploy`.
 */
const ProductionEnvSchema = z.strictObject({
	name: z.string(),
	vars: z.record(z.string(), z.unknown()).default({}),
	durable_objects: z
		.object({ bindings: z.array(z.object({ name: z.string(), class_name: z.string() })) })
		.default({ bindings: [] }),
	migrations: z.array(DurableObjectMigrationSchema).optional(),
	ratelimits: z
		.array(
			z.object({
				name: z.string(),
				namespace_id: z.string(),
				simple: z.object({ limit: z.number(), period: z.number() }),
			}),
		)
		.default([]),
	d1_databases: z.array(D1DatabaseSchema).default([]),
	r2_buckets: z.array(z.object({ binding: z.string(), bucket_name: z.string() })).default([]),
	queues: z
		.object({
			producers: z.array(z.object({ binding: z.string(), queue: z.string() })).default([]),
			consumers: z
				.array(z.object({ queue: z.string(), dead_letter_queue: z.string().optional() }))
				.default([]),
		})
		.default({ producers: [], consumers: [] }),
	vectorize: z.array(z.object({ binding: z.string(), index_name: z.string() })).default([]),
	// Workers AI: the account has it already, so the binding needs nothing created.
	ai: z.object({ binding: z.string() }).optional(),
	// Settings that create nothing: wrangler applies them as they are.
	routes: z.unknown().optional(),
	workers_dev: z.boolean().optional(),
	minify: z.boolean().optional(),
	observability: z.unknown().optional(),
});

const WranglerTomlSchema = z.object({
	migrations: z.array(DurableObjectMigrationSchema).default([]),
	env: z.object({ [DEPLOY_ENV]: ProductionEnvSchema }),
});

export type D1Database = z.infer<typeof D1DatabaseSchema>;
export type DurableObjectMigration = z.infer<typeof DurableObjectMigrationSchema>;

/** What the production Worker binds, with the Durable Object migrations that apply to it. */
export type ProductionConfig = Omit<z.infer<typeof ProductionEnvSchema>, "migrations"> & {
	migrations: DurableObjectMigration[];
};

/** Parses wrangler.toml's text; throws naming each setting of `[env.production]` it cannot use. */
export function readProductionConfig(text: string): ProductionConfig {
	const parsed = WranglerTomlSchema.safeParse(parse(text));
	if (!parsed.success) {
		const issues = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
		throw new Error(`wrangler.toml [env.${DEPLOY_ENV}] cannot be deployed as it is:\n${issues.join("\n")}`);
	}
	const { migrations, env } = parsed.data;
	const production = env[DEPLOY_ENV];
	return { ...production, migrations: production.migrations ?? migrations };
}

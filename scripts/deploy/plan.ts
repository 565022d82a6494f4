/**
 * What a production deployment needs, worked out from wrangler.toml alone (pure: no command runs here):
 * the account resources its bindings name, the wrangler commands that create them, which of them an
 * account already has, and the D1 ids to write back into the config.
 */
import { HASHING_EMBEDDER_DIMENSIONS } from "../../src/learning/embedder";
import { GEMINI_EMBEDDING_DIMENSIONS } from "../../src/learning/gemini-embedder";
import { OPENAI_EMBEDDING_DIMENSIONS } from "../../src/learning/openai-embedder";
import {
	WORKERS_AI_EMBEDDING_DIMENSIONS,
	WORKERS_AI_EMBEDDING_MODEL,
} from "../../src/learning/workers-ai-embedder";
import { DEPLOY_ENV, type ProductionConfig } from "./config";

/** Vector length of each embedder the `EMBEDDER` var can name (src/learning/service.ts). */
export const EMBEDDER_DIMENSIONS: Record<string, number> = {
	hashing: HASHING_EMBEDDER_DIMENSIONS,
	openai: OPENAI_EMBEDDING_DIMENSIONS,
	gemini: GEMINI_EMBEDDING_DIMENSIONS,
	"workers-ai": WORKERS_AI_EMBEDDING_DIMENSIONS[WORKERS_AI_EMBEDDING_MODEL],
};

/** The Vectorize binding of the pattern index; the only one the Worker has. */
const PATTERN_INDEX_BINDING = "PATTERN_INDEX";

type MetadataType = "string" | "number" | "boolean";

/**
 * Properties the Worker filters pattern queries on (src/learning/vectorize-index.ts). Vectorize filters
 * only on indexed properties, and indexes only vectors inserted after the index exists, so these are
 * created before the first deploy.
 */
export const PATTERN_METADATA_INDEXES: { property: string; type: MetadataType }[] = [
	{ property: "tenantId", type: "string" },
	{ property: "model", type: "string" },
	{ property: "taskType", type: "string" },
	{ property: "success", type: "boolean" },
];

/**
 * A secret the Worker reads; `generate`d ones are set by the deploy when missing (256 random bits as hex,
 * after `prefix`), the rest by hand.
 */
export type Secret = { name: string; generate: boolean; purpose: string; prefix?: string };

/** Secrets the Worker reads (src/auth/settings.ts, src/auth/secrets-keys.ts, src/providers/settings.ts). */
export const SECRETS: Secret[] = [
	{ name: "ADMIN_TOKEN", generate: true, purpose: "creates tenants and their first key" },
	{
		name: "SECRETS_KEYS",
		generate: true,
		purpose: "seals webhook secrets and GitHub tokens in D1 (key id k1)",
		prefix: "k1:",
	},
	{ name: "ANTHROPIC_API_KEY", generate: false, purpose: "the anthropic provider" },
	{ name: "OPENAI_API_KEY", generate: false, purpose: "the openai provider, and EMBEDDER=openai" },
	{ name: "GEMINI_API_KEY", generate: false, purpose: "the gemini provider, and EMBEDDER=gemini" },
	{ name: "OPENROUTER_API_KEY", generate: false, purpose: "the openrouter provider" },
	{ name: "BRAVE_API_KEY", generate: false, purpose: "web search for models without their own" },
];

export type Resource =
	| { kind: "d1"; binding: string; name: string; configuredId: string | null }
	| { kind: "r2"; binding: string; name: string }
	| { kind: "queue"; name: string; uses: string[] }
	| {
			kind: "vectorize";
			binding: string;
			name: string;
			dimensions: number;
			metric: "cosine";
			embedder: string;
	  }
	| { kind: "metadata-index"; index: string; property: string; type: MetadataType };

export type ProductionPlan = {
	/** The Worker's name in the account. */
	worker: string;
	/** Account resources the bindings name, in the order they are created. */
	resources: Resource[];
	/** Created by `wrangler deploy` itself, from the config's migrations. */
	durableObjects: { binding: string; className: string; migration: string | null }[];
	/** Configured in the binding itself; nothing to create. */
	rateLimits: { binding: string; limit: number; period: number }[];
	/** The Workers AI binding (the workers-ai provider and embedder); every account has Workers AI. */
	workersAi: { binding: string } | null;
	/** D1 bindings whose migrations are applied remotely before the deploy. */
	d1Migrations: { binding: string; directory: string }[];
	secrets: Secret[];
};

/** Every resource and setting the production config binds, in creation order. Throws on what it cannot size. */
export function productionPlan(config: ProductionConfig): ProductionPlan {
	const resources: Resource[] = [
		...config.d1_databases.map(
			(database): Resource => ({
				kind: "d1",
				binding: database.binding,
				name: database.database_name,
				configuredId: database.database_id ?? null,
			}),
		),
		...config.r2_buckets.map(
			(bucket): Resource => ({ kind: "r2", binding: bucket.binding, name: bucket.bucket_name }),
		),
		...productionQueues(config),
		...config.vectorize.flatMap((index) => patternIndex(index.binding, index.index_name, config.vars)),
	];
	return {
		worker: config.name,
		resources,
		durableObjects: config.durable_objects.bindings.map((binding) => ({
			binding: binding.name,
			className: binding.class_name,
			migration:
				config.migrations.find((migration) =>
					[...migration.new_classes, ...migration.new_sqlite_classes].includes(binding.class_name),
				)?.tag ?? null,
		})),
		rateLimits: config.ratelimits.map((limit) => ({
			binding: limit.name,
			limit: limit.simple.limit,
			period: limit.simple.period,
		})),
		workersAi: config.ai ? { binding: config.ai.binding } : null,
		d1Migrations: config.d1_databases.map((database) => ({
			binding: database.binding,
			directory: database.migrations_dir ?? "migrations",
		})),
		secrets: SECRETS,
	};
}

/** Every queue the Worker produces to, consumes from or dead-letters into, once each, with its uses. */
function productionQueues(config: ProductionConfig): Resource[] {
	const uses = new Map<string, string[]>();
	const use = (queue: string, how: string) => uses.set(queue, [...(uses.get(queue) ?? []), how]);
	for (const producer of config.queues.producers) use(producer.queue, `producer ${producer.binding}`);
	for (const consumer of config.queues.consumers) {
		use(consumer.queue, "consumer");
		if (consumer.dead_letter_queue) use(consumer.dead_letter_queue, `dead-letter queue of ${consumer.queue}`);
	}
	return [...uses].map(([name, how]): Resource => ({ kind: "queue", name, uses: how }));
}

/** The pattern index and its metadata indexes, sized for the embedder the `EMBEDDER` var chooses. */
function patternIndex(binding: string, name: string, vars: Record<string, unknown>): Resource[] {
	if (binding !== PATTERN_INDEX_BINDING) {
		throw new Error(`Vectorize binding ${binding}: only ${PATTERN_INDEX_BINDING} has known dimensions`);
	}
	const embedder = typeof vars.EMBEDDER === "string" && vars.EMBEDDER !== "" ? vars.EMBEDDER : "hashing";
	const dimensions = EMBEDDER_DIMENSIONS[embedder];
	if (dimensions === undefined) throw new Error(`EMBEDDER = "${embedder}" names no embedder`);
	return [
		{ kind: "vectorize", binding, name, dimensions, metric: "cosine", embedder },
		...PATTERN_METADATA_INDEXES.map(
			(index): Resource => ({
				kind: "metadata-index",
				index: name,
				property: index.property,
				type: index.type,
			}),
		),
	];
}

/** The wrangler arguments that create `resource`. */
export function createArgs(resource: Resource): string[] {
	switch (resource.kind) {
		case "d1":
			return ["d1", "create", resource.name];
		case "r2":
			return ["r2", "bucket", "create", resource.name];
		case "queue":
			return ["queues", "create", resource.name];
		case "vectorize":
			return [
				"vectorize",
				"create",
				resource.name,
				`--dimensions=${resource.dimensions}`,
				`--metric=${resource.metric}`,
			];
		case "metadata-index":
			return [
				"vectorize",
				"create-metadata-index",
				resource.index,
				`--propertyName=${resource.property}`,
				`--type=${resource.type}`,
			];
	}
}

/** The wrangler arguments that apply a D1 binding's migrations to the account's database. */
export function migrationsApplyArgs(binding: string): string[] {
	return ["d1", "migrations", "apply", binding, "--remote", "--env", DEPLOY_ENV];
}

/** The wrangler arguments of the deploy, uploading the secrets in `secretsFile` with it when given. */
export function deployArgs(secretsFile: string | null): string[] {
	return ["deploy", "--env", DEPLOY_ENV, ...(secretsFile ? ["--secrets-file", secretsFile] : [])];
}

/** One line naming `resource` and what binds it, e.g. `D1 database research-swarm (binding DB)`. */
export function describeResource(resource: Resource): string {
	switch (resource.kind) {
		case "d1":
			return `D1 database ${resource.name} (binding ${resource.binding}; its id is written into wrangler.toml)`;
		case "r2":
			return `R2 bucket ${resource.name} (binding ${resource.binding})`;
		case "queue":
			return `Queue ${resource.name} (${resource.uses.join(", ")})`;
		case "vectorize":
			return `Vectorize index ${resource.name} (binding ${resource.binding}; ${resource.dimensions} dimensions for the ${resource.embedder} embedder, ${resource.metric})`;
		case "metadata-index":
			return `Vectorize metadata index ${resource.index}.${resource.property} (${resource.type})`;
	}
}

/** What an account already has, as the wrangler list commands report it. */
export type Inventory = {
	/** D1 database name → id. */
	d1: Record<string, string>;
	r2: string[];
	queues: string[];
	vectorize: Record<string, { dimensions: number; metric: string }>;
	/** Vectorize index name → indexed property → its type. */
	metadataIndexes: Record<string, Record<string, string>>;
};

/** Whether the account already has `resource`. */
function exists(resource: Resource, inventory: Inventory): boolean {
	switch (resource.kind) {
		case "d1":
			return resource.name in inventory.d1;
		case "r2":
			return inventory.r2.includes(resource.name);
		case "queue":
			return inventory.queues.includes(resource.name);
		case "vectorize":
			return resource.name in inventory.vectorize;
		case "metadata-index":
			return resource.property in (inventory.metadataIndexes[resource.index] ?? {});
	}
}

/**
 * Why an existing resource cannot serve as it is, or null. Vectorize fixes an index's dimensions, metric
 * and metadata types at creation, so a mismatch needs a person to delete or rename the index.
 */
function conflict(resource: Resource, inventory: Inventory): string | null {
	if (resource.kind === "vectorize") {
		const found = inventory.vectorize[resource.name];
		if (found && (found.dimensions !== resource.dimensions || found.metric !== resource.metric)) {
			return `Vectorize index ${resource.name} has ${found.dimensions} dimensions (${found.metric}); the ${resource.embedder} embedder needs ${resource.dimensions} (${resource.metric})`;
		}
	}
	if (resource.kind === "metadata-index") {
		const found = inventory.metadataIndexes[resource.index]?.[resource.property];
		if (found !== undefined && found.toLowerCase() !== resource.type) {
			return `metadata index ${resource.index}.${resource.property} is of type ${found}; the Worker stores a ${resource.type}`;
		}
	}
	return null;
}

type Creation = { resource: Resource; args: string[] };

/** The resources missing from the account, with their create commands; throws listing every conflict. */
export function plannedCreations(resources: Resource[], inventory: Inventory): Creation[] {
	const conflicts = resources.flatMap((resource) => conflict(resource, inventory) ?? []);
	if (conflicts.length > 0)
		throw new Error(`the account's resources do not fit:\n  ${conflicts.join("\n  ")}`);
	return resources
		.filter((resource) => !exists(resource, inventory))
		.map((resource) => ({ resource, args: createArgs(resource) }));
}

export type IdUpdate = { binding: string; name: string; id: string };

/** D1 databases whose id in wrangler.toml is not the account's id for that name. */
export function d1IdUpdates(resources: Resource[], inventory: Inventory): IdUpdate[] {
	return resources.flatMap((resource) => {
		if (resource.kind !== "d1") return [];
		const id = inventory.d1[resource.name];
		if (id === undefined) throw new Error(`D1 database ${resource.name} is not in the account`);
		return id === resource.configuredId ? [] : [{ binding: resource.binding, name: resource.name, id }];
	});
}

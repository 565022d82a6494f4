import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { readProductionConfig } from "../../../scripts/deploy/config";
import {
	createArgs,
	d1IdUpdates,
	EMBEDDER_DIMENSIONS,
	type Inventory,
	PATTERN_METADATA_INDEXES,
	plannedCreations,
	productionPlan,
	SECRETS,
} from "../../../scripts/deploy/plan";
import { secretsKeyring } from "../../../src/auth/secrets-keys";
import { accessSettings } from "../../../src/auth/settings";
import { embedderFor } from "../../../src/learning/service";
import { createVectorizeIndex } from "../../../src/learning/vectorize-index";
import { providerSettings } from "../../../src/providers/settings";
import { VectorizeDouble } from "../learning/vectorize-double";

const WRANGLER_TOML = readFileSync(resolve(import.meta.dirname, "../../../wrangler.toml"), "utf8");
const repoPlan = () => productionPlan(readProductionConfig(WRANGLER_TOML));

const EMPTY: Inventory = { d1: {}, r2: [], queues: [], vectorize: {}, metadataIndexes: {} };

/** An account that already has everything the repository's production config binds. */
function fullInventory(): Inventory {
	return {
		d1: { "research-swarm": "11111111-2222-4333-8444-555555555555" },
		r2: ["research-swarm-artifacts"],
		queues: ["agent-tasks", "webhook-deliveries", "agent-tasks-dlq"],
		vectorize: { "research-swarm-patterns": { dimensions: 384, metric: "cosine" } },
		metadataIndexes: {
			"research-swarm-patterns": {
				tenantId: "String",
				model: "String",
				taskType: "String",
				success: "Boolean",
			},
		},
	};
}

describe("the production plan of wrangler.toml", () => {
	it("creates every resource [env.production] binds, with the commands wrangler documents", () => {
		expect(repoPlan().resources.map(createArgs)).toEqual([
			["d1", "create", "research-swarm"],
			["r2", "bucket", "create", "research-swarm-artifacts"],
			["queues", "create", "agent-tasks"],
			["queues", "create", "webhook-deliveries"],
			["queues", "create", "agent-tasks-dlq"],
			["vectorize", "create", "research-swarm-patterns", "--dimensions=384", "--metric=cosine"],
			[
				"vectorize",
				"create-metadata-index",
				"research-swarm-patterns",
				"--propertyName=tenantId",
				"--type=string",
			],
			[
				"vectorize",
				"create-metadata-index",
				"research-swarm-patterns",
				"--propertyName=model",
				"--type=string",
			],
			[
				"vectorize",
				"create-metadata-index",
				"research-swarm-patterns",
				"--propertyName=taskType",
				"--type=string",
			],
			[
				"vectorize",
				"create-metadata-index",
				"research-swarm-patterns",
				"--propertyName=success",
				"--type=boolean",
			],
		]);
	});

	it("lists what the deploy itself creates: Durable Objects with their migrations, the rate limit", () => {
		const plan = repoPlan();
		expect(plan.worker).toBe("research-swarm");
		expect(plan.durableObjects).toEqual([
			{ binding: "SWARM_COORDINATOR", className: "SwarmCoordinator", migration: "v1" },
			{ binding: "TENANT_QUOTA", className: "TenantQuota", migration: "v2" },
		]);
		expect(plan.rateLimits).toEqual([
			{ binding: "API_RATE_LIMITER", limit: 120, period: 60 },
			{ binding: "HOOK_PATH_RATE_LIMITER", limit: 120, period: 60 },
			{ binding: "HOOK_CLIENT_RATE_LIMITER", limit: 60, period: 60 },
		]);
		expect(plan.d1Migrations).toEqual([{ binding: "DB", directory: "migrations" }]);
	});

	it("binds Workers AI in production only: it has no local simulator, so local runs stay extractive", () => {
		expect(repoPlan().workersAi).toEqual({ binding: "AI" });
		const local = WRANGLER_TOML.split(/^\[env\.production\]$/m)[0] ?? "";
		expect(local).toContain("[[d1_databases]]");
		expect(local).not.toMatch(/^\s*(\[ai\]|ai\s*=)/m);
	});

	it("says what each queue is for, the dead-letter queue included", () => {
		const queues = repoPlan().resources.flatMap((resource) => (resource.kind === "queue" ? [resource] : []));
		expect(queues.map((queue) => [queue.name, queue.uses])).toEqual([
			["agent-tasks", ["producer AGENT_TASKS", "consumer"]],
			["webhook-deliveries", ["producer WEBHOOKS", "consumer"]],
			["agent-tasks-dlq", ["dead-letter queue of agent-tasks", "consumer"]],
		]);
	});

	it("sizes the pattern index for the embedder the EMBEDDER var names", () => {
		const toml = WRANGLER_TOML.replace(
			'ENVIRONMENT = "production",',
			'ENVIRONMENT = "production", EMBEDDER = "openai",',
		);
		const index = productionPlan(readProductionConfig(toml)).resources.find(
			(resource) => resource.kind === "vectorize",
		);
		expect(index && createArgs(index)).toEqual([
			"vectorize",
			"create",
			"research-swarm-patterns",
			"--dimensions=1536",
			"--metric=cosine",
		]);
	});

	it("refuses a production binding it does not know how to create, before anything runs", () => {
		const toml = WRANGLER_TOML.replace(
			/^\[env\.production\]$/m,
			'[env.production]\nkv_namespaces = [{ binding = "CACHE", id = "x" }]',
		);
		expect(() => readProductionConfig(toml)).toThrow(/kv_namespaces/);
	});
});

describe("what an account needs", () => {
	it("creates everything in an empty account", () => {
		const plan = repoPlan();
		expect(plannedCreations(plan.resources, EMPTY).map((creation) => creation.args)).toEqual(
			plan.resources.map(createArgs),
		);
	});

	it("creates nothing that exists: a second run is a no-op", () => {
		expect(plannedCreations(repoPlan().resources, fullInventory())).toEqual([]);
	});

	it("creates only what is missing", () => {
		const inventory = fullInventory();
		inventory.queues = ["agent-tasks"];
		delete inventory.metadataIndexes["research-swarm-patterns"]?.success;
		expect(plannedCreations(repoPlan().resources, inventory).map((creation) => creation.args)).toEqual([
			["queues", "create", "webhook-deliveries"],
			["queues", "create", "agent-tasks-dlq"],
			[
				"vectorize",
				"create-metadata-index",
				"research-swarm-patterns",
				"--propertyName=success",
				"--type=boolean",
			],
		]);
	});

	it("stops on a Vectorize index or metadata index that cannot serve the Worker, naming each", () => {
		const inventory = fullInventory();
		inventory.vectorize["research-swarm-patterns"] = { dimensions: 768, metric: "cosine" };
		(inventory.metadataIndexes["research-swarm-patterns"] ?? {}).success = "String";
		expect(() => plannedCreations(repoPlan().resources, inventory)).toThrow(
			/768 dimensions \(cosine\); the hashing embedder needs 384[\s\S]*success is of type String/,
		);
	});

	it("writes the account's D1 id when wrangler.toml has another, and nothing once they match", () => {
		const plan = repoPlan();
		expect(d1IdUpdates(plan.resources, fullInventory())).toEqual([
			{ binding: "DB", name: "research-swarm", id: "11111111-2222-4333-8444-555555555555" },
		]);
		const written = productionPlan(
			readProductionConfig(
				WRANGLER_TOML.replace(
					'database_id = "00000000-0000-0000-0000-000000000000", migrations_dir',
					'database_id = "11111111-2222-4333-8444-555555555555", migrations_dir',
				),
			),
		);
		expect(d1IdUpdates(written.resources, fullInventory())).toEqual([]);
	});
});

describe("the deploy's knowledge of the Worker", () => {
	it("names secrets the Worker reads", async () => {
		const env = { ENVIRONMENT: "production" } as unknown as Env;
		for (const { name, prefix } of SECRETS) {
			const withSecret = { ...env, [name]: `${prefix ?? ""}${"5".repeat(64)}` } as Env;
			const read =
				JSON.stringify(accessSettings(withSecret)) !== JSON.stringify(accessSettings(env)) ||
				JSON.stringify(providerSettings(withSecret)) !== JSON.stringify(providerSettings(env)) ||
				(await secretsKeyring(withSecret)) !== (await secretsKeyring(env));
			expect(read, name).toBe(true);
		}
	});

	it("generates a SECRETS_KEYS value the Worker accepts", async () => {
		const secret = SECRETS.find((candidate) => candidate.name === "SECRETS_KEYS");
		const value = `${secret?.prefix ?? ""}${"ab".repeat(32)}`;
		const keyring = await secretsKeyring({
			ENVIRONMENT: "production",
			SECRETS_KEYS: value,
		} as unknown as Env);
		expect(keyring?.currentId).toBe("k1");
	});

	it("sizes the pattern index as each embedder's vectors are", () => {
		const keys = { OPENAI_API_KEY: "k", GEMINI_API_KEY: "k", AI: { run: async () => ({}) } };
		for (const [embedder, dimensions] of Object.entries(EMBEDDER_DIMENSIONS)) {
			const env = { ENVIRONMENT: "production", EMBEDDER: embedder, ...keys } as unknown as Env;
			expect(embedderFor(env).dimensions, embedder).toBe(dimensions);
		}
	});

	it("indexes exactly the metadata the Worker's pattern queries filter on, with its types", async () => {
		const types = Object.fromEntries(PATTERN_METADATA_INDEXES.map((index) => [index.property, index.type]));
		const vectorize = new VectorizeDouble(3, types);
		const index = createVectorizeIndex(vectorize, { dimensions: 3, model: "m" });
		const metadata = {
			tenantId: "t",
			taskType: "research",
			model: "m",
			dimensions: 3,
			reward: 1,
			success: true,
		} as const;
		await index.upsert([{ id: "p1", values: [1, 0, 0], metadata }]);
		const matches = await index.query([1, 0, 0], {
			topK: 1,
			tenantId: "t",
			filter: { taskType: "research", success: true },
		});
		expect(matches.map((match) => match.id)).toEqual(["p1"]);
		const filter = vectorize.queries[0]?.options.filter ?? {};
		expect(
			Object.fromEntries(Object.entries(filter).map(([property, value]) => [property, typeof value])),
		).toEqual(types);
	});
});

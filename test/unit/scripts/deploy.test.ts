import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { deploy } from "../../../scripts/deploy/deploy";
import { configuredSchemaSources } from "../../../scripts/lib/schema-drift";
import { commandLine, type Invocation, nodeRunner, type Runner } from "../../../scripts/lib/tools";
import { emptyAccount, type FakeAccount, fakeCloudflare } from "./fake-cloudflare";

const ROOT = resolve(import.meta.dirname, "../../..");
const REPO_CONFIG = join(ROOT, "wrangler.toml");

/** A copy of the repository's wrangler.toml that a deploy may write into. */
function scratchConfig(): string {
	const path = join(mkdtempSync(join(tmpdir(), "deploy-test-")), "wrangler.toml");
	copyFileSync(REPO_CONFIG, path);
	return path;
}

async function run(runner: Runner, configPath: string, dryRun = false): Promise<string> {
	const lines: string[] = [];
	await deploy({
		runner,
		configPath,
		schema: configuredSchemaSources(ROOT),
		dryRun,
		log: (line) => lines.push(line),
	});
	return lines.join("\n");
}

/** Every resource, Durable Object class, rate limit and queue name the production config declares. */
function declaredNames(): string[] {
	type Named = Record<string, string>;
	const production = (
		parse(readFileSync(REPO_CONFIG, "utf8")) as { env: { production: Record<string, unknown> } }
	).env.production as {
		d1_databases: Named[];
		r2_buckets: Named[];
		vectorize: Named[];
		durable_objects: { bindings: Named[] };
		ratelimits: Named[];
		queues: { producers: Named[]; consumers: Named[] };
	};
	return [
		...production.d1_databases.flatMap((database) => [database.binding, database.database_name]),
		...production.r2_buckets.flatMap((bucket) => [bucket.binding, bucket.bucket_name]),
		...production.vectorize.flatMap((index) => [index.binding, index.index_name]),
		...production.durable_objects.bindings.flatMap((binding) => [binding.name, binding.class_name]),
		...production.ratelimits.map((limit) => limit.name),
		...production.queues.producers.flatMap((producer) => [producer.binding, producer.queue]),
		...production.queues.consumers.flatMap((consumer) =>
			[consumer.queue, consumer.dead_letter_queue ?? []].flat(),
		),
	].flatMap((name) => name ?? []);
}

const wranglerCalls = (calls: Invocation[]) =>
	calls.filter((call) => call.tool === "wrangler").map(commandLine);

describe("npm run deploy -- --dry-run", () => {
	it("lists every resource the production config binds, asks the account nothing and builds offline", async () => {
		const { runner, calls } = fakeCloudflare(emptyAccount());
		const output = await run(runner, REPO_CONFIG, true);
		expect(declaredNames()).toHaveLength(21);
		for (const name of declaredNames()) expect(output).toContain(name);
		for (const property of ["tenantId", "model", "taskType", "success"]) {
			expect(output).toContain(`--propertyName=${property}`);
		}
		expect(output).toContain("ADMIN_TOKEN");
		expect(output).toContain("Workers AI (binding AI): the workers-ai provider and EMBEDDER=workers-ai");
		expect(calls.map((call) => [call.tool, call.args[0]])).toEqual([
			["drizzle-kit", "check"],
			["drizzle-kit", "generate"],
			["wrangler", "deploy"],
		]);
		expect(calls[2]?.args.slice(0, 4)).toEqual(["deploy", "--env", "production", "--dry-run"]);
		expect(output).toMatch(/Worker bundle: 0\.1 KiB raw, 0\.1 KiB gzip; ceiling 1024\.0 KiB gzip: within/);
	});
});

describe("npm run deploy", () => {
	it("on an empty account creates everything, writes the D1 id, migrates, sets ADMIN_TOKEN and deploys", async () => {
		const account = emptyAccount();
		const { runner, calls } = fakeCloudflare(account);
		const configPath = scratchConfig();
		const output = await run(runner, configPath);

		expect(wranglerCalls(calls)).toEqual([
			"wrangler whoami --json",
			"wrangler d1 list --json",
			"wrangler r2 bucket list",
			"wrangler queues info agent-tasks",
			"wrangler queues info webhook-deliveries",
			"wrangler queues info agent-tasks-dlq",
			"wrangler vectorize list --json",
			"wrangler d1 create research-swarm",
			"wrangler r2 bucket create research-swarm-artifacts",
			"wrangler queues create agent-tasks",
			"wrangler queues create webhook-deliveries",
			"wrangler queues create agent-tasks-dlq",
			"wrangler vectorize create research-swarm-patterns --dimensions=384 --metric=cosine",
			"wrangler vectorize create-metadata-index research-swarm-patterns --propertyName=tenantId --type=string",
			"wrangler vectorize create-metadata-index research-swarm-patterns --propertyName=model --type=string",
			"wrangler vectorize create-metadata-index research-swarm-patterns --propertyName=taskType --type=string",
			"wrangler vectorize create-metadata-index research-swarm-patterns --propertyName=success --type=boolean",
			"wrangler d1 list --json",
			"wrangler d1 migrations apply DB --remote --env production",
			"wrangler secret list --env production --format json",
			expect.stringMatching(/^wrangler deploy --env production --secrets-file \S+secrets\.json$/),
		]);

		const id = account.d1["research-swarm"] ?? "";
		const written = readFileSync(configPath, "utf8");
		expect(written).toBe(
			readFileSync(REPO_CONFIG, "utf8").replace(
				'database_name = "research-swarm", database_id = "00000000-0000-0000-0000-000000000000"',
				`database_name = "research-swarm", database_id = "${id}"`,
			),
		);

		const token = account.secrets?.ADMIN_TOKEN ?? "";
		expect(token).toMatch(/^[0-9a-f]{64}$/);
		expect(output.split(token)).toHaveLength(2);
		expect(account.migrationsApplied).toEqual(["DB"]);
		const secretsFile = calls.at(-1)?.args.at(-1) ?? "";
		expect(existsSync(secretsFile)).toBe(false);
		expect(output).toContain("npx wrangler secret put ANTHROPIC_API_KEY --env production");
		expect(output).toContain("/v1/admin/tenants");
	});

	it("run again, creates nothing, leaves wrangler.toml alone and keeps the admin token", async () => {
		const account = emptyAccount();
		const configPath = scratchConfig();
		await run(fakeCloudflare(account).runner, configPath);
		const config = readFileSync(configPath, "utf8");
		const token = account.secrets?.ADMIN_TOKEN;

		const { runner, calls } = fakeCloudflare(account);
		const output = await run(runner, configPath);
		expect(wranglerCalls(calls).filter((call) => / create /.test(call))).toEqual([]);
		expect(wranglerCalls(calls).at(-1)).toBe("wrangler deploy --env production");
		expect(readFileSync(configPath, "utf8")).toBe(config);
		expect(account.secrets?.ADMIN_TOKEN).toBe(token);
		expect(output).not.toContain(token);
		expect(output).not.toContain("creating:");
	});

	it("creates only what an account lacks and writes the id of the D1 database it already has", async () => {
		const account: FakeAccount = {
			...emptyAccount(),
			d1: { "research-swarm": "aaaaaaaa-0000-4000-8000-000000000001" },
			queues: ["agent-tasks", "agent-tasks-dlq"],
			vectorize: { "research-swarm-patterns": { dimensions: 384, metric: "cosine" } },
			metadataIndexes: { "research-swarm-patterns": { tenantId: "String", model: "String" } },
			secrets: { ADMIN_TOKEN: "set-before" },
		};
		const { runner, calls } = fakeCloudflare(account);
		const configPath = scratchConfig();
		const output = await run(runner, configPath);
		expect(wranglerCalls(calls).filter((call) => / create/.test(call))).toEqual([
			"wrangler r2 bucket create research-swarm-artifacts",
			"wrangler queues create webhook-deliveries",
			"wrangler vectorize create-metadata-index research-swarm-patterns --propertyName=taskType --type=string",
			"wrangler vectorize create-metadata-index research-swarm-patterns --propertyName=success --type=boolean",
		]);
		expect(readFileSync(configPath, "utf8")).toContain(
			'database_id = "aaaaaaaa-0000-4000-8000-000000000001"',
		);
		// An account from before secrets were sealed gets its keyring, and the step that seals old rows.
		expect(account.secrets).toEqual({
			ADMIN_TOKEN: "set-before",
			SECRETS_KEYS: expect.stringMatching(/^k1:[0-9a-f]{64}$/),
		});
		expect(output).toContain("/v1/admin/secrets/reseal");
		expect(output).toContain("exists: D1 database research-swarm");
	});

	it("stops before touching the account when wrangler is not logged in", async () => {
		const { runner, calls } = fakeCloudflare({ ...emptyAccount(), loggedIn: false });
		await expect(run(runner, scratchConfig())).rejects.toThrow(/npx wrangler login/);
		expect(wranglerCalls(calls)).toEqual(["wrangler whoami --json"]);
	});

	it("stops before creating anything when an existing Vectorize index has other dimensions", async () => {
		const account = {
			...emptyAccount(),
			vectorize: { "research-swarm-patterns": { dimensions: 768, metric: "cosine" } },
		};
		const { runner, calls } = fakeCloudflare(account);
		await expect(run(runner, scratchConfig())).rejects.toThrow(/has 768 dimensions/);
		expect(wranglerCalls(calls).filter((call) => / create/.test(call))).toEqual([]);
	});

	it("stops before anything reaches the account when the schema has changes migrations/ lacks", async () => {
		const { runner: cloudflare, calls } = fakeCloudflare(emptyAccount());
		// drizzle-kit generate writes a migration into the scratch copy it was given.
		const runner: Runner = async (invocation) => {
			if (invocation.tool === "drizzle-kit" && invocation.args[0] === "generate" && invocation.cwd) {
				writeFileSync(
					join(invocation.cwd, "migrations", "0006_new.sql"),
					"ALTER TABLE `tenants` ADD `plan` text;",
				);
			}
			return cloudflare(invocation);
		};
		await expect(run(runner, scratchConfig())).rejects.toThrow(
			/0006_new\.sql\nALTER TABLE `tenants` ADD `plan` text;/,
		);
		expect(wranglerCalls(calls)).toEqual([]);
	});
});

describe("npm run deploy -- --dry-run with the real wrangler", () => {
	it("builds the production Worker offline and reports its bindings and size", {
		timeout: 120_000,
	}, async () => {
		const output = await run(nodeRunner(ROOT), REPO_CONFIG, true);
		expect(output).toContain("--dry-run: exiting now.");
		for (const binding of [
			"env.DB (research-swarm)",
			"env.PATTERN_INDEX (research-swarm-patterns)",
			"env.WEBHOOKS (webhook-deliveries)",
		]) {
			expect(output).toContain(binding);
		}
		// wrangler itself lists the Workers AI binding production declares.
		expect(output).toMatch(/env\.AI\s+AI\b/);
		expect(output).toMatch(/Worker bundle: [\d.]+ KiB raw, [\d.]+ KiB gzip; ceiling 1024\.0 KiB gzip/);
	});
});

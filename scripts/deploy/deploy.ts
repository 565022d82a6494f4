/**
 * `npm run deploy`: creates whatever the production environment binds and the account lacks, writes the
 * D1 ids into wrangler.toml, applies the D1 migrations remotely, sets ADMIN_TOKEN and SECRETS_KEYS when they are missing and
 * deploys. Running it again creates nothing that exists. `--dry-run` prints the plan and builds the
 * Worker with `wrangler deploy --dry-run`, offline. Every command goes through the injected runner.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireNoSchemaDrift, type SchemaSources } from "../lib/schema-drift";
import { commandLine, type Runner, runChecked } from "../lib/tools";
import { listD1, listSecretNames, readInventory, requireLogin } from "./account";
import { buildProductionBundle, dryRunDeploy, sizeVerdict } from "./bundle";
import { DEPLOY_ENV, readProductionConfig } from "./config";
import {
	createArgs,
	d1IdUpdates,
	deployArgs,
	describeResource,
	migrationsApplyArgs,
	type ProductionPlan,
	plannedCreations,
	productionPlan,
	type Secret,
} from "./plan";
import { withD1DatabaseId } from "./toml-edit";

export type DeployOptions = {
	runner: Runner;
	/** wrangler.toml; the D1 ids are written into it. */
	configPath: string;
	/** The drizzle schema and migrations, checked to agree before anything is deployed. */
	schema: SchemaSources;
	dryRun: boolean;
	log(line: string): void;
};

const wranglerLine = (args: string[]) => commandLine({ tool: "wrangler", args });

/** The plan as printed before anything runs: every resource, setting and secret, then the commands. */
function planLines(plan: ProductionPlan): string[] {
	return [
		`Worker ${plan.worker}, as wrangler.toml [env.${DEPLOY_ENV}] binds it.`,
		"Account resources, each created only when the account lacks it:",
		...plan.resources.flatMap((resource) => [
			`  ${describeResource(resource)}`,
			`      ${wranglerLine(createArgs(resource))}`,
		]),
		"Created by wrangler deploy from the config:",
		...plan.durableObjects.map(
			(object) =>
				`  Durable Object ${object.className} (binding ${object.binding}${object.migration ? `, migration ${object.migration}` : ""})`,
		),
		...plan.rateLimits.map(
			(limit) => `  Rate limit ${limit.binding}: ${limit.limit} requests per ${limit.period} s`,
		),
		...(plan.workersAi
			? [`  Workers AI (binding ${plan.workersAi.binding}): the workers-ai provider and EMBEDDER=workers-ai`]
			: []),
		"Secrets:",
		...plan.secrets.map((secret) =>
			secret.generate
				? `  ${secret.name} (${secret.purpose}): generated, set with the deploy and printed once when \`wrangler secret list\` lacks it`
				: `  ${secret.name} (optional: ${secret.purpose}): ${secretPutLine(secret)}`,
		),
		"Then:",
		...plan.d1Migrations.map(
			(migrations) =>
				`  ${wranglerLine(migrationsApplyArgs(migrations.binding))}   (${migrations.directory}/)`,
		),
		`  ${wranglerLine(deployArgs(null))}`,
	];
}

const secretPutLine = (secret: Secret) => `npx wrangler secret put ${secret.name} --env ${DEPLOY_ENV}`;

/** Builds the Worker offline as the deploy would, and prints wrangler's report and the bundle's size. */
async function buildOffline({ runner, log }: DeployOptions): Promise<void> {
	log(`Dry run: nothing is created or changed. Building the Worker: ${commandLine(dryRunDeploy("<tmp>"))}`);
	const { output, size } = await buildProductionBundle(runner);
	for (const line of output.split("\n")) log(`  ${line}`);
	log(sizeVerdict(size).line);
}

/** Creates the missing resources and writes the D1 ids into wrangler.toml. */
async function provision(options: DeployOptions, plan: ProductionPlan, configText: string): Promise<void> {
	const { runner, log } = options;
	log("Reading the account's resources…");
	const inventory = await readInventory(runner, plan.resources);
	const creations = plannedCreations(plan.resources, inventory);
	for (const resource of plan.resources) {
		if (!creations.some((creation) => creation.resource === resource)) {
			log(`  exists: ${describeResource(resource)}`);
		}
	}
	for (const creation of creations) {
		log(`  creating: ${describeResource(creation.resource)}`);
		await runChecked(runner, { tool: "wrangler", args: creation.args, capture: false });
	}
	const created = creations.some((creation) => creation.resource.kind === "d1");
	const updates = d1IdUpdates(
		plan.resources,
		created ? { ...inventory, d1: await listD1(runner) } : inventory,
	);
	let text = configText;
	for (const update of updates) {
		text = withD1DatabaseId(text, update);
		log(`wrangler.toml: database_id of ${update.name} (binding ${update.binding}) is now ${update.id}`);
	}
	if (text !== configText) await writeFile(options.configPath, text);
}

/**
 * Deploys, uploading the `generated` secrets with the Worker (`--secrets-file` keeps its other secrets)
 * from a file only this user can read, removed afterwards.
 */
async function deployWithSecrets(runner: Runner, generated: Record<string, string>): Promise<void> {
	const work = await mkdtemp(join(tmpdir(), "research-swarm-secrets-"));
	try {
		const file = Object.keys(generated).length > 0 ? join(work, "secrets.json") : null;
		if (file) await writeFile(file, JSON.stringify(generated), { mode: 0o600 });
		await runChecked(runner, { tool: "wrangler", args: deployArgs(file), capture: false });
	} finally {
		await rm(work, { recursive: true, force: true });
	}
}

/** Runs the whole deployment, or with `dryRun` prints it and builds the Worker offline. */
export async function deploy(options: DeployOptions): Promise<void> {
	const { runner, log } = options;
	const configText = await readFile(options.configPath, "utf8");
	const plan = productionPlan(readProductionConfig(configText));
	for (const line of planLines(plan)) log(line);
	await requireNoSchemaDrift(runner, options.schema);
	log("The D1 schema and its migrations agree.");
	if (options.dryRun) return buildOffline(options);

	await requireLogin(runner);
	await provision(options, plan, configText);
	for (const migrations of plan.d1Migrations) {
		await runChecked(runner, {
			tool: "wrangler",
			args: migrationsApplyArgs(migrations.binding),
			capture: false,
		});
	}
	const present = await listSecretNames(runner);
	const missing = plan.secrets.filter((secret) => !present.includes(secret.name));
	const generated = Object.fromEntries(
		missing
			.filter((secret) => secret.generate)
			.map((secret) => [secret.name, `${secret.prefix ?? ""}${randomBytes(32).toString("hex")}`]),
	);
	await deployWithSecrets(runner, generated);

	for (const [name, value] of Object.entries(generated)) {
		log(`${name} was not set, so this deploy set a new one. It is shown only now; keep it:`);
		log(`  ${value}`);
	}
	for (const secret of missing.filter((candidate) => !candidate.generate)) {
		log(`Not set (optional, ${secret.purpose}): ${secretPutLine(secret)}`);
	}
	// A deployment from before secrets were sealed holds them in plain text until they are re-sealed.
	if ("SECRETS_KEYS" in generated) {
		log("Seal webhook secrets stored before SECRETS_KEYS existed (nothing to do on a new deployment):");
		log(
			`  curl -s -X POST https://<your-worker>/v1/admin/secrets/reseal -H "authorization: Bearer $ADMIN_TOKEN"`,
		);
	}
	// A new admin token means a new deployment, which has no tenant yet.
	if ("ADMIN_TOKEN" in generated) {
		log("Create the first tenant and its API key (the key is shown once), at the URL wrangler printed:");
		log(
			`  curl -s https://<your-worker>/v1/admin/tenants -H "authorization: Bearer $ADMIN_TOKEN" -H 'content-type: application/json' -d '{"name": "acme"}'`,
		);
	}
}

/**
 * Reads what the Cloudflare account already has, through wrangler: `--json` output where the command has
 * it (D1, Vectorize, secrets), and the documented text otherwise (`r2 bucket list` prints `name:` lines;
 * `queues info` says a queue "does not exist"). Every output is parsed with zod, so a format wrangler
 * changes stops the deploy with the output instead of being misread.
 */
import { stripVTControlCharacters } from "node:util";
import { z } from "zod";
import {
	commandFailure,
	commandLine,
	type Invocation,
	type Runner,
	type RunResult,
	runChecked,
} from "../lib/tools";
import { DEPLOY_ENV } from "./config";
import type { Inventory, Resource } from "./plan";

const D1ListSchema = z.array(z.object({ uuid: z.string(), name: z.string() }));
const VectorizeListSchema = z.array(
	z.object({ name: z.string(), config: z.object({ dimensions: z.number(), metric: z.string() }) }),
);
const MetadataIndexListSchema = z.array(z.object({ propertyName: z.string(), indexType: z.string() }));
const SecretListSchema = z.array(z.object({ name: z.string() }));

const wrangler = (...args: string[]): Invocation => ({ tool: "wrangler", args, capture: true });

/** The JSON document a `--json` command printed (after any lines before it), checked against `schema`. */
export function parseJsonOutput<T>(schema: z.ZodType<T>, result: RunResult, command: string): T {
	const text = stripVTControlCharacters(result.stdout).trim();
	const start = text.search(/^[[{]/m);
	try {
		return schema.parse(JSON.parse(start > 0 ? text.slice(start) : text));
	} catch (error) {
		throw new Error(`could not read the output of \`${command}\` (${(error as Error).message}):\n${text}`);
	}
}

/** Bucket names from `wrangler r2 bucket list`, which prints a `name:` line per bucket. */
export function r2BucketNames(stdout: string): string[] {
	return [...stripVTControlCharacters(stdout).matchAll(/^name:\s+(\S+)\s*$/gm)].flatMap((match) =>
		match[1] ? [match[1]] : [],
	);
}

/** Whether `wrangler queues info <name>` found the queue; throws on any failure but "does not exist". */
export function queueFound(result: RunResult, name: string): boolean {
	if (result.status === 0) return true;
	const output = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`);
	if (output.includes(`Queue "${name}" does not exist`)) return false;
	throw commandFailure(wrangler("queues", "info", name), result);
}

/** Throws, saying how to log in, unless wrangler has credentials (`wrangler whoami --json` exits 0). */
export async function requireLogin(runner: Runner): Promise<void> {
	const result = await runner(wrangler("whoami", "--json"));
	if (result.status !== 0) {
		throw new Error(
			"wrangler is not logged in to Cloudflare: run `npx wrangler login` (or set CLOUDFLARE_API_TOKEN), then `npm run deploy` again",
		);
	}
}

/** D1 database name → id, from `wrangler d1 list --json`. */
export async function listD1(runner: Runner): Promise<Record<string, string>> {
	const invocation = wrangler("d1", "list", "--json");
	const databases = parseJsonOutput(
		D1ListSchema,
		await runChecked(runner, invocation),
		commandLine(invocation),
	);
	return Object.fromEntries(databases.map((database) => [database.name, database.uuid]));
}

/** The account's resources of the kinds `resources` name, each looked up once. */
export async function readInventory(runner: Runner, resources: Resource[]): Promise<Inventory> {
	const has = (kind: Resource["kind"]) => resources.some((resource) => resource.kind === kind);
	const inventory: Inventory = { d1: {}, r2: [], queues: [], vectorize: {}, metadataIndexes: {} };
	if (has("d1")) inventory.d1 = await listD1(runner);
	if (has("r2"))
		inventory.r2 = r2BucketNames((await runChecked(runner, wrangler("r2", "bucket", "list"))).stdout);
	for (const resource of resources) {
		if (resource.kind !== "queue") continue;
		if (queueFound(await runner(wrangler("queues", "info", resource.name)), resource.name)) {
			inventory.queues.push(resource.name);
		}
	}
	if (has("vectorize")) {
		const list = wrangler("vectorize", "list", "--json");
		const indexes = parseJsonOutput(VectorizeListSchema, await runChecked(runner, list), commandLine(list));
		inventory.vectorize = Object.fromEntries(indexes.map((index) => [index.name, index.config]));
	}
	const indexed = new Set(
		resources.flatMap((resource) => (resource.kind === "metadata-index" ? resource.index : [])),
	);
	for (const index of indexed) {
		if (!(index in inventory.vectorize)) continue;
		const list = wrangler("vectorize", "list-metadata-index", index, "--json");
		const properties = parseJsonOutput(
			MetadataIndexListSchema,
			await runChecked(runner, list),
			commandLine(list),
		);
		inventory.metadataIndexes[index] = Object.fromEntries(
			properties.map((property) => [property.propertyName, property.indexType]),
		);
	}
	return inventory;
}

/**
 * Names of the production Worker's secrets; none before its first deploy, when wrangler says the Worker
 * is "not found".
 */
export async function listSecretNames(runner: Runner): Promise<string[]> {
	const invocation = wrangler("secret", "list", "--env", DEPLOY_ENV, "--format", "json");
	const result = await runner(invocation);
	if (result.status !== 0) {
		const output = stripVTControlCharacters(`${result.stdout}\n${result.stderr}`);
		if (/Worker "[^"]+"(?: \(env: [^)]+\))? not found/.test(output)) return [];
		throw commandFailure(invocation, result);
	}
	return parseJsonOutput(SecretListSchema, result, commandLine(invocation)).map((secret) => secret.name);
}

/**
 * A Runner that answers the wrangler and drizzle-kit commands the deploy scripts run as the real tools do
 * (the outputs and messages of wrangler 4.156: `--json` lists, `r2 bucket list`'s `name:` lines, "does not
 * exist" and "not found" errors), over an in-memory account, and records every call.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Invocation, Runner, RunResult } from "../../../scripts/lib/tools";

export type FakeAccount = {
	loggedIn: boolean;
	d1: Record<string, string>;
	r2: string[];
	queues: string[];
	vectorize: Record<string, { dimensions: number; metric: string }>;
	metadataIndexes: Record<string, Record<string, string>>;
	/** Secrets of the deployed Worker; null before its first deploy. */
	secrets: Record<string, string> | null;
	migrationsApplied: string[];
};

export function emptyAccount(): FakeAccount {
	return {
		loggedIn: true,
		d1: {},
		r2: [],
		queues: [],
		vectorize: {},
		metadataIndexes: {},
		secrets: null,
		migrationsApplied: [],
	};
}

const ok = (stdout = ""): RunResult => ({ status: 0, stdout, stderr: "" });
const failed = (stderr: string): RunResult => ({ status: 1, stdout: "", stderr: `✘ [ERROR] ${stderr}\n` });
const flag = (args: string[], name: string) =>
	args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3) ??
	args[args.indexOf(`--${name}`) + 1] ??
	"";

/** What the fake does for `wrangler ...args` against `account`. */
function wrangler(account: FakeAccount, args: string[]): RunResult {
	const [command, sub, name = ""] = args;
	const line = args.join(" ");
	if (command === "whoami")
		return account.loggedIn ? ok('{"loggedIn":true}') : { ...ok('{"loggedIn":false}'), status: 1 };
	if (!account.loggedIn)
		return failed("In a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN");
	if (line === "d1 list --json") {
		return ok(
			JSON.stringify(
				Object.entries(account.d1).map(([db, uuid]) => ({ uuid, name: db, version: "production" })),
			),
		);
	}
	if (command === "d1" && sub === "create") {
		account.d1[name] = `d1-${Object.keys(account.d1).length + 1}-0000-4000-8000-000000000000`;
		return ok(`✅ Successfully created DB '${name}'`);
	}
	if (line === "r2 bucket list") {
		return ok(
			`Listing buckets...\n${account.r2.map((bucket) => `name:           ${bucket}\ncreation_date:  2026-12-01T00:00:00.000Z`).join("\n\n")}\n`,
		);
	}
	if (command === "r2" && sub === "bucket" && args[2] === "create") {
		account.r2.push(args[3] ?? "");
		return ok();
	}
	if (command === "queues" && sub === "info") {
		return account.queues.includes(name)
			? ok(`Queue Name: ${name}`)
			: failed(`Queue "${name}" does not exist. To create it, run: wrangler queues create ${name}`);
	}
	if (command === "queues" && sub === "create") {
		account.queues.push(name);
		return ok();
	}
	if (line === "vectorize list --json") {
		return ok(
			JSON.stringify(Object.entries(account.vectorize).map(([index, config]) => ({ name: index, config }))),
		);
	}
	if (command === "vectorize" && sub === "create") {
		account.vectorize[name] = { dimensions: Number(flag(args, "dimensions")), metric: flag(args, "metric") };
		account.metadataIndexes[name] = {};
		return ok();
	}
	if (command === "vectorize" && sub === "list-metadata-index") {
		const properties = Object.entries(account.metadataIndexes[name] ?? {});
		return ok(JSON.stringify(properties.map(([propertyName, indexType]) => ({ propertyName, indexType }))));
	}
	if (command === "vectorize" && sub === "create-metadata-index") {
		account.metadataIndexes[name] = {
			...account.metadataIndexes[name],
			[flag(args, "propertyName")]: flag(args, "type"),
		};
		return ok();
	}
	if (command === "d1" && sub === "migrations" && name === "apply") {
		account.migrationsApplied.push(args[3] ?? "");
		return ok();
	}
	if (command === "secret" && sub === "list") {
		if (account.secrets === null) return failed('Worker "research-swarm" (env: production) not found.');
		return ok(
			JSON.stringify(Object.keys(account.secrets).map((secret) => ({ name: secret, type: "secret_text" }))),
		);
	}
	if (command === "deploy" && !args.includes("--dry-run")) {
		const file = args.includes("--secrets-file") ? flag(args, "secrets-file") : null;
		account.secrets = { ...account.secrets, ...(file ? JSON.parse(readFileSync(file, "utf8")) : {}) };
		return ok("Deployed research-swarm triggers\n  https://research-swarm.example.workers.dev");
	}
	if (command === "deploy") {
		// A dry run writes the bundle, its source map and a README into --outdir, as wrangler does.
		const outdir = flag(args, "outdir");
		writeFileSync(join(outdir, "index.js"), "export default { fetch() { return new Response('ok'); } };\n");
		writeFileSync(join(outdir, "index.js.map"), "{}");
		writeFileSync(
			join(outdir, "README.md"),
			"This folder contains the built output assets for the worker.\n",
		);
		return ok("Total Upload: 0.06 KiB / gzip: 0.07 KiB\n--dry-run: exiting now.");
	}
	throw new Error(`the fake account does not know \`wrangler ${line}\``);
}

/** A runner over `account`; drizzle-kit finds the schema and migrations in agreement. */
export function fakeCloudflare(account: FakeAccount): { runner: Runner; calls: Invocation[] } {
	const calls: Invocation[] = [];
	const runner: Runner = async (invocation) => {
		calls.push(invocation);
		if (invocation.tool === "drizzle-kit") return ok("No schema changes, nothing to migrate 😴");
		return wrangler(account, invocation.args);
	};
	return { runner, calls };
}

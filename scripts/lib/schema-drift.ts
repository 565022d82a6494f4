/**
 * Whether the drizzle schema and the migrations folder agree. drizzle-kit compares the schema with the
 * latest snapshot in the folder and writes a new migration for any difference, so it runs on a scratch
 * copy of the folder: agreement is drizzle-kit checking the folder and then writing no new SQL file.
 */
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import drizzleConfig from "../../drizzle.config";
import { commandFailure, type Invocation, type Runner } from "./tools";

export type SchemaSources = {
	/** drizzle-kit's dialect (drizzle.config.ts). */
	dialect: string;
	/** Absolute path of the schema file. */
	schema: string;
	/** Absolute path of the migrations folder. */
	migrations: string;
};

/** The schema and migrations drizzle.config.ts names, for the project in `root`. */
export function configuredSchemaSources(root: string): SchemaSources {
	const { dialect, schema, out } = drizzleConfig;
	if (typeof schema !== "string" || out === undefined) {
		throw new Error("drizzle.config.ts must name one schema file and the migrations folder (out)");
	}
	return { dialect, schema: resolve(root, schema), migrations: resolve(root, out) };
}

type NewMigration = { file: string; sql: string };

/** The scratch copy's folder name; relative, since drizzle-kit 0.31 prefixes `--out` with "./". */
const SCRATCH_OUT = "migrations";

/**
 * The SQL files drizzle-kit would add to the migrations for the schema: none when they agree. Throws
 * when drizzle-kit fails; it exits 0 on some failures (an unreadable or colliding snapshot) and prints
 * an "Error", so its output counts as well as its status.
 */
export async function schemaDrift(runner: Runner, sources: SchemaSources): Promise<NewMigration[]> {
	const work = await mkdtemp(join(tmpdir(), "schema-drift-"));
	try {
		const out = join(work, SCRATCH_OUT);
		await cp(sources.migrations, out, { recursive: true });
		const before = new Set(await readdir(out));
		const drizzleKit = (...args: string[]): Invocation => ({
			tool: "drizzle-kit",
			args: [...args, "--dialect", sources.dialect, "--out", SCRATCH_OUT],
			capture: true,
			cwd: work,
		});
		for (const invocation of [drizzleKit("check"), drizzleKit("generate", "--schema", sources.schema)]) {
			const result = await runner(invocation);
			if (result.status !== 0 || /\bError\b/.test(`${result.stdout}\n${result.stderr}`)) {
				throw commandFailure(invocation, result);
			}
		}
		const added = (await readdir(out)).filter((file) => file.endsWith(".sql") && !before.has(file));
		return Promise.all(added.map(async (file) => ({ file, sql: await readFile(join(out, file), "utf8") })));
	} finally {
		await rm(work, { recursive: true, force: true });
	}
}

/** Throws, listing the SQL drizzle-kit would add, unless the schema and the migrations agree. */
export async function requireNoSchemaDrift(runner: Runner, sources: SchemaSources): Promise<void> {
	const drift = await schemaDrift(runner, sources);
	if (drift.length === 0) return;
	const files = drift.map((migration) => `-- ${migration.file}\n${migration.sql.trim()}`).join("\n");
	throw new Error(
		`${sources.schema} has changes that ${sources.migrations} lacks; drizzle-kit would add:\n${files}\n` +
			"Generate the migration with `npx drizzle-kit generate` and commit it.",
	);
}

import { cpSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import {
	configuredSchemaSources,
	requireNoSchemaDrift,
	schemaDrift,
} from "../../../scripts/lib/schema-drift";
import { nodeRunner } from "../../../scripts/lib/tools";

const ROOT = resolve(import.meta.dirname, "../../..");
const runner = nodeRunner(ROOT);
const sources = configuredSchemaSources(ROOT);

/** A scratch project folder that resolves packages from the repository's node_modules. */
function scratchProject(): string {
	const dir = mkdtempSync(join(tmpdir(), "schema-drift-test-"));
	symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
	return dir;
}

// drizzle-kit runs for real: about a second per check.
describe("npm run db:check", { timeout: 60_000 }, () => {
	it("finds the repository's schema and migrations in agreement", async () => {
		expect(await schemaDrift(runner, sources)).toEqual([]);
	});

	it("fails on a schema column that no migration adds, showing the SQL drizzle-kit would write", async () => {
		const dir = scratchProject();
		cpSync(join(ROOT, "src", "db"), join(dir, "db"), { recursive: true });
		const schemaFile = join(dir, "db", "schema.ts");
		const schema = readFileSync(schemaFile, "utf8");
		const column = '\tname: text("name").notNull(),\n';
		expect(schema).toContain(column);
		writeFileSync(schemaFile, schema.replace(column, `${column}\tplan: text("plan"),\n`));

		const drift = await schemaDrift(runner, { ...sources, schema: schemaFile });
		expect(drift.map((migration) => migration.file)).toEqual([expect.stringMatching(/^\d{4}_.*\.sql$/)]);
		expect(drift[0]?.sql).toContain("ALTER TABLE `tenants` ADD `plan` text;");
		await expect(requireNoSchemaDrift(runner, { ...sources, schema: schemaFile })).rejects.toThrow(
			/has changes that .*migrations lacks; drizzle-kit would add:\n-- \d{4}_.*\.sql\nALTER TABLE `tenants` ADD `plan` text;/,
		);
	});

	it("fails when the migrations' snapshots are inconsistent, though drizzle-kit exits 0 on some of it", async () => {
		const migrations = join(scratchProject(), "migrations");
		cpSync(sources.migrations, migrations, { recursive: true });
		const snapshot = join(migrations, "meta", "0005_snapshot.json");
		const broken = JSON.parse(readFileSync(snapshot, "utf8"));
		broken.prevId = JSON.parse(readFileSync(join(migrations, "meta", "0000_snapshot.json"), "utf8")).prevId;
		writeFileSync(snapshot, JSON.stringify(broken));
		await expect(schemaDrift(runner, { ...sources, migrations })).rejects.toThrow(
			/drizzle-kit check .*failed/,
		);
	});
});

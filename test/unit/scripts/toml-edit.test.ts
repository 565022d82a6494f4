import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "smol-toml";
import { describe, expect, it } from "vitest";
import { withD1DatabaseId } from "../../../scripts/deploy/toml-edit";

const ID = "6f1c2b9e-0d4a-4c55-9a51-3e2f7b8c9d10";
const update = { binding: "DB", name: "research-swarm", id: ID };

/** The lines that differ between two texts of the same length in lines. */
function changedLines(before: string, after: string): [string, string][] {
	const old = before.split("\n");
	const fresh = after.split("\n");
	expect(fresh).toHaveLength(old.length);
	return old.flatMap((line, index) => (line === fresh[index] ? [] : [[line, fresh[index] ?? ""]]));
}

describe("writing the D1 id into wrangler.toml", () => {
	it("changes only the production database's id in the repository's file, keeping every comment", () => {
		const text = readFileSync(resolve(import.meta.dirname, "../../../wrangler.toml"), "utf8");
		const edited = withD1DatabaseId(text, update);
		expect(changedLines(text, edited)).toEqual([
			[
				'd1_databases = [{ binding = "DB", database_name = "research-swarm", database_id = "00000000-0000-0000-0000-000000000000", migrations_dir = "migrations" }]',
				`d1_databases = [{ binding = "DB", database_name = "research-swarm", database_id = "${ID}", migrations_dir = "migrations" }]`,
			],
		]);
		const document = parse(edited) as {
			d1_databases: { database_id: string }[];
			env: { production: { d1_databases: { database_id: string }[] } };
		};
		expect(document.env.production.d1_databases[0]?.database_id).toBe(ID);
		expect(document.d1_databases[0]?.database_id).toBe("00000000-0000-0000-0000-000000000000");
	});

	it("edits a [[env.production.d1_databases]] table, and adds the id when it has none", () => {
		const text = [
			"# Local database.",
			"[[d1_databases]]",
			'binding = "DB"',
			'database_name = "research-swarm"',
			'database_id = "local" # any id works locally',
			"",
			"[env.production]",
			'name = "research-swarm" # the deployed Worker',
			"",
			"# The production database; `npm run deploy` fills in its id.",
			"[[env.production.d1_databases]]",
			'binding = "DB"',
			"database_name = 'research-swarm'",
			'migrations_dir = "migrations"',
			"",
		].join("\n");
		const edited = withD1DatabaseId(text, update);
		expect(edited).toBe(
			text.replace(
				"database_name = 'research-swarm'\n",
				`database_name = 'research-swarm'\ndatabase_id = "${ID}"\n`,
			),
		);
		expect(withD1DatabaseId(edited, { ...update, id: "second" })).toBe(edited.replace(ID, "second"));
	});

	it("adds the id to an inline table that has none", () => {
		const text =
			'[env.production]\nd1_databases = [{ binding = "DB", database_name = "research-swarm" }] # DB\n';
		expect(withD1DatabaseId(text, update)).toBe(
			`[env.production]\nd1_databases = [{ binding = "DB", database_name = "research-swarm", database_id = "${ID}" }] # DB\n`,
		);
	});

	it("refuses, changing nothing, when the production environment does not declare the database once", () => {
		const missing =
			'[[d1_databases]]\nbinding = "DB"\ndatabase_name = "research-swarm"\n[env.production]\nname = "x"\n';
		expect(() => withD1DatabaseId(missing, update)).toThrow(/found 0 declarations .* by hand/);
		const twice =
			'[env.production]\nd1_databases = [\n  { binding = "A", database_name = "research-swarm" },\n  { binding = "B", database_name = "research-swarm" },\n]\n';
		expect(() => withD1DatabaseId(twice, update)).toThrow(/found 2 declarations/);
	});

	it("refuses an edit that would change anything but the id", () => {
		// The name's line also holds a comment that mentions database_id: the edit would land in the comment.
		const text =
			'[env.production]\nd1_databases = [{ binding = "DB", database_name = "research-swarm" }] # database_id = "old"\n';
		expect(() => withD1DatabaseId(text, update)).toThrow(/would change more than the id/);
	});
});

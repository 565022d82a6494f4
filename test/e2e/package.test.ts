import { execFileSync, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const NPM_QUIET = ["--no-update-notifier", "--no-fund", "--no-audit", "--loglevel=error"];

/** npm's JSON answer for the package as `npm pack` makes it (its prepare script builds dist/ first). */
function pack(args: string[]): { filename: string; files: { path: string }[] } {
	const output = execFileSync("npm", ["pack", "--json", ...NPM_QUIET, ...args], {
		cwd: ROOT,
		encoding: "utf8",
		stdio: ["ignore", "pipe", "pipe"],
	});
	const [packed] = JSON.parse(output);
	return packed;
}

describe("the package", () => {
	let project: string;

	beforeAll(async () => {
		// A project that installed the tarball: the package unpacked in node_modules, its dependencies linked.
		project = await mkdtemp(join(tmpdir(), "research-swarm-package-"));
		const { filename } = pack(["--pack-destination", project]);
		const installed = join(project, "node_modules", "research-swarm");
		await mkdir(installed, { recursive: true });
		execFileSync("tar", ["-xzf", join(project, filename), "-C", installed, "--strip-components=1"]);
		for (const name of await readdir(join(ROOT, "node_modules"))) {
			if (!name.startsWith("."))
				await symlink(join(ROOT, "node_modules", name), join(project, "node_modules", name));
		}
	}, 120_000);

	afterAll(async () => {
		await rm(project, { recursive: true, force: true });
	});

	it("ships dist/, the README and package.json, and nothing else", () => {
		// dist/ was built by the pack before this one.
		const paths = pack(["--dry-run", "--ignore-scripts"]).files.map((file) => file.path);
		expect(paths).toEqual(
			expect.arrayContaining(["README.md", "package.json", "dist/cli.js", "dist/index.js"]),
		);
		expect(paths).toContain("dist/types/client/index.d.ts");
		const others = paths.filter(
			(path) => !path.startsWith("dist/") && path !== "README.md" && path !== "package.json",
		);
		expect(others).toEqual([]);
		expect(paths.filter((path) => path.endsWith(".ts") && !path.endsWith(".d.ts"))).toEqual([]);
	}, 60_000);

	it("is a library any project imports by name, with its errors and types", async () => {
		const script = `
			import { ApiError, ResearchSwarmClient } from "research-swarm";
			const body = JSON.stringify({ error: { code: "not_found", message: "no job job_1" } });
			const client = new ResearchSwarmClient({ baseUrl: "https://api.example.com", fetch: async () => new Response(body, { status: 404 }) });
			const error = await client.research.get("job_1").catch((caught) => caught);
			console.log(JSON.stringify({ api: error instanceof ApiError, status: error.status, code: error.code }));`;
		const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
			cwd: project,
			encoding: "utf8",
		});
		expect(run.stderr).toBe("");
		expect(JSON.parse(run.stdout)).toEqual({ api: true, status: 404, code: "not_found" });

		// Typed under the strictest resolution, declarations included; a wrong request is an error, so the
		// types are not \`any\`.
		await writeFile(
			join(project, "consumer.ts"),
			`import { type JobStatus, type Report, ResearchSwarmClient } from "research-swarm";
const client = new ResearchSwarmClient({ baseUrl: "https://api.example.com", apiKey: "rs_test_key" });
export async function outcome(id: string): Promise<[JobStatus, number]> {
	const job = await client.research.get(id);
	const report: Report = await client.research.report(id, "json");
	// @ts-expect-error a task is text
	await client.research.submit({ task: 42 });
	return [job.status, report.quality.overall];
}
`,
		);
		const tsc = spawnSync(
			process.execPath,
			[join(ROOT, "node_modules/typescript/bin/tsc"), "--noEmit", "--strict"].concat([
				"--module",
				"nodenext",
				"--moduleResolution",
				"nodenext",
				"--lib",
				"es2024,dom",
				"--types",
				"",
				"consumer.ts",
			]),
			{ cwd: project, encoding: "utf8" },
		);
		expect(tsc.stdout + tsc.stderr).toBe("");
		expect(tsc.status).toBe(0);
	}, 60_000);

	it("installs the research-swarm command, which needs a server outside a clone", () => {
		const cli = join(project, "node_modules", "research-swarm", "dist", "cli.js");
		const help = spawnSync(process.execPath, [cli, "--help"], { cwd: project, encoding: "utf8" });
		expect(help.status).toBe(0);
		expect(help.stdout).toContain("Usage: research-swarm");
		const env = { ...process.env };
		delete env.RESEARCH_SWARM_URL;
		const research = spawnSync(process.execPath, [cli, "list"], { cwd: project, encoding: "utf8", env });
		expect(research.status).toBe(2);
		expect(research.stderr).toContain("no server: pass --url");
	});
});

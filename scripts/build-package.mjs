/**
 * `npm run build:package` (and `prepare`, so `npm install` in a clone runs it): what the package ships,
 * in dist/ (git ignores it).
 *
 * - dist/cli.js: the `research-swarm` command, cli/main.ts bundled for Node ≥ 20 with a `node` shebang;
 *   its dependencies stay imports of the installed packages.
 * - dist/index.js: the library (`import { ResearchSwarmClient } from "research-swarm"`), src/client/index.ts
 *   bundled for any runtime with `fetch` (Node ≥ 20, browsers, Deno, Workers).
 * - dist/types/: the library's declarations, written by tsc (tsconfig.lib.json). The sources import each
 *   other with and without `.ts`; every relative import of a declaration file is rewritten to `.js`,
 *   the form each TypeScript resolution mode (bundler, node16, nodenext) follows to the `.d.ts`.
 *
 * Runs on Node 20: esbuild and tsc only, no TypeScript loaded into Node itself.
 * `node scripts/build-package.mjs cli` builds dist/cli.js alone (the e2e tests run it first).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
const TYPES = join(DIST, "types");

/** Bundles the command; dependencies are imported from node_modules at run time. */
export async function buildCli() {
	await build({
		absWorkingDir: ROOT,
		entryPoints: ["cli/main.ts"],
		outfile: "dist/cli.js",
		bundle: true,
		packages: "external",
		platform: "node",
		format: "esm",
		target: "node20",
		banner: { js: "#!/usr/bin/env node" },
		logLevel: "warning",
	});
}

/** Bundles the library for any runtime with `fetch`. */
async function buildLibrary() {
	await build({
		absWorkingDir: ROOT,
		entryPoints: ["src/client/index.ts"],
		outfile: "dist/index.js",
		bundle: true,
		packages: "external",
		platform: "neutral",
		format: "esm",
		target: "es2022",
		logLevel: "warning",
	});
}

/** Every file below `folder`. */
async function filesUnder(folder) {
	const entries = await readdir(folder, { recursive: true, withFileTypes: true });
	return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/**
 * The `.js` specifier of a relative import in a declaration file, found by the `.d.ts` it names.
 * @param {string} file the declaration file
 * @param {string} specifier e.g. "../protocol", "../protocol.ts", "./events"
 */
function jsSpecifier(file, specifier) {
	const base = resolve(dirname(file), specifier.replace(/\.(ts|js)$/, ""));
	const target = [`${base}.d.ts`, join(base, "index.d.ts")].find((candidate) => existsSync(candidate));
	if (!target) throw new Error(`${relative(ROOT, file)}: no declaration file for "${specifier}"`);
	const path = relative(dirname(file), target).replace(/\.d\.ts$/, ".js");
	return path.startsWith(".") ? path : `./${path}`;
}

/** Writes the library's declarations and points their relative imports at `.js` files. */
async function buildDeclarations() {
	await rm(TYPES, { recursive: true, force: true });
	execFileSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.lib.json"], {
		cwd: ROOT,
		stdio: "inherit",
	});
	const RELATIVE_IMPORT = /(from\s+|import\()"(\.{1,2}\/[^"]+)"/g;
	for (const file of await filesUnder(TYPES)) {
		const text = await readFile(file, "utf8");
		const rewritten = text.replaceAll(
			RELATIVE_IMPORT,
			(_match, prefix, specifier) => `${prefix}"${jsSpecifier(file, specifier)}"`,
		);
		if (rewritten !== text) await writeFile(file, rewritten);
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const only = process.argv[2];
	await buildCli();
	if (only !== "cli") {
		await buildLibrary();
		await buildDeclarations();
	}
	// On stderr: `npm pack --json` runs this (prepare) and its answer on stdout must stay JSON.
	console.error(`built ${only === "cli" ? "dist/cli.js" : "dist/cli.js, dist/index.js and dist/types/"}`);
}

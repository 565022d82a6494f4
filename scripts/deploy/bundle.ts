/**
 * The production Worker as `wrangler deploy` would upload it, built offline by
 * `wrangler deploy --env production --dry-run --outdir`, and its size.
 */
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { type Invocation, type Runner, runChecked } from "../lib/tools";
import { DEPLOY_ENV } from "./config";

/**
 * Most gzip bytes the Worker's modules may take: the project's target of 1 MiB (README, Benchmarks),
 * well under Cloudflare's own limits (3 MiB on the free plan, 10 MiB on paid plans), because start-up
 * time grows with the code a Worker loads. `npm run check` fails above it.
 */
export const BUNDLE_GZIP_CEILING_BYTES = 1024 * 1024;

/** The offline build of the production Worker into `outdir`; wrangler runs `[build]` first. */
export function dryRunDeploy(outdir: string): Invocation {
	return {
		tool: "wrangler",
		args: ["deploy", "--env", DEPLOY_ENV, "--dry-run", "--outdir", outdir],
		capture: true,
	};
}

export type BundleSize = { files: string[]; raw: number; gzip: number };

/**
 * Raw and gzip bytes of the modules in a dry-run's `outdir` (Node's zlib at its default level, which
 * matches wrangler's own "gzip" figure); source maps and wrangler's README there are not uploaded.
 */
export function bundleSize(outdir: string): BundleSize {
	const files = readdirSync(outdir).filter((file) => !file.endsWith(".map") && file !== "README.md");
	let raw = 0;
	let gzip = 0;
	for (const file of files) {
		const bytes = readFileSync(join(outdir, file));
		raw += bytes.length;
		gzip += gzipSync(bytes).length;
	}
	return { files, raw, gzip };
}

/** `bytes` in KiB with one decimal, as wrangler prints sizes. */
function kib(bytes: number): string {
	return `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Builds the production Worker offline in a scratch folder; returns what wrangler printed and the size. */
export async function buildProductionBundle(runner: Runner): Promise<{ output: string; size: BundleSize }> {
	const outdir = await mkdtemp(join(tmpdir(), "research-swarm-bundle-"));
	try {
		const result = await runChecked(runner, dryRunDeploy(outdir));
		return { output: `${result.stdout}\n${result.stderr}`.trim(), size: bundleSize(outdir) };
	} finally {
		await rm(outdir, { recursive: true, force: true });
	}
}

/** The size line of a report, and whether the bundle is within the ceiling. */
export function sizeVerdict(size: BundleSize): { ok: boolean; line: string } {
	const ok = size.gzip <= BUNDLE_GZIP_CEILING_BYTES;
	return {
		ok,
		line: `Worker bundle: ${kib(size.raw)} raw, ${kib(size.gzip)} gzip; ceiling ${kib(BUNDLE_GZIP_CEILING_BYTES)} gzip: ${ok ? "within" : "EXCEEDED"}`,
	};
}

/**
 * Bundle size and startup: `wrangler deploy --dry-run` builds the Worker exactly as a deploy would; the
 * bundle's raw and gzip size, its heaviest packages (from esbuild's metafile), and the startup CPU time
 * of the bundle inside workerd from `wrangler check startup` (a sampled CPU profile of loading the
 * module and running its top level; "active" = sampled time not idle).
 */
import { spawn } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DEPLOY_ENV } from "../../scripts/deploy/config.ts";
import { summarize } from "../lib/stats.mjs";

const WRANGLER = ["exec", "--", "wrangler"];

/**
 * Runs wrangler with `args` in `cwd` and resolves with its output; rejects with the output when it fails.
 * @param {string[]} args
 * @param {string} cwd
 * @returns {Promise<string>}
 */
function wrangler(args, cwd) {
	return new Promise((resolve, reject) => {
		const child = spawn("npm", ["--prefix", process.cwd(), ...WRANGLER, ...args], {
			cwd,
			env: { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false" },
		});
		let output = "";
		child.stdout.on("data", (chunk) => {
			output += chunk;
		});
		child.stderr.on("data", (chunk) => {
			output += chunk;
		});
		child.once("error", reject);
		child.once("close", (code) => {
			if (code === 0) resolve(output);
			else reject(new Error(`wrangler ${args.slice(0, 2).join(" ")} failed:\n${output}`));
		});
	});
}

/**
 * Builds the production Worker as `wrangler deploy --env production --dry-run` does, into `workDir`. It only measures bytes, so it
 * may run while other work is going on.
 * @param {string} workDir
 */
export async function buildBundle(workDir) {
	const outdir = join(workDir, "bundle");
	const bundleFile = join(workDir, "worker.bundle");
	const metafile = join(outdir, "bundle-meta.json");
	const output = await wrangler(
		[
			"deploy",
			"--env",
			DEPLOY_ENV,
			"--dry-run",
			"--outdir",
			outdir,
			"--outfile",
			bundleFile,
			"--metafile",
			metafile,
		],
		process.cwd(),
	);
	return { script: join(outdir, "index.js"), bundleFile, metafile, output };
}

/**
 * Bytes of the bundle per npm package (or top-level project folder), largest first.
 * @param {string} metafile
 * @param {string} outputName
 */
function weightByPackage(metafile, outputName) {
	/** @type {{ outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> }} */
	const meta = JSON.parse(readFileSync(metafile, "utf8"));
	const output = Object.entries(meta.outputs).find(([path]) => path.endsWith(outputName))?.[1];
	if (!output) throw new Error(`the metafile has no output ${outputName}`);
	/** @type {Map<string, number>} */
	const bytes = new Map();
	for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
		const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split("/")[0] ?? path;
		bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
	}
	return [...bytes].map(([name, size]) => ({ name, bytes: size })).sort((a, b) => b.bytes - a.bytes);
}

/**
 * CPU time of a V8 CPU profile that is not idle, and the garbage collector's share, in ms.
 * @param {string} file
 */
export function profileActiveMs(file) {
	/** @type {{ nodes: { id: number; callFrame: { functionName: string } }[]; samples: number[]; timeDeltas: number[] }} */
	const profile = JSON.parse(readFileSync(file, "utf8"));
	const nameById = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
	let active = 0;
	let garbage = 0;
	profile.samples.forEach((node, index) => {
		const ms = (profile.timeDeltas[index] ?? 0) / 1000;
		const name = nameById.get(node);
		if (name === "(idle)") return;
		active += ms;
		if (name === "(garbage collector)") garbage += ms;
	});
	return { active, garbage, samples: profile.samples.length };
}

/**
 * Sizes of the built bundle, and its startup CPU time over `startupRuns` profiles (run alone, since
 * other load would inflate them).
 * @param {{ bundle: Awaited<ReturnType<typeof buildBundle>>; workDir: string; startupRuns: number; log(line: string): void }} options
 */
export async function measureSize({ bundle, workDir, startupRuns, log }) {
	const raw = statSync(bundle.script).size;
	const gzip = gzipSync(readFileSync(bundle.script)).length;
	const wranglerLine = /Total Upload:[^\n]*/.exec(bundle.output)?.[0] ?? null;
	log(`size: bundle ${(raw / 1024).toFixed(0)} KiB raw, ${(gzip / 1024).toFixed(0)} KiB gzip`);

	const active = [];
	const garbage = [];
	let samples = 0;
	for (let run = 0; run < startupRuns; run++) {
		const profile = join(workDir, `startup-${run}.cpuprofile`);
		await wrangler(["check", "startup", "--worker", bundle.bundleFile, "--outfile", profile], workDir);
		const measured = profileActiveMs(profile);
		active.push(measured.active);
		garbage.push(measured.garbage);
		samples = Math.max(samples, measured.samples);
	}
	log(`size: startup profiled ${startupRuns} times`);
	return {
		raw,
		gzip,
		wranglerLine,
		packages: weightByPackage(bundle.metafile, "index.js").slice(0, 10),
		startupActive: summarize(active),
		startupGarbage: summarize(garbage),
		startupSamples: samples,
	};
}

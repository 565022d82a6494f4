/**
 * `npm run bench`: measures the service against a real local Worker and writes docs/benchmarks.md.
 *
 * Sections, in order: bundle size and startup; orchestration overhead at zero latency; schedule
 * efficiency at a fixed latency; many concurrent jobs; the pattern index. The Worker is restarted with
 * the simulated latency each section needs, on one state directory. Run counts are chosen so the whole
 * run stays under 10 minutes on a 2-core machine; progress is printed as it goes.
 */
import "./lib/ts-modules.mjs";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, loadavg, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { renderReport } from "./lib/report.mjs";
import { freshState, startWorker } from "./lib/worker.mjs";
import { measureOverhead } from "./sections/overhead.mjs";
import { measureExactIndexInProcess, measurePatternSearch, seedPatterns } from "./sections/pattern-index.mjs";
import { measureScale } from "./sections/scale.mjs";
import { measureSchedule } from "./sections/schedule.mjs";
import { buildBundle, measureSize } from "./sections/size.mjs";

const OVERHEAD = { sizes: [3, 5, 7], runs: 5, warmup: 2 };
const SCHEDULE = { latencyMs: 300, sizes: [3, 5, 7], caps: [1, 2, 4], runs: 5 };
/** Swarms of 3 with one task at a time: the cap binds (two research tasks are ready at once) at 600 agent
 * tasks for 200 jobs, which keeps five runs of each level inside the time budget. */
const SCALE = { latencyMs: 200, levels: [10, 50, 200], runs: 5, swarmSize: 3, maxConcurrent: 1 };
const STARTUP_RUNS = 5;
const INDEX = {
	sizes: [1_000, 10_000],
	inProcessQueries: 200,
	storedQueries: 20,
	workerQueries: { empty: 30, small: 30, large: 10 },
};
/** Vectorize pricing as documented (Workers Paid), for the note in the report. */
const VECTORIZE = {
	pricePerMillionDimensions: 0.04,
	includedDimensionsPerMonth: 50_000_000,
	source: "https://developers.cloudflare.com/vectorize/platform/pricing/",
};
const OUTPUT = new URL("../docs/benchmarks.md", import.meta.url);

const startedAt = performance.now();
/** The 1-minute load average when the run began: the machine may be busy with more than this benchmark. */
const loadAtStart = loadavg()[0] ?? 0;
/** @param {string} line */
const log = (line) =>
	console.log(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(3)} s] ${line}`);

/** @param {string} name */
function packageVersion(name) {
	const file = new URL(`../node_modules/${name}/package.json`, import.meta.url);
	return /** @type {{ version: string }} */ (JSON.parse(readFileSync(file, "utf8"))).version;
}

function machineNotes() {
	const cores = cpus();
	return {
		cpu: cores[0]?.model.trim() ?? "unknown CPU",
		cores: cores.length,
		memoryGiB: totalmem() / 1024 ** 3,
		os: `${platform()} ${release()}`,
		node: process.versions.node,
		wrangler: packageVersion("wrangler"),
		workerd: packageVersion("workerd"),
		load: { start: loadAtStart, end: loadavg()[0] ?? 0 },
	};
}

/**
 * Runs `measure` against a Worker started with `latencyMs`, stopping the Worker whatever happens.
 * @template T
 * @param {string} state
 * @param {number} latencyMs
 * @param {(url: string) => Promise<T>} measure
 * @returns {Promise<T>}
 */
async function withWorker(state, latencyMs, measure) {
	log(`starting the Worker (simulated latency ${latencyMs} ms)`);
	const worker = await startWorker(state, latencyMs);
	try {
		return await measure(worker.url);
	} finally {
		await worker.stop();
	}
}

/** Set when a section could not be measured, so the command exits non-zero after writing the page. */
let sectionFailed = false;

/**
 * Runs one section; a failure becomes the section's outcome (shown in the report) instead of ending the run.
 * @template T
 * @param {string} name
 * @param {() => Promise<T>} measure
 * @returns {Promise<import("./lib/report.mjs").Outcome<T>>}
 */
async function attempt(name, measure) {
	try {
		return { value: await measure() };
	} catch (error) {
		sectionFailed = true;
		const message = error instanceof Error ? error.message : String(error);
		log(`${name}: not measured: ${message}`);
		return { error: message.split("\n")[0] ?? message };
	}
}

async function main() {
	const { simulatedTurnMs } = await import("../src/providers/extractive.ts");
	const { criticalPathShare } = await import("../src/swarm/dag.ts");
	const { topK } = await import("../src/learning/exact-index.ts");
	const { createHashingEmbedder } = await import("../src/learning/embedder.ts");
	const { generateApiKey } = await import("../src/auth/api-keys.ts");
	const { decodeVector, encodeVector } = await import("../src/db/vector-blob.ts");
	const embedder = createHashingEmbedder();
	const embed = (/** @type {string[]} */ texts) => embedder.embed(texts);
	const [small, large] = /** @type {[number, number]} */ (INDEX.sizes);

	const workDir = await mkdtemp(join(tmpdir(), "research-swarm-bench-work-"));
	log("building the bundle and applying the D1 migrations to a fresh local state");
	// The build only yields byte counts, so it may overlap the migrations; nothing timed runs meanwhile.
	const building = buildBundle(workDir).then(
		(bundle) => ({ bundle }),
		(/** @type {unknown} */ error) => ({ error }),
	);
	const state = await freshState();
	try {
		const built = await building;
		const size = await attempt("size", () => {
			if ("error" in built) throw built.error;
			return measureSize({ bundle: built.bundle, workDir, startupRuns: STARTUP_RUNS, log });
		});
		const seeded = await attempt("pattern index", async () => {
			log("pattern index: in process, then seeding the local D1 database");
			const inProcess = await measureExactIndexInProcess({
				sizes: INDEX.sizes,
				queries: INDEX.inProcessQueries,
				storedQueries: INDEX.storedQueries,
				embed,
				topK,
				encodeVector,
				decodeVector,
			});
			const apiKey = await seedPatterns({
				state,
				model: embedder.model,
				embed,
				encodeVector,
				generateApiKey,
				groups: [
					{ taskType: "code", count: small },
					{ taskType: "analysis", count: large },
				],
			});
			return { inProcess, apiKey };
		});

		// Overhead and the pattern search both want no simulated latency, so they share one Worker.
		const idle = await attempt("Worker at L = 0", () =>
			withWorker(state, 0, async (url) => ({
				overhead: await attempt("overhead", () => measureOverhead(url, { ...OVERHEAD, log })),
				index: await attempt("pattern index", async () => {
					if (!("value" in seeded)) throw new Error(seeded.error);
					const search = await measurePatternSearch(url, {
						apiKey: seeded.value.apiKey,
						groups: [
							{
								label: "0 patterns (route baseline)",
								taskType: "synthesis",
								queries: INDEX.workerQueries.empty,
							},
							{ label: `${small} patterns`, taskType: "code", queries: INDEX.workerQueries.small },
							{ label: `${large} patterns`, taskType: "analysis", queries: INDEX.workerQueries.large },
						],
					});
					log("pattern index: done");
					return { inProcess: seeded.value.inProcess, search };
				}),
			})),
		);
		const overhead = "value" in idle ? idle.value.overhead : idle;
		const index = "value" in idle ? idle.value.index : idle;
		const schedule = await attempt("schedule", () =>
			withWorker(state, SCHEDULE.latencyMs, (url) =>
				measureSchedule(url, { ...SCHEDULE, simulatedTurnMs, criticalPathShare, log }),
			),
		);
		const scale = await attempt("scale", () =>
			withWorker(state, SCALE.latencyMs, (url) => measureScale(url, { ...SCALE, log })),
		);

		const report = renderReport({
			command: "npm run bench",
			date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
			durationS: (performance.now() - startedAt) / 1000,
			machine: machineNotes(),
			config: {
				overheadRuns: OVERHEAD.runs,
				scheduleRuns: SCHEDULE.runs,
				scheduleLatencyMs: SCHEDULE.latencyMs,
				scale: SCALE,
			},
			overhead,
			schedule,
			scale,
			size,
			index,
			vectorize: { ...VECTORIZE, dimensions: embedder.dimensions },
		});
		await writeFile(OUTPUT, report);
		log(`wrote ${OUTPUT.pathname}`);
	} finally {
		await rm(state, { recursive: true, force: true });
		await rm(workDir, { recursive: true, force: true });
	}
	if (sectionFailed) process.exitCode = 1;
}

await main();

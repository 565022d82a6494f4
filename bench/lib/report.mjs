/**
 * Renders the measured figures as `docs/benchmarks.md`. Every number comes from the run it describes;
 * a section that could not be measured says so and why, and its targets read "not measured".
 */

/** @typedef {import("./stats.mjs").Summary} Summary */
/**
 * What a section produced: its figures, or the reason it has none.
 * @template T
 * @typedef {{ value: T } | { error: string }} Outcome
 */
/** @typedef {Awaited<ReturnType<typeof import("../sections/overhead.mjs").measureOverhead>>} OverheadFigures */
/** @typedef {Awaited<ReturnType<typeof import("../sections/schedule.mjs").measureSchedule>>} ScheduleFigures */
/** @typedef {Awaited<ReturnType<typeof import("../sections/scale.mjs").measureScale>>} ScaleFigures */
/** @typedef {Awaited<ReturnType<typeof import("../sections/size.mjs").measureSize>>} SizeFigures */
/**
 * @typedef {{
 *   inProcess: Awaited<ReturnType<typeof import("../sections/pattern-index.mjs").measureExactIndexInProcess>>;
 *   search: Awaited<ReturnType<typeof import("../sections/pattern-index.mjs").measurePatternSearch>>;
 * }} IndexFigures
 */
/**
 * @typedef {{
 *   runs: number; latencyMs: number; swarmSize: number; maxConcurrent: number;
 * }} ScaleConfig
 */

/**
 * A number with a fixed count of decimals, or "–" when it is missing.
 * @param {number | null | undefined} value
 * @param {number} [decimals]
 */
function fixed(value, decimals = 1) {
	return value === null || value === undefined || Number.isNaN(value) ? "–" : value.toFixed(decimals);
}

/**
 * "median (min–max)" of a summary.
 * @param {Summary | null} summary
 * @param {number} [decimals]
 */
function medianRange(summary, decimals = 1) {
	if (!summary) return "–";
	return `${fixed(summary.median, decimals)} (${fixed(summary.min, decimals)}–${fixed(summary.max, decimals)})`;
}

/**
 * "median (p5–p95)" of a summary.
 * @param {Summary | null} summary
 * @param {number} [decimals]
 */
function medianPercentiles(summary, decimals = 1) {
	if (!summary) return "–";
	return `${fixed(summary.median, decimals)} (${fixed(summary.p5, decimals)}–${fixed(summary.p95, decimals)})`;
}

/** @param {number} bytes */
function kib(bytes) {
	return `${(bytes / 1024).toFixed(0)} KiB`;
}

/**
 * @param {string[]} header
 * @param {string[][]} rows
 */
function table(header, rows) {
	return [
		`| ${header.join(" | ")} |`,
		`|${header.map(() => "---").join("|")}|`,
		...rows.map((row) => `| ${row.join(" | ")} |`),
	].join("\n");
}

/**
 * The section's text from its figures, or a line saying why it was not measured.
 * @template T
 * @param {Outcome<T>} outcome
 * @param {(value: T) => string} render
 */
function section(outcome, render) {
	return "value" in outcome ? render(outcome.value) : `**Not measured:** ${outcome.error}`;
}

/**
 * One row of the targets table.
 * @template T
 * @param {string} target
 * @param {Outcome<T>} outcome
 * @param {(value: T) => { measured: string; met: boolean }} judge
 */
function targetRow(target, outcome, judge) {
	if (!("value" in outcome)) return [target, "not measured", "**missed**"];
	const { measured, met } = judge(outcome.value);
	return [target, measured, met ? "met" : "**missed**"];
}

/**
 * @param {{
 *   overhead: Outcome<OverheadFigures>;
 *   schedule: Outcome<ScheduleFigures>;
 *   scale: Outcome<ScaleFigures>;
 *   size: Outcome<SizeFigures>;
 *   scaleJobs: number;
 * }} data
 */
function renderTargets({ overhead, schedule, scale, size, scaleJobs }) {
	return table(
		["target", "measured", ""],
		[
			targetRow("orchestration overhead ≤ 30 ms per agent task (median)", overhead, (rows) => {
				const worst = Math.max(...rows.map((row) => row.overhead?.median ?? Number.POSITIVE_INFINITY));
				return { measured: `worst swarm size: ${fixed(worst)} ms`, met: worst <= 30 };
			}),
			targetRow("makespan ≤ 1.10 × critical-path ideal in every configuration", schedule, (rows) => {
				const worst = Math.max(...rows.map((row) => row.overIdeal?.median ?? Number.POSITIVE_INFINITY));
				return { measured: `worst configuration: ${fixed(worst, 2)} ×`, met: worst <= 1.1 };
			}),
			targetRow("better than the phase-barrier schedule wherever the DAG allows it", schedule, (rows) => {
				const allowed = rows.filter((row) => row.ideal < row.barrier);
				const better = allowed.filter((row) => (row.overBarrier?.median ?? Number.POSITIVE_INFINITY) < 1);
				return {
					measured: `faster than the barrier schedule in ${better.length} of the ${allowed.length} configurations where the DAG allows it`,
					met: better.length === allowed.length,
				};
			}),
			targetRow(`${scaleJobs} concurrent jobs all complete, none lost, none duplicated`, scale, (figures) => {
				const level = figures.levels.find((row) => row.jobs === scaleJobs);
				if (!level) return { measured: figures.stopped ?? "not reached", met: false };
				const worst = level.completionRate?.min ?? 0;
				return {
					measured: `completion ${fixed(worst * 100, 0)} % in the worst run, lost ${level.lost}, duplicated ${level.duplicated}, cap violations ${level.capViolations}`,
					met: worst === 1 && level.lost === 0 && level.duplicated === 0 && level.capViolations === 0,
				};
			}),
			targetRow("bundle ≤ 1 MiB gzip", size, (figures) => ({
				measured: kib(figures.gzip),
				met: figures.gzip <= 1024 * 1024,
			})),
		],
	);
}

/** @param {OverheadFigures} rows @param {number} runs */
function renderOverhead(rows, runs) {
	return `One job at a time, maxConcurrent 4, ${runs} runs per swarm size after warm-up jobs. Per task:
**total** = \`agent.completed\` − \`agent.dispatched\` (the coordinator's timestamps); **provider** = the time the
attempt spent inside its provider calls as the agent measured it around each call (\`providerMs\` of
\`agent.completed\`, the sum of the result's provider-call latencies; for the extractive provider, its whole
turn: the simulated wait, here 0, and the ranking); **overhead** = total − provider. In \`wrangler dev\` the
clock advances during synchronous work too (a busy loop in the consumer reads its real duration), so the
ranking's CPU time is in the provider column, not hidden in the overhead. The overhead splits into
**queue** (dispatched → \`agent.started\`: the queue send and delivery, the \`beginTask\` RPC and its commit)
and **agent** (started → completed, minus provider: the context handed back, snapshot reads, the prompt, the
result RPC and the coordinator's commit).

${table(
	["swarm", "tasks (n)", "overhead ms", "total ms", "provider ms", "queue ms", "agent ms"],
	rows.map((row) => [
		String(row.size),
		String(row.overhead?.n ?? 0),
		medianPercentiles(row.overhead),
		medianPercentiles(row.total),
		medianPercentiles(row.provider),
		medianPercentiles(row.queue),
		medianPercentiles(row.agent),
	]),
)}

End-to-end job time at L = 0 (client: \`POST\` sent → \`job.completed\` received; server: \`job.accepted\` →
\`job.completed\` timestamps), median (min–max) over ${runs} runs:

${table(
	["swarm", "client ms", "server ms"],
	rows.map((row) => [String(row.size), medianRange(row.endToEnd, 0), medianRange(row.server, 0)]),
)}`;
}

/** @param {ScheduleFigures} rows @param {number} runs */
function renderSchedule(rows, runs) {
	return `${runs} runs per configuration, one job at a time. **Makespan** = first \`agent.dispatched\` → last
\`agent.completed\`. **Ideal** = the optimal makespan of the job's DAG under the cap with each task lasting
its simulated wait, found exactly by trying every dependency-respecting order (serial schedule
generation) and checked against \`criticalPathShare\` without a cap. **Policy** = the coordinator's dispatch
rule (ready tasks in plan order) with zero overhead. **Barrier** = research roles, then review roles, then
synthesis, each phase scheduled optimally under the cap, no phase starting before the previous ended.
**Retries** = \`agent.retrying\` events over all runs (a lapsed lease or a failed delivery). The makespan
holds everything the ideal leaves out: each task's orchestration overhead (section 1) and the extractive
provider's own ranking after its wait.

${table(
	[
		"swarm",
		"cap",
		"ideal ms",
		"policy ms",
		"barrier ms",
		"makespan ms",
		"makespan − ideal ms",
		"÷ ideal",
		"÷ barrier",
		"max in flight",
		"retries",
	],
	rows.map((row) => [
		String(row.size),
		String(row.cap),
		String(row.ideal),
		String(row.policy),
		String(row.barrier),
		medianRange(row.makespan, 0),
		medianRange(row.excess, 0),
		medianRange(row.overIdeal, 3),
		medianRange(row.overBarrier, 3),
		String(row.maxInFlight),
		String(row.retries),
	]),
)}`;
}

/** @param {ScaleFigures} figures @param {ScaleConfig} config */
function renderScale(figures, config) {
	const errors = figures.levels.flatMap((row) => row.errors);
	return `All jobs submitted at once (swarm ${config.swarmSize}, maxConcurrent ${config.maxConcurrent}, so the cap binds), each
followed over its event stream; ${config.runs} runs per level. Wall time = first submit → last terminal event
received. Latency = submit → \`job.completed\` received. The cap, losses and duplicates are checked by
replaying every job's events: in flight = dispatched and not yet completed, failed or lease-expired; lost =
accepted without a terminal event; duplicated = more than one terminal event, or a task completed twice.

${table(
	[
		"jobs",
		"runs",
		"completion",
		"jobs/min",
		"agent tasks/s",
		"p50 latency ms",
		"p95 latency ms",
		"cap violations",
		"lost",
		"duplicated",
		"rejected",
		"redispatches",
	],
	figures.levels.map((row) => [
		String(row.jobs),
		String(row.runs),
		`${fixed((row.completionRate?.median ?? 0) * 100, 0)} % (worst ${fixed((row.completionRate?.min ?? 0) * 100, 0)} %)`,
		medianRange(row.jobsPerMinute, 0),
		medianRange(row.tasksPerSecond, 1),
		medianRange(row.latencyP50, 0),
		medianRange(row.latencyP95, 0),
		String(row.capViolations),
		String(row.lost),
		String(row.duplicated),
		String(row.rejected),
		String(row.redispatches),
	]),
)}
${figures.stopped ? `\n**Stopped early:** ${figures.stopped}.\n` : ""}${errors.length > 0 ? `\nErrors seen: ${errors.join("; ")}\n` : ""}`;
}

/** @param {SizeFigures} figures */
function renderSize(figures) {
	const interval =
		figures.startupSamples > 0 && figures.startupActive
			? fixed(figures.startupActive.median / figures.startupSamples, 1)
			: "–";
	return `\`wrangler deploy --dry-run --outdir\`: **${kib(figures.raw)} raw, ${kib(figures.gzip)} gzip** (Node zlib, default
level)${figures.wranglerLine ? `; wrangler reports "${figures.wranglerLine}"` : ""}.

Startup inside workerd, from \`wrangler check startup\` on the same bundle (a V8 CPU profile of loading the
module and running its top level, one sample about every ${interval} ms; active = sampled time that is not
idle): **${medianRange(figures.startupActive)} ms** active CPU, of which garbage collection
${medianRange(figures.startupGarbage)} ms, over ${figures.startupActive?.n ?? 0} runs.

Heaviest parts of the bundle (bytes in the output, from esbuild's metafile):

${table(
	["package or folder", "raw"],
	figures.packages.map((entry) => [entry.name, kib(entry.bytes)]),
)}`;
}

/** @param {IndexFigures} figures */
function renderIndex(figures) {
	return `Exact cosine top-5 over hashing-embedder vectors (384 dimensions) of synthetic research questions.
**In process** = \`topK\` from \`src/learning/exact-index.ts\` in Node: with the vectors in memory; after
decoding every stored vector from its Float32 bytes as the D1 adapter reads them on each query
(\`hex(vector)\`, then \`decodeVector\` of \`src/db/vector-blob.ts\`: hex to bytes, a Float32Array view); and
after \`JSON.parse\` of every vector, the cost of rows written before migration 0005 (and of every row before
it). **Through the
Worker** = \`GET /v1/patterns?q=…&k=5&taskType=…\` on the local D1 index, as a tenant of its own whose API key
and patterns were written into the local D1 database before the Worker started (so no benchmark job ever
recalls them); the task type without patterns is the route's own cost (key check, embedding the query,
an empty D1 read).

${table(
	[
		"patterns",
		"in memory ms: p50 (p5–p95)",
		"in memory p95 ms",
		"decoding Float32 bytes ms: p50 (p5–p95)",
		"decoding p95 ms",
		"with JSON.parse ms: p50 (p5–p95)",
		"with JSON.parse p95 ms",
	],
	figures.inProcess.map((row) => [
		String(row.size),
		`${medianPercentiles(row.inMemory, 3)}, n = ${row.inMemory?.n ?? 0}`,
		fixed(row.inMemory?.p95, 3),
		`${medianPercentiles(row.withDecode, 1)}, n = ${row.withDecode?.n ?? 0}`,
		fixed(row.withDecode?.p95, 1),
		`${medianPercentiles(row.withParse, 1)}, n = ${row.withParse?.n ?? 0}`,
		fixed(row.withParse?.p95, 1),
	]),
)}

${table(
	["through the Worker", "results", "latency ms: p50 (p5–p95)", "p95 ms", "queries"],
	figures.search.map((row) => [
		row.label,
		String(row.returned),
		medianPercentiles(row.latency),
		fixed(row.latency?.p95),
		String(row.latency?.n ?? 0),
	]),
)}`;
}

/**
 * @param {{ dimensions: number; pricePerMillionDimensions: number; includedDimensionsPerMonth: number; source: string }} vectorize
 */
function renderVectorizeNote(vectorize) {
	const perQuery = (vectorize.dimensions * vectorize.pricePerMillionDimensions) / 1_000_000;
	const includedQueries = Math.floor(vectorize.includedDimensionsPerMonth / vectorize.dimensions);
	return `**Vectorize (production) — a note, not a measurement.** Vectorize bills queried and stored vector
dimensions, not CPU time, and a query's price does not depend on how many vectors the index holds. At the
documented $${vectorize.pricePerMillionDimensions.toFixed(3)} per million queried dimensions beyond the ${(vectorize.includedDimensionsPerMonth / 1e6).toFixed(0)} million included per month on
Workers Paid, one ${vectorize.dimensions}-dimension query costs ≈ $${perQuery.toExponential(2)} (≈ $${(perQuery * 1e6).toFixed(2)} per million queries), at 1k or
10k patterns alike; the included allowance covers about ${includedQueries.toLocaleString("en-US")} such queries a month.
Source: ${vectorize.source} (prices change; check the page).`;
}

/**
 * @param {{
 *   command: string;
 *   date: string;
 *   durationS: number;
 *   machine: { cpu: string; cores: number; memoryGiB: number; os: string; node: string; wrangler: string; workerd: string; load: { start: number; end: number } };
 *   config: { overheadRuns: number; scheduleRuns: number; scheduleLatencyMs: number; scale: ScaleConfig & { levels: number[] } };
 *   overhead: Outcome<OverheadFigures>;
 *   schedule: Outcome<ScheduleFigures>;
 *   scale: Outcome<ScaleFigures>;
 *   size: Outcome<SizeFigures>;
 *   index: Outcome<IndexFigures>;
 *   vectorize: { dimensions: number; pricePerMillionDimensions: number; includedDimensionsPerMonth: number; source: string };
 * }} data
 * @returns {string}
 */
export function renderReport(data) {
	const { machine, config } = data;
	return `# Benchmarks

Generated by \`${data.command}\` (\`bench/run.mjs\`) on ${data.date}; the whole run took ${data.durationS.toFixed(0)} s.
Do not edit by hand: run the command again to regenerate this page. Every figure below was measured by
that run against a real local Worker (\`wrangler dev\`: Miniflare D1, R2, Durable Objects and Queues), except
the Vectorize note, which is arithmetic on documented prices.

**Machine:** ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB.toFixed(0)} GiB RAM, ${machine.os}; Node ${machine.node};
wrangler ${machine.wrangler}; workerd ${machine.workerd}. 1-minute load average ${fixed(machine.load.start, 2)} when the run began and
${fixed(machine.load.end, 2)} when it ended: a load well above the core count means other processes competed for the CPU
and the timings are inflated.

Figures are **median (min–max)** over runs, or **median (p5–p95)** where a figure pools many samples
(tasks, queries); n says how many. Model time is simulated by the extractive provider's dev-only
\`EXTRACTIVE_SIMULATED_LATENCY_MS\` = L: each turn first waits round(L · timeShare · swarmSize) ms, so a task
with its swarm's mean share waits exactly L. Every job attaches the repository's five sample texts, each
ending in a heading with a fresh id (which the extractive provider skips), so no job finds its sources
already stored in R2 or cached by the Worker from an earlier job.

## Targets

${renderTargets({ ...data, scaleJobs: Math.max(...config.scale.levels) })}

## 1. Orchestration overhead per agent task (L = 0)

${section(data.overhead, (rows) => renderOverhead(rows, config.overheadRuns))}

## 2. Schedule efficiency (L = ${config.scheduleLatencyMs} ms)

${section(data.schedule, (rows) => renderSchedule(rows, config.scheduleRuns))}

## 3. Scale (L = ${config.scale.latencyMs} ms)

${section(data.scale, (figures) => renderScale(figures, config.scale))}

## 4. Size and start

${section(data.size, renderSize)}

## 5. Pattern index

${section(data.index, renderIndex)}

${renderVectorizeNote(data.vectorize)}

## Reading these figures

- Local Miniflare delivers a queue's messages one batch (up to \`max_batch_size\` = 10) at a time and
  waits for the whole batch before the next, ignoring \`max_concurrency\`; deployed queues run up to
  \`max_concurrency\` batches at once. Local throughput at scale is therefore bounded by about 10 tasks per
  (longest simulated wait in a batch + per-batch overhead), which the scale figures reflect.
- The Worker and this benchmark share the machine's ${machine.cores} cores, so concurrent jobs also compete with the
  client for CPU.
- Timestamps come from \`Date.now()\` in workerd. Locally it advances during synchronous work as well; on
  Cloudflare it only advances across I/O, so there a provider's self-measured latency would leave out its
  synchronous CPU time (here, the extractive ranking in the provider column of section 1).
- Source snapshots are cached in the isolate's memory when they are stored and when they are first read
  (\`src/evidence/snapshot-cache.ts\`). Locally one isolate runs the API, the coordinator and the consumer, so
  agent tasks here read their sources from memory; on Cloudflare a consumer isolate that did not store a
  job's sources reads each from R2 once (concurrently), and its later tasks of that job hit the cache.
`;
}

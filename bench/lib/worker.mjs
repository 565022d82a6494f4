/**
 * The local Worker the benchmarks run against: `wrangler dev` in dev mode with its own state directory
 * (real local D1, R2, Durable Objects and Queues), restarted with different vars between sections.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyLocalMigrations, freePort, startLocalWorker } from "../../scripts/local-worker.mjs";

/** Quotas high enough that the tenant limits never decide a benchmark. */
const UNLIMITED_QUOTAS = { MAX_CONCURRENT_JOBS: "1000", MAX_DAILY_JOBS: "100000" };

/** A fresh state directory with the D1 migrations applied. */
export async function freshState() {
	const state = await mkdtemp(join(tmpdir(), "research-swarm-bench-"));
	applyLocalMigrations(state);
	return state;
}

/**
 * Starts the Worker on `state` with the extractive provider's simulated latency set to `latencyMs`.
 * @param {string} state
 * @param {number} latencyMs
 * @returns {Promise<{ url: string; stop(): Promise<void> }>}
 */
export async function startWorker(state, latencyMs) {
	const worker = await startLocalWorker(await freePort(), {
		persistTo: state,
		vars: { ...UNLIMITED_QUOTAS, EXTRACTIVE_SIMULATED_LATENCY_MS: String(latencyMs) },
	});
	return {
		url: worker.url,
		async stop() {
			worker.stop();
			await untilClosed(worker.url);
		},
	};
}

/**
 * Resolves once nothing answers at `url` any more, so the state directory is free for the next run.
 * @param {string} url
 */
async function untilClosed(url) {
	const deadline = Date.now() + 15_000;
	while (Date.now() < deadline) {
		try {
			await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
		} catch (error) {
			const refused = !(error instanceof Error && error.name === "TimeoutError");
			if (refused) {
				// The runtime is gone; give it a moment to release its files.
				await new Promise((resolve) => setTimeout(resolve, 500));
				return;
			}
		}
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`the Worker at ${url} did not stop`);
}

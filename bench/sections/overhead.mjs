/**
 * Orchestration overhead per agent task at zero provider latency, and end-to-end job time, for swarms of
 * 3, 5 and 7 agents (one job at a time).
 *
 * Per task, from the job's own event timestamps (the coordinator's clock):
 *   total    = agent.completed − agent.dispatched
 *   provider = the progress event after the call − the "calling …" progress event
 *   overhead = total − provider
 * The provider bracket holds the provider turn plus one heartbeat hop. The provider's self-reported
 * call latency (`metrics.providerLatencyMs`) is shown beside it; inside workerd the clock does not
 * advance during synchronous work, so it reads ≈ 0 for the extractive provider's ranking.
 */
import { completedJob } from "../lib/client.mjs";
import { summarize } from "../lib/stats.mjs";
import { researchRequest } from "../lib/workload.mjs";

/**
 * @param {string} url
 * @param {{ sizes: number[]; runs: number; warmup: number; log(line: string): void }} options
 */
export async function measureOverhead(url, { sizes, runs, warmup, log }) {
	for (let index = 0; index < warmup; index++) {
		await completedJob(url, researchRequest({ swarmSize: 5, maxConcurrent: 4 }));
	}
	/** @type {Map<number, { overhead: number[]; total: number[]; provider: number[]; reported: number[]; queue: number[]; setup: number[]; accept: number[]; endToEnd: number[]; server: number[] }>} */
	const bySize = new Map(
		sizes.map((size) => [
			size,
			{
				overhead: [],
				total: [],
				provider: [],
				reported: [],
				queue: [],
				setup: [],
				accept: [],
				endToEnd: [],
				server: [],
			},
		]),
	);
	for (let run = 0; run < runs; run++) {
		for (const size of sizes) {
			const samples = /** @type {NonNullable<ReturnType<typeof bySize.get>>} */ (bySize.get(size));
			const { job, replay, terminalReceivedAt } = await completedJob(
				url,
				researchRequest({ swarmSize: size, maxConcurrent: 4 }),
			);
			for (const task of replay.tasks.values()) {
				const { dispatchedAt, startedAt, providerCalledAt, providerReturnedAt, completedAt } = task;
				if (task.dispatches !== 1 || dispatchedAt === null || startedAt === null) continue;
				if (providerCalledAt === null || providerReturnedAt === null || completedAt === null) continue;
				const total = completedAt - dispatchedAt;
				const provider = providerReturnedAt - providerCalledAt;
				samples.total.push(total);
				samples.provider.push(provider);
				samples.overhead.push(total - provider);
				samples.queue.push(startedAt - dispatchedAt);
				samples.setup.push(providerCalledAt - startedAt);
				samples.accept.push(completedAt - providerReturnedAt);
			}
			const latency = /** @type {{ providerLatencyMs?: { p50: number | null } }} */ (replay.metrics ?? {});
			if (latency.providerLatencyMs?.p50 != null) samples.reported.push(latency.providerLatencyMs.p50);
			samples.endToEnd.push(terminalReceivedAt - job.submittedAt);
			if (replay.finishedAt !== null && replay.acceptedAt !== null) {
				samples.server.push(replay.finishedAt - replay.acceptedAt);
			}
		}
		log(`overhead: run ${run + 1}/${runs} done`);
	}
	return sizes.map((size) => {
		const samples = /** @type {NonNullable<ReturnType<typeof bySize.get>>} */ (bySize.get(size));
		return {
			size,
			overhead: summarize(samples.overhead),
			total: summarize(samples.total),
			provider: summarize(samples.provider),
			reported: summarize(samples.reported),
			queue: summarize(samples.queue),
			setup: summarize(samples.setup),
			accept: summarize(samples.accept),
			endToEnd: summarize(samples.endToEnd),
			server: summarize(samples.server),
		};
	});
}

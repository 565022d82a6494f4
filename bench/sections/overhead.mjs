/**
 * Orchestration overhead per agent task at zero provider latency, and end-to-end job time, for swarms of
 * 3, 5 and 7 agents (one job at a time).
 *
 * Per task, from the job's own events:
 *   total    = agent.completed − agent.dispatched (the coordinator's clock)
 *   provider = the time the attempt spent inside its provider calls, as the agent measured it around each
 *              call (`providerMs` of agent.completed)
 *   overhead = total − provider
 * The overhead splits into queue (dispatched → agent.started) and agent (started → completed, minus the
 * provider time).
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
	/** @type {Map<number, { overhead: number[]; total: number[]; provider: number[]; queue: number[]; agent: number[]; endToEnd: number[]; server: number[] }>} */
	const bySize = new Map(
		sizes.map((size) => [
			size,
			{
				overhead: [],
				total: [],
				provider: [],
				queue: [],
				agent: [],
				endToEnd: [],
				server: [],
			},
		]),
	);
	for (let run = 0; run < runs; run++) {
		for (const size of sizes) {
			const samples = /** @type {NonNullable<ReturnType<typeof bySize.get>>} */ (bySize.get(size));
			const { job, progress, terminalReceivedAt } = await completedJob(
				url,
				researchRequest({ swarmSize: size, maxConcurrent: 4 }),
			);
			for (const agent of progress.agents) {
				const { dispatchedAt, startedAt, finishedAt: completedAt, providerMs } = agent;
				if (agent.attempt !== 1 || agent.status !== "completed") continue;
				if (dispatchedAt === null || startedAt === null || completedAt === null || providerMs === null)
					continue;
				const total = completedAt - dispatchedAt;
				samples.total.push(total);
				samples.provider.push(providerMs);
				samples.overhead.push(total - providerMs);
				samples.queue.push(startedAt - dispatchedAt);
				samples.agent.push(completedAt - startedAt - providerMs);
			}
			samples.endToEnd.push(terminalReceivedAt - job.submittedAt);
			if (progress.finishedAt !== null && progress.acceptedAt !== null) {
				samples.server.push(progress.finishedAt - progress.acceptedAt);
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
			queue: summarize(samples.queue),
			agent: summarize(samples.agent),
			endToEnd: summarize(samples.endToEnd),
			server: summarize(samples.server),
		};
	});
}

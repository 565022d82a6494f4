/**
 * Schedule efficiency at a fixed simulated provider latency: for each swarm size and concurrency cap, the
 * job's makespan (first agent.dispatched → last agent.completed, from event timestamps) against
 * - the optimal makespan of its DAG under the cap, with each task lasting its simulated wait;
 * - the coordinator's dispatch rule with zero overhead (what the policy alone would achieve);
 * - a three-barrier phase schedule (research, then review, then synthesis, each under the cap).
 */
import { completedJob } from "../lib/client.mjs";
import { listMakespan, optimalMakespan, phaseBarrierMakespan } from "../lib/schedule.mjs";
import { summarize } from "../lib/stats.mjs";
import { researchRequest } from "../lib/workload.mjs";

/**
 * @param {string} url
 * @param {{
 *   latencyMs: number;
 *   sizes: number[];
 *   caps: number[];
 *   runs: number;
 *   simulatedTurnMs(latencyMs: number, timeShare: number, swarmSize: number): number;
 *   criticalPathShare(tasks: { id: string; dependsOn: string[]; timeShare: number }[]): number;
 *   log(line: string): void;
 * }} options
 */
export async function measureSchedule(url, options) {
	const { latencyMs, sizes, caps, runs, log } = options;
	const configs = sizes.flatMap((size) => caps.map((cap) => ({ size, cap })));
	/** @type {Map<string, { makespan: number[]; ideal: number; policy: number; barrier: number; maxInFlight: number; retries: number }>} */
	const results = new Map();
	for (let run = 0; run < runs; run++) {
		for (const { size, cap } of configs) {
			const { progress } = await completedJob(url, researchRequest({ swarmSize: size, maxConcurrent: cap }));
			const completedAt = progress.agents.flatMap((agent) =>
				agent.status === "completed" && agent.finishedAt !== null ? [agent.finishedAt] : [],
			);
			if (progress.firstDispatchAt === null || completedAt.length === 0) {
				throw new Error("a job completed without agent events");
			}
			const plan = progress.agents.flatMap(({ id, dependsOn, timeShare, phase }) =>
				phase === null ? [] : [{ id, dependsOn, timeShare, phase }],
			);
			const durations = new Map(
				plan.map((task) => [task.id, options.simulatedTurnMs(latencyMs, task.timeShare, size)]),
			);
			const ideal = optimalMakespan(plan, durations, cap);
			assertMatchesCriticalPath(plan, durations, latencyMs * size, options.criticalPathShare);
			const key = `${size}/${cap}`;
			const entry = results.get(key) ?? {
				makespan: [],
				ideal,
				policy: listMakespan(plan, durations, cap),
				barrier: phaseBarrierMakespan(plan, durations, cap),
				maxInFlight: 0,
				retries: 0,
			};
			entry.makespan.push(Math.max(...completedAt) - progress.firstDispatchAt);
			entry.maxInFlight = Math.max(entry.maxInFlight, progress.maxInFlight);
			entry.retries += progress.retries;
			results.set(key, entry);
		}
		log(`schedule: run ${run + 1}/${runs} done (${configs.length} configurations)`);
	}
	return configs.map(({ size, cap }) => {
		const entry = /** @type {NonNullable<ReturnType<typeof results.get>>} */ (results.get(`${size}/${cap}`));
		return {
			size,
			cap,
			ideal: entry.ideal,
			policy: entry.policy,
			barrier: entry.barrier,
			maxInFlight: entry.maxInFlight,
			retries: entry.retries,
			makespan: summarize(entry.makespan),
			excess: summarize(entry.makespan.map((value) => value - entry.ideal)),
			overIdeal: summarize(entry.makespan.map((value) => value / entry.ideal)),
			overBarrier: summarize(entry.makespan.map((value) => value / entry.barrier)),
		};
	});
}

/**
 * With no cap the optimal makespan is the critical path; checking it against the project's own
 * `criticalPathShare` guards the brute force (within rounding of the per-task waits).
 * @param {{ id: string; dependsOn: string[]; timeShare: number }[]} plan
 * @param {Map<string, number>} durations
 * @param {number} jobScaleMs latency × swarm size: the wait of a task whose share is 1
 * @param {(tasks: { id: string; dependsOn: string[]; timeShare: number }[]) => number} criticalPathShare
 */
function assertMatchesCriticalPath(plan, durations, jobScaleMs, criticalPathShare) {
	const uncapped = optimalMakespan(plan, durations, plan.length);
	const expected = criticalPathShare(plan) * jobScaleMs;
	if (Math.abs(uncapped - expected) > plan.length) {
		throw new Error(`optimal schedule ${uncapped} ms disagrees with the critical path ${expected} ms`);
	}
}

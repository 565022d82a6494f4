/**
 * Many concurrent jobs at a fixed simulated latency: every job is submitted at once and followed over its
 * event stream. Per run: completion rate, jobs per minute and agent tasks per second over the run's wall
 * time (first submit → last terminal event received), p50/p95 job latency (submit → job.completed
 * received), and from each job's folded events: the cap held, nothing lost (every accepted job reached
 * a terminal event), nothing duplicated (exactly one job.completed per job, one agent.completed per task).
 */

import { foldEvents } from "../../src/events/progress.ts";
import { runJob } from "../lib/client.mjs";
import { percentile, summarize } from "../lib/stats.mjs";
import { researchRequest } from "../lib/workload.mjs";

const JOB_TIMEOUT_MS = 300_000;

/**
 * Whether the Worker still answers its health check.
 * @param {string} url
 */
async function answers(url) {
	try {
		return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) })).ok;
	} catch {
		return false;
	}
}

/**
 * Measures each level in turn. If the Worker stops answering, the levels measured so far are returned
 * with `stopped` saying where, since every later run would only count connection errors.
 * @param {string} url
 * @param {{ levels: number[]; runs: number; swarmSize: number; maxConcurrent: number; log(line: string): void }} options
 */
export async function measureScale(url, { levels, runs, swarmSize, maxConcurrent, log }) {
	const results = [];
	/** @type {string | null} */
	let stopped = null;
	for (const jobs of levels) {
		const perRun = [];
		for (let run = 0; run < runs && stopped === null; run++) {
			const outcome = await oneRun(url, jobs, researchRequest({ swarmSize, maxConcurrent }), maxConcurrent);
			perRun.push(outcome);
			log(
				`scale: ${jobs} jobs, run ${run + 1}/${runs}: ${outcome.completed}/${jobs} completed in ${Math.round(outcome.wallMs)} ms`,
			);
			if (!(await answers(url))) {
				stopped = `the Worker stopped answering during run ${run + 1} of ${jobs} concurrent jobs`;
				log(`scale: ${stopped}`);
			}
		}
		if (perRun.length === 0) break;
		results.push({
			jobs,
			runs: perRun.length,
			completionRate: summarize(perRun.map((outcome) => outcome.completed / jobs)),
			jobsPerMinute: summarize(perRun.map((outcome) => (outcome.completed / outcome.wallMs) * 60_000)),
			tasksPerSecond: summarize(perRun.map((outcome) => (outcome.agentTasks / outcome.wallMs) * 1000)),
			latencyP50: summarize(perRun.map((outcome) => outcome.latencyP50)),
			latencyP95: summarize(perRun.map((outcome) => outcome.latencyP95)),
			capViolations: perRun.reduce((sum, outcome) => sum + outcome.capViolations, 0),
			lost: perRun.reduce((sum, outcome) => sum + outcome.lost, 0),
			duplicated: perRun.reduce((sum, outcome) => sum + outcome.duplicated, 0),
			rejected: perRun.reduce((sum, outcome) => sum + outcome.rejected, 0),
			failed: perRun.reduce((sum, outcome) => sum + outcome.failed, 0),
			redispatches: perRun.reduce((sum, outcome) => sum + outcome.redispatches, 0),
			reconnects: perRun.reduce((sum, outcome) => sum + outcome.reconnects, 0),
			errors: [...new Set(perRun.flatMap((outcome) => outcome.errors))].slice(0, 5),
		});
		if (stopped !== null) break;
	}
	return { levels: results, stopped };
}

/**
 * @param {string} url
 * @param {number} jobs
 * @param {Record<string, unknown>} body
 * @param {number} cap
 */
async function oneRun(url, jobs, body, cap) {
	const startedAt = performance.now();
	const runs = await Promise.all(Array.from({ length: jobs }, () => runJob(url, body, JOB_TIMEOUT_MS)));
	const endedAt = Math.max(startedAt, ...runs.map((run) => run.terminalReceivedAt ?? startedAt));
	const latencies = [];
	let completed = 0;
	let agentTasks = 0;
	let capViolations = 0;
	let lost = 0;
	let duplicated = 0;
	let rejected = 0;
	let failed = 0;
	let redispatches = 0;
	let reconnects = 0;
	const errors = [];
	for (const run of runs) {
		reconnects += run.reconnects;
		if (run.error) errors.push(run.error);
		if (run.id === null) {
			rejected += 1;
			continue;
		}
		const progress = foldEvents(run.events);
		const terminals = progress.terminalEvents;
		if (terminals === 0) lost += 1;
		const taskCompletedTwice = progress.agents.some((agent) => agent.completions > 1);
		if (terminals > 1 || taskCompletedTwice) duplicated += 1;
		if (progress.maxInFlight > cap) capViolations += 1;
		if (progress.status === "failed" || progress.status === "cancelled") failed += 1;
		for (const agent of progress.agents) redispatches += Math.max(0, agent.attempt - 1);
		if (progress.status === "completed" && terminals === 1 && run.terminalReceivedAt !== null) {
			completed += 1;
			latencies.push(run.terminalReceivedAt - run.submittedAt);
			agentTasks += progress.agents.filter((agent) => agent.completions > 0).length;
		}
	}
	return {
		wallMs: endedAt - startedAt,
		completed,
		agentTasks,
		latencyP50: percentile(latencies, 50) ?? Number.NaN,
		latencyP95: percentile(latencies, 95) ?? Number.NaN,
		capViolations,
		lost,
		duplicated,
		rejected,
		failed,
		redispatches,
		reconnects,
		errors,
	};
}

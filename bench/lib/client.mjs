/**
 * The benchmark's HTTP client for one job: submit it, then follow its event stream to the terminal event
 * with the follower every client uses (resumed with `Last-Event-ID` after a drop), and fold its events
 * with the fold every client uses.
 */
import { followJobEvents } from "../../src/events/follow.ts";
import { parseJobEvent } from "../../src/events/parse-event.ts";
import { foldEvents } from "../../src/events/progress.ts";

/** How long a single benchmark job may take before the benchmark gives up on it. */
const SINGLE_JOB_TIMEOUT_MS = 120_000;

/**
 * @typedef {{
 *   id: string | null;
 *   submitStatus: number;
 *   submittedAt: number;
 *   terminalReceivedAt: number | null;
 *   events: import("../../src/protocol.ts").JobEvent[];
 *   reconnects: number;
 *   error: string | null;
 * }} JobRun
 */

/**
 * Submits `body` to `POST /v1/research` and follows the job's events until its terminal event or
 * `timeoutMs`. Times are `performance.now()` of this process.
 * @param {string} baseUrl
 * @param {Record<string, unknown>} body
 * @param {number} timeoutMs
 * @returns {Promise<JobRun>}
 */
export async function runJob(baseUrl, body, timeoutMs) {
	const submittedAt = performance.now();
	/** @type {JobRun} */
	const run = {
		id: null,
		submitStatus: 0,
		submittedAt,
		terminalReceivedAt: null,
		events: [],
		reconnects: 0,
		error: null,
	};
	const deadline = AbortSignal.timeout(timeoutMs);
	try {
		const response = await fetch(`${baseUrl}/v1/research`, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify(body),
			signal: deadline,
		});
		run.submitStatus = response.status;
		const answer = await response.json();
		if (response.status !== 202) {
			run.error = `submit answered ${response.status}: ${JSON.stringify(answer).slice(0, 200)}`;
			return run;
		}
		const id = /** @type {{ id: string }} */ (answer).id;
		run.id = id;
		await followEvents(baseUrl, id, run, deadline);
	} catch (error) {
		run.error =
			error instanceof Error ? `${error.message}${error.cause ? ` (${error.cause})` : ""}` : String(error);
	}
	return run;
}

/**
 * Reads the job's event stream into `run.events` until the terminal event arrives, counting reconnections.
 * @param {string} baseUrl
 * @param {string} jobId
 * @param {JobRun} run
 * @param {AbortSignal} signal
 */
async function followEvents(baseUrl, jobId, run, signal) {
	await followJobEvents({
		jobId,
		fetch: (path, init) => fetch(`${baseUrl}${path}`, init),
		parseEvent: parseJobEvent,
		signal,
		onEvent: (event) => {
			run.events.push(event);
		},
		onConnection: (open) => {
			if (!open) run.reconnects += 1;
		},
	});
	run.terminalReceivedAt = performance.now();
}

/**
 * Runs one job and returns it with its events folded; throws unless it completed, since a failed job
 * would make its timings meaningless.
 * @param {string} baseUrl
 * @param {Record<string, unknown>} body
 */
export async function completedJob(baseUrl, body) {
	const job = await runJob(baseUrl, body, SINGLE_JOB_TIMEOUT_MS);
	const progress = foldEvents(job.events);
	if (job.error || progress.status !== "completed" || job.terminalReceivedAt === null) {
		throw new Error(
			`job ${job.id ?? "(not accepted)"} did not complete: ${job.error ?? "no job.completed event"}`,
		);
	}
	return { job, progress, terminalReceivedAt: job.terminalReceivedAt };
}

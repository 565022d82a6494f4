/**
 * The benchmark's HTTP client for one job: submit it, then follow its event stream to the terminal event,
 * reconnecting with `Last-Event-ID` if the stream drops early (as any SSE client would).
 */
import { parseSse, replayJob } from "./events.mjs";

const TERMINAL = new Set(["job.completed", "job.failed", "job.cancelled"]);
/** Reconnections allowed per job before it counts as lost. */
const MAX_RECONNECTS = 5;
/** How long a single benchmark job may take before the benchmark gives up on it. */
const SINGLE_JOB_TIMEOUT_MS = 120_000;

/**
 * @typedef {{
 *   id: string | null;
 *   submitStatus: number;
 *   submittedAt: number;
 *   terminalReceivedAt: number | null;
 *   events: import("./events.mjs").JobEvent[];
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
		run.id = /** @type {{ id: string }} */ (answer).id;
		await followEvents(baseUrl, run, deadline);
	} catch (error) {
		run.error =
			error instanceof Error ? `${error.message}${error.cause ? ` (${error.cause})` : ""}` : String(error);
	}
	return run;
}

/**
 * Reads the job's event stream into `run.events` until the terminal event arrives.
 * @param {string} baseUrl
 * @param {JobRun} run
 * @param {AbortSignal} signal
 */
async function followEvents(baseUrl, run, signal) {
	while (run.terminalReceivedAt === null) {
		const lastSeq = run.events.at(-1)?.seq ?? 0;
		try {
			const response = await fetch(`${baseUrl}/v1/research/${run.id}/events`, {
				headers: lastSeq > 0 ? { "last-event-id": String(lastSeq) } : {},
				signal,
			});
			if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`);
			const decoder = new TextDecoder();
			let pending = "";
			for await (const chunk of response.body) {
				const parsed = parseSse(pending + decoder.decode(chunk, { stream: true }));
				pending = parsed.rest;
				for (const event of parsed.events) {
					// A resumed stream starts after the last event seen; anything older would be a replay.
					if (event.seq <= (run.events.at(-1)?.seq ?? 0)) continue;
					run.events.push(event);
					if (TERMINAL.has(event.type)) run.terminalReceivedAt ??= performance.now();
				}
			}
		} catch (error) {
			if (signal.aborted) throw error;
		}
		if (run.terminalReceivedAt === null) {
			run.reconnects += 1;
			if (run.reconnects > MAX_RECONNECTS)
				throw new Error("the event stream kept closing before the job ended");
		}
	}
}

/**
 * Runs one job and returns it with its replay; throws unless it completed, since a failed job would make
 * its timings meaningless.
 * @param {string} baseUrl
 * @param {Record<string, unknown>} body
 */
export async function completedJob(baseUrl, body) {
	const job = await runJob(baseUrl, body, SINGLE_JOB_TIMEOUT_MS);
	const replay = replayJob(job.events);
	if (job.error || replay.terminal.completed !== 1 || job.terminalReceivedAt === null) {
		throw new Error(
			`job ${job.id ?? "(not accepted)"} did not complete: ${job.error ?? "no job.completed event"}`,
		);
	}
	return { job, replay, terminalReceivedAt: job.terminalReceivedAt };
}

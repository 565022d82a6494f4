/** Drives the real Worker (API, coordinator, queue consumer) from inside the Workers test runtime. */

import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { createParser } from "eventsource-parser";
import { vi } from "vitest";
import type { JobState } from "../../src/jobs/state";
import {
	type JobEvent,
	JobListSchema,
	type JobStatus,
	type JobView,
	JobViewSchema,
	type ResearchRequest,
	TERMINAL_JOB_STATUSES,
} from "../../src/protocol";
import { extractiveProvider } from "../../src/providers/extractive";
import { type AgentOutput, type AgentTaskInput, ZERO_TOKEN_USAGE } from "../../src/providers/types";
import { SAMPLE_SOURCES } from "../fixtures/sources";

export const TENANT = "local";

/** A request to the Worker's fetch handler. */
export function api(path: string, init?: RequestInit): Promise<Response> {
	return exports.default.fetch(new Request(`https://research-swarm.test${path}`, init));
}

/** POSTs JSON to the API. */
export function postJson(
	path: string,
	body: unknown,
	headers: Record<string, string> = {},
): Promise<Response> {
	return api(path, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify(body),
	});
}

/** A research request over the sample sources, with overrides. */
export function sampleRequest(overrides: Partial<ResearchRequest> = {}): ResearchRequest {
	return {
		task: "How do air-source heat pumps perform in cold climates, and what limits their efficiency?",
		sources: SAMPLE_SOURCES,
		...overrides,
	};
}

/** Submits a job and returns its id. */
export async function submit(
	request: ResearchRequest,
	headers: Record<string, string> = {},
): Promise<string> {
	const response = await postJson("/v1/research", request, headers);
	if (response.status !== 202) throw new Error(`submit failed: ${response.status} ${await response.text()}`);
	const body = (await response.json()) as { id: string };
	return body.id;
}

/** GET /v1/research/:id, parsed. */
export async function getJob(jobId: string, headers: Record<string, string> = {}): Promise<JobView> {
	const response = await api(`/v1/research/${jobId}`, { headers });
	if (response.status !== 200) throw new Error(`get failed: ${response.status} ${await response.text()}`);
	return JobViewSchema.parse(await response.json());
}

/** Polls until the job reaches one of `statuses` (default: any terminal status). */
export async function waitForJob(
	jobId: string,
	statuses: readonly JobStatus[] = TERMINAL_JOB_STATUSES,
	timeoutMs = 45_000,
	headers: Record<string, string> = {},
): Promise<JobView> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const view = await getJob(jobId, headers);
		if (statuses.includes(view.status)) return view;
		if (Date.now() > deadline) throw new Error(`job ${jobId} stuck in ${view.status}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/**
 * Waits until the job list (`GET /v1/research`, read from the D1 mirror, which an ended job updates
 * after it commits its end) shows every job of `jobIds` with `status`.
 */
export async function waitForListed(
	jobIds: readonly string[],
	status: JobStatus,
	timeoutMs = 15_000,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const listed = JobListSchema.parse(await (await api(`/v1/research?status=${status}&limit=100`)).json());
		const ids = new Set(listed.jobs.map((job) => job.id));
		if (jobIds.every((id) => ids.has(id))) return;
		if (Date.now() > deadline) throw new Error(`jobs ${jobIds.join(", ")} not all listed as ${status}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** The job's whole event log. */
export function eventLog(jobId: string): Promise<JobEvent[]> {
	return runInDurableObject(env.SWARM_COORDINATOR.getByName(jobId), (coordinator) =>
		coordinator.eventLog(TENANT, 0, 100_000),
	);
}

/** Reads a stored report in one format. */
export async function report(jobId: string, format: "json" | "markdown" | "html"): Promise<Response> {
	return api(`/v1/research/${jobId}/report?format=${format}`);
}

/** A gate that holds matching agent tasks inside the provider until `release()`. */
export type AgentGate = { release(): void; restore(): void };

/** Makes the extractive provider wait for `release()` before running tasks that match `holds`. */
export function holdAgents(holds: (input: AgentTaskInput) => boolean = () => true): AgentGate {
	let release = () => {};
	const gate = new Promise<void>((resolve) => {
		release = resolve;
	});
	const original = extractiveProvider.runTurn.bind(extractiveProvider);
	const spy = vi.spyOn(extractiveProvider, "runTurn").mockImplementation(async (turn) => {
		if (holds(turn.input)) await gate;
		return original(turn);
	});
	return { release, restore: () => spy.mockRestore() };
}

/** Replaces what the extractive provider returns for tasks that match `matches`. */
export function overrideAgents(
	matches: (input: AgentTaskInput) => boolean,
	run: (input: AgentTaskInput) => Promise<AgentOutput>,
): { restore(): void } {
	const original = extractiveProvider.runTurn.bind(extractiveProvider);
	const spy = vi.spyOn(extractiveProvider, "runTurn").mockImplementation(async (turn) => {
		if (!matches(turn.input)) return original(turn);
		return {
			output: await run(turn.input),
			retrieved: [],
			usage: { ...ZERO_TOKEN_USAGE },
			callLatenciesMs: [0],
			rawOutput: "",
			model: null,
		};
	});
	return { restore: () => spy.mockRestore() };
}

/** Waits until the job's event log holds an event that satisfies `predicate`. */
export async function waitForEvent(
	jobId: string,
	predicate: (event: JobEvent) => boolean,
	timeoutMs = 20_000,
): Promise<JobEvent> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const found = (await eventLog(jobId)).find(predicate);
		if (found) return found;
		if (Date.now() > deadline) throw new Error(`no matching event in job ${jobId}`);
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
}

/** The coordinator stub of a job. */
export function coordinator(jobId: string) {
	return env.SWARM_COORDINATOR.getByName(jobId);
}

/**
 * Changes a job's stored state in place, as a crash or the passing of time would (a lease lapsing, the
 * deadline passing), without logging an event.
 */
export function adjustState(
	stub: ReturnType<typeof coordinator>,
	adjust: (state: JobState) => void,
): Promise<void> {
	return runInDurableObject(stub, (instance) => {
		const state = instance.store.state;
		if (!state) throw new Error("the job has no state");
		const next = structuredClone(state);
		adjust(next);
		instance.store.commit({ state: next, events: [], notify: [] }, Date.now());
	});
}

/** Parses a whole SSE body into its events, unvalidated. */
export function parseSse(body: string): { id: number; type: string; data: Record<string, unknown> }[] {
	const events: { id: number; type: string; data: Record<string, unknown> }[] = [];
	const parser = createParser({
		onEvent: (message) =>
			events.push({
				id: Number(message.id),
				type: message.event ?? "message",
				data: JSON.parse(message.data),
			}),
	});
	parser.feed(body);
	return events;
}

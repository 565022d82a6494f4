/** Drives the real Worker (API, coordinator, queue consumer) from inside the Workers test runtime. */
import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { coordinatorFor } from "../../src/coordinator";
import {
	type JobEvent,
	type JobStatus,
	type JobView,
	JobViewSchema,
	type ResearchRequest,
	TERMINAL_JOB_STATUSES,
} from "../../src/protocol";
import { SAMPLE_SOURCES } from "../fixtures/sources";

export const TENANT = "local";

/** A request to the Worker's fetch handler. */
export function api(path: string, init?: RequestInit): Promise<Response> {
	return exports.default.fetch(new Request(`https://research-swarm.test${path}`, init));
}

/** POSTs JSON to the API. */
export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
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
export async function submit(request: ResearchRequest, headers: Record<string, string> = {}): Promise<string> {
	const response = await postJson("/v1/research", request, headers);
	if (response.status !== 202) throw new Error(`submit failed: ${response.status} ${await response.text()}`);
	const body = (await response.json()) as { id: string };
	return body.id;
}

/** GET /v1/research/:id, parsed. */
export async function getJob(jobId: string): Promise<JobView> {
	const response = await api(`/v1/research/${jobId}`);
	if (response.status !== 200) throw new Error(`get failed: ${response.status} ${await response.text()}`);
	return JobViewSchema.parse(await response.json());
}

/** Polls until the job reaches one of `statuses` (default: any terminal status). */
export async function waitForJob(
	jobId: string,
	statuses: readonly JobStatus[] = TERMINAL_JOB_STATUSES,
	timeoutMs = 45_000,
): Promise<JobView> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const view = await getJob(jobId);
		if (statuses.includes(view.status)) return view;
		if (Date.now() > deadline) throw new Error(`job ${jobId} stuck in ${view.status}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

/** The job's whole event log. */
export function eventLog(jobId: string): Promise<JobEvent[]> {
	return runInDurableObject(coordinatorFor(env, jobId), (coordinator) => coordinator.eventLog(TENANT, 0, 100_000));
}

/**
 * The most tasks in flight at once, replaying the log: an agent is in flight from `agent.dispatched`
 * until its `agent.completed` or `agent.failed`.
 */
export function maxInFlight(events: readonly JobEvent[]): number {
	const inFlight = new Set<string>();
	let max = 0;
	for (const event of events) {
		const agent = event.data.agentId;
		if (!agent) continue;
		if (event.type === "agent.dispatched") inFlight.add(agent);
		if (event.type === "agent.completed" || event.type === "agent.failed") inFlight.delete(agent);
		max = Math.max(max, inFlight.size);
	}
	return max;
}

/** Reads a stored report in one format. */
export async function report(jobId: string, format: "json" | "markdown" | "html"): Promise<Response> {
	return api(`/v1/research/${jobId}/report?format=${format}`);
}

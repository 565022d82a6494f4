import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	backoffDelay,
	DEFAULT_RETRY_POLICY,
	EventStreamError,
	type FetchApi,
	type FollowOptions,
	followJobEvents,
} from "../../../src/events/follow";
import { parseJobEvent } from "../../../src/events/parse-event";
import type { JobEvent } from "../../../src/protocol";
import { completedJobLog } from "../../fixtures/job-events";

const LOG = completedJobLog();

/** One event in SSE wire format, as the coordinator writes it. */
function sse(event: JobEvent): string {
	return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** The log's events `from`…`to` (sequence numbers, inclusive) as SSE text. */
function slice(from: number, to: number): string {
	return LOG.filter((event) => event.seq >= from && event.seq <= to)
		.map(sse)
		.join("");
}

/** A stream answer that sends `chunks`, then ends, or breaks like a dropped connection when `drop`. */
function streamOf(chunks: string[], drop = false): Response {
	const encoder = new TextEncoder();
	const pending = [...chunks];
	// Chunks go out as they are read, so a drop comes after everything before it was delivered.
	const body = new ReadableStream<Uint8Array>({
		pull(controller) {
			const chunk = pending.shift();
			if (chunk !== undefined) controller.enqueue(encoder.encode(chunk));
			else if (drop) controller.error(new TypeError("network connection lost"));
			else controller.close();
		},
	});
	return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

/** A fake API answering the stream requests with `answers` in turn (the last one again after that). */
function fakeApi(answers: Array<() => Response | Promise<Response>>) {
	const requests: { path: string; lastEventId: string | undefined }[] = [];
	const fetch: FetchApi = async (path, init) => {
		requests.push({ path, lastEventId: init.headers["last-event-id"] });
		const answer = answers[Math.min(requests.length - 1, answers.length - 1)];
		if (!answer) throw new Error("no answer");
		return answer();
	};
	return { fetch, requests };
}

/** Follows with a fake clock: waits resolve at once and are recorded; the jitter is fixed at its middle. */
function follow(fetch: FetchApi, options: Partial<FollowOptions> = {}) {
	const seen: JobEvent[] = [];
	const waits: number[] = [];
	const connections: boolean[] = [];
	const following = followJobEvents({
		jobId: "job/1",
		fetch,
		parseEvent: parseJobEvent,
		onEvent: (event) => void seen.push(event),
		onConnection: (open) => void connections.push(open),
		sleep: async (ms) => void waits.push(ms),
		random: () => 0.5,
		...options,
	});
	return { following, seen, waits, connections };
}

describe("following a job's events", () => {
	it("passes every event on once, in order, validated, and returns the terminal one", async () => {
		const { fetch, requests } = fakeApi([
			() => streamOf([`retry: 1000\n\n${slice(1, 2)}: keepalive\n\n`, slice(3, 18)]),
		]);
		const { following, seen, connections } = follow(fetch);
		const last = await following;
		expect(last).toEqual(LOG.at(-1));
		expect(seen).toEqual(LOG);
		expect(requests).toEqual([{ path: "/v1/research/job%2F1/events", lastEventId: undefined }]);
		expect(connections).toEqual([true]);
	});

	it("resumes after a drop mid-event from the last event seen, skipping what the server replays", async () => {
		const { fetch, requests } = fakeApi([
			// Events 1–4, then half of event 5, then the connection drops.
			() => streamOf([slice(1, 4), slice(5, 5).slice(0, 30)], true),
			// The server replays from the id it was given; a stale duplicate is skipped.
			() => streamOf([slice(4, 9)]),
			() => streamOf([slice(10, 18)]),
		]);
		const { following, seen, waits, connections } = follow(fetch);
		await following;
		expect(seen.map((event) => event.seq)).toEqual(LOG.map((event) => event.seq));
		expect(requests.map((request) => request.lastEventId)).toEqual([undefined, "4", "9"]);
		// Each connection brought news, so each reconnection waits the initial delay (¾ of it, with this jitter).
		expect(waits).toEqual([375, 375]);
		expect(connections).toEqual([true, false, true, false, true]);
	});

	it("backs off exponentially while connections bring nothing, up to the cap, then gives up", async () => {
		const { fetch, requests } = fakeApi([() => streamOf(["retry: 1000\n\n"])]);
		const { following, waits } = follow(fetch, { retry: { maxAttempts: 7, maxDelayMs: 8_000 } });
		await expect(following).rejects.toMatchObject({ name: "EventStreamError", reason: "lost" });
		expect(requests).toHaveLength(7);
		// The server's `retry:` advice is the base: 1, 2, 4, 8, 8, 8 s, each ¾ with this jitter.
		expect(waits).toEqual([750, 1500, 3000, 6000, 6000, 6000]);
	});

	it("retries failed connections and server errors, and stops at once on a client error", async () => {
		const refused = Response.json({ error: { code: "not_found", message: "no job job/1" } }, { status: 404 });
		const { fetch, requests } = fakeApi([
			() => Promise.reject(new TypeError("fetch failed")),
			() => new Response("busy", { status: 503 }),
			() => new Response("slow down", { status: 429 }),
			() => refused,
		]);
		const { following } = follow(fetch);
		const error = await following.catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(EventStreamError);
		expect(error).toMatchObject({ reason: "refused", response: refused });
		expect(requests).toHaveLength(4);
	});

	it.each([401, 403, 404])("does not reconnect after a %i", async (status) => {
		const { fetch, requests } = fakeApi([() => new Response(null, { status })]);
		await expect(follow(fetch).following).rejects.toMatchObject({ reason: "refused" });
		expect(requests).toHaveLength(1);
	});

	it("skips events of types it does not know and stops at an event that breaks the protocol", async () => {
		const unknown = 'id: 3\nevent: job.paused\ndata: {"jobId":"job_1","at":1}\n\n';
		const broken = 'id: 4\nevent: agent.progress\ndata: {"jobId":"job_1","at":1,"progress":"half"}\n\n';
		const { fetch } = fakeApi([() => streamOf([slice(1, 2), unknown, broken])]);
		const { following, seen } = follow(fetch);
		await expect(following).rejects.toMatchObject({ reason: "invalid" });
		expect(seen.map((event) => event.seq)).toEqual([1, 2]);
	});

	it("passes on what its consumer throws without reconnecting", async () => {
		const { fetch, requests } = fakeApi([() => streamOf([slice(1, 18)])]);
		const { following } = follow(fetch, {
			onEvent: (event) => {
				if (event.seq === 2) throw new Error("display broke");
			},
		});
		await expect(following).rejects.toThrow("display broke");
		expect(requests).toHaveLength(1);
	});

	it("stops with the signal's reason when it aborts, between events or while waiting", async () => {
		const controller = new AbortController();
		const { fetch } = fakeApi([() => streamOf([slice(1, 5)])]);
		const { following } = follow(fetch, {
			signal: controller.signal,
			onEvent: (event) => {
				if (event.seq === 2) controller.abort(new Error("stop"));
			},
		});
		await expect(following).rejects.toThrow("stop");

		const waiting = new AbortController();
		const quiet = fakeApi([() => streamOf([])]);
		const { following: idle } = follow(quiet.fetch, {
			signal: waiting.signal,
			sleep: async () => waiting.abort(new Error("closed the page")),
		});
		await expect(idle).rejects.toThrow("closed the page");
	});

	it("reads the same events however the stream is cut into chunks", async () => {
		const text = [slice(1, 2), "\r\n", slice(3, 18).replaceAll("\n", "\r\n")].join("");
		await fc.assert(
			fc.asyncProperty(
				fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }),
				async (cuts) => {
					const bounds = [0, ...cuts.sort((a, b) => a - b), text.length];
					const chunks = bounds.slice(1).map((end, index) => text.slice(bounds[index], end));
					const { fetch } = fakeApi([() => streamOf(chunks)]);
					const { following, seen } = follow(fetch);
					await following;
					expect(seen).toEqual(LOG);
				},
			),
			{ numRuns: 50 },
		);
	});
});

describe("backoffDelay", () => {
	it("doubles from the initial delay, caps, and jitters the upper half", () => {
		const policy = DEFAULT_RETRY_POLICY;
		fc.assert(
			fc.property(
				fc.integer({ min: 0, max: 40 }),
				fc.double({ min: 0, max: 0.999_999, noNaN: true }),
				(quiet, random) => {
					const delay = backoffDelay(policy, quiet, () => random);
					const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, quiet - 1));
					expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
					expect(delay).toBeLessThan(ceiling);
				},
			),
		);
	});
});

import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiCallError, type CallApi } from "../../../src/mcp/api-client";
import { followJobEvents, MAX_QUIET_RECONNECTS } from "../../../src/mcp/follow-job";
import type { JobEvent } from "../../../src/protocol";

function sse(seq: number, type: string): string {
	return `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify({ jobId: "job_1", at: seq })}\n\n`;
}

function streamOf(chunks: string[]): Response {
	const encoder = new TextEncoder();
	const body = new ReadableStream<Uint8Array>({
		start(controller) {
			for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
			controller.close();
		},
	});
	return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

/** A fake API answering the event stream requests with `answers`, in order, and recording each request. */
function fakeApi(answers: Array<() => Response>) {
	const requests: { path: string; lastEventId: string | null }[] = [];
	const callApi: CallApi = async (path, init) => {
		requests.push({ path, lastEventId: new Headers(init?.headers).get("last-event-id") });
		const next = answers[Math.min(requests.length - 1, answers.length - 1)];
		if (!next) throw new Error("no answer");
		return next();
	};
	return { callApi, requests };
}

function collect() {
	const seen: JobEvent[] = [];
	return { seen, onEvent: async (event: JobEvent) => void seen.push(event) };
}

afterEach(() => {
	vi.useRealTimers();
});

describe("followJobEvents", () => {
	it("returns the terminal event after passing every event on once, in order", async () => {
		const { callApi, requests } = fakeApi([
			() =>
				streamOf([
					"retry: 1000\n\n",
					sse(1, "job.accepted"),
					": keepalive\n\n",
					sse(2, "job.planned"),
					sse(3, "job.completed"),
				]),
		]);
		const { seen, onEvent } = collect();
		const last = await followJobEvents(callApi, "job/1", { onEvent, signal: new AbortController().signal });
		expect(last).toMatchObject({ seq: 3, type: "job.completed" });
		expect(seen.map((event) => event.seq)).toEqual([1, 2, 3]);
		expect(requests).toEqual([{ path: "/v1/research/job%2F1/events", lastEventId: null }]);
	});

	it("resumes a stream that closed early after the last event seen, skipping repeats", async () => {
		vi.useFakeTimers();
		const { callApi, requests } = fakeApi([
			() => streamOf([sse(1, "job.accepted"), sse(2, "job.planned")]),
			() => streamOf([sse(2, "job.planned"), sse(3, "agent.dispatched"), sse(4, "job.failed")]),
		]);
		const { seen, onEvent } = collect();
		const following = followJobEvents(callApi, "job_1", { onEvent, signal: new AbortController().signal });
		await vi.advanceTimersByTimeAsync(1000);
		expect((await following).type).toBe("job.failed");
		expect(seen.map((event) => event.seq)).toEqual([1, 2, 3, 4]);
		expect(requests.map((request) => request.lastEventId)).toEqual([null, "2"]);
	});

	it("gives up after MAX_QUIET_RECONNECTS connections in a row bring nothing new", async () => {
		vi.useFakeTimers();
		const { callApi, requests } = fakeApi([() => streamOf([sse(1, "job.accepted")])]);
		const following = followJobEvents(callApi, "job_1", {
			onEvent: async () => {},
			signal: new AbortController().signal,
		});
		const outcome = expect(following).rejects.toThrow(/kept closing/);
		await vi.advanceTimersByTimeAsync(1000 * MAX_QUIET_RECONNECTS);
		await outcome;
		expect(requests).toHaveLength(MAX_QUIET_RECONNECTS + 1);
	});

	it("throws the API's error answer as an ApiCallError", async () => {
		const body = { error: { code: "not_found", message: "no job job_1" } };
		const { callApi } = fakeApi([() => Response.json(body, { status: 404 })]);
		const following = followJobEvents(callApi, "job_1", {
			onEvent: async () => {},
			signal: new AbortController().signal,
		});
		await expect(following).rejects.toBeInstanceOf(ApiCallError);
		await expect(following).rejects.toMatchObject({ status: 404, body });
	});

	it("stops when its signal aborts", async () => {
		const controller = new AbortController();
		const { callApi } = fakeApi([() => streamOf([sse(1, "job.accepted"), sse(2, "job.planned")])]);
		const following = followJobEvents(callApi, "job_1", {
			onEvent: async (event) => {
				if (event.seq === 1) controller.abort();
			},
			signal: controller.signal,
		});
		await expect(following).rejects.toThrow();
	});

	it("reads the same events however the stream is cut into chunks", async () => {
		const text = [sse(1, "job.accepted"), "\r\n", sse(2, "agent.started"), sse(3, "job.completed")].join("");
		await fc.assert(
			fc.asyncProperty(
				fc.uniqueArray(fc.integer({ min: 1, max: text.length - 1 }), { maxLength: 12 }),
				async (cuts) => {
					const bounds = [0, ...cuts.sort((a, b) => a - b), text.length];
					const chunks = bounds.slice(1).map((end, index) => text.slice(bounds[index], end));
					const { callApi } = fakeApi([() => streamOf(chunks)]);
					const { seen, onEvent } = collect();
					await followJobEvents(callApi, "job_1", { onEvent, signal: new AbortController().signal });
					expect(seen.map((event) => [event.seq, event.type])).toEqual([
						[1, "job.accepted"],
						[2, "agent.started"],
						[3, "job.completed"],
					]);
				},
			),
			{ numRuns: 50 },
		);
	});
});

import { describe, expect, it } from "vitest";
import {
	ApiError,
	ConnectionError,
	EventStreamError,
	type Fetch,
	type JobEvent,
	ResearchSwarmClient,
	UnexpectedResponseError,
} from "../../../src/client/index";
import { jobLinks } from "../../../src/protocol";
import { buildReport } from "../../../src/synthesis/build-report";
import { completedJobLog, JOB_ID } from "../../fixtures/job-events";
import { testJobView } from "../../fixtures/job-view";
import { makeReportInput } from "../synthesis/report-fixture";

type Sent = { url: string; method: string; headers: Record<string, string>; body: unknown };

/** A fake `fetch` answering requests with `answers` in turn (the last one again after that), recording each. */
function fakeFetch(...answers: Array<(sent: Sent) => Response | Promise<Response>>) {
	const sent: Sent[] = [];
	const fetch: Fetch = async (url, init) => {
		const request: Sent = {
			url,
			method: init.method ?? "GET",
			headers: { ...(init.headers as Record<string, string>) },
			body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
		};
		sent.push(request);
		const answer = answers[Math.min(sent.length - 1, answers.length - 1)];
		if (!answer) throw new Error("no answer");
		return answer(request);
	};
	return { fetch, sent };
}

const json =
	(status: number, body: unknown, headers: Record<string, string> = {}) =>
	() =>
		new Response(JSON.stringify(body), {
			status,
			headers: { "content-type": "application/json", ...headers },
		});

function clientWith(fetch: Fetch, apiKey: string | null = "rs_test_key") {
	return new ResearchSwarmClient({ baseUrl: "https://api.example.com/", apiKey, fetch });
}

describe("the client's requests and answers", () => {
	it("submits a job with the key, the JSON body and the idempotency key, and reads the 202", async () => {
		const accepted = { id: JOB_ID, status: "queued", links: jobLinks(JOB_ID) };
		const { fetch, sent } = fakeFetch(json(202, accepted));
		const answer = await clientWith(fetch).research.submit(
			{ task: "Heat pumps in cold climates", depth: 7, costOptimize: true },
			{ idempotencyKey: "run-42" },
		);
		expect(answer).toEqual(accepted);
		expect(sent).toEqual([
			{
				url: "https://api.example.com/v1/research",
				method: "POST",
				headers: {
					accept: "application/json",
					authorization: "Bearer rs_test_key",
					"content-type": "application/json",
					"idempotency-key": "run-42",
				},
				body: { task: "Heat pumps in cold climates", depth: 7, costOptimize: true },
			},
		]);
	});

	it("validates answers with the API's schemas", async () => {
		const job = testJobView();
		expect(await clientWith(fakeFetch(json(200, job)).fetch).research.get(JOB_ID)).toEqual(job);
		const broken = clientWith(fakeFetch(json(200, { ...job, status: "sleeping" })).fetch);
		const error = await broken.research.get(JOB_ID).catch((caught: unknown) => caught);
		expect(error).toBeInstanceOf(UnexpectedResponseError);
		expect((error as Error).message).toMatch(/GET \/v1\/research\/job_1[\s\S]*status/);
		const notJson = clientWith(fakeFetch(() => new Response("<html>", { status: 200 })).fetch);
		await expect(notJson.research.get(JOB_ID)).rejects.toThrow(/is not JSON/);
	});

	it("reads a JSON report as the report schema says, and Markdown as text", async () => {
		const report = buildReport(makeReportInput());
		const { fetch, sent } = fakeFetch(json(200, report), () => new Response("# Heat pumps\n"));
		const client = clientWith(fetch);
		expect((await client.research.report(JOB_ID, "json")).quality).toEqual(report.quality);
		expect(await client.research.report(JOB_ID, "markdown")).toBe("# Heat pumps\n");
		expect(sent.map((request) => request.url)).toEqual([
			"https://api.example.com/v1/research/job_1/report?format=json",
			"https://api.example.com/v1/research/job_1/report?format=markdown",
		]);
		expect(sent[1]?.headers.accept).toBe("*/*");
	});

	it("sends no authorization without a key, and keeps ids to one path segment", async () => {
		const { fetch, sent } = fakeFetch(json(200, testJobView()));
		await clientWith(fetch, null).research.get("job_1/../../keys");
		expect(sent[0]?.url).toBe("https://api.example.com/v1/research/job_1%2F..%2F..%2Fkeys");
		expect(sent[0]?.headers).not.toHaveProperty("authorization");
	});
});

describe("the client's errors", () => {
	it("throws the API's error answer as an ApiError with its status, code and details", async () => {
		const body = {
			error: {
				code: "provider_not_configured",
				message: 'provider "openai" is not configured',
				details: { available: ["auto", "extractive"] },
			},
		};
		const client = clientWith(fakeFetch(json(422, body)).fetch);
		const error = await client.research.submit({ task: "x", provider: "openai" }).catch((caught) => caught);
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({
			status: 422,
			code: "provider_not_configured",
			message: 'provider "openai" is not configured',
			details: { available: ["auto", "extractive"] },
			retryAfterSeconds: null,
		});
	});

	it("reads Retry-After, and names an error page without the API's body http_error", async () => {
		const quota = {
			error: { code: "quota_exceeded", message: "this tenant may have 1 jobs running at once" },
		};
		const limited = clientWith(fakeFetch(json(429, quota, { "retry-after": "30" })).fetch);
		await expect(limited.research.submit({ task: "x" })).rejects.toMatchObject({
			status: 429,
			code: "quota_exceeded",
			retryAfterSeconds: 30,
		});
		const proxy = clientWith(
			fakeFetch(() => new Response("<h1>Bad gateway</h1>", { status: 502, statusText: "Bad Gateway" })).fetch,
		);
		await expect(proxy.research.list()).rejects.toMatchObject({
			status: 502,
			code: "http_error",
			message: "the server answered 502 Bad Gateway",
		});
	});

	it("throws ConnectionError when the server cannot be reached, and the signal's reason when aborted", async () => {
		const refused = clientWith(async () => {
			throw new TypeError("fetch failed", {
				cause: Object.assign(new Error("connect"), { code: "ECONNREFUSED" }),
			});
		});
		const error = await refused.providers.list().catch((caught) => caught);
		expect(error).toBeInstanceOf(ConnectionError);
		expect(error.message).toBe("cannot reach https://api.example.com/v1/providers (ECONNREFUSED)");
		const controller = new AbortController();
		const reason = new Error("stopped by the caller");
		const aborting = clientWith(async () => {
			controller.abort(reason);
			throw new DOMException("aborted", "AbortError");
		});
		await expect(aborting.research.list({}, { signal: controller.signal })).rejects.toBe(reason);
	});
});

describe("following a job's events", () => {
	const log = completedJobLog();
	const sse = (events: JobEvent[]) =>
		events
			.map((event) => `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`)
			.join("");
	/** A stream that sends `text` and then, when `drop`, breaks like a lost connection. */
	const stream =
		(text: string, drop = false) =>
		() => {
			let sent = false;
			const body = new ReadableStream<Uint8Array>({
				pull(controller) {
					if (!sent) {
						sent = true;
						controller.enqueue(new TextEncoder().encode(text));
					} else if (drop) controller.error(new TypeError("network connection lost"));
					else controller.close();
				},
			});
			return new Response(body, { headers: { "content-type": "text/event-stream" } });
		};
	const noWait = { retry: { initialDelayMs: 0 } };

	it("resumes after a drop with Last-Event-ID and delivers every event once, in order", async () => {
		const { fetch, sent } = fakeFetch(stream(sse(log.slice(0, 4)), true), stream(sse(log.slice(2))));
		const seen: number[] = [];
		const last = await clientWith(fetch).research.follow(JOB_ID, {
			...noWait,
			onEvent: (event) => {
				seen.push(event.seq);
			},
		});
		expect(last.type).toBe("job.completed");
		expect(seen).toEqual(log.map((event) => event.seq));
		expect(sent.map((request) => [request.url, request.headers["last-event-id"]])).toEqual([
			["https://api.example.com/v1/research/job_1/events", undefined],
			["https://api.example.com/v1/research/job_1/events", "4"],
		]);
		expect(sent[0]?.headers).toMatchObject({
			accept: "text/event-stream",
			authorization: "Bearer rs_test_key",
		});
	});

	it("starts after the event an earlier run saw", async () => {
		const { fetch, sent } = fakeFetch(stream(sse(log.slice(5))));
		const seen: number[] = [];
		await clientWith(fetch).research.follow(JOB_ID, {
			lastEventId: 5,
			onEvent: (event) => void seen.push(event.seq),
		});
		expect(sent[0]?.headers["last-event-id"]).toBe("5");
		expect(seen[0]).toBe(6);
	});

	it("throws the refusal as an ApiError, and a stream lost for good as an EventStreamError", async () => {
		const missing = { error: { code: "not_found", message: "no job job_1" } };
		await expect(
			clientWith(fakeFetch(json(404, missing)).fetch).research.follow(JOB_ID),
		).rejects.toMatchObject({
			name: "ApiError",
			status: 404,
			code: "not_found",
		});
		const silent = fakeFetch(stream(""));
		const lost = await clientWith(silent.fetch)
			.research.follow(JOB_ID, { retry: { initialDelayMs: 0, maxAttempts: 3 } })
			.catch((caught) => caught);
		expect(lost).toBeInstanceOf(EventStreamError);
		expect(lost.reason).toBe("lost");
		expect(silent.sent).toHaveLength(3);
	});
});

describe("every route", () => {
	/** Each call with the request it must send; the fake server refuses them all, which is enough to see them. */
	const calls: [
		name: string,
		call: (client: ResearchSwarmClient) => Promise<unknown>,
		request: string,
		body?: unknown,
	][] = [
		[
			"research.list",
			(c) => c.research.list({ status: "completed", limit: 5, cursor: "abc" }),
			"GET /v1/research?status=completed&limit=5&cursor=abc",
		],
		["research.cancel", (c) => c.research.cancel("job_1"), "POST /v1/research/job_1/cancel"],
		["research.provenance", (c) => c.research.provenance("job_1"), "GET /v1/research/job_1/provenance"],
		[
			"goals.plan",
			(c) => c.goals.plan({ goal: "g", maxSubgoals: 3 }),
			"POST /v1/goals/plan",
			{ goal: "g", maxSubgoals: 3 },
		],
		[
			"keys.create",
			(c) => c.keys.create({ name: "ci", environment: "test" }),
			"POST /v1/keys",
			{ name: "ci", environment: "test" },
		],
		["keys.list", (c) => c.keys.list(), "GET /v1/keys"],
		["keys.revoke", (c) => c.keys.revoke("key_1"), "DELETE /v1/keys/key_1"],
		[
			"admin.createTenant",
			(c) => c.admin.createTenant({ name: "acme" }),
			"POST /v1/admin/tenants",
			{ name: "acme" },
		],
		[
			"admin.updateTenantLimits",
			(c) => c.admin.updateTenantLimits("tn_1", { maxActiveKeys: 50, maxRequestsPerMinute: null }),
			"PATCH /v1/admin/tenants/tn_1",
			{ maxActiveKeys: 50, maxRequestsPerMinute: null },
		],
		["learning.patterns", (c) => c.learning.patterns({ q: "heat", k: 3 }), "GET /v1/patterns?q=heat&k=3"],
		["learning.pattern", (c) => c.learning.pattern("pat_1"), "GET /v1/patterns/pat_1"],
		["learning.learn", (c) => c.learning.learn({ minPatterns: 2 }), "POST /v1/learn", { minPatterns: 2 }],
		["learning.stats", (c) => c.learning.stats(), "GET /v1/stats"],
		["providers.list", (c) => c.providers.list(), "GET /v1/providers"],
		["webhooks.settings", (c) => c.webhooks.settings(), "GET /v1/webhooks/settings"],
		[
			"webhooks.rotateSigningSecret",
			(c) => c.webhooks.rotateSigningSecret(),
			"POST /v1/webhooks/signing-secret",
		],
		[
			"webhooks.rotateInboundSecret",
			(c) => c.webhooks.rotateInboundSecret(),
			"POST /v1/webhooks/inbound-secret",
		],
		[
			"webhooks.saveGithub",
			(c) => c.webhooks.saveGithub({ label: "ask" }),
			"PUT /v1/webhooks/github",
			{ label: "ask" },
		],
		["webhooks.deleteGithub", (c) => c.webhooks.deleteGithub(), "DELETE /v1/webhooks/github"],
		[
			"webhooks.endpoints.create",
			(c) => c.webhooks.endpoints.create({ url: "https://example.com/h" }),
			"POST /v1/webhooks/endpoints",
			{ url: "https://example.com/h" },
		],
		["webhooks.endpoints.list", (c) => c.webhooks.endpoints.list(), "GET /v1/webhooks/endpoints"],
		[
			"webhooks.endpoints.delete",
			(c) => c.webhooks.endpoints.delete("ep_1"),
			"DELETE /v1/webhooks/endpoints/ep_1",
		],
		[
			"webhooks.deliveries.list",
			(c) => c.webhooks.deliveries.list({ jobId: "job_1", status: "failed" }),
			"GET /v1/webhooks/deliveries?jobId=job_1&status=failed",
		],
		["webhooks.deliveries.get", (c) => c.webhooks.deliveries.get("dl_1"), "GET /v1/webhooks/deliveries/dl_1"],
		[
			"webhooks.deliveries.redeliver",
			(c) => c.webhooks.deliveries.redeliver("dl_1"),
			"POST /v1/webhooks/deliveries/dl_1/redeliver",
		],
	];

	it.each(calls)("%s sends %s", async (_name, call, request, body) => {
		const { fetch, sent } = fakeFetch(json(418, { error: { code: "teapot", message: "refused" } }));
		await expect(call(clientWith(fetch))).rejects.toMatchObject({ status: 418, code: "teapot" });
		const [method, path] = request.split(" ");
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({ method, url: `https://api.example.com${path}`, body });
	});

	it("reads an empty success as nothing", async () => {
		const client = clientWith(fakeFetch(() => new Response(null, { status: 204 })).fetch);
		await expect(client.keys.revoke("key_1")).resolves.toBeUndefined();
	});
});

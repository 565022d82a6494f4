import { env } from "cloudflare:workers";
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { isAgentEvent } from "../../src/events/event-types";
import { evidenceKey } from "../../src/lib/object-keys";
import { ApiErrorBodySchema, JobAcceptedSchema, JobEventSchema, JobListSchema } from "../../src/protocol";
import { ProvenanceSchema } from "../../src/synthesis/provenance";
import { ReportSchema } from "../../src/synthesis/report-schema";
import { type Providers, ProvidersSchema } from "../../src/wire/providers";
import { SAMPLE_SOURCES } from "../fixtures/sources";
import {
	api,
	eventLog,
	getJob,
	holdAgents,
	parseSse,
	postJson,
	report,
	sampleRequest,
	submit,
	TENANT,
	waitForEvent,
	waitForJob,
	waitForListed,
} from "./harness";

describe("POST /v1/research", () => {
	it("answers 202 with the job id, status and links, and applies the defaults", async () => {
		const response = await postJson("/v1/research", {
			task: "What limits heat pump efficiency in the cold?",
		});
		expect(response.status).toBe(202);
		const body = JobAcceptedSchema.parse(await response.json());
		expect(response.headers.get("location")).toBe(`/v1/research/${body.id}`);
		expect(body.links.events).toBe(`/v1/research/${body.id}/events`);
		const job = await getJob(body.id);
		expect(job.config).toMatchObject({
			depth: 5,
			timeMinutes: 100,
			swarmSize: 5,
			maxConcurrent: 4,
			focus: "balanced",
			antiHallucination: "high",
			citations: true,
			provider: "extractive",
			complexity: "medium",
			formats: ["markdown", "json", "html"],
		});
		await waitForJob(body.id);
	});

	it("honours Idempotency-Key: same body gives the same job, another body a 409", async () => {
		const request = sampleRequest({ swarmSize: 3 });
		const key = { "idempotency-key": `key-${crypto.randomUUID()}` };
		const first = await submit(request, key);
		const second = await submit(request, key);
		expect(second).toBe(first);
		const conflict = await postJson("/v1/research", { ...request, depth: 9 }, key);
		expect(conflict.status).toBe(409);
		expect(ApiErrorBodySchema.parse(await conflict.json()).error.code).toBe("idempotency_conflict");
		const withoutKey = await submit(request);
		expect(withoutKey).not.toBe(first);
		await waitForJob(first);
		await waitForJob(withoutKey);
		expect((await eventLog(first)).filter((event) => event.type === "job.accepted")).toHaveLength(1);
	});

	it("records a URL it may not fetch as unreachable and never cites it", async () => {
		const jobId = await submit(
			sampleRequest({
				swarmSize: 3,
				sources: [
					...SAMPLE_SOURCES,
					{ url: "http://169.254.169.254/latest/meta-data/" },
					{ url: "https://unreachable.research-swarm.test/page" },
				],
			}),
		);
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		const unreachable = job.sources.filter((source) => source.status === "unreachable");
		expect(unreachable.map((source) => source.url)).toEqual([
			"http://169.254.169.254/latest/meta-data/",
			"https://unreachable.research-swarm.test/page",
		]);
		expect(unreachable[0]?.error).toMatch(/^blocked/);
		const report = await (await api(`/v1/research/${jobId}/report?format=json`)).json<{
			sources: { url: string | null }[];
			unreachableSources: { url: string | null }[];
		}>();
		expect(report.sources.map((source) => source.url)).not.toContain(
			"http://169.254.169.254/latest/meta-data/",
		);
		expect(report.unreachableSources).toHaveLength(2);
	});
});

describe("GET /v1/research", () => {
	it("lists newest first with a status filter and cursor pagination", async () => {
		const ids = [];
		for (let index = 0; index < 3; index++) ids.push(await submit(sampleRequest({ swarmSize: 3 })));
		for (const id of ids) await waitForJob(id);
		await waitForListed(ids, "completed");
		const page1 = JobListSchema.parse(await (await api("/v1/research?limit=2&status=completed")).json());
		expect(page1.jobs).toHaveLength(2);
		expect(page1.jobs.every((job) => job.status === "completed")).toBe(true);
		const [newest, older] = page1.jobs;
		expect(newest?.createdAt).toBeGreaterThanOrEqual(older?.createdAt ?? Number.POSITIVE_INFINITY);
		expect(page1.nextCursor).not.toBeNull();
		const page2 = JobListSchema.parse(
			await (await api(`/v1/research?limit=2&status=completed&cursor=${page1.nextCursor}`)).json(),
		);
		const seen = [...page1.jobs, ...page2.jobs].map((job) => job.id);
		expect(new Set(seen).size).toBe(seen.length);
		expect(seen.slice(0, 3)).toEqual([...ids].reverse());
		const cancelledOnly = JobListSchema.parse(await (await api("/v1/research?status=cancelled")).json());
		expect(cancelledOnly.jobs.every((job) => job.status === "cancelled")).toBe(true);
	});
});

describe("GET /v1/research/:id/provenance", () => {
	it("serves every finding's verdict and each quote's snapshot hash, offsets and retrieval time", async () => {
		const jobId = await submit(sampleRequest({ swarmSize: 3 }));
		const job = await waitForJob(jobId);
		expect(job.status).toBe("completed");
		const response = await api(`/v1/research/${jobId}/provenance`);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toMatch(/^application\/json/);
		const provenance = ProvenanceSchema.parse(await response.json());
		const body = ReportSchema.parse(await (await report(jobId, "json")).json());
		expect(provenance.jobId).toBe(jobId);
		expect(provenance.generatedAt).toBe(body.generatedAt);
		// Every finding after merging, not only those in the body.
		expect(provenance.findings).toHaveLength(body.verification.claimsTotal);
		for (const finding of body.findings) {
			expect(provenance.findings.find((entry) => entry.id === finding.id)?.support).toEqual(finding.support);
		}
		expect(provenance.sources.map((source) => source.id)).toEqual(job.sources.map((source) => source.id));
		const verbatim = provenance.findings
			.flatMap((finding) => finding.quotes)
			.filter((q) => q.check === "verbatim");
		expect(verbatim.length).toBeGreaterThan(0);
		for (const quote of verbatim) {
			const source = job.sources.find((candidate) => candidate.id === quote.sourceId);
			expect(quote.sha256).toBe(source?.sha256);
			expect(quote.retrievedAt).toBe(source?.retrievedAt);
			const snapshot =
				(await (await env.ARTIFACTS.get(evidenceKey(TENANT, quote.sha256 ?? "")))?.text()) ?? "";
			// Anyone holding the snapshot can check the quote: its hash and its text at the offsets.
			expect(createHash("sha256").update(snapshot).digest("hex")).toBe(quote.sha256);
			expect(quote.spans.map((span) => snapshot.slice(span.start, span.end)).join(" … ")).toBe(
				quote.sourceText,
			);
		}
	});

	it("answers 404 for an unknown job and 409 before the job completes", async () => {
		const unknown = await api("/v1/research/job_doesnotexist/provenance");
		expect(unknown.status).toBe(404);
		ApiErrorBodySchema.parse(await unknown.json());
		const gate = holdAgents();
		try {
			const jobId = await submit(sampleRequest({ swarmSize: 3 }));
			const early = await api(`/v1/research/${jobId}/provenance`);
			expect(early.status).toBe(409);
			expect(ApiErrorBodySchema.parse(await early.json()).error.code).toBe("report_not_ready");
			await api(`/v1/research/${jobId}/cancel`, { method: "POST" });
		} finally {
			gate.release();
			gate.restore();
		}
	});
});

describe("GET /v1/research/:id/events", () => {
	it("streams every event in order with increasing ids, ends after the terminal event, and resumes", async () => {
		const jobId = await submit(sampleRequest({ swarmSize: 3 }));
		await waitForJob(jobId);
		const all = parseSse(await (await api(`/v1/research/${jobId}/events`)).text());
		expect(all.map((event) => event.id)).toEqual(all.map((_, index) => index + 1));
		expect(all.at(-1)?.type).toBe("job.completed");
		for (const event of all) {
			// Every event the coordinator records is one of the protocol's typed events.
			const parsed = JobEventSchema.parse({ seq: event.id, type: event.type, data: event.data });
			expect(parsed.data.jobId).toBe(jobId);
			if (isAgentEvent(parsed)) expect(parsed.data.attempt).toBeGreaterThan(0);
		}
		const resumeAt = 4;
		const resumed = parseSse(
			await (
				await api(`/v1/research/${jobId}/events`, { headers: { "last-event-id": String(resumeAt) } })
			).text(),
		);
		expect(resumed).toEqual(all.slice(resumeAt));
	});

	it("delivers live events to an open stream until the job ends", async () => {
		const gate = holdAgents();
		try {
			const jobId = await submit(sampleRequest({ swarmSize: 3 }));
			await waitForEvent(jobId, (event) => event.type === "agent.started");
			const response = await api(`/v1/research/${jobId}/events`);
			expect(response.headers.get("content-type")).toContain("text/event-stream");
			gate.release();
			const events = parseSse(await response.text());
			expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
			expect(events.at(-1)?.type).toBe("job.completed");
			expect(events.filter((event) => event.type === "agent.completed")).toHaveLength(3);
		} finally {
			gate.release();
			gate.restore();
		}
	});
});

describe("validation errors are 4xx JSON, never 500", () => {
	const tooMany = Array.from({ length: 51 }, (_, index) => ({ title: `s${index}`, text: "text" }));
	const badBodies: [string, unknown, number][] = [
		["missing task", {}, 400],
		["empty task", { task: "  " }, 400],
		["task too long", { task: "x".repeat(4001) }, 400],
		["depth 0", { task: "t", depth: 0 }, 400],
		["depth 11", { task: "t", depth: 11 }, 400],
		["fractional depth", { task: "t", depth: 2.5 }, 400],
		["timeMinutes 9", { task: "t", timeMinutes: 9 }, 400],
		["timeMinutes 481", { task: "t", timeMinutes: 481 }, 400],
		["swarmSize 2", { task: "t", swarmSize: 2 }, 400],
		["swarmSize 8", { task: "t", swarmSize: 8 }, 400],
		["maxConcurrent 0", { task: "t", maxConcurrent: 0 }, 400],
		["maxConcurrent 9", { task: "t", maxConcurrent: 9 }, 400],
		["singleAgent not boolean", { task: "t", singleAgent: "yes" }, 400],
		["unknown focus", { task: "t", focus: "wide" }, 400],
		["unknown antiHallucination", { task: "t", antiHallucination: "max" }, 400],
		["unknown field", { task: "t", colour: "blue" }, 400],
		["51 sources", { task: "t", sources: tooMany }, 400],
		["source with neither text nor url", { task: "t", sources: [{ title: "x" }] }, 400],
		[
			"source with text and url",
			{ task: "t", sources: [{ title: "x", text: "y", url: "https://a.test/" }] },
			400,
		],
		["non-http source url", { task: "t", sources: [{ url: "ftp://example.com/file" }] }, 400],
		["javascript source url", { task: "t", sources: [{ url: "javascript:alert(1)" }] }, 400],
		["unknown format", { task: "t", formats: ["pdf"] }, 400],
		["empty formats", { task: "t", formats: [] }, 400],
		["metadata with nested object", { task: "t", metadata: { a: { b: 1 } } }, 400],
		["array body", [], 400],
		["string body", "task", 400],
		["unknown provider", { task: "t", provider: "nonexistent" }, 422],
		["malformed provider name", { task: "t", provider: "Bad Name!" }, 400],
	];

	it.each(badBodies)("%s", async (_name, body, status) => {
		const response = await postJson("/v1/research", body);
		expect(response.status).toBe(status);
		expect(response.headers.get("content-type")).toContain("application/json");
		const error = ApiErrorBodySchema.parse(await response.json());
		expect(error.error.message.length).toBeGreaterThan(0);
	});

	const badRequests: [string, () => Promise<Response>, number][] = [
		[
			"malformed JSON",
			() =>
				api("/v1/research", {
					method: "POST",
					headers: { "content-type": "application/json" },
					body: "{task",
				}),
			400,
		],
		[
			"non-JSON content type",
			() => api("/v1/research", { method: "POST", headers: { "content-type": "text/plain" }, body: "task" }),
			415,
		],
		[
			"no body",
			() => api("/v1/research", { method: "POST", headers: { "content-type": "application/json" } }),
			400,
		],
		["unknown job", () => api("/v1/research/job_doesnotexist"), 404],
		["unknown job events", () => api("/v1/research/job_doesnotexist/events"), 404],
		["unknown job report", () => api("/v1/research/job_doesnotexist/report"), 404],
		["unknown job cancel", () => api("/v1/research/job_doesnotexist/cancel", { method: "POST" }), 404],
		["list limit 0", () => api("/v1/research?limit=0"), 400],
		["list limit 101", () => api("/v1/research?limit=101"), 400],
		["list limit not a number", () => api("/v1/research?limit=ten"), 400],
		["list unknown status", () => api("/v1/research?status=done"), 400],
		["list bad cursor", () => api("/v1/research?cursor=%%%"), 400],
		["list forged cursor", () => api(`/v1/research?cursor=${btoa("[1]")}`), 400],
		["unknown route", () => api("/v2/anything"), 404],
	];

	it.each(badRequests)("%s", async (_name, send, status) => {
		const response = await send();
		expect(response.status).toBe(status);
		ApiErrorBodySchema.parse(await response.json());
	});

	it("rejects a bad report format and Last-Event-ID on an existing job", async () => {
		const jobId = await submit(sampleRequest({ swarmSize: 3 }));
		const format = await api(`/v1/research/${jobId}/report?format=pdf`);
		expect(format.status).toBe(400);
		ApiErrorBodySchema.parse(await format.json());
		const lastEventId = await api(`/v1/research/${jobId}/events`, { headers: { "last-event-id": "abc" } });
		expect(lastEventId.status).toBe(400);
		ApiErrorBodySchema.parse(await lastEventId.json());
		await waitForJob(jobId);
		const cancelFinished = await api(`/v1/research/${jobId}/cancel`, { method: "POST" });
		expect(cancelFinished.status).toBe(409);
		expect(ApiErrorBodySchema.parse(await cancelFinished.json()).error.code).toBe("job_finished");
	});

	it("answers 409 for the report of an unfinished job, and cancels over HTTP", async () => {
		const gate = holdAgents();
		try {
			const jobId = await submit(sampleRequest({ swarmSize: 3 }));
			const early = await api(`/v1/research/${jobId}/report`);
			expect(early.status).toBe(409);
			expect(ApiErrorBodySchema.parse(await early.json()).error.code).toBe("report_not_ready");
			const cancelled = await api(`/v1/research/${jobId}/cancel`, { method: "POST" });
			expect(cancelled.status).toBe(200);
			expect((await cancelled.json<{ status: string }>()).status).toBe("cancelled");
		} finally {
			gate.release();
			gate.restore();
		}
	});
});

describe("service endpoints", () => {
	it("lists providers: only extractive is ready without keys or the AI binding", async () => {
		const body = await (await api("/v1/providers")).json<{
			providers: { name: string; ready: boolean; models: unknown[] }[];
			webSearchTool: { brave: boolean };
		}>();
		expect(body.providers.map((provider) => [provider.name, provider.ready])).toEqual([
			["anthropic", false],
			["openai", false],
			["gemini", false],
			["openrouter", false],
			["workers-ai", false],
			["extractive", true],
		]);
		expect(body.providers.find((provider) => provider.name === "anthropic")?.models.length).toBeGreaterThan(
			0,
		);
		expect(body.webSearchTool.brave).toBe(false);
	});

	describe("model rates", () => {
		afterEach(() => {
			vi.useRealTimers();
		});

		/** `GET /v1/providers` as the API answers it on `day` (noon UTC). */
		async function providersOn(day: string): Promise<Providers> {
			vi.useFakeTimers({ toFake: ["Date"] });
			vi.setSystemTime(new Date(`${day}T12:00:00Z`));
			return ProvidersSchema.parse(await (await api("/v1/providers")).json());
		}
		const rateOf = (body: Providers, provider: string, model: string) =>
			body.providers.find((entry) => entry.name === provider)?.models.find((entry) => entry.id === model);

		it("shows the rates in force today, with their validity: Gemini 4 Argon at $4 / $20 since 2026-12-01", async () => {
			const body = await providersOn("2026-12-05");
			expect(body.pricedOn).toBe("2026-12-05");
			expect(rateOf(body, "gemini", "gemini-4-argon")).toMatchObject({
				inputPerMTok: 4,
				outputPerMTok: 20,
				cacheReadPerMTok: 0.2,
				validFrom: "2026-12-01",
				validThrough: null,
				stale: false,
			});
			expect(rateOf(body, "gemini", "gemini-3.8-flash")).toMatchObject({
				inputPerMTok: 0.75,
				validThrough: "2026-12-31",
				stale: false,
			});
			const before = await providersOn("2026-11-30");
			expect(rateOf(before, "gemini", "gemini-4-argon")).toMatchObject({
				inputPerMTok: 2,
				outputPerMTok: 10,
				validThrough: "2026-11-30",
				stale: false,
			});
		});

		it("reports a row past its last date as stale, still at its last known rates", async () => {
			const body = await providersOn("2027-01-01");
			expect(rateOf(body, "gemini", "gemini-3.8-flash")).toMatchObject({
				inputPerMTok: 0.75,
				validThrough: "2026-12-31",
				stale: true,
			});
			expect(rateOf(body, "openrouter", "google/gemini-3.8-flash")?.stale).toBe(true);
			expect(rateOf(body, "gemini", "gemini-4-argon")?.stale).toBe(false);
		});
	});

	it("serves /healthz and an OpenAPI 3.1 document describing the API", async () => {
		expect(await (await api("/healthz")).json()).toEqual({ ok: true });
		const document = await (await api("/openapi.json")).json<{
			openapi: string;
			paths: Record<string, unknown>;
		}>();
		expect(document.openapi).toBe("3.1.0");
		expect(Object.keys(document.paths).sort()).toEqual([
			"/v1/admin/secrets/reseal",
			"/v1/admin/tenants",
			"/v1/admin/tenants/{id}",
			"/v1/goals/plan",
			"/v1/hooks/github/{tenantId}",
			"/v1/hooks/standard/{tenantId}",
			"/v1/keys",
			"/v1/keys/{id}",
			"/v1/learn",
			"/v1/patterns",
			"/v1/patterns/{id}",
			"/v1/providers",
			"/v1/research",
			"/v1/research/{id}",
			"/v1/research/{id}/cancel",
			"/v1/research/{id}/events",
			"/v1/research/{id}/provenance",
			"/v1/research/{id}/report",
			"/v1/stats",
			"/v1/webhooks/deliveries",
			"/v1/webhooks/deliveries/{id}",
			"/v1/webhooks/deliveries/{id}/redeliver",
			"/v1/webhooks/endpoints",
			"/v1/webhooks/endpoints/{id}",
			"/v1/webhooks/github",
			"/v1/webhooks/inbound-secret",
			"/v1/webhooks/settings",
			"/v1/webhooks/signing-secret",
		]);
	});
});

import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import {
	afterAll,
	afterEach,
	beforeAll,
	beforeEach,
	describe,
	expect,
	it,
	type MockInstance,
	vi,
} from "vitest";
import type { OutboundJobEvent } from "../../src/protocol";
import { consumeWebhookDeliveries, WEBHOOK_QUEUE } from "../../src/webhooks/consumer";
import { deliveryId } from "../../src/webhooks/events";
import { githubSignature } from "../../src/webhooks/github-signature";
import { nextAttemptDelaySeconds, scheduledDelaySeconds } from "../../src/webhooks/schedule";
import { SAMPLE_SOURCES } from "../fixtures/sources";
import { api, coordinator, postJson, waitForJob } from "./harness";

// ─── Tenants and API helpers ──────────────────────────────────────────────────────────────────────

type Tenant = { id: string; key: string };

async function createTenant(): Promise<Tenant> {
	const response = await postJson(
		"/v1/admin/tenants",
		{ name: `webhooks ${crypto.randomUUID()}` },
		{ authorization: "Bearer local-admin" },
	);
	expect(response.status).toBe(201);
	const body = await response.json<{ tenant: { id: string }; apiKey: { key: string } }>();
	return { id: body.tenant.id, key: body.apiKey.key };
}

function as(tenant: Tenant, init: RequestInit = {}): RequestInit {
	const headers = new Headers(init.headers);
	headers.set("authorization", `Bearer ${tenant.key}`);
	if (init.body !== undefined) headers.set("content-type", "application/json");
	return { ...init, headers };
}

async function rotateSecret(tenant: Tenant, kind: "signing" | "inbound" = "signing"): Promise<string> {
	const response = await api(`/v1/webhooks/${kind}-secret`, as(tenant, { method: "POST" }));
	expect(response.status).toBe(201);
	return (await response.json<{ secret: string }>()).secret;
}

async function createEndpoint(tenant: Tenant, body: Record<string, unknown>): Promise<{ id: string }> {
	const response = await api(
		"/v1/webhooks/endpoints",
		as(tenant, { method: "POST", body: JSON.stringify(body) }),
	);
	expect(response.status).toBe(201);
	return response.json<{ id: string }>();
}

type DeliveryView = {
	id: string;
	eventId: string;
	destination: string;
	endpointId: string | null;
	status: string;
	attemptCount: number;
	nextAttemptAt: number | null;
	lastStatusCode: number | null;
	attempts: {
		attempt: number;
		statusCode: number | null;
		latencyMs: number;
		outcome: string;
		manual: boolean;
	}[];
};

async function deliveries(tenant: Tenant, query = ""): Promise<DeliveryView[]> {
	const response = await api(`/v1/webhooks/deliveries${query}`, as(tenant));
	expect(response.status).toBe(200);
	return (await response.json<{ deliveries: DeliveryView[] }>()).deliveries;
}

async function waitForDeliveries(
	tenant: Tenant,
	query: string,
	done: (rows: DeliveryView[]) => boolean,
): Promise<DeliveryView[]> {
	const deadline = Date.now() + 20_000;
	for (;;) {
		const rows = await deliveries(tenant, query);
		if (done(rows)) return rows;
		if (Date.now() > deadline) throw new Error(`deliveries never settled: ${JSON.stringify(rows)}`);
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

async function jobCount(tenantId: string): Promise<number> {
	const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM jobs WHERE tenant_id = ?")
		.bind(tenantId)
		.first<{
			n: number;
		}>();
	return row?.n ?? 0;
}

// ─── The (intercepted) internet ───────────────────────────────────────────────────────────────────

type Received = { url: string; method: string; headers: Headers; body: string };

/**
 * Every outbound fetch of the isolate during this file: hosts a test registered answer from their script
 * (one answer per request, the last one repeating); anything else fails like an unreachable network, so
 * nothing leaves the machine (jobs of earlier tests may still be delivering in the background).
 */
const internet = {
	received: [] as Received[],
	scripts: new Map<string, { answers: (() => Response)[]; served: number }>(),
	/** Requests that reached `host`. */
	at(host: string): Received[] {
		return this.received.filter((request) => new URL(request.url).host === host);
	},
};
let fetchSpy: MockInstance | null = null;

beforeAll(() => {
	fetchSpy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input, init);
		const script = internet.scripts.get(new URL(request.url).host);
		if (!script) throw new TypeError(`fetch failed: no route to ${request.url}`);
		internet.received.push({
			url: request.url,
			method: request.method,
			headers: request.headers,
			body: await request.text(),
		});
		const answer = script.answers[Math.min(script.served, script.answers.length - 1)];
		script.served += 1;
		if (!answer) throw new TypeError("empty script");
		return answer();
	});
});
afterAll(() => fetchSpy?.mockRestore());
beforeEach(() => {
	internet.received.length = 0;
	internet.scripts.clear();
});

/** Makes `host` reachable, answering with `answers` in order. */
function serve(host: string, ...answers: (() => Response)[]): void {
	internet.scripts.set(host, { answers, served: 0 });
}

const ok = () => new Response("ok", { status: 200, headers: { "content-type": "text/plain" } });
const status =
	(code: number, headers: Record<string, string> = {}) =>
	() =>
		new Response(null, { status: code, headers });

const cleanups: (() => void)[] = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0)) cleanup();
});

// ─── Driving the consumer directly, with the queue captured ───────────────────────────────────────

type Sent = { body: unknown; delaySeconds: number };

/** The Worker's env with a `WEBHOOKS` queue that only records what is sent to it. */
function capturingEnv(sent: Sent[]): Env {
	const queue = {
		async send(body: unknown, options?: QueueSendOptions) {
			sent.push({ body, delaySeconds: options?.delaySeconds ?? 0 });
		},
		async sendBatch(messages: Iterable<MessageSendRequest<unknown>>, options?: QueueSendBatchOptions) {
			for (const message of messages) {
				sent.push({ body: message.body, delaySeconds: message.delaySeconds ?? options?.delaySeconds ?? 0 });
			}
		},
	};
	return { ...env, WEBHOOKS: queue as unknown as Queue };
}

/** Runs the consumer on `bodies` as one batch; fails the test if a message asks the queue to retry it. */
async function consume(testEnv: Env, bodies: unknown[]): Promise<void> {
	const retried: string[] = [];
	const messages = bodies.map((body, index) => ({
		id: `msg-${index}`,
		timestamp: new Date(),
		body,
		attempts: 1,
		ack() {},
		retry() {
			retried.push(`msg-${index}`);
		},
	}));
	const batch = { queue: WEBHOOK_QUEUE, messages, ackAll() {}, retryAll() {} };
	await consumeWebhookDeliveries(batch as unknown as MessageBatch<unknown>, testEnv);
	expect(retried).toEqual([]);
}

/** Feeds every captured message back to the consumer, one at a time, until none is left; returns them all. */
async function drain(testEnv: Env, sent: Sent[]): Promise<Sent[]> {
	const processed: Sent[] = [];
	for (let next = sent.shift(); next; next = sent.shift()) {
		processed.push(next);
		await consume(testEnv, [next.body]);
	}
	return processed;
}

function jobEvent(tenantId: string, overrides: Partial<OutboundJobEvent> = {}): OutboundJobEvent {
	const jobId = `job_${crypto.randomUUID().replaceAll("-", "")}`;
	return {
		kind: "job-event",
		tenantId,
		jobId,
		eventId: `evt_${jobId.slice(4)}_completed`,
		type: "job.completed",
		occurredAt: Date.now(),
		callbackUrl: null,
		payload: { jobId, status: "completed", partial: false, error: null },
		...overrides,
	};
}

function verifies(secret: string, request: Received): boolean {
	try {
		new Webhook(secret).verify(request.body, Object.fromEntries(request.headers), { jsonParse: false });
		return true;
	} catch {
		return false;
	}
}

// ─── Inbound: Standard Webhooks ───────────────────────────────────────────────────────────────────

function standardHook(tenantId: string, body: string, headers: Record<string, string>): Promise<Response> {
	return api(`/v1/hooks/standard/${tenantId}`, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body,
	});
}

function signed(secret: string, id: string, body: string, timestampSeconds = Math.floor(Date.now() / 1000)) {
	return {
		"webhook-id": id,
		"webhook-timestamp": String(timestampSeconds),
		"webhook-signature": new Webhook(secret).sign(id, new Date(timestampSeconds * 1000), body),
	};
}

function researchRequested(task: string): string {
	const data = { task, sources: SAMPLE_SOURCES.slice(0, 2), swarmSize: 3 };
	return JSON.stringify({ type: "research.requested", timestamp: new Date().toISOString(), data });
}

describe("inbound Standard Webhooks", () => {
	let tenant: Tenant;
	let secret: string;
	beforeEach(async () => {
		tenant = await createTenant();
		secret = await rotateSecret(tenant, "inbound");
	});

	it("starts a job from a signed research.requested; the same webhook-id again returns the same job", async () => {
		const body = researchRequested("How do air-source heat pumps perform in cold climates?");
		const first = await standardHook(tenant.id, body, signed(secret, "msg_standard_1", body));
		expect(first.status).toBe(202);
		const accepted = await first.json<{ id: string; status: string }>();
		expect(accepted.id).toMatch(/^job_/);
		expect(first.headers.get("location")).toBe(`/v1/research/${accepted.id}`);

		// A redelivery: same id, same body, signed again at a later time.
		const again = await standardHook(tenant.id, body, signed(secret, "msg_standard_1", body));
		expect(again.status).toBe(202);
		expect((await again.json<{ id: string }>()).id).toBe(accepted.id);
		expect(await jobCount(tenant.id)).toBe(1);

		const job = await api(`/v1/research/${accepted.id}`, as(tenant));
		expect(job.status).toBe(200);
		expect((await job.json<{ task: string }>()).task).toBe(
			"How do air-source heat pumps perform in cold climates?",
		);
	});

	it("refuses forged, tampered, expired, future-dated and unsigned requests with a 401 JSON error", async () => {
		const body = researchRequested("Refrigerants for cold climates");
		const now = Math.floor(Date.now() / 1000);
		const attacker = "whsec_dGhpcyBpcyBub3QgdGhlIHRlbmFudCdzIHNlY3JldA==";
		const cases: [string, string, Record<string, string>][] = [
			["forged", body, signed(attacker, "msg_forged", body)],
			["tampered", body.replace("Refrigerants", "Refrigerant"), signed(secret, "msg_tampered", body)],
			["expired", body, signed(secret, "msg_expired", body, now - 360)],
			["future-dated", body, signed(secret, "msg_future", body, now + 360)],
			["unsigned", body, { "webhook-id": "msg_unsigned", "webhook-timestamp": String(now) }],
			[
				"re-stamped",
				body,
				{ ...signed(secret, "msg_stamp", body, now - 600), "webhook-timestamp": String(now) },
			],
		];
		for (const [name, sentBody, headers] of cases) {
			const response = await standardHook(tenant.id, sentBody, headers);
			expect(response.status, name).toBe(401);
			expect((await response.json<{ error: { code: string } }>()).error.code, name).toBe("invalid_signature");
		}
		// Another tenant's path with this tenant's signature.
		const other = await createTenant();
		const response = await standardHook(other.id, body, signed(secret, "msg_other_tenant", body));
		expect(response.status).toBe(401);
		expect(await jobCount(tenant.id)).toBe(0);
	});

	it("replays a valid message within the window as the same job, and refuses it once the window passed", async () => {
		const body = researchRequested("Defrost cycles");
		const headers = signed(secret, "msg_replay", body);
		const first = await standardHook(tenant.id, body, headers);
		const replay = await standardHook(tenant.id, body, headers);
		expect(replay.status).toBe(202);
		expect((await replay.json<{ id: string }>()).id).toBe((await first.json<{ id: string }>()).id);
		const stale = signed(secret, "msg_replay", body, Math.floor(Date.now() / 1000) - 400);
		expect((await standardHook(tenant.id, body, stale)).status).toBe(401);
		expect(await jobCount(tenant.id)).toBe(1);
	});

	it("keeps accepting the previous secret for a while after a rotation", async () => {
		const next = await rotateSecret(tenant, "inbound");
		expect(next).not.toBe(secret);
		for (const [id, key] of [
			["msg_old_secret", secret],
			["msg_new_secret", next],
		] as const) {
			const body = researchRequested(`Heat pump sizing ${id}`);
			expect((await standardHook(tenant.id, body, signed(key, id, body))).status).toBe(202);
		}
	});

	it("answers 400 to a signed body that is not a valid research request", async () => {
		const other = JSON.stringify({ type: "invoice.paid", timestamp: new Date().toISOString(), data: {} });
		const unsupported = await standardHook(tenant.id, other, signed(secret, "msg_invoice", other));
		expect(unsupported.status).toBe(400);
		expect((await unsupported.json<{ error: { code: string } }>()).error.code).toBe("unsupported_event");
		const invalid = JSON.stringify({ type: "research.requested", data: { task: "", depth: 99 } });
		const response = await standardHook(tenant.id, invalid, signed(secret, "msg_invalid", invalid));
		expect(response.status).toBe(400);
		const error = (await response.json<{ error: { details: { issues: { path: string }[] } } }>()).error;
		expect(error.details.issues.map((issue) => issue.path)).toEqual(
			expect.arrayContaining(["body.data.task", "body.data.depth"]),
		);
		expect(await jobCount(tenant.id)).toBe(0);
	});
});

// ─── Inbound: GitHub ──────────────────────────────────────────────────────────────────────────────

const REPOSITORY = { full_name: "octo/heat-pumps" };
const ISSUE = {
	number: 7,
	title: "How do air-source heat pumps perform in cold climates?",
	body: "We are choosing a heating system for a house near Oslo.",
	labels: [],
};

async function githubHook(
	tenantId: string,
	secret: string,
	event: string,
	delivery: string,
	payload: unknown,
): Promise<Response> {
	const body = JSON.stringify(payload);
	return api(`/v1/hooks/github/${tenantId}`, {
		method: "POST",
		headers: {
			"content-type": "application/json",
			"x-github-event": event,
			"x-github-delivery": delivery,
			"x-hub-signature-256": await githubSignature(secret, new TextEncoder().encode(body)),
		},
		body,
	});
}

describe("inbound GitHub webhooks", () => {
	let tenant: Tenant;
	let secret: string;
	beforeEach(async () => {
		tenant = await createTenant();
		const response = await api(
			"/v1/webhooks/github",
			as(tenant, { method: "PUT", body: JSON.stringify({ label: "research", token: "ghp_exampletoken" }) }),
		);
		expect(response.status).toBe(200);
		const saved = await response.json<{ secret: string; webhookUrl: string; tokenConfigured: boolean }>();
		expect(saved.tokenConfigured).toBe(true);
		expect(saved.webhookUrl).toBe(`https://research-swarm.test/v1/hooks/github/${tenant.id}`);
		secret = saved.secret;
	});

	it("shows the secret once and never the token", async () => {
		const update = await api(
			"/v1/webhooks/github",
			as(tenant, { method: "PUT", body: JSON.stringify({ label: "deep-dive" }) }),
		);
		const body = await update.text();
		expect(body).not.toContain("secret");
		expect(body).not.toContain("ghp_exampletoken");
		const settings = await (await api("/v1/webhooks/settings", as(tenant))).text();
		expect(settings).not.toContain(secret);
		expect(settings).not.toContain("ghp_exampletoken");
		expect(JSON.parse(settings).github).toMatchObject({ label: "deep-dive", tokenConfigured: true });
		const rotated = await api(
			"/v1/webhooks/github",
			as(tenant, { method: "PUT", body: JSON.stringify({ rotateSecret: true, token: null }) }),
		);
		const fresh = await rotated.json<{ secret: string; tokenConfigured: boolean }>();
		expect(fresh.secret).toMatch(/^[0-9a-f]{64}$/);
		expect(fresh.secret).not.toBe(secret);
		expect(fresh.tokenConfigured).toBe(false);
		const ping = await githubHook(tenant.id, secret, "ping", "delivery-old-secret", {
			zen: "Design for failure.",
		});
		expect(ping.status).toBe(401);
	});

	it("starts one job per delivery from a labeled issue, and ignores what is not a trigger", async () => {
		const labeled = { action: "labeled", label: { name: "research" }, issue: ISSUE, repository: REPOSITORY };
		const first = await githubHook(tenant.id, secret, "issues", "delivery-1", labeled);
		expect(first.status).toBe(202);
		const { id } = await first.json<{ id: string }>();
		const again = await githubHook(tenant.id, secret, "issues", "delivery-1", labeled);
		expect(again.status).toBe(202);
		expect((await again.json<{ id: string }>()).id).toBe(id);

		const comment = {
			action: "created",
			comment: { id: 101, body: "Thanks, that helps.", user: { type: "User" } },
			issue: ISSUE,
			repository: REPOSITORY,
		};
		const ignored = await githubHook(tenant.id, secret, "issue_comment", "delivery-2", comment);
		expect(ignored.status).toBe(200);
		expect(await ignored.json()).toEqual({
			started: false,
			reason: "the comment does not start with /research",
		});
		const ping = await githubHook(tenant.id, secret, "ping", "delivery-3", { zen: "Design for failure." });
		expect(ping.status).toBe(200);

		const forged = await githubHook(tenant.id, "not the secret", "issues", "delivery-4", labeled);
		expect(forged.status).toBe(401);
		expect((await forged.json<{ error: { code: string } }>()).error.code).toBe("invalid_signature");
		expect(await jobCount(tenant.id)).toBe(1);

		const job = await (await api(`/v1/research/${id}`, as(tenant))).json<{
			task: string;
			metadata: Record<string, unknown>;
		}>();
		expect(job.task).toBe(`${ISSUE.title}\n\n${ISSUE.body}`);
		expect(job.metadata).toMatchObject({
			source: "github",
			githubRepository: "octo/heat-pumps",
			githubIssue: 7,
		});
	});

	it("researches the text of a /research comment and posts the result back on the issue", async () => {
		serve("api.github.com", () => Response.json({ id: 1 }, { status: 201 }));
		const comment = {
			action: "created",
			comment: { id: 102, body: "/research cold-climate heat pump efficiency", user: { type: "User" } },
			issue: { ...ISSUE, number: 8 },
			repository: REPOSITORY,
		};
		const response = await githubHook(tenant.id, secret, "issue_comment", "delivery-comment", comment);
		expect(response.status).toBe(202);
		const { id } = await response.json<{ id: string }>();
		const job = await waitForJob(id, undefined, 45_000, { authorization: `Bearer ${tenant.key}` });
		expect(job.task).toBe("cold-climate heat pump efficiency");

		const [delivery] = await waitForDeliveries(tenant, `?jobId=${id}`, (rows) =>
			rows.some((row) => row.status !== "pending"),
		);
		expect(delivery).toMatchObject({ destination: "github", status: "succeeded", lastStatusCode: 201 });
		const posts = internet
			.at("api.github.com")
			.filter((request) => request.url.endsWith("/issues/8/comments"));
		expect(posts).toHaveLength(1);
		const [post] = posts;
		expect(post?.url).toBe("https://api.github.com/repos/octo/heat-pumps/issues/8/comments");
		expect(post?.headers.get("authorization")).toBe("Bearer ghp_exampletoken");
		const text = (JSON.parse(post?.body ?? "{}") as { body: string }).body;
		// Without sources or a search key the offline provider still completes and summarizes what it found.
		expect(job.status).toBe("completed");
		const report = await (await api(`/v1/research/${id}/report`, as(tenant))).json<{
			executiveSummary: { text: string };
		}>();
		const summary = report.executiveSummary.text.trim();
		expect(summary).not.toBe("");
		expect(text).toContain(
			summary
				.split("\n")
				.map((line) => `> ${line}`)
				.join("\n"),
		);
		expect(text).toContain(`https://research-swarm.test/v1/research/${id}/report?format=html`);
		expect(text).toContain(`**Research completed** (job \`${id}\`)`);
	});
});

// ─── Settings, endpoints and the delivery log ─────────────────────────────────────────────────────

describe("webhook settings", () => {
	it("shows the signing secret once and reports when it was made", async () => {
		const tenant = await createTenant();
		const before = await (await api("/v1/webhooks/settings", as(tenant))).json<{
			signingSecret: { configured: boolean };
			inboundUrls: { standard: string };
		}>();
		expect(before.signingSecret.configured).toBe(false);
		expect(before.inboundUrls.standard).toBe(`https://research-swarm.test/v1/hooks/standard/${tenant.id}`);
		const secret = await rotateSecret(tenant);
		expect(secret).toMatch(/^whsec_/);
		const after = await (await api("/v1/webhooks/settings", as(tenant))).text();
		expect(after).not.toContain(secret.slice(6));
		expect(JSON.parse(after).signingSecret).toMatchObject({
			configured: true,
			previousSecretValidUntil: null,
		});
		await rotateSecret(tenant);
		const rotated = await (await api("/v1/webhooks/settings", as(tenant))).json<{
			signingSecret: { previousSecretValidUntil: number };
		}>();
		expect(rotated.signingSecret.previousSecretValidUntil).toBeGreaterThan(Date.now() + 23 * 3600_000);
	});

	it("needs an API key for settings, and none for the inbound hooks", async () => {
		const production = { ...env, DEV_MODE: "false" };
		const { app } = await import("../../src/api/app");
		expect((await app.request("/v1/webhooks/endpoints", {}, production)).status).toBe(401);
		const hook = await app.request("/v1/hooks/standard/tn_none", { method: "POST", body: "{}" }, production);
		expect(hook.status).toBe(401);
		expect((await hook.json<{ error: { code: string } }>()).error.code).toBe("inbound_secret_missing");
	});

	it("validates endpoints and keeps them per tenant", async () => {
		const tenant = await createTenant();
		const other = await createTenant();
		const post = (body: unknown) =>
			api("/v1/webhooks/endpoints", as(tenant, { method: "POST", body: JSON.stringify(body) }));
		expect((await post({ url: "ftp://receiver.example/hook" })).status).toBe(400);
		expect((await post({ url: "https://receiver.example/hook", events: ["job.exploded"] })).status).toBe(400);
		const local = await post({ url: "http://127.0.0.1:8080/hook" });
		expect(local.status).toBe(400);
		expect((await local.json<{ error: { code: string } }>()).error.code).toBe("url_not_allowed");

		const created = await post({ url: "https://receiver.example/hook", events: ["job.failed", "agent.*"] });
		expect(created.status).toBe(201);
		const endpoint = await created.json<{ id: string; events: string[]; disabledAt: null }>();
		expect(endpoint.events).toEqual(["job.failed", "agent.*"]);
		const defaults = await (await post({ url: "https://receiver.example/all" })).json<{ events: string[] }>();
		expect(defaults.events).toEqual(["job.completed", "job.failed", "job.cancelled"]);

		const listed = await (await api("/v1/webhooks/endpoints", as(tenant))).json<{
			endpoints: { id: string }[];
		}>();
		expect(listed.endpoints.map((row) => row.id)).toContain(endpoint.id);
		const theirs = await (await api("/v1/webhooks/endpoints", as(other))).json<{ endpoints: unknown[] }>();
		expect(theirs.endpoints).toEqual([]);
		expect((await api(`/v1/webhooks/endpoints/${endpoint.id}`, as(other, { method: "DELETE" }))).status).toBe(
			404,
		);
		expect(
			(await api(`/v1/webhooks/endpoints/${endpoint.id}`, as(tenant, { method: "DELETE" }))).status,
		).toBe(204);
		expect(
			(await api(`/v1/webhooks/endpoints/${endpoint.id}`, as(tenant, { method: "DELETE" }))).status,
		).toBe(404);
	});
});

// ─── Outbound deliveries ──────────────────────────────────────────────────────────────────────────

describe("outbound deliveries", () => {
	it("retries a failing receiver on schedule until it succeeds, with one webhook-id and valid signatures", async () => {
		const tenant = await createTenant();
		const secret = await rotateSecret(tenant);
		const endpoint = await createEndpoint(tenant, {
			url: "https://receiver.example/hooks",
			events: ["job.completed"],
		});
		serve(
			"receiver.example",
			status(500),
			status(503, { "retry-after": "3600" }),
			status(302, { location: "https://elsewhere.example/" }),
			ok,
		);
		serve("elsewhere.example", ok);
		serve("callback.example", ok);
		const event = jobEvent(tenant.id, { callbackUrl: "https://callback.example/done" });
		const sent: Sent[] = [];
		const testEnv = capturingEnv(sent);
		await consume(testEnv, [event]);
		expect(sent.map((message) => message.delaySeconds)).toEqual([0, 0]);
		const processed = await drain(testEnv, sent);

		const endpointDelivery = await deliveryId(tenant.id, event.eventId, endpoint.id);
		const delays = processed
			.filter((message) => (message.body as { deliveryId: string }).deliveryId === endpointDelivery)
			.map((message) => message.delaySeconds);
		expect(delays).toEqual([
			0,
			scheduledDelaySeconds(endpointDelivery, 2),
			nextAttemptDelaySeconds(endpointDelivery, 3, 3600),
			scheduledDelaySeconds(endpointDelivery, 4),
		]);
		expect(delays[2]).toBe(3600);

		const toEndpoint = internet.received.filter(
			(request) => request.url === "https://receiver.example/hooks",
		);
		expect(toEndpoint).toHaveLength(4);
		expect(internet.at("elsewhere.example")).toEqual([]);
		for (const request of internet.received) {
			expect(request.headers.get("webhook-id")).toBe(event.eventId);
			expect(verifies(secret, request)).toBe(true);
			expect(JSON.parse(request.body)).toEqual({
				type: "job.completed",
				timestamp: new Date(event.occurredAt).toISOString(),
				data: event.payload,
			});
		}
		expect(new Set(toEndpoint.map((request) => request.body)).size).toBe(1);

		const [logged] = await deliveries(tenant, `?endpointId=${endpoint.id}`);
		expect(logged).toMatchObject({
			id: endpointDelivery,
			status: "succeeded",
			attemptCount: 4,
			nextAttemptAt: null,
		});
		expect(logged?.attempts.map((attempt) => [attempt.attempt, attempt.statusCode, attempt.outcome])).toEqual(
			[
				[1, 500, "failed"],
				[2, 503, "failed"],
				[3, 302, "failed"],
				[4, 200, "succeeded"],
			],
		);
		for (const attempt of logged?.attempts ?? []) expect(attempt.latencyMs).toBeGreaterThanOrEqual(0);
		const callback = (await deliveries(tenant, `?jobId=${event.jobId}`)).find(
			(row) => row.destination === "callback",
		);
		expect(callback).toMatchObject({ status: "succeeded", attemptCount: 1 });

		// The same event again (an outbox re-send): nothing new is created or sent.
		await consume(testEnv, [event]);
		expect(sent).toEqual([]);
		expect(await deliveries(tenant, `?jobId=${event.jobId}`)).toHaveLength(2);
	});

	it("gives up after the eighth attempt, having waited the whole schedule", async () => {
		const tenant = await createTenant();
		serve("down.example", status(500));
		const event = jobEvent(tenant.id, { callbackUrl: "https://down.example/hook" });
		const sent: Sent[] = [];
		const testEnv = capturingEnv(sent);
		await consume(testEnv, [event]);
		const id = await deliveryId(tenant.id, event.eventId, "callback");
		const first = sent.shift();
		await consume(testEnv, [first?.body]);
		// Pending with a retry scheduled: a manual redelivery would race the schedule.
		const busy = await api(`/v1/webhooks/deliveries/${id}/redeliver`, as(tenant, { method: "POST" }));
		expect(busy.status).toBe(409);
		expect((await busy.json<{ error: { code: string } }>()).error.code).toBe("delivery_in_progress");
		const processed = [first, ...(await drain(testEnv, sent))];
		expect(processed.map((message) => message?.delaySeconds)).toEqual(
			[1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => scheduledDelaySeconds(id, attempt)),
		);
		expect(internet.at("down.example")).toHaveLength(8);
		const [logged] = await deliveries(tenant, `?jobId=${event.jobId}`);
		expect(logged).toMatchObject({
			status: "failed",
			attemptCount: 8,
			nextAttemptAt: null,
			lastStatusCode: 500,
		});
	});

	it("makes one request per attempt however often its message arrives", async () => {
		const tenant = await createTenant();
		serve("dup.example", status(500), ok);
		const event = jobEvent(tenant.id, { callbackUrl: "https://dup.example/hook" });
		const id = await deliveryId(tenant.id, event.eventId, "callback");
		const sent: Sent[] = [];
		const testEnv = capturingEnv(sent);
		await consume(testEnv, [event, event]);
		const firstAttempts = sent.splice(0);
		expect(firstAttempts.map((message) => message.body)).toEqual([
			{ kind: "delivery-attempt", tenantId: tenant.id, deliveryId: id, attempt: 1, manual: false },
			{ kind: "delivery-attempt", tenantId: tenant.id, deliveryId: id, attempt: 1, manual: false },
		]);
		await consume(
			testEnv,
			firstAttempts.map((message) => message.body),
		);
		expect(internet.at("dup.example")).toHaveLength(1);
		expect(sent.map((message) => message.delaySeconds)).toEqual([scheduledDelaySeconds(id, 2)]);
		// A late copy of attempt 1 sends attempt 2 again, in case its first send was lost.
		await consume(testEnv, [firstAttempts[0]?.body]);
		expect(sent).toHaveLength(2);
		expect(sent[1]?.delaySeconds).toBeLessThanOrEqual(scheduledDelaySeconds(id, 2) ?? 0);
		await drain(testEnv, sent);
		expect(internet.at("dup.example")).toHaveLength(2);
		const [logged] = await deliveries(tenant, `?jobId=${event.jobId}`);
		expect(logged).toMatchObject({ status: "succeeded", attemptCount: 2 });
	});

	it("records an attempt whose consumer died as interrupted, and carries on with the schedule", async () => {
		const tenant = await createTenant();
		serve("later.example", ok);
		const event = jobEvent(tenant.id, { callbackUrl: "https://later.example/hook" });
		const id = await deliveryId(tenant.id, event.eventId, "callback");
		const sent: Sent[] = [];
		const testEnv = capturingEnv(sent);
		await consume(testEnv, [event]);
		const [attempt] = sent.splice(0);
		// Attempt 1 was claimed three minutes ago by a consumer that never came back.
		await env.DB.prepare(
			"UPDATE webhook_deliveries SET attempts = 1, next_attempt_at = NULL, updated_at = ? WHERE id = ?",
		)
			.bind(Date.now() - 3 * 60_000, id)
			.run();
		await consume(testEnv, [attempt?.body]);
		expect(internet.at("later.example")).toEqual([]);
		expect(sent.map((message) => [message.body, message.delaySeconds])).toEqual([
			[
				{ kind: "delivery-attempt", tenantId: tenant.id, deliveryId: id, attempt: 2, manual: false },
				scheduledDelaySeconds(id, 2),
			],
		]);
		await drain(testEnv, sent);
		const [logged] = await deliveries(tenant, `?jobId=${event.jobId}`);
		expect(logged?.attempts.map((row) => [row.attempt, row.outcome, row.statusCode])).toEqual([
			[1, "failed", null],
			[2, "succeeded", 200],
		]);
	});

	it("disables an endpoint that answers 410 Gone, and sends it nothing more", async () => {
		const tenant = await createTenant();
		const endpoint = await createEndpoint(tenant, { url: "https://gone.example/hook" });
		serve("gone.example", status(410));
		const sent: Sent[] = [];
		const testEnv = capturingEnv(sent);
		await consume(testEnv, [jobEvent(tenant.id)]);
		await drain(testEnv, sent);
		expect(internet.at("gone.example")).toHaveLength(1);
		const [listed] = (
			await (
				await api("/v1/webhooks/endpoints", as(tenant))
			).json<{
				endpoints: { disabledAt: number | null; disabledReason: string }[];
			}>()
		).endpoints;
		expect(listed?.disabledAt).not.toBeNull();
		expect(listed?.disabledReason).toContain("410");
		await consume(testEnv, [jobEvent(tenant.id, { type: "job.failed" })]);
		expect(sent).toEqual([]);
		const [failed] = await deliveries(tenant, `?endpointId=${endpoint.id}`);
		expect(failed).toMatchObject({ status: "failed", attemptCount: 1, lastStatusCode: 410 });
	});

	it("never calls a private address, and does not retry it", async () => {
		const tenant = await createTenant();
		const event = jobEvent(tenant.id, { callbackUrl: "http://127.0.0.1:8787/hook" });
		const sent: Sent[] = [];
		const testEnv = capturingEnv(sent);
		await consume(testEnv, [event]);
		await drain(testEnv, sent);
		expect(internet.received).toEqual([]);
		const [logged] = await deliveries(tenant, `?jobId=${event.jobId}`);
		expect(logged).toMatchObject({ status: "failed", attemptCount: 1, lastStatusCode: null });
	});

	it("redelivers a finished delivery on request with the same webhook-id, once", async () => {
		const tenant = await createTenant();
		const secret = await rotateSecret(tenant);
		serve("again.example", ok);
		const event = jobEvent(tenant.id, { callbackUrl: "https://again.example/hook" });
		const sent: Sent[] = [];
		const testEnv = capturingEnv(sent);
		await consume(testEnv, [event]);
		await drain(testEnv, sent);
		const [delivered] = await deliveries(tenant, `?jobId=${event.jobId}`);
		expect(delivered?.status).toBe("succeeded");

		const redeliver = await api(
			`/v1/webhooks/deliveries/${delivered?.id}/redeliver`,
			as(tenant, { method: "POST" }),
		);
		expect(redeliver.status).toBe(202);
		expect((await redeliver.json<DeliveryView>()).status).toBe("pending");
		const [again] = await waitForDeliveries(
			tenant,
			`?jobId=${event.jobId}`,
			(rows) => rows[0]?.status === "succeeded",
		);
		expect(again?.attempts.map((attempt) => [attempt.attempt, attempt.statusCode, attempt.manual])).toEqual([
			[1, 200, false],
			[2, 200, true],
		]);
		expect(internet.at("again.example")).toHaveLength(2);
		expect(new Set(internet.received.map((request) => request.headers.get("webhook-id")))).toEqual(
			new Set([event.eventId]),
		);
		for (const request of internet.received) expect(verifies(secret, request)).toBe(true);

		const other = await createTenant();
		expect((await api(`/v1/webhooks/deliveries/${delivered?.id}`, as(other))).status).toBe(404);
		expect(
			(await api(`/v1/webhooks/deliveries/${delivered?.id}/redeliver`, as(other, { method: "POST" }))).status,
		).toBe(404);
	});
});

// ─── Crash safety ─────────────────────────────────────────────────────────────────────────────────

describe("crash safety", () => {
	it("delivers a job's terminal event exactly once when the coordinator crashes before the queue took it", async () => {
		const tenant = await createTenant();
		const secret = await rotateSecret(tenant);
		serve("client.example", ok);
		// The queue is down while the job finishes: the outbox keeps the event.
		const send = vi.spyOn(env.WEBHOOKS, "send").mockRejectedValue(new Error("queue unavailable"));
		cleanups.push(() => send.mockRestore());
		const submitted = await api(
			"/v1/research",
			as(tenant, {
				method: "POST",
				body: JSON.stringify({
					task: "What limits heat pump efficiency in cold climates?",
					sources: SAMPLE_SOURCES.slice(0, 2),
					swarmSize: 3,
					callbackUrl: "https://client.example/research-done",
				}),
			}),
		);
		expect(submitted.status).toBe(202);
		const { id } = await submitted.json<{ id: string }>();
		await waitForJob(id, undefined, 45_000, { authorization: `Bearer ${tenant.key}` });
		const stub = coordinator(id);
		const outbox = () =>
			runInDurableObject(stub, (_instance, state) =>
				state.storage.sql.exec<{ body: string; sent: number }>("SELECT body, sent FROM outbox").toArray(),
			);
		const [pending] = await outbox();
		expect(pending?.sent).toBe(0);
		const event = JSON.parse(pending?.body ?? "{}") as OutboundJobEvent;

		// The coordinator crashes; the queue comes back; the alarm re-sends the outbox, twice over.
		await evictDurableObject(stub);
		send.mockRestore();
		for (let run = 0; run < 2; run++) {
			await runInDurableObject(stub, (_instance, state) => {
				state.storage.sql.exec("UPDATE outbox SET sent = 0");
				return state.storage.setAlarm(Date.now());
			});
			await runDurableObjectAlarm(stub);
		}
		expect((await outbox())[0]?.sent).toBe(1);
		const [delivery, ...others] = await waitForDeliveries(
			tenant,
			`?jobId=${id}`,
			(rows) => rows[0]?.status === "succeeded",
		);
		expect(others).toEqual([]);
		expect(delivery).toMatchObject({ eventId: event.eventId, destination: "callback", attemptCount: 1 });
		// And a late duplicate straight to the consumer: nothing new is created or sent.
		const sent: Sent[] = [];
		await consume(capturingEnv(sent), [event]);
		expect(sent).toEqual([]);
		expect(await deliveries(tenant, `?jobId=${id}`)).toEqual([delivery]);
		expect(internet.received).toHaveLength(1);
		const [request] = internet.received;
		expect(request?.headers.get("webhook-id")).toBe(event.eventId);
		expect(request && verifies(secret, request)).toBe(true);
		expect(JSON.parse(request?.body ?? "{}")).toMatchObject({ type: "job.completed", data: { jobId: id } });
	});
});

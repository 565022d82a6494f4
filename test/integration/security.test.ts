import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../src/api/app";
import { developmentKeySpec } from "../../src/auth/secrets-keys";
import { guardedFetch } from "../../src/evidence/guarded-fetch";
import { dohResolver, type HostResolver, hostResolverFor } from "../../src/evidence/host-resolver";
import { ApiErrorBodySchema } from "../../src/protocol";
import { githubSignature } from "../../src/webhooks/github-signature";
import { signStandardWebhook } from "../../src/webhooks/standard-signature";
import { api, coordinator, holdAgents, postJson, sampleRequest, submit, TENANT, waitForJob } from "./harness";

type Tenant = { id: string; key: string; keyId: string };

/** Creates a tenant through the admin route (dev mode accepts the `local-admin` token). */
async function createTenant(
	options: {
		maxConcurrentJobs?: number;
		maxDailyJobs?: number;
		maxRequestsPerMinute?: number;
		maxActiveKeys?: number;
	} = {},
): Promise<Tenant> {
	const response = await postJson(
		"/v1/admin/tenants",
		{ name: `tenant ${crypto.randomUUID()}`, ...options },
		{ authorization: "Bearer local-admin" },
	);
	expect(response.status).toBe(201);
	const body = await response.json<{ tenant: { id: string }; apiKey: { id: string; key: string } }>();
	return { id: body.tenant.id, key: body.apiKey.key, keyId: body.apiKey.id };
}

function bearer(tenant: Tenant): Record<string, string> {
	return { authorization: `Bearer ${tenant.key}` };
}

function as(tenant: Tenant, init: RequestInit = {}): RequestInit {
	return {
		...init,
		headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${tenant.key}` },
	};
}

async function submitAs(tenant: Tenant, body: unknown): Promise<Response> {
	return api(
		"/v1/research",
		as(tenant, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify(body),
		}),
	);
}

describe("API keys", () => {
	it("are prefixed, shown once, stored only as a hash, and revocable", async () => {
		const tenant = await createTenant();
		expect(tenant.key).toMatch(/^rs_live_[A-Za-z0-9_-]{43}$/);
		const stored = await env.DB.prepare("SELECT * FROM api_keys WHERE id = ?")
			.bind(tenant.keyId)
			.first<Record<string, unknown>>();
		expect(JSON.stringify(stored)).not.toContain(tenant.key);
		expect(stored?.hash).toMatch(/^[0-9a-f]{64}$/);

		const created = await api(
			"/v1/keys",
			as(tenant, {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ name: "ci", environment: "test" }),
			}),
		);
		expect(created.status).toBe(201);
		const second = await created.json<{ id: string; key: string; prefix: string }>();
		expect(second.key).toMatch(/^rs_test_/);
		expect(second.prefix).toBe(second.key.slice(0, 12));

		const listed = await (await api("/v1/keys", as(tenant))).text();
		expect(listed).not.toContain(tenant.key);
		expect(listed).not.toContain(second.key);
		expect(
			JSON.parse(listed)
				.keys.map((key: { id: string }) => key.id)
				.sort(),
		).toEqual([tenant.keyId, second.id].sort());

		expect((await api(`/v1/keys/${second.id}`, as(tenant, { method: "DELETE" }))).status).toBe(204);
		const revoked = await api("/v1/research", { headers: { authorization: `Bearer ${second.key}` } });
		expect(revoked.status).toBe(401);
		expect((await api("/v1/research", as(tenant))).status).toBe(200);
	});

	it("refuses missing, malformed, unknown keys and a wrong admin token with 401 JSON", async () => {
		const production = { ...env, DEV_MODE: "false" };
		for (const authorization of [undefined, "Bearer nope", "Basic abc", `Bearer rs_live_${"A".repeat(43)}`]) {
			const response = await app.request(
				"/v1/research",
				{ headers: authorization ? { authorization } : {} },
				production,
			);
			expect(response.status).toBe(401);
			expect(ApiErrorBodySchema.parse(await response.json()).error.code).toBe("unauthorized");
		}
		const admin = await app.request(
			"/v1/admin/tenants",
			{
				method: "POST",
				headers: { authorization: "Bearer local-admin", "content-type": "application/json" },
				body: "{}",
			},
			production,
		);
		expect(admin.status).toBe(401);
	});

	it("never lets dev mode serve a production deployment", async () => {
		const response = await app.request(
			"/v1/research",
			{},
			{ ...env, ENVIRONMENT: "production", DEV_MODE: "true" },
		);
		expect(response.status).toBe(503);
		expect(ApiErrorBodySchema.parse(await response.json()).error.code).toBe("misconfigured");
	});
});

describe("tenant isolation", () => {
	it("hides every job, event stream, report, cancel and key of one tenant from another (404, never 403)", async () => {
		const owner = await createTenant();
		const other = await createTenant();
		const submitted = await submitAs(owner, sampleRequest({ swarmSize: 3 }));
		expect(submitted.status).toBe(202);
		const { id } = await submitted.json<{ id: string }>();
		await waitForJob(id, undefined, undefined, bearer(owner));

		for (const [path, method] of [
			[`/v1/research/${id}`, "GET"],
			[`/v1/research/${id}/events`, "GET"],
			[`/v1/research/${id}/report?format=json`, "GET"],
			[`/v1/research/${id}/report?format=html`, "GET"],
			[`/v1/research/${id}/provenance`, "GET"],
			[`/v1/research/${id}/cancel`, "POST"],
			[`/v1/keys/${owner.keyId}`, "DELETE"],
		] as const) {
			const response = await api(path, as(other, { method }));
			expect(response.status, `${method} ${path}`).toBe(404);
		}
		const listed = await (await api("/v1/research?limit=100", as(other))).json<{ jobs: { id: string }[] }>();
		expect(listed.jobs.map((job) => job.id)).not.toContain(id);
		const ownerPatterns = await (await api("/v1/patterns?k=20", as(owner))).json<{
			patterns: { id: string }[];
		}>();
		expect(ownerPatterns.patterns.length).toBeGreaterThan(0);
		const otherPatterns = await (
			await api(`/v1/patterns?k=20&q=${encodeURIComponent(sampleRequest().task)}`, as(other))
		).json<{ patterns: unknown[] }>();
		expect(otherPatterns.patterns).toEqual([]);
		for (const pattern of ownerPatterns.patterns) {
			expect((await api(`/v1/patterns/${pattern.id}`, as(other))).status).toBe(404);
		}
		const keys = await (await api("/v1/keys", as(other))).json<{ keys: { id: string }[] }>();
		expect(keys.keys.map((key) => key.id)).toEqual([other.keyId]);
		// Dev mode's tenant `local` is just another tenant.
		expect((await api(`/v1/research/${id}`)).status).toBe(404);

		expect((await api(`/v1/research/${id}`, as(owner))).status).toBe(200);
		expect((await api(`/v1/research/${id}/provenance`, as(owner))).status).toBe(200);
		const objects = await env.ARTIFACTS.list({ prefix: `reports/${owner.id}/${id}.` });
		// Three renderings of the report and its provenance record.
		expect(objects.objects).toHaveLength(4);
		expect((await env.ARTIFACTS.list({ prefix: `reports/${other.id}/` })).objects).toHaveLength(0);
		const evidence = await env.ARTIFACTS.list({ prefix: `evidence/${owner.id}/` });
		expect(evidence.objects.length).toBeGreaterThan(0);
	});
});

describe("limits", () => {
	it("admits exactly the concurrent quota under concurrent submissions, with 429 and Retry-After", async () => {
		const gate = holdAgents();
		try {
			const tenant = await createTenant({ maxConcurrentJobs: 3, maxDailyJobs: 5 });
			const responses = await Promise.all(
				Array.from({ length: 8 }, () => submitAs(tenant, sampleRequest({ swarmSize: 3 }))),
			);
			const statuses = responses.map((response) => response.status).sort();
			expect(statuses).toEqual([202, 202, 202, 429, 429, 429, 429, 429]);
			for (const response of responses.filter((candidate) => candidate.status === 429)) {
				expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
				expect(ApiErrorBodySchema.parse(await response.json()).error.code).toBe("quota_exceeded");
			}
			expect(await env.TENANT_QUOTA.getByName(tenant.id).activeJobs()).toHaveLength(3);
			gate.release();
			const accepted = await Promise.all(
				responses
					.filter((response) => response.status === 202)
					.map((response) => response.json<{ id: string }>()),
			);
			for (const { id } of accepted) await waitForJob(id, undefined, undefined, bearer(tenant));
			// Slots come back when jobs end; the daily quota (5) still counts the three.
			await expect
				.poll(() => env.TENANT_QUOTA.getByName(tenant.id).activeJobs(), { timeout: 10_000 })
				.toEqual([]);
			const more = await Promise.all(
				Array.from({ length: 3 }, () => submitAs(tenant, sampleRequest({ swarmSize: 3 }))),
			);
			const moreStatuses = more.map((response) => response.status).sort();
			expect(moreStatuses).toEqual([202, 202, 429]);
			const daily = more.find((response) => response.status === 429);
			expect((await daily?.json<{ error: { details: { reason: string } } }>())?.error.details.reason).toBe(
				"daily",
			);
		} finally {
			gate.release();
			gate.restore();
		}
	});

	it("limits requests per API key with 429 and Retry-After", async () => {
		await awayFromWindowEdge();
		const tenant = await createTenant();
		const statuses: number[] = [];
		let limited: Response | null = null;
		for (let index = 0; index < 130 && limited === null; index++) {
			const response = await api("/v1/keys", as(tenant));
			statuses.push(response.status);
			if (response.status === 429) limited = response;
		}
		expect(limited).not.toBeNull();
		const retryAfter = Number(limited?.headers.get("retry-after"));
		expect(retryAfter).toBeGreaterThanOrEqual(1);
		expect(retryAfter).toBeLessThanOrEqual(60);
		expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(120);
	});

	it("caps the number of URL sources", async () => {
		const sources = Array.from({ length: 21 }, (_, index) => ({ url: `https://example.com/${index}` }));
		const response = await postJson("/v1/research", { task: "t", sources });
		expect(response.status).toBe(400);
	});
});

describe("cancel versus report", () => {
	it("leaves no report objects when a cancel lands while the report is being built", async () => {
		const gate = holdAgents();
		try {
			const id = await submit(sampleRequest({ swarmSize: 3 }));
			await waitForJob(id, ["running"]);
			const outcome = await runInDurableObject(coordinator(id), async (instance) => {
				// The agents are held, so the job only reaches its report the way a deadline brings it there.
				const state = structuredClone(instance.store.state);
				if (!state) throw new Error("the job has no state");
				for (const task of state.tasks) {
					if (task.status !== "completed" && task.status !== "failed") task.status = "skipped";
				}
				state.status = "synthesizing";
				instance.store.commit({ state, events: [], notify: [] }, Date.now());
				// The alarm starts building the report and yields at its first read; the cancel lands then.
				const building = instance.alarm();
				const cancel = await instance.cancel(TENANT);
				await building;
				return cancel;
			});
			expect(outcome).toEqual({ cancelled: true, status: "cancelled" });
			expect((await waitForJob(id)).status).toBe("cancelled");
			const objects = await env.ARTIFACTS.list({ prefix: `reports/${TENANT}/${id}.` });
			expect(objects.objects.map((object) => object.key)).toEqual([]);
			expect((await api(`/v1/research/${id}/report`)).status).not.toBe(200);
		} finally {
			gate.release();
			gate.restore();
		}
	});

	it("deletes report objects a build cut short by an eviction left behind when the job is cancelled", async () => {
		const gate = holdAgents();
		try {
			const id = await submit(sampleRequest({ swarmSize: 3 }));
			await waitForJob(id, ["running"]);
			// What a report build writes before the object is evicted, short of committing the job completed.
			for (const key of ["json", "md", "provenance.json"]) {
				await env.ARTIFACTS.put(`reports/${TENANT}/${id}.${key}`, "{}");
			}
			await runInDurableObject(coordinator(id), async (instance) => {
				const state = structuredClone(instance.store.state);
				if (!state) throw new Error("the job has no state");
				state.status = "synthesizing";
				instance.store.commit({ state, events: [], notify: [] }, Date.now());
				await instance.cancel(TENANT);
			});
			expect((await waitForJob(id)).status).toBe("cancelled");
			const objects = await env.ARTIFACTS.list({ prefix: `reports/${TENANT}/${id}.` });
			expect(objects.objects.map((object) => object.key)).toEqual([]);
		} finally {
			gate.release();
			gate.restore();
		}
	});
});

describe("GitHub hook replay", () => {
	it("does not start a second job when a signed body is replayed under a new delivery id", async () => {
		const gate = holdAgents();
		try {
			const tenant = await createTenant();
			const saved = await api(
				"/v1/webhooks/github",
				as(tenant, {
					method: "PUT",
					headers: { "content-type": "application/json" },
					body: JSON.stringify({ label: "research" }),
				}),
			);
			const { secret } = await saved.json<{ secret: string }>();
			const body = JSON.stringify({
				action: "created",
				comment: { id: 90210, body: "/research heat pump defrost cycles", user: { type: "User" } },
				issue: { number: 12, title: "Defrost", body: null, labels: [] },
				repository: { full_name: "octo/heat-pumps" },
			});
			// What a receiver of the first delivery (or anyone on its path) holds: the body and its signature.
			const signature = await githubSignature(secret, new TextEncoder().encode(body));
			const deliver = (delivery: string) =>
				api(`/v1/hooks/github/${tenant.id}`, {
					method: "POST",
					headers: {
						"content-type": "application/json",
						"x-github-event": "issue_comment",
						"x-github-delivery": delivery,
						"x-hub-signature-256": signature,
					},
					body,
				});
			const first = await deliver(crypto.randomUUID());
			expect(first.status).toBe(202);
			const { id } = await first.json<{ id: string }>();
			const replayed = await deliver(crypto.randomUUID());
			expect(replayed.status).toBe(200);
			const answer = await replayed.json<{ started: boolean; reason: string; duplicateOf: string }>();
			expect(answer).toMatchObject({ started: false, duplicateOf: id });
			expect(answer.reason).toMatch(/^duplicate/);
			const jobs = await env.DB.prepare("SELECT id FROM jobs WHERE tenant_id = ?").bind(tenant.id).all();
			expect(jobs.results.map((row) => row.id)).toEqual([id]);
		} finally {
			gate.release();
			gate.restore();
		}
	});
});

/** POSTs a signed `research.requested` to the tenant's inbound Standard Webhooks route. */
async function standardHook(
	tenantId: string,
	secret: string,
	messageId: string,
	environment?: Env,
): Promise<Response> {
	const body = JSON.stringify({ type: "research.requested", data: sampleRequest({ swarmSize: 3 }) });
	const headers = signStandardWebhook([secret], messageId, Math.floor(Date.now() / 1000), body);
	const init = { method: "POST", headers: { "content-type": "application/json", ...headers }, body };
	const path = `/v1/hooks/standard/${tenantId}`;
	return environment ? app.request(path, init, environment) : api(path, init);
}

async function newSecret(tenant: Tenant, kind: "signing" | "inbound"): Promise<string> {
	const response = await api(`/v1/webhooks/${kind}-secret`, as(tenant, { method: "POST" }));
	expect(response.status).toBe(201);
	return (await response.json<{ secret: string }>()).secret;
}

async function saveGithub(tenant: Tenant, token: string): Promise<string> {
	const response = await api(
		"/v1/webhooks/github",
		as(tenant, {
			method: "PUT",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ token }),
		}),
	);
	expect(response.status).toBe(200);
	return (await response.json<{ secret: string }>()).secret;
}

/** Every stored secret row of a tenant, as D1 holds it. */
async function secretRows(tenantId: string): Promise<Record<string, unknown>[]> {
	const rows: Record<string, unknown>[] = [];
	for (const table of ["webhook_signing_secrets", "webhook_inbound_secrets", "github_integrations"]) {
		const { results } = await env.DB.prepare(`SELECT * FROM ${table} WHERE tenant_id = ?`)
			.bind(tenantId)
			.all();
		rows.push(...results);
	}
	return rows;
}

describe("one secret per direction", () => {
	it("does not accept the outbound signing secret on the inbound hook", async () => {
		const gate = holdAgents();
		try {
			const tenant = await createTenant();
			// What every callback receiver holds to verify deliveries.
			const signing = await newSecret(tenant, "signing");
			const before = await standardHook(tenant.id, signing, "msg_receiver_1");
			expect(before.status).toBe(401);
			expect(ApiErrorBodySchema.parse(await before.json()).error.code).toBe("inbound_secret_missing");

			const inbound = await newSecret(tenant, "inbound");
			expect(inbound).not.toBe(signing);
			const forged = await standardHook(tenant.id, signing, "msg_receiver_2");
			expect(forged.status).toBe(401);
			expect(ApiErrorBodySchema.parse(await forged.json()).error.code).toBe("invalid_signature");
			const jobs = await env.DB.prepare("SELECT COUNT(*) AS n FROM jobs WHERE tenant_id = ?")
				.bind(tenant.id)
				.first<{ n: number }>();
			expect(jobs?.n).toBe(0);

			expect((await standardHook(tenant.id, inbound, "msg_sender_1")).status).toBe(202);
			// Rotating one leaves the other as it was.
			await newSecret(tenant, "signing");
			expect((await standardHook(tenant.id, inbound, "msg_sender_2")).status).toBe(202);
		} finally {
			gate.release();
			gate.restore();
		}
	});
});

describe("secrets at rest", () => {
	it("stores no webhook secret or GitHub token readable in D1", async () => {
		const tenant = await createTenant();
		const token = "ghp_plaintextTokenThatMustNotBeStored0001";
		const secrets = [
			await newSecret(tenant, "signing"),
			await newSecret(tenant, "signing"), // the previous one is kept for its grace period
			await newSecret(tenant, "inbound"),
			await saveGithub(tenant, token),
		];
		const rows = await secretRows(tenant.id);
		expect(rows).toHaveLength(3);
		const stored = JSON.stringify(rows);
		for (const secret of [...secrets, token]) {
			expect(stored).not.toContain(secret);
			expect(stored).not.toContain(secret.replace(/^whsec_/, ""));
		}
		for (const row of rows) {
			for (const column of ["secret", "previous_secret", "token"]) {
				if (typeof row[column] === "string") expect(row[column]).toMatch(/^sb1\.dev\./);
			}
		}
	});

	it("seals rows written in plain text before, and re-seals everything under a new key", async () => {
		const gate = holdAgents();
		try {
			const tenant = await createTenant();
			const legacy = "whsec_bGVnYWN5IHBsYWluIHRleHQgc2VjcmV0IDAxMjM0NTY3";
			const now = Date.now();
			await env.DB.prepare(
				"INSERT INTO webhook_inbound_secrets (tenant_id, secret, created_at) VALUES (?, ?, ?)",
			)
				.bind(tenant.id, legacy, now)
				.run();
			await env.DB.prepare(
				"INSERT INTO github_integrations (tenant_id, secret, label, token, created_at, updated_at) VALUES (?, ?, 'research', ?, ?, ?)",
			)
				.bind(tenant.id, "legacy-github-secret", "ghp_legacyToken", now, now)
				.run();
			// Plain rows keep working until they are sealed.
			expect((await standardHook(tenant.id, legacy, "msg_legacy_1")).status).toBe(202);

			const admin = { method: "POST", headers: { authorization: "Bearer local-admin" } };
			const sealed = await api("/v1/admin/secrets/reseal", admin);
			expect(sealed.status).toBe(200);
			expect((await sealed.json<{ resealed: number }>()).resealed).toBeGreaterThanOrEqual(2);
			let stored = JSON.stringify(await secretRows(tenant.id));
			expect(stored).not.toContain(legacy);
			expect(stored).not.toContain("ghp_legacyToken");
			expect(stored).not.toContain("legacy-github-secret");
			expect((await standardHook(tenant.id, legacy, "msg_legacy_2")).status).toBe(202);
			const again = await api("/v1/admin/secrets/reseal", admin);
			expect(await again.json()).toMatchObject({ resealed: 0, skipped: 0 });

			// Key rotation: the new key first, the old one still listed while rows are re-sealed.
			const next = `k2:${"5e".repeat(32)}`;
			const during = { ...env, SECRETS_KEYS: `${next},${await developmentKeySpec()}` } as Env;
			const rotated = await app.request("/v1/admin/secrets/reseal", admin, during);
			expect((await rotated.json<{ resealed: number }>()).resealed).toBeGreaterThanOrEqual(2);
			stored = JSON.stringify(await secretRows(tenant.id));
			expect(stored).not.toContain("sb1.dev.");
			expect(stored).toContain("sb1.k2.");
			// With the old key gone, everything still opens.
			const after = { ...env, SECRETS_KEYS: next } as Env;
			expect((await standardHook(tenant.id, legacy, "msg_legacy_3", after)).status).toBe(202);
			// And nothing opens without a key outside dev mode: a clear 503, not a plain-text fallback.
			const unkeyed = { ...env, DEV_MODE: "false" } as Env;
			const refused = await standardHook(tenant.id, legacy, "msg_legacy_4", unkeyed);
			expect(refused.status).toBe(503);
			expect(ApiErrorBodySchema.parse(await refused.json()).error.code).toBe("secrets_key_missing");
		} finally {
			gate.release();
			gate.restore();
		}
	});
});

// ─── Hardening, round two: request ceilings, body limits, hook limits, callback URLs ─────────────

/**
 * Waits for the next minute when fewer than 15 s of the current one are left, so that a burst counted
 * in one-minute windows (the rate-limit bindings' and the tenant ceiling's) falls inside one window.
 */
async function awayFromWindowEdge(): Promise<void> {
	const left = 60_000 - (Date.now() % 60_000);
	if (left < 15_000) await new Promise((resolve) => setTimeout(resolve, left + 250));
}

/** POSTs `/v1/keys` as `tenant`. */
function createKeyAs(tenant: Tenant, name: string): Promise<Response> {
	return api(
		"/v1/keys",
		as(tenant, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ name }),
		}),
	);
}

/** Creates `count` more keys for `tenant` and returns every key it then holds, the first one first. */
async function mintKeys(tenant: Tenant, count: number): Promise<string[]> {
	const keys = [tenant.key];
	for (let index = 0; index < count; index++) {
		const response = await createKeyAs(tenant, `key ${index}`);
		expect(response.status).toBe(201);
		keys.push((await response.json<{ key: string }>()).key);
	}
	return keys;
}

/** GETs `/v1/keys` once per entry of `keys`, all at once, and returns the statuses in order. */
async function burst(keys: string[]): Promise<Response[]> {
	return Promise.all(keys.map((key) => api("/v1/keys", { headers: { authorization: `Bearer ${key}` } })));
}

describe("API keys and request ceilings per tenant", () => {
	it("caps a tenant's unrevoked keys at 20 by default, exactly under concurrent creation, with 409", async () => {
		const tenant = await createTenant();
		// The attack: mint 60 keys at once to multiply the per-key rate limit.
		const responses = await Promise.all(
			Array.from({ length: 59 }, (_, index) => createKeyAs(tenant, `minted ${index}`)),
		);
		expect(responses.filter((response) => response.status === 201)).toHaveLength(19);
		const refused = responses.filter((response) => response.status === 409);
		expect(refused).toHaveLength(40);
		const error = ApiErrorBodySchema.parse(await refused[0]?.json()).error;
		expect(error.code).toBe("key_limit");
		expect(error.message).toContain("20 unrevoked API keys");
		const keys = await (await api("/v1/keys", as(tenant))).json<{ keys: { id: string }[] }>();
		expect(keys.keys).toHaveLength(20);
		// A revoked key frees its place.
		const revoked = keys.keys.find((key) => key.id !== tenant.keyId);
		expect((await api(`/v1/keys/${revoked?.id}`, as(tenant, { method: "DELETE" }))).status).toBe(204);
		expect((await createKeyAs(tenant, "after revoking")).status).toBe(201);
		expect((await createKeyAs(tenant, "one too many")).status).toBe(409);
	});

	it("lets the admin set a tenant's key cap and request ceiling, and reset them to the defaults", async () => {
		const tenant = await createTenant({ maxActiveKeys: 2 });
		expect((await createKeyAs(tenant, "second")).status).toBe(201);
		expect((await createKeyAs(tenant, "third")).status).toBe(409);
		const admin = { authorization: "Bearer local-admin", "content-type": "application/json" };
		const patch = (id: string, body: unknown) =>
			api(`/v1/admin/tenants/${id}`, { method: "PATCH", headers: admin, body: JSON.stringify(body) });
		const raised = await patch(tenant.id, { maxActiveKeys: 3, maxRequestsPerMinute: 1000 });
		expect(raised.status).toBe(200);
		expect(await raised.json()).toMatchObject({
			tenantId: tenant.id,
			maxActiveKeys: 3,
			maxRequestsPerMinute: 1000,
		});
		expect((await createKeyAs(tenant, "third")).status).toBe(201);
		const reset = await patch(tenant.id, { maxActiveKeys: null, maxRequestsPerMinute: null });
		expect(await reset.json()).toMatchObject({ maxActiveKeys: 20, maxRequestsPerMinute: 360 });
		expect((await patch("tn_missing", { maxActiveKeys: 3 })).status).toBe(404);
		expect((await patch(tenant.id, { maxActiveKeys: 0 })).status).toBe(400);
		const withoutAdmin = await api(`/v1/admin/tenants/${tenant.id}`, {
			method: "PATCH",
			headers: { ...bearer(tenant), "content-type": "application/json" },
			body: JSON.stringify({ maxActiveKeys: 1000 }),
		});
		expect(withoutAdmin.status).toBe(401);
	});

	it("holds a tenant to its ceiling across all its keys, exactly, with 429 and Retry-After", async () => {
		await awayFromWindowEdge();
		const tenant = await createTenant({ maxRequestsPerMinute: 30 });
		const keys = await mintKeys(tenant, 4);
		// Four requests (the key creations) are already counted; 40 more, eight per key, all at once.
		const responses = await burst(Array.from({ length: 40 }, (_, index) => keys[index % keys.length] ?? ""));
		expect(responses.filter((response) => response.status === 200)).toHaveLength(26);
		const limited = responses.filter((response) => response.status === 429);
		expect(limited).toHaveLength(14);
		const retryAfter = Number(limited[0]?.headers.get("retry-after"));
		expect(retryAfter).toBeGreaterThanOrEqual(1);
		expect(retryAfter).toBeLessThanOrEqual(60);
		const body = await limited[0]?.json<{
			error: { code: string; details: { scope: string; limit: number } };
		}>();
		expect(body?.error).toMatchObject({ code: "rate_limited", details: { scope: "tenant", limit: 30 } });
		// Every key of the tenant is refused, while another tenant is not affected.
		expect((await burst(keys)).map((response) => response.status)).toEqual(keys.map(() => 429));
		expect((await api("/v1/keys", as(await createTenant()))).status).toBe(200);
	});

	it("stops many keys from multiplying the per-key limit: 360 a minute per tenant by default", async () => {
		await awayFromWindowEdge();
		const tenant = await createTenant();
		const keys = await mintKeys(tenant, 4);
		// 100 requests per key stay under each key's own 120, but 500 together pass the tenant's 360.
		const statuses: number[] = [];
		for (let round = 0; round < 5; round++) {
			const responses = await burst(
				Array.from({ length: 100 }, (_, index) => keys[index % keys.length] ?? ""),
			);
			statuses.push(...responses.map((response) => response.status));
		}
		expect(statuses.filter((status) => status === 200)).toHaveLength(360 - 4);
		expect(statuses.filter((status) => status === 429)).toHaveLength(500 - 356);
	});
});

/** A body of `chunks` MiB, made only as it is read; `pulled()` says how many chunks were read. */
function countingBody(chunks: number): { body: ReadableStream<Uint8Array>; pulled: () => number } {
	let pulls = 0;
	const body = new ReadableStream<Uint8Array>({
		pull(controller) {
			pulls += 1;
			if (pulls > chunks) controller.close();
			else controller.enqueue(new Uint8Array(1024 * 1024).fill(0x20));
		},
	});
	return { body, pulled: () => pulls };
}

/** POSTs a chunked (no Content-Length) 150 MiB JSON-typed body to `path`. */
async function postHugeChunked(
	path: string,
	headers: Record<string, string> = {},
): Promise<{ response: Response; pulled: number }> {
	const { body, pulled } = countingBody(150);
	const response = await api(path, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body,
		duplex: "half",
	} as RequestInit);
	await response.arrayBuffer();
	return { response, pulled: pulled() };
}

describe("request body limits", () => {
	it("refuses a 150 MiB chunked body on every route that takes one with 413, reading little of it", async () => {
		const admin = { authorization: "Bearer local-admin" };
		// [path, headers, most 1 MiB chunks the route may read]: 64 KiB routes read one, 12 MiB routes about 13.
		const routes: [string, Record<string, string>, number][] = [
			["/v1/keys", {}, 3],
			["/v1/learn", {}, 3],
			["/v1/webhooks/endpoints", {}, 3],
			["/v1/admin/tenants", admin, 3],
			["/v1/goals/plan", {}, 3],
			["/v1/research", {}, 15],
			["/mcp", {}, 15],
		];
		for (const [path, headers, mostChunks] of routes) {
			const { response, pulled } = await postHugeChunked(path, headers);
			expect(response.status, path).toBe(413);
			expect(pulled, path).toBeLessThanOrEqual(mostChunks);
		}
	});

	it("judges a body by its Content-Length before reading it, and lets bodies within the limit through", async () => {
		const declared = await api("/v1/keys", {
			method: "POST",
			headers: { "content-type": "application/json", "content-length": String(150 * 1024 * 1024) },
			body: "{}",
		});
		expect(declared.status).toBe(413);
		expect(ApiErrorBodySchema.parse(await declared.json()).error.code).toBe("payload_too_large");
		const padded = JSON.stringify({ name: "x".repeat(100), environment: "test" }).padEnd(60 * 1024, " ");
		const accepted = await api("/v1/keys", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: padded,
		});
		expect(accepted.status).toBe(201);
	});
});

describe("inbound hook rate limits", () => {
	it("limits one client address across tenants' hooks with 429 and Retry-After", async () => {
		await awayFromWindowEdge();
		const client = { "cf-connecting-ip": `198.51.100.${Math.floor(Math.random() * 250)}` };
		const statuses: number[] = [];
		for (let index = 0; index < 61; index++) {
			const response = await api(`/v1/hooks/standard/tn_${crypto.randomUUID().slice(0, 8)}`, {
				method: "POST",
				headers: { "content-type": "application/json", ...client },
				body: "{}",
			});
			statuses.push(response.status);
			if (response.status === 429) {
				expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
				expect((await response.json<{ error: { details: { scope: string } } }>()).error.details.scope).toBe(
					"client",
				);
			}
		}
		expect(statuses.slice(0, 60).every((status) => status === 401)).toBe(true);
		expect(statuses[60]).toBe(429);
		// Refused before the body is read: a 150 MiB chunked body is not pulled at all.
		const { response, pulled } = await postHugeChunked("/v1/hooks/github/tn_someone", client);
		expect(response.status).toBe(429);
		expect(pulled).toBeLessThanOrEqual(1);
	});

	it("limits one tenant's hook path across many client addresses", async () => {
		await awayFromWindowEdge();
		const path = `/v1/hooks/github/tn_${crypto.randomUUID().slice(0, 8)}`;
		const statuses: number[] = [];
		for (let index = 0; index < 121; index++) {
			const response = await api(path, {
				method: "POST",
				headers: {
					"content-type": "application/json",
					"cf-connecting-ip": `2001:db8::${index.toString(16)}`,
				},
				body: "{}",
			});
			statuses.push(response.status);
		}
		expect(statuses.slice(0, 120).every((status) => status === 401)).toBe(true);
		expect(statuses[120]).toBe(429);
	});
});

describe("callback URLs", () => {
	it("refuses a callbackUrl at submit with the check endpoint creation uses, and starts nothing", async () => {
		const tenant = await createTenant();
		for (const callbackUrl of [
			"http://127.0.0.1/hook",
			"http://localhost:8080/hook",
			"http://[::ffff:7f00:1]/hook",
			"http://2130706433/hook",
			"http://metadata.google.internal/hook",
			"https://example.com:6379/hook",
		]) {
			const submitted = await submitAs(tenant, sampleRequest({ callbackUrl }));
			expect(submitted.status, callbackUrl).toBe(400);
			const submitError = ApiErrorBodySchema.parse(await submitted.json()).error;
			const endpoint = await api(
				"/v1/webhooks/endpoints",
				as(tenant, {
					method: "POST",
					headers: { "content-type": "application/json" },
					body: JSON.stringify({ url: callbackUrl }),
				}),
			);
			expect(endpoint.status, callbackUrl).toBe(400);
			const endpointError = ApiErrorBodySchema.parse(await endpoint.json()).error;
			expect(submitError).toEqual(endpointError);
			expect(submitError.code).toBe("url_not_allowed");
		}
		const jobs = await (await api("/v1/research", as(tenant))).json<{ jobs: unknown[] }>();
		expect(jobs.jobs).toEqual([]);
		expect(await env.TENANT_QUOTA.getByName(tenant.id).activeJobs()).toEqual([]);
		const accepted = await submitAs(tenant, sampleRequest({ callbackUrl: "https://example.com/hook" }));
		expect(accepted.status).toBe(202);
	});
});

/** A page server that counts the requests it gets: any request reaching it means the guard let it through. */
function countingServer(): { fetchImpl: typeof fetch; requested: string[] } {
	const requested: string[] = [];
	const fetchImpl: typeof fetch = async (input) => {
		requested.push(String(input));
		return new Response("<p>inside</p>", { headers: { "content-type": "text/html" } });
	};
	return { fetchImpl, requested };
}

/** A DNS-over-HTTPS JSON server answering from `records` (name → addresses); other names are NXDOMAIN. */
function dohServer(records: Record<string, string[]>): typeof fetch {
	return async (input) => {
		const url = new URL(String(input));
		const name = url.searchParams.get("name") ?? "";
		const type = url.searchParams.get("type") === "AAAA" ? 28 : 1;
		const addresses = records[name];
		if (addresses === undefined) return Response.json({ Status: 3, Question: [{ name, type }] });
		const Answer = addresses
			.filter((address) => address.includes(":") === (type === 28))
			.map((data) => ({ name: `${name}.`, type, TTL: 60, data }));
		return Response.json({ Status: 0, Question: [{ name, type }], Answer });
	};
}

describe("names that resolve to private addresses", () => {
	it("refuses a public-looking name an injected resolver maps to 127.0.0.1, before any request", async () => {
		const server = countingServer();
		const resolveHost: HostResolver = async () => ({ ok: true, addresses: ["93.184.215.14", "127.0.0.1"] });
		const result = await guardedFetch("https://innocent-looking.example.com/page", {
			fetchImpl: server.fetchImpl,
			resolveHost,
		});
		expect(result).toMatchObject({ ok: false, reason: "blocked" });
		expect(!result.ok && result.detail).toContain("resolves to 127.0.0.1, loopback (127.0.0.0/8)");
		expect(server.requested).toEqual([]);
	});

	it("refuses internal names and numeric host forms without a lookup, and resolves only where configured", async () => {
		const server = countingServer();
		// The attack first: a public-looking name whose lookup says 127.0.0.1 is not fetched.
		const loopback: HostResolver = async () => ({ ok: true, addresses: ["127.0.0.1"] });
		const resolved = await guardedFetch("https://looks-public.example.com/", {
			fetchImpl: server.fetchImpl,
			resolveHost: loopback,
		});
		expect(resolved.ok).toBe(false);
		const lookups: string[] = [];
		const resolveHost: HostResolver = async (hostname) => {
			lookups.push(hostname);
			return { ok: true, addresses: ["93.184.215.14"] };
		};
		for (const url of [
			"http://localhost/",
			"http://api.localhost/",
			"http://printer.local/",
			"http://metadata.google.internal/",
			"http://2130706433/",
			"http://0x7f.0.0.1/",
			"http://0177.0.0.1/",
			"http://[::ffff:127.0.0.1]/",
			"http://[::1]/",
		]) {
			const result = await guardedFetch(url, { fetchImpl: server.fetchImpl, resolveHost });
			expect(result.ok, url).toBe(false);
		}
		expect(server.requested).toEqual([]);
		expect(lookups).toEqual([]);
		expect(hostResolverFor({ DOH_RESOLVER_URL: "" })).toBeNull();
		expect(hostResolverFor({})).toBeNull();
		expect(hostResolverFor({ DOH_RESOLVER_URL: "https://cloudflare-dns.com/dns-query" })).toBeTypeOf(
			"function",
		);
		// The tests never reach a public host: their Worker has no resolver configured.
		expect(hostResolverFor(env)).toBeNull();
	});

	it("asks the DoH resolver for A and AAAA, refuses private answers, unknown names and a silent resolver", async () => {
		const resolveHost = dohResolver({
			url: "https://dns.test/dns-query",
			fetchImpl: dohServer({
				"loopback.example.com": ["127.0.0.1"],
				"mapped.example.com": ["::ffff:a9fe:a9fe"],
				"metadata.example.net": ["169.254.169.254"],
				"public.example.org": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
			}),
		});
		const server = countingServer();
		const fetchVia = (url: string, resolver: HostResolver = resolveHost) =>
			guardedFetch(url, { fetchImpl: server.fetchImpl, resolveHost: resolver });
		for (const [url, detail] of [
			["http://loopback.example.com/", "resolves to 127.0.0.1, loopback"],
			["https://mapped.example.com/", "IPv4-mapped 169.254.169.254"],
			["https://metadata.example.net:8443/", "link-local and cloud metadata"],
			["https://only-in-a-hosts-file.example.com/", "does not resolve in public DNS (NXDOMAIN)"],
		] as const) {
			const refused = await fetchVia(url);
			expect(refused.ok, url).toBe(false);
			expect(!refused.ok && refused.detail, url).toContain(detail);
		}
		const silent = dohResolver({
			url: "https://dns.test/dns-query",
			fetchImpl: async () => {
				throw new TypeError("getaddrinfo ENOTFOUND dns.test");
			},
		});
		const unchecked = await fetchVia("https://public.example.org/", silent);
		expect(unchecked).toMatchObject({ ok: false, reason: "blocked" });
		expect(!unchecked.ok && unchecked.detail).toContain("could not be checked");
		expect(server.requested).toEqual([]);
		const fetched = await fetchVia("https://public.example.org/");
		expect(fetched.ok).toBe(true);
		expect(server.requested).toEqual(["https://public.example.org/"]);
	});

	it("looks up the name of every redirect hop", async () => {
		const requested: string[] = [];
		const fetchImpl: typeof fetch = async (input) => {
			requested.push(String(input));
			return new Response(null, { status: 302, headers: { location: "https://rebound.example.com/admin" } });
		};
		const resolveHost = dohResolver({
			url: "https://dns.test/dns-query",
			fetchImpl: dohServer({ "start.example.org": ["93.184.215.14"], "rebound.example.com": ["10.0.0.5"] }),
		});
		const result = await guardedFetch("https://start.example.org/", { fetchImpl, resolveHost });
		expect(!result.ok && result.detail).toContain("redirect target refused");
		expect(!result.ok && result.detail).toContain("rebound.example.com resolves to 10.0.0.5");
		expect(requested).toEqual(["https://start.example.org/"]);
	});
});

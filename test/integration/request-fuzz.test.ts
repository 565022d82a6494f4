/**
 * Property tests over every request the API takes: mutated and random bodies, headers and query strings
 * get a 2xx when they happen to be valid and otherwise a 4xx JSON error `{ error: { code, message } }`,
 * never a 5xx.
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiErrorBodySchema } from "../../src/protocol";
import { api, sampleRequest, submit, waitForJob } from "./harness";

/** Cases per property: enough to reach every route and field many times, few enough for ~30 s in all. */
const RUNS = 150;
/** Bodies above this are refused with 413 (the submit route's limit). */
const MAX_BODY_BYTES = 12 * 1024 * 1024;

type Sent = { method: string; path: string; headers: Record<string, string>; body?: string };

/** A job that has completed, so its event stream ends and its report exists. */
let finishedJobId = "";

beforeAll(async () => {
	finishedJobId = await submit(sampleRequest({ swarmSize: 3 }));
	await waitForJob(finishedJobId);
});

function describeSent(sent: Sent): string {
	const body = sent.body === undefined ? "" : ` body ${sent.body.slice(0, 200)}`;
	return `${sent.method} ${sent.path.slice(0, 200)} headers ${JSON.stringify(sent.headers).slice(0, 300)}${body}`;
}

/**
 * Sends a request and checks its answer: 2xx, or 4xx with a JSON error body. A job the request happened
 * to create is cancelled at once, so valid submissions do not pile up work for the rest of the file.
 */
async function expectNoServerError(sent: Sent): Promise<void> {
	const response = await api(sent.path, {
		method: sent.method,
		headers: sent.headers,
		...(sent.body === undefined ? {} : { body: sent.body }),
	});
	const text = await response.text();
	const label = `${describeSent(sent)} → ${response.status} ${text.slice(0, 300)}`;
	expect(response.status, label).toBeLessThan(500);
	expect(response.status, label).toBeGreaterThanOrEqual(200);
	expect(response.status < 300 || response.status >= 400, label).toBe(true);
	if (response.status >= 400) {
		expect(response.headers.get("content-type"), label).toMatch(/^application\/json/);
		const parsed = ApiErrorBodySchema.safeParse(JSON.parse(text));
		expect(parsed.success, label).toBe(true);
		expect(parsed.data?.error.code, label).toMatch(/^[a-z_]+$/);
	}
	if (response.status === 202 && sent.method === "POST" && sent.path.startsWith("/v1/research")) {
		const { id } = JSON.parse(text) as { id: string };
		const cancelled = await api(`/v1/research/${id}/cancel`, { method: "POST" });
		expect([200, 409], `cancel ${id}`).toContain(cancelled.status);
		await cancelled.text();
	}
}

// ─── Values ───────────────────────────────────────────────────────────────────────────────────────

function nested(depth: number): unknown {
	let value: unknown = "bottom";
	for (let level = 0; level < depth; level++) value = level % 2 === 0 ? [value] : { deeper: value };
	return value;
}

/** Wrong types, edge numbers, NaN-like strings, control and bidi characters, structures where scalars belong. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
	fc.constantFrom<unknown>(
		null,
		true,
		false,
		0,
		-1,
		-0,
		1.5,
		1e308,
		-1e308,
		2 ** 53 + 2,
		Number.MAX_SAFE_INTEGER,
		Number.MIN_SAFE_INTEGER,
		"NaN",
		"Infinity",
		"-Infinity",
		"1e999",
		"0x10",
		"5",
		"",
		" ",
		"\u0000",
		"\u202e\u2066evil\u2069",
		"\ud800",
		"null",
		"undefined",
		"[object Object]",
		"javascript:alert(1)",
		"http://169.254.169.254/latest/meta-data/",
		"<script>alert(1)</script>",
		[],
		{},
		[null],
		{ task: "nested" },
		{ title: "t", text: "x", extra: true },
		{ url: "http://127.0.0.1/" },
		Array.from({ length: 51 }, (_, index) => ({ title: `t${index}`, text: "x" })),
		Array.from({ length: 21 }, () => ({ url: "http://10.0.0.1/" })),
		Object.fromEntries(Array.from({ length: 33 }, (_, index) => [`k${index}`, index])),
		"x".repeat(4001),
		"x".repeat(200_001),
	),
	fc.integer(),
	fc.double(),
	fc.string({ unit: "binary", maxLength: 40 }),
	fc.string({ unit: "grapheme", maxLength: 40 }),
	fc.jsonValue({ maxDepth: 3 }),
	fc.integer({ min: 1, max: 400 }).map(nested),
);

/** A path into the request body: a known field, a nested field, or a key the schema does not know. */
const bodyPath: fc.Arbitrary<(string | number)[]> = fc.oneof(
	fc.constantFrom<(string | number)[]>(
		["task"],
		["depth"],
		["timeMinutes"],
		["swarmSize"],
		["singleAgent"],
		["maxConcurrent"],
		["focus"],
		["antiHallucination"],
		["citations"],
		["provider"],
		["model"],
		["costOptimize"],
		["budgetUsd"],
		["sources"],
		["sources", 0],
		["sources", 0, "title"],
		["sources", 0, "text"],
		["sources", 1, "url"],
		["sources", 2, "extra"],
		["formats"],
		["formats", 0],
		["metadata"],
		["metadata", "origin"],
		["metadata", "__proto__"],
		["metadata", "constructor"],
		["__proto__"],
		["constructor"],
		["toString"],
	),
	fc.string({ maxLength: 20 }).map((key) => [key]),
);

/** Sets `value` at `path`, as an own property even for `__proto__`; paths through a scalar are dropped. */
function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown): void {
	let node: unknown = target;
	for (const key of path.slice(0, -1)) {
		if (typeof node !== "object" || node === null) return;
		node = (node as Record<string | number, unknown>)[key];
	}
	const last = path.at(-1);
	if (typeof node !== "object" || node === null || last === undefined) return;
	Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
}

function deleteAt(target: Record<string, unknown>, path: (string | number)[]): void {
	let node: unknown = target;
	for (const key of path.slice(0, -1)) {
		if (typeof node !== "object" || node === null) return;
		node = (node as Record<string | number, unknown>)[key];
	}
	const last = path.at(-1);
	if (typeof node === "object" && node !== null && last !== undefined) {
		delete (node as Record<string | number, unknown>)[last];
	}
}

type Mutation = { path: (string | number)[]; value: unknown } | { path: (string | number)[]; remove: true };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	{ weight: 4, arbitrary: fc.record({ path: bodyPath, value: hostileValue }) },
	{ weight: 1, arbitrary: fc.record({ path: bodyPath, remove: fc.constant(true as const) }) },
);

/** A valid sample request with one to four fields mutated. */
const mutatedBody: fc.Arbitrary<string> = fc
	.array(mutation, { minLength: 1, maxLength: 4 })
	.map((mutations) => {
		const body = structuredClone(sampleRequest()) as unknown as Record<string, unknown>;
		for (const change of mutations) {
			if ("remove" in change) deleteAt(body, change.path);
			else setAt(body, change.path, change.value);
		}
		return JSON.stringify(body);
	});

/** Bodies that are not a request at all: random JSON, broken JSON, numbers JSON cannot hold, deep nesting. */
const randomBody: fc.Arbitrary<string> = fc.oneof(
	fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
	fc.string({ unit: "binary", maxLength: 200 }),
	fc.constantFrom(
		"",
		"{",
		'{"task":',
		'{"task":"a",}',
		"\ufeff{}",
		"[]",
		"null",
		"1e999",
		'{"task":"a","depth":1e999}',
		'{"task":"a","depth":NaN}',
		'{"task":"a","task":"b"}',
		'{"task":"\\ud800"}',
		`{"task":"a","metadata":{"__proto__":{"polluted":true}}}`,
		`${"[".repeat(50_000)}${"]".repeat(50_000)}`,
		`${'{"a":'.repeat(20_000)}1${"}".repeat(20_000)}`,
		"[".repeat(100_000),
	),
);

// ─── Headers and query strings ────────────────────────────────────────────────────────────────────

const printable = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));
/**
 * Header values a client can send portably: printable ASCII, no control characters or line breaks
 * (runtimes refuse those, and re-encode anything beyond ASCII as UTF-8).
 */
const headerText = (maxLength: number) => fc.string({ unit: printable, maxLength });

const contentType = fc.oneof(
	{
		weight: 3,
		arbitrary: fc.constantFrom(
			"application/json",
			"application/json; charset=utf-8",
			"APPLICATION/JSON",
			'application/json;charset="utf-16"',
			"application/vnd.api+json",
			"application/json, text/plain",
			"text/plain",
			"text/json",
			"application/x-www-form-urlencoded",
			"multipart/form-data; boundary=----fuzz",
			"multipart/form-data",
			"",
			";",
			"*/*",
		),
	},
	{ weight: 1, arbitrary: headerText(80) },
);

const authorization = fc.oneof(
	headerText(120),
	headerText(60).map((token) => `Bearer ${token}`),
	fc
		.stringMatching(/^[A-Za-z0-9_-]{0,60}$/)
		.chain((token) =>
			fc.constantFrom(`Bearer rs_live_${token}`, `Bearer rs_test_${token}`, `bearer ${token}`),
		),
	fc.constantFrom(
		"Bearer",
		"Bearer ",
		"Basic bG9jYWw6YWRtaW4=",
		"Bearer local-admin extra",
		`Bearer rs_live_${"A".repeat(43)}`,
	),
);

/** Any subset of the headers the API reads, each with a hostile value. */
const headers: fc.Arbitrary<Record<string, string>> = fc.record(
	{
		authorization,
		"content-type": contentType,
		"idempotency-key": fc.oneof(headerText(300), fc.constantFrom("", " ", "a".repeat(255), "a".repeat(256))),
		"last-event-id": fc.oneof(
			headerText(30),
			fc.constantFrom("-1", "0", "1e3", "999999999999999", "9999999999999999", "NaN", "0x10", " 7"),
		),
		accept: fc.constantFrom("text/event-stream", "application/json", "*/*", "text/html", "garbage"),
	},
	{ requiredKeys: [] },
);

/** Base64 of UTF-8 text, as a cursor would be encoded. */
function base64(text: string): string {
	return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

const queryValue = fc.oneof(
	fc.constantFrom(
		"",
		"-1",
		"0",
		"1",
		"100",
		"101",
		"20.5",
		"1e3",
		"NaN",
		"Infinity",
		"completed",
		"COMPLETED",
		"html",
		"json",
		"markdown",
		"pdf",
		"%",
		"%zz",
		"%E0%A4%A",
		"%00",
	),
	headerText(40).map(encodeURIComponent),
	fc.string({ unit: "grapheme", maxLength: 20 }).map(encodeURIComponent),
	fc.jsonValue({ maxDepth: 2 }).map((value) => encodeURIComponent(base64(JSON.stringify(value)))),
	fc.tuple(fc.double(), fc.string({ maxLength: 10 })).map((pair) => base64(JSON.stringify(pair))),
);

const queryString: fc.Arbitrary<string> = fc
	.array(
		fc.tuple(
			fc.oneof(
				fc.constantFrom("status", "limit", "cursor", "format", "lastEventId", "format[]", "__proto__"),
				fc.string({ maxLength: 8 }).map(encodeURIComponent),
			),
			queryValue,
		),
		{ maxLength: 5 },
	)
	.map((pairs) => (pairs.length === 0 ? "" : `?${pairs.map(([key, value]) => `${key}=${value}`).join("&")}`));

/** A path segment for a job or key id: the finished job, an unknown id, or something no id looks like. */
const idSegment = fc.oneof(
	fc.constant("FINISHED"),
	fc.string({ maxLength: 70 }).map(encodeURIComponent),
	fc.constantFrom("%", "%zz", "..", "%2F..%2F", "%00", "a".repeat(65), "job_00000000000000000000000000"),
);

type Route = {
	method: string;
	path: (id: string) => string;
	/** A valid JSON body for routes that take one. */
	body?: unknown;
	/** Authorised by the admin token rather than an API key. */
	admin?: boolean;
};

/** Every route of the API, with the method it answers. */
const ROUTES: readonly Route[] = [
	{ method: "GET", path: () => "/v1/research" },
	{ method: "POST", path: () => "/v1/research", body: sampleRequest({ swarmSize: 3 }) },
	{ method: "GET", path: (id) => `/v1/research/${id}` },
	{ method: "GET", path: (id) => `/v1/research/${id}/events` },
	{ method: "GET", path: (id) => `/v1/research/${id}/report` },
	{ method: "POST", path: (id) => `/v1/research/${id}/cancel` },
	{ method: "GET", path: () => "/v1/keys" },
	{ method: "POST", path: () => "/v1/keys", body: { name: "fuzz" } },
	{ method: "DELETE", path: (id) => `/v1/keys/${id}` },
	{ method: "GET", path: () => "/v1/providers" },
	{ method: "POST", path: () => "/v1/admin/tenants", body: { name: "fuzz" }, admin: true },
];

const route = fc.constantFrom(...ROUTES);

function routePath(chosen: Route, id: string): string {
	return chosen.path(id === "FINISHED" ? finishedJobId : id);
}

// ─── Properties ───────────────────────────────────────────────────────────────────────────────────

describe("POST /v1/research under fuzzing", () => {
	it("answers mutated sample requests with 202 or a 4xx JSON error", async () => {
		await fc.assert(
			fc.asyncProperty(mutatedBody, async (body) => {
				await expectNoServerError({
					method: "POST",
					path: "/v1/research",
					headers: { "content-type": "application/json" },
					body,
				});
			}),
			{ numRuns: RUNS },
		);
	});

	it("answers random bodies under random content types and idempotency keys with a 4xx JSON error", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(randomBody, mutatedBody),
				contentType,
				fc.option(headerText(300), { nil: undefined }),
				async (body, type, idempotencyKey) => {
					await expectNoServerError({
						method: "POST",
						path: "/v1/research",
						headers: {
							"content-type": type,
							...(idempotencyKey === undefined ? {} : { "idempotency-key": idempotencyKey }),
						},
						body,
					});
				},
			),
			{ numRuns: RUNS },
		);
	});

	it("refuses a body over the size limit with 413", async () => {
		const response = await api("/v1/research", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ task: "x", metadata: { pad: "x".repeat(MAX_BODY_BYTES) } }),
		});
		expect(response.status).toBe(413);
		expect(ApiErrorBodySchema.parse(await response.json()).error.code).toBe("payload_too_large");
	});

	it("refuses a reused Idempotency-Key with another body as a 409 JSON error", async () => {
		const key = { "content-type": "application/json", "idempotency-key": `fuzz-${crypto.randomUUID()}` };
		await expectNoServerError({
			method: "POST",
			path: "/v1/research",
			headers: key,
			body: JSON.stringify(sampleRequest({ swarmSize: 3 })),
		});
		const conflict = await api("/v1/research", {
			method: "POST",
			headers: key,
			body: JSON.stringify(sampleRequest({ swarmSize: 4 })),
		});
		expect(conflict.status).toBe(409);
		expect(ApiErrorBodySchema.parse(await conflict.json()).error.code).toBe("idempotency_conflict");
	});
});

describe("every route under fuzzing", () => {
	it("answers random headers, ids and query strings with 2xx or a 4xx JSON error", async () => {
		await fc.assert(
			fc.asyncProperty(
				route,
				idSegment,
				queryString,
				headers,
				fc.oneof(mutatedBody, randomBody),
				async (chosen, id, query, sentHeaders, body) => {
					await expectNoServerError({
						method: chosen.method,
						path: `${routePath(chosen, id)}${query}`,
						headers: sentHeaders,
						...(chosen.body === undefined ? {} : { body }),
					});
				},
			),
			{ numRuns: RUNS },
		);
	});

	it("answers random ids and query strings with otherwise valid requests with 2xx or a 4xx JSON error", async () => {
		await fc.assert(
			fc.asyncProperty(route, idSegment, queryString, async (chosen, id, query) => {
				await expectNoServerError({
					method: chosen.method,
					path: `${routePath(chosen, id)}${query}`,
					headers: {
						...(chosen.body === undefined ? {} : { "content-type": "application/json" }),
						...(chosen.admin ? { authorization: "Bearer local-admin" } : {}),
					},
					...(chosen.body === undefined ? {} : { body: JSON.stringify(chosen.body) }),
				});
			}),
			{ numRuns: RUNS },
		);
	});

	it.each(["PUT", "PATCH", "OPTIONS"])(
		"answers %s, which no route takes, with a 404 JSON error",
		async (method) => {
			for (const chosen of ROUTES) {
				const response = await api(routePath(chosen, "FINISHED"), { method });
				expect(response.status, `${method} ${chosen.path("…")}`).toBe(404);
				expect(ApiErrorBodySchema.parse(await response.json()).error.code).toBe("not_found");
			}
		},
	);
});

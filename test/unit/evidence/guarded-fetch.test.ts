import { describe, expect, it } from "vitest";
import type { GuardedFetchResult } from "../../../src/evidence/guarded-fetch";
import { DEFAULT_MAX_BYTES, guardedFetch, USER_AGENT } from "../../../src/evidence/guarded-fetch";

type Call = { url: string; method: string; headers: Headers; body: string | null; redirect: string };

/** A fake fetch answering from a route table; records every request it receives. */
function fakeFetch(routes: Record<string, () => Response>): { fetchImpl: typeof fetch; calls: Call[] } {
	const calls: Call[] = [];
	const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
		const url = String(input);
		calls.push({
			url,
			method: init?.method ?? "GET",
			headers: new Headers(init?.headers),
			body: typeof init?.body === "string" ? init.body : null,
			redirect: init?.redirect ?? "follow",
		});
		const route = routes[url];
		if (route === undefined) throw new TypeError(`fake network: no route to ${url}`);
		return route();
	}) as typeof fetch;
	return { fetchImpl, calls };
}

const html = (body: string, status = 200): Response =>
	new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
const redirect = (location: string, status = 302): Response =>
	new Response(null, { status, headers: { location } });

/** A body stream that yields `chunks` chunks of `size` bytes, counting how many were pulled. */
function chunkedBody(
	chunks: number,
	size: number,
): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
	let sent = 0;
	const stream = new ReadableStream<Uint8Array>({
		pull(controller) {
			if (sent === chunks) {
				controller.close();
				return;
			}
			sent += 1;
			controller.enqueue(new Uint8Array(size).fill(0x61));
		},
	});
	return { stream, pulled: () => sent };
}

function failure(result: GuardedFetchResult) {
	if (result.ok) throw new Error(`expected a failure, got ${result.status} from ${result.finalUrl}`);
	return result;
}

describe("guardedFetch", () => {
	it("returns a normal page with its body, final URL and metadata", async () => {
		const { fetchImpl, calls } = fakeFetch({ "https://example.com/a": () => html("<p>héllo</p>") });
		const result = await guardedFetch("https://example.com/a", { fetchImpl });
		expect(result).toEqual({
			ok: true,
			finalUrl: "https://example.com/a",
			status: 200,
			contentType: "text/html; charset=utf-8",
			body: "<p>héllo</p>",
			bytes: 13,
			redirects: [],
		});
		expect(calls).toHaveLength(1);
		expect(calls[0]?.redirect).toBe("manual");
		expect(calls[0]?.headers.get("user-agent")).toBe(USER_AGENT);
		expect(calls[0]?.headers.get("accept")).toContain("text/html");
	});

	it("refuses a private URL without calling fetch", async () => {
		const { fetchImpl, calls } = fakeFetch({});
		const result = failure(await guardedFetch("http://2130706433/", { fetchImpl }));
		expect(result.reason).toBe("blocked");
		expect(result.detail).toContain("private_address");
		expect(calls).toHaveLength(0);
	});

	it("blocks a redirect chain at the hop that enters private space", async () => {
		const { fetchImpl, calls } = fakeFetch({
			"https://example.com/start": () => redirect("https://cdn.example.net/next", 301),
			"https://cdn.example.net/next": () => redirect("http://169.254.169.254/latest/meta-data/"),
			"http://169.254.169.254/latest/meta-data/": () => html("secret"),
		});
		const result = failure(await guardedFetch("https://example.com/start", { fetchImpl }));
		expect(result.reason).toBe("blocked");
		expect(result.detail).toContain("redirect target refused");
		expect(calls.map((call) => call.url)).toEqual([
			"https://example.com/start",
			"https://cdn.example.net/next",
		]);
	});

	it("resolves relative redirects against the current URL", async () => {
		const { fetchImpl, calls } = fakeFetch({
			"https://example.com/docs/old": () => redirect("new?x=1", 301),
			"https://example.com/docs/new?x=1": () => redirect("/final", 307),
			"https://example.com/final": () => html("done"),
		});
		const result = await guardedFetch("https://example.com/docs/old", { fetchImpl });
		expect(result).toMatchObject({
			ok: true,
			finalUrl: "https://example.com/final",
			body: "done",
			redirects: ["https://example.com/docs/new?x=1", "https://example.com/final"],
		});
		expect(calls).toHaveLength(3);
	});

	it("fails after more than maxRedirects hops, and allows exactly maxRedirects", async () => {
		const routes: Record<string, () => Response> = {};
		for (let hop = 0; hop < 4; hop += 1) routes[`https://example.com/${hop}`] = () => redirect(`/${hop + 1}`);
		routes["https://example.com/4"] = () => html("end");
		const { fetchImpl } = fakeFetch(routes);
		const tooMany = failure(await guardedFetch("https://example.com/0", { fetchImpl, maxRedirects: 3 }));
		expect(tooMany.reason).toBe("too_many_redirects");
		const enough = await guardedFetch("https://example.com/0", { fetchImpl, maxRedirects: 4 });
		expect(enough).toMatchObject({ ok: true, finalUrl: "https://example.com/4", body: "end" });
		const none = failure(await guardedFetch("https://example.com/0", { fetchImpl, maxRedirects: 0 }));
		expect(none.reason).toBe("too_many_redirects");
	});

	it("turns a POST into a body-less GET on 303 and keeps it on 307", async () => {
		const { fetchImpl, calls } = fakeFetch({
			"https://example.com/form": () => redirect("/see-other", 303),
			"https://example.com/see-other": () => html("ok"),
			"https://example.com/keep": () => redirect("/kept", 307),
			"https://example.com/kept": () => html("ok"),
		});
		const init = {
			fetchImpl,
			method: "POST" as const,
			body: "q=1",
			headers: { "content-type": "text/plain" },
		};
		await guardedFetch("https://example.com/form", init);
		await guardedFetch("https://example.com/keep", init);
		expect(calls.map((call) => [call.method, call.body, call.headers.get("content-type")])).toEqual([
			["POST", "q=1", "text/plain"],
			["GET", null, null],
			["POST", "q=1", "text/plain"],
			["POST", "q=1", "text/plain"],
		]);
	});

	it("drops credentials when a redirect crosses to another origin", async () => {
		const { fetchImpl, calls } = fakeFetch({
			"https://example.com/a": () => redirect("/b"),
			"https://example.com/b": () => redirect("https://other.example.org/c"),
			"https://other.example.org/c": () => html("c"),
		});
		await guardedFetch("https://example.com/a", { fetchImpl, headers: { authorization: "Bearer t" } });
		expect(calls.map((call) => call.headers.get("authorization"))).toEqual(["Bearer t", "Bearer t", null]);
	});

	it("cuts an oversized streaming body without reading it all", async () => {
		const body = chunkedBody(1000, 1024);
		const { fetchImpl } = fakeFetch({
			"https://example.com/big": () =>
				new Response(body.stream, { headers: { "content-type": "text/plain" } }),
		});
		const result = failure(await guardedFetch("https://example.com/big", { fetchImpl, maxBytes: 10 * 1024 }));
		expect(result.reason).toBe("too_large");
		expect(result.status).toBe(200);
		// 10 chunks fit, the 11th crosses the cap; the stream may have queued at most one more.
		expect(body.pulled()).toBeLessThanOrEqual(12);
	});

	it("accepts a body of exactly maxBytes", async () => {
		const body = chunkedBody(4, 256);
		const { fetchImpl } = fakeFetch({
			"https://example.com/edge": () =>
				new Response(body.stream, { headers: { "content-type": "text/plain" } }),
		});
		const result = await guardedFetch("https://example.com/edge", { fetchImpl, maxBytes: 1024 });
		expect(result).toMatchObject({ ok: true, bytes: 1024, body: "a".repeat(1024) });
	});

	it("refuses a declared content-length above the cap before reading", async () => {
		const { fetchImpl } = fakeFetch({
			"https://example.com/declared": () =>
				new Response("small", { headers: { "content-type": "text/plain", "content-length": "999999999" } }),
		});
		const result = failure(await guardedFetch("https://example.com/declared", { fetchImpl }));
		expect(result.reason).toBe("too_large");
		expect(result.detail).toContain(String(DEFAULT_MAX_BYTES));
	});

	it("times out a response that never arrives, with a fetch that honours the signal", async () => {
		const fetchImpl = ((_input: RequestInfo | URL, init?: RequestInit) =>
			new Promise<Response>((_resolve, reject) => {
				init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
			})) as typeof fetch;
		const started = performance.now();
		const result = failure(await guardedFetch("https://example.com/slow", { fetchImpl, timeoutMs: 40 }));
		expect(result.reason).toBe("timeout");
		expect(performance.now() - started).toBeLessThan(1000);
	});

	it("times out a body that stalls, even when the fetch ignores the signal", async () => {
		const stalled = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(new TextEncoder().encode("partial"));
			},
		});
		const { fetchImpl } = fakeFetch({
			"https://example.com/stall": () => new Response(stalled, { headers: { "content-type": "text/html" } }),
		});
		const result = failure(await guardedFetch("https://example.com/stall", { fetchImpl, timeoutMs: 40 }));
		expect(result.reason).toBe("timeout");
	});

	it("reports a caller abort as a network failure, not a timeout", async () => {
		const controller = new AbortController();
		const fetchImpl = (() => new Promise<Response>(() => undefined)) as typeof fetch;
		const pending = guardedFetch("https://example.com/x", { fetchImpl, signal: controller.signal });
		controller.abort();
		expect(await pending).toEqual({ ok: false, reason: "network", detail: "aborted by the caller" });
	});

	it("rejects content types outside the allowlist, and a missing content type", async () => {
		const { fetchImpl } = fakeFetch({
			"https://example.com/pdf": () =>
				new Response("%PDF", { headers: { "content-type": "application/pdf" } }),
			"https://example.com/none": () => new Response(new Uint8Array([1, 2, 3])),
			"https://example.com/md": () => new Response("# hi", { headers: { "content-type": "Text/Markdown" } }),
		});
		expect(failure(await guardedFetch("https://example.com/pdf", { fetchImpl })).reason).toBe("content_type");
		expect(failure(await guardedFetch("https://example.com/none", { fetchImpl })).reason).toBe(
			"content_type",
		);
		expect(await guardedFetch("https://example.com/md", { fetchImpl })).toMatchObject({
			ok: true,
			body: "# hi",
		});
		const narrowed = await guardedFetch("https://example.com/md", {
			fetchImpl,
			allowedContentTypes: ["text/html"],
		});
		expect(failure(narrowed).reason).toBe("content_type");
	});

	it("returns http_error with the status for a 404 and for a redirect without a location", async () => {
		const { fetchImpl } = fakeFetch({
			"https://example.com/missing": () => html("not here", 404),
			"https://example.com/odd": () => new Response(null, { status: 302 }),
		});
		expect(await guardedFetch("https://example.com/missing", { fetchImpl })).toEqual({
			ok: false,
			reason: "http_error",
			detail: "HTTP 404 from https://example.com/missing",
			status: 404,
		});
		expect(failure(await guardedFetch("https://example.com/odd", { fetchImpl })).status).toBe(302);
	});

	it("returns network failures instead of throwing", async () => {
		const { fetchImpl } = fakeFetch({});
		const result = failure(await guardedFetch("https://unreachable.example/", { fetchImpl }));
		expect(result).toEqual({
			ok: false,
			reason: "network",
			detail: "fake network: no route to https://unreachable.example/",
		});
	});

	it("decodes the charset named in the content type", async () => {
		const latin1 = new Uint8Array([0x63, 0x61, 0x66, 0xe9]);
		const { fetchImpl } = fakeFetch({
			"https://example.com/latin1": () =>
				new Response(latin1, { headers: { "content-type": "text/plain; charset=ISO-8859-1" } }),
			"https://example.com/unknown": () =>
				new Response("café", { headers: { "content-type": "text/plain; charset=x-made-up" } }),
		});
		expect(await guardedFetch("https://example.com/latin1", { fetchImpl })).toMatchObject({ body: "café" });
		expect(await guardedFetch("https://example.com/unknown", { fetchImpl })).toMatchObject({ body: "café" });
	});
});

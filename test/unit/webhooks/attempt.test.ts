import { afterEach, describe, expect, it, vi } from "vitest";
import { postOnce } from "../../../src/webhooks/attempt";

afterEach(() => {
	vi.restoreAllMocks();
});

function answering(response: () => Response) {
	return vi.spyOn(globalThis, "fetch").mockImplementation(async () => response());
}

describe("postOnce", () => {
	it("POSTs the body with the given headers and reports a 2xx", async () => {
		const fetch = answering(
			() => new Response("thanks", { status: 202, headers: { "content-type": "text/plain" } }),
		);
		const answer = await postOnce("https://receiver.example/hook", '{"a":1}', { "webhook-id": "evt_1" });
		expect(answer).toMatchObject({ statusCode: 202, urlRefused: false, error: null, retryAfter: null });
		expect(answer.latencyMs).toBeGreaterThanOrEqual(0);
		const [url, init] = fetch.mock.calls[0] ?? [];
		expect(url).toBe("https://receiver.example/hook");
		expect(init?.method).toBe("POST");
		expect(init?.body).toBe('{"a":1}');
		expect(new Headers(init?.headers).get("webhook-id")).toBe("evt_1");
	});

	it("counts a 2xx as delivered whatever its content type or size", async () => {
		answering(
			() => new Response(new Uint8Array(200_000), { status: 200, headers: { "content-type": "image/png" } }),
		);
		expect(await postOnce("https://receiver.example/hook", "{}", {})).toMatchObject({
			statusCode: 200,
			error: null,
		});
	});

	it("does not follow a redirect: the 3xx is the answer", async () => {
		const fetch = answering(
			() => new Response(null, { status: 307, headers: { location: "https://other.example/" } }),
		);
		const answer = await postOnce("https://receiver.example/hook", "{}", {});
		expect(answer.statusCode).toBe(307);
		expect(answer.error).not.toBeNull();
		expect(fetch).toHaveBeenCalledTimes(1);
	});

	it("keeps Retry-After from a refusal", async () => {
		answering(() => new Response("busy", { status: 429, headers: { "retry-after": "120" } }));
		expect(await postOnce("https://receiver.example/hook", "{}", {})).toMatchObject({
			statusCode: 429,
			retryAfter: "120",
		});
	});

	it("never requests a private address", async () => {
		const fetch = answering(() => new Response("ok"));
		const answer = await postOnce("http://169.254.169.254/latest/meta-data", "{}", {});
		expect(answer).toMatchObject({ statusCode: null, urlRefused: true });
		expect(fetch).not.toHaveBeenCalled();
	});

	it("reports a network failure without an answer", async () => {
		vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("connection reset"));
		const answer = await postOnce("https://receiver.example/hook", "{}", {});
		expect(answer).toMatchObject({ statusCode: null, urlRefused: false, retryAfter: null });
		expect(answer.error).toContain("connection reset");
	});
});

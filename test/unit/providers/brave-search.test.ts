import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BRAVE_WEB_SEARCH_URL, BraveSearchError, braveSearch } from "../../../src/providers/brave-search";

const API_KEY = "BSAq7Xv2kR9mN4pL8tW3zY6cF1hJ5dG0";
const FIXTURES = join(process.cwd(), "test/fixtures/providers/brave");
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), "utf8");

/** Headers Brave sends with a JSON answer. */
const BRAVE_HEADERS = {
	"content-type": "application/json; charset=utf-8",
	"x-ratelimit-limit": "50, 0",
	"x-ratelimit-policy": "50;w=1, 0;w=2592000",
	"x-ratelimit-remaining": "49, 0",
	"x-ratelimit-reset": "1, 603524",
};

type Call = { url: URL; headers: Headers; redirect: string | undefined };

/** A fake fetch that records each request and answers with the next response in line. */
function fakeFetch(...responses: (() => Response)[]): { fetchImpl: typeof fetch; calls: Call[] } {
	const calls: Call[] = [];
	const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
		calls.push({
			url: new URL(String(input)),
			headers: new Headers(init?.headers),
			redirect: init?.redirect,
		});
		const next = responses[calls.length - 1];
		if (next === undefined) throw new TypeError("fake network: no more responses");
		return next();
	}) as typeof fetch;
	return { fetchImpl, calls };
}

const json =
	(body: string, status = 200, headers: Record<string, string> = {}) =>
	() =>
		new Response(body, { status, headers: { ...BRAVE_HEADERS, ...headers } });

async function failure(search: Promise<unknown>): Promise<BraveSearchError> {
	const error = await search.then(
		() => null,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(BraveSearchError);
	return error as BraveSearchError;
}

/** Fails when the key appears anywhere in a thrown error. */
function expectNoKey(error: BraveSearchError): void {
	for (const text of [error.message, String(error), error.stack ?? "", JSON.stringify({ ...error })]) {
		expect(text).not.toContain(API_KEY);
	}
}

describe("braveSearch", () => {
	it("sends the query, count and key to the web search endpoint through the guarded fetch", async () => {
		const { fetchImpl, calls } = fakeFetch(json(fixture("web-search.json")));
		await braveSearch("  heat pump performance cold climate ", { apiKey: API_KEY, count: 5, fetchImpl });
		expect(calls).toHaveLength(1);
		const [call] = calls;
		expect(`${call?.url.origin}${call?.url.pathname}`).toBe(BRAVE_WEB_SEARCH_URL);
		expect(Object.fromEntries(call?.url.searchParams ?? [])).toEqual({
			q: "heat pump performance cold climate",
			count: "5",
			result_filter: "web",
		});
		expect(call?.headers.get("x-subscription-token")).toBe(API_KEY);
		expect(call?.headers.get("accept")).toBe("application/json");
		expect(call?.redirect).toBe("manual");
		expect(call?.url.href).not.toContain(API_KEY);
	});

	it("returns the web results as plain text, skipping results that are not web pages", async () => {
		const { fetchImpl } = fakeFetch(json(fixture("web-search.json")));
		const results = await braveSearch("heat pump performance cold climate", { apiKey: API_KEY, fetchImpl });
		expect(results).toEqual([
			{
				url: "https://www.energy.gov/energysaver/heat-pump-systems",
				title: "Heat Pump Systems | Department of Energy",
				snippet:
					"Today's heat pump can reduce your electricity use for heating by approximately 50% compared to electric resistance heating such as furnaces and baseboard heaters.",
			},
			{
				url: "https://www.nrel.gov/docs/fy24osti/cold-climate-heat-pumps.pdf",
				title: "Cold-Climate Heat Pumps & Performance in Extreme Cold",
				snippet:
					'Field data show cold-climate heat pumps keep a coefficient of performance above 1.5 at −15 °C, with "backup" heat rarely needed.',
			},
			{
				url: "https://www.iea.org/commentaries/heat-pumps-in-cold-weather",
				title: "Heat pumps in cold weather",
				snippet: "",
			},
		]);
	});

	it("asks for 10 results by default and keeps the count within Brave's 1–20", async () => {
		const counts: string[] = [];
		for (const count of [undefined, 0, -3, 7.6, 50, Number.NaN]) {
			const { fetchImpl, calls } = fakeFetch(json(fixture("web-search.json")));
			await braveSearch("heat pumps", {
				apiKey: API_KEY,
				fetchImpl,
				...(count === undefined ? {} : { count }),
			});
			counts.push(calls[0]?.url.searchParams.get("count") ?? "");
		}
		expect(counts).toEqual(["10", "1", "1", "8", "20", "10"]);
	});

	it("returns no results when Brave found no web results", async () => {
		const { fetchImpl } = fakeFetch(json(JSON.stringify({ type: "search", query: { original: "zzqx" } })));
		expect(await braveSearch("zzqx", { apiKey: API_KEY, fetchImpl })).toEqual([]);
	});

	it("reports a 429 with the Retry-After wait", async () => {
		const { fetchImpl } = fakeFetch(json(fixture("rate-limited.json"), 429, { "retry-after": "2" }));
		const error = await failure(braveSearch("heat pumps", { apiKey: API_KEY, fetchImpl }));
		expect(error.status).toBe(429);
		expect(error.retryAfterMs).toBe(2_000);
		expect(error.message).toBe("Brave Search rate limit or quota reached (HTTP 429; retry after 2 s)");
		expectNoKey(error);
	});

	it("reads the wait of a 429 from the rate-limit window that is used up", async () => {
		const perSecond = fakeFetch(
			json(fixture("rate-limited.json"), 429, {
				"x-ratelimit-remaining": "0, 1000",
				"x-ratelimit-reset": "1, 1419704",
			}),
		);
		const perSecondError = await failure(
			braveSearch("q", { apiKey: API_KEY, fetchImpl: perSecond.fetchImpl }),
		);
		expect(perSecondError.retryAfterMs).toBe(1_000);

		const monthly = fakeFetch(
			json(fixture("rate-limited.json"), 429, {
				"x-ratelimit-remaining": "0, 0",
				"x-ratelimit-reset": "1, 1419704",
			}),
		);
		const monthlyError = await failure(braveSearch("q", { apiKey: API_KEY, fetchImpl: monthly.fetchImpl }));
		expect(monthlyError.retryAfterMs).toBe(1_419_704_000);
	});

	it("reports a refused key without the key", async () => {
		const { fetchImpl } = fakeFetch(json(fixture("invalid-token.json"), 401));
		const error = await failure(braveSearch("heat pumps", { apiKey: API_KEY, fetchImpl }));
		expect(error.status).toBe(401);
		expect(error.retryAfterMs).toBeNull();
		expect(error.message).toBe("Brave Search refused the API key (HTTP 401)");
		expectNoKey(error);
	});

	it("reports server errors and other rejections by status", async () => {
		const down = fakeFetch(json('{"type":"ErrorResponse"}', 503));
		expect((await failure(braveSearch("q", { apiKey: API_KEY, fetchImpl: down.fetchImpl }))).message).toBe(
			"Brave Search is unavailable (HTTP 503)",
		);
		const invalid = fakeFetch(json('{"type":"ErrorResponse"}', 422));
		expect((await failure(braveSearch("q", { apiKey: API_KEY, fetchImpl: invalid.fetchImpl }))).message).toBe(
			"Brave Search rejected the request (HTTP 422)",
		);
	});

	it("refuses an answer that is not JSON", async () => {
		const { fetchImpl } = fakeFetch(
			() => new Response("<html>captcha</html>", { headers: { "content-type": "text/html" } }),
		);
		const error = await failure(braveSearch("q", { apiKey: API_KEY, fetchImpl }));
		expect(error.message).toContain("content_type");
	});

	it("refuses malformed JSON and an unexpected shape", async () => {
		const broken = fakeFetch(json('{"web": {"results": ['));
		expect((await failure(braveSearch("q", { apiKey: API_KEY, fetchImpl: broken.fetchImpl }))).message).toBe(
			"Brave Search answered with malformed JSON",
		);
		const odd = fakeFetch(json('{"web": {"results": "none"}}'));
		expect((await failure(braveSearch("q", { apiKey: API_KEY, fetchImpl: odd.fetchImpl }))).message).toBe(
			"Brave Search answered with an unexpected shape",
		);
	});

	it("follows no redirect, so the key never reaches another host", async () => {
		const { fetchImpl, calls } = fakeFetch(
			() => new Response(null, { status: 302, headers: { location: "https://collector.example.net/steal" } }),
			json(fixture("web-search.json")),
		);
		const error = await failure(braveSearch("q", { apiKey: API_KEY, fetchImpl }));
		expect(error.message).toContain("too_many_redirects");
		expect(calls).toHaveLength(1);
	});

	it("keeps the key out of network errors that echo it", async () => {
		const fetchImpl = (async () => {
			throw new TypeError(`connect failed for token ${API_KEY}`);
		}) as typeof fetch;
		const error = await failure(braveSearch("q", { apiKey: API_KEY, fetchImpl }));
		expect(error.status).toBeNull();
		expect(error.message).toContain("[redacted]");
		expectNoKey(error);
	});

	it("makes no request for an empty query or a missing key", async () => {
		const { fetchImpl, calls } = fakeFetch(json(fixture("web-search.json")));
		expect((await failure(braveSearch("   ", { apiKey: API_KEY, fetchImpl }))).message).toContain(
			"non-empty query",
		);
		expect((await failure(braveSearch("heat pumps", { apiKey: "", fetchImpl }))).message).toContain(
			"no API key",
		);
		expect(calls).toHaveLength(0);
	});

	it("strips highlight tags from any snippet without changing its words", async () => {
		const word = fc.stringMatching(/^[A-Za-z0-9.,%-]{1,12}$/);
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.tuple(word, fc.boolean()), { minLength: 1, maxLength: 12 }),
				async (parts) => {
					const marked = parts
						.map(([text, strong]) => (strong ? `<strong>${text}</strong>` : text))
						.join(" ");
					const body = JSON.stringify({
						web: { results: [{ url: "https://a.example/", title: "t", description: marked }] },
					});
					const { fetchImpl } = fakeFetch(json(body));
					const [result] = await braveSearch("q", { apiKey: API_KEY, fetchImpl });
					expect(result?.snippet).toBe(parts.map(([text]) => text).join(" "));
				},
			),
			{ numRuns: 100 },
		);
	});
});

/**
 * Web search through the Brave Search API, the search tool the research loop lends to models that
 * have no native search.
 *
 * One GET to the web search endpoint with the query (`q`), the number of results (`count`, 1–20) and
 * `result_filter=web`, authenticated by the `X-Subscription-Token` header; the answer's
 * `web.results[]` carry `url`, `title` and `description` (a snippet with `<strong>` highlights, which
 * are stripped). The request goes through the guarded fetch like every outbound request, accepting
 * only JSON and following no redirect, because the guarded fetch drops credential headers on a
 * cross-origin redirect only for the standard ones and the subscription token must never leave Brave.
 *
 * Failures throw a `BraveSearchError` whose message never contains the key. A 429 carries the wait
 * Brave asks for: `Retry-After` when sent, else `X-RateLimit-Reset` (seconds per window, e.g. "1,
 * 1419704" for the per-second and monthly windows) for the longest window that is used up, per
 * `X-RateLimit-Remaining`.
 */

import { z } from "zod";
import { guardedFetch } from "../evidence/guarded-fetch";
import { decodeEntities } from "../evidence/page-text";

export const BRAVE_WEB_SEARCH_URL = "https://api.search.brave.com/res/v1/web/search";
/** The most results Brave returns for one request. */
export const BRAVE_MAX_COUNT = 20;
export const BRAVE_DEFAULT_COUNT = 10;

/** One web result, with its snippet as plain text. */
export type BraveResult = { url: string; title: string; snippet: string };

export type BraveSearchOptions = {
	apiKey: string;
	/** Results wanted, clamped to 1–20 (default 10). */
	count?: number;
	/** The fetch behind the guarded fetch; the runtime's by default. */
	fetchImpl?: typeof fetch;
};

/** A search that produced no results list. `status` is Brave's HTTP status when it answered. */
export class BraveSearchError extends Error {
	constructor(
		message: string,
		readonly status: number | null = null,
		readonly retryAfterMs: number | null = null,
	) {
		super(message);
		this.name = "BraveSearchError";
	}
}

const ResultSchema = z.object({
	url: z.string(),
	title: z.string(),
	description: z.string().optional(),
});
const ResponseSchema = z.object({
	web: z.object({ results: z.array(z.unknown()) }).optional(),
});

/**
 * Searches the web for `query` and returns its web results in Brave's order.
 *
 * @example
 * const results = await braveSearch("heat pump efficiency in cold climates", { apiKey, count: 5 });
 * // [{ url: "https://www.energy.gov/…", title: "Heat Pump Systems", snippet: "A heat pump…" }, …]
 */
export async function braveSearch(query: string, options: BraveSearchOptions): Promise<BraveResult[]> {
	const q = query.trim();
	if (q === "") throw new BraveSearchError("Brave Search needs a non-empty query");
	if (options.apiKey === "") throw new BraveSearchError("Brave Search is not configured: no API key");
	const url = new URL(BRAVE_WEB_SEARCH_URL);
	url.searchParams.set("q", q);
	url.searchParams.set("count", String(clampCount(options.count)));
	url.searchParams.set("result_filter", "web");

	// The guarded fetch reports a failed status without the response; keep the last response's headers
	// to read the wait a 429 asks for.
	const fetchImpl = options.fetchImpl ?? fetch;
	const last: { headers: Headers | null } = { headers: null };
	const recordingFetch: typeof fetch = async (input, init) => {
		const response = await fetchImpl(input, init);
		last.headers = response.headers;
		return response;
	};
	const answer = await guardedFetch(url.href, {
		fetchImpl: recordingFetch,
		headers: { "x-subscription-token": options.apiKey },
		allowedContentTypes: ["application/json"],
		maxRedirects: 0,
	});
	if (!answer.ok) {
		const retryAfterMs = answer.status === 429 && last.headers !== null ? retryAfterMsOf(last.headers) : null;
		const message = failureMessage(answer.reason, answer.status, answer.detail, retryAfterMs);
		throw new BraveSearchError(redact(message, options.apiKey), answer.status ?? null, retryAfterMs);
	}
	return parseResults(answer.body);
}

function clampCount(count: number | undefined): number {
	if (count === undefined || !Number.isFinite(count)) return BRAVE_DEFAULT_COUNT;
	return Math.min(BRAVE_MAX_COUNT, Math.max(1, Math.round(count)));
}

function parseResults(body: string): BraveResult[] {
	let json: unknown;
	try {
		json = JSON.parse(body);
	} catch {
		throw new BraveSearchError("Brave Search answered with malformed JSON");
	}
	const parsed = ResponseSchema.safeParse(json);
	if (!parsed.success) throw new BraveSearchError("Brave Search answered with an unexpected shape");
	const results: BraveResult[] = [];
	for (const item of parsed.data.web?.results ?? []) {
		const result = ResultSchema.safeParse(item);
		// A result without a web URL cannot be fetched or cited, so it is not worth returning.
		if (!result.success || !/^https?:\/\//i.test(result.data.url)) continue;
		results.push({
			url: result.data.url,
			title: plainText(result.data.title),
			snippet: plainText(result.data.description ?? ""),
		});
	}
	return results;
}

function failureMessage(
	reason: string,
	status: number | undefined,
	detail: string,
	retryAfterMs: number | null,
) {
	if (reason !== "http_error" || status === undefined)
		return `Brave Search request failed (${reason}): ${detail}`;
	if (status === 401 || status === 403) return `Brave Search refused the API key (HTTP ${status})`;
	if (status === 429) {
		const wait = retryAfterMs === null ? "" : `; retry after ${Math.ceil(retryAfterMs / 1000)} s`;
		return `Brave Search rate limit or quota reached (HTTP 429${wait})`;
	}
	if (status >= 500) return `Brave Search is unavailable (HTTP ${status})`;
	return `Brave Search rejected the request (HTTP ${status})`;
}

/** The wait a 429 asks for, in ms, or null when its headers name none. */
function retryAfterMsOf(headers: Headers): number | null {
	const retryAfter = Number(headers.get("retry-after") ?? Number.NaN);
	if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
	const resets = numberList(headers.get("x-ratelimit-reset"));
	if (resets.length === 0) return null;
	const remaining = numberList(headers.get("x-ratelimit-remaining"));
	const exhausted = resets.filter((_, window) => remaining[window] === 0);
	const seconds = exhausted.length > 0 ? Math.max(...exhausted) : Math.min(...resets);
	return seconds * 1000;
}

/** "1, 1419704" → [1, 1419704]; entries that are not non-negative numbers are dropped. */
function numberList(header: string | null): number[] {
	if (header === null) return [];
	return header
		.split(",")
		.map((part) => Number(part.trim()))
		.filter((value) => Number.isFinite(value) && value >= 0);
}

/** Removes tags and decodes the character references Brave uses in titles and snippets. */
function plainText(html: string): string {
	return decodeEntities(html.replace(/<[^>]*>/g, ""))
		.replace(/\s+/g, " ")
		.trim();
}

/** Belt and braces: the key is only ever sent as a header, but no message may carry it. */
function redact(message: string, apiKey: string): string {
	return message.split(apiKey).join("[redacted]");
}

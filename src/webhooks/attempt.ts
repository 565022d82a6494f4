/**
 * One HTTP attempt of a delivery, through the guarded fetch: POST, no redirects followed (a 3xx is an
 * answer, and a failed one), a 15-second deadline, and the `Retry-After` header kept for the schedule.
 */
import { guardedFetch } from "../evidence/guarded-fetch";
import type { HostResolver } from "../evidence/host-resolver";
import { ATTEMPT_TIMEOUT_MS } from "./schedule";

/** Most of a receiver's answer that is read; deliveries only need its status. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** What came back from one attempt. `statusCode` is null when no answer arrived. */
export type AttemptAnswer = {
	statusCode: number | null;
	latencyMs: number;
	retryAfter: string | null;
	/** The URL is not allowed (private address, bad scheme, …), so no request was made. */
	urlRefused: boolean;
	/** Why the attempt failed; null when the receiver answered 2xx. */
	error: string | null;
};

function isSuccess(status: number | undefined): boolean {
	return status !== undefined && status >= 200 && status <= 299;
}

/**
 * POSTs `body` with `headers` to `url` once and reports the answer; never throws for network or HTTP
 * trouble. `resolveHost` looks the receiver's name up first (outside production).
 */
export async function postOnce(
	url: string,
	body: string,
	headers: Record<string, string>,
	resolveHost: HostResolver | null = null,
): Promise<AttemptAnswer> {
	let retryAfter: string | null = null;
	const started = Date.now();
	const result = await guardedFetch(url, {
		method: "POST",
		body,
		headers,
		maxRedirects: 0,
		timeoutMs: ATTEMPT_TIMEOUT_MS,
		maxBytes: MAX_ANSWER_BYTES,
		resolveHost,
		// The guarded fetch reports no response headers; this sees each response as it passes.
		fetchImpl: async (input, init) => {
			const response = await fetch(input, init);
			retryAfter = response.headers.get("retry-after");
			return response;
		},
	});
	const latencyMs = Date.now() - started;
	if (result.ok) return { statusCode: result.status, latencyMs, retryAfter, urlRefused: false, error: null };
	// An unusual content type or an oversized answer still means a 2xx arrived: the delivery succeeded.
	const delivered = isSuccess(result.status);
	return {
		statusCode: result.status ?? null,
		latencyMs,
		retryAfter,
		urlRefused: result.reason === "blocked",
		error: delivered ? null : result.detail,
	};
}

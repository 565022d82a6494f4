/**
 * The one outbound fetch of the service. Every request to a URL that came from outside (a source an
 * agent wants to read, a callback URL) goes through `guardedFetch`, which:
 *
 * - checks the URL with `checkUrl` (scheme, credentials, port, host names, literal private/loopback/
 *   link-local/metadata addresses in any encoding) before the request is made;
 * - follows redirects by hand (`redirect: "manual"`): each Location is resolved against the URL that
 *   sent it and checked again before it is requested, at most `maxRedirects` hops;
 * - bounds the whole exchange (every hop and the body) by one deadline, `timeoutMs`, combined with
 *   the caller's signal;
 * - accepts only the listed content types and reads the body as a stream, stopping as soon as it
 *   exceeds `maxBytes` (so it never holds more than `maxBytes` plus one chunk);
 * - never throws for network or HTTP problems: every failure is a result with a reason.
 *
 * Workers' fetch resolves names itself. With `resolveHost` (outside production: `hostResolverFor(env)`)
 * each hop's name is looked up first and refused when any address it has is blocked, or when it cannot
 * be looked up; without it a public name pointing at a private address is not caught here, and on
 * Cloudflare the runtime's own reach is the wall (see README "Security").
 */
import { type BlockReason, blockedAddress, checkUrl, isIpHost } from "./address-rules";
import type { HostResolver } from "./host-resolver";

/** How a request is made and bounded; every field has a default. */
export type GuardedFetchOptions = {
	/** The fetch to use (tests inject a fake); defaults to the runtime's `fetch`. */
	fetchImpl?: typeof fetch;
	/** Largest body accepted, in bytes (default 2 MiB). */
	maxBytes?: number;
	/** Deadline for the whole exchange, redirects and body included (default 10 s). */
	timeoutMs?: number;
	/** Most redirects followed (default 5). */
	maxRedirects?: number;
	/** Media types accepted for the final response, lower case, without parameters. */
	allowedContentTypes?: string[];
	method?: "GET" | "POST";
	/** Extra request headers; they override the defaults (user-agent, accept). */
	headers?: Record<string, string>;
	body?: string;
	/** Aborts the exchange early, in addition to the deadline. */
	signal?: AbortSignal;
	/** Looks up each host name before it is requested; null or absent: names are not resolved here. */
	resolveHost?: HostResolver | null;
};

/** Why a guarded fetch produced no usable body. */
export type GuardedFetchFailureReason =
	| "blocked"
	| "timeout"
	| "too_large"
	| "content_type"
	| "http_error"
	| "too_many_redirects"
	| "network";

/**
 * The outcome of a guarded fetch. On success `redirects` lists every URL a redirect led to, in
 * order (empty when there was none; its last entry equals `finalUrl`).
 */
export type GuardedFetchResult =
	| {
			ok: true;
			finalUrl: string;
			status: number;
			contentType: string;
			body: string;
			bytes: number;
			redirects: string[];
	  }
	| { ok: false; reason: GuardedFetchFailureReason; detail: string; status?: number };

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_REDIRECTS = 5;
export const DEFAULT_ALLOWED_CONTENT_TYPES: readonly string[] = [
	"text/html",
	"text/plain",
	"text/markdown",
	"application/xhtml+xml",
	"application/json",
];
export const USER_AGENT = "research-swarm/0.1 (+https://github.com/research-swarm)";

const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** Headers that must not follow a redirect to another origin. */
const CREDENTIAL_HEADERS: readonly string[] = ["authorization", "cookie", "proxy-authorization"];

/** Headers that describe a request body, dropped when a redirect turns the request into a GET. */
const BODY_HEADERS: readonly string[] = ["content-type", "content-length"];

type Limits = {
	maxBytes: number;
	maxRedirects: number;
	allowedContentTypes: readonly string[];
	resolveHost: HostResolver | null;
};

type Attempt = { method: "GET" | "POST"; headers: Headers; body: string | undefined };

/**
 * Fetches a URL under the SSRF, redirect, size, time and content-type rules described above.
 *
 * @example
 * const page = await guardedFetch("https://example.com/");
 * if (page.ok) console.log(page.finalUrl, page.body.length);
 * else console.log(page.reason, page.detail); // e.g. "blocked", "http://10.0.0.1/ is private network (10.0.0.0/8)"
 */
export async function guardedFetch(
	url: string,
	options: GuardedFetchOptions = {},
): Promise<GuardedFetchResult> {
	// Called as a plain function: invoking the runtime's fetch as a method of another object throws
	// "Illegal invocation" on Workers.
	const fetchImpl = options.fetchImpl ?? fetch;
	const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
	const limits: Limits = {
		maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
		maxRedirects: options.maxRedirects ?? DEFAULT_MAX_REDIRECTS,
		allowedContentTypes: options.allowedContentTypes ?? DEFAULT_ALLOWED_CONTENT_TYPES,
		resolveHost: options.resolveHost ?? null,
	};
	const deadline = AbortSignal.timeout(timeoutMs);
	const signal = options.signal === undefined ? deadline : AbortSignal.any([deadline, options.signal]);
	const attempt: Attempt = {
		method: options.method ?? "GET",
		headers: requestHeaders(limits.allowedContentTypes, options.headers),
		body: options.body,
	};
	try {
		return await fetchFollowingRedirects(url, attempt, fetchImpl, limits, signal);
	} catch (error) {
		if (deadline.aborted) {
			return { ok: false, reason: "timeout", detail: `no complete response within ${timeoutMs} ms` };
		}
		if (options.signal?.aborted) return { ok: false, reason: "network", detail: "aborted by the caller" };
		return { ok: false, reason: "network", detail: error instanceof Error ? error.message : String(error) };
	}
}

function requestHeaders(allowedContentTypes: readonly string[], extra: Record<string, string> = {}): Headers {
	const headers = new Headers({ "user-agent": USER_AGENT, accept: allowedContentTypes.join(", ") });
	for (const [name, value] of Object.entries(extra)) headers.set(name, value);
	return headers;
}

async function fetchFollowingRedirects(
	startUrl: string,
	firstAttempt: Attempt,
	fetchImpl: typeof fetch,
	limits: Limits,
	signal: AbortSignal,
): Promise<GuardedFetchResult> {
	const redirects: string[] = [];
	let target = startUrl;
	let attempt = firstAttempt;
	for (;;) {
		const check = checkUrl(target);
		if (!check.ok) return blocked(check.reason, check.detail, redirects.length > 0);
		const unsafe = await resolvedHostProblem(check.url.hostname, limits.resolveHost, signal);
		if (unsafe !== null) return blocked(unsafe.reason, unsafe.detail, redirects.length > 0);
		const response = await untilAborted(
			fetchImpl(check.url.href, {
				method: attempt.method,
				headers: attempt.headers,
				body: attempt.body,
				redirect: "manual",
				signal,
			}),
			signal,
		);
		const location = response.headers.get("location");
		if (!REDIRECT_STATUSES.has(response.status) || location === null) {
			return readFinalResponse(response, check.url.href, redirects, limits, signal);
		}
		discardBody(response);
		if (redirects.length >= limits.maxRedirects) {
			return {
				ok: false,
				reason: "too_many_redirects",
				detail: `more than ${limits.maxRedirects} redirects`,
				status: response.status,
			};
		}
		const next = resolveLocation(location, check.url);
		if (next === null) return blocked("invalid_url", `unusable redirect location: ${location}`, true);
		attempt = attemptAfterRedirect(attempt, response.status, check.url, next);
		target = next.href;
		redirects.push(target);
	}
}

/** Why a host name may not be fetched after looking it up; null when every address is public or there is no resolver. */
async function resolvedHostProblem(
	hostname: string,
	resolveHost: HostResolver | null,
	signal: AbortSignal,
): Promise<{ reason: BlockReason; detail: string } | null> {
	if (resolveHost === null || isIpHost(hostname)) return null;
	const lookup = await untilAborted(resolveHost(hostname, signal), signal);
	if (!lookup.ok)
		return { reason: "unresolved", detail: `${hostname} could not be checked: ${lookup.detail}` };
	for (const address of lookup.addresses) {
		const label = blockedAddress(address);
		if (label !== null)
			return { reason: "private_address", detail: `${hostname} resolves to ${address}, ${label}` };
	}
	return null;
}

function blocked(reason: BlockReason, detail: string, afterRedirect: boolean): GuardedFetchResult {
	const where = afterRedirect ? "redirect target refused" : "URL refused";
	return { ok: false, reason: "blocked", detail: `${where} (${reason}): ${detail}` };
}

function resolveLocation(location: string, base: URL): URL | null {
	try {
		return new URL(location, base);
	} catch {
		return null;
	}
}

/**
 * The request to send to a redirect target, following the fetch standard: 303 (and 301/302 after a
 * POST) turn the request into a body-less GET; credentials never cross to another origin.
 */
function attemptAfterRedirect(previous: Attempt, status: number, from: URL, to: URL): Attempt {
	const headers = new Headers(previous.headers);
	if (to.origin !== from.origin) {
		for (const name of CREDENTIAL_HEADERS) headers.delete(name);
	}
	const becomesGet = status === 303 || ((status === 301 || status === 302) && previous.method === "POST");
	if (!becomesGet) return { ...previous, headers };
	for (const name of BODY_HEADERS) headers.delete(name);
	return { method: "GET", headers, body: undefined };
}

async function readFinalResponse(
	response: Response,
	finalUrl: string,
	redirects: string[],
	limits: Limits,
	signal: AbortSignal,
): Promise<GuardedFetchResult> {
	const status = response.status;
	if (status < 200 || status > 299) {
		discardBody(response);
		return { ok: false, reason: "http_error", detail: `HTTP ${status} from ${finalUrl}`, status };
	}
	const contentType = response.headers.get("content-type") ?? "";
	const mediaType = (contentType.split(";")[0] ?? "").trim().toLowerCase();
	if (!limits.allowedContentTypes.includes(mediaType)) {
		discardBody(response);
		const shown = mediaType === "" ? "no content type" : `content type ${mediaType}`;
		return { ok: false, reason: "content_type", detail: `${shown} is not accepted`, status };
	}
	const tooLarge: GuardedFetchResult = {
		ok: false,
		reason: "too_large",
		detail: `body exceeds ${limits.maxBytes} bytes`,
		status,
	};
	if (Number(response.headers.get("content-length")) > limits.maxBytes) {
		discardBody(response);
		return tooLarge;
	}
	const bytes = await readCapped(response.body, limits.maxBytes, signal);
	if (bytes === null) return tooLarge;
	return {
		ok: true,
		finalUrl,
		status,
		contentType,
		body: decodeBody(bytes, contentType),
		bytes: bytes.byteLength,
		redirects,
	};
}

/** Reads a body stream into memory; null as soon as it grows past `maxBytes`. */
async function readCapped(
	body: ReadableStream<Uint8Array> | null,
	maxBytes: number,
	signal: AbortSignal,
): Promise<Uint8Array | null> {
	if (body === null) return new Uint8Array(0);
	const reader = body.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	try {
		for (;;) {
			const { done, value } = await untilAborted(reader.read(), signal);
			if (done) break;
			total += value.byteLength;
			if (total > maxBytes) return null;
			chunks.push(value);
		}
	} finally {
		reader.cancel().catch(() => undefined);
	}
	const joined = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		joined.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return joined;
}

/** Decodes with the charset named in the content type when the runtime knows it, else UTF-8. */
function decodeBody(bytes: Uint8Array, contentType: string): string {
	const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)?.[1];
	try {
		return new TextDecoder(charset ?? "utf-8").decode(bytes);
	} catch {
		return new TextDecoder("utf-8").decode(bytes);
	}
}

/** Releases a response body that will not be read, so its connection is not held open. */
function discardBody(response: Response): void {
	response.body?.cancel().catch(() => undefined);
}

/**
 * Settles with `promise`, or rejects when `signal` aborts first: a fetch implementation or body
 * stream that ignores the signal must not keep the caller waiting past the deadline.
 */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
	return new Promise<T>((resolve, reject) => {
		const onAbort = (): void => reject(signal.reason);
		if (signal.aborted) onAbort();
		else signal.addEventListener("abort", onAbort, { once: true });
		promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
	});
}

/**
 * Replays provider APIs and web pages for the Worker under test: every outbound `fetch` of the isolate
 * (SDK calls, the guarded fetch) is answered from recorded fixtures; anything unrouted fails like a
 * network error. A provider call that asks to stream gets its recording as the API's event stream.
 *
 * Every provider call is first checked against its endpoint's documented request shape
 * (`requestProblem`), and a route may refuse a request by throwing; either way the request is answered
 * with a 400 and its problem is kept in `rejected`, which the tests require to be empty, so a wire
 * regression fails the test with the replay's message.
 */
import { vi } from "vitest";
import { eventStreamOf, wantsEventStream } from "../fixtures/providers/event-stream.mjs";
import { type ReplayExpectations, requestProblem } from "../fixtures/providers/replay.mjs";

/** A recorded HTTP exchange as stored under test/fixtures/providers/. */
export type Fixture = { status: number; headers?: Record<string, string>; body: unknown };

export type Route = (request: Request, body: unknown) => Response | null;

/** The fixture as a Response. */
export function reply(fixture: Fixture): Response {
	const body = typeof fixture.body === "string" ? fixture.body : JSON.stringify(fixture.body);
	return new Response(body, {
		status: fixture.status,
		headers: fixture.headers ?? { "content-type": "application/json" },
	});
}

/** Routes GETs of `pages` (matched on origin and path, ignoring the query) to small HTML pages. */
export function pages(texts: Record<string, string>): Route {
	const byPath = new Map(
		Object.entries(texts).map(([url, text]) => {
			const parsed = new URL(url);
			return [`${parsed.origin}${parsed.pathname}`, text] as const;
		}),
	);
	return (request) => {
		const parsed = new URL(request.url);
		const text = byPath.get(`${parsed.origin}${parsed.pathname}`);
		if (request.method !== "GET" || text === undefined) return null;
		const paragraphs = text
			.split("\n")
			.map((line) => `<p>${line}</p>`)
			.join("");
		return new Response(
			`<!doctype html><html><head><title>${parsed.hostname}</title></head><body>${paragraphs}</body></html>`,
			{
				headers: { "content-type": "text/html; charset=utf-8" },
			},
		);
	};
}

/** Answers redirect links (as search engines cite them) with a 302 to the page they stand for. */
export function redirects(targets: Record<string, string>): Route {
	return (request) => {
		const target = targets[request.url];
		return target ? new Response(null, { status: 302, headers: { location: target } }) : null;
	};
}

/** The isolate's fake internet: the requests it saw, the provider calls it refused (and why), and its removal. */
export type FakeInternet = { requests: string[]; rejected: string[]; restore(): void };

/** Installs `routes` as the isolate's internet until `restore()`, checking provider calls for any well-formed model. */
export function installFakeInternet(...routes: Route[]): FakeInternet {
	return installFakeInternetFor({}, ...routes);
}

/**
 * Installs `routes` as the isolate's internet until `restore()`; provider calls must have their
 * endpoint's documented shape and name the models `expected` lists.
 */
export function installFakeInternetFor(expected: ReplayExpectations, ...routes: Route[]): FakeInternet {
	const requests: string[] = [];
	const rejected: string[] = [];
	const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input, init);
		requests.push(`${request.method} ${request.url}`);
		const text = request.method === "GET" ? "" : await request.clone().text();
		let body: unknown = null;
		try {
			body = text ? JSON.parse(text) : null;
		} catch {
			body = text;
		}
		const problem = requestProblem(
			{ method: request.method, url: request.url, headers: request.headers, body },
			expected,
		);
		if (problem !== null) return refused(rejected, problem);
		for (const route of routes) {
			let response: Response | null;
			try {
				response = route(request, body);
			} catch (error) {
				return refused(rejected, error instanceof Error ? error.message : String(error));
			}
			if (response) return streamedIfAsked(request, body, response);
		}
		throw new TypeError(`fetch failed: no route to ${request.url}`);
	});
	return { requests, rejected, restore: () => spy.mockRestore() };
}

/** Keeps `problem` and answers as an API answers a malformed request. */
function refused(rejected: string[], problem: string): Response {
	rejected.push(problem);
	return Response.json({ error: { type: "invalid_request_error", message: problem } }, { status: 400 });
}

/**
 * A provider's recorded JSON answer to a request that asked to stream, as the event stream the API sends
 * then; any other response as it is.
 */
async function streamedIfAsked(request: Request, body: unknown, response: Response): Promise<Response> {
	const { pathname } = new URL(request.url);
	const json = response.headers.get("content-type")?.includes("application/json") ?? false;
	if (!response.ok || !json || !wantsEventStream(pathname, body)) return response;
	const events = eventStreamOf(pathname, await response.json());
	return events === null
		? response
		: new Response(events, { status: 200, headers: { "content-type": "text/event-stream; charset=utf-8" } });
}

/** Whether `request` goes to `host` + `path`. */
export function isCall(request: Request, host: string, path: RegExp): boolean {
	const url = new URL(request.url);
	return url.hostname === host && path.test(url.pathname);
}

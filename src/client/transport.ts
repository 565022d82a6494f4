/**
 * One server's HTTP access for every resource of the client: the base URL, the API key as a Bearer
 * token, the caller's `fetch`, and the reading of answers (JSON validated by the API's own schemas,
 * text, nothing). Only `fetch` is used, so it runs in Node ≥ 20, browsers, Deno and Workers.
 */
import type { z } from "zod";
import { apiErrorOf, ConnectionError, parseAnswer, UnexpectedResponseError } from "./errors.ts";

/** The `fetch` the client calls: the global one, or any function of the same shape (a test double, an in-process app). */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export type ClientOptions = {
	/**
	 * Where the API is, e.g. `https://research.example.com` or `http://127.0.0.1:8787`; paths such as
	 * `/v1/research` are appended. An empty string sends relative paths (a same-origin page, an in-process app).
	 */
	baseUrl: string;
	/** Sent as `Authorization: Bearer …` (an `rs_live_…`/`rs_test_…` key, or the admin token); none in dev mode. */
	apiKey?: string | null;
	/** The `fetch` to use; default the runtime's own. */
	fetch?: Fetch;
	/** Headers sent with every request, e.g. a `user-agent`. */
	headers?: Record<string, string>;
};

/** What every call accepts besides its own arguments. */
export type CallOptions = {
	/** Aborts the call; it then rejects with the signal's reason. */
	signal?: AbortSignal;
	/** Extra headers for this call only. */
	headers?: Record<string, string>;
};

/** A query string's values; undefined ones are left out. */
export type QueryValues = Record<string, string | number | undefined>;

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

type RequestSpec = CallOptions & {
	method?: Method;
	query?: QueryValues;
	/** Sent as JSON. */
	body?: unknown;
	accept?: string;
};

/**
 * An API path with its query string; undefined values are left out.
 * @example pathWithQuery("/v1/research", { status: "completed", limit: undefined }) // "/v1/research?status=completed"
 */
export function pathWithQuery(path: string, query: QueryValues = {}): string {
	const search = new URLSearchParams();
	for (const [name, value] of Object.entries(query)) {
		if (value !== undefined) search.set(name, String(value));
	}
	const text = search.toString();
	return text === "" ? path : `${path}?${text}`;
}

/**
 * A path segment for an id, so an id can never reach another route.
 * @example segment("job_1/../keys") // "job_1%2F..%2Fkeys"
 */
export function segment(id: string): string {
	return encodeURIComponent(id);
}

/** Sends requests to one server and reads its answers; shared by every resource of a client. */
export class Transport {
	readonly baseUrl: string;
	readonly #apiKey: string | null;
	readonly #fetch: Fetch;
	readonly #headers: Record<string, string>;

	constructor(options: ClientOptions) {
		this.baseUrl = options.baseUrl.replace(/\/+$/, "");
		this.#apiKey = options.apiKey || null;
		// Called as a plain function: some runtimes reject a `fetch` detached from its global.
		this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
		this.#headers = options.headers ?? {};
	}

	/**
	 * Sends one request and returns the response, whatever its status. Only a request that got no answer
	 * throws: ConnectionError, or the signal's reason when it was aborted.
	 */
	async fetch(path: string, spec: RequestSpec = {}): Promise<Response> {
		const url = `${this.baseUrl}${pathWithQuery(path, spec.query)}`;
		const headers: Record<string, string> = {
			accept: spec.accept ?? "application/json",
			...this.#headers,
			...spec.headers,
		};
		if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
		if (spec.body !== undefined) headers["content-type"] = "application/json";
		try {
			return await this.#fetch(url, {
				method: spec.method ?? "GET",
				headers,
				...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
				...(spec.signal ? { signal: spec.signal } : {}),
			});
		} catch (error) {
			if (spec.signal?.aborted) throw spec.signal.reason;
			throw new ConnectionError(url, error);
		}
	}

	/** Sends one request and returns the response when it is a success; an error answer throws ApiError. */
	async send(path: string, spec: RequestSpec = {}): Promise<Response> {
		const response = await this.fetch(path, spec);
		if (!response.ok) throw await apiErrorOf(response);
		return response;
	}

	/** Sends one request and returns its JSON answer as `schema` reads it. */
	async json<T>(schema: z.ZodType<T>, path: string, spec: RequestSpec = {}): Promise<T> {
		const response = await this.send(path, spec);
		const what = `${spec.method ?? "GET"} ${path}`;
		let body: unknown;
		try {
			body = await response.json();
		} catch (error) {
			if (spec.signal?.aborted) throw spec.signal.reason;
			throw new UnexpectedResponseError(response.status, `the answer to ${what} is not JSON`, {
				cause: error,
			});
		}
		return parseAnswer(schema, body, response.status, what);
	}

	/** Sends one request and returns its answer as text (a Markdown or HTML report). */
	async text(path: string, spec: RequestSpec = {}): Promise<string> {
		const response = await this.send(path, { accept: "*/*", ...spec });
		try {
			return await response.text();
		} catch (error) {
			if (spec.signal?.aborted) throw spec.signal.reason;
			throw new ConnectionError(`${this.baseUrl}${path}`, error);
		}
	}

	/** Sends one request whose success has no body (`204`). */
	async empty(path: string, spec: RequestSpec = {}): Promise<void> {
		const response = await this.send(path, spec);
		await response.body?.cancel();
	}

	/** A GET of `path` (with `query`), its JSON answer read by `schema`. */
	get<T>(schema: z.ZodType<T>, path: string, options: CallOptions = {}, query?: QueryValues): Promise<T> {
		return this.json(schema, path, { ...options, ...(query ? { query } : {}) });
	}

	/** A POST of `body` as JSON (none when undefined), its JSON answer read by `schema`. */
	post<T>(schema: z.ZodType<T>, path: string, body: unknown, options: CallOptions = {}): Promise<T> {
		return this.json(schema, path, { ...options, method: "POST", body });
	}

	/** A DELETE, whose success has no body. */
	delete(path: string, options: CallOptions = {}): Promise<void> {
		return this.empty(path, { ...options, method: "DELETE" });
	}
}

/** A group of routes of one server: what each resource of the client is built on. */
export abstract class Resource {
	protected readonly transport: Transport;

	constructor(transport: Transport) {
		this.transport = transport;
	}
}

/** Where a collection lives and how its answers read: its path, the created item's schema, the list's. */
export type CollectionSpec<Created, List> = {
	path: string;
	created: z.ZodType<Created>;
	list: z.ZodType<List>;
};

/**
 * The tenant's items under one path: `create` posts one, `list` reads them all, `deleteById` removes one.
 * @example await client.keys.create({ name: "ci", environment: "test" }); await client.keys.list();
 */
export abstract class Collection<Request, Created, List> extends Resource {
	protected abstract readonly spec: CollectionSpec<Created, List>;

	/** Creates an item; a refused request is an ApiError (400, 409, 422 …). */
	create(request: Request, options: CallOptions = {}): Promise<Created> {
		return this.transport.post(this.spec.created, this.spec.path, request, options);
	}

	/** Every item, as the API lists them. */
	list(options: CallOptions = {}): Promise<List> {
		return this.transport.get(this.spec.list, this.spec.path, options);
	}

	/** Removes the item `id`; an unknown id is an ApiError 404. */
	protected deleteById(id: string, options: CallOptions): Promise<void> {
		return this.transport.delete(`${this.spec.path}/${segment(id)}`, options);
	}
}

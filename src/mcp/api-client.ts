/** How MCP tools reach the HTTP API: in-process requests made as the MCP caller, and what their answers mean. */

/** Sends one request to the HTTP API in-process, with the MCP caller's credentials. */
export type CallApi = (path: string, init?: RequestInit) => Promise<Response>;

/** An answer of the API: its status and body (parsed JSON, or text for Markdown and HTML). */
export type ApiAnswer = { ok: boolean; status: number; body: unknown };

/** Thrown when the API answers with an error; `body` is its `{ error: { code, message, details? } }`. */
export class ApiCallError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
	) {
		super(`the API answered ${status}`);
	}
}

/**
 * The API path of a job or one of its sub-resources, with the id kept to one path segment.
 * @example jobPath("job_1", "events") // "/v1/research/job_1/events"
 */
export function jobPath(jobId: string, ...rest: string[]): string {
	return ["/v1/research", encodeURIComponent(jobId), ...rest].join("/");
}

/** Reads an API response: JSON bodies parsed, anything else as text. */
export async function readAnswer(response: Response): Promise<ApiAnswer> {
	const json = response.headers.get("content-type")?.includes("json") ?? false;
	const body: unknown = json ? await response.json() : await response.text();
	return { ok: response.ok, status: response.status, body };
}

/** Calls the API and returns its answer when successful; an error answer throws an ApiCallError. */
export async function requestApi(callApi: CallApi, path: string, init?: RequestInit): Promise<ApiAnswer> {
	const answer = await readAnswer(await callApi(path, init));
	if (!answer.ok) throw new ApiCallError(answer.status, answer.body);
	return answer;
}

/** A JSON POST request. */
export function postJsonInit(body: unknown, signal?: AbortSignal): RequestInit {
	return {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(body),
		...(signal ? { signal } : {}),
	};
}

/**
 * How MCP tools reach the HTTP API: the library's client over in-process requests made as the MCP caller,
 * so validation, tenancy, quotas and errors are the API's own; and the API's error JSON of a refusal.
 */
import { type ApiError, ResearchSwarmClient } from "../client/index";
import type { ApiErrorBody } from "../protocol";

/** Sends one request to the HTTP API in-process, with the MCP caller's credentials. */
export type CallApi = (path: string, init?: RequestInit) => Promise<Response>;

/**
 * A client of the API whose requests `callApi` answers in-process: its paths go to `callApi` as they are.
 * @example await apiClientOf(callApi).research.get("job_1")
 */
export function apiClientOf(callApi: CallApi): ResearchSwarmClient {
	return new ResearchSwarmClient({ baseUrl: "", fetch: (path, init) => callApi(path, init) });
}

/** The API's error body of an ApiError, as the API sent it: `{ error: { code, message, details? } }`. */
export function errorBodyOf(error: ApiError): ApiErrorBody {
	const { code, message, details } = error;
	return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

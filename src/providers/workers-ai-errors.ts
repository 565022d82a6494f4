/**
 * How a failure of the `AI` binding is classified. The binding throws an `Error` whose message carries
 * Workers AI's internal code (https://developers.cloudflare.com/workers-ai/platform/errors/):
 *
 * | code | meaning | kind |
 * |---|---|---|
 * | 3036 | the daily free allocation of Neurons is used up (HTTP 429) | `spend_limit`: never retried |
 * | 3040 | out of capacity (HTTP 429, "Capacity temporarily exceeded") | `overloaded`: the platform's own overload, retried with backoff and counted by the breaker, like Anthropic's 529 |
 * | 3007, 3008 | request timeout, aborted | `timeout` |
 * | 3023, 3041, 5016, 5018 | account blocked, model not allowed, model terms not agreed | `auth` |
 * | 3003, 3006, 3042, 5004, 5007 | incomplete, too large, invalid model, invalid data, no such model | `invalid_request` |
 *
 * Without a known code the words decide: "daily free allocation" is `spend_limit`, "capacity"
 * `overloaded`, a 429 or "rate limit" `rate_limited`; an abort or timeout of the call's signal is
 * `timeout`, and anything else is `server`.
 */
import { ProviderError, type ProviderErrorKind } from "./types";

export const WORKERS_AI_PROVIDER_NAME = "workers-ai";

const CODE_KINDS: Record<string, ProviderErrorKind> = {
	"3036": "spend_limit",
	"3040": "overloaded",
	"3007": "timeout",
	"3008": "timeout",
	"3023": "auth",
	"3041": "auth",
	"5016": "auth",
	"5018": "auth",
	"3003": "invalid_request",
	"3006": "invalid_request",
	"3042": "invalid_request",
	"5004": "invalid_request",
	"5007": "invalid_request",
};

/** The message Workers AI throws when the model's answer could not be held to the JSON schema. */
const JSON_MODE_FAILED = /JSON Mode couldn't be met/i;

/** Whether a thrown error says the answer failed JSON mode (it then gets a repair call, not a failure). */
export function isJsonModeFailure(error: unknown): boolean {
	return error instanceof Error && JSON_MODE_FAILED.test(error.message);
}

/** The kind of an error without a known code, by its words. */
function kindOfMessage(message: string): ProviderErrorKind {
	if (/daily free allocation/i.test(message)) return "spend_limit";
	if (/capacity/i.test(message)) return "overloaded";
	if (/\b429\b|rate limit/i.test(message)) return "rate_limited";
	return "server";
}

/**
 * Classifies what the binding threw by Workers AI's internal error code (module comment); an abort or a
 * timeout of the call's signal is a timeout.
 *
 * @example workersAiError(new Error("3040: Capacity temporarily exceeded, please try again.")).kind // "overloaded"
 */
export function workersAiError(error: unknown): ProviderError {
	if (error instanceof ProviderError) return error;
	const name = error instanceof Error ? error.name : "";
	const message = error instanceof Error ? error.message : String(error);
	if (name === "AbortError" || name === "TimeoutError") {
		return new ProviderError(WORKERS_AI_PROVIDER_NAME, "timeout", "the call was aborted or timed out");
	}
	const code = /\b([35]\d{3})\b/.exec(message)?.[1];
	const kind = (code ? CODE_KINDS[code] : undefined) ?? kindOfMessage(message);
	return new ProviderError(WORKERS_AI_PROVIDER_NAME, kind, `Workers AI: ${message.slice(0, 500)}`);
}

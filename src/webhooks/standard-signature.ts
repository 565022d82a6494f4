/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-signature` carries one or
 * more `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, separated by spaces. Signing and matching are
 * done by the `standardwebhooks` package; this module adds several secrets (rotation) and precise
 * reasons for a refusal.
 */
import { Webhook } from "standardwebhooks";

/** How far `webhook-timestamp` may be from the receiver's clock, either way. */
export const TIMESTAMP_TOLERANCE_SECONDS = 5 * 60;

/** The three Standard Webhooks headers. */
export type StandardWebhookHeaders = {
	"webhook-id": string;
	"webhook-timestamp": string;
	"webhook-signature": string;
};

/** Why an inbound webhook was refused. */
export type StandardRefusal =
	| "missing_headers"
	| "malformed_timestamp"
	| "expired"
	| "future"
	| "bad_signature";

export type StandardVerification =
	| { ok: true; messageId: string; timestampSeconds: number }
	| { ok: false; reason: StandardRefusal };

/**
 * The headers of a message signed with every secret in `secrets` (the current one first; during a
 * rotation the previous one too, so receivers holding either secret accept it).
 *
 * @example
 * signStandardWebhook(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')
 * // → { "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", … }
 */
export function signStandardWebhook(
	secrets: readonly string[],
	messageId: string,
	timestampSeconds: number,
	body: string,
): StandardWebhookHeaders {
	const at = new Date(timestampSeconds * 1000);
	return {
		"webhook-id": messageId,
		"webhook-timestamp": String(timestampSeconds),
		"webhook-signature": secrets.map((secret) => new Webhook(secret).sign(messageId, at, body)).join(" "),
	};
}

/**
 * Checks an inbound message against any of `secrets`: the timestamp must lie within
 * `TIMESTAMP_TOLERANCE_SECONDS` of `nowMs` and one `v1` signature must match the exact body. The package
 * checks the timestamp against the clock again, so `nowMs` must be the current time.
 */
export function verifyStandardWebhook(
	secrets: readonly string[],
	body: string,
	header: (name: keyof StandardWebhookHeaders) => string | null | undefined,
	nowMs: number,
): StandardVerification {
	const headers = {
		"webhook-id": header("webhook-id") ?? "",
		"webhook-timestamp": header("webhook-timestamp") ?? "",
		"webhook-signature": header("webhook-signature") ?? "",
	};
	if (Object.values(headers).some((value) => value === "")) return { ok: false, reason: "missing_headers" };
	if (!/^\d{1,12}$/.test(headers["webhook-timestamp"])) return { ok: false, reason: "malformed_timestamp" };
	const timestampSeconds = Number(headers["webhook-timestamp"]);
	const nowSeconds = Math.floor(nowMs / 1000);
	if (nowSeconds - timestampSeconds > TIMESTAMP_TOLERANCE_SECONDS) return { ok: false, reason: "expired" };
	if (timestampSeconds - nowSeconds > TIMESTAMP_TOLERANCE_SECONDS) return { ok: false, reason: "future" };
	const verified = secrets.some((secret) => {
		try {
			new Webhook(secret).verify(body, headers, { jsonParse: false });
			return true;
		} catch {
			return false;
		}
	});
	if (!verified) return { ok: false, reason: "bad_signature" };
	return { ok: true, messageId: headers["webhook-id"], timestampSeconds };
}

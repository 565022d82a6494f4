import fc from "fast-check";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
	type StandardWebhookHeaders,
	signStandardWebhook,
	TIMESTAMP_TOLERANCE_SECONDS,
	verifyStandardWebhook,
} from "../../../src/webhooks/standard-signature";

// The published test vector of the Standard Webhooks specification.
const SPEC = {
	secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
	id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
	timestamp: 1614265330,
	body: '{"test": 2432232314}',
	signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};
const OTHER_SECRET = "whsec_dGhlIG90aGVyIHNlY3JldCBvZiB0aGlzIHRlbnRhbnQ=";

function reader(headers: Partial<StandardWebhookHeaders>) {
	return (name: keyof StandardWebhookHeaders) => headers[name];
}

/** Verifies with the clock (which the package reads) set to `nowSeconds`. */
function verifyAt(
	nowSeconds: number,
	secrets: string[],
	body: string,
	headers: Partial<StandardWebhookHeaders>,
) {
	vi.setSystemTime(nowSeconds * 1000);
	return verifyStandardWebhook(secrets, body, reader(headers), nowSeconds * 1000);
}

beforeEach(() => {
	vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(() => {
	vi.useRealTimers();
});

describe("signStandardWebhook", () => {
	it("reproduces the specification's test vector", () => {
		expect(signStandardWebhook([SPEC.secret], SPEC.id, SPEC.timestamp, SPEC.body)).toEqual({
			"webhook-id": SPEC.id,
			"webhook-timestamp": String(SPEC.timestamp),
			"webhook-signature": SPEC.signature,
		});
	});

	it("signs with every secret in force, current first, separated by spaces", () => {
		const headers = signStandardWebhook([SPEC.secret, OTHER_SECRET], SPEC.id, SPEC.timestamp, SPEC.body);
		const signatures = headers["webhook-signature"].split(" ");
		expect(signatures).toHaveLength(2);
		expect(signatures[0]).toBe(SPEC.signature);
		expect(signatures[1]).toBe(
			new Webhook(OTHER_SECRET).sign(SPEC.id, new Date(SPEC.timestamp * 1000), SPEC.body),
		);
	});
});

describe("verifyStandardWebhook", () => {
	const valid = {
		"webhook-id": SPEC.id,
		"webhook-timestamp": String(SPEC.timestamp),
		"webhook-signature": SPEC.signature,
	};

	it("accepts the specification's test vector", () => {
		expect(verifyAt(SPEC.timestamp, [SPEC.secret], SPEC.body, valid)).toEqual({
			ok: true,
			messageId: SPEC.id,
			timestampSeconds: SPEC.timestamp,
		});
	});

	it("accepts a header listing several signatures when one matches", () => {
		const headers = { ...valid, "webhook-signature": `v1,bm90IHRoZSByaWdodCBvbmU= v2,abc ${SPEC.signature}` };
		expect(verifyAt(SPEC.timestamp, [SPEC.secret], SPEC.body, headers).ok).toBe(true);
	});

	it("accepts a message signed with any secret in force (rotation)", () => {
		expect(verifyAt(SPEC.timestamp, [OTHER_SECRET, SPEC.secret], SPEC.body, valid).ok).toBe(true);
	});

	it("refuses a tampered body, a wrong secret, another id and a forged signature", () => {
		const refusal = { ok: false, reason: "bad_signature" };
		expect(verifyAt(SPEC.timestamp, [SPEC.secret], '{"test": 2432232315}', valid)).toEqual(refusal);
		expect(verifyAt(SPEC.timestamp, [SPEC.secret], `${SPEC.body} `, valid)).toEqual(refusal);
		expect(verifyAt(SPEC.timestamp, [OTHER_SECRET], SPEC.body, valid)).toEqual(refusal);
		expect(
			verifyAt(SPEC.timestamp, [SPEC.secret], SPEC.body, { ...valid, "webhook-id": "msg_other" }),
		).toEqual(refusal);
		const forged = { ...valid, "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OF=" };
		expect(verifyAt(SPEC.timestamp, [SPEC.secret], SPEC.body, forged)).toEqual(refusal);
		expect(verifyAt(SPEC.timestamp, [], SPEC.body, valid)).toEqual(refusal);
	});

	it("refuses a signature of another version", () => {
		const headers = { ...valid, "webhook-signature": SPEC.signature.replace("v1,", "v2,") };
		expect(verifyAt(SPEC.timestamp, [SPEC.secret], SPEC.body, headers)).toEqual({
			ok: false,
			reason: "bad_signature",
		});
	});

	it("allows 5 minutes of clock difference either way, and not a second more", () => {
		const at = (now: number) => verifyAt(now, [SPEC.secret], SPEC.body, valid);
		expect(at(SPEC.timestamp + TIMESTAMP_TOLERANCE_SECONDS).ok).toBe(true);
		expect(at(SPEC.timestamp - TIMESTAMP_TOLERANCE_SECONDS).ok).toBe(true);
		expect(at(SPEC.timestamp + TIMESTAMP_TOLERANCE_SECONDS + 1)).toEqual({ ok: false, reason: "expired" });
		expect(at(SPEC.timestamp - TIMESTAMP_TOLERANCE_SECONDS - 1)).toEqual({ ok: false, reason: "future" });
	});

	it("names missing headers and malformed timestamps", () => {
		const { "webhook-signature": _, ...unsigned } = valid;
		expect(verifyAt(SPEC.timestamp, [SPEC.secret], SPEC.body, unsigned)).toEqual({
			ok: false,
			reason: "missing_headers",
		});
		for (const timestamp of ["soon", "1614265330.5", "-1614265330", "16142653301234"]) {
			expect(
				verifyAt(SPEC.timestamp, [SPEC.secret], SPEC.body, { ...valid, "webhook-timestamp": timestamp }),
			).toEqual({ ok: false, reason: "malformed_timestamp" });
		}
	});

	it("verifies whatever it signed, and nothing after one character of the body changed", () => {
		fc.assert(
			fc.property(
				fc.string({ minLength: 1, maxLength: 40 }),
				fc.string({ minLength: 1, maxLength: 200 }),
				fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
				fc.nat(),
				(id, body, timestamp, position) => {
					const headers = signStandardWebhook([SPEC.secret], id, timestamp, body);
					expect(verifyAt(timestamp, [SPEC.secret], body, headers).ok).toBe(true);
					const index = position % body.length;
					const changed = `${body.slice(0, index)}${body[index] === "x" ? "y" : "x"}${body.slice(index + 1)}`;
					expect(verifyAt(timestamp, [SPEC.secret], changed, headers)).toEqual({
						ok: false,
						reason: "bad_signature",
					});
				},
			),
			{ numRuns: 100 },
		);
	});
});

import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it, vi } from "vitest";
import { githubRequestHeaders, standardRequestHeaders } from "../../../src/webhooks/requests";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const PREVIOUS = "whsec_cHJldmlvdXMgc2VjcmV0IG9mIHRoZSB0ZW5hbnQ=";

afterEach(() => {
	vi.useRealTimers();
});

describe("standardRequestHeaders", () => {
	it("are JSON headers a receiver holding either secret in force can verify", () => {
		const body = JSON.stringify({ type: "job.completed", timestamp: "2026-03-01T12:00:00.000Z", data: {} });
		const now = 1_772_366_400;
		const headers = standardRequestHeaders([SECRET, PREVIOUS], "evt_1_completed", now, body);
		expect(headers["content-type"]).toBe("application/json");
		expect(headers["webhook-id"]).toBe("evt_1_completed");
		expect(headers["webhook-timestamp"]).toBe(String(now));
		vi.useFakeTimers({ toFake: ["Date"], now: now * 1000 });
		for (const secret of [SECRET, PREVIOUS]) {
			expect(() => new Webhook(secret).verify(body, headers, { jsonParse: false })).not.toThrow();
		}
		expect(() => new Webhook(SECRET).verify(`${body} `, headers)).toThrow();
	});
});

describe("githubRequestHeaders", () => {
	it("authenticate with the token and ask for the REST API's JSON", () => {
		expect(githubRequestHeaders("ghp_x")).toMatchObject({
			authorization: "Bearer ghp_x",
			accept: "application/vnd.github+json",
			"content-type": "application/json",
		});
	});
});

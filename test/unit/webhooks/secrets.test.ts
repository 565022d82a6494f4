import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { generateGithubSecret, generateSigningSecret, secretsInForce } from "../../../src/webhooks/secrets";

describe("generated secrets", () => {
	it("are Standard Webhooks secrets of 32 random bytes", () => {
		const secret = generateSigningSecret();
		expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
		expect(atob(secret.slice("whsec_".length))).toHaveLength(32);
		expect(() => new Webhook(secret)).not.toThrow();
		expect(generateSigningSecret()).not.toBe(secret);
	});

	it("are 64 hex characters for GitHub", () => {
		const secret = generateGithubSecret();
		expect(secret).toMatch(/^[0-9a-f]{64}$/);
		expect(generateGithubSecret()).not.toBe(secret);
	});
});

describe("secretsInForce", () => {
	const now = 1_000_000;

	it("is the current secret, plus the previous one until its grace period ends", () => {
		expect(secretsInForce(null, now)).toEqual([]);
		expect(secretsInForce({ secret: "new", previousSecret: null, previousExpiresAt: null }, now)).toEqual([
			"new",
		]);
		expect(secretsInForce({ secret: "new", previousSecret: "old", previousExpiresAt: now + 1 }, now)).toEqual(
			["new", "old"],
		);
		expect(secretsInForce({ secret: "new", previousSecret: "old", previousExpiresAt: now }, now)).toEqual([
			"new",
		]);
	});
});

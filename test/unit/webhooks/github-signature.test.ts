import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { githubSignature, verifyGithubSignature } from "../../../src/webhooks/github-signature";

// GitHub's documented example for validating webhook deliveries.
const GITHUB = {
	secret: "It's a Secret to Everybody",
	body: "Hello, World!",
	signature: "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
};

const bytes = (text: string) => new TextEncoder().encode(text);

describe("githubSignature", () => {
	it("reproduces GitHub's documented example", async () => {
		expect(await githubSignature(GITHUB.secret, bytes(GITHUB.body))).toBe(GITHUB.signature);
	});
});

describe("verifyGithubSignature", () => {
	it("accepts GitHub's documented example, in either hex case", async () => {
		expect(await verifyGithubSignature(GITHUB.secret, bytes(GITHUB.body), GITHUB.signature)).toBe(true);
		const upper = `sha256=${GITHUB.signature.slice(7).toUpperCase()}`;
		expect(await verifyGithubSignature(GITHUB.secret, bytes(GITHUB.body), upper)).toBe(true);
	});

	it("refuses a tampered body, another secret, a forged or malformed header", async () => {
		expect(await verifyGithubSignature(GITHUB.secret, bytes("Hello, World?"), GITHUB.signature)).toBe(false);
		expect(await verifyGithubSignature("another secret", bytes(GITHUB.body), GITHUB.signature)).toBe(false);
		const forged = `${GITHUB.signature.slice(0, -1)}f`;
		expect(await verifyGithubSignature(GITHUB.secret, bytes(GITHUB.body), forged)).toBe(false);
		for (const header of [
			undefined,
			null,
			"",
			GITHUB.signature.slice(7),
			`sha1=${GITHUB.signature.slice(7)}`,
		]) {
			expect(await verifyGithubSignature(GITHUB.secret, bytes(GITHUB.body), header)).toBe(false);
		}
		expect(await verifyGithubSignature(GITHUB.secret, bytes(GITHUB.body), `${GITHUB.signature}00`)).toBe(
			false,
		);
	});

	it("verifies the raw bytes: a body that differs only in a byte-order mark does not match", async () => {
		const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes(GITHUB.body)]);
		expect(await verifyGithubSignature(GITHUB.secret, withBom, GITHUB.signature)).toBe(false);
	});

	it("verifies whatever it signed, for any secret and body", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.string({ minLength: 1 }),
				fc.uint8Array({ maxLength: 300 }),
				async (secret, body) => {
					const raw = new Uint8Array(body);
					const signature = await githubSignature(secret, raw);
					expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
					expect(await verifyGithubSignature(secret, raw, signature)).toBe(true);
					expect(await verifyGithubSignature(`${secret}!`, raw, signature)).toBe(false);
				},
			),
			{ numRuns: 50 },
		);
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	isSealed,
	needsResealing,
	openSecret,
	parseKeyring,
	sealedKeyId,
	sealSecret,
} from "../../../src/lib/secret-box";

const KEY_1 = `k1:${"1f".repeat(32)}`;
const KEY_2 = `k2:${"a7".repeat(32)}`;
const here = { tenantId: "tn_1", purpose: "webhook-signing-secret" };

describe("sealSecret and openSecret", () => {
	it("round-trip any text, and never store it readable", async () => {
		const keyring = await parseKeyring(KEY_1);
		await fc.assert(
			fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }), async (plaintext) => {
				const sealed = await sealSecret(keyring, plaintext, here);
				expect(isSealed(sealed)).toBe(true);
				expect(sealedKeyId(sealed)).toBe("k1");
				if (plaintext.length >= 4) expect(sealed).not.toContain(plaintext);
				expect(await openSecret(keyring, sealed, here)).toBe(plaintext);
			}),
			{ numRuns: 60 },
		);
	});

	it("use a fresh IV each time, so equal secrets do not look equal", async () => {
		const keyring = await parseKeyring(KEY_1);
		const a = await sealSecret(keyring, "whsec_same", here);
		const b = await sealSecret(keyring, "whsec_same", here);
		expect(a).not.toBe(b);
	});

	it("refuse a value altered anywhere after the key id", async () => {
		const keyring = await parseKeyring(KEY_1);
		const sealed = await sealSecret(keyring, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", here);
		const start = "sb1.k1.".length;
		await fc.assert(
			fc.asyncProperty(fc.integer({ min: start, max: sealed.length - 2 }), async (index) => {
				const flipped = sealed[index] === "A" ? "B" : "A";
				const tampered = `${sealed.slice(0, index)}${flipped}${sealed.slice(index + 1)}`;
				await expect(openSecret(keyring, tampered, here)).rejects.toThrow();
			}),
			{ numRuns: 40 },
		);
	});

	it("open only for the tenant and purpose they were sealed for", async () => {
		const keyring = await parseKeyring(KEY_1);
		const sealed = await sealSecret(keyring, "ghp_token", here);
		await expect(openSecret(keyring, sealed, { ...here, tenantId: "tn_2" })).rejects.toThrow();
		await expect(openSecret(keyring, sealed, { ...here, purpose: "github-token" })).rejects.toThrow();
	});

	it("pass a plain value written before secrets were sealed through, marked for resealing", async () => {
		const keyring = await parseKeyring(KEY_1);
		expect(await openSecret(keyring, "whsec_legacy", here)).toBe("whsec_legacy");
		expect(needsResealing(keyring, "whsec_legacy")).toBe(true);
	});
});

describe("key rotation", () => {
	it("opens values sealed under the previous key while it is listed, and seals with the first key", async () => {
		const before = await parseKeyring(KEY_1);
		const old = await sealSecret(before, "whsec_rotating", here);
		const during = await parseKeyring(`${KEY_2},${KEY_1}`);
		expect(await openSecret(during, old, here)).toBe("whsec_rotating");
		expect(needsResealing(during, old)).toBe(true);
		const resealed = await sealSecret(during, await openSecret(during, old, here), here);
		expect(sealedKeyId(resealed)).toBe("k2");
		expect(needsResealing(during, resealed)).toBe(false);
		const after = await parseKeyring(KEY_2);
		expect(await openSecret(after, resealed, here)).toBe("whsec_rotating");
		await expect(openSecret(after, old, here)).rejects.toThrow(/no key "k1"/);
	});

	it("does not open a value with another key under the same id", async () => {
		const sealed = await sealSecret(await parseKeyring(KEY_1), "whsec_x", here);
		const impostor = await parseKeyring(`k1:${"00".repeat(32)}`);
		await expect(openSecret(impostor, sealed, here)).rejects.toThrow();
	});
});

describe("parseKeyring", () => {
	it("refuses malformed specs without echoing a key", async () => {
		const short = `k1:${"ab".repeat(16)}`;
		await expect(parseKeyring("")).rejects.toThrow(/SECRETS_KEYS/);
		await expect(parseKeyring(short)).rejects.toThrow(/64 hex/);
		await expect(parseKeyring(short)).rejects.not.toThrow(short);
		await expect(parseKeyring(`${KEY_1},${KEY_1}`)).rejects.toThrow(/twice/);
	});
});

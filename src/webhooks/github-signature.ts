/**
 * GitHub webhook signatures: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>` keyed with
 * the webhook's secret. The check uses `crypto.subtle.verify`, which compares in constant time.
 */

const SIGNATURE_PATTERN = /^sha256=([0-9a-f]{64})$/i;

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
	return crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(secret),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		[usage],
	);
}

function hexToBytes(hex: string): Uint8Array<ArrayBuffer> {
	const bytes = new Uint8Array(hex.length / 2);
	for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return bytes;
}

/**
 * The `X-Hub-Signature-256` value GitHub sends for `body`.
 *
 * @example
 * await githubSignature("It's a Secret to Everybody", new TextEncoder().encode("Hello, World!"))
 * // → "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
 */
export async function githubSignature(secret: string, body: Uint8Array): Promise<string> {
	const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), new Uint8Array(body));
	return `sha256=${[...new Uint8Array(mac)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

/** Whether `header` is a valid `X-Hub-Signature-256` of the raw `body` under `secret`. */
export async function verifyGithubSignature(
	secret: string,
	body: Uint8Array,
	header: string | null | undefined,
): Promise<boolean> {
	const hex = SIGNATURE_PATTERN.exec(header?.trim() ?? "")?.[1];
	if (hex === undefined) return false;
	return crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), hexToBytes(hex), new Uint8Array(body));
}

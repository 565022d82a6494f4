/**
 * Secrets at rest: AES-256-GCM (WebCrypto) under a keyring read from the `SECRETS_KEYS` Worker secret.
 *
 * A sealed value is `sb1.{keyId}.{base64url(iv ‖ ciphertext ‖ tag)}` with a random 96-bit IV. The
 * additional data binds it to where it belongs (its tenant and purpose), so a ciphertext copied into
 * another tenant's row or another column's purpose does not open. The key id names the key that sealed
 * it, so after a rotation values sealed under the previous key still open until they are sealed again.
 *
 * `SECRETS_KEYS` is `id:hex,id:hex…`: each key 32 bytes as 64 hex characters, the first one current.
 */
import { z } from "zod";

/** Marks a sealed value and its format version. */
const SEALED_PREFIX = "sb1.";

const IV_BYTES = 12;

const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

const KeyEntrySchema = z
	.string()
	.trim()
	.regex(/^[A-Za-z0-9_-]{1,32}:[0-9a-fA-F]{64}$/, "each key is id:<64 hex characters>");

/** A set of keys: `current` seals, every key opens what it sealed. */
export type Keyring = {
	currentId: string;
	keys: ReadonlyMap<string, CryptoKey>;
};

/** Where a sealed value belongs; it opens only for the same tenant and purpose. */
export type SealContext = { tenantId: string; purpose: string };

function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
	const bytes = new Uint8Array(hex.length / 2);
	for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
	return bytes;
}

function toBase64Url(bytes: Uint8Array): string {
	let binary = "";
	for (const byte of bytes) binary += String.fromCharCode(byte);
	return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
	const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

function additionalData(context: SealContext): Uint8Array<ArrayBuffer> {
	return new Uint8Array(new TextEncoder().encode(`${context.purpose}\u0000${context.tenantId}`));
}

/**
 * Parses a `SECRETS_KEYS` value into a keyring; throws naming what is wrong (never a key).
 *
 * @example
 * const keyring = await parseKeyring(`k2:${"ab".repeat(32)},k1:${"cd".repeat(32)}`); // seals with k2, opens k2 and k1
 */
export async function parseKeyring(spec: string): Promise<Keyring> {
	const entries = spec
		.split(",")
		.map((entry) => entry.trim())
		.filter((entry) => entry !== "");
	const parsed = z.array(KeyEntrySchema).min(1, "at least one key is needed").safeParse(entries);
	if (!parsed.success) {
		throw new Error(`invalid SECRETS_KEYS: ${parsed.error.issues.map((issue) => issue.message).join("; ")}`);
	}
	const keys = new Map<string, CryptoKey>();
	for (const entry of parsed.data) {
		const [id = "", hex = ""] = entry.split(":");
		if (keys.has(id)) throw new Error(`invalid SECRETS_KEYS: key id ${id} appears twice`);
		keys.set(
			id,
			await crypto.subtle.importKey("raw", hexBytes(hex), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]),
		);
	}
	const [currentId = ""] = keys.keys();
	return { currentId, keys };
}

/** Whether a stored value is sealed (rather than a plain value written before secrets were sealed). */
export function isSealed(stored: string): boolean {
	return stored.startsWith(SEALED_PREFIX);
}

/** The key id a sealed value names, or null when the value is not sealed. */
export function sealedKeyId(stored: string): string | null {
	if (!isSealed(stored)) return null;
	const id = stored.slice(SEALED_PREFIX.length).split(".")[0] ?? "";
	return KEY_ID_PATTERN.test(id) ? id : null;
}

/**
 * Seals `plaintext` under the keyring's current key for `context`.
 * @example await sealSecret(keyring, "whsec_…", { tenantId: "tn_1", purpose: "webhook-signing" }) // → "sb1.k2.…"
 */
export async function sealSecret(keyring: Keyring, plaintext: string, context: SealContext): Promise<string> {
	const key = keyring.keys.get(keyring.currentId);
	if (!key) throw new Error("the keyring has no current key");
	const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
	const sealed = await crypto.subtle.encrypt(
		{ name: "AES-GCM", iv, additionalData: additionalData(context) },
		key,
		new TextEncoder().encode(plaintext),
	);
	const body = new Uint8Array(IV_BYTES + sealed.byteLength);
	body.set(iv);
	body.set(new Uint8Array(sealed), IV_BYTES);
	return `${SEALED_PREFIX}${keyring.currentId}.${toBase64Url(body)}`;
}

/**
 * Opens a stored value: a sealed one with the key it names (throws when that key is not in the keyring,
 * or the value was altered or belongs to another context); a plain one, written before secrets were
 * sealed, is returned as it is until it is sealed again.
 */
export async function openSecret(keyring: Keyring, stored: string, context: SealContext): Promise<string> {
	if (!isSealed(stored)) return stored;
	const keyId = sealedKeyId(stored);
	const key = keyId === null ? undefined : keyring.keys.get(keyId);
	if (keyId === null || !key) throw new Error(`no key "${keyId ?? "?"}" in SECRETS_KEYS opens this secret`);
	const body = fromBase64Url(stored.slice(SEALED_PREFIX.length + keyId.length + 1));
	const plain = await crypto.subtle.decrypt(
		{ name: "AES-GCM", iv: body.slice(0, IV_BYTES), additionalData: additionalData(context) },
		key,
		body.slice(IV_BYTES),
	);
	return new TextDecoder().decode(plain);
}

/** Whether a stored value must be sealed again: plain, or sealed under a key that is no longer current. */
export function needsResealing(keyring: Keyring, stored: string): boolean {
	return sealedKeyId(stored) !== keyring.currentId;
}

/**
 * API keys: `rs_live_…` or `rs_test_…` followed by 256 random bits in base64url. Only the SHA-256 of a
 * key is stored; a presented key is hashed and compared in constant time.
 */
import { sha256Hex } from "../lib/hash";

export type KeyEnvironment = "live" | "test";

export type NewApiKey = {
	id: string;
	/** The secret. Returned to the caller once and never stored. */
	key: string;
	/** Recognisable, non-secret start of the key, e.g. `rs_live_Xy7Q`. */
	prefix: string;
	hash: string;
};

const KEY_PATTERN = /^rs_(live|test)_[A-Za-z0-9_-]{43}$/;

function base64url(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes))
		.replaceAll("+", "-")
		.replaceAll("/", "_")
		.replace(/=+$/, "");
}

/** A random id with a readable prefix, e.g. `randomId("key")` → "key_3hV…". */
export function randomId(prefix: string): string {
	return `${prefix}_${base64url(crypto.getRandomValues(new Uint8Array(12)))}`;
}

/** Generates a new API key with its id, display prefix and hash. */
export async function generateApiKey(environment: KeyEnvironment): Promise<NewApiKey> {
	const key = `rs_${environment}_${base64url(crypto.getRandomValues(new Uint8Array(32)))}`;
	return { id: randomId("key"), key, prefix: key.slice(0, 12), hash: await sha256Hex(key) };
}

/** Whether `text` has the shape of an API key (checked before any lookup). */
export function looksLikeApiKey(text: string): boolean {
	return KEY_PATTERN.test(text);
}

/** SHA-256 of a presented key, the form keys are stored and looked up in. */
export function hashApiKey(key: string): Promise<string> {
	return sha256Hex(key);
}

/** Constant-time equality of two strings (false for different lengths without comparing contents). */
export function constantTimeEqual(a: string, b: string): boolean {
	const left = new TextEncoder().encode(a);
	const right = new TextEncoder().encode(b);
	if (left.byteLength !== right.byteLength) return false;
	return crypto.subtle.timingSafeEqual(left, right);
}

/** Hex SHA-256 of a UTF-8 string, e.g. `await sha256Hex("abc")` → "ba7816bf…". */
export async function sha256Hex(text: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
	return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** JSON with object keys sorted at every level, so equal values always serialize to equal strings. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value, (_key, item: unknown) => {
		if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
		return Object.fromEntries(
			Object.entries(item as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
		);
	});
}

/**
 * 32-bit FNV-1a over UTF-16 code units, unsigned: a fast, stable, non-cryptographic hash.
 * @example fnv1a32("a") // 3826002220
 */
export function fnv1a32(text: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		hash ^= text.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return hash >>> 0;
}

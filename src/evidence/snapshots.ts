/** Source snapshots in R2, stored once per tenant and content hash. */
import { sha256Hex } from "../lib/hash";
import { evidenceKey } from "../lib/keys";

export type Snapshot = { sha256: string; bytes: number };

/** Stores `text` under its SHA-256 (skipping the write when that snapshot already exists). */
export async function storeSnapshot(
	bucket: R2Bucket,
	tenantId: string,
	text: string,
	contentType = "text/plain; charset=utf-8",
): Promise<Snapshot> {
	const sha256 = await sha256Hex(text);
	const key = evidenceKey(tenantId, sha256);
	const bytes = new TextEncoder().encode(text).byteLength;
	if (!(await bucket.head(key))) {
		await bucket.put(key, text, { httpMetadata: { contentType } });
	}
	return { sha256, bytes };
}

/** The stored text of a snapshot, or null when it is missing. */
export async function loadSnapshot(
	bucket: R2Bucket,
	tenantId: string,
	sha256: string,
): Promise<string | null> {
	const object = await bucket.get(evidenceKey(tenantId, sha256));
	return object ? await object.text() : null;
}

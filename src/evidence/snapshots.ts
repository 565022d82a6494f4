/** Source snapshots in R2, stored once per tenant and content hash. */
import { sha256Hex } from "../lib/hash";
import { evidenceKey } from "../lib/object-keys";
import { SnapshotCache } from "./snapshot-cache";

/**
 * Snapshot text one isolate keeps in memory: 8 Mi characters (8–16 MiB), well inside a Worker's 128 MB,
 * and room for the sources of many jobs.
 */
const MAX_CACHED_CHARS = 8 * 1024 * 1024;
const cache = new SnapshotCache(MAX_CACHED_CHARS);

export type Snapshot = { sha256: string; bytes: number };

/**
 * Stores `text` under its SHA-256 (skipping the write when that snapshot already exists) and keeps it in
 * the isolate's snapshot cache.
 */
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
	cache.put(key, text);
	return { sha256, bytes };
}

/** The stored text of a snapshot, or null when it is missing; from the isolate's cache when it holds it. */
export function loadSnapshot(bucket: R2Bucket, tenantId: string, sha256: string): Promise<string | null> {
	const key = evidenceKey(tenantId, sha256);
	return cache.get(key, async () => {
		const object = await bucket.get(key);
		return object ? await object.text() : null;
	});
}

/** Turns a job's requested sources into registered sources: URL sources are fetched (guarded) and snapshotted. */
import type { SourceRecord } from "../protocol";
import { guardedFetch } from "./guarded-fetch";
import { extractPageText } from "./page-text";
import { storeSnapshot } from "./snapshots";

export type SourceRequest =
	| { kind: "text"; title: string; sha256: string; bytes: number }
	| { kind: "url"; url: string; title: string | null };

/**
 * Registers one source as `S{n}`. Text sources were snapshotted when the job was accepted; URL sources
 * are fetched now. A URL that cannot be fetched is recorded as unreachable with the reason — never guessed.
 */
export async function ingestSource(
	bucket: R2Bucket,
	tenantId: string,
	request: SourceRequest,
	index: number,
	now: () => number = Date.now,
): Promise<SourceRecord> {
	const id = `S${index + 1}`;
	if (request.kind === "text") {
		return {
			id,
			title: request.title,
			url: null,
			origin: "attached",
			status: "retrieved",
			sha256: request.sha256,
			bytes: request.bytes,
			contentType: "text/plain",
			error: null,
			retrievedAt: now(),
		};
	}
	const unreachable = (error: string): SourceRecord => ({
		id,
		title: request.title ?? request.url,
		url: request.url,
		origin: "url",
		status: "unreachable",
		sha256: null,
		bytes: 0,
		contentType: null,
		error,
		retrievedAt: now(),
	});
	const fetched = await guardedFetch(request.url);
	if (!fetched.ok) return unreachable(`${fetched.reason}: ${fetched.detail}`);
	const page = await extractPageText(fetched.body, fetched.contentType);
	if (page.text.trim().length === 0) return unreachable("empty: the page has no readable text");
	const snapshot = await storeSnapshot(bucket, tenantId, page.text);
	return {
		id,
		title: request.title ?? page.title ?? fetched.finalUrl,
		url: fetched.finalUrl,
		origin: "url",
		status: "retrieved",
		sha256: snapshot.sha256,
		bytes: snapshot.bytes,
		contentType: fetched.contentType,
		error: null,
		retrievedAt: now(),
	};
}

/** Turns requested and discovered sources into registered sources, fetching URLs through the guarded fetch. */
import type { SourceRecord } from "../protocol";
import { guardedFetch } from "./guarded-fetch";
import type { HostResolver } from "./host-resolver";
import { extractPageText } from "./page-text";
import { storeSnapshot } from "./snapshots";

export type SourceRequest =
	| { kind: "text"; title: string; sha256: string; bytes: number }
	| { kind: "url"; url: string; title: string | null };

/** A source before the coordinator gives it its job-wide id. */
export type NewSource = Omit<SourceRecord, "id">;

/** A fetched page's text, for handing to a model, alongside its registration. */
export type FetchedPage = { source: NewSource; text: string | null };

/**
 * Fetches `url` through the guarded fetch, extracts its readable text and snapshots it in R2. A page that
 * cannot be fetched comes back `unreachable` with the reason — never guessed.
 */
export async function snapshotUrl(
	bucket: R2Bucket,
	tenantId: string,
	url: string,
	options: {
		title: string | null;
		origin: NewSource["origin"];
		fetchImpl?: typeof fetch;
		/** Looks the host up before fetching (outside production); see `hostResolverFor`. */
		resolveHost?: HostResolver | null;
	},
): Promise<FetchedPage> {
	const base = { origin: options.origin, retrievedAt: Date.now() };
	const unreachable = (error: string): FetchedPage => ({
		source: {
			...base,
			title: options.title ?? url,
			url,
			status: "unreachable",
			sha256: null,
			bytes: 0,
			contentType: null,
			error,
		},
		text: null,
	});
	const fetched = await guardedFetch(url, {
		...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
		resolveHost: options.resolveHost ?? null,
	});
	if (!fetched.ok) return unreachable(`${fetched.reason}: ${fetched.detail}`);
	const page = await extractPageText(fetched.body, fetched.contentType);
	if (page.text.trim().length === 0) return unreachable("empty: the page has no readable text");
	const snapshot = await storeSnapshot(bucket, tenantId, page.text);
	return {
		source: {
			...base,
			title: options.title ?? page.title ?? fetched.finalUrl,
			url: fetched.finalUrl,
			status: "retrieved",
			sha256: snapshot.sha256,
			bytes: snapshot.bytes,
			contentType: fetched.contentType,
			error: null,
		},
		text: page.text,
	};
}

/**
 * Registers one requested source as `S{index + 1}`. Text sources were snapshotted when the job was
 * accepted; URL sources are fetched now.
 */
export async function ingestSource(
	bucket: R2Bucket,
	tenantId: string,
	request: SourceRequest,
	index: number,
	resolveHost: HostResolver | null = null,
): Promise<SourceRecord> {
	const id = `S${index + 1}`;
	if (request.kind === "url") {
		const { source } = await snapshotUrl(bucket, tenantId, request.url, {
			title: request.title,
			origin: "url",
			resolveHost,
		});
		return { id, ...source };
	}
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
		retrievedAt: Date.now(),
	};
}

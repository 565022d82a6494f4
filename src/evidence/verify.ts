/**
 * Citation verification: a citation counts only when its quote is verbatim (after the declared,
 * meaning-preserving normalisation of `quote-match.ts`) in the stored snapshot of a source this job
 * retrieved. The report then shows the snapshot's own words at the located offsets, never the
 * agent's text. A quote that is merely close to a passage is `altered`: the nearest passage is kept
 * for the reader, and the citation does not count.
 *
 * Each finding's claim is then judged against the text of its verbatim quotes (`support.ts`): a
 * finding is shown as verified only when its quotes are verbatim *and* its claim is supported.
 */
import type { Finding, Role, SourceRecord } from "../protocol";
import type { CheckedCitation, CheckedFinding, Support } from "../synthesis/types";
import { type IndexedSnapshot, indexSnapshotText, locateQuote, spanText } from "./quote-match";
import { checkSupport } from "./support";

/** Query parameters that only say who sent a visitor, never which page it is. */
const TRACKING_PARAMETERS: ReadonlySet<string> = new Set([
	"fbclid",
	"gclid",
	"dclid",
	"gbraid",
	"wbraid",
	"msclkid",
	"yclid",
	"twclid",
	"igshid",
	"mc_cid",
	"mc_eid",
	"_hsenc",
	"_hsmi",
	"mkt_tok",
]);

/**
 * Canonical form of a URL for comparing citations with retrieved sources: lower-case scheme and
 * host (as the URL parser does), default port, fragment, tracking parameters (`utm_*` and the click
 * and mail ids in `TRACKING_PARAMETERS`) and trailing slashes of the path dropped.
 * @example normalizeUrl("HTTPS://Example.com/a/?utm_source=openai#intro") // "https://example.com/a"
 */
export function normalizeUrl(url: string): string {
	const trimmed = url.trim();
	let parsed: URL;
	try {
		parsed = new URL(trimmed);
	} catch {
		return trimmed;
	}
	parsed.hash = "";
	if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return parsed.href;
	// Search engines tag the links they cite (`?utm_source=openai`); the page is the same without the tag.
	for (const name of [...parsed.searchParams.keys()]) {
		const key = name.toLowerCase();
		if (key.startsWith("utm_") || TRACKING_PARAMETERS.has(key)) parsed.searchParams.delete(name);
	}
	return `${parsed.origin}${parsed.pathname.replace(/\/+$/, "")}${parsed.search}`;
}

type Resolution = { check: "unknown_source" | "url_not_retrieved" } | { source: SourceRecord };

/**
 * Which source a citation is checked against. A non-empty URL decides: it must be the URL of a job
 * source (that source is then used even if `sourceId` names another one; a page the job found but
 * could not fetch is unreachable, not fabricated), otherwise the citation is fabricated. Without a URL
 * the `sourceId` decides.
 */
function resolveSource(
	citationUrl: string | null,
	sourceId: string,
	sourcesByUrl: ReadonlyMap<string, SourceRecord>,
	sourcesById: ReadonlyMap<string, SourceRecord>,
): Resolution {
	if (citationUrl !== null && citationUrl.trim() !== "") {
		const source = sourcesByUrl.get(normalizeUrl(citationUrl));
		return source ? { source } : { check: "url_not_retrieved" };
	}
	const source = sourcesById.get(sourceId);
	return source ? { source } : { check: "unknown_source" };
}

/** Agent results as the coordinator stored them. */
export type AgentFindings = { taskId: string; role: Role; findings: Finding[] };

/**
 * Checks every citation of every agent's findings against the job's retrieved snapshots
 * (`snapshots` maps source id → snapshot text) and judges each claim against its verbatim quotes by
 * the deterministic rules. A citation resolved through its URL carries the id of the source it was
 * checked against.
 */
export function checkFindings(
	results: AgentFindings[],
	sources: SourceRecord[],
	snapshots: ReadonlyMap<string, string>,
): CheckedFinding[] {
	const checkCitation = citationChecker(sources, snapshots);
	return results.flatMap(({ taskId, role, findings }) =>
		findings.map((finding) => {
			const citations = finding.citations.map(checkCitation);
			const support = ruleSupport(finding.claim, evidenceOf(citations, snapshots));
			return { ...finding, taskId, role, citations, support };
		}),
	);
}

/** A function checking one citation, with each snapshot indexed once however often it is cited. */
export function citationChecker(
	sources: readonly SourceRecord[],
	snapshots: ReadonlyMap<string, string>,
): (citation: Finding["citations"][number]) => CheckedCitation {
	const sourcesById = new Map(sources.map((source) => [source.id, source]));
	// One source per page: a retrieved copy wins over an unreachable entry for the same URL.
	const sourcesByUrl = new Map<string, SourceRecord>();
	for (const source of sources) {
		if (source.url === null) continue;
		const key = normalizeUrl(source.url);
		if (source.status === "retrieved" || !sourcesByUrl.has(key)) sourcesByUrl.set(key, source);
	}
	const indexes = new Map<string, IndexedSnapshot>();
	const indexFor = (sourceId: string, snapshot: string): IndexedSnapshot => {
		let index = indexes.get(sourceId);
		if (!index) {
			index = indexSnapshotText(snapshot);
			indexes.set(sourceId, index);
		}
		return index;
	};
	const unlocated = { sourceText: null, spans: [], similarity: 0 };

	return (citation) => {
		const resolution = resolveSource(citation.url, citation.sourceId, sourcesByUrl, sourcesById);
		if ("check" in resolution) {
			return { ...citation, verified: false, check: resolution.check, sha256: null, ...unlocated };
		}
		const { source } = resolution;
		const snapshot = snapshots.get(source.id);
		if (source.status !== "retrieved" || snapshot === undefined) {
			return {
				...citation,
				sourceId: source.id,
				verified: false,
				check: "source_unreachable",
				sha256: null,
				...unlocated,
			};
		}
		const located = { ...citation, sourceId: source.id, sha256: source.sha256 };
		const location = locateQuote(citation.quote, indexFor(source.id, snapshot));
		switch (location.check) {
			case "verbatim":
				return {
					...located,
					verified: true,
					check: "verbatim",
					sourceText: spanText(snapshot, location.spans),
					spans: location.spans,
					similarity: 1,
				};
			case "altered":
				return {
					...located,
					verified: false,
					check: "altered",
					sourceText: spanText(snapshot, [location.nearest]),
					spans: [location.nearest],
					similarity: location.similarity,
				};
			case "not_found":
				return {
					...located,
					verified: false,
					check: "not_found",
					...unlocated,
					similarity: location.similarity,
				};
		}
	};
}

/**
 * The text a claim is judged against: for each verbatim citation the snapshot from its first to its
 * last located character, so words an elision left out (a "not", say) still count against the claim.
 */
export function evidenceOf(
	citations: readonly CheckedCitation[],
	snapshots: ReadonlyMap<string, string>,
): string[] {
	return citations.flatMap((citation) => {
		if (!citation.verified) return [];
		const first = citation.spans[0];
		const last = citation.spans.at(-1);
		const snapshot = snapshots.get(citation.sourceId);
		if (first === undefined || last === undefined || snapshot === undefined)
			return [citation.sourceText ?? ""];
		return [snapshot.slice(first.start, last.end)];
	});
}

// "([example.org](https://example.org/a?utm_source=openai))": a citation a model wrote into its claim.
const LINK_CITATION = /\s*\(\s*\[[^\]]*\]\([^)\s]*\)\s*\)/g;
// "[the survey](https://…)": an inline link, of which only the words are part of the claim.
const INLINE_LINK = /\[([^\]]*)\]\(https?:[^)\s]*\)/g;

/**
 * The deterministic verdict of a claim against the text of its verbatim quotes. Citation links the
 * model wrote into the claim are not part of what it claims, so they are left out of the check.
 */
export function ruleSupport(claim: string, evidence: readonly string[]): Support {
	const result = checkSupport(claim.replace(LINK_CITATION, "").replace(INLINE_LINK, "$1"), evidence);
	return { verdict: result.verdict, reason: result.reason, judgedBy: "rules" };
}

/**
 * Pure mapping of Anthropic Messages API content onto the provider contract: the pages a turn
 * searched, fetched and cited (`retrieved`), the API's own citations, the model's recorded findings,
 * and token usage.
 *
 * Native citations. A text block's citations of type `web_search_result_location` carry the page URL,
 * its title and `cited_text`, an exact passage of the page. Citations of fetched pages
 * (`char_location` / `page_location`) name a document by `document_index`: the turn sends no
 * document blocks of its own, so the only documents are web_fetch results, counted in order of
 * appearance; the citation is mapped to that page only when its `document_title` agrees (or either
 * title is missing), otherwise it is dropped. No URL or quote is ever made up.
 *
 * Quotes of the recorded findings, for a citation whose URL the API cited:
 * - an empty quote is filled with the best native cited text of that URL;
 * - a quote found verbatim (by the verifier's own rule, `locateQuote`) in a native cited text
 *   or in the fetched text of that URL is kept as written;
 * - any other quote is replaced by the best native cited text of that URL, because the cited text
 *   is what the page says word for word and the model's words are not.
 * "Best" = the largest share of the query's content tokens (`tokenize`) found in the native cited
 * text plus the sentence it supports; the query is the quote and the claim (the claim alone for an
 * empty quote). Ties keep the first citation in response order.
 *
 * A finding recorded without any citation gets up to 3 native citations (one per URL, best first)
 * whose cited text plus supported sentence contain at least half of the claim's content tokens.
 *
 * `retrieved` holds only URLs the API returned (search results, fetched pages, native citations). A
 * URL the model wrote into its findings on its own is not added, so verification still treats it as
 * never retrieved.
 */
import type {
	ContentBlock,
	TextCitation,
	Usage,
	WebFetchToolResultBlock,
	WebSearchToolResultBlock,
} from "@anthropic-ai/sdk/resources/messages";
import { z } from "zod";
import { type IndexedSnapshot, indexSnapshotText, locateQuote } from "../evidence/quote-match";
import { normalizeUrl } from "../evidence/verify";
import { isHttpUrl } from "../lib/http-url";
import { sumTokenUsage } from "../lib/usage";
import { tokenize } from "./text";
import {
	type AgentOutput,
	AgentOutputSchema,
	type RetrievedRef,
	type TokenUsage,
	type TurnCitation,
	TurnCitationSchema,
	type TurnFinding,
} from "./types";

/** Name of the client tool through which the model hands in its structured findings. */
export const RECORD_TOOL_NAME = "record_findings";
/** Share of a claim's content tokens a native citation must contain to be attached to an uncited finding. */
export const MIN_CLAIM_COVERAGE = 0.5;
/** Most native citations attached to one finding that the model recorded without any. */
export const MAX_ATTACHED_CITATIONS = 3;
/** Characters of a validation report sent back to the model in the repair request. */
const MAX_PROBLEM_CHARS = 4000;
const MAX_QUOTE_CHARS = TurnCitationSchema.shape.quote.maxLength ?? 2000;

/** A passage the API itself cited: the page, its title, the exact cited text and the sentence it supports. */
export type NativeCitation = { url: string; title: string | null; citedText: string; statement: string };

/** What a turn's responses searched, fetched and cited. */
export type ResearchEvidence = {
	/** Every page searched, fetched or natively cited, once per normalized URL, in order of appearance. */
	retrieved: RetrievedRef[];
	citations: NativeCitation[];
	/** Plain text of each fetched page, by normalized URL. */
	fetchedText: Map<string, string>;
};

/** The model's hand-in: its last record_findings call, or else the text of its answer. */
export type RecordedOutput =
	| { kind: "tool"; toolUseId: string; input: unknown; raw: string }
	| { kind: "text"; input: unknown; raw: string };

export type OutputCheck = { ok: true; output: AgentOutput } | { ok: false; problem: string };

type FetchedPage = { url: string; title: string | null };

/**
 * Collects the pages and native citations of a turn's assistant content (all responses, in order).
 * @example collectEvidence(message.content).retrieved // [{ url: "https://…", title: "…" }, …]
 */
export function collectEvidence(content: readonly ContentBlock[]): ResearchEvidence {
	const retrieved = new Map<string, RetrievedRef>();
	const fetchedText = new Map<string, string>();
	const fetchedPages: FetchedPage[] = [];
	const remember = (url: string, title: string | null) => {
		if (!isHttpUrl(url)) return;
		const key = normalizeUrl(url);
		const known = retrieved.get(key);
		if (!known) retrieved.set(key, { url, title });
		else if (known.title === null && title) known.title = title;
	};
	for (const block of content) {
		if (block.type === "web_search_tool_result") {
			for (const result of searchResults(block)) remember(result.url, result.title || null);
		} else if (block.type === "web_fetch_tool_result") {
			const page = fetchedPage(block);
			if (!page) continue;
			fetchedPages.push({ url: page.url, title: page.title });
			remember(page.url, page.title);
			if (page.text !== null && isHttpUrl(page.url)) fetchedText.set(normalizeUrl(page.url), page.text);
		}
	}
	const citations: NativeCitation[] = [];
	for (const block of content) {
		if (block.type !== "text" || !block.citations) continue;
		for (const citation of block.citations) {
			const native = nativeCitation(citation, block.text, fetchedPages);
			if (!native || !isHttpUrl(native.url)) continue;
			citations.push(native);
			remember(native.url, native.title);
		}
	}
	return { retrieved: [...retrieved.values()], citations, fetchedText };
}

function searchResults(block: WebSearchToolResultBlock): { url: string; title: string }[] {
	return Array.isArray(block.content) ? block.content : [];
}

function fetchedPage(block: WebFetchToolResultBlock): (FetchedPage & { text: string | null }) | null {
	if (block.content.type !== "web_fetch_result") return null;
	const document = block.content.content;
	const text = document.source.type === "text" ? document.source.data : null;
	return { url: block.content.url, title: document.title || null, text };
}

function nativeCitation(
	citation: TextCitation,
	statement: string,
	fetchedPages: readonly FetchedPage[],
): NativeCitation | null {
	if (citation.type === "web_search_result_location") {
		return { url: citation.url, title: citation.title, citedText: citation.cited_text, statement };
	}
	if (citation.type === "char_location" || citation.type === "page_location") {
		const page = fetchedPages[citation.document_index];
		if (!page) return null;
		const titlesAgree = !citation.document_title || !page.title || citation.document_title === page.title;
		if (!titlesAgree) return null;
		return { url: page.url, title: page.title, citedText: citation.cited_text, statement };
	}
	return null;
}

/**
 * Finds the model's hand-in in a response: the input of its last call of `toolName` (record_findings
 * unless told), or else its text (parsed as JSON when it is a JSON object, possibly in a ```json fence).
 * @example findRecordedOutput([{ type: "text", text: "{\"findings\":[],\"narrative\":\"\"}", citations: null }])
 * // { kind: "text", input: { findings: [], narrative: "" }, raw: "{\"findings\":[],\"narrative\":\"\"}" }
 */
export function findRecordedOutput(
	content: readonly ContentBlock[],
	toolName: string = RECORD_TOOL_NAME,
): RecordedOutput {
	const call = content.findLast((block) => block.type === "tool_use" && block.name === toolName);
	if (call?.type === "tool_use") {
		return { kind: "tool", toolUseId: call.id, input: call.input, raw: JSON.stringify(call.input) };
	}
	const raw = content
		.flatMap((block) => (block.type === "text" ? [block.text] : []))
		.join("\n")
		.trim();
	return { kind: "text", input: parseJsonObject(raw), raw };
}

function parseJsonObject(text: string): unknown {
	const unfenced = text.replace(/^```(?:json)?\s*\n?/u, "").replace(/\n?```$/u, "");
	if (!unfenced.startsWith("{")) return undefined;
	try {
		return JSON.parse(unfenced);
	} catch {
		return undefined;
	}
}

/**
 * Validates a hand-in against `AgentOutputSchema`; the problem text is what the repair request
 * shows the model.
 */
export function checkRecordedOutput(recorded: RecordedOutput): OutputCheck {
	if (recorded.input === undefined) {
		return { ok: false, problem: `The answer did not call ${RECORD_TOOL_NAME} and is not a JSON object.` };
	}
	const parsed = AgentOutputSchema.safeParse(recorded.input);
	if (parsed.success) return { ok: true, output: parsed.data };
	return { ok: false, problem: z.prettifyError(parsed.error).slice(0, MAX_PROBLEM_CHARS) };
}

/**
 * Grounds the recorded findings in the API's native citations (see the module comment): fills empty
 * quotes, replaces quotes the cited pages do not contain, and cites uncited findings.
 */
export function applyNativeCitations(output: AgentOutput, evidence: ResearchEvidence): AgentOutput {
	if (evidence.citations.length === 0) return output;
	const byUrl = new Map<string, NativeCitation[]>();
	for (const native of evidence.citations) {
		const key = normalizeUrl(native.url);
		byUrl.set(key, [...(byUrl.get(key) ?? []), native]);
	}
	const fetchedIndexes = new Map<string, IndexedSnapshot>();
	const fetchedIndex = (key: string): IndexedSnapshot | null => {
		const text = evidence.fetchedText.get(key);
		if (text === undefined) return null;
		let index = fetchedIndexes.get(key);
		if (!index) {
			index = indexSnapshotText(text);
			fetchedIndexes.set(key, index);
		}
		return index;
	};
	const findings = output.findings.map((finding): TurnFinding => {
		if (finding.citations.length === 0) {
			return { ...finding, citations: nativeCitationsFor(finding.claim, evidence.citations) };
		}
		const citations = finding.citations.map((citation): TurnCitation => {
			if (!citation.url) return citation;
			const key = normalizeUrl(citation.url);
			const natives = byUrl.get(key);
			if (!natives) return citation;
			const quote = citation.quote.trim();
			if (quote !== "" && isGrounded(quote, natives, fetchedIndex(key))) return citation;
			const best = bestMatch(`${quote} ${finding.claim}`, natives);
			return best ? { ...citation, quote: best.citedText.slice(0, MAX_QUOTE_CHARS) } : citation;
		});
		return { ...finding, citations };
	});
	return { ...output, findings };
}

function isGrounded(
	quote: string,
	natives: readonly NativeCitation[],
	fetched: IndexedSnapshot | null,
): boolean {
	if (natives.some((native) => locateQuote(quote, native.citedText).check === "verbatim")) return true;
	return fetched !== null && locateQuote(quote, fetched).check === "verbatim";
}

function nativeCitationsFor(claim: string, natives: readonly NativeCitation[]): TurnCitation[] {
	const ranked = natives
		.map((native, order) => ({ native, order, coverage: coverage(claim, native) }))
		.filter((entry) => entry.coverage >= MIN_CLAIM_COVERAGE)
		.sort((a, b) => b.coverage - a.coverage || a.order - b.order);
	const chosen = new Map<string, TurnCitation>();
	for (const { native } of ranked) {
		const key = normalizeUrl(native.url);
		if (chosen.has(key)) continue;
		chosen.set(key, { sourceId: null, url: native.url, quote: native.citedText.slice(0, MAX_QUOTE_CHARS) });
		if (chosen.size === MAX_ATTACHED_CITATIONS) break;
	}
	return [...chosen.values()];
}

function bestMatch(query: string, natives: readonly NativeCitation[]): NativeCitation | null {
	let best: NativeCitation | null = null;
	let bestCoverage = -1;
	for (const native of natives) {
		const value = coverage(query, native);
		if (value > bestCoverage) {
			best = native;
			bestCoverage = value;
		}
	}
	return best;
}

/** Share of the query's distinct content tokens found in the native cited text plus its sentence. */
function coverage(query: string, native: NativeCitation): number {
	const wanted = new Set(tokenize(query));
	if (wanted.size === 0) return 0;
	const present = new Set(tokenize(`${native.citedText} ${native.statement}`));
	let shared = 0;
	for (const token of wanted) if (present.has(token)) shared += 1;
	return shared / wanted.size;
}

/**
 * Adds one response's usage to a running total: input (Anthropic's `input_tokens`, which excludes
 * cache reads and writes), output, cache reads and writes, and the server-side searches and fetches.
 */
export function addUsage(total: TokenUsage, usage: Usage): TokenUsage {
	return sumTokenUsage(total, {
		inputTokens: usage.input_tokens,
		outputTokens: usage.output_tokens,
		cacheReadTokens: usage.cache_read_input_tokens ?? 0,
		cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
		searchCalls: usage.server_tool_use?.web_search_requests ?? 0,
		fetchCalls: usage.server_tool_use?.web_fetch_requests ?? 0,
	});
}

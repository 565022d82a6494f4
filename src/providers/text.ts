/**
 * Text utilities for passage ranking: segmentation of a document into typed units with exact offsets,
 * the standalone claim sentences among them, short labels, and word tokens for BM25. Everything here
 * is deterministic and works on any Unicode text.
 *
 * Segmentation, in two steps:
 * 1. Lines become blocks. A Markdown heading, a table row (`| a | b |`, or a line with two or more
 *    tabs), a list item (`-`, `*`, `•`, `1.`, `a)`, `(iv)` …), a caption ("Figure 3: …", "Table 2. …",
 *    "Source: …", a Markdown image) and a rule (`---`) each start a block of their own. A prose line
 *    continues the block above it when it starts with a lowercase letter, or, in a document with
 *    blank lines (hard-wrapped text), when the line above ends a sentence or is at least 50 characters
 *    long and not Title Case; a list item or caption takes indented or lowercase continuation lines.
 *    In a document without blank lines (text taken from a web page) every other line is a block.
 * 2. Prose blocks are cut into sentences after ".", "!", "?" or "…" (with closing quotes or brackets
 *    and footnote markers such as `[5]`, `[5][6]`, `^12`, `¹²` or the bare "3" of "each night.3" kept
 *    on the sentence they close) that are followed by whitespace and a character that is not a
 *    lowercase letter. Markers inside a sentence never cut it. A period does not end a
 *    sentence after an abbreviation that always continues ("e.g.", "Dr.", "Fig.", "et al.", "vs."),
 *    after "No." or "p." before a number, or after initials ("U.S.") or an abbreviation that can end a
 *    sentence ("etc.", "Inc.") unless the next word is a capitalized function word ("The", "In").
 *    Decimals ("3.5") never split because their period is not followed by whitespace.
 *
 * Each unit gets a kind: `sentence` (a complete declarative sentence: capital letter or digit first,
 * "." or "!" last, at least 6 words, not cut with "…"), `question`, `heading` (Markdown headings,
 * and a line alone in its block without final punctuation that is short, Title Case or ALL CAPS; a
 * Title Case line whose last period belongs to initials, "… Washington, D.C.", has none),
 * `list-item`, `caption`, `table-row`, `boilerplate` (keyword and citation lines, share/subscribe/
 * cookie/consent text, "Click here", "Read more", "Learn more", copyright lines, navigation trails,
 * author lines with two or more degrees such as "Anne G. Wheaton, PhD1; …", reference-list
 * entries) or `fragment` (everything else: cut or unfinished text, rules, runs of over 1000
 * characters cut at whitespace).
 */
import { STOPWORDS } from "../lib/stop-words";

/** What a unit of a document is; only a `sentence` is a claim of its own. */
export type SegmentKind =
	| "sentence"
	| "question"
	| "heading"
	| "list-item"
	| "caption"
	| "table-row"
	| "boilerplate"
	| "fragment";

/**
 * One unit of a document, an exact slice of its text: `text.slice(start, end)`. `paragraph` numbers
 * the blocks of the document from 0: segments of one paragraph come from the same block of lines.
 */
export type Segment = { text: string; start: number; end: number; kind: SegmentKind; paragraph: number };

/**
 * A standalone claim: one sentence, or a sentence followed by the sentences of its paragraph that lean
 * on it. `lead` is where its first sentence ends (`end` for a single sentence).
 */
export type Sentence = { text: string; start: number; end: number; lead: number; paragraph: number };

/** Longer runs without a sentence break (run-on lines) are cut at whitespace near this size. */
export const MAX_SENTENCE_CHARS = 1000;

/** A claim has at least this many words; shorter sentences are labels, not statements. */
export const MIN_CLAIM_WORDS = 6;

/** A line at least this long that does not end a sentence is taken as hard-wrapped prose. */
const WRAPPED_LINE_MIN_CHARS = 50;
/** A line alone in its block without final punctuation is a heading up to this many words. */
const HEADING_MAX_WORDS = 12;

/** Abbreviations whose period never ends a sentence: "e.g. the", "Dr. Smith", "Fig. 3", "et al. 2020". */
const CONTINUING_ABBREVIATIONS: ReadonlySet<string> = new Set(
	(
		"e.g i.e cf vs al approx ca fig figs eq eqs ref refs vol pp sec mr mrs ms dr prof st " +
		"jan feb mar apr jun jul aug sep sept oct nov dec"
	).split(" "),
);
/** Abbreviations that continue a sentence only before a number: "No. 5", "p. 12". */
const NUMBER_ABBREVIATIONS: ReadonlySet<string> = new Set(["no", "nos", "p", "art", "para"]);
/** Abbreviations that may end a sentence: "… and so on, etc. The next …". */
const ENDING_ABBREVIATIONS: ReadonlySet<string> = new Set(
	"etc inc ltd co corp jr sr dept est bros".split(" "),
);

/**
 * A footnote or reference marker: "[5]", "[5–7]", "[a]", "[citation needed]", "^12", "¹²", or bare
 * digits right after a word's sentence-ending punctuation ("… each night.3", as superscripts lose
 * their formatting in copied text).
 */
const MARKER = String.raw`(?:\[(?:\d{1,3}(?:\s?[-–,]\s?\d{1,3})*|[a-z]|citation needed|clarification needed)\]|\^\d{1,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹]+|(?<=[\p{L}")\]”’'][.!?]["'”’)\]»]*)\d{1,3}(?:[,–-]\d{1,3})*(?![\p{L}\p{N}.,]))`;
/** Footnote and reference markers at the end of a text. */
const TRAILING_MARKERS = new RegExp(`${MARKER}+$`, "u");
const MARKERS = new RegExp(MARKER, "gu");
const CLOSERS = `["'”’)\\]»]*`;
const SENTENCE_END = new RegExp(`(?:[.!?]+|…)${CLOSERS}${MARKER}*(?=\\s+(\\S))`, "gu");
const ENDS_CLAIM = new RegExp(`[.!]${CLOSERS}$`, "u");
const ENDS_QUESTION = new RegExp(`\\?${CLOSERS}$`, "u");
const ENDS_CUT = new RegExp(`(?:\\.\\.\\.|…)${CLOSERS}$`, "u");
const ENDS_SENTENCE_LINE = new RegExp(`[.!?]${CLOSERS}${MARKER}*$`, "u");
const ENDS_WITH_INITIALS = /(?:^|[\s(])(?:\p{L}\.){2,}$/u;
const STARTS_CLAIM = /^(?:[*_]{1,2}|["“‘'])?[\p{Lu}\p{N}]/u;
const LOWERCASE_START = /^\p{Ll}/u;
const LIST_NUMBER = /^\s*\d{1,3}$/;
const INITIALS = /^(?:\p{L}\.)*\p{L}$/u;
const WORD = /[\p{L}\p{N}]+(?:[.,]\p{N}+)*/gu;

const MARKDOWN_HEADING = /^#{1,6}(?:\s|$)/u;
const RULE = /^(?:[-=*_~+]\s*){3,}$/u;
const TABLE_ROW = /^\|.*\|$|^[^\t]*\t[^\t]*\t/u;
/** The marker of a list item and the space after it. */
const LIST_MARKER =
	/^(?:[-*+•‣◦▪▸►–—]|\(?\d{1,3}[.)]|\(?[a-z][.)]|\([A-Za-z]\)|\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\))\s+(?=\S)/u;
const CAPTION =
	/^(?:[*_]{1,2})?(?:(?:Figure|Fig\.|Table|Tab\.|Chart|Graph|Image|Photo|Exhibit|Box|Map|Diagram|Plate|Scheme|Video)\s*(?:\d{1,3}|[IVX]{1,5})[a-z]?\s*(?:[.:|]|\s[–—-])|(?:Sources?|Notes?|Credits?|Photo credit|Image credit|Caption)\s*:)|^!\[[^\]]*\]\([^)]*\)$/iu;

/** Lines and sentences that belong to the page around an article rather than to what it says. */
const BOILERPLATE_START = new RegExp(
	"^(?:[*_#>\\s]*)(?:" +
		[
			"(?:key ?words?|tags?|categories|category|topics?|subjects?)\\s*[:：]",
			"share(?: this| on| via|\\s*[:：]|$)",
			"follow us",
			"subscribe",
			"sign (?:up|in)",
			"log ?in",
			"newsletter",
			"(?:read|learn|find out|see) (?:more|next|the full)",
			"continue reading",
			"click here",
			"skip to",
			"back to top",
			"advertisement",
			"sponsored",
			"highly recommended",
			"recommended (?:for you|reading|articles|stories)",
			"related (?:articles|posts|stories|content|reading)",
			"you (?:may|might) also like",
			"see also",
			"cite this",
			"citation\\s*[:：]",
			"download (?:the )?(?:pdf|article|full)",
			"print (?:this|article)",
			"(?:published|updated|posted|last (?:updated|modified)|received|accepted|available online)\\s*(?:on\\s*)?[:：]",
			"doi\\s*[:：]",
			"issn\\b",
			"copyright\\b",
			"©",
			"\\(c\\) ?\\d{4}",
			"all rights reserved",
			"terms (?:of|and) (?:use|service|conditions)",
			"privacy (?:policy|notice|settings)",
			"(?:we|this (?:site|website)) uses? cookies",
			"accept (?:all )?cookies",
			"manage (?:cookie )?(?:preferences|settings|consent)",
			"by (?:continuing|clicking|using this)",
			"open access\\b",
			"this (?:article|work) is (?:licensed|distributed|published) under",
			"author information",
			"correspond(?:ence|ing author)",
			"e-?mail\\s*[:：]",
			"tel\\s*[:：]",
		].join("|") +
		")",
	"iu",
);
const BOILERPLATE_ANYWHERE =
	/\bcookies?\b.{0,80}\b(?:consent|accept|agree|preferences|settings|experience|browsing)\b|\b(?:consent|accept|agree)\b.{0,80}\bcookies?\b|©|\ball rights reserved\b|\bclick here\b|\bshare this (?:article|post|page|story)\b|\bsubscribe to (?:our|the) newsletter\b/iu;
/** A name's academic degree in a byline ("Anne G. Wheaton, PhD1;"): two or more make an author list. */
const BYLINE_DEGREE = /,\s(?:MD|PhD|MPH|DrPH|DPhil|MSc|MBBS|RN|BSc)\d*(?=[\s;,]|$)/gu;
/** Entries of a reference list: "2019;12:1-10", "doi: 10.…", "https://doi.org/…", "Retrieved from". */
const REFERENCE =
	/\b(?:19|20)\d{2}[a-z]?\s?;\s?\d+|\bdoi\s?:\s?10\.|\bdoi\.org\/|\b(?:Retrieved|Accessed)\s(?:from|on)\b|\bAvailable (?:at|from)\s?:?\s?https?:/iu;
/** Navigation trails and menus: "Home › News › Energy", "About | Contact | Jobs". */
const NAVIGATION_SEPARATORS = /\s[|›»·•>/]\s/gu;

/** Leading words of a sentence that leans on the one before it. */
const DANGLING_START =
	/^(?:[*_]{1,2}|["“‘'])?(?:This|These|Those|It|Its|They|Their|Such|That|He|She|His|Her)\b/u;
/** "It is widely accepted that …", "It was found to …": "it" points forward, not back. */
const FORWARD_IT =
	/^(?:[*_]{1,2}|["“‘'])?It (?:is|was|has been|had been|will be|would be|remains|seems|seemed|appears|appeared)\s+(?:\p{L}+ly\s+)?\p{L}+\s+(?:that|to|whether|how|if)\b/u;

/**
 * The segments of a text, in order: each an exact, trimmed slice with its kind. Together with the
 * whitespace between them they cover the text, without overlap.
 * @example segmentText("## Results\nHeat pumps kept homes warm at -20 °C in every trial.")
 * // [{ text: "## Results", start: 0, end: 10, kind: "heading", paragraph: 0 },
 * //  { text: "Heat pumps kept homes warm at -20 °C in every trial.", start: 11, end: 63, kind: "sentence", paragraph: 1 }]
 */
export function segmentText(text: string): Segment[] {
	return blocksOf(text).flatMap((block, paragraph) =>
		block.type === "prose"
			? proseSegments(text, block.start, block.end, paragraph)
			: [{ ...slice(text, block.start, block.end), kind: block.type, paragraph }],
	);
}

/**
 * The standalone claims of a text: its `sentence` segments, and the complete sentences inside list
 * items after their marker ("• About 70 percent of … are resistant." gives "About 70 percent of … are
 * resistant."), each ending before any footnote markers after its final punctuation. A sentence that
 * opens with a word pointing back ("This", "These", "It", "They", "Such", "That", "He", "She" …) is
 * joined to the claim right before it when that one ends the previous unit of the same paragraph, as
 * one exact contiguous slice of at most 1000 characters; otherwise it is left out. "It is/was … that/to
 * …" points forward and stands alone.
 * @example splitSentences("Heat pumps move heat from outside air. They work at -20 °C in field tests.")
 * // [{ text: "Heat pumps move heat from outside air. They work at -20 °C in field tests.", start: 0, end: 74, lead: 38, paragraph: 0 }]
 */
export function splitSentences(text: string): Sentence[] {
	const claims: Sentence[] = [];
	/** The claim the previous unit ended, which a sentence pointing back may join. */
	let open: Sentence | null = null;
	for (const unit of segmentText(text).flatMap((segment) => withListBodies(text, segment))) {
		if (unit.kind !== "sentence") {
			open = null;
			continue;
		}
		const end = unit.start + withoutTrailingMarkers(unit.text).length;
		const pointsBack = DANGLING_START.test(unit.text) && !FORWARD_IT.test(unit.text);
		if (!pointsBack) {
			open = {
				text: text.slice(unit.start, end),
				start: unit.start,
				end,
				lead: end,
				paragraph: unit.paragraph,
			};
			claims.push(open);
		} else if (open && open.paragraph === unit.paragraph && end - open.start <= MAX_SENTENCE_CHARS) {
			const joined: Sentence = { ...open, text: text.slice(open.start, end), end };
			claims[claims.length - 1] = joined;
			open = joined;
		} else {
			open = null;
		}
	}
	return claims;
}

/** A list item as the prose segments of its text after the marker; any other segment as it is. */
function withListBodies(text: string, segment: Segment): Segment[] {
	const marker = segment.kind === "list-item" ? LIST_MARKER.exec(segment.text) : null;
	if (!marker) return [segment];
	return proseSegments(text, segment.start + marker[0].length, segment.end, segment.paragraph);
}

/**
 * The segments of a prose range: its sentences and other pieces, each with its kind; every piece of
 * a reference-list entry is boilerplate.
 */
function proseSegments(text: string, start: number, end: number, paragraph: number): Segment[] {
	const pieces = proseRanges(text, start, end);
	const reference = REFERENCE.test(text.slice(start, end));
	return pieces.map((piece) => ({
		text: piece.text,
		start: piece.start,
		end: piece.end,
		kind: reference ? "boilerplate" : piece.cut ? "fragment" : kindOfProse(piece.text, pieces.length === 1),
		paragraph,
	}));
}

/**
 * A text without the footnote markers at its end ("… heat.[5][6]" → "… heat.").
 * @example withoutTrailingMarkers("COP fell to 2.2.[12]") // "COP fell to 2.2."
 */
export function withoutTrailingMarkers(text: string): string {
	return text.replace(TRAILING_MARKERS, "");
}

/**
 * A text without any footnote or reference markers, for labels that are read rather than quoted.
 * @example withoutMarkers("cracking,[7] and plating^2 cause fade.[5]") // "cracking, and plating cause fade."
 */
export function withoutMarkers(text: string): string {
	return text.replace(MARKERS, "");
}

/** Cut points, in order of preference: punctuation, then clause words, then prepositions. */
const LABEL_BOUNDARIES: readonly RegExp[] = [
	/[,;:]\s|\s[—–-]\s|\s\(/gu,
	/\s(?:which|who|that|because|while|whereas|although|though|but|and|or|when|where|if|so|unless)\s/giu,
	/\s(?:at|in|on|for|with|by|from|during|after|before|since|across|under|over|between|among|through|to|of|as|than)\s/giu,
];
const LIST_SEPARATOR = /^(?:,\s|\s(?:and|or)\s)$/iu;
/** An item of up to four words right after a boundary, followed by another list separator. */
const NEXT_ITEM = /^(?:\S+\s){0,3}?\S+?(?:,\s|\s(?:and|or)\s)/iu;
/** An item of up to four words right before a boundary, after a comma. */
const PREVIOUS_ITEM = /,\s(?:\S+\s){0,3}\S+$/u;
const TRAILING_FUNCTION_WORDS =
	/(?:[\s,;:—–-]+|\s+(?:the|a|an|of|to|in|on|at|for|and|or|with|by|from|as|that|which|its|their|is|are|was|were))+$/iu;

/**
 * Text of at most `max` characters that ends at a clause boundary. Whitespace is collapsed; if the
 * text is still too long, it is cut before the last punctuation mark, else the last clause word
 * ("which", "because", "and" …), else the last preposition, that leaves at least half of `max`,
 * never between the items of a list ("Norway, Canada and Japan"); else at the last space. Trailing
 * function words and punctuation are dropped. No ellipsis is added and no word is cut, unless a
 * single word is longer than `max`.
 * @example shortenAtBoundary("Heat pump sales in Europe increased by 38% in 2022 and are forecast to double", 60)
 * // "Heat pump sales in Europe increased by 38% in 2022"
 */
export function shortenAtBoundary(text: string, max: number): string {
	const flat = text.replace(/\s+/gu, " ").trim();
	if (flat.length <= max) return flat;
	const window = flat.slice(0, max + 1);
	const shortest = Math.ceil(max / 2);
	for (const boundary of LABEL_BOUNDARIES) {
		const cuts = Array.from(window.matchAll(boundary))
			.filter((match) => match.index >= shortest && match.index <= max && !splitsList(flat, match))
			.map((match) => match.index);
		const cut = cuts.at(-1);
		if (cut !== undefined) return trimLabel(flat.slice(0, cut), shortest);
	}
	const space = window.lastIndexOf(" ");
	return trimLabel(flat.slice(0, space > 0 ? space : max), shortest);
}

/** Whether a boundary match is a comma, "and" or "or" between the items of a list. */
function splitsList(text: string, match: RegExpExecArray): boolean {
	if (!LIST_SEPARATOR.test(match[0])) return false;
	const after = text.slice(match.index + match[0].length);
	return NEXT_ITEM.test(after) || PREVIOUS_ITEM.test(text.slice(0, match.index));
}

function trimLabel(label: string, shortest: number): string {
	const trimmed = label.replace(TRAILING_FUNCTION_WORDS, "");
	return trimmed.length >= shortest ? trimmed : label.trim();
}

/**
 * The words of a text as written: runs of letters and digits, a decimal or grouped number
 * ("3.5", "1,200") staying one word.
 * @example wordsOf("COP of 3.5, e.g. at 7 °C") // ["COP", "of", "3.5", "e", "g", "at", "7", "C"]
 */
export function wordsOf(text: string): string[] {
	return Array.from(text.matchAll(WORD), (match) => match[0]);
}

/** Whether a lowercase word is worth indexing: not a stopword, and not a lone letter. */
export function isContentWord(word: string): boolean {
	return (word.length >= 2 || /\d/.test(word)) && !STOPWORDS.has(word);
}

/**
 * Lowercase word tokens of a text with stopwords and one-letter words removed, each reduced by
 * `stem`, so "Pumps" and "pump" give the same token. Numbers stay whole ("3.5", "1,200").
 * @example tokenize("The pumps were heating homes") // ["pump", "heat", "home"]
 */
export function tokenize(text: string): string[] {
	return wordsOf(text.toLowerCase()).filter(isContentWord).map(stem);
}

/**
 * Light suffix stripping for a lowercase word, in order:
 * 1. plurals: "-ies" → "-y" (batteries → battery), "-sses" → "-ss", "-es" after s/x/z/ch/sh
 *    (boxes → box), otherwise a final "-s" unless the word ends in "ss", "us" or "is" (pumps → pump,
 *    status and analysis stay);
 * 2. "-ing" and "-ed" when at least 4 letters remain, undoubling a final double consonant other
 *    than l, s or z (pumping → pump, planned → plan, installed → install);
 * 3. a final silent "-e" when at least 4 letters remain (increase → increas, so it meets
 *    increased and increasing).
 * Words of 3 letters or fewer are returned unchanged.
 * @example stem("increasing") // "increas"
 */
export function stem(word: string): string {
	if (word.length <= 3) return word;
	let result = stripPlural(word);
	for (const suffix of ["ing", "ed"]) {
		if (result.endsWith(suffix) && result.length - suffix.length >= 4) {
			result = undouble(result.slice(0, -suffix.length));
			break;
		}
	}
	if (result.endsWith("e") && result.length >= 5) result = result.slice(0, -1);
	return result;
}

/**
 * Whether two stems are forms of one word: equal, or sharing a prefix of at least 5 letters that
 * leaves at most 2 letters of the shorter one ("resistant" and "resistanc", "product" and "production").
 * @example sameWord("mutat", "mutation") // true
 */
export function sameWord(a: string, b: string): boolean {
	if (a === b) return true;
	let shared = 0;
	while (shared < a.length && a[shared] === b[shared]) shared += 1;
	return shared >= 5 && shared >= Math.min(a.length, b.length) - 2;
}

function stripPlural(word: string): string {
	if (word.endsWith("ies") && word.length > 4) return `${word.slice(0, -3)}y`;
	if (word.endsWith("sses")) return word.slice(0, -2);
	if (/(?:[xz]|ch|sh|ss)es$/.test(word)) return word.slice(0, -2);
	if (word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
	return word;
}

function undouble(word: string): string {
	const last = word.at(-1);
	if (last && last === word.at(-2) && !"lsz".includes(last) && /[b-df-hj-np-tv-z]/.test(last)) {
		return word.slice(0, -1);
	}
	return word;
}

type BlockType = "prose" | "heading" | "list-item" | "caption" | "table-row" | "fragment";
type Block = { type: BlockType; start: number; end: number };
type Line = { text: string; start: number; end: number; indented: boolean };

/** The non-blank lines of a text, trimmed, with whether a blank line comes before each. */
function linesOf(text: string): Array<Line & { afterBlank: boolean }> {
	const lines: Array<Line & { afterBlank: boolean }> = [];
	let afterBlank = true;
	for (let lineStart = 0; lineStart <= text.length; ) {
		const newline = text.indexOf("\n", lineStart);
		const lineEnd = newline === -1 ? text.length : newline;
		const trimmed = slice(text, lineStart, lineEnd);
		if (trimmed.text.length === 0) {
			afterBlank = true;
		} else {
			lines.push({ ...trimmed, indented: trimmed.start > lineStart, afterBlank });
			afterBlank = false;
		}
		lineStart = lineEnd + 1;
	}
	return lines;
}

function typeOfLine(line: string): BlockType {
	if (MARKDOWN_HEADING.test(line)) return "heading";
	if (RULE.test(line)) return "fragment";
	if (TABLE_ROW.test(line)) return "table-row";
	if (LIST_MARKER.test(line)) return "list-item";
	if (CAPTION.test(line)) return "caption";
	return "prose";
}

/** Lines grouped into blocks (see the module comment). */
function blocksOf(text: string): Block[] {
	const wrapped = /\n[^\S\n]*\n/u.test(text);
	const blocks: Block[] = [];
	let previous: Line | null = null;
	for (const line of linesOf(text)) {
		const type = typeOfLine(line.text);
		const current = blocks.at(-1);
		if (
			current &&
			previous &&
			!line.afterBlank &&
			type === "prose" &&
			continues(current.type, previous, line, wrapped)
		) {
			current.end = line.end;
		} else {
			blocks.push({ type, start: line.start, end: line.end });
		}
		previous = line;
	}
	return blocks;
}

/** Whether a prose line continues the block whose last line is `previous`. */
function continues(block: BlockType, previous: Line, line: Line, wrapped: boolean): boolean {
	const lowercase = LOWERCASE_START.test(line.text);
	const wrappedLong =
		wrapped && previous.text.length >= WRAPPED_LINE_MIN_CHARS && !ENDS_SENTENCE_LINE.test(previous.text);
	switch (block) {
		case "prose":
			return (
				lowercase ||
				(wrapped && ENDS_SENTENCE_LINE.test(previous.text)) ||
				(wrappedLong && !isTitleCase(previous.text))
			);
		case "list-item":
			return line.indented || lowercase || wrappedLong;
		case "caption":
			return lowercase || wrappedLong;
		default:
			return false;
	}
}

type ProseRange = { text: string; start: number; end: number; cut: boolean };

/** A prose block cut into sentences; pieces of a run over MAX_SENTENCE_CHARS are marked `cut`. */
function proseRanges(text: string, blockStart: number, blockEnd: number): ProseRange[] {
	const ranges: ProseRange[] = [];
	let pieceStart = blockStart;
	for (const cut of [...sentenceCuts(text, blockStart, blockEnd), blockEnd]) {
		const piece = slice(text, pieceStart, cut);
		pieceStart = cut;
		if (piece.text.length === 0) continue;
		if (piece.text.length <= MAX_SENTENCE_CHARS) {
			ranges.push({ ...piece, cut: false });
			continue;
		}
		for (let from = piece.start; from < piece.end; ) {
			const limit = from + MAX_SENTENCE_CHARS;
			let to = Math.min(limit, piece.end);
			while (to < piece.end && to > from && !/\s/u.test(text.charAt(to))) to -= 1;
			if (to === from) to = limit;
			const chunk = slice(text, from, to);
			if (chunk.text.length > 0) ranges.push({ ...chunk, cut: true });
			from = to;
		}
	}
	return ranges;
}

/** Offsets inside a block right after each sentence-ending punctuation run and its markers. */
function sentenceCuts(text: string, blockStart: number, blockEnd: number): number[] {
	const block = text.slice(blockStart, blockEnd);
	const cuts: number[] = [];
	let pieceStart = 0;
	for (const match of block.matchAll(SENTENCE_END)) {
		const nextChar = match[1] ?? "";
		if (LOWERCASE_START.test(nextChar)) continue;
		const end = match.index + match[0].length;
		const singlePeriod = match[0].startsWith(".") && !match[0].startsWith("..");
		if (singlePeriod && periodContinues(block, match.index, end)) continue;
		// "1. Backup heaters …" inside prose: the number is a list marker, not a sentence.
		if (singlePeriod && LIST_NUMBER.test(block.slice(pieceStart, match.index))) continue;
		pieceStart = end;
		cuts.push(blockStart + end);
	}
	return cuts;
}

/** Whether the period at `periodIndex` belongs to an abbreviation or initials inside the sentence. */
function periodContinues(block: string, periodIndex: number, matchEnd: number): boolean {
	let wordStart = periodIndex;
	while (wordStart > 0 && !/[\s("'“‘[]/u.test(block.charAt(wordStart - 1))) wordStart -= 1;
	const written = block.slice(wordStart, periodIndex);
	const word = written.toLowerCase();
	const following = /^\s+([\p{L}\p{N}]+)/u.exec(block.slice(matchEnd))?.[1] ?? "";
	if (CONTINUING_ABBREVIATIONS.has(word)) return true;
	// "p. 12" is a page, but the capital "P." of "Daniel P. Chapman" is an initial.
	if (NUMBER_ABBREVIATIONS.has(word) && !/^\p{Lu}$/u.test(written)) return /^\d/.test(following);
	if (ENDING_ABBREVIATIONS.has(word) || INITIALS.test(word)) {
		const startsSentence = /^\p{Lu}/u.test(following) && STOPWORDS.has(following.toLowerCase());
		return !startsSentence;
	}
	return false;
}

/** The kind of one piece of prose; `alone` when it is its block's only piece. */
function kindOfProse(piece: string, alone: boolean): SegmentKind {
	if (isBoilerplate(piece)) return "boilerplate";
	const body = withoutTrailingMarkers(piece);
	if (ENDS_QUESTION.test(body)) return "question";
	// "Before the Committee on Banking, Washington, D.C.": the last period belongs to the initials.
	const titleEndingInInitials = ENDS_WITH_INITIALS.test(body) && isTitleCase(body);
	const unpunctuated = !ENDS_SENTENCE_LINE.test(body) || titleEndingInInitials;
	if (alone && (isAllCaps(body) || (unpunctuated && looksLikeHeading(body)))) {
		return "heading";
	}
	const complete =
		STARTS_CLAIM.test(body) &&
		ENDS_CLAIM.test(body) &&
		!ENDS_CUT.test(body) &&
		wordsOf(body).length >= MIN_CLAIM_WORDS;
	return complete ? "sentence" : "fragment";
}

function isBoilerplate(piece: string): boolean {
	return (
		BOILERPLATE_START.test(piece) ||
		(piece.match(BYLINE_DEGREE)?.length ?? 0) >= 2 ||
		BOILERPLATE_ANYWHERE.test(piece) ||
		(piece.match(NAVIGATION_SEPARATORS)?.length ?? 0) >= 2
	);
}

function looksLikeHeading(line: string): boolean {
	return wordsOf(line).length <= HEADING_MAX_WORDS || isTitleCase(line);
}

/** At least two words of 4+ letters, and at least 80 % of them capitalized. */
function isTitleCase(line: string): boolean {
	const long = wordsOf(line).filter((word) => /^\p{L}{4,}/u.test(word));
	const capitalized = long.filter((word) => /^\p{Lu}/u.test(word)).length;
	return long.length >= 2 && capitalized >= 0.8 * long.length;
}

/** At least two words with letters, and no lowercase letter. */
function isAllCaps(line: string): boolean {
	const lettered = wordsOf(line).filter((word) => /\p{L}{2,}/u.test(word));
	return lettered.length >= 2 && !/\p{Ll}/u.test(line);
}

/** The range trimmed of whitespace, with its text. */
function slice(text: string, start: number, end: number): { text: string; start: number; end: number } {
	let from = start;
	let to = end;
	while (from < to && /\s/u.test(text.charAt(from))) from += 1;
	while (to > from && /\s/u.test(text.charAt(to - 1))) to -= 1;
	return { text: text.slice(from, to), start: from, end: to };
}

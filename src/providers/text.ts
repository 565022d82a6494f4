/**
 * Text utilities for passage ranking: sentence splitting with exact offsets and word tokens for
 * BM25. Both are deterministic and work on any Unicode text.
 */

/** A sentence (or list item / standalone line) as an exact slice of its text: `text.slice(start, end)`. */
export type Sentence = { text: string; start: number; end: number };

/** Fragments shorter than this (after trimming) carry too little to quote as a claim. */
export const MIN_SENTENCE_CHARS = 25;
/** A Markdown heading line ("## Results"). */
const HEADING = /^#{1,6}\s/u;

/** Longer runs without a sentence break (tables, run-on lines) are cut at whitespace near this size. */
export const MAX_SENTENCE_CHARS = 1000;

/**
 * A line at least this long that ends without punctuation is taken as hard-wrapped prose, so the
 * sentence continues on the next line; a shorter one (a heading, a label) stands alone.
 */
const WRAPPED_LINE_MIN_CHARS = 50;

/** Common English function words; they carry no topic, so they are neither indexed nor queried. */
export const STOPWORDS: ReadonlySet<string> = new Set(
	(
		"a about above after again against all also am an and any are as at be because been before being " +
		"below between both but by can could did do does doing down during each few for from further had has " +
		"have having he her here hers herself him himself his how i if in into is it its itself just me more " +
		"most my myself no nor not of off on once only or other our ours ourselves out over own same she should " +
		"so some such than that the their theirs them themselves then there these they this those through to " +
		"too under until up very was we were what when where which while who whom why will with would you your " +
		"yours yourself yourselves may might must shall us per via within without upon whether yet however " +
		"thus therefore although though since among across onto"
	).split(" "),
);

/** Words that end a sentence only in appearance: "e.g. the", "Dr. Smith", "Fig. 3", "et al. 2020". */
const ABBREVIATIONS: ReadonlySet<string> = new Set(
	(
		"e.g i.e etc vs cf al approx ca fig figs eq eqs no nos vol pp p mr mrs ms dr prof st jr sr inc ltd co " +
		"corp dept est jan feb mar apr jun jul aug sep sept oct nov dec"
	).split(" "),
);

const LIST_ITEM_START = /^\s*(?:[-*•‣◦–—]|\d{1,3}[.)]|[a-z][.)]|#{1,6})\s/u;
const SENTENCE_END = /[.!?]+["'”’)\]]*(?=\s+(\S))/gu;
const LIST_NUMBER = /^\s*\d{1,3}$/;
const LOWERCASE_START = /^\p{Ll}/u;
const HAS_LETTER = /\p{L}/u;
const ENDS_WITH_PUNCTUATION = /[.!?:;]["'”’)\]]*$/u;
const INITIALS = /^(?:\p{L}\.)*\p{L}$/u;
const WORD = /[\p{L}\p{N}]+(?:[.,]\p{N}+)*/gu;

/**
 * Splits text into sentences, list items and standalone lines, each an exact slice of the input
 * with its offsets; whitespace is trimmed and fragments under 25 characters or without letters are
 * dropped. A period after an abbreviation ("e.g.", "Dr."), initials ("U.S.") or inside a number
 * ("3.5") does not end a sentence, nor does one followed by a lowercase word.
 * @example splitSentences("Heat pumps move heat from outside air. They work below -20 °C in field tests.")
 * // [{ text: "Heat pumps move heat from outside air.", start: 0, end: 38 },
 * //  { text: "They work below -20 °C in field tests.", start: 39, end: 77 }]
 */
export function splitSentences(text: string): Sentence[] {
	const sentences: Sentence[] = [];
	for (const [blockStart, blockEnd] of lineBlocks(text)) {
		let pieceStart = blockStart;
		for (const cut of sentenceCuts(text, blockStart, blockEnd)) {
			pushPiece(text, pieceStart, cut, sentences);
			pieceStart = cut;
		}
		pushPiece(text, pieceStart, blockEnd, sentences);
	}
	return sentences;
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

/**
 * Ranges of the text separated by hard breaks: blank lines, a line that starts a list item or
 * heading, and a line that looks complete on its own (ends with punctuation or is short).
 */
function lineBlocks(text: string): Array<[number, number]> {
	const blocks: Array<[number, number]> = [];
	let blockStart = 0;
	let lineStart = 0;
	for (let newline = text.indexOf("\n"); newline !== -1; newline = text.indexOf("\n", lineStart)) {
		const line = text.slice(lineStart, newline).trim();
		const nextLineEnd = text.indexOf("\n", newline + 1);
		const nextLine = text.slice(newline + 1, nextLineEnd === -1 ? text.length : nextLineEnd);
		const continues =
			line.length >= WRAPPED_LINE_MIN_CHARS &&
			!ENDS_WITH_PUNCTUATION.test(line) &&
			nextLine.trim().length > 0 &&
			!LIST_ITEM_START.test(nextLine);
		if (!continues) {
			blocks.push([blockStart, newline]);
			blockStart = newline + 1;
		}
		lineStart = newline + 1;
	}
	blocks.push([blockStart, text.length]);
	return blocks;
}

/** Offsets inside a block right after each sentence-ending punctuation run. */
function sentenceCuts(text: string, blockStart: number, blockEnd: number): number[] {
	const block = text.slice(blockStart, blockEnd);
	const cuts: number[] = [];
	let pieceStart = 0;
	for (const match of block.matchAll(SENTENCE_END)) {
		const nextChar = match[1] ?? "";
		if (LOWERCASE_START.test(nextChar)) continue;
		const singlePeriod = match[0].startsWith(".") && !match[0].startsWith("..");
		if (singlePeriod && endsWithAbbreviation(block, match.index)) continue;
		// "1. Backup heaters …": the number is a list marker, not a sentence.
		if (singlePeriod && LIST_NUMBER.test(block.slice(pieceStart, match.index))) continue;
		pieceStart = match.index + match[0].length;
		cuts.push(blockStart + pieceStart);
	}
	return cuts;
}

/** Whether the word right before a period at `periodIndex` is an abbreviation or initials. */
function endsWithAbbreviation(block: string, periodIndex: number): boolean {
	let wordStart = periodIndex;
	while (wordStart > 0 && !/[\s("'“‘[]/u.test(block.charAt(wordStart - 1))) wordStart -= 1;
	const word = block.slice(wordStart, periodIndex);
	return ABBREVIATIONS.has(word.toLowerCase()) || INITIALS.test(word);
}

/** Trims a range, cuts it at whitespace when it is too long, and keeps the pieces worth quoting. */
function pushPiece(text: string, start: number, end: number, into: Sentence[]): void {
	let from = start;
	let to = end;
	while (from < to && /\s/u.test(text.charAt(from))) from += 1;
	while (to > from && /\s/u.test(text.charAt(to - 1))) to -= 1;
	if (to - from > MAX_SENTENCE_CHARS) {
		const limit = from + MAX_SENTENCE_CHARS;
		const space = text.lastIndexOf(" ", limit);
		const cut = space > from + MIN_SENTENCE_CHARS ? space : limit;
		pushPiece(text, from, cut, into);
		pushPiece(text, cut, to, into);
		return;
	}
	const sentence = text.slice(from, to);
	if (sentence.length < MIN_SENTENCE_CHARS || !HAS_LETTER.test(sentence)) return;
	// Headings name a topic but state nothing, so they make poor claims.
	if (HEADING.test(sentence)) return;
	into.push({ text: sentence, start: from, end: to });
}

/**
 * Quote location: finds where a cited quote stands, word for word, in the stored snapshot of its source.
 *
 * A quote is verbatim only when it occurs in the snapshot after the normalisation listed in
 * QUOTE_NORMALISATION_RULES and nothing else: every rule there changes how a text is written, never
 * what it says. One changed, added or left-out word, a changed figure, sign, decimal point or unit, or
 * two swapped words is not verbatim, however similar the rest is.
 *
 * Both texts are turned into a normalised text with an offset map back to the original, so a match
 * maps to exact offsets of the stored snapshot, which is what a reader is shown. Normalising folds
 * whitespace runs, quote and dash variants, compatibility forms (NFKD, applied one character at a time
 * so that a decomposed and a precomposed accent compare equal), entities, invisible characters and
 * footnote markers. Matching is a substring search for the quote in each case form the rules allow
 * (as written, first letter recased, all capitals), so no case-folded copy of the snapshot is needed,
 * followed by a check that a substring search cannot express: the match must start and end on whole
 * source words, so "linear" is not found in "non-linear" nor "40" in "40%".
 *
 * A quote that is not verbatim is still placed: windows of snapshot words, scored by the longest common
 * subsequence with the quote's words, give the closest passage, so a report can show what the source
 * actually says next to what was quoted.
 *
 * Cost: normalising is one pass that copies runs of unchanged characters as slices; the word index for
 * the nearest-passage search is built the first time a quote is not verbatim. Both are linear in the
 * snapshot, and a search is a native substring search plus, for a quote that is not verbatim, one
 * linear pass over the snapshot's words and a bounded number of alignments.
 */
import { decodeEntities } from "./page-text";

/** A range of the snapshot text: snapshot.slice(start, end). */
export type QuoteSpan = { start: number; end: number };

/** Where a quote stands in a snapshot, if anywhere. */
export type QuoteLocation =
	/** Found word for word: one span, or one per elided part, in order. */
	| { check: "verbatim"; spans: QuoteSpan[] }
	/** Not verbatim, but `nearest` holds at least half of the quote's words in order. */
	| { check: "altered"; nearest: QuoteSpan; similarity: number }
	/** Nothing close, or a quote too short to prove anything; similarity as for `altered`. */
	| { check: "not_found"; similarity: number };

/** A snapshot prepared for locating quotes: build it once per snapshot with `indexSnapshotText`. */
export type IndexedSnapshot = {
	/** The snapshot as stored; spans are offsets into it. */
	readonly text: string;
	readonly normalised: NormalisedText;
	/** Word tokens for the nearest-passage search, built the first time a quote is not verbatim. */
	words: WordIndex | null;
};

/** Human-readable list of the normalisation rules, for the report and docs. */
export const QUOTE_NORMALISATION_RULES: readonly string[] = [
	"Whitespace: any run of spaces, tabs, line breaks, no-break or other Unicode spaces equals any other run; whitespace at the ends of the quote is ignored.",
	"Unicode variants: curly and straight single and double quotes (and primes) are the same; all hyphen, dash and minus variants (‐ ‑ ‒ – — ― − -) are the same; compatibility forms (ligatures, full-width letters and digits, … and ...) are the same after NFKD; a precomposed and a decomposed accent are the same.",
	"HTML character references in either text (&amp; &nbsp; &#8217; &quot; …) are read as the character they stand for; soft hyphens and zero-width characters are ignored.",
	"Footnote and reference markers are ignored in both texts: [5], [12, 13], [12–14], [a], [note 3], [citation needed] and similar tags, superscript digits (¹²³) and ^12. Superscript digits and ^ directly after a number or a unit symbol (10³, m², 10^3) are exponents and are kept.",
	"Case: the first letter of the quote and of each elided part may differ in case, and case is ignored where the matched source passage is all capitals; everywhere else case must match (US is not us).",
	"Punctuation at the start and end of the quote and of each elided part is ignored, except what belongs to a number (-15, .5, 40%). Punctuation inside must match, up to the variants above.",
	"Whole words: a match starts and ends on whole words of the source, so a quote cannot drop part of a word or number (linear is not found in non-linear, 15 not in −15 or 10–15, 3 not in 3.5, 40 not in 40%).",
	"Elisions: …, ..., […] or [...] inside the quote split it into parts; each part must be verbatim and hold at least 3 words, the parts must occur in order without overlapping, at most 300 characters of source apart. An ellipsis at the start or end of the quote is ignored.",
	"A quote needs at least 3 words to be verbatim (runs of letters and digits; in Chinese and Japanese, which are written without spaces, each character); a shorter quote proves nothing and is reported as not found.",
];

/** Words a quote, and each elided part of it, must hold to count as verbatim. */
const MIN_QUOTE_WORDS = 3;
/** Most source characters between two consecutive elided parts. */
const MAX_ELISION_GAP = 300;
/** Similarity from which a non-verbatim quote is reported as an altered version of a passage. */
const ALTERED_SIMILARITY = 0.5;
/** Most snapshot windows aligned for one quote; bounds the cost on repetitive snapshots. */
const MAX_WINDOW_ALIGNMENTS = 64;

// Character classes, as bit flags.
const WORD = 1;
const DIGIT = 2;
const LETTER = 4;
/** Punctuation a quote may drop at its ends and a source word may carry around it. */
const EDGE = 8;
const SPACE = 16;
/** A character that is a word by itself: Chinese and Japanese are written without spaces. */
const SOLO = 32;
/** Set in the class table once a code unit has been classified. */
const CLASSIFIED = 128;

const HYPHEN = 0x2d;
const FULL_STOP = 0x2e;
const COMMA = 0x2c;

/**
 * A text after normalisation, with the offset map back to the original text. The map is a list of
 * segments: segment i covers normalised positions [segmentStarts[i], segmentStarts[i + 1]). A segment
 * with width -1 maps unit by unit (position p ↔ origin + p − start); any other segment comes from one
 * original character or entity, [origin, origin + width), that every one of its units maps to.
 */
type NormalisedText = {
	/** Normalised text, in its original case. */
	exact: string;
	/** Positions of dashes that separate words (en, em dash): `exact` has "-" there like for any dash. */
	separatorDashes: ReadonlySet<number>;
	segmentStarts: Int32Array;
	segmentOrigins: Int32Array;
	segmentWidths: Int32Array;
};

type WordIndex = {
	/** Each word as an id of its lower-case form. */
	ids: Int32Array;
	/** Original offsets of each word. */
	starts: Int32Array;
	ends: Int32Array;
	vocabulary: WordIds;
};

type Variant = { unit: number; separatesWords: boolean };

/** Characters written in several ways that mean the same, with the one form they compare as. */
const VARIANTS: ReadonlyMap<number, Variant> = new Map([
	...[0x2018, 0x2019, 0x201a, 0x201b, 0x2032, 0x02bc].map((c): [number, Variant] => [
		c,
		{ unit: 0x27, separatesWords: false },
	]),
	...[0x201c, 0x201d, 0x201e, 0x201f, 0x2033].map((c): [number, Variant] => [
		c,
		{ unit: 0x22, separatesWords: false },
	]),
	...[0x2010, 0x2011, 0x2012, 0x2212, 0xfe63].map((c): [number, Variant] => [
		c,
		{ unit: HYPHEN, separatesWords: false },
	]),
	...[0x2013, 0x2014, 0x2015, 0x2e3a, 0x2e3b, 0xfe58, 0xfe31, 0xfe32].map((c): [number, Variant] => [
		c,
		{ unit: HYPHEN, separatesWords: true },
	]),
]);

const INVISIBLE: ReadonlySet<number> = new Set([
	0x00ad, 0x034f, 0x180e, 0x200b, 0x200c, 0x200d, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0xfeff,
]);

/** Unicode spaces beyond ASCII (U+FEFF, which JavaScript also counts, is an invisible character here). */
const UNICODE_SPACES: ReadonlySet<number> = new Set([
	0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
	0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Punctuation a quote may drop at its ends; `%`, `#` and `/` are not among them. */
const EDGE_CHARACTERS: ReadonlySet<number> = new Set(
	[...".,;:!?\"'()[]{}-*«»‹›¿¡†‡「」『』。、《》〈〉【】"].map((c) => c.codePointAt(0) ?? 0),
);

const SUPERSCRIPT_DIGIT = "\u00b9\u00b2\u00b3\u2070\u2074-\u2079";
const SUPERSCRIPT_MARKER = new RegExp(
	`[${SUPERSCRIPT_DIGIT}]+(?:[,\\u207b\\u2013-][${SUPERSCRIPT_DIGIT}]+)*`,
	"y",
);
const CARET_MARKER = /\^\d{1,4}/y;
const BRACKET_MARKER =
	/\[(?:\d{1,4}(?:\s*[,\u2013-]\s*\d{1,4})*|[a-z]|(?:note|nb|n) ?\d{1,3}|(?:citation|clarification|verification|better source|page|full citation|year|date) needed|dubious(?: [\u2013-] discuss)?|failed verification|unreliable source\?|when\?|who\?|which\?|by whom\?|according to whom\?)\]/y;
const CHARACTER_REFERENCE = /&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/y;
/**
 * Characters that may need normalising: all but printable ASCII (less &, [ and ^, which may start an
 * entity or a footnote marker) and CJK ideographs, and a space that starts a whitespace run.
 */
const SPECIAL_CANDIDATE = /[^ -%'-Z\\\]_-~\u4e00-\u9fff]| (?=\s)/g;
/** An ellipsis in normalised text (… is already three full stops): ..., . . ., [...], [ ... ]. */
const ELISION = /\[ ?\.(?: ?\.){2,} ?\]|\.(?: ?\.){2,}/g;
const ELISION_AT = new RegExp(ELISION.source, "y");

/** Character class of each BMP code unit, computed on first use (surrogates are classified in pairs). */
const unitClasses = new Uint8Array(0x10000);
const astralClasses = new Map<number, number>();

/** Whether each BMP code unit is copied unchanged into the normalised text: 0 unknown, 1 yes, 2 no. */
const unchangedUnits = new Uint8Array(0x10000);

function classify(codePoint: number): number {
	const char = String.fromCodePoint(codePoint);
	if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(char)) return WORD | LETTER | SOLO;
	if (/\p{L}/u.test(char)) return WORD | LETTER;
	if (/\p{N}/u.test(char)) return WORD | DIGIT;
	if (/\p{M}/u.test(char)) return WORD;
	if (codePoint === 0x20) return SPACE;
	return EDGE_CHARACTERS.has(codePoint) ? EDGE : 0;
}

const ASCII_CLASSES = Uint8Array.from({ length: 0x80 }, (_, unit) => classify(unit));

function classOfCodePoint(codePoint: number): number {
	if (codePoint > 0xffff) {
		let flags = astralClasses.get(codePoint);
		if (flags === undefined) {
			flags = classify(codePoint);
			astralClasses.set(codePoint, flags);
		}
		return flags;
	}
	let flags = unitClasses[codePoint] ?? 0;
	if (flags === 0) {
		flags = classify(codePoint) | CLASSIFIED;
		unitClasses[codePoint] = flags;
	}
	return flags & ~CLASSIFIED;
}

/**
 * Class of the character at `position` of a text (0 outside it); both units of a surrogate pair get
 * the class of their character.
 */
function classAt(text: string, position: number): number {
	const unit = text.charCodeAt(position);
	if (unit < 0x80) return ASCII_CLASSES[unit] ?? 0;
	if (Number.isNaN(unit)) return 0;
	if (unit >= 0xd800 && unit <= 0xdfff) {
		const start = unit >= 0xdc00 && position > 0 ? position - 1 : position;
		return classOfCodePoint(text.codePointAt(start) ?? unit);
	}
	return classOfCodePoint(unit);
}

function isSpace(codePoint: number): boolean {
	return (
		(codePoint <= 0x20 && (codePoint === 0x20 || (codePoint >= 9 && codePoint <= 13))) ||
		UNICODE_SPACES.has(codePoint)
	);
}

function isSuperscriptDigit(code: number): boolean {
	return (
		code === 0xb9 || code === 0xb2 || code === 0xb3 || code === 0x2070 || (code >= 0x2074 && code <= 0x2079)
	);
}

const decompositions = new Map<number, string | null>();

/** NFKD of one character, or null when it has none or must keep its form (10³ must not become 103). */
function decomposition(codePoint: number): string | null {
	let decomposed = decompositions.get(codePoint);
	if (decomposed === undefined) {
		const char = String.fromCodePoint(codePoint);
		const normalised = char.normalize("NFKD");
		const superOrSubscript = /^[\u00b2\u00b3\u00b9\u2070-\u209f]$/u.test(char);
		decomposed = normalised === char || superOrSubscript ? null : normalised;
		decompositions.set(codePoint, decomposed);
	}
	return decomposed;
}

/**
 * Whether a BMP code unit other than a space is copied unchanged: not markup (&), not a possible
 * footnote marker ([, ^, superscripts), not a control, invisible, variant or decomposable character.
 */
function isUnchanged(unit: number): boolean {
	let known = unchangedUnits[unit] ?? 0;
	if (known === 0) {
		const special =
			unit < 0x21 ||
			unit === 0x26 ||
			unit === 0x5b ||
			unit === 0x5e ||
			(unit >= 0x7f && unit < 0xa0) ||
			(unit >= 0xd800 && unit <= 0xdfff) ||
			INVISIBLE.has(unit) ||
			VARIANTS.has(unit) ||
			isSpace(unit) ||
			isSuperscriptDigit(unit) ||
			decomposition(unit) !== null;
		known = special ? 2 : 1;
		unchangedUnits[unit] = known;
	}
	return known === 1;
}

/**
 * Whether a superscript or ^ at `position` is an exponent rather than a footnote marker: it follows
 * a digit (10³), or a unit of one or two letters standing after a number, a space or a slash (m², km³).
 */
function isExponentAt(text: string, position: number): boolean {
	const before = text.charCodeAt(position - 1);
	if (before >= 48 && before <= 57) return true;
	let start = position;
	while (start > 0 && position - start <= 2 && /\p{L}/u.test(text.charAt(start - 1))) start--;
	const letters = position - start;
	if (letters === 0 || letters > 2) return false;
	return start === 0 || /[\s\d/·⋅]/u.test(text.charAt(start - 1));
}

/** Length of the match of a sticky pattern at `position`, or 0. */
function matchLengthAt(pattern: RegExp, text: string, position: number): number {
	pattern.lastIndex = position;
	const match = pattern.exec(text);
	return match === null ? 0 : match[0].length;
}

/** Lower case of each BMP code unit, computed on first use; 0 means not computed yet. */
const lowerUnits = new Uint16Array(0x10000);

/**
 * Lower case of a code unit, for comparing words. A letter whose lower case is not one unit (İ → i̇)
 * stays as it is; final and medial sigma are the same letter.
 */
function lowerUnit(unit: number): number {
	if (unit < 0x80) return unit >= 65 && unit <= 90 ? unit + 32 : unit;
	let lower = lowerUnits[unit] ?? 0;
	if (lower === 0) {
		const folded = String.fromCharCode(unit).toLowerCase();
		lower = folded.length === 1 ? folded.charCodeAt(0) : unit;
		if (lower === 0x3c2) lower = 0x3c3;
		lowerUnits[unit] = lower;
	}
	return lower;
}

/** Builds a normalised text from pieces, recording the offset map and collapsing whitespace runs. */
class NormalisedTextBuilder {
	/** The text so far; appending builds a rope that V8 flattens faster than Array.join. */
	private text = "";
	private length = 0;
	private lastUnit = 0x20;
	/** Offset of the first whitespace character since the last unit, or -1. */
	private pendingSpace = -1;
	private readonly separatorDashes = new Set<number>();
	private readonly segmentStarts: number[] = [];
	private readonly segmentOrigins: number[] = [];
	private readonly segmentWidths: number[] = [];

	space(origin: number): void {
		if (this.pendingSpace < 0) this.pendingSpace = origin;
	}

	/** Appends text copied unchanged from original offsets [origin, origin + piece.length). */
	copy(piece: string, origin: number): void {
		if (piece.charCodeAt(0) === 0x20) {
			this.space(origin);
			this.copy(piece.slice(1), origin + 1);
			return;
		}
		if (piece === "") return;
		this.flushSpace();
		this.append(piece, origin, piece.length);
	}

	/** Appends the normalised form of one character that spans original offsets [origin, end). */
	character(codePoint: number, origin: number, end: number): void {
		if (INVISIBLE.has(codePoint)) return;
		// Variants first: NFKD would turn ″ into two primes rather than one double quote.
		const decomposed = codePoint < 0x80 || VARIANTS.has(codePoint) ? null : decomposition(codePoint);
		if (decomposed === null) {
			this.decomposedCharacter(codePoint, origin, end);
			return;
		}
		for (const char of decomposed) this.decomposedCharacter(char.codePointAt(0) ?? 0, origin, end);
	}

	finish(): NormalisedText {
		const exact = this.text;
		return {
			exact,
			separatorDashes: this.separatorDashes,
			segmentStarts: Int32Array.from(this.segmentStarts),
			segmentOrigins: Int32Array.from(this.segmentOrigins),
			segmentWidths: Int32Array.from(this.segmentWidths),
		};
	}

	private decomposedCharacter(codePoint: number, origin: number, end: number): void {
		if (isSpace(codePoint)) {
			this.space(origin);
			return;
		}
		this.flushSpace();
		const variant = VARIANTS.get(codePoint);
		if (variant?.separatesWords === true) this.separatorDashes.add(this.length);
		this.append(String.fromCodePoint(variant?.unit ?? codePoint), origin, end - origin);
	}

	private flushSpace(): void {
		if (this.pendingSpace < 0) return;
		// Whitespace before the first unit is dropped, and a run next to a copied space adds nothing.
		if (this.length > 0 && this.lastUnit !== 0x20) this.append(" ", this.pendingSpace, 1);
		this.pendingSpace = -1;
	}

	private append(piece: string, origin: number, width: number): void {
		const position = this.length;
		const last = this.segmentStarts.length - 1;
		const unitByUnit = piece.length === width;
		const continues =
			unitByUnit &&
			last >= 0 &&
			this.segmentWidths[last] === -1 &&
			(this.segmentOrigins[last] ?? 0) + (position - (this.segmentStarts[last] ?? 0)) === origin;
		if (!continues) {
			this.segmentStarts.push(position);
			this.segmentOrigins.push(origin);
			this.segmentWidths.push(unitByUnit ? -1 : width);
		}
		this.text += piece;
		this.length += piece.length;
		this.lastUnit = piece.charCodeAt(piece.length - 1);
	}
}

/** Normalises a text (see QUOTE_NORMALISATION_RULES) with a map back to its offsets. */
function normalise(text: string): NormalisedText {
	const builder = new NormalisedTextBuilder();
	const candidates = new RegExp(SPECIAL_CANDIDATE);
	let runStart = 0;
	// The regular expression skips the runs of plain characters natively, which matters most before
	// the JIT has optimised this loop; candidates that turn out to be unchanged stay in the run.
	while (candidates.test(text)) {
		const position = candidates.lastIndex - 1;
		const unit = text.charCodeAt(position);
		if (unit >= 0x80 && isUnchanged(unit)) continue;
		if (runStart < position) builder.copy(text.slice(runStart, position), runStart);
		runStart = normaliseSpecial(text, position, builder);
		candidates.lastIndex = runStart;
	}
	if (runStart < text.length) builder.copy(text.slice(runStart), runStart);
	return builder.finish();
}

/** Normalises the character (or marker, or entity) at `position`; returns the position after it. */
function normaliseSpecial(text: string, position: number, builder: NormalisedTextBuilder): number {
	const unit = text.charCodeAt(position);
	if (unit === 0x26) {
		const length = matchLengthAt(CHARACTER_REFERENCE, text, position);
		const reference = text.slice(position, position + length);
		const decoded = length > 0 ? decodeEntities(reference) : reference;
		if (decoded !== reference) {
			for (const char of decoded) builder.character(char.codePointAt(0) ?? 0, position, position + length);
			return position + length;
		}
	} else if (unit === 0x5b) {
		const length = matchLengthAt(BRACKET_MARKER, text, position);
		if (length > 0) return position + length;
	} else if (unit === 0x5e) {
		const length = isExponentAt(text, position) ? 0 : matchLengthAt(CARET_MARKER, text, position);
		if (length > 0) return position + length;
	} else if (isSuperscriptDigit(unit) && !isExponentAt(text, position)) {
		return position + matchLengthAt(SUPERSCRIPT_MARKER, text, position);
	}
	const codePoint = text.codePointAt(position) ?? unit;
	const width = codePoint > 0xffff ? 2 : 1;
	builder.character(codePoint, position, position + width);
	return position + width;
}

/** Index of the segment holding normalised position `position`. */
function segmentAt(normalised: NormalisedText, position: number): number {
	const starts = normalised.segmentStarts;
	let low = 0;
	let high = starts.length - 1;
	while (low < high) {
		const middle = (low + high + 1) >> 1;
		if ((starts[middle] ?? 0) <= position) low = middle;
		else high = middle - 1;
	}
	return low;
}

/** Original range of the unit at normalised position `position` in segment `segment`. */
function originalRange(normalised: NormalisedText, segment: number, position: number): QuoteSpan {
	const origin = normalised.segmentOrigins[segment] ?? 0;
	const width = normalised.segmentWidths[segment] ?? -1;
	if (width >= 0) return { start: origin, end: origin + width };
	const start = origin + position - (normalised.segmentStarts[segment] ?? 0);
	return { start, end: start + 1 };
}

/** Original offsets of the normalised range [start, end). */
function spanOf(normalised: NormalisedText, start: number, end: number): QuoteSpan {
	return {
		start: originalRange(normalised, segmentAt(normalised, start), start).start,
		end: originalRange(normalised, segmentAt(normalised, end - 1), end - 1).end,
	};
}

/**
 * Normalises and indexes a snapshot once, so that many quotes can be located in it cheaply.
 *
 * @example
 * const indexed = indexSnapshotText(snapshot);
 * const locations = quotes.map((quote) => locateQuote(quote, indexed));
 */
export function indexSnapshotText(snapshot: string): IndexedSnapshot {
	return { text: snapshot, normalised: normalise(snapshot), words: null };
}

/** A stretch of a normalised text: [start, end). */
type Range = { start: number; end: number };

/**
 * A quote, or one elided part of it, ready to search for: the forms of it that count as the same
 * text, all of one length. Besides the quote as written, its first letter may have the other case,
 * and a source passage in capitals matches the quote in capitals.
 */
type Needle = { forms: string[]; length: number };

function countWords(text: string, range: Range): number {
	let words = 0;
	let inWord = false;
	for (let i = range.start; i < range.end; i++) {
		const flags = classAt(text, i);
		const isWord = (flags & WORD) !== 0;
		if (isWord && (!inWord || (flags & SOLO) !== 0)) words++;
		inWord = isWord;
	}
	return words;
}

/** Whether the unit at `position` is a sign or separator of the digits after it (-15, .5, 1,000). */
function startsNumber(text: string, position: number): boolean {
	const unit = text.charCodeAt(position);
	return (
		(unit === HYPHEN || unit === FULL_STOP || unit === COMMA) && (classAt(text, position + 1) & DIGIT) !== 0
	);
}

/** The range without surrounding spaces and edge punctuation, keeping what belongs to a number. */
function trimRange(text: string, range: Range): Range {
	let { start, end } = range;
	while (start < end) {
		// A leading ellipsis goes as a whole, so that "...5 units" keeps no decimal point.
		const ellipsis = matchLengthAt(ELISION_AT, text, start);
		if (ellipsis > 0) {
			start = Math.min(end, start + ellipsis);
			continue;
		}
		const flags = classAt(text, start);
		if ((flags & SPACE) === 0 && ((flags & EDGE) === 0 || startsNumber(text, start))) break;
		start++;
	}
	while (end > start && (classAt(text, end - 1) & (SPACE | EDGE)) !== 0) end--;
	return { start, end };
}

function needleOf(normalised: NormalisedText, range: Range): Needle {
	const exact = normalised.exact.slice(range.start, range.end);
	const forms = new Set([exact]);
	let firstLetter = 0;
	while (firstLetter < exact.length && (classAt(exact, firstLetter) & LETTER) === 0) firstLetter++;
	if (firstLetter < exact.length) {
		const letter = exact.charAt(firstLetter);
		for (const recased of [letter.toLowerCase(), letter.toUpperCase()]) {
			if (recased.length === letter.length) {
				forms.add(`${exact.slice(0, firstLetter)}${recased}${exact.slice(firstLetter + 1)}`);
			}
		}
	}
	const capitals = exact.toUpperCase();
	if (capitals.length === exact.length) forms.add(capitals);
	return { forms: [...forms], length: exact.length };
}

/** The quote's parts between elision marks, trimmed, without empty ones. */
function elidedParts(quote: NormalisedText, range: Range): Range[] {
	const parts: Range[] = [];
	let partStart = range.start;
	for (const match of quote.exact.slice(range.start, range.end).matchAll(ELISION)) {
		parts.push({ start: partStart, end: range.start + match.index });
		partStart = range.start + match.index + match[0].length;
	}
	parts.push({ start: partStart, end: range.end });
	return parts.map((part) => trimRange(quote.exact, part)).filter((part) => part.start < part.end);
}

/**
 * Whether a match starting at `start` starts a source word: only opening punctuation may stand
 * between it and the preceding space, separating dash or start of text, and no sign or decimal
 * separator may stand right before a leading digit.
 */
function startsOnWord(source: NormalisedText, start: number): boolean {
	const text = source.exact;
	const first = classAt(text, start);
	if (start > 0 && (first & DIGIT) !== 0 && startsNumber(text, start - 1)) return false;
	if ((first & SOLO) !== 0) return true;
	for (let i = start - 1; i >= 0; i--) {
		const flags = classAt(text, i);
		if ((flags & (SPACE | SOLO)) !== 0 || source.separatorDashes.has(i)) return true;
		if ((flags & EDGE) === 0) return false;
	}
	return true;
}

/** Whether a match ending before `end` ends a source word (see `startsOnWord`). */
function endsOnWord(source: NormalisedText, end: number): boolean {
	const text = source.exact;
	const last = classAt(text, end - 1);
	if ((last & DIGIT) !== 0 && end < text.length && startsNumber(text, end)) return false;
	if ((last & SOLO) !== 0) return true;
	for (let i = end; i < text.length; i++) {
		const flags = classAt(text, i);
		if ((flags & (SPACE | SOLO)) !== 0 || source.separatorDashes.has(i)) return true;
		if ((flags & EDGE) === 0) return false;
	}
	return true;
}

/** First position ≥ `from` where the needle occurs verbatim in the source, or -1. */
function findVerbatim(source: NormalisedText, needle: Needle, from: number): number {
	if (needle.length === 0) return -1;
	let first = -1;
	for (const form of needle.forms) {
		for (let at = source.exact.indexOf(form, from); at >= 0; at = source.exact.indexOf(form, at + 1)) {
			if (first >= 0 && at >= first) break;
			if (startsOnWord(source, at) && endsOnWord(source, at + needle.length)) {
				first = at;
				break;
			}
		}
	}
	return first;
}

/**
 * Spans of the elided parts in order, each part at its earliest occurrence after the previous one.
 * The earliest is the best choice for every part after the first: a later one only widens the gap
 * before it and leaves less room after it. The first part is tried at each of its occurrences.
 */
function findElided(source: NormalisedText, needles: Needle[]): QuoteSpan[] | null {
	const [first, ...rest] = needles;
	if (first === undefined) return null;
	// Searches for the same part start further on each time, so each part remembers its last answer.
	const remembered = rest.map(() => ({ from: -1, at: -1 }));
	const next = (part: number, from: number): number => {
		const memory = remembered[part];
		const needle = rest[part];
		if (memory === undefined || needle === undefined) return -1;
		if (memory.from >= 0 && from >= memory.from && (memory.at < 0 || from <= memory.at)) return memory.at;
		memory.from = from;
		memory.at = findVerbatim(source, needle, from);
		return memory.at;
	};
	for (let at = findVerbatim(source, first, 0); at >= 0; at = findVerbatim(source, first, at + 1)) {
		const spans = [spanOf(source, at, at + first.length)];
		let end = at + first.length;
		let chained = true;
		for (let part = 0; part < rest.length && chained; part++) {
			const partAt = next(part, end);
			// No later occurrence of this part: no later start of the first part can do better.
			if (partAt < 0) return null;
			end = partAt + (rest[part]?.length ?? 0);
			const span = spanOf(source, partAt, end);
			const previousEnd = spans[spans.length - 1]?.end ?? 0;
			chained = span.start >= previousEnd && span.start - previousEnd <= MAX_ELISION_GAP;
			spans.push(span);
		}
		if (chained) return spans;
	}
	return null;
}

/**
 * Locates a quote in a snapshot under the declared normalisation (QUOTE_NORMALISATION_RULES):
 * `verbatim` with the source spans it covers, else `altered` with the closest passage when that
 * passage holds at least half of the quote's words in order, else `not_found`.
 *
 * @example
 * // Verbatim: the span covers the source's own "Heat pumps kept working[3] at −15 °C".
 * locateQuote("heat pumps kept working at -15 °C", "Heat pumps kept working[3] at −15 °C.")
 * // → { check: "verbatim", spans: [{ start: 0, end: 36 }] }
 * // Every word is there, but not the sign:
 * locateQuote("heat pumps kept working at 15 °C", "Heat pumps kept working[3] at −15 °C.")
 * // → { check: "altered", nearest: { start: 0, end: 36 }, similarity: 1 }
 */
export function locateQuote(quote: string, snapshot: IndexedSnapshot | string): QuoteLocation {
	const indexed = typeof snapshot === "string" ? indexSnapshotText(snapshot) : snapshot;
	const source = indexed.normalised;
	const normalisedQuote = normalise(quote);
	const whole = trimRange(normalisedQuote.exact, { start: 0, end: normalisedQuote.exact.length });
	const longEnough = countWords(normalisedQuote.exact, whole) >= MIN_QUOTE_WORDS;

	if (longEnough) {
		// A quote whose ellipsis the source itself contains is found whole, as one span.
		const wholeNeedle = needleOf(normalisedQuote, whole);
		const at = findVerbatim(source, wholeNeedle, 0);
		if (at >= 0) return { check: "verbatim", spans: [spanOf(source, at, at + wholeNeedle.length)] };
		const parts = elidedParts(normalisedQuote, whole);
		if (
			parts.length > 1 &&
			parts.every((part) => countWords(normalisedQuote.exact, part) >= MIN_QUOTE_WORDS)
		) {
			const spans = findElided(
				source,
				parts.map((part) => needleOf(normalisedQuote, part)),
			);
			if (spans !== null) return { check: "verbatim", spans };
		}
	}

	const nearest = nearestPassage(indexed, normalisedQuote.exact, whole);
	if (longEnough && nearest.similarity >= ALTERED_SIMILARITY) {
		return { check: "altered", nearest: nearest.span, similarity: nearest.similarity };
	}
	return { check: "not_found", similarity: nearest.similarity };
}

/**
 * The snapshot's own words for a located quote: each span's text, joined by " … ".
 *
 * @example
 * spanText("Heat pumps kept working. Below −25 °C they failed.", [{ start: 0, end: 23 }, { start: 25, end: 49 }])
 * // → "Heat pumps kept working … Below −25 °C they failed"
 */
export function spanText(snapshot: string, spans: readonly QuoteSpan[]): string {
	return spans.map((span) => snapshot.slice(span.start, span.end)).join(" … ");
}

/**
 * Words of a normalised text by a 64-bit hash of their lower-case form (two 32-bit halves), mapped to
 * dense ids by open addressing. Comparing hashes rather than strings keeps indexing a megabyte of text free of
 * per-word allocations; a collision could only make two different words count as one in the
 * similarity of a quote that is not verbatim anyway.
 */
class WordIds {
	size = 0;
	private lows = new Int32Array(1 << 12);
	private highs = new Int32Array(1 << 12);
	/** Id + 1 of each slot; 0 marks an empty slot. */
	private ids = new Int32Array(1 << 12);

	/** The id of a word hash, or -1; with `add`, a new id for a hash not seen before. */
	idOf(low: number, high: number, add: boolean): number {
		const mask = this.ids.length - 1;
		for (let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
			const id = this.ids[slot] ?? 0;
			if (id === 0) {
				if (!add) return -1;
				this.lows[slot] = low;
				this.highs[slot] = high;
				this.ids[slot] = ++this.size;
				if (this.size * 2 > this.ids.length) this.grow();
				return this.size - 1;
			}
			if (this.lows[slot] === low && this.highs[slot] === high) return id - 1;
		}
	}

	private grow(): void {
		const { lows, highs, ids } = this;
		this.lows = new Int32Array(ids.length * 2);
		this.highs = new Int32Array(ids.length * 2);
		this.ids = new Int32Array(ids.length * 2);
		const mask = this.ids.length - 1;
		for (let old = 0; old < ids.length; old++) {
			const id = ids[old] ?? 0;
			if (id === 0) continue;
			const low = lows[old] ?? 0;
			const high = highs[old] ?? 0;
			let slot = (low ^ Math.imul(high, 0x9e3779b1)) & mask;
			while ((this.ids[slot] ?? 0) !== 0) slot = (slot + 1) & mask;
			this.lows[slot] = low;
			this.highs[slot] = high;
			this.ids[slot] = id;
		}
	}
}

const HASH_LOW_SEED = 0x811c9dc5;
const HASH_HIGH_SEED = 0x01000193;

/** Words of a text: normalised ranges and the two halves of a hash of each word's lower case. */
type ScannedWords = {
	count: number;
	starts: Int32Array;
	ends: Int32Array;
	lows: Int32Array;
	highs: Int32Array;
};

function grown(array: Int32Array, capacity: number): Int32Array {
	const next = new Int32Array(capacity);
	next.set(array);
	return next;
}

/**
 * The words of text[start, end): runs of letters, digits and marks, and each Chinese or Japanese
 * character on its own. One tight loop without callbacks, since it runs over the whole snapshot.
 */
function scanWords(text: string, start: number, end: number): ScannedWords {
	// About one word per six characters of prose; the arrays grow when there are more.
	let capacity = Math.max(16, (end - start) >> 2);
	let starts: Int32Array = new Int32Array(capacity);
	let ends: Int32Array = new Int32Array(capacity);
	let lows: Int32Array = new Int32Array(capacity);
	let highs: Int32Array = new Int32Array(capacity);
	let count = 0;
	let low = HASH_LOW_SEED;
	let high = HASH_HIGH_SEED;
	let wordStart = -1;
	for (let i = start; i <= end; i++) {
		const code = i < end ? text.charCodeAt(i) : 0x20;
		const flags = code < 0x80 ? (ASCII_CLASSES[code] ?? 0) : classAt(text, i);
		if ((flags & (WORD | SOLO)) === WORD) {
			if (wordStart < 0) wordStart = i;
			const unit = code < 0x80 ? (code >= 65 && code <= 90 ? code + 32 : code) : lowerUnit(code);
			low = Math.imul(low ^ unit, 0x01000193);
			high = Math.imul(high ^ unit, 0x5bd1e995);
			continue;
		}
		const solo = (flags & SOLO) !== 0;
		if (wordStart < 0 && !solo) continue;
		if (count + 2 > capacity) {
			capacity *= 2;
			starts = grown(starts, capacity);
			ends = grown(ends, capacity);
			lows = grown(lows, capacity);
			highs = grown(highs, capacity);
		}
		if (wordStart >= 0) {
			starts[count] = wordStart;
			ends[count] = i;
			lows[count] = low;
			highs[count] = high;
			count++;
			low = HASH_LOW_SEED;
			high = HASH_HIGH_SEED;
			wordStart = -1;
		}
		if (solo) {
			starts[count] = i;
			ends[count] = i + 1;
			lows[count] = Math.imul(HASH_LOW_SEED ^ code, 0x01000193);
			highs[count] = Math.imul(HASH_HIGH_SEED ^ code, 0x5bd1e995);
			count++;
		}
	}
	return { count, starts, ends, lows, highs };
}

/** Ids of the quote's words in the snapshot's vocabulary (-1 for a word the snapshot lacks). */
function quoteWordIds(quote: string, range: Range, vocabulary: WordIds): Int32Array {
	const words = scanWords(quote, range.start, range.end);
	return Int32Array.from({ length: words.count }, (_, k) =>
		vocabulary.idOf(words.lows[k] ?? 0, words.highs[k] ?? 0, false),
	);
}

function wordIndexOf(indexed: IndexedSnapshot): WordIndex {
	if (indexed.words !== null) return indexed.words;
	const { exact, segmentStarts, segmentOrigins, segmentWidths } = indexed.normalised;
	const scanned = scanWords(exact, 0, exact.length);
	const { count } = scanned;
	const vocabulary = new WordIds();
	const ids = new Int32Array(count);
	const starts = new Int32Array(count);
	const ends = new Int32Array(count);
	// Words come in order, so each one's segment is found by walking forward, not by searching.
	let segment = 0;
	const originOf = (position: number, end: boolean): number => {
		while (segment + 1 < segmentStarts.length && (segmentStarts[segment + 1] ?? 0) <= position) segment++;
		const origin = segmentOrigins[segment] ?? 0;
		const width = segmentWidths[segment] ?? -1;
		if (width >= 0) return end ? origin + width : origin;
		return origin + position - (segmentStarts[segment] ?? 0) + (end ? 1 : 0);
	};
	for (let k = 0; k < count; k++) {
		ids[k] = vocabulary.idOf(scanned.lows[k] ?? 0, scanned.highs[k] ?? 0, true);
		starts[k] = originOf(scanned.starts[k] ?? 0, false);
		ends[k] = originOf((scanned.ends[k] ?? 0) - 1, true);
	}
	const words: WordIndex = { ids, starts, ends, vocabulary };
	indexed.words = words;
	return words;
}

type Nearest = { span: QuoteSpan; similarity: number };

const NOTHING_NEAR: Nearest = { span: { start: 0, end: 0 }, similarity: 0 };

/**
 * The snapshot passage most similar to the quote's words: similarity = words of the quote aligned in
 * order (longest common subsequence) / words of the quote, over windows of snapshot words half again
 * as long as the quote. A sliding count of shared words (an upper bound of the alignment) ranks the
 * windows in one linear pass; the best-ranked are aligned until no remaining window can do better,
 * or MAX_WINDOW_ALIGNMENTS have been. The span runs from the first to the last aligned snapshot word.
 */
function nearestPassage(indexed: IndexedSnapshot, quote: string, range: Range): Nearest {
	const words = wordIndexOf(indexed);
	const total = words.ids.length;
	const quoteIds = quoteWordIds(quote, range, words.vocabulary);
	const quoteLength = quoteIds.length;
	if (total === 0 || quoteIds.every((id) => id < 0)) return NOTHING_NEAR;
	const required = Math.max(1, Math.ceil(ALTERED_SIMILARITY * quoteLength - 1e-9));
	const windowLength = Math.min(quoteLength + (quoteLength - required), total);

	const wanted = new Int32Array(words.vocabulary.size);
	for (const id of quoteIds) if (id >= 0) wanted[id] = (wanted[id] ?? 0) + 1;
	// shared[start]: words the window at `start` has in common with the quote, counted as multisets.
	const windows = total - windowLength + 1;
	const shared = new Int32Array(windows);
	const inWindow = new Int32Array(words.vocabulary.size);
	const histogram = new Int32Array(quoteLength + 1);
	const ids = words.ids;
	let current = 0;
	let best = 0;
	for (let position = 0; position < total; position++) {
		const added = ids[position] ?? 0;
		const addedWanted = wanted[added] ?? 0;
		if (addedWanted > 0) {
			const count = (inWindow[added] ?? 0) + 1;
			inWindow[added] = count;
			if (count <= addedWanted) current++;
		}
		const start = position - windowLength + 1;
		if (start > 0) {
			const removed = ids[start - 1] ?? 0;
			const removedWanted = wanted[removed] ?? 0;
			if (removedWanted > 0) {
				const count = (inWindow[removed] ?? 0) - 1;
				inWindow[removed] = count;
				if (count < removedWanted) current--;
			}
		}
		if (start >= 0) {
			shared[start] = current;
			histogram[current] = (histogram[current] ?? 0) + 1;
			if (current > best) best = current;
		}
	}

	// The lowest bound whose windows, with all better ones, fill the alignment budget.
	let cutoff = best;
	for (let count = 0; cutoff > 1; cutoff--) {
		count += histogram[cutoff] ?? 0;
		if (count >= MAX_WINDOW_ALIGNMENTS) break;
	}
	const candidates: number[] = [];
	let atCutoff = 0;
	for (let start = 0; start < windows; start++) {
		const bound = shared[start] ?? 0;
		if (bound > cutoff || (bound === cutoff && atCutoff++ < MAX_WINDOW_ALIGNMENTS)) candidates.push(start);
	}
	candidates.sort((a, b) => (shared[b] ?? 0) - (shared[a] ?? 0) || a - b);

	let bestAligned = 0;
	let bestStart = -1;
	for (const start of candidates.slice(0, MAX_WINDOW_ALIGNMENTS)) {
		if ((shared[start] ?? 0) <= bestAligned) break;
		const aligned = alignWindow(quoteIds, ids, start, windowLength).aligned;
		if (aligned > bestAligned) {
			bestAligned = aligned;
			bestStart = start;
		}
	}
	if (bestStart < 0) return NOTHING_NEAR;
	const alignment = alignWindow(quoteIds, ids, bestStart, windowLength);
	// Quote words before the first and after the last aligned word were changed: the passage takes as
	// many source words on each side, so a reader sees what the source says in their place ("fell by 60%"
	// against "fell by 40%" shows the 40%).
	const first = Math.max(0, alignment.first - alignment.firstQuoteWord);
	const last = Math.min(total - 1, alignment.last + (quoteLength - 1 - alignment.lastQuoteWord));
	return {
		span: { start: words.starts[first] ?? 0, end: words.ends[last] ?? 0 },
		similarity: bestAligned / quoteLength,
	};
}

/**
 * Longest common subsequence of the quote's words and one window of snapshot words, with the first
 * and last snapshot word of one such alignment (absolute word positions) and the quote words they
 * align with.
 */
function alignWindow(
	quoteIds: Int32Array,
	ids: Int32Array,
	start: number,
	windowLength: number,
): { aligned: number; first: number; last: number; firstQuoteWord: number; lastQuoteWord: number } {
	const columns = quoteIds.length + 1;
	const table = new Int32Array((windowLength + 1) * columns);
	for (let row = 1; row <= windowLength; row++) {
		const word = ids[start + row - 1];
		for (let column = 1; column < columns; column++) {
			const here = row * columns + column;
			table[here] =
				quoteIds[column - 1] === word
					? (table[here - columns - 1] ?? 0) + 1
					: Math.max(table[here - columns] ?? 0, table[here - 1] ?? 0);
		}
	}
	const aligned = table[windowLength * columns + columns - 1] ?? 0;
	let first = start;
	let last = -1;
	let firstQuoteWord = 0;
	let lastQuoteWord = -1;
	for (let row = windowLength, column = columns - 1; row > 0 && column > 0; ) {
		const here = row * columns + column;
		if (
			quoteIds[column - 1] === ids[start + row - 1] &&
			table[here] === (table[here - columns - 1] ?? 0) + 1
		) {
			if (last < 0) {
				last = start + row - 1;
				lastQuoteWord = column - 1;
			}
			first = start + row - 1;
			firstQuoteWord = column - 1;
			row--;
			column--;
		} else if ((table[here - columns] ?? 0) >= (table[here - 1] ?? 0)) {
			row--;
		} else {
			column--;
		}
	}
	return {
		aligned,
		first,
		last: last < 0 ? first : last,
		firstQuoteWord,
		lastQuoteWord: lastQuoteWord < 0 ? firstQuoteWord : lastQuoteWord,
	};
}

/**
 * Page text: turns a fetched body into the readable text that is snapshotted, searched and quoted.
 *
 * HTML (text/html, application/xhtml+xml) goes through the Workers HTMLRewriter, a streaming parser
 * that reports start tags, end tags and raw text chunks in document order:
 * - text inside SKIPPED_ELEMENTS is dropped: code and styling (script, style, template, noscript),
 *   embedded non-text content (svg, math, iframe, object, canvas), form option lists (select) and
 *   site navigation (nav), which is boilerplate rather than content. The head contributes only its
 *   title, since everything else it can hold is skipped or has no text.
 * - the first title outside those elements becomes `title`; no title text appears in `text`.
 * - BLOCK_ELEMENTS start a new line where they open and where they close; table cells are separated
 *   by a space so adjacent cells do not run together.
 * - pre is a block whose source line breaks are kept as line breaks; everywhere else they are spaces.
 * - each line then has its character references decoded (see decodeEntities), runs of whitespace
 *   collapsed to one space, invisible format characters (soft hyphen, zero-width space, BOM)
 *   removed, and is trimmed; empty lines are dropped.
 *
 * Other content types (plain text, Markdown, JSON) are already text and are returned trimmed.
 * HTMLRewriter exists only in the Workers runtime (workerd, wrangler dev, the integration tests).
 */

/** The readable content of a page. */
export type PageText = { title: string | null; text: string };

const HTML_MEDIA_TYPES: ReadonlySet<string> = new Set(["text/html", "application/xhtml+xml"]);

const SKIPPED_ELEMENTS: ReadonlySet<string> = new Set([
	"script",
	"style",
	"template",
	"noscript",
	"svg",
	"math",
	"iframe",
	"object",
	"canvas",
	"select",
	"nav",
]);

const BLOCK_ELEMENTS: ReadonlySet<string> = new Set([
	"address",
	"article",
	"aside",
	"blockquote",
	"br",
	"caption",
	"dd",
	"details",
	"dialog",
	"div",
	"dl",
	"dt",
	"fieldset",
	"figcaption",
	"figure",
	"footer",
	"form",
	"h1",
	"h2",
	"h3",
	"h4",
	"h5",
	"h6",
	"header",
	"hgroup",
	"hr",
	"legend",
	"li",
	"main",
	"ol",
	"p",
	"section",
	"summary",
	"table",
	"tbody",
	"tfoot",
	"thead",
	"tr",
	"ul",
]);

const CELL_ELEMENTS: ReadonlySet<string> = new Set(["td", "th"]);

/**
 * Named character references decoded by name: the markup-significant ones, spaces, typographic
 * punctuation, common symbols and the Latin-1 letters that are not a base letter plus an accent
 * (those are decoded by ACCENTED_LETTER). Unknown names are left as written, as browsers do.
 */
const NAMED_ENTITIES: ReadonlyMap<string, string> = new Map(
	Object.entries({
		amp: "&",
		lt: "<",
		gt: ">",
		quot: '"',
		apos: "'",
		nbsp: "\u00a0",
		ensp: "\u2002",
		emsp: "\u2003",
		thinsp: "\u2009",
		shy: "\u00ad",
		ndash: "–",
		mdash: "—",
		hellip: "…",
		lsquo: "‘",
		rsquo: "’",
		sbquo: "‚",
		ldquo: "“",
		rdquo: "”",
		bdquo: "„",
		laquo: "«",
		raquo: "»",
		lsaquo: "‹",
		rsaquo: "›",
		bull: "•",
		middot: "·",
		dagger: "†",
		Dagger: "‡",
		prime: "′",
		Prime: "″",
		permil: "‰",
		deg: "°",
		copy: "©",
		reg: "®",
		trade: "™",
		sect: "§",
		para: "¶",
		euro: "€",
		pound: "£",
		yen: "¥",
		cent: "¢",
		curren: "¤",
		times: "×",
		divide: "÷",
		plusmn: "±",
		minus: "−",
		le: "≤",
		ge: "≥",
		ne: "≠",
		asymp: "≈",
		infin: "∞",
		frac12: "½",
		frac14: "¼",
		frac34: "¾",
		sup1: "¹",
		sup2: "²",
		sup3: "³",
		micro: "µ",
		ordf: "ª",
		ordm: "º",
		iexcl: "¡",
		iquest: "¿",
		larr: "←",
		rarr: "→",
		uarr: "↑",
		darr: "↓",
		harr: "↔",
		szlig: "ß",
		aelig: "æ",
		AElig: "Æ",
		oelig: "œ",
		OElig: "Œ",
		oslash: "ø",
		Oslash: "Ø",
		eth: "ð",
		ETH: "Ð",
		thorn: "þ",
		THORN: "Þ",
	}),
);

/** Greek letter names in code point order; lower case starts at U+03B1, capitals at U+0391. */
const GREEK_LETTERS: readonly string[] = [
	"alpha",
	"beta",
	"gamma",
	"delta",
	"epsilon",
	"zeta",
	"eta",
	"theta",
	"iota",
	"kappa",
	"lambda",
	"mu",
	"nu",
	"xi",
	"omicron",
	"pi",
	"rho",
	"sigmaf",
	"sigma",
	"tau",
	"upsilon",
	"phi",
	"chi",
	"psi",
	"omega",
];

/** Combining marks for the accent suffixes of names like `eacute`, `Ntilde`, `ccedil`. */
const ACCENT_MARKS: Readonly<Record<string, string>> = {
	grave: "\u0300",
	acute: "\u0301",
	circ: "\u0302",
	tilde: "\u0303",
	uml: "\u0308",
	ring: "\u030a",
	cedil: "\u0327",
};

/** `alpha` → α, `Alpha` → Α, … (there is no capital final sigma). */
const GREEK_ENTITIES: ReadonlyMap<string, string> = new Map(
	GREEK_LETTERS.flatMap((name, index): Array<[string, string]> => {
		const lower: [string, string] = [name, String.fromCodePoint(0x03b1 + index)];
		if (name === "sigmaf") return [lower];
		const capitalName = `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
		return [lower, [capitalName, String.fromCodePoint(0x0391 + index)]];
	}),
);

const ACCENTED_LETTER = /^([A-Za-z])(grave|acute|circ|tilde|uml|ring|cedil)$/;

/**
 * What numeric references in 0x80–0x9F mean: HTML reads them as Windows-1252 (so `&#146;` is a
 * right single quote); the five positions Windows-1252 leaves undefined stay as they are.
 */
const WINDOWS_1252_C1 = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";

const CHARACTER_REFERENCE = /&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,31}));/g;

/** Format characters that are invisible when rendered and would split words in quotes. */
const INVISIBLE_CHARACTERS = /[\u00ad\u200b\ufeff]/g;

/**
 * Extracts the title and readable text of a fetched body.
 *
 * @example
 * await extractPageText("<title>A &amp; B</title><p>One</p><script>x()</script><p>Two</p>", "text/html")
 * // → { title: "A & B", text: "One\nTwo" }
 */
export async function extractPageText(body: string, contentType: string): Promise<PageText> {
	const mediaType = (contentType.split(";")[0] ?? "").trim().toLowerCase();
	if (!HTML_MEDIA_TYPES.has(mediaType)) return { title: null, text: body.trim() };
	if (typeof HTMLRewriter === "undefined") {
		throw new Error("HTML text extraction needs the Workers runtime (HTMLRewriter is not available)");
	}
	return extractHtmlText(body);
}

async function extractHtmlText(html: string): Promise<PageText> {
	const rawLines: string[] = [];
	let line = "";
	let skipDepth = 0;
	let preDepth = 0;
	let titleState: "none" | "reading" | "read" = "none";
	let rawTitle = "";

	const breakLine = (): void => {
		rawLines.push(line);
		line = "";
	};

	const rewriter = new HTMLRewriter()
		.on("*", {
			element(element) {
				const name = element.tagName.toLowerCase();
				if (name === "title" && titleState === "none" && skipDepth === 0) {
					const closes = onEndTagIfAny(element, () => {
						titleState = "read";
					});
					if (closes) titleState = "reading";
				} else if (SKIPPED_ELEMENTS.has(name) || name === "title") {
					const closes = onEndTagIfAny(element, () => {
						skipDepth -= 1;
					});
					if (closes) skipDepth += 1;
				} else if (name === "pre") {
					breakLine();
					const closes = onEndTagIfAny(element, () => {
						breakLine();
						preDepth -= 1;
					});
					if (closes) preDepth += 1;
				} else if (BLOCK_ELEMENTS.has(name)) {
					breakLine();
					onEndTagIfAny(element, breakLine);
				} else if (CELL_ELEMENTS.has(name)) {
					line += " ";
				}
			},
		})
		.onDocument({
			text(chunk) {
				if (titleState === "reading") {
					rawTitle += chunk.text;
				} else if (skipDepth === 0) {
					const [first = "", ...rest] = preDepth > 0 ? chunk.text.split(/\r\n|\r|\n/) : [chunk.text];
					line += first;
					for (const part of rest) {
						breakLine();
						line += part;
					}
				}
			},
		});

	const source = new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
	// The handlers run as the transformed body is consumed; the rewritten output itself is not needed.
	await rewriter.transform(source).arrayBuffer();
	breakLine();

	const lines = rawLines.map(cleanLine).filter((text) => text !== "");
	const title = titleState === "none" ? null : cleanLine(rawTitle) || null;
	return { title, text: lines.join("\n") };
}

/**
 * Runs `handler` at the element's end tag and returns true, or returns false when the element has no
 * end tag (void elements such as br, self-closing foreign elements such as `<svg/>`). The runtime
 * exposes no property to ask first; it throws when asked to watch an end tag that cannot come.
 */
function onEndTagIfAny(element: Element, handler: () => void): boolean {
	try {
		element.onEndTag(handler);
		return true;
	} catch {
		return false;
	}
}

function cleanLine(raw: string): string {
	return decodeEntities(raw).replace(INVISIBLE_CHARACTERS, "").replace(/\s+/g, " ").trim();
}

/**
 * Decodes character references that end in a semicolon: decimal and hex numeric references (with
 * HTML's Windows-1252 reading of 0x80–0x9F, and U+FFFD for NUL, surrogates and values past
 * U+10FFFF), the names in NAMED_ENTITIES, Greek letter names, and Latin letters with an accent
 * suffix (`eacute` → é). Everything else is left as written.
 */
export function decodeEntities(text: string): string {
	return text.replace(CHARACTER_REFERENCE, (reference, decimal?: string, hex?: string, name?: string) => {
		if (name !== undefined) return decodeNamedReference(name) ?? reference;
		return decodeCodePoint(
			decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? "", 16),
		);
	});
}

function decodeNamedReference(name: string): string | null {
	const known = NAMED_ENTITIES.get(name) ?? GREEK_ENTITIES.get(name);
	if (known !== undefined) return known;
	const accented = ACCENTED_LETTER.exec(name);
	if (accented === null) return null;
	const composed = `${accented[1]}${ACCENT_MARKS[accented[2] ?? ""] ?? ""}`.normalize("NFC");
	// Only letters that exist precomposed are real references (`eacute`), not `bgrave`.
	return [...composed].length === 1 ? composed : null;
}

function decodeCodePoint(codePoint: number): string {
	if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff))
		return "\ufffd";
	if (codePoint >= 0x80 && codePoint <= 0x9f) return WINDOWS_1252_C1[codePoint - 0x80] ?? "\ufffd";
	return String.fromCodePoint(codePoint);
}

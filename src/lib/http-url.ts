/** Web addresses that may become links. */

/**
 * The href for a source URL if it may be a link: only http(s) URLs that parse, normalized by the
 * URL parser. Anything else (javascript:, data:, relative, malformed) gets null and stays text.
 * @example safeHttpUrl("https://example.org/a b") // "https://example.org/a%20b"
 */
export function safeHttpUrl(url: string | null): string | null {
	if (url === null || !URL.canParse(url)) return null;
	const parsed = new URL(url);
	if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
	return parsed.href;
}

/**
 * Whether `url` is an http(s) URL that parses.
 * @example isHttpUrl("ftp://example.org/") // false
 */
export function isHttpUrl(url: string): boolean {
	return safeHttpUrl(url) !== null;
}

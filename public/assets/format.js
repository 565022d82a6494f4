// @ts-check
/**
 * Formatting of token counts, money and times for the dashboard and the CLI. Pure functions. Durations
 * are formatted by `formatDuration` (src/lib/duration.ts, in shared.js), which the report uses too.
 */

/** @typedef {import("../../src/protocol.ts").Usage} Usage */

/**
 * Every token a usage record counts: input, output and both kinds of cache tokens.
 * @param {Usage} usage
 * @returns {number}
 */
export function usageTokens(usage) {
	return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

/**
 * A token count, abbreviated above a thousand.
 * @example formatTokens(12_345) // "12.3k"
 * @param {number} tokens
 * @returns {string}
 */
export function formatTokens(tokens) {
	if (tokens < 1000) return String(tokens);
	if (tokens < 1_000_000) return `${(tokens / 1000).toFixed(1)}k`;
	return `${(tokens / 1_000_000).toFixed(2)}M`;
}

/**
 * An amount in US dollars; sub-cent amounts keep four decimals so a cheap job does not read as free,
 * and an unknown cost (a model without a price) reads as unknown, never as $0.
 * @example formatUsd(0.00042) // "$0.0004"
 * @example formatUsd(null) // "unknown"
 * @param {number | null} usd
 * @returns {string}
 */
export function formatUsd(usd) {
	if (usd === null) return "unknown";
	if (usd === 0) return "$0.00";
	return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/**
 * A fraction as a whole percentage, or a dash when unknown.
 * @example formatPercent(0.875) // "88 %"
 * @param {number | null} fraction
 * @returns {string}
 */
export function formatPercent(fraction) {
	return fraction === null ? "–" : `${Math.round(fraction * 100)} %`;
}

/**
 * A change with its sign, to two decimals; a change that rounds to zero has no sign.
 * @example formatChange(0.1234) // "+0.12"
 * @param {number} change
 * @returns {string}
 */
export function formatChange(change) {
	const text = Math.abs(change).toFixed(2);
	if (Number(text) === 0) return "0.00";
	return `${change > 0 ? "+" : "−"}${text}`;
}

/**
 * An epoch-milliseconds time as an ISO-like local date and time, to the minute.
 * @param {number | null} at
 * @returns {string}
 */
export function formatTime(at) {
	if (at === null) return "–";
	const date = new Date(at);
	const pad = (/** @type {number} */ value) => String(value).padStart(2, "0");
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

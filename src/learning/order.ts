/** Deterministic ordering of strings, independent of the runtime's locale. */

/**
 * Compares strings by UTF-16 code units, as `Array.prototype.sort` does by default.
 * @example ["b", "B", "a"].sort(compareText) // ["B", "a", "b"]
 */
export function compareText(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

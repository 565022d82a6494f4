/** Summary statistics of benchmark samples. */

/**
 * The p-th percentile (0–100) of `values` by linear interpolation between the closest ranks; null when
 * there are no values.
 * @example percentile([10, 20, 30, 40], 50) // 25
 * @param {readonly number[]} values
 * @param {number} p
 * @returns {number | null}
 */
export function percentile(values, p) {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
	const below = Math.floor(rank);
	const above = Math.ceil(rank);
	const low = /** @type {number} */ (sorted[below]);
	const high = /** @type {number} */ (sorted[above]);
	return low + (high - low) * (rank - below);
}

/**
 * @typedef {{ n: number; median: number; min: number; max: number; p5: number; p95: number }} Summary
 */

/**
 * Median, extremes and 5th/95th percentiles of `values`; null when there are none.
 * @example summarize([3, 1, 2]) // { n: 3, median: 2, min: 1, max: 3, p5: 1.1, p95: 2.9 }
 * @param {readonly number[]} values
 * @returns {Summary | null}
 */
export function summarize(values) {
	if (values.length === 0) return null;
	return {
		n: values.length,
		median: /** @type {number} */ (percentile(values, 50)),
		min: Math.min(...values),
		max: Math.max(...values),
		p5: /** @type {number} */ (percentile(values, 5)),
		p95: /** @type {number} */ (percentile(values, 95)),
	};
}

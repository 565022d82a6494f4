/**
 * Small vector helpers shared by the embedders, the exact index, associations and distillation.
 * Vectors are number arrays or typed arrays (any `ArrayLike<number>`); a zero vector has no direction,
 * so its cosine with anything is 0.
 *
 * Squares of numbers below about 1e-154 underflow and above about 1e154 overflow, so a sum of
 * squares outside [1e-200, ∞) is recomputed on the vector scaled by its largest component; in the
 * usual range the plain formula is exact enough and needs no extra pass.
 */

const SMALLEST_SAFE_SQUARES = 1e-200;

/** Dot product of two vectors; a RangeError when their lengths differ. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
	if (a.length !== b.length)
		throw new RangeError(`vectors of ${a.length} and ${b.length} values cannot be compared`);
	let sum = 0;
	for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
	return sum;
}

/** Euclidean (L2) length of a vector, accurate at any magnitude. */
export function norm(vector: ArrayLike<number>): number {
	const squares = dot(vector, vector);
	if (squares >= SMALLEST_SAFE_SQUARES && squares < Number.POSITIVE_INFINITY) return Math.sqrt(squares);
	const largest = largestMagnitude(vector);
	if (largest === 0 || !Number.isFinite(largest)) return largest;
	const scaled = Array.from(vector, (value) => value / largest);
	return largest * Math.sqrt(dot(scaled, scaled));
}

/**
 * Cosine similarity in [-1, 1]; 0 when either vector is all zeros.
 * @example cosineSimilarity([1, 0], [1, 1]) // 0.7071…
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
	return cosineGivenNorm(a, norm(a), b);
}

/**
 * `cosineSimilarity(a, b)` when `normA` = `norm(a)` is already known, as when one query is scored
 * against many vectors.
 */
export function cosineGivenNorm(a: ArrayLike<number>, normA: number, b: ArrayLike<number>): number {
	const normB = norm(b);
	if (normA === 0 || normB === 0) return 0;
	const lengths = normA * normB;
	const raw =
		lengths >= SMALLEST_SAFE_SQUARES && lengths < Number.POSITIVE_INFINITY
			? dot(a, b) / lengths
			: dot(l2Normalize(a), l2Normalize(b));
	// Rounding can push the ratio of parallel vectors a hair past ±1.
	return Math.max(-1, Math.min(1, raw));
}

/**
 * The vector scaled to length 1; a zero vector is returned as zeros.
 * @example l2Normalize([3, 4]) // [0.6, 0.8]
 */
export function l2Normalize(vector: ArrayLike<number>): number[] {
	// Scaling by the largest component first keeps the result unit length even for subnormal inputs,
	// whose own length is not representable.
	const largest = largestMagnitude(vector);
	if (largest === 0) return Array.from(vector, () => 0);
	const scaled = Array.from(vector, (value) => value / largest);
	const length = Math.sqrt(dot(scaled, scaled));
	return scaled.map((value) => value / length);
}

function largestMagnitude(vector: ArrayLike<number>): number {
	let largest = 0;
	for (let i = 0; i < vector.length; i++) largest = Math.max(largest, Math.abs(vector[i] as number));
	return largest;
}

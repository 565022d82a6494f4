/**
 * Small vector helpers shared by the embedders, the exact index, associations and distillation.
 * Vectors are plain number arrays; a zero vector has no direction, so its cosine with anything is 0.
 */

/** Dot product of two vectors of the same length. */
export function dot(a: readonly number[], b: readonly number[]): number {
	let sum = 0;
	for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
	return sum;
}

/** Euclidean (L2) length of a vector. */
export function norm(vector: readonly number[]): number {
	return Math.sqrt(dot(vector, vector));
}

/**
 * Cosine similarity in [-1, 1]; 0 when either vector is all zeros.
 * @example cosineSimilarity([1, 0], [1, 1]) // 0.7071…
 */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
	const lengths = norm(a) * norm(b);
	if (lengths === 0) return 0;
	// Rounding can push the ratio of parallel vectors a hair past ±1.
	return Math.max(-1, Math.min(1, dot(a, b) / lengths));
}

/**
 * The vector scaled to length 1; a zero vector is returned as zeros.
 * @example l2Normalize([3, 4]) // [0.6, 0.8]
 */
export function l2Normalize(vector: readonly number[]): number[] {
	const length = norm(vector);
	return length === 0 ? vector.map(() => 0) : vector.map((value) => value / length);
}

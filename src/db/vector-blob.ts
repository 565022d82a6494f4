import { Buffer } from "node:buffer";

/**
 * How the local pattern index stores a vector in D1: its values as Float32 little-endian bytes in a BLOB
 * (4 bytes a dimension), so reading one back is a typed-array view over its bytes, not a parse of
 * hundreds of decimal numbers.
 * Little-endian is the byte order of every platform Workers run on, and the order a Float32Array uses there.
 * Rows written before migration 0005 hold a JSON array of numbers as TEXT; they still decode.
 */

/** The vector as Float32 bytes. */
export function encodeVector(values: ArrayLike<number>): Uint8Array {
	return new Uint8Array(Float32Array.from(values).buffer);
}

/**
 * The values of a stored vector: a Float32Array over its bytes, given as a hex string (what SQLite's
 * `hex(vector)` returns), an array of byte values (how D1 returns a BLOB), an ArrayBuffer or a byte view;
 * or the numbers of a JSON array written before migration 0005. Throws on anything else, or on a byte
 * count that is not a whole number of floats.
 */
export function decodeVector(stored: unknown): Float32Array | number[] {
	if (typeof stored === "string" && stored.startsWith("[")) return JSON.parse(stored) as number[];
	const bytes = typeof stored === "string" ? Buffer.from(stored, "hex") : storedBytes(stored);
	if (bytes.byteLength % Float32Array.BYTES_PER_ELEMENT !== 0) {
		throw new RangeError(`a stored vector of ${bytes.byteLength} bytes is not a whole number of floats`);
	}
	// A view needs a 4-byte-aligned offset; bytes borrowed from a larger buffer may not have one.
	const aligned = bytes.byteOffset % Float32Array.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
	return new Float32Array(
		aligned.buffer,
		aligned.byteOffset,
		aligned.byteLength / Float32Array.BYTES_PER_ELEMENT,
	);
}

function storedBytes(stored: unknown): Uint8Array {
	if (stored instanceof ArrayBuffer) return new Uint8Array(stored);
	if (ArrayBuffer.isView(stored)) return new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
	if (Array.isArray(stored)) return Uint8Array.from(stored as number[]);
	throw new TypeError(`a stored vector must be bytes or a JSON array, not ${typeof stored}`);
}

import { Buffer } from "node:buffer";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeVector, encodeVector } from "../../../src/db/vector-blob";

const float32 = fc.float({ noNaN: true, noDefaultInfinity: true });

/** The forms a stored vector reaches the Worker in: D1's array of byte values, and `hex()` text. */
const storedForms = (bytes: Uint8Array) => ({
	"byte array": Array.from(bytes),
	ArrayBuffer: bytes.slice().buffer,
	"hex text": Buffer.from(bytes).toString("hex").toUpperCase(),
});

describe("vector blobs", () => {
	it("round-trips every Float32 value exactly, from each stored form", () => {
		fc.assert(
			fc.property(fc.array(float32, { maxLength: 64 }), (values) => {
				const bytes = encodeVector(values);
				expect(bytes.byteLength).toBe(values.length * 4);
				for (const stored of Object.values(storedForms(bytes))) {
					expect(Array.from(decodeVector(stored))).toEqual(values);
				}
			}),
		);
	});

	it("stores little-endian Float32 bytes", () => {
		// 1.0f is 0x3f800000; little-endian puts its low byte first.
		expect(Array.from(encodeVector([1, -2]))).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
	});

	it("rounds doubles to the nearest float", () => {
		const [decoded] = decodeVector(encodeVector([0.1]));
		expect(decoded).toBe(Math.fround(0.1));
	});

	it("decodes bytes borrowed at an unaligned offset", () => {
		const padded = new Uint8Array(9);
		padded.set(encodeVector([0.5, 4]), 1);
		expect(Array.from(decodeVector(padded.subarray(1)))).toEqual([0.5, 4]);
	});

	it("still reads a JSON array written before migration 0005", () => {
		expect(decodeVector("[0.25,-1,3.5]")).toEqual([0.25, -1, 3.5]);
	});

	it("refuses bytes that are not a whole number of floats, and values that are not vectors", () => {
		expect(() => decodeVector([1, 2, 3])).toThrow(RangeError);
		expect(() => decodeVector(42)).toThrow(TypeError);
	});
});

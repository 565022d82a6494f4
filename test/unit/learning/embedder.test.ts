import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	checkedVectors,
	createHashingEmbedder,
	EmbeddingError,
	embedInBatches,
	HASHING_EMBEDDER_MODEL,
	textFeatures,
} from "../../../src/learning/embedder";
import { cosineSimilarity, norm } from "../../../src/learning/vector-math";

const HEAT_PUMPS = "How do air-source heat pumps perform in cold climates?";

describe("hashing embedder", () => {
	it("is deterministic across calls and instances, with unit-length vectors of the configured size", async () => {
		const [first] = await createHashingEmbedder().embed([HEAT_PUMPS]);
		const [again] = await createHashingEmbedder().embed([HEAT_PUMPS]);
		expect(first).toEqual(again);
		expect(first).toHaveLength(384);
		expect(norm(first ?? [])).toBeCloseTo(1, 12);

		const small = createHashingEmbedder({ dimensions: 64 });
		expect(small).toMatchObject({ model: HASHING_EMBEDDER_MODEL, dimensions: 64 });
		expect((await small.embed([HEAT_PUMPS]))[0]).toHaveLength(64);
	});

	it("places reworded tasks near each other and unrelated tasks near zero", async () => {
		const embedder = createHashingEmbedder();
		const [task, reworded, paraphrase, fasting, rust] = await embedder.embed([
			HEAT_PUMPS,
			"Heat pump performance in cold climates",
			"How well do heat pumps work in very cold weather?",
			"What are the health effects of intermittent fasting?",
			"Compare Rust and Go for building web servers",
		]);
		const similarity = (a?: number[], b?: number[]) => cosineSimilarity(a ?? [], b ?? []);
		expect(similarity(task, reworded)).toBeGreaterThan(0.4);
		expect(similarity(task, paraphrase)).toBeGreaterThan(0.3);
		for (const unrelated of [fasting, rust]) {
			expect(Math.abs(similarity(task, unrelated))).toBeLessThan(0.1);
			expect(Math.abs(similarity(reworded, unrelated))).toBeLessThan(0.1);
		}
	});

	it("ignores case, punctuation and Unicode compatibility forms", async () => {
		const [a, b, c] = await createHashingEmbedder().embed([
			"Heat pumps, cold climates!",
			"heat PUMPS cold climates",
			"ｈｅａｔ pumps cold climates",
		]);
		expect(b).toEqual(a);
		expect(c).toEqual(a);
	});

	it("keeps word order through bigrams only", async () => {
		const [forward, backward] = await createHashingEmbedder().embed([
			"cold climates heat pumps",
			"heat pumps cold climates",
		]);
		const similarity = cosineSimilarity(forward ?? [], backward ?? []);
		expect(similarity).toBeGreaterThan(0.85);
		expect(similarity).toBeLessThan(1);
	});

	it("gives a text without words the zero vector, and one of only stop words a real one", async () => {
		const [empty, punctuation, stopWords] = await createHashingEmbedder().embed(["", "?! …", "what is it"]);
		expect(empty?.every((value) => value === 0)).toBe(true);
		expect(punctuation?.every((value) => value === 0)).toBe(true);
		expect(norm(stopWords ?? [])).toBeCloseTo(1, 12);
	});

	it("returns finite vectors of length 0 or 1 for any text", async () => {
		const embedder = createHashingEmbedder({ dimensions: 32 });
		await fc.assert(
			fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 200 }), async (text) => {
				const [vector] = await embedder.embed([text]);
				expect(vector).toHaveLength(32);
				expect(vector?.every(Number.isFinite)).toBe(true);
				const length = norm(vector ?? []);
				expect(length === 0 || Math.abs(length - 1) < 1e-9).toBe(true);
			}),
			{ numRuns: 200 },
		);
	});

	it("refuses dimensions that are not a positive integer", () => {
		for (const dimensions of [0, -3, 2.5, Number.NaN]) {
			expect(() => createHashingEmbedder({ dimensions })).toThrow(RangeError);
		}
	});
});

describe("textFeatures", () => {
	it("weighs words 1, adjacent word pairs 0.5 and each word's character 3–5-grams 1 in total", () => {
		const features = textFeatures("The heat pumps");
		expect(features.get("w:heat")).toBe(1);
		expect(features.get("w:pumps")).toBe(1);
		expect(features.has("w:the")).toBe(false);
		expect(features.get("b:heat pumps")).toBe(0.5);
		// "<heat>" has four 3-grams, three 4-grams and two 5-grams.
		expect(features.get("c:<he")).toBeCloseTo(1 / 9, 12);
		expect(features.get("c:heat>")).toBeCloseTo(1 / 9, 12);
		const charWeight = [...features]
			.filter(([key]) => key.startsWith("c:"))
			.reduce((sum, [, w]) => sum + w, 0);
		expect(charWeight).toBeCloseTo(2, 12);
	});

	it("gives a one-letter word its own character gram", () => {
		expect(textFeatures("x").get("c:<x>")).toBe(1);
	});
});

describe("embedding helpers", () => {
	it("calls the service once per batch, in order", async () => {
		const batches: string[][] = [];
		const vectors = await embedInBatches(["a", "b", "c", "d", "e"], 2, async (batch) => {
			batches.push(batch);
			return batch.map((text) => [text.charCodeAt(0)]);
		});
		expect(batches).toEqual([["a", "b"], ["c", "d"], ["e"]]);
		expect(vectors).toEqual([[97], [98], [99], [100], [101]]);
	});

	it("normalizes a good answer and refuses missing, short or non-finite vectors", () => {
		expect(checkedVectors("Svc", [[3, 4]], 1, 2)).toEqual([[0.6, 0.8]]);
		expect(() => checkedVectors("Svc", [[3, 4]], 2, 2)).toThrow(EmbeddingError);
		expect(() => checkedVectors("Svc", [undefined], 1, 2)).toThrow(/Svc returned embedding 0 with 0 values/);
		expect(() => checkedVectors("Svc", [[1, Number.NaN]], 1, 2)).toThrow(EmbeddingError);
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BM25_B, BM25_K1, buildIndex, inverseDocumentFrequency, score } from "../../../src/providers/bm25";
import { tokenize } from "../../../src/providers/text";

const corpus = [
	"Solar panels convert sunlight into electricity on rooftops.",
	"Heat pumps keep working in cold climates; cold-climate heat pumps hold their output at -15 °C.",
	"Wind turbines produce more power in winter, when heating demand is high.",
	"Gas boilers burn fuel to heat water for radiators.",
].map(tokenize);

describe("buildIndex", () => {
	it("records passage count, lengths, average length and postings", () => {
		const index = buildIndex([["heat", "pump", "heat"], ["solar"]]);
		expect(index.passageCount).toBe(2);
		expect(index.lengths).toEqual([3, 1]);
		expect(index.averageLength).toBe(2);
		expect(index.postings.get("heat")).toEqual([{ passage: 0, termFrequency: 2 }]);
		expect(index.postings.get("solar")).toEqual([{ passage: 1, termFrequency: 1 }]);
	});

	it("is empty for no passages", () => {
		const index = buildIndex([]);
		expect(index.passageCount).toBe(0);
		expect(index.averageLength).toBe(0);
		expect(score(index, ["heat"])).toEqual([]);
	});
});

describe("inverseDocumentFrequency", () => {
	it("is ln(1 + (N − df + 0.5) / (df + 0.5))", () => {
		const index = buildIndex([["a", "b"], ["a"], ["a", "c"], ["d"]]);
		expect(inverseDocumentFrequency(index, "a")).toBeCloseTo(Math.log(1 + 1.5 / 3.5), 12);
		expect(inverseDocumentFrequency(index, "b")).toBeCloseTo(Math.log(1 + 3.5 / 1.5), 12);
		expect(inverseDocumentFrequency(index, "zzz")).toBeCloseTo(Math.log(1 + 4.5 / 0.5), 12);
	});

	it("falls as a term gets more common and stays positive", () => {
		const index = buildIndex([["a", "b"], ["a", "b"], ["a"]]);
		expect(inverseDocumentFrequency(index, "b")).toBeGreaterThan(inverseDocumentFrequency(index, "a"));
		expect(inverseDocumentFrequency(index, "a")).toBeGreaterThan(0);
	});
});

describe("score", () => {
	it("ranks the passage about the query first", () => {
		const scores = score(buildIndex(corpus), tokenize("heat pumps in cold climates"));
		const best = scores.indexOf(Math.max(...scores));
		expect(best).toBe(1);
		expect(scores[0]).toBe(0);
	});

	it("matches the BM25 formula with k1 = 1.2 and b = 0.75", () => {
		const index = buildIndex([["solar"], ["heat", "pump"]]);
		const idf = Math.log(1 + 1.5 / 1.5);
		const norm = BM25_K1 * (1 - BM25_B + (BM25_B * 2) / 1.5);
		expect(score(index, ["pump"])[1]).toBeCloseTo((idf * (BM25_K1 + 1)) / (1 + norm), 12);
		expect(score(index, ["pump"])[0]).toBe(0);
	});

	it("prefers the shorter passage at equal term frequency", () => {
		const scores = score(
			buildIndex([["heat", "pump"], ["heat", "pump", "boiler", "gas", "water"], ["solar"]]),
			["pump"],
		);
		expect(scores[0]).toBeGreaterThan(scores[1] ?? 0);
	});

	it("counts a repeated query term once", () => {
		const index = buildIndex(corpus);
		expect(score(index, ["heat", "heat", "pump"])).toEqual(score(index, ["heat", "pump"]));
	});

	it("gives every passage a score that is zero exactly when it shares no query term", () => {
		const tokenLists = fc.array(
			fc.array(fc.constantFrom<string>("a", "b", "c", "d", "e"), { maxLength: 8 }),
			{
				minLength: 1,
				maxLength: 12,
			},
		);
		fc.assert(
			fc.property(
				tokenLists,
				fc.array(fc.constantFrom("a", "b", "x"), { maxLength: 4 }),
				(passages, query) => {
					const scores = score(buildIndex(passages), query);
					expect(scores).toHaveLength(passages.length);
					passages.forEach((tokens, i) => {
						const shares = query.some((term) => tokens.includes(term));
						expect((scores[i] ?? 0) > 0).toBe(shares);
					});
				},
			),
		);
	});
});

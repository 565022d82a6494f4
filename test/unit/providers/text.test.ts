import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	MAX_SENTENCE_CHARS,
	MIN_SENTENCE_CHARS,
	STOPWORDS,
	splitSentences,
	stem,
	tokenize,
	wordsOf,
} from "../../../src/providers/text";

const texts = (text: string) => splitSentences(text).map((sentence) => sentence.text);

describe("splitSentences", () => {
	it("splits prose into sentences with exact offsets", () => {
		const text = "Heat pumps move heat from outside. They keep working below freezing in most tests.";
		const sentences = splitSentences(text);
		expect(sentences).toEqual([
			{ text: "Heat pumps move heat from outside.", start: 0, end: 34 },
			{ text: "They keep working below freezing in most tests.", start: 35, end: 82 },
		]);
	});

	it("does not end a sentence at abbreviations, initials or decimals", () => {
		const text =
			"Some units, e.g. the ones tested by Dr. Berg, reached a COP of 3.5 in the U.S. Midwest last winter. " +
			"The second sentence starts here and is long enough.";
		expect(texts(text)).toEqual([
			"Some units, e.g. the ones tested by Dr. Berg, reached a COP of 3.5 in the U.S. Midwest last winter.",
			"The second sentence starts here and is long enough.",
		]);
	});

	it("does not end a sentence before a lowercase word", () => {
		expect(texts("Output rose approx. three times vs. the old model in cold weather.")).toHaveLength(1);
	});

	it("ends sentences at question and exclamation marks and closing quotes", () => {
		expect(
			texts('Does it work in the cold? "It does," said the engineer in charge! Then the data came.'),
		).toEqual(["Does it work in the cold?", '"It does," said the engineer in charge!']);
	});

	it("treats list items and short lines as their own passages, and drops headings", () => {
		const text = [
			"# Cold climate performance notes",
			"- Air-source units lose capacity below -15 °C",
			"- Ground-source units keep a stable output all year",
			"1. Backup heaters are sized for the coldest week",
		].join("\n");
		expect(texts(text)).toEqual([
			"- Air-source units lose capacity below -15 °C",
			"- Ground-source units keep a stable output all year",
			"1. Backup heaters are sized for the coldest week",
		]);
	});

	it("joins hard-wrapped prose lines into one sentence", () => {
		const text =
			"Field trials in Norway showed that modern air-source heat pumps\nkeep a seasonal COP above 2.5 even in the coldest regions.";
		expect(texts(text)).toEqual([text]);
	});

	it("breaks at blank lines even without punctuation", () => {
		expect(
			texts("A paragraph without a final period at all\n\nAnother paragraph that also has none"),
		).toEqual(["A paragraph without a final period at all", "Another paragraph that also has none"]);
	});

	it("drops short fragments and fragments without letters", () => {
		expect(texts("Too short. 12345 67890 12345 67890 12345. This one is long enough to keep.")).toEqual([
			"This one is long enough to keep.",
		]);
		expect(splitSentences("")).toEqual([]);
		expect(splitSentences("   \n\n  ")).toEqual([]);
	});

	it("cuts very long runs at whitespace", () => {
		const text = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");
		const sentences = splitSentences(text);
		expect(sentences.length).toBeGreaterThan(1);
		for (const sentence of sentences) expect(sentence.text.length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
		expect(sentences.map((sentence) => sentence.text).join(" ")).toBe(text);
	});

	it("returns exact, trimmed, ordered, non-overlapping slices for any text", () => {
		const pieces = fc.constantFrom(
			"Heat pumps",
			" work ",
			"e.g.",
			" U.S. ",
			"3.5",
			". ",
			"? ",
			"!",
			"\n",
			"\n\n",
			"- ",
			"1. ",
			"Dr. ",
			"»",
			"é",
			"  ",
			"the cold climate performance of air-source units",
		);
		const documents = fc.oneof(
			fc.string({ maxLength: 300 }),
			fc.array(pieces, { maxLength: 60 }).map((p) => p.join("")),
		);
		fc.assert(
			fc.property(documents, (text) => {
				let previousEnd = 0;
				for (const sentence of splitSentences(text)) {
					expect(text.slice(sentence.start, sentence.end)).toBe(sentence.text);
					expect(sentence.text).toBe(sentence.text.trim());
					expect(sentence.text.length).toBeGreaterThanOrEqual(MIN_SENTENCE_CHARS);
					expect(sentence.text).toMatch(/\p{L}/u);
					expect(sentence.start).toBeGreaterThanOrEqual(previousEnd);
					previousEnd = sentence.end;
				}
			}),
		);
	});
});

describe("tokenize", () => {
	it("lowercases, drops stopwords and one-letter words, and stems", () => {
		expect(tokenize("The pumps were heating homes")).toEqual(["pump", "heat", "home"]);
		expect(tokenize("A b C of and the")).toEqual([]);
	});

	it("makes singular and plural, -ing and -ed forms meet", () => {
		expect(new Set(tokenize("pump pumps pumping pumped"))).toEqual(new Set(["pump"]));
		expect(new Set(tokenize("increase increases increased increasing"))).toEqual(new Set(["increas"]));
		expect(new Set(tokenize("battery batteries"))).toEqual(new Set(["battery"]));
	});

	it("keeps numbers whole, including decimals and single digits", () => {
		expect(tokenize("COP of 3.5 at 7 degrees and 1,200 units")).toEqual([
			"cop",
			"3.5",
			"7",
			"degre",
			"1,200",
			"unit",
		]);
	});

	it("keeps non-Latin words", () => {
		expect(tokenize("Wärmepumpen und Kälte")).toEqual(["wärmepumpen", "und", "kält"]);
	});

	it("never returns a stopword or an empty token", () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 200 }), (text) => {
				for (const token of tokenize(text)) {
					expect(token.length).toBeGreaterThan(0);
					expect(STOPWORDS.has(token)).toBe(false);
				}
			}),
		);
	});
});

describe("stem", () => {
	it.each([
		["pumps", "pump"],
		["boxes", "box"],
		["classes", "class"],
		["studies", "study"],
		["status", "status"],
		["analysis", "analysis"],
		["heating", "heat"],
		["planned", "plan"],
		["installed", "install"],
		["running", "run"],
		["string", "string"],
		["speed", "speed"],
		["increase", "increas"],
		["gas", "gas"],
		["2020s", "2020"],
	])("%s → %s", (word, expected) => {
		expect(stem(word)).toBe(expected);
	});
});

describe("wordsOf", () => {
	it("keeps case and number punctuation", () => {
		expect(wordsOf("COP of 3.5, at 1,200 m.")).toEqual(["COP", "of", "3.5", "at", "1,200", "m"]);
	});
});

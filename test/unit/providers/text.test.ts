import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { STOPWORDS } from "../../../src/lib/stop-words";
import {
	MAX_SENTENCE_CHARS,
	MIN_CLAIM_WORDS,
	type Segment,
	type SegmentKind,
	sameWord,
	segmentText,
	shortenAtBoundary,
	splitSentences,
	stem,
	tokenize,
	withoutTrailingMarkers,
	wordsOf,
} from "../../../src/providers/text";

const texts = (text: string) => splitSentences(text).map((sentence) => sentence.text);
const kinds = (text: string) => segmentText(text).map((segment) => [segment.kind, segment.text]);
const kindOf = (text: string): SegmentKind | undefined => segmentText(text)[0]?.kind;

/** Text made of pieces that trouble segmenters: markers, abbreviations, decimals, list and table syntax. */
const piece = fc.constantFrom(
	"Heat pumps",
	" work ",
	"e.g.",
	" U.S. ",
	"3.5",
	". ",
	"? ",
	"!",
	"…",
	"\n",
	"\n\n",
	"\r\n",
	"- ",
	"1. ",
	"# ",
	"| a | b |",
	"\t",
	"Dr. ",
	"et al. ",
	"[5]",
	"[5][6]",
	"^12",
	"¹²",
	"(Smith et al., 2019)",
	"Figure 3: ",
	"Keywords: ",
	"This ",
	"It ",
	"»",
	"é",
	"  ",
	"\u00a0",
	"the cold climate performance of air-source units",
	"Air-source heat pumps keep a seasonal COP above 2.5 in cold regions.",
);
const documents = fc.oneof(
	fc.string({ maxLength: 300 }),
	fc.array(piece, { maxLength: 80 }).map((pieces) => pieces.join("")),
);

/** Asserts that segments are exact, trimmed, in order, disjoint, and leave only whitespace between them. */
function expectCover(text: string, segments: readonly Segment[]): void {
	let covered = 0;
	for (const segment of segments) {
		expect(text.slice(segment.start, segment.end)).toBe(segment.text);
		expect(segment.text.length).toBeGreaterThan(0);
		expect(segment.text).toBe(segment.text.trim());
		expect(segment.start).toBeGreaterThanOrEqual(covered);
		expect(text.slice(covered, segment.start).trim()).toBe("");
		covered = segment.end;
	}
	expect(text.slice(covered).trim()).toBe("");
}

describe("segmentText", () => {
	it("gives every unit its kind, with exact offsets", () => {
		const text = "## Results\nHeat pumps kept homes warm at -20 °C in every trial.";
		expect(segmentText(text)).toEqual([
			{ text: "## Results", start: 0, end: 10, kind: "heading", paragraph: 0 },
			{
				text: "Heat pumps kept homes warm at -20 °C in every trial.",
				start: 11,
				end: 63,
				kind: "sentence",
				paragraph: 1,
			},
		]);
	});

	it("does not end or cut a sentence at footnote and reference markers", () => {
		const text =
			"Structural variants include deletions, insertions[5] inversions,[5] and duplications.[6] " +
			"Most arise during replication (Smith et al., 2019).[7][8] Rates differ by region^12 and by age.¹² " +
			"Repair pathways (Jones 2020) remove many of them before division.";
		expect(kinds(text)).toEqual([
			[
				"sentence",
				"Structural variants include deletions, insertions[5] inversions,[5] and duplications.[6]",
			],
			["sentence", "Most arise during replication (Smith et al., 2019).[7][8]"],
			["sentence", "Rates differ by region^12 and by age.¹²"],
			["sentence", "Repair pathways (Jones 2020) remove many of them before division."],
		]);
	});

	it("keeps bare footnote numbers after the final punctuation with their sentence", () => {
		const text =
			"Many U.S. adults report that they do not get enough sleep each night.3 Sleep needs change with age. " +
			"Adults need at least 7 hours of sleep a night in most studies.12,13 Memory suffers.";
		expect(kinds(text)).toEqual([
			["sentence", "Many U.S. adults report that they do not get enough sleep each night.3"],
			["fragment", "Sleep needs change with age."],
			["sentence", "Adults need at least 7 hours of sleep a night in most studies.12,13"],
			["fragment", "Memory suffers."],
		]);
		expect(texts(text)).toEqual([
			"Many U.S. adults report that they do not get enough sleep each night.",
			"Adults need at least 7 hours of sleep a night in most studies.",
		]);
		expect(texts("A heat pump reached a COP of 2.5 in the field trials.")).toEqual([
			"A heat pump reached a COP of 2.5 in the field trials.",
		]);
	});

	it("does not split at abbreviations, initials, decimals or et al.", () => {
		const text =
			"Some units, e.g. the ones tested by Dr. Berg, reached a COP of 3.5 in the U.S. Midwest last winter. " +
			"Output rose approx. 0.2 % vs. the old model, i.e. a small gain, as shown in Fig. 3 and No. 7 of the series. " +
			"Lee et al. reported similar results in 2021.";
		expect(texts(text)).toEqual([
			"Some units, e.g. the ones tested by Dr. Berg, reached a COP of 3.5 in the U.S. Midwest last winter.",
			"Output rose approx. 0.2 % vs. the old model, i.e. a small gain, as shown in Fig. 3 and No. 7 of the series.",
			"Lee et al. reported similar results in 2021.",
		]);
		// A capital P. is an initial, not the page abbreviation of "p. 12".
		expect(texts("The survey by Daniel P. Chapman found that many adults sleep too little.")).toHaveLength(1);
		expect(texts("The method is described on p. 12 of the report by the agency.")).toHaveLength(1);
	});

	it("ends a sentence after initials or etc. when a new sentence plainly starts", () => {
		expect(texts("Sales grew fastest in the U.S. The market in Europe grew more slowly that year.")).toEqual([
			"Sales grew fastest in the U.S.",
			"The market in Europe grew more slowly that year.",
		]);
		expect(texts("They sell pumps, boilers, tanks etc. In 2023 the firm opened a plant in Ohio.")).toEqual([
			"In 2023 the firm opened a plant in Ohio.",
		]);
	});

	it("keeps bulleted and numbered list items as units of their own, with their continuation lines", () => {
		const text = [
			"- Air-source units lose capacity below -15 °C in most field tests.",
			"* Ground-source units keep a stable output all year",
			"  because the ground stays warm.",
			"1. Backup heaters are sized for the coldest week of the year.",
			"2) Controls matter.",
			"(a) Noise limits apply in cities.",
		].join("\n");
		expect(kinds(text)).toEqual([
			["list-item", "- Air-source units lose capacity below -15 °C in most field tests."],
			["list-item", "* Ground-source units keep a stable output all year\n  because the ground stays warm."],
			["list-item", "1. Backup heaters are sized for the coldest week of the year."],
			["list-item", "2) Controls matter."],
			["list-item", "(a) Noise limits apply in cities."],
		]);
		expect(texts(text)).toEqual([
			"Air-source units lose capacity below -15 °C in most field tests.",
			"Ground-source units keep a stable output all year\n  because the ground stays warm.",
			"Backup heaters are sized for the coldest week of the year.",
		]);
	});

	it("marks Markdown, plain, Title Case and ALL CAPS headings", () => {
		const text = [
			"# Cold climate performance",
			"",
			"Introduction",
			"",
			"The Role Of Refrigerants In Modern Heat Pump Design For Cold Regions",
			"",
			"HEAT PUMP BASICS FOR HOMEOWNERS.",
			"",
			"Why heat pumps lose capacity:",
		].join("\n");
		expect(segmentText(text).map((segment) => segment.kind)).toEqual([
			"heading",
			"heading",
			"heading",
			"heading",
			"heading",
		]);
	});

	it("takes a Title Case line whose last period belongs to initials for a heading, not a sentence", () => {
		expect(kindOf("Before the Financial Crisis Inquiry Commission, Washington, D.C.")).toBe("heading");
		expect(kindOf("Statement of the Chairman Before the Senate Committee on Banking, Washington, D.C.")).toBe(
			"heading",
		);
		// A sentence that happens to end with initials stays a sentence.
		expect(kindOf("Heat pumps now heat more homes than gas boilers in the U.S.")).toBe("sentence");
		expect(kindOf("Smith was born in Washington, D.C.")).toBe("sentence");
	});

	it("keeps a sentence that names one person with a degree", () => {
		expect(kindOf("The study was led by Anne G. Wheaton, PhD, at the national agency.")).toBe("sentence");
		expect(kindOf("The institute moved its laboratories to Bethesda, MD, in the spring of 1938.")).toBe(
			"sentence",
		);
	});

	it("marks questions, captions and table rows", () => {
		expect(
			kindOf("Which degradation mechanism is primarily responsible for capacity fade in these cells?"),
		).toBe("question");
		expect(kindOf("Figure 3: Capacity versus cycle number at 25 °C for all twelve cells.")).toBe("caption");
		expect(kindOf("Table 2. Seasonal performance factors by region and year of installation.")).toBe(
			"caption",
		);
		expect(kindOf("Source: International Energy Agency, Heat Pump Report 2023.")).toBe("caption");
		expect(kindOf("![chart](https://example.org/chart.png)")).toBe("caption");
		const table =
			"| Cell | Capacity retained after 500 cycles |\n|---|---|\n| A | 95 % of its rated capacity |";
		expect(segmentText(table).map((segment) => segment.kind)).toEqual([
			"table-row",
			"table-row",
			"table-row",
		]);
		expect(kindOf("Region\tSPF 2021\tSPF 2022")).toBe("table-row");
	});

	it("marks keyword lines, consent text, share prompts, copyright lines and navigation as boilerplate", () => {
		const lines = [
			"Keywords: heat pumps; cold climate; coefficient of performance",
			"We use cookies to improve your experience on our website and to show you relevant content.",
			"By continuing to browse the site you agree to our use of cookies and similar tools.",
			"Highly recommended for you: our guide to the best heat pumps of the year.",
			"Share this article with your friends and colleagues on social media today.",
			"Click here to download the full report on heat pump performance in cold climates.",
			"© 2024 Example Media Group, all rights reserved in every territory worldwide.",
			"Copyright 2023 The Authors, published under a licence by Example Press.",
			"Read more about how heat pumps perform in the coldest regions of Europe.",
			"Learn more about the causes of heat islands and what cities can do.",
			"Yong Liu, MD1; Anne G. Wheaton, PhD1; Daniel P. Chapman, PhD1; Janet B. Croft, PhD1.",
			"Home › Energy › Heating › Heat pumps",
			"Subscribe to our newsletter for weekly updates on energy and climate research.",
			"Citation: Long WC, Swiney KM (2013) Effects of Ocean Acidification on Juvenile Crab. PLoS ONE 8(4): e60959.",
			"Smith J, Doe A. Heat pumps in cold climates. Energy Policy. 2019;12:1-10.",
			"Jones B. Sleep and health in adults, doi: 10.1000/xyz123, accessed in May of that year.",
		];
		for (const line of lines) expect(kindOf(line), line).toBe("boilerplate");
		expect(splitSentences(lines.join("\n\n"))).toEqual([]);
	});

	it("marks cut, unfinished and short text as fragments", () => {
		expect(kindOf("Heat pump sales in Europe rose sharply over the last three winters and…")).toBe(
			"fragment",
		);
		expect(
			kindOf(
				"Heat pump sales in Europe rose sharply over the last three winters while gas prices stayed high and",
			),
		).toBe("fragment");
		expect(kinds("Not every result was positive. Some households needed backup heat in January.")).toEqual([
			["fragment", "Not every result was positive."],
			["sentence", "Some households needed backup heat in January."],
		]);
		expect(kindOf("and the units kept working well below freezing in the trial.")).toBe("fragment");
		expect(kindOf("---")).toBe("fragment");
	});

	it("joins hard-wrapped lines of a paragraph, but not a heading line to the text below it", () => {
		const text =
			"Results\n" +
			"Field trials in Norway showed that modern air-source heat pumps\n" +
			"keep a seasonal COP above 2.5 even in the coldest regions.\n\nA second paragraph starts here with six words.";
		expect(kinds(text)).toEqual([
			["heading", "Results"],
			[
				"sentence",
				"Field trials in Norway showed that modern air-source heat pumps\nkeep a seasonal COP above 2.5 even in the coldest regions.",
			],
			["sentence", "A second paragraph starts here with six words."],
		]);
	});

	it("treats every line of text without blank lines (a web page) as its own block", () => {
		const text = "Heat pumps in cold climates\nAir-source heat pumps keep working at -15 °C in field tests.";
		expect(segmentText(text).map((segment) => [segment.kind, segment.paragraph])).toEqual([
			["heading", 0],
			["sentence", 1],
		]);
	});

	it("cuts runs of over MAX_SENTENCE_CHARS at whitespace into fragments", () => {
		const text = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");
		const segments = segmentText(text);
		expect(segments.length).toBeGreaterThan(1);
		for (const segment of segments) {
			expect(segment.kind).toBe("fragment");
			expect(segment.text.length).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
		}
		expect(segments.map((segment) => segment.text).join(" ")).toBe(text);
	});

	it("never loses, duplicates or reorders text, for any input", () => {
		fc.assert(
			fc.property(documents, (text) => {
				expectCover(text, segmentText(text));
			}),
			{ numRuns: 300 },
		);
	});
});

describe("splitSentences", () => {
	it("returns complete declarative sentences only, without the markers after them", () => {
		const text = [
			"# Capacity fade",
			"Which degradation mechanism is primarily responsible for capacity fade?",
			"Lithium plating occurs when cells are charged fast at low temperatures.[5][6]",
			"- Plating is reversible in part",
			"Keywords: lithium plating; ageing",
		].join("\n");
		expect(splitSentences(text)).toEqual([
			{
				text: "Lithium plating occurs when cells are charged fast at low temperatures.",
				start: 88,
				end: 159,
				lead: 159,
				paragraph: 2,
			},
		]);
	});

	it("joins a sentence that points back to the sentence before it in the same paragraph", () => {
		const text = "Heat pumps move heat from outside. They keep working below freezing in most tests.";
		expect(splitSentences(text)).toEqual([{ text, start: 0, end: 82, lead: 34, paragraph: 0 }]);
		expect(
			texts(
				"Lithium plating grows at low temperatures during fast charging. This accelerates capacity fade in cells. " +
					"It also raises the risk of internal short circuits in the cell.",
			),
		).toEqual([
			"Lithium plating grows at low temperatures during fast charging. This accelerates capacity fade in cells. " +
				"It also raises the risk of internal short circuits in the cell.",
		]);
	});

	it("leaves out a sentence that points back to nothing it can join", () => {
		expect(texts("# Ageing\nThis effect is strongest in cells stored at high charge.")).toEqual([]);
		expect(
			texts("Plating grows during fast charging in the cold.\n\nThis effect is strongest in full cells."),
		).toEqual(["Plating grows during fast charging in the cold."]);
		expect(texts('Does it work in the cold? "It does," said the engineer in charge of the trial!')).toEqual(
			[],
		);
	});

	it("keeps a sentence whose 'it' points forward", () => {
		expect(texts("It is widely accepted that heat accelerates ageing in most lithium-ion cells.")).toEqual([
			"It is widely accepted that heat accelerates ageing in most lithium-ion cells.",
		]);
	});

	it("returns exact, ordered, non-overlapping claims of at least MIN_CLAIM_WORDS words, for any input", () => {
		fc.assert(
			fc.property(documents, (text) => {
				let previousEnd = 0;
				for (const sentence of splitSentences(text)) {
					expect(text.slice(sentence.start, sentence.end)).toBe(sentence.text);
					expect(sentence.text).toBe(sentence.text.trim());
					expect(sentence.text).toMatch(/^(?:[*_]{1,2}|["“‘'])?[\p{Lu}\p{N}]/u);
					expect(sentence.text).toMatch(/[.!]["'”’)\]»]*$/u);
					expect(wordsOf(sentence.text).length).toBeGreaterThanOrEqual(MIN_CLAIM_WORDS);
					expect(sentence.lead).toBeGreaterThan(sentence.start);
					expect(sentence.lead).toBeLessThanOrEqual(sentence.end);
					expect(sentence.start).toBeGreaterThanOrEqual(previousEnd);
					previousEnd = sentence.end;
				}
			}),
			{ numRuns: 300 },
		);
	});
});

describe("withoutTrailingMarkers", () => {
	it.each([
		["COP fell to 2.2.[12]", "COP fell to 2.2."],
		["It rose.[5][6]", "It rose."],
		["It rose.^3", "It rose."],
		["It rose.²³", "It rose."],
		["It rose [5] later.", "It rose [5] later."],
	])("%s → %s", (text, expected) => {
		expect(withoutTrailingMarkers(text)).toBe(expected);
	});
});

describe("shortenAtBoundary", () => {
	it("leaves short text whole, collapsing whitespace", () => {
		expect(shortenAtBoundary("Heat pumps\n keep  working", 80)).toBe("Heat pumps keep working");
	});

	it("cuts at a clause boundary, never mid-word and never with an ellipsis", () => {
		expect(
			shortenAtBoundary(
				"Heat pump sales in Europe increased by 38% in 2022 and are forecast to double by 2030",
				60,
			),
		).toBe("Heat pump sales in Europe increased by 38% in 2022");
		expect(
			shortenAtBoundary(
				"Grid capacity is a further concern: widespread electrification raises peak demand",
				60,
			),
		).toBe("Grid capacity is a further concern");
	});

	it("does not cut between the items of a list", () => {
		expect(
			shortenAtBoundary(
				"Monitoring programmes in Scandinavia, Canada and the northern United States recorded thousands",
				80,
			),
		).toBe("Monitoring programmes in Scandinavia, Canada and the northern United States");
	});

	it("returns at most max characters that are a prefix of the text, for any text", () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 10, max: 120 }), (text, max) => {
				const label = shortenAtBoundary(text, max);
				const flat = text.replace(/\s+/gu, " ").trim();
				expect(label.length).toBeLessThanOrEqual(max);
				expect(flat.startsWith(label)).toBe(true);
				expect(label).not.toMatch(/…$/u);
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

describe("sameWord", () => {
	it.each<[string, string, boolean]>([
		["resistant", "resistanc", true],
		["mutat", "mutation", true],
		["product", "production", true],
		["pump", "pump", true],
		["heat", "heater", false],
		["cost", "coast", false],
		["resistanc", "respons", false],
	])("%s and %s: %s", (a, b, expected) => {
		expect(sameWord(a, b)).toBe(expected);
	});

	it("is reflexive and symmetric, for any stems", () => {
		fc.assert(
			fc.property(fc.stringMatching(/^[a-z]{0,12}$/), fc.stringMatching(/^[a-z]{0,12}$/), (a, b) => {
				expect(sameWord(a, a)).toBe(true);
				expect(sameWord(a, b)).toBe(sameWord(b, a));
			}),
		);
	});
});

describe("wordsOf", () => {
	it("keeps case and number punctuation", () => {
		expect(wordsOf("COP of 3.5, at 1,200 m.")).toEqual(["COP", "of", "3.5", "at", "1,200", "m"]);
	});
});

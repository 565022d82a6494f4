import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyzeTask, classifyTask, complexityForDepth, extractKeywords } from "../../../src/swarm/analyzer";

describe("complexityForDepth", () => {
	it.each([
		[1, "low"],
		[3, "low"],
		[4, "medium"],
		[6, "medium"],
		[7, "high"],
		[8, "high"],
		[9, "very-high"],
		[10, "very-high"],
	] as const)("depth %i is %s", (depth, complexity) => {
		expect(complexityForDepth(depth)).toBe(complexity);
	});

	it.each([0, 11, -1, 5.5, Number.NaN])("rejects depth %s", (depth) => {
		expect(() => complexityForDepth(depth)).toThrow(RangeError);
	});
});

describe("classifyTask", () => {
	it.each([
		["Implement a TypeScript function that parses dates", "code"],
		["Why does my Python library fail to compile?", "code"],
		["Compare PostgreSQL versus MySQL for write-heavy loads", "analysis"],
		["What are the pros and cons of remote work?", "analysis"],
		["Analyse the trade-offs of nuclear power", "analysis"],
		["Summarise the literature review on sleep and memory", "synthesis"],
		["Give an overview of CRISPR research", "synthesis"],
		["How do heat pumps perform in cold climates?", "research"],
		["", "research"],
	] as const)("%j is %s", (task, taskType) => {
		expect(classifyTask(task)).toBe(taskType);
	});

	it("is case-insensitive", () => {
		expect(classifyTask("COMPARE THE OPTIONS")).toBe("analysis");
	});

	it("matches cues on word boundaries only", () => {
		// "decode" and "barcodes" contain the code cue "code" without being the word.
		expect(classifyTask("How do bees decode waggle dances for survival?")).toBe("research");
		expect(classifyTask("The history of barcodes")).toBe("research");
	});

	it("lets the type with most cue hits win", () => {
		// one analysis cue (compare) against three code cues (python, library, api)
		expect(classifyTask("Compare the Python library API")).toBe("code");
	});

	it("breaks ties in the order analysis, synthesis, code", () => {
		expect(classifyTask("Compare and summarize")).toBe("analysis");
		expect(classifyTask("Summarize the bug reports")).toBe("synthesis");
		expect(classifyTask("Evaluate the Python options")).toBe("analysis");
	});
});

/** Free text mixing stopwords, content words, odd casing, punctuation and random characters. */
const taskText = fc
	.array(
		fc.oneof(
			fc.constantFrom("the", "and", "Heat", "PUMPS", "solid-state", "it's", "don’t", "a", "co2", "?", "—"),
			fc.string({ maxLength: 10 }),
		),
		{ maxLength: 40 },
	)
	.map((words) => words.join(" "));

describe("extractKeywords", () => {
	it("drops stopwords and short words, lowercases, orders by frequency then first occurrence", () => {
		expect(extractKeywords("Heat pumps in cold climates: do HEAT pumps work? Heat!")).toEqual([
			"heat",
			"pumps",
			"cold",
			"climates",
			"work",
		]);
	});

	it("keeps hyphenated words together", () => {
		expect(extractKeywords("solid-state batteries")).toEqual(["solid-state", "batteries"]);
	});

	it("returns at most 12 keywords", () => {
		const words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november";
		expect(extractKeywords(words)).toHaveLength(12);
		expect(extractKeywords(words).at(-1)).toBe("lima");
	});

	it("returns nothing for a task made of stopwords", () => {
		expect(extractKeywords("What is it and how does it do that?")).toEqual([]);
	});

	it("always yields distinct lowercase words of length ≥ 3 that occur in the task", () => {
		fc.assert(
			fc.property(taskText, (task) => {
				const keywords = extractKeywords(task);
				expect(keywords.length).toBeLessThanOrEqual(12);
				expect(new Set(keywords).size).toBe(keywords.length);
				for (const word of keywords) {
					expect(word.length).toBeGreaterThanOrEqual(3);
					expect(word).toBe(word.toLowerCase());
					expect(task.toLowerCase().replaceAll("’", "'")).toContain(word);
				}
			}),
		);
	});
});

describe("analyzeTask", () => {
	it("without a depth, reads the complexity and depth from the task", () => {
		const analysis = analyzeTask("How do heat pumps perform in cold climates?");
		expect(analysis).toMatchObject({
			complexity: "medium",
			depth: 5,
			taskType: "research",
			keywords: ["heat", "pumps", "perform", "cold", "climates"],
			analysis: { basis: "task", questionType: "explanation" },
		});
		expect(analyzeTask("What is a mutex?")).toMatchObject({ complexity: "low", depth: 3 });
	});

	it("uses the given depth", () => {
		const analysis = analyzeTask("Summarize recent work on solid-state batteries", 9);
		expect(analysis.analysis.basis).toBe("request");
		expect(analysis.depth).toBe(9);
		expect(analysis.complexity).toBe("very-high");
		expect(analysis.taskType).toBe("synthesis");
	});

	it("rejects a depth outside 1–10", () => {
		expect(() => analyzeTask("anything", 12)).toThrow(/depth must be an integer from 1 to 10/);
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	answerCues,
	CAUSE_TERM,
	contentTerms,
	isAnswerCue,
	MAX_SUB_QUESTIONS,
	PEOPLE_TERM,
	QUANTITY_TERM,
	subQuestionsOf,
} from "../../../src/swarm/sub-questions";

const textsOf = (task: string) => subQuestionsOf(task).map((question) => question.text);

describe("subQuestionsOf", () => {
	it.each<[string, string[]]>([
		[
			"What mechanisms cause capacity fade in lithium-ion batteries, and which operating conditions accelerate it?",
			[
				"What mechanisms cause capacity fade in lithium-ion batteries?",
				"Which operating conditions accelerate it?",
			],
		],
		[
			"How do heat pumps perform in cold climates, and what limits their adoption?",
			["How do heat pumps perform in cold climates?", "What limits their adoption?"],
		],
		[
			"compare cost, grid impact and emissions of heat pumps vs gas boilers",
			[
				"Compare cost of heat pumps vs gas boilers",
				"Compare grid impact of heat pumps vs gas boilers",
				"Compare emissions of heat pumps vs gas boilers",
			],
		],
		[
			"Compare heat pumps and gas boilers in terms of cost, efficiency and emissions.",
			[
				"Compare heat pumps and gas boilers in terms of cost",
				"Compare heat pumps and gas boilers in terms of efficiency",
				"Compare heat pumps and gas boilers in terms of emissions",
			],
		],
		["How do heat pumps perform in cold climates?", ["How do heat pumps perform in cold climates?"]],
		[
			"What are the benefits and risks of geothermal energy?",
			["What are the benefits of geothermal energy?", "What are the risks of geothermal energy?"],
		],
		["What is CRISPR and how does it work?", ["What is CRISPR?", "How does it work?"]],
		["How and why do coral reefs bleach?", ["How and why do coral reefs bleach?"]],
		[
			"I am planning a cold-climate retrofit. What do heat pumps cost and how efficient are they?",
			["What do heat pumps cost?", "How efficient are they?"],
		],
		[
			"Research heat pumps:\n1. installation cost\n2. seasonal efficiency\n3. noise",
			[
				"Research heat pumps: installation cost",
				"Research heat pumps: seasonal efficiency",
				"Research heat pumps: noise",
			],
		],
		[
			"Evaluate solar panels: (1) cost per watt (2) degradation rate (3) recycling",
			[
				"Evaluate solar panels: cost per watt",
				"Evaluate solar panels: degradation rate",
				"Evaluate solar panels: recycling",
			],
		],
		[
			"What are the effects of temperature, humidity and cycling rate on capacity fade?",
			[
				"What are the effects of temperature on capacity fade?",
				"What are the effects of humidity on capacity fade?",
				"What are the effects of cycling rate on capacity fade?",
			],
		],
		["Which is better for a small office, Rust or Go?", ["Which is better for a small office, Rust or Go?"]],
		["Summarize recent work on solid-state batteries", ["Summarize recent work on solid-state batteries"]],
		[
			"Why did inflation rise in 2022; what did central banks do about it?",
			["Why did inflation rise in 2022?", "What did central banks do about it?"],
		],
		["Is nuclear power safe? What does it cost?", ["Is nuclear power safe?", "What does it cost?"]],
		[
			"How much energy do data centers use and how fast is demand growing?",
			["How much energy do data centers use?", "How fast is demand growing?"],
		],
		["heat pumps in cold climates", ["Heat pumps in cold climates"]],
		[
			"What role do subsidies play in heat pump adoption in Europe, the U.S. and China?",
			["What role do subsidies play in heat pump adoption in Europe, the U.S. and China?"],
		],
		[
			"Heat pumps vs gas boilers: which is cheaper to run, and which emits less CO2 over 15 years?",
			["Heat pumps vs gas boilers: which is cheaper to run?", "Which emits less CO2 over 15 years?"],
		],
		[
			"What is causing ocean acidification, how is it changing seawater chemistry, and how does it affect corals, shellfish and fish?",
			[
				"What is causing ocean acidification?",
				"How is it changing seawater chemistry?",
				"How does it affect corals?",
				"How does it affect shellfish?",
				"How does it affect fish?",
			],
		],
		["   ", []],
	])("%j", (task, expected) => {
		expect(textsOf(task)).toEqual(expected);
	});

	it("numbers the facets Q1, Q2, …", () => {
		expect(
			subQuestionsOf("What are the benefits and risks of geothermal energy?").map((question) => question.id),
		).toEqual(["Q1", "Q2"]);
	});

	it("gives a facet that builds on the first one the subject it refers to", () => {
		const [first, second] = subQuestionsOf(
			"What mechanisms cause capacity fade in lithium-ion batteries, and which operating conditions accelerate it?",
		);
		expect(first?.focus).toEqual([
			"mechanism",
			"caus",
			"capacity",
			"fade",
			"lithium",
			"ion",
			"battery",
			CAUSE_TERM,
		]);
		expect(second?.focus).toEqual(["operat", "condition", "accelerat"]);
		expect(second?.terms).toEqual([
			"operat",
			"condition",
			"accelerat",
			"caus",
			"capacity",
			"fade",
			"lithium",
			"ion",
			"battery",
		]);
	});

	it("gives each criterion of an enumeration its own focus and the shared subject", () => {
		const questions = subQuestionsOf("compare cost, grid impact and emissions of heat pumps vs gas boilers");
		expect(questions.map((question) => question.focus)).toEqual([
			["cost", "pric", "expens", "affordability"],
			["grid", "impact", "effect", "consequenc", "influenc"],
			["emission"],
		]);
		for (const question of questions) {
			expect(question.terms).toEqual(expect.arrayContaining(["heat", "pump", "gas", "boiler"]));
			expect(question.terms).not.toContain("compar");
		}
	});

	it("keeps the terms of independent questions apart", () => {
		const [first, second] = subQuestionsOf("Why did sales of EVs rise? Where are lithium mines opening?");
		expect(first?.terms).toEqual(["sale", "evs", "rise", CAUSE_TERM]);
		expect(second?.terms).toEqual(["lithium", "mine", "open"]);
	});

	it("takes another form of a shared word for the subject, not for what a facet adds", () => {
		const [, practices] = subQuestionsOf(
			"How do bacteria become resistant to antibiotics, and which human practices drive the spread of resistance?",
		);
		expect(practices?.focus).toEqual(["human", "practic", "driv", "spread", CAUSE_TERM]);
		expect(practices?.terms).toContain("resistanc");
	});

	it("asks for a quantity or a cause when the facet does", () => {
		const [need, short, why] = subQuestionsOf(
			"How much sleep do adults need, how many fall short, and why does short sleep harm health?",
		);
		expect(need?.focus).toContain(QUANTITY_TERM);
		expect(short?.focus).toContain(QUANTITY_TERM);
		expect(why?.focus).toContain(CAUSE_TERM);
		expect(why?.focus).not.toContain(QUANTITY_TERM);
	});

	it("asks for people when the facet asks who", () => {
		const [why, who] = subQuestionsOf(
			"Why are cities hotter than the countryside, and who is most affected by the extra heat?",
		);
		expect(who?.focus).toContain(PEOPLE_TERM);
		expect(why?.focus).not.toContain(PEOPLE_TERM);
		expect(subQuestionsOf("Which groups are most exposed to heat waves?")[0]?.focus).toContain(PEOPLE_TERM);
	});

	it("adds the terms of context sentences to every facet", () => {
		const questions = subQuestionsOf(
			"I am planning a cold-climate retrofit. What do heat pumps cost and how efficient are they?",
		);
		for (const question of questions) {
			expect(question.terms).toEqual(expect.arrayContaining(["cold", "climat", "retrofit"]));
		}
	});

	it("merges repeated facets and keeps at most MAX_SUB_QUESTIONS", () => {
		expect(textsOf("What does it cost? What does it cost?")).toEqual(["What does it cost?"]);
		const many = "Compare a1, b2, c3, d4, e5, f6, g7 and h8 of heat pumps";
		const questions = subQuestionsOf(many);
		expect(questions).toHaveLength(MAX_SUB_QUESTIONS);
		expect(questions.at(-1)?.text).toBe(
			"Compare f6 of heat pumps; Compare g7 of heat pumps; Compare h8 of heat pumps",
		);
	});

	it("is pure, and keeps every text within 300 characters with terms that are content words", () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 600 }), (task) => {
				const questions = subQuestionsOf(task);
				expect(subQuestionsOf(task)).toEqual(questions);
				expect(questions.length).toBeLessThanOrEqual(MAX_SUB_QUESTIONS);
				questions.forEach((question, index) => {
					expect(question.id).toBe(`Q${index + 1}`);
					expect(question.text.length).toBeLessThanOrEqual(300);
					expect(new Set(question.terms).size).toBe(question.terms.length);
					for (const term of question.focus) expect(question.terms).toContain(term);
				});
			}),
		);
	});
});

describe("answerCues", () => {
	it.each<[string, string[]]>([
		["More than a third of U.S. adults sleep less than seven hours a night.", [QUANTITY_TERM, PEOPLE_TERM]],
		["About 70 percent of bacteria in hospitals are resistant to at least one drug.", [QUANTITY_TERM]],
		["Sales rose sharply in 2022 because gas prices doubled.", [CAUSE_TERM]],
		["Cities are hotter due to asphalt, and 1.9 °C warmer on average.", [QUANTITY_TERM, CAUSE_TERM]],
		["The report was published in 2021 by the agency.", []],
		["Resistance is fostered by overuse, and opaque products amplified the losses.", [CAUSE_TERM]],
		["Heat harms older adults and outdoor workers the most.", [PEOPLE_TERM]],
	])("%s", (text, expected) => {
		expect(answerCues(text)).toEqual(expected);
		for (const cue of expected) expect(isAnswerCue(cue)).toBe(true);
	});
});

describe("contentTerms", () => {
	it("stems content words and drops instruction words", () => {
		expect(contentTerms("Compare the costs of heat pumps")).toEqual(["cost", "heat", "pump"]);
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	checkSupport,
	contradictionBetween,
	type SupportResult,
	type SupportVerdict,
	textFacts,
} from "../../../src/evidence/support";

const CELLS = "After 500 cycles, the cells had lost 20% of their capacity.";
const VACCINE = "The vaccine did not reduce hospital admissions among adults over 65.";
const REVENUE = "Net revenue rose 12 percent to $4.2 billion in the third quarter of 2023.";

function verdictOf(claim: string, evidence: readonly string[]): SupportVerdict {
	return checkSupport(claim, evidence).verdict;
}

function expectOneLine(result: SupportResult): void {
	expect(result.reason).not.toMatch(/\n/);
	expect(result.reason.length).toBeGreaterThan(0);
	expect(result.reason.length).toBeLessThan(200);
}

describe("checkSupport: the motivating case", () => {
	it("does not let an unrelated real quote carry an invented study", () => {
		const result = checkSupport(
			"A 2019 Argonne National Laboratory field study found that SEI growth accounts for 68 % of all capacity loss",
			["A protective layer forms on the anode surface."],
		);
		expect(result.verdict).toBe("unsupported");
		expect(result.hardFailure).toBe(true);
		expect(result.reason).toBe("the claim's 2019 and 68% do not appear in its quotes");
	});

	it("names the invented institution when the numbers are there", () => {
		const result = checkSupport(
			"A 2019 Argonne National Laboratory field study found that SEI growth accounts for 68% of all capacity loss",
			["In 2019, SEI growth accounted for 68% of all capacity loss in the cells we tested."],
		);
		expect(result).toMatchObject({
			verdict: "unsupported",
			hardFailure: true,
			reason: "names Argonne National Laboratory, which its quotes do not mention",
		});
	});
});

describe("checkSupport: no evidence (rule 6)", () => {
	it.each([[[]], [[""]], [["   ", "\n\t"]], [["…", "—"]]])("%j has no verbatim quote", (evidence) => {
		expect(checkSupport("Heat pumps work in cold climates.", evidence)).toEqual({
			verdict: "unsupported",
			reason: "no verbatim quote",
			hardFailure: true,
			coverage: 0,
		});
	});

	it("rejects a claim without words", () => {
		expect(checkSupport(" … ", [CELLS])).toMatchObject({ verdict: "unsupported", hardFailure: true });
	});
});

describe("checkSupport: identity (rule 1)", () => {
	it.each([
		["the quote itself", CELLS, [CELLS]],
		["other case and spacing", "after 500 CYCLES,  the cells had lost 20% of their capacity", [CELLS]],
		[
			"curly quotes and dashes",
			"The “fast” mode—used daily—wore the cells",
			['The "fast" mode-used daily-wore the cells.'],
		],
		["a phrase inside the quote", "the cells had lost 20% of their capacity", [CELLS]],
		[
			"the second of two quotes",
			"Inflation slowed to 3.1% in January",
			["Rates held.", "Inflation slowed to 3.1% in January."],
		],
		[
			"a sentence of a longer quote",
			"Costs fell sharply.",
			["Demand rose in spring. Costs fell sharply. Margins held."],
		],
	])("%s is supported as its own quote", (_, claim, evidence) => {
		const result = checkSupport(claim, evidence);
		expect(result).toEqual({
			verdict: "supported",
			reason: "the claim is its own quote",
			hardFailure: false,
			coverage: 1,
		});
	});

	it.each([
		[
			"a number cut from a longer number",
			"200 homes were fitted",
			["The trial fitted 1,200 homes were fitted"],
		],
		["a number cut from its sign", "15 °C at night", ["Temperatures fell to −15 °C at night."]],
		[
			"a phrase right after a negation",
			"reduce hospital admissions",
			["The vaccine did not reduce hospital admissions."],
		],
		["a word cut from a longer word", "ion cells degrade", ["Sodium-union cells degrade."]],
	])("%s is no identity", (_, claim, evidence) => {
		expect(checkSupport(claim, evidence).reason).not.toBe("the claim is its own quote");
	});
});

describe("textFacts: numbers", () => {
	it.each([
		["1,200 homes", 1200, null],
		["a COP of 3.5", 3.5, null],
		["68 %", 68, "%"],
		["68%", 68, "%"],
		["68 percent", 68, "%"],
		["68 per cent", 68, "%"],
		["−15 °C", -15, "°c"],
		["-15 °C", -15, "°c"],
		["+15 °C", 15, "°c"],
		["minus 15 degrees Celsius", -15, "°c"],
		["three trials", 3, null],
		["twenty-five sites", 25, null],
		["a dozen sites", 12, null],
		["two dozen sites", 24, null],
		["one hundred and five patients", 105, null],
		["2.5 million people", 2_500_000, null],
		["3 billion tonnes", 3e9, "t"],
		["$4.2 billion", 4.2e9, "$"],
		["$3bn", 3e9, "$"],
		["€12m", 12e6, "€"],
		["10k runners", 10_000, null],
		["in 2019", 2019, null],
		["450 kWh", 450, "kwh"],
		["a 5-year study", 5, "year"],
		["12 basis points", 12, "bp"],
		["2 percentage points", 2, "pp"],
		["3 times as many", 3, "x"],
		["72 °F", 72, "°f"],
		["at 2C", 2, "c"],
		["4,000 mAh", 4000, "mah"],
	])("%s → %d %s", (text, value, unit) => {
		expect(textFacts(text).quantities[0]).toMatchObject({ value, unit });
	});

	it("keeps the text each number came from", () => {
		expect(textFacts("Prices rose 5 % to $3bn in 2023.").quantities).toEqual([
			{ value: 5, unit: "%", text: "5 %" },
			{ value: 3e9, unit: "$", text: "$3bn" },
			{ value: 2023, unit: null, text: "2023" },
		]);
	});

	it("gives both ends of a range the unit and scale written once", () => {
		expect(textFacts("10-15% of sites").quantities.map((q) => [q.value, q.unit])).toEqual([
			[10, "%"],
			[15, "%"],
		]);
		expect(textFacts("between 2 and 3 million people").quantities.map((q) => q.value)).toEqual([2e6, 3e6]);
	});

	it("leaves digits inside codes and pronoun 'one' alone", () => {
		expect(textFacts("COVID-19 and SARS-CoV-2 in CO2 samples").quantities).toEqual([]);
		expect(textFacts("no one knew which one").quantities).toEqual([]);
		expect(textFacts("mid-2023").quantities).toMatchObject([{ value: 2023 }]);
	});
});

describe("textFacts: polarity, direction, names and content", () => {
	it.each([
		["The drug did not work.", true],
		["The drug didn't work.", true],
		["No patient improved.", true],
		["The trial failed to show a benefit.", true],
		["Sites were run without backup heat.", true],
		["Output is no longer rising.", true],
		["There was a lack of data.", true],
		["Not only did costs fall, emissions fell too.", false],
		["The drug worked whether or not it was taken with food.", false],
		["The drug worked.", false],
	])("%s → negated %s", (text, negated) => {
		expect(textFacts(text).negated).toBe(negated);
	});

	it.each([
		["Emissions rose sharply.", 1],
		["Emissions fell sharply.", -1],
		["Emissions did not rise.", -1],
		["Emissions rose while costs fell.", 0],
		["Emissions were flat.", 0],
	] as const)("%s → direction %d", (text, direction) => {
		expect(textFacts(text).direction).toBe(direction);
	});

	it("finds multi-word names, acronyms and codes but not the first word or capitals after a colon", () => {
		expect(
			textFacts(
				"Researchers at Argonne National Laboratory and NASA tracked COVID-19 in mRNA samples. Results: Capacity fell.",
			).names,
		).toEqual(["argonne national laboratory", "nasa", "covid 19", "mrna"]);
		expect(textFacts("Lithium cells fade. Heat pumps work.").names).toEqual([]);
		expect(textFacts("The University of Oxford and the Bank of England agreed.").names).toEqual([
			"university of oxford",
			"bank of england",
		]);
	});

	it("lists stemmed content words once, without numbers or unit words", () => {
		expect(textFacts("The pumps were heating 120 homes; pumps use 3 kWh.").content).toEqual([
			"pump",
			"heat",
			"home",
			"use",
		]);
	});
});

describe("checkSupport: numbers (rule 2)", () => {
	it.each([
		["digits with separators", "The trial fitted 1200 homes.", ["The trial fitted 1,200 homes."]],
		["spaced percent", "Losses reached 68%.", ["Losses reached 68 %."]],
		["percent as a word", "Losses reached 68%.", ["Losses reached 68 percent."]],
		["per cent", "Losses reached 68 percent.", ["Losses reached 68 per cent."]],
		["number words", "Three trials found a benefit.", ["3 trials found a benefit."]],
		["compound number words", "Twenty-five sites reported outages.", ["25 sites reported outages."]],
		["a dozen", "A dozen sites reported outages.", ["12 sites reported outages."]],
		["scaled numbers", "The grid added 2,500,000 customers.", ["The grid added 2.5 million customers."]],
		["trailing zeros", "Efficiency reached 3.50.", ["Efficiency reached 3.5."]],
		[
			"a bare number for a soft unit",
			"Adults over 65 years were enrolled.",
			["Adults over 65 were enrolled."],
		],
		["degrees for °C", "Homes stayed above 20 degrees Celsius.", ["Homes stayed above 20 °C."]],
	])("%s: supported", (_, claim, evidence) => {
		expect(verdictOf(claim, evidence)).toBe("supported");
	});

	it.each([
		["a missing number", "Capacity fell 20% after 500 cycles at 45 °C.", [CELLS], "unsupported", "45 °C"],
		[
			"a missing year",
			"A 2019 trial fitted 1,200 homes.",
			["The trial fitted 1,200 homes."],
			"unsupported",
			"2019",
		],
		[
			"a changed percentage",
			"After 500 cycles, the cells had lost 25% of their capacity.",
			[CELLS],
			"contradicted",
			"25%",
		],
		[
			"a changed count",
			"The trial fitted 1,300 homes.",
			["The trial fitted 1,200 homes."],
			"contradicted",
			"1,300",
		],
		[
			"a changed number word",
			"Four trials found a benefit.",
			["Three trials found a benefit."],
			"contradicted",
			"Four",
		],
		["a changed year", "Inflation peaked in 2021.", ["Inflation peaked in 2022."], "contradicted", "2021"],
		[
			"a dropped sign",
			"Temperatures fell to 15 °C.",
			["Temperatures fell to −15 °C."],
			"contradicted",
			"15 °C",
		],
		[
			"an added sign",
			"Temperatures fell to -15 °C.",
			["Temperatures fell to 15 °C."],
			"contradicted",
			"-15 °C",
		],
		[
			"a changed scale",
			"Revenue reached $4.2 million.",
			["Revenue reached $4.2 billion."],
			"contradicted",
			"$4.2 million",
		],
		["a changed unit", "Losses reached 68%.", ["Losses reached 68 cycles."], "unsupported", "68 cycles"],
		["°F for °C", "Homes stayed above 20 °F.", ["Homes stayed above 20 °C."], "unsupported", "20 °F"],
		["kWh for %", "Losses reached 68 kWh.", ["Losses reached 68%."], "unsupported", "68 kWh"],
	])("%s: %s", (_, claim, evidence, verdict, named) => {
		const result = checkSupport(claim, evidence);
		expect(result.verdict).toBe(verdict);
		expect(result.hardFailure).toBe(true);
		expect(result.reason).toContain(named);
		expectOneLine(result);
	});

	it("reads a footnote number after a period and a leading-point decimal", () => {
		expect(
			verdictOf("Poor sleep raises risk-taking, according to the NHLBI.4", [
				"Poor sleep raises risk-taking, according to the NHLBI.2",
			]),
		).not.toBe("supported");
		expect(textFacts("a ratio of .5 at version 1.2.3").quantities.map((q) => q.value)).toEqual([0.5, 1.2]);
	});

	it("says which number is missing in plain words", () => {
		expect(
			checkSupport("SEI growth accounts for 68% of capacity loss.", ["SEI growth drives capacity loss."])
				.reason,
		).toBe("the claim's 68% does not appear in its quotes");
	});
});

describe("checkSupport: negation and antonyms (rule 3)", () => {
	it.each([
		["inserted not", "The vaccine did not reduce admissions.", ["The vaccine reduced admissions."]],
		["deleted not", "The vaccine reduced admissions.", ["The vaccine did not reduce admissions."]],
		["n't", "The pumps didn't keep homes warm in January.", ["The pumps kept homes warm in January."]],
		["never", "The reactor never exceeded its rated power.", ["The reactor exceeded its rated power twice."]],
		["no", "Patients reported no side effects.", ["Patients reported side effects."]],
		[
			"without",
			"The cells were charged without active cooling.",
			["The cells were charged with active cooling."],
		],
		[
			"fails to",
			"The policy fails to cut emissions in the transport sector.",
			["The policy cut emissions in the transport sector."],
		],
		[
			"lack of",
			"Growth reflected a lack of investment in the grid.",
			["Growth reflected investment in the grid."],
		],
		["cannot", "The turbines cannot operate in icy conditions.", ["The turbines operate in icy conditions."]],
		["increase for decrease", "Costs increased after the merger.", ["Costs decreased after the merger."]],
		["rose for fell", "Emissions rose in the third quarter.", ["Emissions fell in the third quarter."]],
		[
			"higher for lower",
			"The treated group had a higher infection rate.",
			["The treated group had a lower infection rate."],
		],
		[
			"more for fewer",
			"More patients were readmitted after the change.",
			["Fewer patients were readmitted after the change."],
		],
		["above for below", "Output stayed above the forecast.", ["Output stayed below the forecast."]],
		[
			"gain for loss",
			"Investors booked a gain on the bond portfolio.",
			["Investors booked a loss on the bond portfolio."],
		],
		[
			"improve for worsen",
			"Air quality improved in the city centre.",
			["Air quality worsened in the city centre."],
		],
		["accelerate for slow", "Wage growth accelerated in the spring.", ["Wage growth slowed in the spring."]],
		[
			"strengthen for weaken",
			"The euro strengthened against the dollar.",
			["The euro weakened against the dollar."],
		],
		[
			"expand for contract",
			"The economy expanded in the fourth quarter.",
			["The economy contracted in the fourth quarter."],
		],
		[
			"positive for negative",
			"The trial reported positive results for the drug.",
			["The trial reported negative results for the drug."],
		],
		[
			"benefit for harm",
			"The screening programme brought clear benefit to older patients.",
			["The screening programme brought clear harm to older patients."],
		],
		[
			"success for failure",
			"The launch was a success for the agency.",
			["The launch was a failure for the agency."],
		],
		[
			"majority for minority",
			"A majority of voters backed the measure.",
			["A minority of voters backed the measure."],
		],
		[
			"maximum for minimum",
			"The maximum dose was used in the trial.",
			["The minimum dose was used in the trial."],
		],
		["before for after", "Symptoms appeared before vaccination.", ["Symptoms appeared after vaccination."]],
		[
			"warmer for colder",
			"Winters became warmer across the region.",
			["Winters became colder across the region."],
		],
		["safe for dangerous", "The compound is safe for children.", ["The compound is dangerous for children."]],
		[
			"effective for ineffective",
			"The antibiotic was effective against resistant strains.",
			["The antibiotic was ineffective against resistant strains."],
		],
		["able for unable", "Patients were able to walk unaided.", ["Patients were unable to walk unaided."]],
		["likely for unlikely", "A recession is likely next year.", ["A recession is unlikely next year."]],
		[
			"legal for illegal",
			"The practice is legal in most states.",
			["The practice is illegal in most states."],
		],
		[
			"support for oppose",
			"Most economists support the carbon tax.",
			["Most economists oppose the carbon tax."],
		],
		["cause for prevent", "The mutation causes tumour growth.", ["The mutation prevents tumour growth."]],
		["include for exclude", "The index includes energy prices.", ["The index excludes energy prices."]],
		["allow for prohibit", "The rules allow short selling.", ["The rules prohibit short selling."]],
		["win for lose", "The incumbent won the election.", ["The incumbent lost the election."]],
		[
			"at least for at most",
			"Each household missed at least one payment.",
			["Each household missed at most one payment."],
		],
		[
			"un- prefix",
			"The results were consistent across sites.",
			["The results were inconsistent across sites."],
		],
		["dis- prefix", "Most members agreed with the proposal.", ["Most members disagreed with the proposal."]],
		["non- prefix", "Smokers had a lower risk of stroke.", ["Non-smokers had a lower risk of stroke."]],
		[
			"a swap in a sentence using both sides",
			"Resistant microbes, a growing threat, are a decreasing public health problem.",
			["Resistant microbes, a growing threat, are an increasing public health problem."],
		],
		[
			"one of two same-side words swapped",
			"They garnered lower prices because the securities paid a higher coupon.",
			["They garnered higher prices because the securities paid a higher coupon."],
		],
		[
			"'not just' for 'just'",
			"Malaria and tuberculosis are not just a few of the diseases that resist treatment.",
			["Malaria and tuberculosis are just a few of the diseases that resist treatment."],
		],
		[
			"'only' for 'not only'",
			"The bacteria are seen only in hospitals but also in the wider community.",
			["The bacteria are seen not only in hospitals but also in the wider community."],
		],
		[
			"'whether or' for 'whether or not'",
			"The outcome depends on whether or reefs keep up with rising seas.",
			["The outcome depends on whether or not reefs keep up with rising seas."],
		],
	])("%s: contradicted", (_, claim, evidence) => {
		const result = checkSupport(claim, evidence);
		expect(result.verdict).toBe("contradicted");
		expect(result.hardFailure).toBe(true);
		expectOneLine(result);
	});

	it.each([
		["both negated", "The vaccine did not reduce hospital admissions.", [VACCINE]],
		[
			"negation moved to another word",
			"Patients experienced no side effects.",
			["No patients experienced side effects."],
		],
		[
			"a later clause's negation left out",
			"The cells lost capacity.",
			["The cells lost capacity, but not their power."],
		],
		[
			"a comparison's negation left out",
			"Patients who received the drug had fewer strokes",
			["Patients who received the drug had fewer strokes than those who did not."],
		],
		[
			"a synonym on the same side",
			"Emissions dropped in the third quarter.",
			["Emissions fell in the third quarter."],
		],
		[
			"negation and antonym cancel",
			"Costs did not increase after the merger.",
			["Costs decreased after the merger."],
		],
		["a clause matched to its own half", "Emissions fell", ["Emissions fell while output rose."]],
		["both directions in both", "Exports rose while imports fell.", ["Imports fell and exports rose."]],
		["not only", "Not only did costs fall, emissions fell too.", ["Costs fell, and emissions fell too."]],
		[
			"discharge is no negation of charge",
			"The cells discharge quickly in the cold.",
			["In the cold the cells discharge quickly and charge slowly."],
		],
	])("%s: not contradicted", (_, claim, evidence) => {
		expect(verdictOf(claim, evidence)).not.toBe("contradicted");
	});

	it("lets a claim drop 'not only … but also' and 'whether or not' without contradiction", () => {
		expect(
			verdictOf("The bacteria are seen in hospitals and in the wider community.", [
				"The bacteria are seen not only in hospitals but also in the wider community.",
			]),
		).toBe("supported");
		expect(
			verdictOf("The outcome depends on whether reefs keep up with rising seas.", [
				"The outcome depends on whether or not reefs keep up with rising seas.",
			]),
		).toBe("supported");
	});

	it("names the negated words in the reason", () => {
		expect(
			checkSupport("The vaccine reduced hospital admissions among adults over 65.", [VACCINE]).reason,
		).toBe("the claim drops the negation in its quote (“not … reduce”)");
		expect(
			checkSupport("Emissions rose in the third quarter.", ["Emissions fell in the third quarter."]).reason,
		).toBe("the claim says “rose” where its quote says “fell”");
	});
});

describe("checkSupport: names (rule 4)", () => {
	it.each([
		[
			"an institution",
			"Researchers at the Fraunhofer Institute measured 20% losses.",
			["Researchers measured 20% losses."],
			"Fraunhofer Institute",
		],
		["an acronym", "The IEA expects demand to peak.", ["Analysts expect demand to peak."], "IEA"],
		[
			"a company in mid-sentence",
			"Battery packs from Panasonic lost 8% of capacity.",
			["Battery packs lost 8% of capacity."],
			"Panasonic",
		],
		["a code", "The H5N1 strain spread among cattle.", ["The strain spread among cattle."], "H5N1"],
		[
			"a code with a changed digit, even where its letters start words",
			"Chemistry of seawater: carbon dioxide (known as CO8) dissolves in the ocean.",
			["Chemistry of seawater: carbon dioxide (known as CO2) dissolves in the ocean."],
			"CO8",
		],
		[
			"a name after a colon",
			"Result: packs from Tesla lost 8% of capacity.",
			["Result: packs lost 8% of capacity."],
			"Tesla",
		],
	])("%s missing from the quotes: unsupported", (_, claim, evidence, name) => {
		const result = checkSupport(claim, evidence);
		expect(result).toMatchObject({
			verdict: "unsupported",
			hardFailure: true,
			reason: `names ${name}, which its quotes do not mention`,
		});
	});

	it.each([
		["case-insensitive", "NASA satellites tracked the ice.", ["Nasa satellites tracked the ice."]],
		["a possessive", "Argonne's cells lost 8% of capacity.", ["The cells at Argonne lost 8% of capacity."]],
		[
			"distinctive words of an institution",
			"Argonne National Laboratory measured the fade.",
			["Argonne measured the fade."],
		],
		[
			"an acronym spelled out",
			"SEI growth drives the fade.",
			["Growth of the solid electrolyte interphase drives the fade."],
		],
		[
			"an acronym whose letters include a connector's",
			"Heat pumps keep a COP above 2 in frost.",
			["Heat pumps keep a coefficient of performance above 2 in frost."],
		],
		["a plural acronym", "LLMs summarise reports.", ["An LLM summarises reports."]],
		[
			"a capitalised first word",
			"Lithium cells fade faster in heat.",
			["Lithium cells fade faster in heat waves."],
		],
		[
			"a capital after a colon",
			"In short: Capacity fell after 500 cycles.",
			["Capacity fell after 500 cycles."],
		],
		["a month in both", "In January inflation slowed.", ["Inflation slowed in January."]],
	])("%s: supported", (_, claim, evidence) => {
		expect(verdictOf(claim, evidence)).toBe("supported");
	});
});

describe("checkSupport: coverage (rule 5)", () => {
	it("supports a claim whose content words are in its quotes", () => {
		const result = checkSupport("Heat pumps kept homes warm in the trial", [
			"In the field trial, heat pumps kept homes warm through the winter.",
		]);
		expect(result).toMatchObject({ verdict: "supported", hardFailure: false, coverage: 1 });
	});

	it("finds a word by a related form or a synonym on the same side", () => {
		expect(checkSupport("The reduction in costs was steep.", ["Costs were reduced steeply."]).verdict).toBe(
			"supported",
		);
		expect(checkSupport("Capacity fell by 20% after 500 cycles.", [CELLS]).verdict).toBe("supported");
	});

	it("calls a claim partial when only part of it is quoted, naming what is missing", () => {
		const result = checkSupport("Heat pumps kept homes warm and cut heating bills.", [
			"Heat pumps kept homes warm in the trial.",
		]);
		expect(result.verdict).toBe("partial");
		expect(result.hardFailure).toBe(false);
		expect(result.reason).toBe("only part of the claim is in its quotes: missing “cut”, “bills”");
		expect(result.coverage).toBeGreaterThanOrEqual(0.45);
		expect(result.coverage).toBeLessThan(0.75);
	});

	it("calls a claim about something else unsupported", () => {
		const result = checkSupport("Solid-state electrolytes eliminate thermal runaway.", [CELLS]);
		expect(result).toMatchObject({ verdict: "unsupported", hardFailure: false, coverage: 0 });
		expect(result.reason).toMatch(/^its quotes do not mention most of the claim: missing “Solid”/);
	});

	it("weighs attribution words lightly", () => {
		const bare = checkSupport("Heat pumps cut emissions.", ["Heat pumps cut emissions in the trial."]);
		const attributed = checkSupport("A survey found that heat pumps cut emissions.", [
			"Heat pumps cut emissions in the trial.",
		]);
		expect(bare.coverage).toBe(1);
		expect(attributed.verdict).toBe("supported");
		expect(attributed.coverage).toBeGreaterThan(0.8);
	});

	it("runs the hard checks before coverage", () => {
		const result = checkSupport("Heat pumps in Norway kept homes warm.", ["Heat pumps kept homes warm."]);
		expect(result.verdict).toBe("unsupported");
		expect(result.hardFailure).toBe(true);
		expect(result.coverage).toBeGreaterThan(0.75);
	});
});

type Lie =
	| "inserted negation"
	| "deleted negation"
	| "antonym"
	| "changed digit"
	| "changed number word"
	| "changed unit"
	| "invented name"
	| "invented number"
	| "unrelated";

type Source = { domain: string; sentence: string; honest: string[]; lies: Array<[Lie, string]> };

/** Source sentences, the honest claims one may draw from each, and lies that cite it. */
const SOURCES: Source[] = [
	{
		domain: "batteries",
		sentence: CELLS,
		honest: ["the cells had lost 20% of their capacity", "Capacity fell by 20% after 500 cycles."],
		lies: [
			["inserted negation", "After 500 cycles, the cells had not lost 20% of their capacity."],
			["antonym", "After 500 cycles, the cells had gained 20% of their capacity."],
			["antonym", "Before 500 cycles, the cells had lost 20% of their capacity."],
			["changed digit", "After 500 cycles, the cells had lost 25% of their capacity."],
			["changed digit", "After 800 cycles, the cells had lost 20% of their capacity."],
			["changed unit", "After 500 cycles, the cells had lost 20 mAh of their capacity."],
			["invented name", "After 500 cycles, the Panasonic cells had lost 20% of their capacity."],
			["invented number", "After 500 cycles at 45 °C, the cells had lost 20% of their capacity."],
			["unrelated", "Solid-state electrolytes eliminate the risk of thermal runaway in electric vehicles."],
		],
	},
	{
		domain: "medicine",
		sentence: VACCINE,
		honest: [
			"The vaccine did not reduce hospital admissions",
			"Among adults over 65, the vaccine did not reduce hospital admissions.",
			"The vaccine did not reduce hospital admissions among adults over sixty-five.",
		],
		lies: [
			["deleted negation", "The vaccine reduced hospital admissions among adults over 65."],
			["antonym", "The vaccine did not increase hospital admissions among adults over 65."],
			["changed digit", "The vaccine did not reduce hospital admissions among adults over 75."],
			["changed number word", "The vaccine did not reduce hospital admissions among adults over seventy."],
			["invented name", "The Moderna vaccine did not reduce hospital admissions among adults over 65."],
			["invented number", "The vaccine did not reduce hospital admissions among 12,000 adults over 65."],
			["unrelated", "Vaccine hesitancy grew among nurses during the pandemic."],
		],
	},
	{
		domain: "finance",
		sentence: REVENUE,
		honest: [
			"Net revenue rose 12 percent to $4.2 billion",
			"In the third quarter of 2023, net revenue grew by 12% to $4.2 billion.",
			"Net revenue rose twelve percent to $4.2 billion in the third quarter of 2023.",
		],
		lies: [
			["antonym", "Net revenue fell 12 percent to $4.2 billion in the third quarter of 2023."],
			[
				"inserted negation",
				"Net revenue did not rise 12 percent to $4.2 billion in the third quarter of 2023.",
			],
			["changed digit", "Net revenue rose 12 percent to $4.7 billion in the third quarter of 2023."],
			["changed digit", "Net revenue rose 12 percent to $4.2 billion in the third quarter of 2022."],
			[
				"changed number word",
				"Net revenue rose thirteen percent to $4.2 billion in the third quarter of 2023.",
			],
			["changed unit", "Net revenue rose 12 percent to $4.2 million in the third quarter of 2023."],
			["changed unit", "Net revenue rose 12 basis points to $4.2 billion in the third quarter of 2023."],
			[
				"invented name",
				"Net revenue at Goldman Sachs rose 12 percent to $4.2 billion in the third quarter of 2023.",
			],
			[
				"invented number",
				"Net revenue rose 12 percent to $4.2 billion in the third quarter of 2023, beating forecasts by 8%.",
			],
			["unrelated", "Operating margins narrowed as labour costs climbed."],
		],
	},
	{
		domain: "climate",
		sentence: "Global mean surface temperature in 2023 was about 1.45 °C above the pre-industrial average.",
		honest: [
			"global mean surface temperature in 2023 was about 1.45 °C above the pre-industrial average",
			"In 2023 the global mean surface temperature was about 1.45 °C above the pre-industrial average.",
		],
		lies: [
			[
				"antonym",
				"Global mean surface temperature in 2023 was about 1.45 °C below the pre-industrial average.",
			],
			[
				"inserted negation",
				"Global mean surface temperature in 2023 was not 1.45 °C above the pre-industrial average.",
			],
			[
				"changed digit",
				"Global mean surface temperature in 2023 was about 1.48 °C above the pre-industrial average.",
			],
			[
				"changed digit",
				"Global mean surface temperature in 2021 was about 1.45 °C above the pre-industrial average.",
			],
			[
				"changed unit",
				"Global mean surface temperature in 2023 was about 1.45 °F above the pre-industrial average.",
			],
			[
				"invented name",
				"The IPCC found that global mean surface temperature in 2023 was 1.45 °C above the pre-industrial average.",
			],
			[
				"invented number",
				"Global mean surface temperature in 2023 was about 1.45 °C above the pre-industrial average, exposing 1.2 billion people to extreme heat.",
			],
			["unrelated", "Sea levels are rising faster along the Gulf Coast."],
		],
	},
	{
		domain: "medicine",
		sentence:
			"In the trial, 14 of 200 patients taking the drug reported nausea, compared with 9 of 198 on placebo.",
		honest: [
			"14 of 200 patients taking the drug reported nausea",
			"Fourteen of 200 patients taking the drug reported nausea, compared with nine of 198 on placebo.",
		],
		lies: [
			[
				"changed digit",
				"In the trial, 15 of 200 patients taking the drug reported nausea, compared with 9 of 198 on placebo.",
			],
			["changed number word", "In the trial, forty of 200 patients taking the drug reported nausea."],
			["inserted negation", "In the trial, 14 of 200 patients taking the drug did not report nausea."],
			["changed unit", "In the trial, 14% of patients taking the drug reported nausea."],
			["invented name", "In the Mayo Clinic trial, 14 of 200 patients taking the drug reported nausea."],
			["unrelated", "The drug lowered LDL cholesterol by a third."],
		],
	},
	{
		domain: "batteries",
		sentence: "Sodium-ion cells do not need cobalt or nickel, which lowers their material cost.",
		honest: [
			"Sodium-ion cells do not need cobalt or nickel",
			"Because sodium-ion cells need no cobalt or nickel, their material cost is lower.",
		],
		lies: [
			["deleted negation", "Sodium-ion cells need cobalt or nickel, which lowers their material cost."],
			["antonym", "Sodium-ion cells do not need cobalt or nickel, which raises their material cost."],
			[
				"invented name",
				"CATL's sodium-ion cells do not need cobalt or nickel, which lowers their material cost.",
			],
			[
				"invented number",
				"Sodium-ion cells do not need cobalt or nickel, which lowers their material cost by 30%.",
			],
			["unrelated", "Sodium-ion cells charge faster than lithium-ion cells at low temperatures."],
		],
	},
	{
		domain: "finance",
		sentence: "Inflation slowed to 3.1% in January, the lowest reading since March 2021.",
		honest: [
			"Inflation slowed to 3.1% in January",
			"In January inflation slowed to 3.1%, its lowest reading since March 2021.",
		],
		lies: [
			["antonym", "Inflation accelerated to 3.1% in January, the lowest reading since March 2021."],
			["antonym", "Inflation slowed to 3.1% in January, the highest reading since March 2021."],
			["inserted negation", "Inflation did not slow to 3.1% in January."],
			["changed digit", "Inflation slowed to 3.7% in January, the lowest reading since March 2021."],
			["changed digit", "Inflation slowed to 3.1% in January, the lowest reading since March 2022."],
			["changed unit", "Inflation slowed to 3.1 points in January, the lowest reading since March 2021."],
			[
				"invented name",
				"Inflation slowed to 3.1% in January, the lowest reading since March 2021, according to the Federal Reserve.",
			],
			["invented name", "Inflation slowed to 3.1% in February, the lowest reading since March 2021."],
			["unrelated", "Mortgage approvals hit a two-year high as rates eased."],
		],
	},
	{
		domain: "climate",
		sentence: "Arctic sea ice extent in September has declined by roughly 13 percent per decade since 1979.",
		honest: [
			"Since 1979, September Arctic sea ice extent has declined by about 13 percent per decade.",
			"Arctic sea ice extent in September has declined by roughly thirteen percent per decade since 1979.",
		],
		lies: [
			[
				"antonym",
				"Arctic sea ice extent in September has increased by roughly 13 percent per decade since 1979.",
			],
			[
				"inserted negation",
				"Arctic sea ice extent in September has not declined by 13 percent per decade since 1979.",
			],
			[
				"changed digit",
				"Arctic sea ice extent in September has declined by roughly 13 percent per decade since 1989.",
			],
			[
				"changed number word",
				"Arctic sea ice extent in September has declined by roughly thirty percent per decade since 1979.",
			],
			[
				"changed unit",
				"Arctic sea ice extent in September has declined by roughly 13 days per decade since 1979.",
			],
			[
				"invented name",
				"NASA data show Arctic sea ice extent in September has declined by 13 percent per decade since 1979.",
			],
			["unrelated", "Antarctic ice shelves are thinning because of warmer ocean water."],
		],
	},
	{
		domain: "medicine",
		sentence: "Patients who received the drug had a 25% lower risk of heart failure than those who did not.",
		honest: [
			"Patients who received the drug had a 25% lower risk of heart failure",
			"Receiving the drug lowered the risk of heart failure by 25%.",
		],
		lies: [
			[
				"antonym",
				"Patients who received the drug had a 25% higher risk of heart failure than those who did not.",
			],
			[
				"changed digit",
				"Patients who received the drug had a 35% lower risk of heart failure than those who did not.",
			],
			["inserted negation", "Patients who received the drug did not have a 25% lower risk of heart failure."],
			[
				"invented name",
				"Patients who received the drug at Johns Hopkins had a 25% lower risk of heart failure.",
			],
			[
				"invented number",
				"Patients who received the drug for 18 months had a 25% lower risk of heart failure.",
			],
			["unrelated", "The drug raised blood pressure in older women."],
		],
	},
	{
		domain: "energy",
		sentence:
			"Heat pumps in the field trial kept homes above 20 °C even when outdoor temperatures fell to −15 °C.",
		honest: [
			"Heat pumps kept homes above 20 °C even when outdoor temperatures fell to -15 °C.",
			"Even at outdoor temperatures of −15 °C, heat pumps in the field trial kept homes above 20 °C.",
		],
		lies: [
			[
				"changed digit",
				"Heat pumps in the field trial kept homes above 20 °C even when outdoor temperatures fell to 15 °C.",
			],
			[
				"antonym",
				"Heat pumps in the field trial kept homes below 20 °C when outdoor temperatures fell to −15 °C.",
			],
			[
				"changed unit",
				"Heat pumps in the field trial kept homes above 20 °F even when outdoor temperatures fell to −15 °C.",
			],
			[
				"invented name",
				"Heat pumps in the Fraunhofer field trial kept homes above 20 °C even when outdoor temperatures fell to −15 °C.",
			],
			[
				"inserted negation",
				"Heat pumps in the field trial did not keep homes above 20 °C when outdoor temperatures fell to −15 °C.",
			],
			["unrelated", "Gas boilers remain cheaper to install than heat pumps."],
		],
	},
	{
		domain: "finance",
		sentence: "Roughly three million households missed at least one mortgage payment during 2022.",
		honest: [
			"About 3 million households missed at least one mortgage payment during 2022.",
			"three million households missed at least one mortgage payment",
		],
		lies: [
			[
				"changed number word",
				"Roughly four million households missed at least one mortgage payment during 2022.",
			],
			["changed digit", "Roughly three million households missed at least one mortgage payment during 2021."],
			["inserted negation", "Roughly three million households did not miss a mortgage payment during 2022."],
			["antonym", "Roughly three million households missed at most one mortgage payment during 2022."],
			[
				"invented name",
				"Roughly three million households missed at least one mortgage payment during 2022, the Census Bureau said.",
			],
			["changed unit", "Roughly three million dollars of mortgage payments were missed during 2022."],
			["unrelated", "Home prices in coastal cities fell for a second year."],
		],
	},
	{
		domain: "medicine",
		sentence: "The antibiotic was ineffective against resistant strains in 7 out of 10 cases.",
		honest: [
			"The antibiotic was ineffective against resistant strains",
			"The antibiotic was ineffective against resistant strains in seven out of ten cases.",
		],
		lies: [
			["antonym", "The antibiotic was effective against resistant strains in 7 out of 10 cases."],
			["changed digit", "The antibiotic was ineffective against resistant strains in 8 out of 10 cases."],
			[
				"changed number word",
				"The antibiotic was ineffective against resistant strains in nine out of ten cases.",
			],
			["invented name", "The antibiotic was ineffective against MRSA strains in 7 out of 10 cases."],
			["unrelated", "Hospitals cut antibiotic prescriptions by a quarter."],
		],
	},
	{
		domain: "batteries",
		sentence: "Charging at 2C instead of 0.5C reduced cycle life from 1,200 to 700 cycles.",
		honest: [
			"Charging at 2C rather than 0.5C cut cycle life from 1,200 to 700 cycles.",
			"Charging at 2C instead of 0.5C reduced cycle life from 1200 to 700 cycles.",
		],
		lies: [
			["antonym", "Charging at 2C instead of 0.5C increased cycle life from 1,200 to 700 cycles."],
			["changed digit", "Charging at 2C instead of 0.5C reduced cycle life from 1,500 to 700 cycles."],
			["changed digit", "Charging at 2C instead of 0.5C reduced cycle life from 1,200 to 7,000 cycles."],
			["changed unit", "Charging at 2 kW instead of 0.5 kW reduced cycle life from 1,200 to 700 cycles."],
			[
				"invented name",
				"Charging LG cells at 2C instead of 0.5C reduced cycle life from 1,200 to 700 cycles.",
			],
			["unrelated", "Silicon anodes swell during lithiation."],
		],
	},
	{
		domain: "climate",
		sentence: "Coal's share of global electricity generation fell below 36% for the first time in 2023.",
		honest: [
			"In 2023 coal's share of global electricity generation fell below 36% for the first time.",
			"coal's share of global electricity generation fell below 36%",
		],
		lies: [
			["antonym", "Coal's share of global electricity generation rose above 36% for the first time in 2023."],
			[
				"changed digit",
				"Coal's share of global electricity generation fell below 46% for the first time in 2023.",
			],
			["inserted negation", "Coal's share of global electricity generation did not fall below 36% in 2023."],
			[
				"invented name",
				"Coal's share of global electricity generation fell below 36% in 2023, the IEA said.",
			],
			["unrelated", "Solar installations in India doubled last year."],
		],
	},
	{
		domain: "public health",
		sentence: "No serious adverse events were reported among the 1,500 participants.",
		honest: [
			"None of the 1,500 participants had a serious adverse event reported.",
			"Among the 1,500 participants, no serious adverse events were reported.",
		],
		lies: [
			["deleted negation", "Serious adverse events were reported among the 1,500 participants."],
			["changed digit", "No serious adverse events were reported among the 1,800 participants."],
			[
				"invented name",
				"No serious adverse events were reported among the 1,500 participants at Karolinska.",
			],
			[
				"invented number",
				"No serious adverse events were reported among the 1,500 participants over 24 months.",
			],
			["unrelated", "Participants lost an average of 6 kilograms."],
		],
	},
	{
		domain: "medicine",
		sentence: "Two of the three trials found no benefit from vitamin D supplements on fracture risk.",
		honest: [
			"Vitamin D supplements showed no benefit on fracture risk in two of three trials.",
			"Two of the three trials found no benefit from vitamin D supplements",
		],
		lies: [
			[
				"changed number word",
				"Two of the four trials found no benefit from vitamin D supplements on fracture risk.",
			],
			[
				"changed number word",
				"Five of the three trials found no benefit from vitamin D supplements on fracture risk.",
			],
			[
				"deleted negation",
				"Two of the three trials found a benefit from vitamin D supplements on fracture risk.",
			],
			["antonym", "Two of the three trials found no harm from vitamin D supplements on fracture risk."],
			[
				"invented name",
				"Two of the three Cochrane trials found no benefit from vitamin D supplements on fracture risk.",
			],
		],
	},
	{
		domain: "finance",
		sentence: "The fund's expense ratio of 0.12% is lower than the category average of 0.45%.",
		honest: [
			"The fund's expense ratio of 0.12% is lower than the category average",
			"At 0.12%, the fund's expense ratio is lower than the 0.45% category average.",
		],
		lies: [
			["antonym", "The fund's expense ratio of 0.12% is higher than the category average of 0.45%."],
			["changed digit", "The fund's expense ratio of 0.21% is lower than the category average of 0.45%."],
			[
				"changed unit",
				"The fund's expense ratio of 0.12 basis points is lower than the category average of 0.45%.",
			],
			[
				"inserted negation",
				"The fund's expense ratio of 0.12% is not lower than the category average of 0.45%.",
			],
		],
	},
];

/** Lies that a hard check must catch; an unrelated claim may fail on coverage alone. */
const HARD_LIES: ReadonlySet<Lie> = new Set([
	"inserted negation",
	"deleted negation",
	"antonym",
	"changed digit",
	"changed number word",
	"changed unit",
	"invented name",
	"invented number",
]);

const POLARITY_LIES: ReadonlySet<Lie> = new Set(["inserted negation", "deleted negation", "antonym"]);

describe("checkSupport: adversarial claims citing real sentences", () => {
	const honest = SOURCES.flatMap((source) =>
		[source.sentence, ...source.honest].map((claim) => [source.domain, claim, source.sentence] as const),
	);
	const lies = SOURCES.flatMap((source) =>
		source.lies.map(([kind, claim]) => [source.domain, kind, claim, source.sentence] as const),
	);

	it("covers every kind of lie in several domains", () => {
		const kinds = new Set(lies.map(([, kind]) => kind));
		expect(kinds.size).toBe(9);
		expect(SOURCES.length).toBeGreaterThanOrEqual(15);
		expect(new Set(SOURCES.map((source) => source.domain)).size).toBeGreaterThanOrEqual(5);
	});

	it.each(honest)("%s, honest: %s", (_, claim, sentence) => {
		const result = checkSupport(claim, [sentence]);
		expect(["supported", "partial"], result.reason).toContain(result.verdict);
		expect(result.hardFailure).toBe(false);
	});

	it.each(lies)("%s, %s: %s", (_, kind, claim, sentence) => {
		const result = checkSupport(claim, [sentence]);
		expect(result.verdict, result.reason).not.toBe("supported");
		expectOneLine(result);
		if (HARD_LIES.has(kind)) expect(result.hardFailure, result.reason).toBe(true);
		if (POLARITY_LIES.has(kind)) expect(result.verdict, result.reason).toBe("contradicted");
	});

	it("still catches each lie when the source is one of several quotes", () => {
		const others = [
			"Demand for lithium rose sharply last year.",
			"Researchers surveyed energy prices in Europe.",
		];
		for (const [, , claim, sentence] of lies) {
			expect(verdictOf(claim, [others[0] ?? "", sentence, others[1] ?? ""]), claim).not.toBe("supported");
		}
	});
});

/** Sentences free of "only", "just", "merely" and "whether", so an inserted "not" always negates. */
const POOL = SOURCES.map((source) => source.sentence);

const sentenceArbitrary = fc
	.record({
		subject: fc.constantFrom(
			"Heat pumps",
			"The new cells",
			"Bond yields",
			"The treated group",
			"Coastal glaciers",
		),
		verb: fc.constantFrom("cut", "raised", "kept", "lost", "reported", "doubled"),
		object: fc.constantFrom("emissions", "their capacity", "infection rates", "heating bills", "ice mass"),
		amount: fc.integer({ min: 1, max: 99_999 }),
		unit: fc.constantFrom("%", " cycles", " °C", " kWh", " million tonnes", ""),
		year: fc.integer({ min: 1950, max: 2030 }),
	})
	.map(
		({ subject, verb, object, amount, unit, year }) =>
			`${subject} ${verb} ${object} by ${amount}${unit} in ${year}.`,
	);

const claimSentence = fc.oneof(fc.constantFrom(...POOL), sentenceArbitrary);

describe("checkSupport: properties", () => {
	it("supports a claim equal to any of its evidence sentences", () => {
		const anyText = fc.string({ minLength: 1, maxLength: 80 }).filter((text) => /[\p{L}\p{N}]/u.test(text));
		fc.assert(
			fc.property(
				fc.array(fc.oneof(claimSentence, anyText), { minLength: 1, maxLength: 4 }),
				fc.nat(),
				(evidence, pick) => {
					const claim = evidence[pick % evidence.length] ?? "";
					expect(checkSupport(claim, evidence).verdict).toBe("supported");
				},
			),
		);
	});

	it("supports a claim equal to a sentence inside a longer quote", () => {
		fc.assert(
			fc.property(fc.array(claimSentence, { minLength: 1, maxLength: 4 }), fc.nat(), (sentences, pick) => {
				const claim = sentences[pick % sentences.length] ?? "";
				expect(checkSupport(claim, [sentences.join(" ")]).verdict).toBe("supported");
			}),
		);
	});

	it("never keeps a supported claim supported once 'not' is inserted", () => {
		fc.assert(
			fc.property(claimSentence, fc.nat(), (sentence, position) => {
				const words = sentence.split(" ");
				const at = position % words.length;
				const claim = [...words.slice(0, at), "not", ...words.slice(at)].join(" ");
				expect(checkSupport(sentence, [sentence]).verdict).toBe("supported");
				expect(checkSupport(claim, [sentence]).verdict, claim).not.toBe("supported");
			}),
			{ numRuns: 300 },
		);
	});

	it("never keeps a supported claim supported once a digit changes", () => {
		fc.assert(
			fc.property(claimSentence, fc.nat(), fc.integer({ min: 1, max: 9 }), (sentence, position, shift) => {
				const digits = Array.from(sentence.matchAll(/\d/gu), (match) => match.index);
				fc.pre(digits.length > 0);
				const at = digits[position % digits.length] ?? 0;
				const changed = String((Number(sentence.charAt(at)) + shift) % 10);
				const claim = sentence.slice(0, at) + changed + sentence.slice(at + 1);
				const runValue = (text: string, index: number) => {
					let from = index;
					let to = index + 1;
					while (from > 0 && /[\d.,]/u.test(text.charAt(from - 1))) from -= 1;
					while (to < text.length && /[\d.,]/u.test(text.charAt(to))) to += 1;
					return Number(text.slice(from, to).replace(/,/gu, "").replace(/\.$/u, ""));
				};
				const newValue = runValue(claim, at);
				const evidenceValues = Array.from(sentence.matchAll(/\d[\d.,]*/gu), (match) =>
					Number(match[0].replace(/,/gu, "").replace(/\.$/u, "")),
				);
				fc.pre(!evidenceValues.includes(newValue));
				expect(checkSupport(claim, [sentence]).verdict, claim).not.toBe("supported");
			}),
			{ numRuns: 300 },
		);
	});

	it("returns a well-formed one-line result for any input", () => {
		fc.assert(
			fc.property(
				fc.string({ maxLength: 120 }),
				fc.array(fc.string({ maxLength: 120 }), { maxLength: 3 }),
				(claim, evidence) => {
					const result = checkSupport(claim, evidence);
					expect(["supported", "partial", "unsupported", "contradicted"]).toContain(result.verdict);
					expect(result.coverage).toBeGreaterThanOrEqual(0);
					expect(result.coverage).toBeLessThanOrEqual(1);
					expectOneLine(result);
					expect(checkSupport(claim, evidence)).toEqual(result);
				},
			),
		);
	});
});

describe("contradictionBetween", () => {
	it.each([
		["Winter efficiency losses were 31%.", "Field data show winter losses of 24%.", "31% against 24%"],
		[
			"The trial fitted 120 homes with heat pumps.",
			"The trial fitted 130 homes with heat pumps.",
			"120 against 130",
		],
		[
			"Net revenue rose to $4.2 billion in the quarter.",
			"Net revenue rose to $3.9 billion in the quarter.",
			"$4.2 billion against $3.9 billion",
		],
		[
			"Battery capacity fell 20% after 500 cycles.",
			"After 500 cycles battery capacity had fallen 35%.",
			"20% against 35%",
		],
	])("%s / %s: numeric", (a, b, detail) => {
		const result = contradictionBetween(a, b);
		expect(result?.reason).toBe("numeric");
		expect(result?.detail).toContain(detail);
	});

	it.each([
		["The vaccine reduced hospital admissions.", "The vaccine did not reduce hospital admissions."],
		["Heat pumps work below -20 °C.", "Heat pumps do not work below -20 °C."],
		["Emissions rose in 2023.", "Emissions fell sharply in 2023."],
		[
			"The antibiotic was effective against resistant strains.",
			"The antibiotic was ineffective against resistant strains.",
		],
		["Most economists support the carbon tax.", "Most economists oppose the carbon tax."],
	])("%s / %s: polarity", (a, b) => {
		expect(contradictionBetween(a, b)?.reason).toBe("polarity");
		expect(contradictionBetween(b, a)?.reason).toBe("polarity");
	});

	it.each([
		[
			"unrelated sentences sharing a unit",
			"Inflation in the euro area was 2.4% in 2024.",
			"Battery capacity fell 20% after 500 cycles.",
		],
		[
			"different quantities about one subject",
			"Winter heat pump efficiency losses were 31%.",
			"Winter heat pump sales rose 24%.",
		],
		[
			"one quantity of different things",
			"Solar capacity grew 30% in 2023.",
			"Wind capacity grew 10% in 2023.",
		],
		[
			"paraphrases with the same number",
			"Capacity fell by 20% after 500 cycles.",
			"After 500 cycles, the cells had lost 20% of their capacity.",
		],
		[
			"one side lists both values",
			"Winter losses were 31% in 2020 and 24% in 2021.",
			"Winter losses reached 24%.",
		],
		[
			"different years of different studies",
			"A 2019 study found winter losses of 24%.",
			"A 2021 survey found winter losses of 24%.",
		],
		["the same claim", VACCINE, VACCINE],
		[
			"opposite directions on different objects",
			"Heat pumps cut emissions in cold climates.",
			"Heat pumps raised heating bills in cold climates.",
		],
		[
			"different populations",
			"The vaccine reduced admissions among adults.",
			"The vaccine increased admissions among children.",
		],
		["unrelated topics", "The central bank held rates.", "Glaciers did not advance last year."],
		[
			"negation and antonym agreeing",
			"Costs did not increase after the merger.",
			"Costs decreased after the merger.",
		],
	])("%s: none", (_, a, b) => {
		expect(contradictionBetween(a, b)).toBeNull();
		expect(contradictionBetween(b, a)).toBeNull();
	});
});

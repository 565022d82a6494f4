import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	checkNarrative,
	type EvidenceFinding,
	NARRATIVE_CANDIDATES,
	narrativeSentences,
} from "../../../src/synthesis/narrative";

const COP: EvidenceFinding = {
	id: "F1",
	claim: "Heat pumps kept a COP above 2 at -15 °C.",
	evidence: ["Field trials showed that heat pumps kept a COP above 2 at -15 °C in all homes."],
	sources: ["S1"],
};
const DEFROST: EvidenceFinding = {
	id: "F2",
	claim: "Defrost cycles cut output by 10%.",
	evidence: ["Defrost cycles cut heating output by about 10% in humid cold weather."],
	sources: ["S3", "S4"],
};
const SALES: EvidenceFinding = {
	id: "F3",
	claim: "Sales of heat pumps fell by 3% in 2023.",
	evidence: ["Global sales of heat pumps fell by around 3% in 2023."],
	sources: ["S2"],
};
const FINDINGS = [COP, DEFROST, SALES];

describe("narrativeSentences", () => {
	it("splits text into sentences and removes the labels its writer attached", () => {
		expect(
			narrativeSentences(
				"Defrost costs energy [S2]. It also stops heating (S1, S4).\n\n   Prices fell [3]【S1】. " +
					"Units failed at −25 °C [S1–S3]. Output dropped [S1; S2] (S3).",
			),
		).toEqual([
			"Defrost costs energy.",
			"It also stops heating.",
			"Prices fell.",
			"Units failed at −25 °C.",
			"Output dropped.",
		]);
	});

	it("keeps abbreviations and numbers inside a sentence and drops blanks and bare labels", () => {
		expect(narrativeSentences("The U.S. grid added 3.5 GW. See Fig. 3 for details. [S1]. \n\n ")).toEqual([
			"The U.S. grid added 3.5 GW.",
			"See Fig. 3 for details.",
		]);
		expect(narrativeSentences("")).toEqual([]);
	});

	it("keeps brackets that are not source labels", () => {
		expect(narrativeSentences("Output fell (in winter) by a tenth.")).toEqual([
			"Output fell (in winter) by a tenth.",
		]);
		expect(narrativeSentences("Emissions of (CO2) fell [S1].")).toEqual(["Emissions of (CO2) fell."]);
	});
});

describe("checkNarrative", () => {
	it("replaces a label the writer gave with the labels of the sources that support the sentence", () => {
		const [sentence] = checkNarrative("Heat pumps kept a COP above 2 at -15 °C [S9].", FINDINGS, []);
		expect(sentence).toMatchObject({
			text: "Heat pumps kept a COP above 2 at -15 °C.",
			verdict: "supported",
			sources: ["S1"],
		});
		expect(sentence?.findingIds[0]).toBe("F1");
	});

	it("gives a supported sentence the labels of the finding whose quotes support it, and no others", () => {
		const [sentence] = checkNarrative(
			"Global sales of heat pumps fell by around 3% in 2023 (S7).",
			FINDINGS,
			[],
		);
		expect(sentence).toMatchObject({ verdict: "supported", sources: ["S2"] });
		// The other findings were checked too, but their quotes do not back the sentence.
		expect(sentence?.findingIds).toEqual(["F3", "F1", "F2"]);
	});

	it("cites every source of the findings a sentence combines, and only those", () => {
		const [sentence] = checkNarrative(
			"Heat pumps kept a COP above 2 at -15 °C, while defrost cycles cut heating output by about 10%.",
			FINDINGS,
			[],
		);
		expect(sentence?.verdict).toBe("supported");
		expect(sentence?.sources).toEqual(expect.arrayContaining(["S1", "S3", "S4"]));
		// The sales figures of S2 say nothing about this sentence.
		expect(sentence?.sources).not.toContain("S2");
	});

	it("cites only the source that states a sentence, not others that share some of its words", () => {
		const codes = {
			id: "F9",
			claim: "Building codes increasingly favour heat pumps.",
			evidence: ["Building codes increasingly favour heat pumps."],
			sources: ["S4"],
		};
		const partly = {
			id: "F8",
			claim: "Building owners increasingly buy heat pumps.",
			evidence: ["Building owners increasingly buy heat pumps."],
			sources: ["S1"],
		};
		const [sentence] = checkNarrative(
			"Building codes increasingly favour heat pumps.",
			[partly, codes, ...FINDINGS],
			[],
		);
		expect(sentence).toMatchObject({ verdict: "supported", sources: ["S4"] });
	});

	it("does not support an invented sentence", () => {
		const [sentence] = checkNarrative(
			"Heat pumps are loved by every homeowner in Europe [S1].",
			FINDINGS,
			[],
		);
		expect(sentence?.verdict).not.toBe("supported");
		expect(sentence?.sources).toEqual([]);
		expect(sentence?.text).toBe("Heat pumps are loved by every homeowner in Europe.");
	});

	it("does not support a sentence whose number was changed", () => {
		for (const text of [
			"Heat pumps kept a COP above 4 at -15 °C.",
			"Global sales of heat pumps fell by around 30% in 2023.",
			"Defrost cycles cut heating output by about 10% in 2019.",
		]) {
			const [sentence] = checkNarrative(text, FINDINGS, []);
			expect(sentence?.verdict, text).not.toBe("supported");
			expect(sentence?.sources).toEqual([]);
			expect(sentence?.reason).not.toBe("");
		}
	});

	it("does not support a sentence that reverses a finding", () => {
		const [sentence] = checkNarrative("Global sales of heat pumps rose by around 3% in 2023.", FINDINGS, []);
		expect(sentence).toMatchObject({ verdict: "contradicted", sources: [] });
	});

	it("says when no supported finding is about a sentence", () => {
		expect(checkNarrative("Installers prefer ducted systems.", FINDINGS, [])).toEqual([
			{
				text: "Installers prefer ducted systems.",
				verdict: "unsupported",
				reason: "no supported finding is about this sentence",
				findingIds: [],
				sources: [],
				uncitedFindingIds: [],
			},
		]);
		const [alone] = checkNarrative("Heat pumps kept a COP above 2 at -15 °C.", [], []);
		expect(alone).toMatchObject({ verdict: "unsupported", findingIds: [], sources: [] });
	});

	it(`checks a sentence against at most ${NARRATIVE_CANDIDATES} findings, those sharing most words with it`, () => {
		const many: EvidenceFinding[] = Array.from({ length: 6 }, (_, index) => ({
			id: `G${index}`,
			claim: `Heat pumps ${"kept working ".repeat(index)}in trial ${index}.`,
			evidence: [`Heat pumps ${"kept working ".repeat(index)}in trial ${index}.`],
			sources: [`S${index + 1}`],
		}));
		const [sentence] = checkNarrative("Heat pumps kept working in the cold.", many, []);
		expect(sentence?.findingIds).toHaveLength(NARRATIVE_CANDIDATES);
		expect(sentence?.findingIds).not.toContain("G0");
	});

	it("checks each sentence on its own, in order", () => {
		const checked = checkNarrative(
			"Heat pumps kept a COP above 2 at -15 °C [S2]. Heat pumps never need backup heat. " +
				"Defrost cycles cut heating output by about 10%.",
			FINDINGS,
			[],
		);
		expect(checked.map((sentence) => sentence.sources)).toEqual([["S1"], [], ["S3", "S4"]]);
		expect(checked.map((sentence) => sentence.verdict === "supported")).toEqual([true, false, true]);
	});

	it("only ever labels a sentence with sources of findings it was checked against, and only when supported", () => {
		const word = fc.constantFrom(
			"heat",
			"pumps",
			"kept",
			"COP",
			"defrost",
			"sales",
			"fell",
			"2023",
			"3%",
			"never",
		);
		const sentence = fc.array(word, { minLength: 1, maxLength: 10 }).map((words) => `${words.join(" ")}.`);
		fc.assert(
			fc.property(fc.array(sentence, { minLength: 1, maxLength: 4 }), (sentences) => {
				for (const checked of checkNarrative(sentences.join(" "), FINDINGS, [])) {
					if (checked.verdict !== "supported") expect(checked.sources).toEqual([]);
					const allowed = FINDINGS.filter((f) => checked.findingIds.includes(f.id)).flatMap((f) => f.sources);
					for (const label of checked.sources) expect(allowed).toContain(label);
				}
			}),
			{ numRuns: 200 },
		);
	});

	describe("with uncited findings (a job that did not require citations)", () => {
		const UNCITED = [
			{ id: "F7", claim: "Installers in Norway prefer ducted systems for new homes." },
			{ id: "F8", claim: "Most buyers choose a heat pump for lower bills." },
		];

		it("names the uncited findings a sentence restates, and never makes it supported", () => {
			const [sentence] = checkNarrative("Installers in Norway prefer ducted systems.", FINDINGS, UNCITED);
			expect(sentence).toMatchObject({ verdict: "unsupported", sources: [], uncitedFindingIds: ["F7"] });
		});

		it("leaves a sentence that says more than the uncited findings unlabelled", () => {
			const [sentence] = checkNarrative(
				"Installers in Norway prefer ducted systems because they are cheaper than 2 radiators.",
				FINDINGS,
				UNCITED,
			);
			expect(sentence?.uncitedFindingIds).toEqual([]);
		});

		it("keeps a sentence the verified quotes support or contradict as it was", () => {
			const [supported, reversed] = checkNarrative(
				"Heat pumps kept a COP above 2 at -15 °C. Global sales of heat pumps rose by around 3% in 2023.",
				FINDINGS,
				[...UNCITED, { id: "F9", claim: "Global sales of heat pumps rose by around 3% in 2023." }],
			);
			expect(supported).toMatchObject({ verdict: "supported", uncitedFindingIds: [] });
			expect(reversed).toMatchObject({ verdict: "contradicted", uncitedFindingIds: [] });
		});
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	type IndexedSnapshot,
	indexSnapshotText,
	locateQuote,
	QUOTE_NORMALISATION_RULES,
	type QuoteLocation,
	type QuoteSpan,
	spanText,
} from "../../../src/evidence/quote-match";

const SOURCE =
	"Field trials in Norway and Canada showed that modern air-source heat pumps kept a coefficient of " +
	"performance above 2.0 at outdoor temperatures of −15 °C. Below −25 °C, most units switched to " +
	"resistive backup heating, and seasonal efficiency dropped by about 40% compared with mild winters. " +
	"Installers reported that undersized outdoor units were the most common cause of complaints from " +
	"homeowners. Patients who improved were then discharged after three days on the ward. The US agency " +
	"said the increase in demand was 3.5 times larger than expected. Peak output fell to 12 kW in January.";

/** The source text a verbatim location covers, failing the test when the quote is not verbatim. */
function verbatimText(quote: string, snapshot: string | IndexedSnapshot): string {
	const location = locateQuote(quote, snapshot);
	if (location.check !== "verbatim") {
		throw new Error(`expected "${quote}" to be verbatim, got ${JSON.stringify(location)}`);
	}
	return spanText(typeof snapshot === "string" ? snapshot : snapshot.text, location.spans);
}

function spanOfText(snapshot: string, text: string): QuoteSpan {
	const start = snapshot.indexOf(text);
	if (start < 0) throw new Error(`fixture error: "${text}" is not in the snapshot`);
	return { start, end: start + text.length };
}

describe("locateQuote: verbatim quotes", () => {
	it("finds an exact quote and returns its offsets in the snapshot", () => {
		const quote = "Installers reported that undersized outdoor units were the most common cause";
		expect(locateQuote(quote, SOURCE)).toEqual({ check: "verbatim", spans: [spanOfText(SOURCE, quote)] });
	});

	it("gives the same answer for a prebuilt index and a plain string", () => {
		const indexed = indexSnapshotText(SOURCE);
		for (const quote of [
			"modern air-source heat pumps kept",
			"Patients who improved were not then discharged",
			"heat pumps",
			"completely unrelated words in this sentence",
		]) {
			expect(locateQuote(quote, indexed)).toEqual(locateQuote(quote, SOURCE));
		}
	});

	it("reuses one index for many quotes", () => {
		const indexed = indexSnapshotText(SOURCE);
		expect(verbatimText("seasonal efficiency dropped by about 40%", indexed)).toBe(
			"seasonal efficiency dropped by about 40%",
		);
		expect(verbatimText("Peak output fell to 12 kW in January.", indexed)).toBe(
			"Peak output fell to 12 kW in January",
		);
	});

	it("returns the snapshot's own wording, not the quote's", () => {
		const snapshot = "He said: “It’s  done —\nfinally”, and left.";
		expect(verbatimText(`"it's done - finally"`, snapshot)).toBe("It’s  done —\nfinally");
	});
});

describe("locateQuote: declared normalisation", () => {
	it("treats curly and straight quotes as the same", () => {
		const snapshot = "The report called it a “cold-climate” pump that ‘just works’ in winter.";
		// The closing quote mark is punctuation at the end of the quote, so the span stops before it.
		expect(verbatimText(`called it a "cold-climate" pump that 'just works'`, snapshot)).toBe(
			"called it a “cold-climate” pump that ‘just works",
		);
		expect(
			verbatimText("the operator’s maintenance logs show", "per the operator's maintenance logs show it"),
		).toBe("the operator's maintenance logs show");
		expect(verbatimText("a ″primed″ word here", 'a "primed" word here')).toBe('a "primed" word here');
	});

	it("treats all hyphen, dash and minus variants as the same", () => {
		expect(verbatimText("modern air‐source heat pumps", SOURCE)).toBe("modern air-source heat pumps");
		expect(verbatimText("outdoor temperatures of -15 °C", SOURCE)).toBe("outdoor temperatures of −15 °C");
		const snapshot = "The pumps worked – mostly – in the cold.";
		expect(verbatimText("The pumps worked — mostly — in the cold", snapshot)).toBe(
			"The pumps worked – mostly – in the cold",
		);
		expect(verbatimText("The pumps worked ‒ mostly ‑ in the cold", snapshot)).toBe(
			"The pumps worked – mostly – in the cold",
		);
	});

	it("treats no-break and other Unicode spaces as spaces", () => {
		const snapshot = "efficiency dropped by about 40\u00a0% in\u2009mild\u202fwinters";
		expect(verbatimText("dropped by about 40 % in mild winters", snapshot)).toBe(
			"dropped by about 40\u00a0% in\u2009mild\u202fwinters",
		);
	});

	it("treats a line break and indentation as one space", () => {
		const snapshot = "most units switched to\n   resistive backup\r\n\theating in the coldest weeks";
		expect(verbatimText("switched to resistive backup heating", snapshot)).toBe(
			"switched to\n   resistive backup\r\n\theating",
		);
		expect(verbatimText("  switched to\nresistive   backup heating \n", snapshot)).toBe(
			"switched to\n   resistive backup\r\n\theating",
		);
	});

	it("does not treat a missing space as a space", () => {
		expect(locateQuote("air source heat pumps kept", SOURCE).check).toBe("altered");
	});

	it("decodes HTML entities in the snapshot and in the quote", () => {
		const snapshot = "Smith &amp; Jones found the operator&#8217;s &quot;cold mode&quot; worked&nbsp;well.";
		expect(verbatimText(`Smith & Jones found the operator’s "cold mode" worked well`, snapshot)).toBe(
			"Smith &amp; Jones found the operator&#8217;s &quot;cold mode&quot; worked&nbsp;well",
		);
		expect(verbatimText("the operator&rsquo;s &ldquo;cold mode&rdquo; worked", snapshot)).toBe(
			"the operator&#8217;s &quot;cold mode&quot; worked",
		);
	});

	it("leaves an ampersand that is not an entity as it is", () => {
		const snapshot = "Research & Development &unknown; budgets rose sharply.";
		expect(verbatimText("Research & Development &unknown; budgets", snapshot)).toBe(
			"Research & Development &unknown; budgets",
		);
	});

	it("ignores soft hyphens and zero-width characters", () => {
		const snapshot = "seasonal effi\u00adciency dropped\u200b by about 40% com\u200dpared with mild winters";
		expect(verbatimText("seasonal efficiency dropped by about 40% compared", snapshot)).toBe(
			"seasonal effi\u00adciency dropped\u200b by about 40% com\u200dpared",
		);
		expect(verbatimText("effi&shy;ciency dropped by", "seasonal efficiency dropped by about")).toBe(
			"efficiency dropped by",
		);
	});

	it("applies compatibility forms: ligatures, full-width characters, the ellipsis character", () => {
		const snapshot = "Field trials ﬁnished in ＮＯＲＷＡＹ after ２０２４ … and then stopped.";
		expect(verbatimText("Field trials finished in", snapshot)).toBe("Field trials ﬁnished in");
		expect(verbatimText("finished in NORWAY after 2024", snapshot)).toBe(
			"ﬁnished in ＮＯＲＷＡＹ after ２０２４",
		);
		expect(verbatimText("after 2024 ... and then stopped", snapshot)).toBe(
			"after ２０２４ … and then stopped",
		);
	});

	it("treats precomposed and decomposed accents as the same", () => {
		const snapshot = "Die Wa\u0308rmepumpe lief im Januar ohne Unterbrechung.";
		expect(verbatimText("Die Wärmepumpe lief im Januar", snapshot)).toBe(
			"Die Wa\u0308rmepumpe lief im Januar",
		);
	});

	it("skips bracketed footnote markers in the snapshot", () => {
		const snapshot =
			"Heat pumps kept working[5] in Norway[12, 13] and Canada [a] at −15 °C[citation needed], the report says[note 2].";
		expect(verbatimText("Heat pumps kept working in Norway and Canada at −15 °C", snapshot)).toBe(
			"Heat pumps kept working[5] in Norway[12, 13] and Canada [a] at −15 °C",
		);
		expect(verbatimText("at −15 °C, the report says.", snapshot)).toBe(
			"at −15 °C[citation needed], the report says",
		);
	});

	it("skips superscript and caret footnote markers in the snapshot", () => {
		const snapshot = "Heat pumps kept working¹ in Norway,²³ and Canada^12 at −15 °C.";
		expect(verbatimText("Heat pumps kept working in Norway, and Canada at −15 °C", snapshot)).toBe(
			"Heat pumps kept working¹ in Norway,²³ and Canada^12 at −15 °C",
		);
	});

	it("accepts a quote that keeps the footnote markers", () => {
		const snapshot = "Heat pumps kept working[5] in Norway and Canada.";
		expect(verbatimText("kept working[5] in Norway", snapshot)).toBe("kept working[5] in Norway");
		expect(verbatimText("kept working¹ in Norway", snapshot)).toBe("kept working[5] in Norway");
	});

	it("keeps superscripts and carets that are exponents", () => {
		const snapshot = "The array covers 40 m² and stores 10³ kWh, or 10^3 kWh.";
		expect(verbatimText("covers 40 m² and stores 10³ kWh", snapshot)).toBe("covers 40 m² and stores 10³ kWh");
		expect(locateQuote("and stores 103 kWh", snapshot).check).toBe("altered");
		expect(locateQuote("and stores 10 kWh", snapshot).check).toBe("altered");
		expect(locateQuote("or 10 kWh", `${snapshot} More text here.`).check).not.toBe("verbatim");
		expect(verbatimText("or 10^3 kWh", snapshot)).toBe("or 10^3 kWh");
	});

	it("ignores case where the source passage is all capitals", () => {
		const snapshot = "HEAT PUMPS FAIL IN EXTREME COLD, SAYS REPORT. Heat pumps work in mild weather.";
		expect(verbatimText("Heat pumps fail in extreme cold", snapshot)).toBe("HEAT PUMPS FAIL IN EXTREME COLD");
		expect(verbatimText("heat pumps fail in extreme cold, says report", snapshot)).toBe(
			"HEAT PUMPS FAIL IN EXTREME COLD, SAYS REPORT",
		);
	});

	it("lets the first letter of the quote differ in case", () => {
		expect(verbatimText("The most common cause of complaints", SOURCE)).toBe(
			"the most common cause of complaints",
		);
		expect(verbatimText("installers reported that undersized", SOURCE)).toBe(
			"Installers reported that undersized",
		);
		expect(verbatimText("“the most common cause”", SOURCE)).toBe("the most common cause");
	});

	it("lets only the first letter differ, not a whole first word", () => {
		expect(verbatimText("US agency said the increase", SOURCE)).toBe("US agency said the increase");
		expect(locateQuote("us agency said the increase", SOURCE).check).toBe("altered");
		expect(locateQuote("uS agency said the increase", SOURCE).check).toBe("verbatim");
	});

	it("requires case to match elsewhere", () => {
		expect(locateQuote("the Most common cause of complaints", SOURCE).check).toBe("altered");
		expect(locateQuote("HEAT PUMPS KEPT A COEFFICIENT", SOURCE).check).toBe("altered");
	});

	it("ignores punctuation at the ends of the quote", () => {
		// The source has a comma where the quote has a full stop.
		expect(verbatimText("Below −25 °C.", SOURCE)).toBe("Below −25 °C");
		expect(verbatimText("...most units switched to resistive backup heating.", SOURCE)).toBe(
			"most units switched to resistive backup heating",
		);
		expect(verbatimText("(“seasonal efficiency dropped”)", SOURCE)).toBe("seasonal efficiency dropped");
		expect(verbatimText("dropped by about 40%.", SOURCE)).toBe("dropped by about 40%");
	});

	it("requires internal punctuation to match", () => {
		expect(locateQuote("Below −25 °C most units switched", SOURCE).check).toBe("altered");
		expect(locateQuote("Below −25 °C; most units switched", SOURCE).check).toBe("altered");
	});

	it("handles other scripts and characters outside the BMP", () => {
		const snapshot = "热泵在寒冷气候中 仍然有效。Тепловые насосы работают 𝐇𝐞𝐚𝐭 pumps 🔥 at −15 °C, отчёт.";
		expect(verbatimText("热泵在寒冷气候中 仍然有效", snapshot)).toBe("热泵在寒冷气候中 仍然有效");
		expect(verbatimText("Тепловые насосы работают", snapshot)).toBe("Тепловые насосы работают");
		expect(verbatimText("Heat pumps 🔥 at −15 °C", snapshot)).toBe("𝐇𝐞𝐚𝐭 pumps 🔥 at −15 °C");
		expect(verbatimText("at −15 °C, отчёт", snapshot)).toBe("at −15 °C, отчёт");
	});

	it("finds a later occurrence when an earlier one differs in case", () => {
		const snapshot = "The Heat Pump Project ended. Later the heat pump project resumed.";
		expect(locateQuote("the heat pump project resumed", snapshot)).toEqual({
			check: "verbatim",
			spans: [spanOfText(snapshot, "the heat pump project resumed")],
		});
		expect(verbatimText("Later the heat pump project", snapshot)).toBe("Later the heat pump project");
		expect(verbatimText("the Heat Pump Project ended", snapshot)).toBe("The Heat Pump Project ended");
	});

	it("documents every rule", () => {
		expect(QUOTE_NORMALISATION_RULES.length).toBeGreaterThanOrEqual(8);
		for (const rule of QUOTE_NORMALISATION_RULES) expect(rule).toMatch(/^[A-Z].*\.$/);
	});
});

describe("locateQuote: whole source words", () => {
	it("does not start or end inside a word", () => {
		expect(locateQuote("eld trials in Norway", SOURCE).check).not.toBe("verbatim");
		expect(locateQuote("trials in Norw", SOURCE).check).not.toBe("verbatim");
		const snapshot = "A non-linear response was observed in every trial.";
		expect(locateQuote("linear response was observed", snapshot).check).toBe("altered");
		expect(verbatimText("non-linear response was observed", snapshot)).toBe(
			"non-linear response was observed",
		);
	});

	it("starts after a separating dash", () => {
		const snapshot = "It was cold—heat pumps still delivered warmth–without backup heating.";
		expect(verbatimText("heat pumps still delivered warmth", snapshot)).toBe(
			"heat pumps still delivered warmth",
		);
	});

	it("does not drop a sign, a decimal part, a range start or a percent sign", () => {
		expect(locateQuote("15 °C. Below", SOURCE).check).toBe("altered");
		expect(locateQuote("said the increase in demand was 3", SOURCE).check).toBe("altered");
		expect(locateQuote("5 times larger than expected", SOURCE).check).toBe("altered");
		expect(locateQuote("dropped by about 40", SOURCE).check).toBe("altered");
		const ranges = "Output ranged from 10–15 kW and 1,500 units were sold.";
		expect(locateQuote("15 kW and", ranges).check).toBe("altered");
		expect(locateQuote("Output ranged from 10", ranges).check).toBe("altered");
		expect(locateQuote("500 units were sold", ranges).check).toBe("altered");
		expect(verbatimText("from 10–15 kW", ranges)).toBe("from 10–15 kW");
	});

	it("keeps a sign the quote starts with", () => {
		expect(verbatimText("−25 °C, most units switched", SOURCE)).toBe("−25 °C, most units switched");
		expect(verbatimText("-25 °C, most units", SOURCE)).toBe("−25 °C, most units");
		expect(locateQuote("-2.0 at outdoor temperatures", SOURCE).check).not.toBe("verbatim");
	});
});

describe("locateQuote: elisions", () => {
	const first = "Installers reported that undersized outdoor units";
	const second = "the most common cause of complaints";

	it("splits a quote at an ellipsis and returns one span per part", () => {
		for (const mark of ["…", "...", " … ", " ... ", "[…]", " [...] ", "[ ... ]", ". . ."]) {
			const location = locateQuote(`${first}${mark}${second}`, SOURCE);
			expect(location).toEqual({
				check: "verbatim",
				spans: [spanOfText(SOURCE, first), spanOfText(SOURCE, second)],
			});
		}
		expect(verbatimText(`${first} … ${second}`, SOURCE)).toBe(`${first} … ${second}`);
	});

	it("handles several parts and ignores an ellipsis at the ends", () => {
		expect(verbatimText(`… ${first} … were the most common … complaints from homeowners …`, SOURCE)).toBe(
			`${first} … were the most common … complaints from homeowners`,
		);
	});

	it("lets the first letter of each part differ in case", () => {
		expect(verbatimText("modern air-source heat pumps … Below −25 °C, most", SOURCE)).toBe(
			"modern air-source heat pumps … Below −25 °C, most",
		);
		expect(verbatimText("modern air-source heat pumps … below −25 °C, most", SOURCE)).toBe(
			"modern air-source heat pumps … Below −25 °C, most",
		);
	});

	it("rejects parts out of order", () => {
		const location = locateQuote(`${second} … ${first}`, SOURCE);
		expect(location.check).toBe("altered");
	});

	it("allows a gap of 300 characters, not 301", () => {
		const first = "Heat pumps kept working.";
		const second = "Backup heating was rarely needed.";
		const quote = "Heat pumps kept working … Backup heating was rarely needed";
		const at300 = `${first} ${"x".repeat(297)} ${second}`;
		expect(verbatimText(quote, at300)).toBe(quote);
		const location = locateQuote(quote, at300);
		if (location.check === "verbatim") {
			expect((location.spans[1]?.start ?? 0) - (location.spans[0]?.end ?? 0)).toBe(300);
		}
		const at301 = `${first} ${"x".repeat(298)} ${second}`;
		expect(locateQuote(quote, at301).check).toBe("altered");
	});

	it("drops a leading ellipsis as a whole, even right before a number", () => {
		expect(verbatimText("…12 kW in January", SOURCE)).toBe("12 kW in January");
		expect(verbatimText("[...] 12 kW in January […]", SOURCE)).toBe("12 kW in January");
	});

	it("rejects parts further apart than 300 characters", () => {
		const filler = "Lorem ipsum dolor sit amet. ".repeat(11);
		const near = `Heat pumps kept working. ${filler.slice(0, 280)} Backup heating was rarely needed.`;
		expect(verbatimText("Heat pumps kept working … Backup heating was rarely needed", near)).toBe(
			"Heat pumps kept working … Backup heating was rarely needed",
		);
		const far = `Heat pumps kept working. ${filler}${filler} Backup heating was rarely needed.`;
		const location = locateQuote("Heat pumps kept working … Backup heating was rarely needed", far);
		expect(location.check).not.toBe("verbatim");
	});

	it("finds the parts near each other even when the first part also occurs far away", () => {
		const filler = "Lorem ipsum dolor sit amet. ".repeat(20);
		const snapshot = `Heat pumps kept working. ${filler} Heat pumps kept working. Backup heating was rarely needed.`;
		const location = locateQuote("Heat pumps kept working … backup heating was rarely needed", snapshot);
		expect(location.check).toBe("verbatim");
		if (location.check !== "verbatim") return;
		expect(location.spans[0]?.start).toBe(snapshot.lastIndexOf("Heat pumps kept working"));
	});

	it("rejects a part of fewer than 3 words", () => {
		expect(verbatimText("Patients who improved were … discharged after three days", SOURCE)).toBe(
			"Patients who improved were … discharged after three days",
		);
		expect(locateQuote("Patients who … then discharged after three days", SOURCE).check).not.toBe("verbatim");
		expect(locateQuote("Patients who improved were … discharged after", SOURCE).check).not.toBe("verbatim");
		expect(locateQuote("The … US … said", SOURCE).check).not.toBe("verbatim");
	});

	it("rejects overlapping parts", () => {
		expect(locateQuote("were then discharged after … discharged after three days", SOURCE).check).not.toBe(
			"verbatim",
		);
	});

	it("finds a quote whole when the source itself has the ellipsis", () => {
		const snapshot = "He wrote: it works … mostly, and then stopped.";
		expect(locateQuote("it works … mostly", snapshot)).toEqual({
			check: "verbatim",
			spans: [spanOfText(snapshot, "it works … mostly")],
		});
	});

	it("searches the joined parts for the nearest passage when an elided quote fails", () => {
		const location = locateQuote(`${first} … the least common cause of complaints`, SOURCE);
		expect(location.check).toBe("altered");
		if (location.check !== "altered") return;
		expect(spanText(SOURCE, [location.nearest])).toBe(
			"Installers reported that undersized outdoor units were the most common cause of complaints",
		);
		expect(location.similarity).toBeCloseTo(11 / 12, 10);
	});
});

describe("locateQuote: one-word changes are not verbatim", () => {
	const altered = (quote: string, snapshot = SOURCE): Extract<QuoteLocation, { check: "altered" }> => {
		const location = locateQuote(quote, snapshot);
		if (location.check !== "altered") {
			throw new Error(`expected "${quote}" to be altered, got ${JSON.stringify(location)}`);
		}
		return location;
	};

	it.each([
		["an inserted not", "Patients who improved were not then discharged after three days"],
		[
			"a deleted not",
			"the report says heat pumps do fail in cold weather",
			"the report says heat pumps do not fail in cold weather",
		],
		["an antonym", "The US agency said the decrease in demand was 3.5 times larger"],
		["a number word", "Patients who improved were then discharged after four days"],
		["a digit", "Peak output fell to 13 kW in January"],
		["a sign", "outdoor temperatures of 15 °C"],
		["a sign in the middle", "Below 25 °C, most units switched"],
		["a decimal point", "said the increase in demand was 35 times larger than expected"],
		["a unit", "outdoor temperatures of −15 °F"],
		["a dropped percent sign", "efficiency dropped by about 40 compared with mild winters"],
		["an acronym's case", "The us agency said the increase in demand"],
		["a word order swap", "Installers reported that outdoor undersized units were the most common cause"],
		["a changed word", "Installers reported that oversized outdoor units were the most common cause"],
		["a deleted word", "Installers reported that outdoor units were the most common cause"],
	])("rejects %s", (_name, quote, snapshot = SOURCE) => {
		const location = altered(quote, snapshot);
		expect(location.similarity).toBeGreaterThanOrEqual(0.5);
		expect(location.similarity).toBeLessThanOrEqual(1);
	});

	it("points at the passage the quote was altered from", () => {
		const location = altered("Patients who improved were not then discharged after three days");
		expect(spanText(SOURCE, [location.nearest])).toBe(
			"Patients who improved were then discharged after three days",
		);
		expect(location.similarity).toBeCloseTo(9 / 10, 10);
	});

	it("scores a deleted word as fully aligned but still not verbatim", () => {
		const snapshot = "the report says heat pumps do not fail in cold weather";
		const location = altered("the report says heat pumps do fail in cold weather", snapshot);
		expect(location.similarity).toBe(1);
		expect(spanText(snapshot, [location.nearest])).toBe(snapshot);
	});
});

describe("locateQuote: the nearest passage of an altered quote", () => {
	const source = "After 500 cycles the cells had lost 40% of their capacity. The rest held.";
	it.each([
		[
			"a changed last word",
			"the cells had lost 40% of their charge",
			"the cells had lost 40% of their capacity",
		],
		[
			"a changed figure",
			"the cells had lost 60% of their capacity",
			"the cells had lost 40% of their capacity",
		],
		[
			"a changed first word",
			"These cells had lost 40% of their capacity",
			"the cells had lost 40% of their capacity",
		],
	])("shows the source's own word in place of %s", (_, quote, shown) => {
		const location = locateQuote(quote, source);
		expect(location.check).toBe("altered");
		if (location.check === "altered") {
			expect(spanText(source, [location.nearest])).toBe(shown);
		}
	});
});

describe("locateQuote: not found", () => {
	it("reports a paraphrase as not found", () => {
		const location = locateQuote(
			"Homeowners mostly complained because installers fitted outdoor units that were too small",
			SOURCE,
		);
		expect(location.check).toBe("not_found");
		if (location.check === "not_found") expect(location.similarity).toBeLessThan(0.5);
	});

	it("needs at least 3 words", () => {
		expect(locateQuote("heat pumps", SOURCE)).toEqual({ check: "not_found", similarity: 1 });
		expect(locateQuote("Norway", SOURCE)).toEqual({ check: "not_found", similarity: 1 });
		expect(locateQuote("“ … — !! ”", SOURCE)).toEqual({ check: "not_found", similarity: 0 });
		expect(locateQuote("", SOURCE)).toEqual({ check: "not_found", similarity: 0 });
		expect(locateQuote("[5] heat pumps", SOURCE).check).toBe("not_found");
	});

	it("finds nothing in an empty snapshot", () => {
		expect(locateQuote("modern air source heat pumps", "")).toEqual({ check: "not_found", similarity: 0 });
		expect(locateQuote("modern air source heat pumps", " [5] \u00ad ")).toEqual({
			check: "not_found",
			similarity: 0,
		});
	});

	it("finds nothing when no word of the quote is in the snapshot", () => {
		expect(locateQuote("entirely different vocabulary here", SOURCE)).toEqual({
			check: "not_found",
			similarity: 0,
		});
	});
});

describe("spanText", () => {
	it("joins the spans with an ellipsis", () => {
		const snapshot = "Heat pumps kept working. Below −25 °C they failed.";
		expect(
			spanText(snapshot, [
				{ start: 0, end: 23 },
				{ start: 25, end: 49 },
			]),
		).toBe("Heat pumps kept working … Below −25 °C they failed");
		expect(spanText(snapshot, [])).toBe("");
	});
});

/** Deterministic pseudo-random words, so large snapshots are reproducible. */
function syntheticWords(count: number, seed: number): string[] {
	const syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "qui", "del", "zu", "pra", "ne", "sol"];
	let state = seed;
	const next = (): number => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state;
	};
	return Array.from({ length: count }, () => {
		const length = 2 + (next() % 3);
		return Array.from({ length }, () => syllables[next() % syllables.length]).join("");
	});
}

describe("locateQuote: large and repetitive snapshots", () => {
	const words = syntheticWords(150_000, 11).map((word, i) =>
		i % 17 === 16 ? `${word}.` : i % 29 === 0 ? `${word}[${i % 50}]` : i % 31 === 0 ? `“${word}”` : word,
	);
	const snapshot = words.join(" ");
	const quoteWords = words.slice(120_000, 120_040);

	it("locates a 40-word quote in a 1 MB snapshot, verbatim or with one word changed", () => {
		expect(snapshot.length).toBeGreaterThan(1_000_000);
		const indexed = indexSnapshotText(snapshot);
		expect(locateQuote(quoteWords.join(" "), indexed).check).toBe("verbatim");
		const changed = [...quoteWords];
		changed[20] = "changedword";
		// The first non-verbatim quote also builds the word index; the second must agree with it.
		const first = locateQuote(changed.join(" "), indexed);
		const altered = locateQuote(changed.join(" "), indexed);
		expect(first).toEqual(altered);
		expect(altered.check).toBe("altered");
		if (altered.check === "altered") expect(altered.similarity).toBeCloseTo(39 / 40, 10);
		expect(locateQuote(changed.join(" "), snapshot)).toEqual(altered);
	});

	it("never calls a quote verbatim on repetitive text it does not occur in", () => {
		const repetitive = "alpha beta ".repeat(50_000);
		expect(locateQuote(`${"alpha beta ".repeat(20)}gamma`, repetitive).check).toBe("altered");
		expect(locateQuote("Alpha beta alpha … beta alpha Beta", repetitive).check).not.toBe("verbatim");
	});
});

// Property tests: snapshots of unique words joined by varied separators (spaces, punctuation,
// footnote markers, entities, invisible characters), and runs of their words as quotes.

/** Letters of the random words; "q" is left out so that the "qv" suffix makes every word unique. */
const LETTERS = "abcdefghijklmnoprstuvwxyzäéø";
const wordArbitrary = fc
	.array(fc.constantFrom(...LETTERS), { minLength: 1, maxLength: 8 })
	.map((letters) => letters.join(""));
const casedWord = fc
	.tuple(wordArbitrary, fc.constantFrom("lower", "upper", "title"), fc.boolean())
	.map(([word, style, numeric]) => {
		const cased =
			style === "upper"
				? word.toUpperCase()
				: style === "title"
					? word.charAt(0).toUpperCase() + word.slice(1)
					: word;
		return numeric ? `${cased}${word.length}` : cased;
	});

/**
 * A separator between two words, and whether the word before it ends a source word (`endsWord`) and
 * the word after it starts one (`startsWord`). A hyphen joins two words into one ("non-linear"), and
 * a word before "’s" is only part of the source word.
 */
type Separator = { text: string; endsWord: boolean; startsWord: boolean };
const separatorArbitrary = fc.constantFrom<Separator>(
	...[
		" ",
		"  ",
		"\n",
		"\u00a0",
		", ",
		". ",
		" — ",
		"—",
		"[3] ",
		"¹ ",
		" &amp; ",
		"\u00ad ",
		"; ",
		" (",
		") ",
	].map((text) => ({ text, endsWord: true, startsWord: true })),
	{ text: "-", endsWord: false, startsWord: false },
	{ text: "’s ", endsWord: false, startsWord: true },
);

type Snapshot = { text: string; wordStarts: number[]; wordEnds: number[]; separators: Separator[] };

const snapshotArbitrary = fc
	.array(fc.tuple(casedWord, separatorArbitrary), { minLength: 4, maxLength: 40 })
	.map((pairs): Snapshot => {
		let text = "";
		const wordStarts: number[] = [];
		const wordEnds: number[] = [];
		pairs.forEach(([word, separator], i) => {
			wordStarts.push(text.length);
			text += `${word}qv${"x".repeat(i)}`;
			wordEnds.push(text.length);
			text += separator.text;
		});
		return { text, wordStarts, wordEnds, separators: pairs.map(([, separator]) => separator) };
	});

type Run = { snapshot: Snapshot; first: number; last: number };

/** A snapshot and a run of at least 3 of its words that starts and ends on whole source words. */
const runArbitrary = snapshotArbitrary
	.chain((snapshot) => {
		const count = snapshot.wordStarts.length;
		return fc
			.integer({ min: 0, max: count - 3 })
			.chain((first) =>
				fc.integer({ min: first + 2, max: count - 1 }).map((last): Run => ({ snapshot, first, last })),
			);
	})
	.filter(
		({ snapshot, first, last }) =>
			(first === 0 || snapshot.separators[first - 1]?.startsWord === true) &&
			snapshot.separators[last]?.endsWord === true,
	);

/** A word no snapshot holds (no "qv" suffix). */
const foreignWord = fc.oneof(wordArbitrary, casedWord).map((word) => `${word}zz`);

const wordText = (snapshot: Snapshot, index: number): string =>
	snapshot.text.slice(snapshot.wordStarts[index], snapshot.wordEnds[index]);

const runText = ({ snapshot, first, last }: Run): string =>
	snapshot.text.slice(snapshot.wordStarts[first], snapshot.wordEnds[last]);

/** The run's text with the text between `from` and `to` (snapshot offsets) replaced. */
function editRun({ snapshot, first, last }: Run, from: number, to: number, replacement: string): string {
	const start = snapshot.wordStarts[first] ?? 0;
	const end = snapshot.wordEnds[last] ?? 0;
	return `${snapshot.text.slice(start, from)}${replacement}${snapshot.text.slice(to, end)}`;
}

function spansAreOrdered(spans: readonly QuoteSpan[], length: number): boolean {
	return spans.every(
		(span, i) =>
			span.start >= 0 &&
			span.start < span.end &&
			span.end <= length &&
			(i === 0 || span.start >= (spans[i - 1]?.end ?? 0)),
	);
}

describe("locateQuote: properties", () => {
	it("finds any run of 3 or more whole words verbatim, at its own offsets", () => {
		fc.assert(
			fc.property(runArbitrary, (run) => {
				const location = locateQuote(runText(run), run.snapshot.text);
				expect(location).toEqual({
					check: "verbatim",
					spans: [{ start: run.snapshot.wordStarts[run.first], end: run.snapshot.wordEnds[run.last] }],
				});
				if (location.check === "verbatim") {
					expect(spanText(run.snapshot.text, location.spans)).toBe(runText(run));
				}
			}),
			{ numRuns: 400 },
		);
	});

	it("never finds a run with an inserted word verbatim", () => {
		fc.assert(
			fc.property(runArbitrary, foreignWord, fc.nat(), (run, inserted, at) => {
				const position = run.first + (at % (run.last - run.first + 2));
				const quote =
					position === run.first
						? `${inserted} ${runText(run)}`
						: editRun(
								run,
								run.snapshot.wordEnds[position - 1] ?? 0,
								run.snapshot.wordEnds[position - 1] ?? 0,
								` ${inserted}`,
							);
				expect(locateQuote(quote, run.snapshot.text).check).not.toBe("verbatim");
			}),
			{ numRuns: 400 },
		);
	});

	it("never finds a run with one word replaced verbatim", () => {
		const replacementArbitrary = fc.oneof(
			foreignWord.map((word) => ({ word })),
			fc.nat().map((index) => ({ index })),
		);
		fc.assert(
			fc.property(runArbitrary, replacementArbitrary, fc.nat(), (run, replacement, at) => {
				const { snapshot } = run;
				const position = run.first + (at % (run.last - run.first + 1));
				const word =
					"word" in replacement
						? replacement.word
						: wordText(snapshot, replacement.index % snapshot.wordStarts.length);
				fc.pre(word.toLowerCase() !== wordText(snapshot, position).toLowerCase());
				const quote = editRun(
					run,
					snapshot.wordStarts[position] ?? 0,
					snapshot.wordEnds[position] ?? 0,
					word,
				);
				expect(locateQuote(quote, snapshot.text).check).not.toBe("verbatim");
			}),
			{ numRuns: 400 },
		);
	});

	it("never finds a run with an inner word removed verbatim", () => {
		fc.assert(
			fc.property(runArbitrary, fc.nat(), (run, at) => {
				fc.pre(run.last - run.first >= 3);
				const position = run.first + 1 + (at % (run.last - run.first - 1));
				const { snapshot } = run;
				const quote = editRun(
					run,
					snapshot.wordStarts[position] ?? 0,
					snapshot.wordStarts[position + 1] ?? 0,
					"",
				);
				expect(locateQuote(quote, snapshot.text).check).not.toBe("verbatim");
			}),
			{ numRuns: 300 },
		);
	});

	it("finds a run split by an ellipsis as ordered parts", () => {
		fc.assert(
			fc.property(runArbitrary, fc.nat(), (run, at) => {
				fc.pre(run.last - run.first >= 5);
				// Each part keeps at least 3 words.
				const split = run.first + 3 + (at % (run.last - run.first - 4));
				const { snapshot } = run;
				fc.pre(snapshot.separators[split - 1]?.endsWord === true);
				const quote = editRun(run, snapshot.wordEnds[split - 1] ?? 0, snapshot.wordStarts[split] ?? 0, " … ");
				const location = locateQuote(quote, snapshot.text);
				expect(location.check).toBe("verbatim");
				if (location.check === "verbatim") {
					expect(spansAreOrdered(location.spans, snapshot.text.length)).toBe(true);
					expect(location.spans[0]?.start).toBe(snapshot.wordStarts[run.first]);
					expect(location.spans[location.spans.length - 1]?.end).toBe(snapshot.wordEnds[run.last]);
				}
			}),
			{ numRuns: 200 },
		);
	});

	it("returns spans inside the snapshot, ascending and not overlapping", () => {
		const caseArbitrary = fc.oneof(
			runArbitrary.map((run) => ({ snapshot: run.snapshot.text, quote: runText(run) })),
			runArbitrary.chain((run) =>
				fc.array(fc.nat(), { minLength: 1, maxLength: 3 }).map((cuts) => {
					const words = Array.from({ length: run.last - run.first + 1 }, (_, i) =>
						wordText(run.snapshot, run.first + i),
					);
					const parts = cuts.map((cut) => cut % words.length).sort((a, b) => a - b);
					const quote = words.map((word, i) => (parts.includes(i) ? `${word} …` : word)).join(" ");
					return { snapshot: run.snapshot.text, quote };
				}),
			),
			fc.tuple(snapshotArbitrary, fc.string({ maxLength: 60 })).map(([snapshot, quote]) => ({
				snapshot: snapshot.text,
				quote,
			})),
			fc.tuple(fc.string({ maxLength: 200 }), fc.string({ maxLength: 60 })).map(([snapshot, quote]) => ({
				snapshot,
				quote,
			})),
			fc
				.tuple(
					fc.string({ unit: "grapheme", maxLength: 200 }),
					fc.string({ unit: "grapheme", maxLength: 60 }),
				)
				.map(([snapshot, quote]) => ({ snapshot, quote })),
		);
		fc.assert(
			fc.property(caseArbitrary, ({ snapshot, quote }) => {
				const location = locateQuote(quote, snapshot);
				if (location.check === "verbatim") {
					expect(location.spans.length).toBeGreaterThan(0);
					expect(spansAreOrdered(location.spans, snapshot.length)).toBe(true);
				} else if (location.check === "altered") {
					expect(spansAreOrdered([location.nearest], snapshot.length)).toBe(true);
					expect(location.similarity).toBeGreaterThanOrEqual(0.5);
					expect(location.similarity).toBeLessThanOrEqual(1);
				} else {
					expect(location.similarity).toBeGreaterThanOrEqual(0);
					expect(location.similarity).toBeLessThanOrEqual(1);
				}
			}),
			{ numRuns: 600 },
		);
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { locateQuote } from "../../../src/evidence/quote-match";
import { checkFindings, citationChecker, normalizeUrl } from "../../../src/evidence/verify";
import type { Citation, SourceRecord } from "../../../src/protocol";
import { aggregate } from "../../../src/synthesis/aggregate";

const TRIAL_REPORT =
	"The municipal trial fitted 120 homes with ground-source heat pumps in 2021. Over two winters, " +
	"measured electricity use for heating fell by 40% against the gas boilers they replaced, while " +
	"indoor temperatures stayed within one degree of the thermostat setting on 97% of days.";

const GRID_NOTE =
	"The regional grid operator reported that evening peak demand grew by 6 percent after the trial " +
	"began, which it attributed mainly to electric vehicle charging rather than to heating loads.";

const SOURCES: SourceRecord[] = [
	{
		id: "trial",
		title: "Municipal heat pump trial",
		url: "https://city.example/heat-pump-trial",
		origin: "url",
		status: "retrieved",
		sha256: "a1",
		bytes: TRIAL_REPORT.length,
		contentType: "text/html",
		error: null,
		retrievedAt: 1,
	},
	{
		id: "grid",
		title: "Grid operator note",
		url: null,
		origin: "attached",
		status: "retrieved",
		sha256: "b2",
		bytes: GRID_NOTE.length,
		contentType: "text/plain",
		error: null,
		retrievedAt: 1,
	},
];
/** A retrieved source of attached text. */
function attachedSource(id: string, text: string): SourceRecord {
	return {
		id,
		title: id,
		url: null,
		origin: "attached",
		status: "retrieved",
		sha256: `sha-${id}`,
		bytes: text.length,
		contentType: "text/plain",
		error: null,
		retrievedAt: 1,
	};
}

const SNAPSHOTS = new Map([
	["trial", TRIAL_REPORT],
	["grid", GRID_NOTE],
]);

function verifiedCount(citations: Citation[]): number {
	const [checked] = checkFindings(
		[
			{
				taskId: "explorer",
				role: "explorer",
				findings: [{ title: "t", claim: "c", confidence: 0.9, citations }],
			},
		],
		SOURCES,
		SNAPSHOTS,
	);
	return checked?.citations.filter((citation) => citation.verified).length ?? 0;
}

const againstEverySource = (quote: string): Citation[] =>
	SOURCES.map((source) => ({ sourceId: source.id, url: null, quote }));

describe("planted fabrications", () => {
	it("never verifies sentences that are in no source", () => {
		const invented = [
			"The trial showed heat pumps paid for themselves within three years of installation.",
			"Residents rated their comfort as excellent in a survey carried out after the first winter.",
			"Grid operators expect demand to double by the end of the decade because of data centres.",
		];
		for (const quote of invented) expect(verifiedCount(againstEverySource(quote))).toBe(0);
	});

	it("never verifies a quote stitched from two sources", () => {
		const stitched =
			"measured electricity use for heating fell by 40% which it attributed mainly to electric vehicle charging";
		expect(verifiedCount(againstEverySource(stitched))).toBe(0);
		// Each half on its own is genuine.
		expect(
			verifiedCount([
				{ sourceId: "trial", url: null, quote: "measured electricity use for heating fell by 40%" },
			]),
		).toBe(1);
		expect(
			verifiedCount([
				{ sourceId: "grid", url: null, quote: "which it attributed mainly to electric vehicle charging" },
			]),
		).toBe(1);
	});

	it("never verifies a genuine passage with one figure changed", () => {
		const passage =
			"Over two winters, measured electricity use for heating fell by 40% against the gas boilers they " +
			"replaced, while indoor temperatures stayed within one degree of the thermostat setting";
		expect(locateQuote(passage, TRIAL_REPORT).check).toBe("verbatim");
		for (const changed of [
			passage.replace("40%", "90%"),
			passage.replace("40%", "4%"),
			passage.replace("two winters", "2 winters"),
		]) {
			// Every other word still matches, so the passage is found, but as altered: figures must be exact.
			expect(locateQuote(changed, TRIAL_REPORT).check).toBe("altered");
			expect(verifiedCount(againstEverySource(changed))).toBe(0);
		}
	});

	it("never verifies swapped figures", () => {
		const swapped =
			"The municipal trial fitted 120 homes with ground-source heat pumps in 2021. Over two winters, " +
			"measured electricity use for heating fell by 97% against the gas boilers they replaced, while " +
			"indoor temperatures stayed within one degree of the thermostat setting on 40% of days.";
		expect(verifiedCount(againstEverySource(swapped))).toBe(0);
	});

	it("never verifies a citation whose URL the job did not retrieve, and never shows that URL as a source", () => {
		const genuineQuote = "fitted 120 homes with ground-source heat pumps";
		const fabricatedUrl = "https://journal.example/heat-pump-study";
		const checked = checkFindings(
			[
				{
					taskId: "explorer",
					role: "explorer",
					findings: [
						{
							title: "Trial size",
							claim: "The trial covered 120 homes.",
							confidence: 0.9,
							citations: [{ sourceId: "trial", url: fabricatedUrl, quote: genuineQuote }],
						},
						{
							title: "Savings",
							claim: "Heating electricity use fell by 40%.",
							confidence: 0.8,
							citations: [
								{ sourceId: "trial", url: null, quote: "electricity use for heating fell by 40%" },
								{ sourceId: "trial", url: `${fabricatedUrl}#results`, quote: "fell by 40%" },
							],
						},
					],
				},
			],
			SOURCES,
			SNAPSHOTS,
		);
		expect(
			checked
				.flatMap((f) => f.citations)
				.filter((c) => c.url?.startsWith(fabricatedUrl))
				.map((c) => c.check),
		).toEqual(["url_not_retrieved", "url_not_retrieved"]);

		const aggregation = aggregate(checked, {
			depth: 3,
			sources: SOURCES,
			tasksPlanned: 1,
			tasksCompleted: 1,
			citationsRequired: true,
		});
		const verifiedUrls = aggregation.findings
			.flatMap((finding) => finding.citations)
			.filter((citation) => citation.verified)
			.map((citation) => citation.url);
		expect(verifiedUrls.some((url) => url?.startsWith(fabricatedUrl))).toBe(false);
		expect(aggregation.findings.map((finding) => [finding.claim, finding.support.verdict])).toEqual([
			["Heating electricity use fell by 40%.", "supported"],
			["The trial covered 120 homes.", "unsupported"],
		]);
		expect(aggregation.findings[1]?.independentSources).toEqual([]);
		expect(aggregation.verification.fabricatedUrls).toEqual(
			[`${fabricatedUrl}#results`, fabricatedUrl].sort(),
		);
	});
});

/** Words over disjoint alphabets, so a quote of `foreignWord`s shares no token with a text of `sourceWord`s. */
const sourceWord = fc.string({ unit: fc.constantFrom(..."abcdefghij"), minLength: 1, maxLength: 8 });
const foreignWord = fc.string({ unit: fc.constantFrom(..."klmnopqrst"), minLength: 1, maxLength: 8 });
const separator = fc.constantFrom(" ", "  ", ", ", ". ", "\n", " — ", "; ");

const sourcePairs = fc.array(fc.tuple(sourceWord, separator), { minLength: 4, maxLength: 300 });
const sourceText = sourcePairs.map((pairs) => ({
	words: pairs.map(([word]) => word),
	text: pairs.map(([word, sep]) => word + sep).join(""),
}));

describe("properties", () => {
	it("never verifies a quote made of words that no source contains", () => {
		fc.assert(
			fc.property(
				fc.array(sourceText, { minLength: 1, maxLength: 3 }),
				fc.array(foreignWord, { minLength: 1, maxLength: 40 }),
				(texts, quoteWords) => {
					const quote = quoteWords.join(" ");
					for (const { text } of texts) expect(locateQuote(quote, text).check).not.toBe("verbatim");
				},
			),
			{ numRuns: 200 },
		);
	});

	it("always verifies a run of three or more source words, whatever its spacing and first letter's case", () => {
		const whitespace = fc.constantFrom(" ", "  ", "\n", "\t ", "\u00a0");
		fc.assert(
			fc.property(
				sourcePairs,
				fc.nat(),
				fc.integer({ min: 3, max: 60 }),
				whitespace,
				fc.boolean(),
				(pairs, offset, length, space, capital) => {
					const text = pairs.map(([word, sep]) => word + sep).join("");
					const start = offset % (pairs.length - 2);
					const run = pairs.slice(start, start + length);
					const written = run
						.map(([word, sep], index) =>
							index === run.length - 1 ? word : word + sep.replace(/\s+/g, space),
						)
						.join("");
					const quote = capital ? written.charAt(0).toUpperCase() + written.slice(1) : written;
					const check = citationChecker([attachedSource("text", text)], new Map([["text", text]]));
					const checked = check({ sourceId: "text", url: null, quote });
					expect(checked.check).toBe("verbatim");
					const spanned = checked.spans.map((span) => text.slice(span.start, span.end)).join(" … ");
					expect(spanned).toBe(checked.sourceText);
					expect(checked.sourceText?.replace(/\s+/g, " ")).toBe(written.replace(/\s+/g, " "));
				},
			),
			{ numRuns: 200 },
		);
	});

	it("never verifies a genuine run of words with one figure replaced by a figure the source lacks", () => {
		const textWithNumbers = fc.array(fc.oneof(sourceWord, fc.integer({ min: 0, max: 999 }).map(String)), {
			minLength: 20,
			maxLength: 200,
		});
		fc.assert(
			fc.property(textWithNumbers, fc.nat(), fc.integer({ min: 10, max: 40 }), (words, offset, length) => {
				const start = offset % (words.length - 9);
				const run = words.slice(start, start + length);
				const numberAt = run.findIndex((word) => /^\d+$/.test(word));
				fc.pre(numberAt >= 0);
				const changed = [...run];
				changed[numberAt] = String(1000 + numberAt);
				expect(locateQuote(changed.join(" "), words.join(" ")).check).not.toBe("verbatim");
			}),
			{ numRuns: 200 },
		);
	});

	it("never verifies a citation whose URL is not one the job retrieved", () => {
		// The retrieved source's own host and paths close to its own are tried too: near misses must fail.
		const url = fc
			.tuple(
				fc.constantFrom("http", "https", "HTTPS"),
				fc.oneof(fc.domain(), fc.constant("city.example"), fc.constant("CITY.example")),
				fc.oneof(
					fc.constantFrom("/heat-pump-trial-2", "/heat-pump-trial/data", "/Heat-Pump-Trial"),
					fc
						.array(fc.string({ unit: fc.constantFrom(..."abc-_1"), minLength: 1, maxLength: 6 }), {
							maxLength: 3,
						})
						.map((segments) => `/${segments.join("/")}`),
				),
				fc.constantFrom("", "#top", "?page=2"),
			)
			.map(([scheme, host, path, suffix]) => `${scheme}://${host}${path}${suffix}`);
		fc.assert(
			fc.property(url, (url) => {
				fc.pre(normalizeUrl(url) !== normalizeUrl("https://city.example/heat-pump-trial"));
				expect(
					verifiedCount([
						{ sourceId: "trial", url, quote: "fitted 120 homes with ground-source heat pumps" },
					]),
				).toBe(0);
			}),
			{ numRuns: 200 },
		);
	});
});

import { describe, expect, it } from "vitest";
import {
	checkFindings,
	indexSnapshot,
	matchQuote,
	matchQuoteInIndex,
	normalizeForMatch,
	normalizeUrl,
	summarizeVerification,
} from "../../../src/evidence/verify";
import type { Citation, Finding, SourceRecord } from "../../../src/protocol";
import type { CheckedCitation, CheckedFinding } from "../../../src/synthesis/types";

const HEAT_PUMPS =
	"Field trials in Norway and Canada showed that modern air-source heat pumps kept a coefficient of " +
	"performance above 2.0 at outdoor temperatures of −15 °C. Below −25 °C, most units switched to " +
	"resistive backup heating, and seasonal efficiency dropped by about 40% compared with mild winters. " +
	"Installers reported that undersized outdoor units were the most common cause of complaints from homeowners.";

const BATTERIES =
	"Grid-scale lithium iron phosphate batteries lost roughly 2% of their capacity per year in the first " +
	"five years of operation, according to the operator's maintenance logs.";

/** Deterministic pseudo-random words, so large snapshots are reproducible. */
function syntheticText(wordCount: number, seed: number): string[] {
	const syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "qui", "del", "zu", "pra", "ne", "sol"];
	let state = seed;
	const next = () => {
		state = (state * 1103515245 + 12345) % 2147483648;
		return state;
	};
	return Array.from({ length: wordCount }, () => {
		const length = 2 + (next() % 3);
		return Array.from({ length }, () => syllables[next() % syllables.length]).join("");
	});
}

describe("normalizeForMatch", () => {
	it("folds case, quotes, dashes, punctuation and whitespace", () => {
		expect(normalizeForMatch("  It’s  “Fine”—really!\n\tOK? ")).toBe("it s fine really ok");
		expect(normalizeForMatch('It\'s "fine" - really. ok')).toBe("it s fine really ok");
	});

	it("applies NFKC so compatibility forms match their plain forms", () => {
		expect(normalizeForMatch("ＨＥＡＴ ﬁeld ２０２４")).toBe("heat field 2024");
	});

	it("keeps letters of other scripts and digits", () => {
		expect(normalizeForMatch("Wärme-Pumpe: 40 %")).toBe("wärme pumpe 40");
		expect(normalizeForMatch("热泵 效率")).toBe("热泵 效率");
	});

	it("returns an empty string for text without letters or digits", () => {
		expect(normalizeForMatch(" … — !! ")).toBe("");
	});
});

describe("matchQuote", () => {
	it("matches exactly across whitespace, case and punctuation differences", () => {
		expect(
			matchQuote("MODERN air source heat-pumps   kept a “coefficient of performance”", HEAT_PUMPS),
		).toEqual({
			check: "exact",
			score: 1,
		});
	});

	it("matches on token boundaries only", () => {
		expect(matchQuote("eld trials in Norway", HEAT_PUMPS).check).not.toBe("exact");
		expect(matchQuote("field trials in norway", HEAT_PUMPS).check).toBe("exact");
	});

	it("accepts a 15-word quote with one word changed as fuzzy", () => {
		const quote =
			"Installers reported that oversized outdoor units were the most common cause of complaints from homeowners";
		const match = matchQuote(quote, HEAT_PUMPS);
		expect(match.check).toBe("fuzzy");
		expect(match.score).toBeCloseTo(14 / 15, 10);
	});

	it("accepts a quote that leaves out one word of the source", () => {
		const quote =
			"Installers reported that undersized units were the most common cause of complaints from homeowners";
		expect(matchQuote(quote, HEAT_PUMPS)).toEqual({ check: "fuzzy", score: 1 });
	});

	it("rejects a quote with two changed words in fifteen", () => {
		const quote =
			"Installers reported that oversized indoor units were the most common cause of complaints from homeowners";
		// No window can reach the threshold, so none is aligned and the score stays 0.
		expect(matchQuote(quote, HEAT_PUMPS)).toEqual({ check: "quote_not_found", score: 0 });
	});

	it("rejects a paraphrase", () => {
		const quote = "Homeowners mostly complained because the outdoor units installers fitted were too small";
		expect(matchQuote(quote, HEAT_PUMPS).check).toBe("quote_not_found");
	});

	it("rejects the right words in a shuffled order", () => {
		const words =
			"installers reported that undersized outdoor units were the most common cause of complaints".split(" ");
		const shuffled = [...words.slice(7), ...words.slice(0, 7)].reverse().join(" ");
		expect(matchQuote(shuffled, HEAT_PUMPS).check).toBe("quote_not_found");
	});

	it("rejects a changed number even when the word similarity reaches the threshold", () => {
		const quote = "seasonal efficiency dropped by about 90% compared with mild winters";
		const match = matchQuote(quote, HEAT_PUMPS);
		expect(match).toEqual({ check: "quote_not_found", score: 0.9 });
		const withoutChange = "seasonal efficiency dropped by about 40% compared with mild winters";
		expect(matchQuote(withoutChange, HEAT_PUMPS).check).toBe("exact");
	});

	it("requires short quotes to match exactly", () => {
		expect(matchQuote("heat pumps", HEAT_PUMPS)).toEqual({ check: "exact", score: 1 });
		expect(matchQuote("heat pump kept", HEAT_PUMPS)).toEqual({ check: "quote_too_short", score: 0 });
		expect(matchQuote("", HEAT_PUMPS)).toEqual({ check: "quote_too_short", score: 0 });
		expect(matchQuote("— …", HEAT_PUMPS)).toEqual({ check: "quote_too_short", score: 0 });
	});

	it("does not find a quote in an empty snapshot", () => {
		expect(matchQuote("modern air source heat pumps", "")).toEqual({ check: "quote_not_found", score: 0 });
	});

	it("finds a long fuzzy quote in a 200 KB snapshot", () => {
		const words = syntheticText(30_000, 7);
		const snapshot = words.join(" ");
		expect(snapshot.length).toBeGreaterThan(200_000);
		const quoteWords = words.slice(20_000, 20_300);
		quoteWords[150] = "changedword";
		const quote = quoteWords.join(" ");
		expect(quote.length).toBeLessThanOrEqual(2600);
		const match = matchQuote(quote, snapshot);
		expect(match.check).toBe("fuzzy");
		expect(match.score).toBeCloseTo(299 / 300, 10);
	});

	it("gives up on adversarial text without verifying it", () => {
		const snapshot = "alpha beta ".repeat(20_000);
		const quote = `${"alpha ".repeat(150)}${"beta ".repeat(150)}`;
		expect(matchQuote(quote, snapshot).check).toBe("quote_not_found");
	});
});

describe("matchQuoteInIndex", () => {
	it("gives the same answers as matchQuote against a reused index", () => {
		const index = indexSnapshot(HEAT_PUMPS);
		for (const quote of [
			"heat pumps",
			"heat pump kept",
			"Installers reported that oversized outdoor units were",
		]) {
			expect(matchQuoteInIndex(quote, index)).toEqual(matchQuote(quote, HEAT_PUMPS));
		}
	});
});

describe("normalizeUrl", () => {
	it("lower-cases scheme and host, drops the fragment and trailing slashes", () => {
		expect(normalizeUrl("HTTPS://Example.COM/Heat-Pumps/#results")).toBe("https://example.com/Heat-Pumps");
		expect(normalizeUrl("https://example.com/")).toBe("https://example.com");
		expect(normalizeUrl("https://example.com/a/?q=1#x")).toBe("https://example.com/a?q=1");
	});

	it("keeps text that is not a URL as it is, trimmed", () => {
		expect(normalizeUrl("  not a url ")).toBe("not a url");
	});
});

const source = (
	id: string,
	url: string | null,
	status: SourceRecord["status"] = "retrieved",
): SourceRecord => ({
	id,
	title: id,
	url,
	origin: url === null ? "attached" : "url",
	status,
	sha256: status === "retrieved" ? `sha-${id}` : null,
	bytes: 100,
	contentType: "text/plain",
	error: status === "retrieved" ? null : "timeout",
	retrievedAt: 1,
});

const SOURCES: SourceRecord[] = [
	source("s1", "https://example.com/heat-pumps/"),
	source("s2", null),
	source("s3", "https://example.org/down", "unreachable"),
	source("s4", "https://example.net/missing-snapshot"),
];
const SNAPSHOTS = new Map([
	["s1", HEAT_PUMPS],
	["s2", BATTERIES],
]);

const finding = (citations: Citation[], claim = "Heat pumps work in the cold."): Finding => ({
	title: "t",
	claim,
	confidence: 0.8,
	citations,
});

function checkOne(citation: Citation): CheckedCitation {
	const [checked] = checkFindings(
		[{ taskId: "explorer", role: "explorer", findings: [finding([citation])] }],
		SOURCES,
		SNAPSHOTS,
	);
	const [result] = checked?.citations ?? [];
	if (!result) throw new Error("no checked citation");
	return result;
}

describe("checkFindings", () => {
	const heatQuote = "modern air-source heat pumps kept a coefficient of performance above 2.0";

	it("verifies a quote against the source named by sourceId when there is no URL", () => {
		expect(checkOne({ sourceId: "s1", url: null, quote: heatQuote })).toEqual({
			sourceId: "s1",
			url: null,
			quote: heatQuote,
			verified: true,
			check: "exact",
			matchScore: 1,
		});
	});

	it("checks the source whose URL matches, even when sourceId names another one", () => {
		const checked = checkOne({
			sourceId: "s2",
			url: "https://EXAMPLE.com/heat-pumps#results",
			quote: heatQuote,
		});
		expect(checked).toMatchObject({ sourceId: "s1", verified: true, check: "exact" });
	});

	it("treats a URL the job never retrieved as fabricated, whatever the sourceId and quote", () => {
		const checked = checkOne({ sourceId: "s1", url: "https://example.com/other-page", quote: heatQuote });
		expect(checked).toMatchObject({
			sourceId: "s1",
			verified: false,
			check: "url_not_retrieved",
			matchScore: 0,
		});
	});

	it("treats the URL of an unreachable source as not retrieved", () => {
		const checked = checkOne({ sourceId: "s3", url: "https://example.org/down", quote: heatQuote });
		expect(checked.check).toBe("url_not_retrieved");
	});

	it("falls back to sourceId when the URL is blank", () => {
		expect(checkOne({ sourceId: "s1", url: "  ", quote: heatQuote }).check).toBe("exact");
	});

	it("reports unknown source ids", () => {
		expect(checkOne({ sourceId: "s9", url: null, quote: heatQuote })).toMatchObject({
			verified: false,
			check: "unknown_source",
		});
	});

	it("reports unreachable sources and sources without a snapshot", () => {
		expect(checkOne({ sourceId: "s3", url: null, quote: heatQuote }).check).toBe("source_unreachable");
		expect(checkOne({ sourceId: "s4", url: null, quote: heatQuote }).check).toBe("source_unreachable");
		const byUrl = checkOne({ sourceId: "x", url: "https://example.net/missing-snapshot/", quote: heatQuote });
		expect(byUrl).toMatchObject({ sourceId: "s4", check: "source_unreachable" });
	});

	it("does not verify a quote that belongs to another source", () => {
		expect(checkOne({ sourceId: "s2", url: null, quote: heatQuote }).check).toBe("quote_not_found");
	});

	it("marks a finding supported when any citation is verified and keeps agent and order", () => {
		const checked = checkFindings(
			[
				{
					taskId: "explorer",
					role: "explorer",
					findings: [
						finding([
							{ sourceId: "s9", url: null, quote: heatQuote },
							{ sourceId: "s2", url: null, quote: "lost roughly 2% of their capacity per year" },
						]),
						finding([{ sourceId: "s1", url: null, quote: "batteries lost capacity every single year" }]),
					],
				},
				{ taskId: "critic", role: "critic", findings: [finding([])] },
			],
			SOURCES,
			SNAPSHOTS,
		);
		expect(checked.map((f) => [f.taskId, f.role, f.supported])).toEqual([
			["explorer", "explorer", true],
			["explorer", "explorer", false],
			["critic", "critic", false],
		]);
		expect(checked[0]?.citations.map((c) => c.check)).toEqual(["unknown_source", "exact"]);
	});
});

describe("summarizeVerification", () => {
	const cited = (check: CheckedCitation["check"], url: string | null = null): CheckedCitation => ({
		sourceId: "s1",
		url,
		quote: "q",
		verified: check === "exact" || check === "fuzzy",
		check,
		matchScore: 0,
	});
	const checkedFinding = (citations: CheckedCitation[]): CheckedFinding => ({
		title: "t",
		claim: "c",
		confidence: 0.5,
		taskId: "explorer",
		role: "explorer",
		citations,
		supported: citations.some((c) => c.verified),
	});

	it("counts checks and claims and lists fabricated URLs once, sorted", () => {
		const summary = summarizeVerification([
			checkedFinding([cited("exact"), cited("url_not_retrieved", "https://z.example/a")]),
			checkedFinding([cited("fuzzy"), cited("quote_not_found"), cited("quote_too_short")]),
			checkedFinding([
				cited("unknown_source"),
				cited("source_unreachable"),
				cited("url_not_retrieved", "https://a.example/b"),
				cited("url_not_retrieved", "https://z.example/a"),
			]),
		]);
		expect(summary).toEqual({
			citationsTotal: 9,
			citationsVerified: 2,
			exactMatches: 1,
			fuzzyMatches: 1,
			quoteNotFound: 2,
			unknownSource: 1,
			fabricatedUrls: ["https://a.example/b", "https://z.example/a"],
			claimsTotal: 3,
			claimsSupported: 2,
			claimsUnsupported: 1,
			groundingScore: 2 / 3,
		});
	});

	it("scores zero grounding when there are no claims", () => {
		expect(summarizeVerification([])).toMatchObject({ claimsTotal: 0, groundingScore: 0, citationsTotal: 0 });
	});
});

describe("normalizeUrl tracking parameters", () => {
	it("drops utm_* parameters and keeps the others", () => {
		expect(normalizeUrl("https://www.iea.org/report?utm_source=openai")).toBe("https://www.iea.org/report");
		expect(normalizeUrl("https://a.test/p?id=3&utm_medium=x")).toBe("https://a.test/p?id=3");
	});
});

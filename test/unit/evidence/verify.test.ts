import { describe, expect, it } from "vitest";
import {
	checkFindings,
	citationChecker,
	evidenceOf,
	normalizeUrl,
	ruleSupport,
} from "../../../src/evidence/verify";
import type { Citation, Finding, SourceRecord } from "../../../src/protocol";
import type { CheckedCitation } from "../../../src/synthesis/types";

const HEAT_PUMPS =
	"Field trials in Norway and Canada showed that modern air-source heat pumps kept a coefficient of " +
	"performance above 2.0 at outdoor temperatures of −15 °C. Below −25 °C, most units switched to " +
	"resistive backup heating, and seasonal efficiency dropped by about 40% compared with mild winters. " +
	"Installers reported that undersized outdoor units were the most common cause of complaints from homeowners.";

const BATTERIES =
	"Grid-scale lithium iron phosphate batteries lost roughly 2% of their capacity per year in the first " +
	"five years of operation, according to the operator's maintenance logs.";

describe("normalizeUrl", () => {
	it("lower-cases scheme and host, drops the fragment and trailing slashes", () => {
		expect(normalizeUrl("HTTPS://Example.COM/Heat-Pumps/#results")).toBe("https://example.com/Heat-Pumps");
		expect(normalizeUrl("https://example.com/")).toBe("https://example.com");
		expect(normalizeUrl("https://example.com/a/?q=1#x")).toBe("https://example.com/a?q=1");
	});

	it("keeps text that is not a URL as it is, trimmed", () => {
		expect(normalizeUrl("  not a url ")).toBe("not a url");
	});

	it("drops utm_* parameters and keeps the others", () => {
		expect(normalizeUrl("https://www.iea.org/report?utm_source=openai")).toBe("https://www.iea.org/report");
		expect(normalizeUrl("https://a.test/p?id=3&utm_medium=x")).toBe("https://a.test/p?id=3");
		expect(normalizeUrl("https://a.test/p?UTM_Campaign=y&page=2")).toBe("https://a.test/p?page=2");
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

/** The snapshot text at a checked citation's spans, joined the way `sourceText` joins them. */
function textAtSpans(citation: CheckedCitation): string {
	const snapshot = SNAPSHOTS.get(citation.sourceId) ?? "";
	return citation.spans.map((span) => snapshot.slice(span.start, span.end)).join(" … ");
}

const HEAT_QUOTE = "modern air-source heat pumps kept a coefficient of performance above 2.0";

describe("checkFindings: which source a citation is checked against", () => {
	it("checks the source named by sourceId when there is no URL", () => {
		const start = HEAT_PUMPS.indexOf(HEAT_QUOTE);
		expect(checkOne({ sourceId: "s1", url: null, quote: HEAT_QUOTE })).toEqual({
			sourceId: "s1",
			url: null,
			quote: HEAT_QUOTE,
			verified: true,
			check: "verbatim",
			sourceText: HEAT_QUOTE,
			spans: [{ start, end: start + HEAT_QUOTE.length }],
			sha256: "sha-s1",
			similarity: 1,
		});
	});

	it("checks the source whose URL matches, even when sourceId names another one", () => {
		const checked = checkOne({
			sourceId: "s2",
			url: "https://EXAMPLE.com/heat-pumps#results",
			quote: HEAT_QUOTE,
		});
		expect(checked).toMatchObject({ sourceId: "s1", verified: true, check: "verbatim", sha256: "sha-s1" });
		expect(textAtSpans(checked)).toBe(HEAT_QUOTE);
	});

	it("treats a URL the job never retrieved as fabricated, whatever the sourceId and quote", () => {
		const checked = checkOne({ sourceId: "s1", url: "https://example.com/other-page", quote: HEAT_QUOTE });
		expect(checked).toEqual({
			sourceId: "s1",
			url: "https://example.com/other-page",
			quote: HEAT_QUOTE,
			verified: false,
			check: "url_not_retrieved",
			sourceText: null,
			spans: [],
			sha256: null,
			similarity: 0,
		});
	});

	it("calls a page the job found but could not fetch unreachable, not fabricated", () => {
		const checked = checkOne({
			sourceId: "s9",
			url: "https://example.org/down?utm_source=openai",
			quote: HEAT_QUOTE,
		});
		expect(checked).toMatchObject({
			check: "source_unreachable",
			sourceId: "s3",
			verified: false,
			sha256: null,
		});
	});

	it("matches a cited URL to its source whatever tracking the search engine added", () => {
		for (const url of [
			"https://example.org/heat?utm_source=openai",
			"https://EXAMPLE.org:443/heat/?fbclid=abc#section",
			"https://example.org/heat?gclid=1&utm_medium=x",
		]) {
			expect(normalizeUrl(url)).toBe("https://example.org/heat");
		}
		// A parameter that names the page stays.
		expect(normalizeUrl("https://example.org/heat?page=2&utm_source=x")).toBe(
			"https://example.org/heat?page=2",
		);
	});

	it("falls back to sourceId when the URL is blank", () => {
		expect(checkOne({ sourceId: "s1", url: "  ", quote: HEAT_QUOTE })).toMatchObject({
			check: "verbatim",
			verified: true,
		});
	});

	it("reports unknown source ids", () => {
		expect(checkOne({ sourceId: "s9", url: null, quote: HEAT_QUOTE })).toMatchObject({
			sourceId: "s9",
			verified: false,
			check: "unknown_source",
			sourceText: null,
			spans: [],
			sha256: null,
		});
	});

	it("reports unreachable sources and sources without a snapshot", () => {
		for (const sourceId of ["s3", "s4"]) {
			expect(checkOne({ sourceId, url: null, quote: HEAT_QUOTE })).toMatchObject({
				sourceId,
				verified: false,
				check: "source_unreachable",
				sourceText: null,
				spans: [],
				sha256: null,
			});
		}
		const byUrl = checkOne({
			sourceId: "x",
			url: "https://example.net/missing-snapshot/",
			quote: HEAT_QUOTE,
		});
		expect(byUrl).toMatchObject({ sourceId: "s4", check: "source_unreachable", verified: false });
	});

	it("does not verify a quote that belongs to another source", () => {
		const checked = checkOne({ sourceId: "s2", url: null, quote: HEAT_QUOTE });
		expect(checked).toMatchObject({ sourceId: "s2", verified: false, check: "not_found", sourceText: null });
		expect(checked.spans).toEqual([]);
		expect(checked.sha256).toBe("sha-s2");
		expect(checked.similarity).toBeLessThan(0.5);
	});
});

describe("checkFindings: quotes against the snapshot", () => {
	it("shows the snapshot's own words at the located offsets, not the agent's", () => {
		const quote = "“MODERN air source heat pumps kept a coefficient of performance above 2.0”";
		const agentForm = "Modern air-source heat pumps kept a coefficient of performance above 2.0";
		const checked = checkOne({ sourceId: "s1", url: null, quote: agentForm });
		expect(checked.check).toBe("verbatim");
		expect(checked.quote).toBe(agentForm);
		expect(checked.sourceText).toBe(HEAT_QUOTE);
		expect(textAtSpans(checked)).toBe(checked.sourceText);
		// Capital letters beyond the first and a missing hyphen are not in the declared normalisation.
		expect(checkOne({ sourceId: "s1", url: null, quote }).verified).toBe(false);
	});

	it("keeps a span per elided part, each the snapshot's own text", () => {
		const quote = "Installers reported that undersized outdoor units … cause of complaints from homeowners";
		const checked = checkOne({ sourceId: "s1", url: null, quote });
		expect(checked).toMatchObject({ verified: true, check: "verbatim", similarity: 1 });
		expect(checked.spans).toHaveLength(2);
		expect(checked.sourceText).toBe(
			"Installers reported that undersized outdoor units … cause of complaints from homeowners",
		);
		expect(textAtSpans(checked)).toBe(checked.sourceText);
		for (const span of checked.spans) expect(HEAT_PUMPS.slice(span.start, span.end)).not.toContain("…");
	});

	it("calls a quote with one word changed altered and points at the passage it came from", () => {
		const original =
			"Installers reported that undersized outdoor units were the most common cause of complaints";
		const checked = checkOne({
			sourceId: "s1",
			url: null,
			quote: original.replace("undersized", "oversized"),
		});
		expect(checked).toMatchObject({ verified: false, check: "altered", sha256: "sha-s1" });
		expect(checked.sourceText).toBe(original);
		expect(checked.spans).toHaveLength(1);
		expect(textAtSpans(checked)).toBe(original);
		// 12 of the quote's 13 words are in the passage, in order.
		expect(checked.similarity).toBeCloseTo(12 / 13, 10);
	});

	it("calls a quote with a changed figure altered, however similar the rest is", () => {
		const passage = "seasonal efficiency dropped by about 40% compared with mild winters";
		expect(checkOne({ sourceId: "s1", url: null, quote: passage }).check).toBe("verbatim");
		const changed = checkOne({ sourceId: "s1", url: null, quote: passage.replace("40%", "90%") });
		expect(changed).toMatchObject({ verified: false, check: "altered", sourceText: passage });
	});

	it("calls a paraphrase not found, with no passage", () => {
		const checked = checkOne({
			sourceId: "s1",
			url: null,
			quote: "Homeowners mostly complained because installers fitted outdoor units that were too small",
		});
		expect(checked).toMatchObject({ verified: false, check: "not_found", sourceText: null, spans: [] });
		expect(checked.similarity).toBeLessThan(0.5);
	});

	it("needs three words for a quote to count", () => {
		expect(checkOne({ sourceId: "s1", url: null, quote: "heat pumps" })).toMatchObject({
			verified: false,
			check: "not_found",
		});
		expect(checkOne({ sourceId: "s1", url: null, quote: "air-source heat pumps" }).check).toBe("verbatim");
	});
});

describe("checkFindings: support verdicts", () => {
	it("judges each claim against its verbatim quotes and keeps agent and order", () => {
		const checked = checkFindings(
			[
				{
					taskId: "explorer",
					role: "explorer",
					findings: [
						finding(
							[
								{ sourceId: "s9", url: null, quote: HEAT_QUOTE },
								{ sourceId: "s2", url: null, quote: "batteries lost roughly 2% of their capacity per year" },
							],
							"Batteries lost roughly 2% of their capacity per year.",
						),
						finding(
							[{ sourceId: "s2", url: null, quote: "batteries lost roughly 2% of their capacity per year" }],
							"Batteries lost roughly 5% of their capacity per year.",
						),
						finding(
							[{ sourceId: "s1", url: null, quote: "batteries lost capacity every single year" }],
							"Batteries lost capacity every single year.",
						),
					],
				},
				{ taskId: "critic", role: "critic", findings: [finding([])] },
			],
			SOURCES,
			SNAPSHOTS,
		);
		expect(checked.map((f) => [f.taskId, f.role, f.support.verdict, f.support.judgedBy])).toEqual([
			["explorer", "explorer", "supported", "rules"],
			["explorer", "explorer", "contradicted", "rules"],
			["explorer", "explorer", "unsupported", "rules"],
			["critic", "critic", "unsupported", "rules"],
		]);
		expect(checked[0]?.citations.map((c) => c.check)).toEqual(["unknown_source", "verbatim"]);
		expect(checked[1]?.support.reason).toMatch(/5%/);
		for (const { support } of checked) expect(support.reason).not.toBe("");
	});

	it("does not let an altered quote support its claim", () => {
		const altered =
			"Installers reported that oversized outdoor units were the most common cause of complaints";
		const [checked] = checkFindings(
			[
				{
					taskId: "explorer",
					role: "explorer",
					findings: [finding([{ sourceId: "s1", url: null, quote: altered }], altered)],
				},
			],
			SOURCES,
			SNAPSHOTS,
		);
		expect(checked?.citations[0]?.check).toBe("altered");
		expect(checked?.support.verdict).toBe("unsupported");
	});

	it("does not let a true quote about one thing support an invented claim about another", () => {
		const [checked] = checkFindings(
			[
				{
					taskId: "explorer",
					role: "explorer",
					findings: [
						finding(
							[{ sourceId: "s1", url: null, quote: HEAT_QUOTE }],
							"A 2019 Argonne National Laboratory study found heat pumps cut bills by 68%.",
						),
					],
				},
			],
			SOURCES,
			SNAPSHOTS,
		);
		expect(checked?.citations[0]?.verified).toBe(true);
		expect(checked?.support.verdict).not.toBe("supported");
	});
});

describe("evidenceOf and ruleSupport", () => {
	it("gives the snapshot from the first to the last located character of each verbatim quote", () => {
		const snapshot = "The pumps did not keep the rooms warm below −25 °C in the coldest homes.";
		const sources = [source("a", null)];
		const snapshots = new Map([["a", snapshot]]);
		const check = citationChecker(sources, snapshots);
		const elided = check({ sourceId: "a", url: null, quote: "The pumps did … keep the rooms warm" });
		expect(elided).toMatchObject({ verified: true, sourceText: "The pumps did … keep the rooms warm" });
		const unverified = check({ sourceId: "a", url: null, quote: "pumps were always warm enough" });
		expect(unverified.verified).toBe(false);
		// The elided "not" is part of the evidence, so a claim dropping it cannot pass.
		expect(evidenceOf([elided, unverified], snapshots)).toEqual(["The pumps did not keep the rooms warm"]);
		expect(ruleSupport("The pumps kept the rooms warm.", evidenceOf([elided], snapshots)).verdict).toBe(
			"contradicted",
		);
	});

	it("judges by the rules and says why", () => {
		const support = ruleSupport("Batteries lost roughly 2% of their capacity per year.", [BATTERIES]);
		expect(support).toMatchObject({ verdict: "supported", judgedBy: "rules" });
		expect(ruleSupport("Batteries lost capacity.", [])).toMatchObject({
			verdict: "unsupported",
			judgedBy: "rules",
		});
	});
});

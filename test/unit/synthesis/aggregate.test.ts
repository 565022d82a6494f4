import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ruleSupport } from "../../../src/evidence/verify";
import type { Role, SourceRecord } from "../../../src/protocol";
import {
	type AggregationContext,
	aggregate,
	CONSENSUS_SOURCES,
	summarizeVerification,
} from "../../../src/synthesis/aggregate";
import type { CheckedCitation, CheckedFinding, MergedFinding, Support } from "../../../src/synthesis/types";

const sha = (sourceId: string): string => `sha-${sourceId}`;

/** A citation whose quote is verbatim in the source: `text` is the snapshot's own words. */
const verbatim = (sourceId: string, text: string, quote = text): CheckedCitation => ({
	sourceId,
	url: null,
	quote,
	verified: true,
	check: "verbatim",
	sourceText: text,
	spans: [{ start: 0, end: text.length }],
	sha256: sha(sourceId),
	similarity: 1,
});
/** A quote close to a passage of the source but not verbatim. */
const altered = (sourceId: string, quote: string, nearest: string): CheckedCitation => ({
	sourceId,
	url: null,
	quote,
	verified: false,
	check: "altered",
	sourceText: nearest,
	spans: [{ start: 0, end: nearest.length }],
	sha256: sha(sourceId),
	similarity: 0.9,
});
const notFound = (sourceId: string, quote: string): CheckedCitation => ({
	sourceId,
	url: null,
	quote,
	verified: false,
	check: "not_found",
	sourceText: null,
	spans: [],
	sha256: sha(sourceId),
	similarity: 0.1,
});
const fabricated = (url: string, quote: string): CheckedCitation => ({
	sourceId: "s9",
	url,
	quote,
	verified: false,
	check: "url_not_retrieved",
	sourceText: null,
	spans: [],
	sha256: null,
	similarity: 0,
});

/** A checked finding judged by the rules against its verbatim quotes, unless `support` is given. */
function finding(
	taskId: string,
	role: Role,
	confidence: number,
	claim: string,
	citations: CheckedCitation[],
	support?: Support,
): CheckedFinding {
	const evidence = citations.flatMap((citation) =>
		citation.verified && citation.sourceText !== null ? [citation.sourceText] : [],
	);
	return {
		title: claim.slice(0, 30),
		claim,
		confidence,
		taskId,
		role,
		citations,
		support: support ?? ruleSupport(claim, evidence),
	};
}

const source = (id: string, status: SourceRecord["status"] = "retrieved"): SourceRecord => ({
	id,
	title: id,
	url: `https://example.com/${id}`,
	origin: "url",
	status,
	sha256: status === "retrieved" ? sha(id) : null,
	bytes: 10,
	contentType: "text/html",
	error: status === "retrieved" ? null : "timeout",
	retrievedAt: 1,
});

const SOURCES = [
	source("s1"),
	source("s2"),
	source("s3"),
	source("s4"),
	source("s5", "unreachable"),
	source("s6"),
];

const context = (overrides: Partial<AggregationContext> = {}): AggregationContext => ({
	depth: 5,
	sources: SOURCES,
	tasksPlanned: 7,
	tasksCompleted: 6,
	citationsRequired: true,
	...overrides,
});

const COP_CLAIM = "Heat pumps keep a COP above 2 at minus 15 degrees in cold climates";
const COP_S1 = "Field trials found that heat pumps keep a COP above 2 at minus 15 degrees in cold climates.";
const COP_S2 = "In cold climates, heat pumps keep a COP above 2 at minus 15 degrees, a second trial found.";
const FABRICATED_URL = "https://invented.example/geo";

const FINDINGS: CheckedFinding[] = [
	finding("explorer", "explorer", 0.9, COP_CLAIM, [verbatim("s1", COP_S1)]),
	finding("depth-analyst", "depth_analyst", 0.7, `${COP_CLAIM}.`, [
		verbatim("s1", COP_S1, COP_S1.toUpperCase()),
		verbatim("s2", COP_S2),
	]),
	finding(
		"verifier",
		"verifier",
		0.5,
		"In cold climates, heat pumps keep a COP above 2 at minus 15 degrees",
		[notFound("s3", "heat pumps are always efficient")],
	),
	finding("trend-analyst", "trend_analyst", 0.8, "Battery storage costs declined 40 percent since 2015", [
		verbatim("s3", "Battery storage costs declined 40 percent since 2015, the survey shows."),
	]),
	finding("critic", "critic", 0.6, "Battery storage costs increased since 2015", [
		verbatim("s4", "Battery storage costs increased since 2015 in most markets."),
	]),
	finding("explorer", "explorer", 0.6, "Installation takes 3 days for a typical home", [
		verbatim("s6", "Installation takes 3 days for a typical home."),
	]),
	finding("domain-expert", "domain_expert", 0.6, "Installation takes 5 days for a typical home", [
		verbatim("s4", "Installation takes 5 days for a typical home."),
	]),
	finding("explorer", "explorer", 0.95, "Geothermal loops last 50 years", [
		fabricated(FABRICATED_URL, "loops last 50 years"),
	]),
];

describe("aggregate", () => {
	const result = aggregate(FINDINGS, context());
	const byId = new Map(result.findings.map((f) => [f.id, f]));

	it("judges the fixture's findings by their quotes", () => {
		expect(FINDINGS.map((f) => f.support.verdict)).toEqual([
			"supported",
			"supported",
			"unsupported",
			"supported",
			"supported",
			"supported",
			"supported",
			"unsupported",
		]);
	});

	it("merges equal and similar claims and orders supported findings by weight, then claim, the rest last", () => {
		expect(result.findings.map((f) => [f.id, f.claim, f.support.verdict])).toEqual([
			["F1", COP_CLAIM, "supported"],
			["F2", "Battery storage costs declined 40 percent since 2015", "supported"],
			["F3", "Battery storage costs increased since 2015", "supported"],
			["F4", "Installation takes 3 days for a typical home", "supported"],
			["F5", "Installation takes 5 days for a typical home", "supported"],
			["F6", "Geothermal loops last 50 years", "unsupported"],
		]);
	});

	it("averages confidence and weighs by the number of independent sources, not of agents", () => {
		const merged = byId.get("F1");
		expect(merged?.confidence).toBeCloseTo(0.7, 10);
		expect(merged?.independentSources).toEqual([sha("s1"), sha("s2")]);
		expect(merged?.weight).toBeCloseTo(0.7 * 2, 10);
		expect(merged?.supportingAgents).toEqual([
			{ taskId: "explorer", role: "explorer" },
			{ taskId: "depth-analyst", role: "depth_analyst" },
			{ taskId: "verifier", role: "verifier" },
		]);
		// One source, however confident: weight = confidence.
		expect(byId.get("F2")?.weight).toBeCloseTo(0.8, 10);
		expect(byId.get("F6")).toMatchObject({ independentSources: [], weight: 0.95 });
	});

	it("unites citations without duplicates, verified first", () => {
		expect(byId.get("F1")?.citations.map((c) => [c.sourceId, c.verified])).toEqual([
			["s1", true],
			["s2", true],
			["s3", false],
		]);
	});

	it("lists supported findings with two or more independent sources as consensus", () => {
		expect(CONSENSUS_SOURCES).toBe(2);
		expect(result.consensus).toEqual(["F1"]);
	});

	it("detects opposite directions and different figures as conflicts, with their shared topic and detail", () => {
		expect(result.conflicts).toEqual([
			{
				findingA: "F2",
				findingB: "F3",
				topic: ["2015", "battery", "cost", "storag"],
				reason: "polarity",
				detail: "one says “declined” where the other says “increased”",
			},
			{
				findingA: "F4",
				findingB: "F5",
				topic: ["day", "home", "installation", "take", "typical"],
				reason: "numeric",
				detail: "3 days against 5 days for installation takes days typical home",
			},
		]);
	});

	it("marks supported findings whose sources no other supported finding cites as novel", () => {
		// F3 and F5 both rest on s4; the unsupported F6 is never novel.
		expect(result.novel).toEqual(["F1", "F2", "F4"]);
	});

	it("keeps every finding, whatever its verdict: the report decides what the body shows", () => {
		expect(result.findings).toHaveLength(6);
		expect(result.findings.filter((f) => f.support.verdict !== "supported").map((f) => f.id)).toEqual(["F6"]);
	});

	it("computes the quality score from the documented formulas", () => {
		const grounding = 5 / 6;
		const citations = 7 / 9;
		const depth = 5 / 10;
		const corroboration = 1 / 5;
		const sourceCoverage = 5 / 5;
		const completeness = 6 / 7;
		expect(result.quality).toEqual({
			grounding: expect.closeTo(grounding, 10),
			citations: expect.closeTo(citations, 10),
			depth: expect.closeTo(depth, 10),
			corroboration: expect.closeTo(corroboration, 10),
			sourceCoverage: expect.closeTo(sourceCoverage, 10),
			completeness: expect.closeTo(completeness, 10),
			overall: expect.closeTo(
				0.3 * grounding +
					0.15 * citations +
					0.15 * depth +
					0.15 * corroboration +
					0.1 * sourceCoverage +
					0.15 * completeness,
				10,
			),
		});
	});

	it("counts citations over every agent and claims over the merged findings", () => {
		expect(result.verification).toEqual({
			citationsTotal: 9,
			citationsVerified: 7,
			alteredQuotes: 0,
			quoteNotFound: 1,
			unknownSource: 0,
			sourceUnreachable: 0,
			fabricatedUrls: [FABRICATED_URL],
			claimsTotal: 6,
			claimsSupported: 5,
			claimsPartial: 0,
			claimsUnsupported: 1,
			claimsContradicted: 0,
			claimsUncited: 0,
			groundingScore: 5 / 6,
		});
	});

	it("does not depend on the order of its input", () => {
		fc.assert(
			fc.property(fc.shuffledSubarray(FINDINGS, { minLength: FINDINGS.length }), (shuffled) => {
				expect(aggregate(shuffled, context())).toEqual(result);
			}),
			{ numRuns: 30 },
		);
	});
});

describe("aggregate: independent sources and consensus", () => {
	const S1 = "Cold-climate heat pumps kept heating homes at minus 25 degrees.";
	const S2 = "At minus 25 degrees, cold-climate heat pumps kept heating homes in the second trial.";
	const CLAIM = "Cold-climate heat pumps kept heating homes at minus 25 degrees";

	it("does not count two agents quoting the same source as consensus", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, CLAIM, [verbatim("s1", S1)]),
				finding("critic", "critic", 0.6, `${CLAIM}.`, [verbatim("s1", S1)]),
			],
			context(),
		);
		expect(result.findings).toHaveLength(1);
		expect(result.findings[0]).toMatchObject({ independentSources: [sha("s1")], weight: 0.7 });
		expect(result.findings[0]?.supportingAgents).toHaveLength(2);
		expect(result.consensus).toEqual([]);
		expect(result.quality.corroboration).toBe(0);
	});

	it("counts two sources whose own quotes support the claim as consensus", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, CLAIM, [verbatim("s1", S1)]),
				finding("critic", "critic", 0.6, `${CLAIM}.`, [verbatim("s2", S2)]),
			],
			context(),
		);
		expect(result.findings[0]).toMatchObject({ independentSources: [sha("s1"), sha("s2")] });
		expect(result.findings[0]?.weight).toBeCloseTo(1.4, 10);
		expect(result.consensus).toEqual(["F1"]);
		expect(result.quality.corroboration).toBe(1);
	});

	it("counts a source once when two source ids hold the same snapshot", () => {
		const copy: CheckedCitation = { ...verbatim("s2", S1), sha256: sha("s1") };
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, CLAIM, [verbatim("s1", S1)]),
				finding("critic", "critic", 0.6, CLAIM, [copy]),
			],
			context(),
		);
		expect(result.findings[0]?.independentSources).toEqual([sha("s1")]);
		expect(result.consensus).toEqual([]);
	});

	it("does not let a synthesizer restating a finding make it consensus", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, CLAIM, [verbatim("s1", S1)]),
				finding("synthesizer", "synthesizer", 0.9, `Overall, ${CLAIM.toLowerCase()}.`, [verbatim("s1", S1)]),
			],
			context(),
		);
		expect(result.findings).toHaveLength(1);
		expect(result.findings[0]?.supportingAgents.map((agent) => agent.role)).toEqual([
			"synthesizer",
			"explorer",
		]);
		expect(result.findings[0]?.independentSources).toEqual([sha("s1")]);
		expect(result.consensus).toEqual([]);
	});

	it("adds no source for a member whose own quote does not back the merged claim", () => {
		const narrow = "Heat pumps keep a COP above 2 in cold climates";
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.9, COP_CLAIM, [verbatim("s1", COP_S1)]),
				finding("critic", "critic", 0.6, narrow, [verbatim("s2", `${narrow}.`)]),
			],
			context(),
		);
		expect(result.findings.map((f) => [f.claim, f.supportingAgents.length])).toEqual([[COP_CLAIM, 2]]);
		// s2 says nothing of minus 15 degrees, so it is no second source for the merged claim.
		expect(result.findings[0]?.independentSources).toEqual([sha("s1")]);
		expect(result.consensus).toEqual([]);
	});

	it("adds no source for a member whose claim its quotes do not support", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, CLAIM, [verbatim("s1", S1)]),
				finding("critic", "critic", 0.6, `${CLAIM}.`, [verbatim("s2", S2)], {
					verdict: "partial",
					reason: "judged partial",
					judgedBy: "model",
				}),
			],
			context(),
		);
		expect(result.findings).toHaveLength(1);
		expect(result.findings[0]?.support.verdict).toBe("supported");
		expect(result.findings[0]?.independentSources).toEqual([sha("s1")]);
	});

	it("never makes an unsupported finding consensus, however many sources it cites", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Heat pumps halve heating bills in every climate", [
					verbatim("s1", S1),
					verbatim("s2", S2),
				]),
			],
			context(),
		);
		expect(result.findings[0]?.support.verdict).not.toBe("supported");
		expect(result.findings[0]?.independentSources).toEqual([]);
		expect(result.consensus).toEqual([]);
		expect(result.novel).toEqual([]);
	});
});

describe("aggregate: conflicts", () => {
	it("reports 31% against 24% for the same measure from two sources as a numeric conflict, with both sides", () => {
		const a = "Winter efficiency losses were 31%";
		const b = "Studies report winter losses of 24%";
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, a, [verbatim("s1", `${a}.`)]),
				finding("critic", "critic", 0.7, b, [verbatim("s2", `${b}.`)]),
			],
			context(),
		);
		expect(result.findings.map((f) => [f.id, f.claim, f.support.verdict])).toEqual([
			["F1", a, "supported"],
			["F2", b, "supported"],
		]);
		expect(result.conflicts).toEqual([
			{
				findingA: "F1",
				findingB: "F2",
				topic: ["loss", "winter"],
				reason: "numeric",
				detail: "31% against 24% for winter losses",
			},
		]);
	});

	it("never merges claims that give different figures for the same measure, with or without a unit", () => {
		const a =
			"Seasonal performance factors of 2.8 to 3.2 were typical for cold-climate units in these trials";
		const b =
			"Seasonal performance factors of 4.8 to 5.2 were typical for cold-climate units in these trials";
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, a, [verbatim("s1", `${a}.`)]),
				finding("critic", "critic", 0.7, b, [verbatim("s2", `${b}.`)]),
			],
			context(),
		);
		expect(result.findings.map((f) => f.claim)).toEqual([a, b]);
		expect(result.conflicts.map((c) => [c.findingA, c.findingB, c.reason])).toEqual([
			["F1", "F2", "numeric"],
		]);
	});

	it("never merges a claim with its negation, and reports them as conflicting", () => {
		const a = "Heat pumps work below minus 25 degrees";
		const b = "Heat pumps don't work below minus 25 degrees";
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, a, [verbatim("s1", `${a}.`)]),
				finding("critic", "critic", 0.7, b, [verbatim("s2", `${b}.`)]),
			],
			context(),
		);
		expect(result.findings).toHaveLength(2);
		expect(result.conflicts).toEqual([
			{
				findingA: "F1",
				findingB: "F2",
				topic: ["25", "degre", "heat", "minus", "pump", "work"],
				reason: "polarity",
				detail: "one drops the negation in the other (“don't … work”)",
			},
		]);
	});

	it("merges a negated rise with a fall: they say the same thing", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Storage prices did not rise in 2023", [
					verbatim("s1", "Storage prices did not rise in 2023."),
				]),
				finding("critic", "critic", 0.7, "Storage prices fell in 2023", [
					verbatim("s2", "Storage prices fell in 2023."),
				]),
			],
			context(),
		);
		expect(result.findings.map((f) => f.supportingAgents.length)).toEqual([2]);
		expect(result.conflicts).toEqual([]);
	});

	it("sees a conflict between a rise and a fall of the same thing, not of related things", () => {
		const pair = (a: string, b: string) =>
			aggregate(
				[
					finding("explorer", "explorer", 0.8, a, [verbatim("s1", `${a}.`)]),
					finding("critic", "critic", 0.7, b, [verbatim("s2", `${b}.`)]),
				],
				context(),
			);
		const related = pair(
			"Storage prices rose in Germany during 2023",
			"Storage prices fell in 2023 across Europe",
		);
		expect(related.findings).toHaveLength(2);
		expect(related.conflicts).toEqual([]);
		const same = pair("Storage prices rose in 2023", "Storage prices fell in 2023");
		expect(same.conflicts.map((c) => c.reason)).toEqual(["polarity"]);
	});

	it("reports conflicts only between supported findings", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Battery storage costs declined since 2015", [
					verbatim("s1", "Battery storage costs declined since 2015."),
				]),
				finding("critic", "critic", 0.7, "Battery storage costs increased since 2015", [
					notFound("s2", "Battery storage costs increased since 2015"),
				]),
			],
			context(),
		);
		expect(result.findings.map((f) => f.support.verdict)).toEqual(["supported", "unsupported"]);
		expect(result.conflicts).toEqual([]);
	});

	it("reports no conflict between findings resting on the same source", () => {
		const text =
			"Winter efficiency losses were 31% in the first year. Winter efficiency losses were 24% later.";
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Winter efficiency losses were 31%", [verbatim("s1", text)]),
				finding("critic", "critic", 0.7, "Winter efficiency losses were 24%", [verbatim("s1", text)]),
			],
			context(),
		);
		expect(result.findings).toHaveLength(2);
		expect(result.conflicts).toEqual([]);
	});

	it("keeps unrelated claims apart and does not call them conflicting", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Heat pumps do not need gas", [
					verbatim("s1", "Heat pumps do not need gas."),
				]),
				finding("critic", "critic", 0.7, "Solar panels lose 40 percent output in snow", [
					verbatim("s1", "Solar panels lose 40 percent output in snow."),
				]),
			],
			context(),
		);
		expect(result.findings).toHaveLength(2);
		expect(result.conflicts).toEqual([]);
		expect(result.novel).toEqual([]);
	});
});

describe("aggregate: merging rules", () => {
	it("words a merged finding after its best supported member, never an unsupported one", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.9, "Heat pumps cut heating bills by 40 percent in Norway", []),
				finding("critic", "critic", 0.5, "Heat pumps cut heating bills in Norway", [
					verbatim("s1", "In Norway, heat pumps cut heating bills."),
				]),
			],
			context(),
		);
		expect(result.findings).toHaveLength(1);
		expect(result.findings[0]).toMatchObject({
			claim: "Heat pumps cut heating bills in Norway",
			support: { verdict: "supported", judgedBy: "rules" },
			independentSources: [sha("s1")],
		});
		expect(result.findings[0]?.weight).toBeCloseTo(0.7, 10);
		expect(result.findings[0]?.supportingAgents.map((agent) => agent.taskId)).toEqual(["critic", "explorer"]);
		// Two agents, one source: not consensus.
		expect(result.consensus).toEqual([]);
	});

	it("keeps an altered quote beside the verbatim quote of the passage it was altered from", () => {
		const passage = "Seasonal performance factors of 2.8 to 3.2 were typical in these trials";
		const misquoted = altered("s1", passage.replace("2.8 to 3.2", "4.8 to 5.2"), passage);
		const result = aggregate(
			[finding("explorer", "explorer", 0.8, passage, [verbatim("s1", passage), misquoted])],
			context(),
		);
		expect(result.findings[0]?.citations.map((c) => [c.check, c.quote])).toEqual([
			["verbatim", passage],
			["altered", misquoted.quote],
		]);
	});

	it("takes its verdict and wording from the best-supported member, and keeps a member's sub-question", () => {
		const claim = "Cold-climate heat pumps kept heating homes at minus 25 degrees";
		const partial: Support = { verdict: "partial", reason: "only part", judgedBy: "model" };
		const result = aggregate(
			[
				{ ...finding("explorer", "explorer", 0.9, `${claim}!`, [], partial), subQuestion: "How cold?" },
				finding("critic", "critic", 0.4, claim, [verbatim("s1", `${claim}.`)]),
			],
			context(),
		);
		expect(result.findings).toHaveLength(1);
		expect(result.findings[0]).toMatchObject({
			claim,
			subQuestion: "How cold?",
			support: { verdict: "supported" },
		});
	});

	it("orders partial, unsupported and contradicted findings after the supported ones", () => {
		const verdict = (v: Support["verdict"]): Support => ({ verdict: v, reason: v, judgedBy: "rules" });
		const result = aggregate(
			[
				finding("t1", "explorer", 0.9, "Wind turbines ice up in winter", [], verdict("contradicted")),
				finding("t2", "explorer", 0.8, "Grid batteries fade over ten years", [], verdict("unsupported")),
				finding("t3", "explorer", 0.7, "Solar output drops in snow", [], verdict("partial")),
				finding("t4", "explorer", 0.1, "Heat pumps save money", [verbatim("s1", "Heat pumps save money.")]),
			],
			context(),
		);
		expect(result.findings.map((f) => f.support.verdict)).toEqual([
			"supported",
			"partial",
			"unsupported",
			"contradicted",
		]);
		expect(result.verification).toMatchObject({
			claimsTotal: 4,
			claimsSupported: 1,
			claimsPartial: 1,
			claimsUnsupported: 1,
			claimsContradicted: 1,
			groundingScore: 0.25,
		});
	});

	it("counts claims after merging, not per agent", () => {
		const claim = "Cold-climate heat pumps kept heating homes at minus 25 degrees";
		const result = aggregate(
			["explorer", "critic", "verifier"].map((taskId, i) =>
				finding(taskId, "explorer", 0.5, claim, [verbatim(`s${i + 1}`, `${claim}.`)]),
			),
			context(),
		);
		expect(result.verification).toMatchObject({
			citationsTotal: 3,
			citationsVerified: 3,
			claimsTotal: 1,
			claimsSupported: 1,
			groundingScore: 1,
		});
	});

	it("handles no findings at all", () => {
		const result = aggregate([], context({ tasksPlanned: 0, tasksCompleted: 0, sources: [] }));
		expect(result).toMatchObject({ findings: [], consensus: [], conflicts: [], novel: [] });
		expect(result.quality).toEqual({
			grounding: 0,
			citations: 0,
			depth: 0,
			corroboration: 0,
			sourceCoverage: 0,
			completeness: 0,
			overall: 0,
		});
	});

	it("caps depth and completeness at 1", () => {
		const claims = [
			"Wind turbines ice up",
			"Solar output drops in snow",
			"Grid batteries fade",
			"Heat pumps save money",
		];
		const many = claims.map((claim, i) =>
			finding(`t${i}`, "explorer", 0.5, claim, [verbatim(`s${i + 1}`, `${claim}.`)]),
		);
		const result = aggregate(many, context({ depth: 1, tasksPlanned: 3, tasksCompleted: 4 }));
		expect(result.quality.depth).toBe(1);
		expect(result.quality.completeness).toBe(1);
	});
});

describe("aggregate: uncited findings", () => {
	const bare = finding("explorer", "explorer", 0.7, "Heat pumps are common in Norway", []);
	const failing = finding("explorer", "explorer", 0.7, "Heat pumps reach a COP of 9 in frost", [
		notFound("s1", "a COP of 9 in frost"),
	]);

	it("marks a finding without citations uncited only when the job did not require citations", () => {
		const optional = aggregate([bare], context({ citationsRequired: false }));
		expect(optional.findings.map((f) => [f.uncited, f.support.verdict])).toEqual([[true, "unsupported"]]);
		expect(optional.verification).toMatchObject({ claimsUncited: 1, claimsUnsupported: 0, claimsTotal: 1 });
		const required = aggregate([bare], context({ citationsRequired: true }));
		expect(required.findings.map((f) => f.uncited)).toEqual([false]);
		expect(required.verification).toMatchObject({ claimsUncited: 0, claimsUnsupported: 1 });
	});

	it("never makes a finding whose citation failed uncited: the failure stays a failure", () => {
		const result = aggregate([failing], context({ citationsRequired: false }));
		expect(result.findings.map((f) => [f.uncited, f.support.verdict])).toEqual([[false, "unsupported"]]);
		expect(result.verification).toMatchObject({ claimsUncited: 0, claimsUnsupported: 1, quoteNotFound: 1 });
	});

	it("lets an uncited restatement of a supported finding take the supported finding's citations", () => {
		const supported = finding("depth-analyst", "depth_analyst", 0.8, COP_CLAIM, [verbatim("s1", COP_S1)]);
		const restated = finding("synthesizer", "synthesizer", 0.9, COP_CLAIM, []);
		const result = aggregate([restated, supported], context({ citationsRequired: false }));
		expect(result.findings).toHaveLength(1);
		expect(result.findings[0]).toMatchObject({ uncited: false, support: { verdict: "supported" } });
		expect(result.verification.claimsUncited).toBe(0);
	});
});

describe("aggregate: each agent's own findings", () => {
	it("counts each agent's findings by their own verdicts before merging, with the mean confidence it stated", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, COP_CLAIM, [verbatim("s1", COP_S1)]),
				finding("explorer", "explorer", 0.4, "Heat pumps reach a COP of 9 in frost", [
					notFound("s2", "COP of 9"),
				]),
				finding("synthesizer", "synthesizer", 0.9, COP_CLAIM, [verbatim("s2", COP_S2)]),
				finding("synthesizer", "synthesizer", 0.5, "Most installers in Norway are certified", []),
			],
			context({ citationsRequired: false }),
		);
		expect(result.agents.map(({ statedConfidence: _, ...counts }) => counts)).toEqual([
			{
				taskId: "explorer",
				findings: 2,
				supported: 1,
				partial: 0,
				unsupported: 1,
				contradicted: 0,
				uncited: 0,
			},
			{
				taskId: "synthesizer",
				findings: 2,
				supported: 1,
				partial: 0,
				unsupported: 0,
				contradicted: 0,
				uncited: 1,
			},
		]);
		expect(result.agents[0]?.statedConfidence).toBeCloseTo(0.6, 12);
		expect(result.agents[1]?.statedConfidence).toBeCloseTo(0.7, 12);
	});
});

describe("aggregate: quality", () => {
	it("lets every component fall below 1, each by its own formula", () => {
		const sources = ["r1", "r2", "r3", "r4"].map((id) => source(id));
		const claimX = "Cold-climate heat pumps kept heating homes at minus 25 degrees";
		const claimY = "Defrost cycles cost about 10 percent of heating output";
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, claimX, [
					verbatim("r1", `${claimX}.`),
					verbatim("r2", `${claimX}.`),
				]),
				finding("critic", "critic", 0.6, claimY, [verbatim("r3", `${claimY}.`)]),
				finding("verifier", "verifier", 0.5, "Ground loops last 50 years", [
					altered("r3", "Ground loops last 50 years", "Ground loops last 25 years"),
				]),
			],
			{ depth: 5, sources, tasksPlanned: 4, tasksCompleted: 3, citationsRequired: true },
		);
		const expected = {
			grounding: 2 / 3,
			citations: 3 / 4,
			depth: 2 / 10,
			corroboration: 1 / 2,
			sourceCoverage: 3 / 4,
			completeness: 3 / 4,
		};
		for (const [component, value] of Object.entries(expected)) {
			expect(result.quality[component as keyof typeof expected], component).toBeCloseTo(value, 10);
			expect(value).toBeLessThan(1);
		}
		expect(result.quality.overall).toBeCloseTo(
			0.3 * expected.grounding +
				0.15 * expected.citations +
				0.15 * expected.depth +
				0.15 * expected.corroboration +
				0.1 * expected.sourceCoverage +
				0.15 * expected.completeness,
			10,
		);
		expect(result.quality.overall).toBeLessThan(1);
		expect(result.verification.alteredQuotes).toBe(1);
	});

	it("does not count a retrieved source that backs only an unsupported finding as coverage", () => {
		const sources = [source("r1"), source("r2")];
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Heat pumps save money", [
					verbatim("r1", "Heat pumps save money."),
				]),
				finding("critic", "critic", 0.8, "Geothermal loops last 50 years", [
					verbatim("r2", "Geothermal loops are buried deep."),
				]),
			],
			{ depth: 1, sources, tasksPlanned: 2, tasksCompleted: 2, citationsRequired: true },
		);
		expect(result.findings.map((f) => f.support.verdict)).toEqual(["supported", "unsupported"]);
		expect(result.quality.sourceCoverage).toBe(0.5);
		expect(result.quality.citations).toBe(1);
		expect(result.quality.grounding).toBe(0.5);
	});
});

describe("summarizeVerification", () => {
	const cited = (check: CheckedCitation["check"], url: string | null = null): CheckedCitation => ({
		...notFound("s1", "q"),
		url,
		verified: check === "verbatim",
		check,
	});
	const checked = (citations: CheckedCitation[]): CheckedFinding =>
		finding("explorer", "explorer", 0.5, "c", citations, {
			verdict: citations.some((c) => c.verified) ? "supported" : "unsupported",
			reason: "r",
			judgedBy: "rules",
		});
	const merged = (verdict: Support["verdict"], uncited = false): MergedFinding => ({
		id: "F",
		title: "t",
		claim: "c",
		subQuestion: null,
		confidence: 0.5,
		weight: 0.5,
		supportingAgents: [],
		citations: [],
		support: { verdict, reason: "r", judgedBy: "rules" },
		independentSources: [],
		uncited,
	});

	it("counts checks over every citation, claims over the merged findings, and lists fabricated URLs once, sorted", () => {
		const summary = summarizeVerification(
			[
				checked([cited("verbatim"), cited("url_not_retrieved", "https://z.example/a")]),
				checked([cited("altered"), cited("not_found"), cited("not_found")]),
				checked([
					cited("unknown_source"),
					cited("source_unreachable"),
					cited("url_not_retrieved", "https://a.example/b"),
					cited("url_not_retrieved", "https://z.example/a"),
				]),
			],
			[merged("supported"), merged("partial"), merged("contradicted")],
		);
		expect(summary).toEqual({
			citationsTotal: 9,
			citationsVerified: 1,
			alteredQuotes: 1,
			quoteNotFound: 2,
			unknownSource: 1,
			sourceUnreachable: 1,
			fabricatedUrls: ["https://a.example/b", "https://z.example/a"],
			claimsTotal: 3,
			claimsSupported: 1,
			claimsPartial: 1,
			claimsUnsupported: 0,
			claimsContradicted: 1,
			claimsUncited: 0,
			groundingScore: 1 / 3,
		});
	});

	it("counts uncited findings apart from unsupported ones, and in the total grounding divides by", () => {
		const summary = summarizeVerification(
			[],
			[merged("supported"), merged("unsupported"), merged("unsupported", true), merged("unsupported", true)],
		);
		expect(summary).toMatchObject({
			claimsTotal: 4,
			claimsSupported: 1,
			claimsUnsupported: 1,
			claimsUncited: 2,
			groundingScore: 1 / 4,
		});
	});

	it("never counts an altered quote as verified", () => {
		const summary = summarizeVerification([checked([cited("altered"), cited("altered")])], []);
		expect(summary).toMatchObject({ citationsTotal: 2, citationsVerified: 0, alteredQuotes: 2 });
	});

	it("scores zero grounding when there are no claims", () => {
		expect(summarizeVerification([], [])).toMatchObject({
			claimsTotal: 0,
			groundingScore: 0,
			citationsTotal: 0,
		});
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AntiHallucination, Role, SourceRecord } from "../../../src/protocol";
import { type AggregationContext, aggregate } from "../../../src/synthesis/aggregate";
import type { CheckedCitation, CheckedFinding } from "../../../src/synthesis/types";

const verifiedCite = (sourceId: string, quote: string): CheckedCitation => ({
	sourceId,
	url: null,
	quote,
	verified: true,
	check: "exact",
	matchScore: 1,
});
const failedCite = (sourceId: string, quote: string): CheckedCitation => ({
	sourceId,
	url: null,
	quote,
	verified: false,
	check: "quote_not_found",
	matchScore: 0,
});

function finding(
	taskId: string,
	role: Role,
	confidence: number,
	claim: string,
	citations: CheckedCitation[],
): CheckedFinding {
	return {
		title: claim.slice(0, 30),
		claim,
		confidence,
		taskId,
		role,
		citations,
		supported: citations.some((citation) => citation.verified),
	};
}

const source = (id: string, status: SourceRecord["status"] = "retrieved"): SourceRecord => ({
	id,
	title: id,
	url: `https://example.com/${id}`,
	origin: "url",
	status,
	sha256: null,
	bytes: 10,
	contentType: "text/html",
	error: null,
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

const context = (antiHallucination: AntiHallucination = "high"): AggregationContext => ({
	antiHallucination,
	depth: 5,
	sources: SOURCES,
	tasksPlanned: 7,
	tasksCompleted: 6,
});

const COP_QUOTE = "kept a coefficient of performance above 2.0";

const FINDINGS: CheckedFinding[] = [
	finding("explorer", "explorer", 0.9, "Heat pumps keep a COP above 2 at minus 15 degrees in cold climates", [
		verifiedCite("s1", COP_QUOTE),
	]),
	finding(
		"depth-analyst",
		"depth_analyst",
		0.7,
		"Heat pumps keep a COP above 2 at minus 15 degrees in cold climates.",
		[
			verifiedCite("s1", `  ${COP_QUOTE.toUpperCase()}!`),
			verifiedCite("s2", "units switched to resistive backup heating"),
		],
	),
	finding(
		"verifier",
		"verifier",
		0.5,
		"In cold climates, heat pumps keep a COP above 2 at minus 15 degrees",
		[failedCite("s3", "heat pumps are always efficient")],
	),
	finding("trend-analyst", "trend_analyst", 0.8, "Battery storage costs declined 40 percent since 2015", [
		verifiedCite("s3", "costs declined by 40 percent"),
	]),
	finding("critic", "critic", 0.6, "Battery storage costs increased since 2015", [
		verifiedCite("s4", "storage costs increased"),
	]),
	finding("explorer", "explorer", 0.6, "Installation takes 3 days for a typical home", [
		verifiedCite("s2", "installation took three days"),
	]),
	finding("domain-expert", "domain_expert", 0.6, "Installation takes 5 days for a typical home", [
		verifiedCite("s2", "a typical installation took five days"),
	]),
	finding("explorer", "explorer", 0.95, "Geothermal loops last 50 years", [
		{
			sourceId: "s9",
			url: "https://invented.example/geo",
			quote: "loops last",
			verified: false,
			check: "url_not_retrieved",
			matchScore: 0,
		},
	]),
];

describe("aggregate", () => {
	const result = aggregate(FINDINGS, context("high"));
	const byId = new Map([...result.findings, ...result.unsupported].map((f) => [f.id, f]));

	it("merges equal and similar claims and orders supported findings by weight, then claim", () => {
		expect(result.findings.map((f) => [f.id, f.claim])).toEqual([
			["F1", "Heat pumps keep a COP above 2 at minus 15 degrees in cold climates"],
			["F2", "Battery storage costs declined 40 percent since 2015"],
			["F3", "Battery storage costs increased since 2015"],
			["F4", "Installation takes 3 days for a typical home"],
			["F5", "Installation takes 5 days for a typical home"],
		]);
	});

	it("averages confidence and weighs by the number of distinct agents", () => {
		const merged = byId.get("F1");
		expect(merged?.confidence).toBeCloseTo(0.7, 10);
		expect(merged?.weight).toBeCloseTo(2.1, 10);
		expect(merged?.supportingAgents).toEqual([
			{ taskId: "explorer", role: "explorer" },
			{ taskId: "depth-analyst", role: "depth_analyst" },
			{ taskId: "verifier", role: "verifier" },
		]);
	});

	it("unites citations without duplicates, verified first", () => {
		expect(byId.get("F1")?.citations.map((c) => [c.sourceId, c.verified])).toEqual([
			["s1", true],
			["s2", true],
			["s3", false],
		]);
	});

	it("lists findings of two or more agents as consensus", () => {
		expect(result.consensus).toEqual(["F1"]);
	});

	it("detects opposite directions and different figures as conflicts, with their shared topic", () => {
		expect(result.conflicts).toEqual([
			{ findingA: "F2", findingB: "F3", topic: ["2015", "battery", "costs", "storage"], reason: "negation" },
			{
				findingA: "F4",
				findingB: "F5",
				topic: ["days", "home", "installation", "takes", "typical"],
				reason: "numeric",
			},
		]);
	});

	it("marks single-agent findings whose sources nobody else cited as novel", () => {
		expect(result.novel).toEqual(["F2", "F3"]);
	});

	it("keeps unsupported findings out of the body when anti-hallucination is high", () => {
		expect(result.unsupported.map((f) => [f.id, f.claim, f.supported])).toEqual([
			["F6", "Geothermal loops last 50 years", false],
		]);
		expect(result.findings.every((f) => f.supported)).toBe(true);
	});

	it.each(["medium", "low"] as const)(
		"keeps unsupported findings in the body when anti-hallucination is %s",
		(level) => {
			const kept = aggregate(FINDINGS, context(level));
			expect(kept.findings.map((f) => f.id)).toEqual(["F1", "F2", "F3", "F4", "F5", "F6"]);
			expect(kept.unsupported.map((f) => f.id)).toEqual(["F6"]);
			expect(kept.consensus).toEqual(result.consensus);
		},
	);

	it("computes the quality score from the documented formulas", () => {
		const depth = 5 / 10;
		const citations = 7 / 9;
		const novelty = 4 / 5;
		const completeness = 6 / 7;
		expect(result.quality.depth).toBeCloseTo(depth, 10);
		expect(result.quality.citations).toBeCloseTo(citations, 10);
		expect(result.quality.novelty).toBeCloseTo(novelty, 10);
		expect(result.quality.completeness).toBeCloseTo(completeness, 10);
		expect(result.quality.overall).toBeCloseTo(
			0.3 * depth + 0.3 * citations + 0.15 * novelty + 0.25 * completeness,
			10,
		);
	});

	it("summarizes verification over the unmerged findings", () => {
		expect(result.verification).toMatchObject({
			citationsTotal: 9,
			citationsVerified: 7,
			claimsTotal: 8,
			claimsSupported: 6,
			fabricatedUrls: ["https://invented.example/geo"],
		});
	});

	it("does not depend on the order of its input", () => {
		fc.assert(
			fc.property(fc.shuffledSubarray(FINDINGS, { minLength: FINDINGS.length }), (shuffled) => {
				expect(aggregate(shuffled, context("high"))).toEqual(result);
			}),
			{ numRuns: 30 },
		);
	});
});

describe("aggregate: merging rules", () => {
	it("words a merged finding after its best supported member, never an unsupported one", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.9, "Heat pumps cut heating bills by 40 percent in Norway", []),
				finding("critic", "critic", 0.5, "Heat pumps cut heating bills in Norway", [verifiedCite("s1", "q")]),
			],
			context("high"),
		);
		expect(result.findings).toHaveLength(1);
		expect(result.findings[0]).toMatchObject({
			claim: "Heat pumps cut heating bills in Norway",
			supported: true,
			weight: 1.4,
		});
		expect(result.consensus).toEqual([result.findings[0]?.id]);
	});

	it("never merges a claim with its negation, and reports them as conflicting", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Heat pumps work below minus 25 degrees", [
					verifiedCite("s1", "a"),
				]),
				finding("critic", "critic", 0.7, "Heat pumps don't work below minus 25 degrees", [
					verifiedCite("s2", "b"),
				]),
			],
			context(),
		);
		expect(result.findings).toHaveLength(2);
		expect(result.conflicts).toEqual([
			{
				findingA: "F1",
				findingB: "F2",
				topic: ["25", "below", "degrees", "heat", "minus", "pumps"],
				reason: "negation",
			},
		]);
	});

	it("merges a negated rise with a fall: they say the same thing", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Storage prices did not rise in 2023", [
					verifiedCite("s1", "a"),
				]),
				finding("critic", "critic", 0.7, "Storage prices fell in 2023", [verifiedCite("s2", "b")]),
			],
			context(),
		);
		expect(result.findings.map((f) => f.supportingAgents.length)).toEqual([2]);
	});

	it("does not see a conflict between a negated rise and a fall on a related topic", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Storage prices did not rise in Germany during 2023", [
					verifiedCite("s1", "a"),
				]),
				finding("critic", "critic", 0.7, "Storage prices fell in 2023 across Europe", [
					verifiedCite("s2", "b"),
				]),
			],
			context(),
		);
		expect(result.findings).toHaveLength(2);
		expect(result.conflicts).toEqual([]);

		const rose = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Storage prices rose in Germany during 2023", [
					verifiedCite("s1", "a"),
				]),
				finding("critic", "critic", 0.7, "Storage prices fell in 2023 across Europe", [
					verifiedCite("s2", "b"),
				]),
			],
			context(),
		);
		expect(rose.conflicts.map((c) => c.reason)).toEqual(["negation"]);
	});

	it("reports conflicts only between supported findings", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Battery storage costs declined since 2015", [
					verifiedCite("s1", "a"),
				]),
				finding("critic", "critic", 0.7, "Battery storage costs increased since 2015", [
					failedCite("s2", "b"),
				]),
			],
			context("medium"),
		);
		expect(result.findings).toHaveLength(2);
		expect(result.conflicts).toEqual([]);
	});

	it("keeps unrelated claims apart and does not call them conflicting", () => {
		const result = aggregate(
			[
				finding("explorer", "explorer", 0.8, "Heat pumps do not need gas", [verifiedCite("s1", "a")]),
				finding("critic", "critic", 0.7, "Solar panels lose 40 percent output in snow", [
					verifiedCite("s1", "b"),
				]),
			],
			context(),
		);
		expect(result.findings).toHaveLength(2);
		expect(result.conflicts).toEqual([]);
		expect(result.novel).toEqual([]);
	});

	it("handles no findings at all", () => {
		const result = aggregate([], { ...context(), tasksPlanned: 0, tasksCompleted: 0, sources: [] });
		expect(result).toMatchObject({ findings: [], unsupported: [], consensus: [], conflicts: [], novel: [] });
		expect(result.quality).toEqual({ depth: 0, citations: 0, novelty: 0, completeness: 0, overall: 0 });
	});

	it("caps depth and completeness at 1", () => {
		const claims = [
			"Wind turbines ice up",
			"Solar output drops in snow",
			"Grid batteries fade",
			"Heat pumps save money",
		];
		const many = claims.map((claim, i) =>
			finding(`t${i}`, "explorer", 0.5, claim, [verifiedCite(`s${i + 1}`, "q")]),
		);
		const result = aggregate(many, { ...context(), depth: 1, tasksPlanned: 3, tasksCompleted: 4 });
		expect(result.quality.depth).toBe(1);
		expect(result.quality.completeness).toBe(1);
	});
});

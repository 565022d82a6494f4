import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildReport } from "../../../src/synthesis/build-report";
import {
	type AgentVerdicts,
	agentConfidence,
	CONFIDENCE_FORMULAS,
	overallConfidence,
} from "../../../src/synthesis/confidence";
import { renderHtml } from "../../../src/synthesis/render-html";
import { renderMarkdown } from "../../../src/synthesis/render-markdown";
import type { Conflict, MergedFinding, SupportVerdict } from "../../../src/synthesis/types";
import { makeReportInput, ruled } from "./report-fixture";

type Spec = { verdict: SupportVerdict; sources: number; uncited?: boolean };

function finding(id: string, spec: Spec): MergedFinding {
	return {
		id,
		title: id,
		claim: `Claim ${id}.`,
		subQuestion: null,
		confidence: 0.8,
		weight: 0.8,
		supportingAgents: [{ taskId: "explorer", role: "explorer" }],
		citations: [],
		support: ruled(spec.verdict, spec.verdict),
		independentSources: Array.from({ length: spec.sources }, (_, i) => `sha-${id}-${i}`),
		uncited: spec.uncited ?? false,
	};
}

function conflict(findingA: string, findingB: string): Conflict {
	return { findingA, findingB, topic: ["cop"], reason: "numeric", detail: "2 against 3" };
}

function findings(specs: Spec[]): MergedFinding[] {
	return specs.map((spec, index) => finding(`F${index + 1}`, spec));
}

const CORROBORATED: Spec = { verdict: "supported", sources: 2 };

describe("overallConfidence", () => {
	it("scores the fixture's findings by what backs them", () => {
		// f1 and f4 are corroborated or single-source but contradict each other (and f1 contradicts f3):
		// both contested; f2 rests on one source; f6 is partial; f3, f5 and f7 count nothing.
		const result = overallConfidence(makeReportInput().aggregation);
		expect(result).toEqual({
			overall: (0.3 + 0.3 + 0.6 + 0.3) / 7,
			corroborated: 0,
			singleSource: 1,
			contested: 2,
			partial: 1,
			unbacked: 3,
			findings: 7,
		});
	});

	it("gives a report of lies and contradictions less than a corroborated one", () => {
		const honest = overallConfidence({
			findings: findings([CORROBORATED, CORROBORATED, CORROBORATED]),
			conflicts: [],
		});
		const lying = overallConfidence({
			findings: findings([
				CORROBORATED,
				CORROBORATED,
				CORROBORATED,
				{ verdict: "contradicted", sources: 0 },
				{ verdict: "unsupported", sources: 0 },
			]),
			conflicts: [conflict("F1", "F2")],
		});
		expect(honest.overall).toBe(1);
		expect(lying.overall).toBeCloseTo((0.3 + 0.3 + 1) / 5, 12);
		expect(lying.overall).toBeLessThan(honest.overall);
	});

	it("counts an uncited finding as nothing, and is 0 without findings", () => {
		const result = overallConfidence({
			findings: findings([CORROBORATED, { verdict: "unsupported", sources: 0, uncited: true }]),
			conflicts: [],
		});
		expect(result).toMatchObject({ overall: 0.5, unbacked: 1 });
		expect(overallConfidence({ findings: [], conflicts: [] }).overall).toBe(0);
	});

	const spec = fc.record({
		verdict: fc.constantFrom<SupportVerdict>("supported", "partial", "unsupported", "contradicted"),
		sources: fc.integer({ min: 0, max: 3 }),
		uncited: fc.boolean(),
	});
	const aggregationArb = fc
		.array(spec, { minLength: 1, maxLength: 12 })
		.chain((specs) =>
			fc.record({
				specs: fc.constant(specs),
				pairs: fc.array(fc.tuple(fc.nat(specs.length - 1), fc.nat(specs.length - 1)), { maxLength: 4 }),
			}),
		)
		.map(({ specs, pairs }) => ({
			findings: findings(specs.map((s) => ({ ...s, uncited: s.verdict === "unsupported" && s.uncited }))),
			conflicts: pairs.filter(([a, b]) => a !== b).map(([a, b]) => conflict(`F${a + 1}`, `F${b + 1}`)),
		}));
	const WORSE: Record<SupportVerdict, SupportVerdict[]> = {
		supported: ["partial", "unsupported", "contradicted"],
		partial: ["unsupported", "contradicted"],
		unsupported: ["contradicted"],
		contradicted: [],
	};

	it("stays in [0, 1] and counts every finding once", () => {
		fc.assert(
			fc.property(aggregationArb, (aggregation) => {
				const result = overallConfidence(aggregation);
				expect(result.overall).toBeGreaterThanOrEqual(0);
				expect(result.overall).toBeLessThanOrEqual(1);
				const { corroborated, singleSource, contested, partial, unbacked } = result;
				expect(corroborated + singleSource + contested + partial + unbacked).toBe(
					aggregation.findings.length,
				);
			}),
		);
	});

	it("never rises when a finding's verdict gets worse, a contradiction appears, or a lie is added", () => {
		fc.assert(
			fc.property(aggregationArb, fc.nat(), fc.nat(), (aggregation, pick, worse) => {
				const before = overallConfidence(aggregation).overall;
				const index = pick % aggregation.findings.length;
				const target = aggregation.findings[index] as MergedFinding;
				const options = WORSE[target.support.verdict];
				const verdict = options[worse % Math.max(1, options.length)];
				if (verdict !== undefined) {
					const worsened = aggregation.findings.map((f, i) =>
						i === index ? { ...f, support: ruled(verdict, "") } : f,
					);
					expect(overallConfidence({ ...aggregation, findings: worsened }).overall).toBeLessThanOrEqual(
						before,
					);
				}
				const other = aggregation.findings[(index + 1) % aggregation.findings.length] as MergedFinding;
				const contradicted = {
					...aggregation,
					conflicts: [...aggregation.conflicts, conflict(target.id, other.id)],
				};
				expect(overallConfidence(contradicted).overall).toBeLessThanOrEqual(before);
				const lie = finding("F99", { verdict: "contradicted", sources: 0 });
				const withLie = overallConfidence({
					...aggregation,
					findings: [...aggregation.findings, lie],
				}).overall;
				if (before > 0) expect(withLie).toBeLessThan(before);
				else expect(withLie).toBe(0);
			}),
			{ numRuns: 2000 },
		);
	});

	it("never falls when a supported finding gains an independent source", () => {
		fc.assert(
			fc.property(aggregationArb, fc.nat(), (aggregation, pick) => {
				const index = pick % aggregation.findings.length;
				const more = aggregation.findings.map((f, i) =>
					i === index ? { ...f, independentSources: [...f.independentSources, "sha-extra"] } : f,
				);
				expect(overallConfidence({ ...aggregation, findings: more }).overall).toBeGreaterThanOrEqual(
					overallConfidence(aggregation).overall,
				);
			}),
		);
	});
});

describe("agentConfidence", () => {
	const verdicts = (overrides: Partial<AgentVerdicts>): AgentVerdicts => ({
		findings: 4,
		supported: 2,
		partial: 1,
		statedConfidence: 0.5,
		...overrides,
	});

	it("is the supported share, partial counting half, times 0.8 + 0.2 × the stated confidence", () => {
		expect(agentConfidence(verdicts({}))).toBeCloseTo((2.5 / 4) * 0.9, 12);
		expect(agentConfidence(verdicts({ supported: 4, partial: 0, statedConfidence: 1 }))).toBe(1);
	});

	it("is none for an agent that made no finding", () => {
		expect(agentConfidence({ findings: 0, supported: 0, partial: 0, statedConfidence: null })).toBeNull();
	});

	it("lets what an agent says of itself move it by a fifth at most, and never lift unsupported findings", () => {
		const arb = fc
			.record({ findings: fc.integer({ min: 1, max: 20 }), a: fc.nat(), b: fc.nat() })
			.map(({ findings, a, b }) => {
				const supported = a % (findings + 1);
				return { findings, supported, partial: b % (findings - supported + 1) };
			});
		fc.assert(
			fc.property(arb, fc.double({ min: 0, max: 1, noNaN: true }), (counts, stated) => {
				const low = agentConfidence({ ...counts, statedConfidence: 0 }) ?? Number.NaN;
				const high = agentConfidence({ ...counts, statedConfidence: 1 }) ?? Number.NaN;
				const value = agentConfidence({ ...counts, statedConfidence: stated }) ?? Number.NaN;
				expect(value).toBeGreaterThanOrEqual(low);
				expect(value).toBeLessThanOrEqual(high);
				expect(high).toBeLessThanOrEqual(1);
				expect(high - low).toBeLessThanOrEqual(0.2 + 1e-12);
				if (counts.supported + counts.partial === 0) expect(high).toBe(0);
			}),
		);
	});
});

describe("confidence in the report", () => {
	it("states the overall confidence in the summary, and gives every agent its findings and confidence", () => {
		const report = buildReport(makeReportInput());
		expect(report.confidence.overall).toBeCloseTo(1.5 / 7, 12);
		expect(report.executiveSummary.text).toContain("Overall confidence 0.21 of 1");
		const runs = new Map(report.performance.agentRuns.map((run) => [run.taskId, run]));
		expect(runs.get("depth-analyst")).toMatchObject({
			findings: { made: 4, supported: 2, partial: 0, unsupported: 1, contradicted: 1, uncited: 0 },
			statedConfidence: 0.6,
		});
		expect(runs.get("depth-analyst")?.confidence).toBeCloseTo((2 / 4) * 0.92, 12);
		expect(runs.get("verifier")?.confidence).toBeCloseTo((1.5 / 2) * 0.9, 12);
		expect(runs.get("synthesizer")).toMatchObject({ statedConfidence: null, confidence: null });
	});

	it("prints the value beside its formula in Markdown and HTML, and the agents' confidence in their table", async () => {
		const report = buildReport(makeReportInput());
		const markdown = renderMarkdown(report);
		expect(markdown).toContain("### Confidence");
		expect(markdown).toContain("| Overall confidence | 0.21 | (1 × corroborated + 0.6 × single-source");
		expect(markdown).toContain("| Findings supported / made | Confidence |");
		expect(markdown).toMatch(/\| depth-analyst \| depth\\_analyst \|.*\| 2 \/ 4 \| 0\.46 \|/);
		expect(markdown).toContain(`confidence = ${CONFIDENCE_FORMULAS.agent.replaceAll("*", "\\*")}`);
		const html = await renderHtml(report);
		expect(html).toContain("<h3>Confidence</h3>");
		expect(html).toContain("<td>Overall confidence</td><td>0.21</td>");
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/protocol";
import { buildReport } from "../../../src/synthesis/build-report";
import {
	boundRawOutputs,
	RAW_OUTPUT_CHARS_PER_AGENT,
	RAW_OUTPUT_CHARS_PER_REPORT,
} from "../../../src/synthesis/raw-outputs";
import { renderHtml } from "../../../src/synthesis/render-html";
import { renderMarkdown } from "../../../src/synthesis/render-markdown";
import type { ReportRawOutput } from "../../../src/synthesis/report-schema";
import type { RawAgentOutput } from "../../../src/synthesis/types";
import { makeReportInput } from "./report-fixture";

function rawFinding(index: number, claimChars = 400): Finding {
	return {
		title: `Finding ${index}`,
		claim: "c".repeat(claimChars),
		confidence: 0.5,
		citations: [{ sourceId: "S1", url: null, quote: "q" }],
	};
}

function output(overrides: Partial<RawAgentOutput> = {}): RawAgentOutput {
	return {
		taskId: "explorer",
		role: "explorer",
		findings: [rawFinding(1)],
		narrative: "A short account.",
		malformedOutput: null,
		...overrides,
	};
}

/** Characters an entry keeps: its text and its findings' JSON. */
function kept(entry: ReportRawOutput): number {
	const findings = entry.findings.reduce((sum, finding) => sum + JSON.stringify(finding).length, 0);
	return entry.narrative.length + (entry.malformedOutput?.length ?? 0) + findings;
}

describe("boundRawOutputs", () => {
	it("keeps a small output whole, as the agent returned it", () => {
		const small = output();
		expect(boundRawOutputs([small])).toEqual([{ ...small, findingsOmitted: 0, truncated: false }]);
	});

	it("cuts a long narrative to half the agent's share and keeps the findings that fit in the rest, in order", () => {
		const findings = Array.from({ length: 100 }, (_, index) => rawFinding(index));
		const [entry] = boundRawOutputs([output({ narrative: "n".repeat(100_000), findings })]);
		if (entry === undefined) throw new Error("one entry");
		expect(entry.narrative).toHaveLength(RAW_OUTPUT_CHARS_PER_AGENT / 2);
		expect(entry.truncated).toBe(true);
		expect(entry.findings).toEqual(findings.slice(0, entry.findings.length));
		expect(entry.findings.length).toBeGreaterThan(0);
		expect(entry.findingsOmitted).toBe(100 - entry.findings.length);
		expect(kept(entry)).toBeLessThanOrEqual(RAW_OUTPUT_CHARS_PER_AGENT);
	});

	it("shares the report's bound among many agents, and cuts a malformed output like a narrative", () => {
		const many = Array.from({ length: 40 }, (_, index) =>
			output({
				taskId: `task-${index}`,
				findings: [],
				narrative: "",
				malformedOutput: "{".repeat(50_000),
			}),
		);
		const bounded = boundRawOutputs(many);
		const share = RAW_OUTPUT_CHARS_PER_REPORT / 40;
		for (const entry of bounded) {
			expect(entry.malformedOutput).toHaveLength(share / 2);
			expect(entry.truncated).toBe(true);
		}
		expect(bounded.reduce((sum, entry) => sum + kept(entry), 0)).toBeLessThanOrEqual(
			RAW_OUTPUT_CHARS_PER_REPORT,
		);
	});

	it("never keeps more than an agent's share, and keeps its findings as a prefix of what it returned", () => {
		const arb = fc.array(
			fc.record({
				narrative: fc.string({ maxLength: 30_000 }),
				claims: fc.array(fc.integer({ min: 0, max: 9_000 }), { maxLength: 30 }),
			}),
			{ minLength: 1, maxLength: 15 },
		);
		fc.assert(
			fc.property(arb, (specs) => {
				const outputs = specs.map((spec, index) =>
					output({
						taskId: `t${index}`,
						narrative: spec.narrative,
						findings: spec.claims.map((chars, n) => rawFinding(n, chars)),
					}),
				);
				const share = Math.min(
					RAW_OUTPUT_CHARS_PER_AGENT,
					Math.floor(RAW_OUTPUT_CHARS_PER_REPORT / outputs.length),
				);
				boundRawOutputs(outputs).forEach((entry, index) => {
					const original = outputs[index] as RawAgentOutput;
					expect(kept(entry)).toBeLessThanOrEqual(share);
					expect(original.narrative.startsWith(entry.narrative)).toBe(true);
					expect(entry.findings).toEqual(original.findings.slice(0, entry.findings.length));
					expect(entry.findings.length + entry.findingsOmitted).toBe(original.findings.length);
				});
			}),
			{ numRuns: 50 },
		);
	});
});

describe("raw outputs in the report", () => {
	it("puts every agent's output, unchecked, in the JSON appendix only, and says where it is", async () => {
		const input = makeReportInput();
		const report = buildReport(input);
		expect(report.appendix.rawOutputs).toEqual(
			input.rawOutputs.map((entry) => ({ ...entry, findingsOmitted: 0, truncated: false })),
		);
		const note =
			"The JSON report (appendix.rawOutputs) holds 2 agent outputs as the agents returned them, before checking, each within min(20,000, 200,000 / 2) characters; 0 were cut to fit. This rendering does not repeat them.";
		const markdown = renderMarkdown(report);
		expect(markdown).toContain(`### Raw Agent Outputs\n\n${note}`);
		expect(markdown).not.toContain("Sales rose");
		const html = await renderHtml(report);
		expect(html).toContain(`<h3>Raw Agent Outputs</h3>\n<p>${note}</p>`);
		expect(html).not.toContain("Sales rose");
	});
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	type AgentRun,
	citationScore,
	critiqueFor,
	depthScore,
	speedScore,
	type Trajectory,
	trajectoryReward,
} from "../../../src/learning/reward";
import type { Role } from "../../../src/protocol";
import type { VerificationSummary } from "../../../src/synthesis/types";
import { testConfig } from "../../fixtures/agent-context";

const MINUTE = 60_000;
const START = Date.UTC(2026, 10, 2, 9, 0, 0);

const CONFIG = testConfig({
	timeMinutes: 120,
	swarmSize: 3,
	complexity: "low",
	provider: "auto",
	budgetUsd: 2,
});

const VERIFIED: VerificationSummary = {
	citationsTotal: 20,
	citationsVerified: 20,
	alteredQuotes: 0,
	quoteNotFound: 0,
	unknownSource: 0,
	sourceUnreachable: 0,
	fabricatedUrls: [],
	claimsTotal: 10,
	claimsSupported: 10,
	claimsPartial: 0,
	claimsUnsupported: 0,
	claimsContradicted: 0,
	claimsUncited: 0,
	groundingScore: 1,
};

function agent(role: Role, status: AgentRun["status"], timeShare: number, minutes: number | null): AgentRun {
	return {
		id: role.replaceAll("_", "-"),
		role,
		status,
		timeShare,
		startedAt: minutes === null ? null : START,
		finishedAt: minutes === null ? null : START + minutes * MINUTE,
	};
}

/** A six-minute run of a three-agent swarm with nothing wrong in it. */
function cleanRun(overrides: Partial<Trajectory> = {}): Trajectory {
	return {
		task: "How do air-source heat pumps perform in cold climates?",
		config: CONFIG,
		agents: [
			agent("explorer", "completed", 0.4, 3),
			agent("depth_analyst", "completed", 0.4, 4),
			agent("synthesizer", "completed", 0.2, 2),
		],
		provider: "gemini",
		model: "gemini-3.8-flash",
		durationMs: 6 * MINUTE,
		usage: {
			inputTokens: 52_000,
			outputTokens: 9_000,
			cacheReadTokens: 0,
			cacheWriteTokens: 0,
			searchCalls: 4,
			costUsd: 0.31,
		},
		verification: VERIFIED,
		quality: {
			grounding: 1,
			citations: 1,
			depth: 0.9,
			corroboration: 0.5,
			sourceCoverage: 0.7,
			completeness: 0.8,
			overall: 0.8,
		},
		sourcesRetrieved: 6,
		supportedFindings: 10,
		budgetLimited: false,
		...overrides,
	};
}

describe("trajectoryReward", () => {
	it("weighs quality, speed, citations, depth and coverage 0.35/0.15/0.2/0.15/0.15", () => {
		const breakdown = trajectoryReward(cleanRun());
		expect(breakdown.quality).toBe(0.8);
		expect(breakdown.speed).toBeCloseTo(1 - 0.7 * (6 / 120), 12);
		expect(breakdown.citations).toBe(1);
		expect(breakdown.depth).toBe(1);
		expect(breakdown.coverage).toBe(1);
		expect(breakdown.reward).toBeCloseTo(0.35 * 0.8 + 0.15 * 0.965 + 0.2 + 0.15 + 0.15, 12);
		expect(breakdown.success).toBe(true);
	});

	it("marks success only above 0.7", () => {
		// quality 0.1 → 0.035 + 0.14475 + 0.2 + 0.15 + 0.15 = 0.67975; quality 0.2 → 0.71475.
		expect(trajectoryReward(cleanRun({ quality: { ...cleanRun().quality, overall: 0.2 } })).success).toBe(
			true,
		);
		expect(trajectoryReward(cleanRun({ quality: { ...cleanRun().quality, overall: 0.1 } })).success).toBe(
			false,
		);
	});

	it("never lets a single agent beat the swarm its task needs by default", () => {
		const medium = { ...CONFIG, complexity: "medium" as const, swarmSize: 5 };
		const swarm = cleanRun({
			config: medium,
			agents: (["explorer", "depth_analyst", "verifier", "trend_analyst", "synthesizer"] as const).map(
				(role) => agent(role, "completed", 0.2, 4),
			),
			durationMs: 12 * MINUTE,
		});
		// The single agent is twice as fast and found as much: it still covers a fifth of the task.
		const single = cleanRun({
			config: { ...medium, swarmSize: 1, singleAgent: true },
			agents: [agent("explorer", "completed", 1, 6)],
			durationMs: 6 * MINUTE,
		});
		expect(trajectoryReward(single).coverage).toBeCloseTo(0.2, 12);
		expect(trajectoryReward(single).reward).toBeLessThan(trajectoryReward(swarm).reward);
	});

	it("scores speed from 1 for an instant run to 0.3 at the budget, and 0 past it", () => {
		expect(speedScore(0, 120 * MINUTE)).toBe(1);
		expect(speedScore(60 * MINUTE, 120 * MINUTE)).toBeCloseTo(0.65, 12);
		expect(speedScore(120 * MINUTE, 120 * MINUTE)).toBeCloseTo(0.3, 12);
		expect(speedScore(120 * MINUTE + 1, 120 * MINUTE)).toBe(0);
	});

	it("scores citations as verified rate × min(1, sources / 5)", () => {
		const half = { ...VERIFIED, citationsVerified: 10 };
		expect(citationScore(half, 3)).toBeCloseTo(0.5 * 0.6, 12);
		expect(citationScore(half, 12)).toBe(0.5);
		expect(citationScore({ ...VERIFIED, citationsTotal: 0, citationsVerified: 0 }, 8)).toBe(0);
		expect(citationScore(VERIFIED, 0)).toBe(0);
	});

	it("scores depth as supported findings over twice the requested depth, capped at 1", () => {
		expect(depthScore(3, 5)).toBeCloseTo(0.3, 12);
		expect(depthScore(4, 1)).toBe(1);
		expect(depthScore(0, 10)).toBe(0);
	});

	it("keeps every component in [0, 1] and the reward their weighted sum for any run", () => {
		const run = fc.record({
			overall: fc.double({ min: -1, max: 2, noNaN: true }),
			durationMinutes: fc.double({ min: 0, max: 600, noNaN: true }),
			timeMinutes: fc.integer({ min: 10, max: 480 }),
			citationsTotal: fc.integer({ min: 0, max: 50 }),
			verifiedShare: fc.double({ min: 0, max: 1, noNaN: true }),
			sources: fc.integer({ min: 0, max: 50 }),
			findings: fc.integer({ min: 0, max: 40 }),
			depth: fc.integer({ min: 1, max: 10 }),
		});
		fc.assert(
			fc.property(run, (r) => {
				const breakdown = trajectoryReward(
					cleanRun({
						config: { ...CONFIG, timeMinutes: r.timeMinutes, depth: r.depth },
						durationMs: r.durationMinutes * MINUTE,
						quality: { ...cleanRun().quality, overall: r.overall },
						verification: {
							...VERIFIED,
							citationsTotal: r.citationsTotal,
							citationsVerified: Math.floor(r.citationsTotal * r.verifiedShare),
						},
						sourcesRetrieved: r.sources,
						supportedFindings: r.findings,
					}),
				);
				for (const value of [
					breakdown.quality,
					breakdown.speed,
					breakdown.citations,
					breakdown.depth,
					breakdown.coverage,
				]) {
					expect(value).toBeGreaterThanOrEqual(0);
					expect(value).toBeLessThanOrEqual(1);
				}
				const weighted =
					0.35 * breakdown.quality +
					0.15 * breakdown.speed +
					0.2 * breakdown.citations +
					0.15 * breakdown.depth +
					0.15 * breakdown.coverage;
				expect(breakdown.reward).toBeCloseTo(weighted, 12);
				expect(breakdown.success).toBe(breakdown.reward > 0.7);
			}),
		);
	});
});

describe("critiqueFor", () => {
	it("says nothing about a run without weaknesses", () => {
		expect(critiqueFor(cleanRun())).toEqual({ critique: "", improvements: [] });
	});

	it("names unverified claims, never-retrieved URLs and quotes not found", () => {
		const result = critiqueFor(
			cleanRun({
				verification: {
					...VERIFIED,
					citationsVerified: 16,
					quoteNotFound: 3,
					fabricatedUrls: ["https://made-up.example.com/a"],
					claimsSupported: 8,
					claimsUnsupported: 2,
					groundingScore: 0.8,
				},
			}),
		);
		expect(result.critique).toBe(
			"2 of 10 claims had no verified citation. 1 cited URL had never been retrieved by the job. " +
				"3 quotes could not be found in the cited source.",
		);
		expect(result.improvements).toEqual([
			"Back every claim with an exact quote from a retrieved source; leave out claims no source supports.",
			"Cite only sources the job retrieved.",
			"Quote passages verbatim from the source text.",
		]);
	});

	it("names failed and skipped agents by role", () => {
		const result = critiqueFor(
			cleanRun({
				agents: [
					agent("explorer", "failed", 0.3, 1),
					agent("depth_analyst", "failed", 0.3, 1),
					agent("verifier", "completed", 0.2, 1),
					agent("critic", "skipped", 0.1, null),
					agent("synthesizer", "completed", 0.1, 1),
				],
			}),
		);
		expect(result.critique).toBe(
			"2 agents failed: explorer and depth analyst. 1 planned agent never ran because the job ended first: critic.",
		);
		expect(result.improvements).toEqual([
			"Run the explorer and depth analyst on a different provider.",
			"Allow more time or plan fewer agents for this kind of task.",
		]);
	});

	it("names a cost budget that refused a call and a run past its time budget", () => {
		const result = critiqueFor(cleanRun({ budgetLimited: true, durationMs: 125 * MINUTE }));
		expect(result.critique).toBe(
			"The $2 cost budget refused a model call after $0.31 was spent. " +
				"The job ran 125.0 minutes, past its 120-minute time budget.",
		);
		expect(result.improvements).toEqual([
			"Raise the cost budget or choose a cheaper model.",
			"Allow more time or lower the depth.",
		]);
	});

	it("names the slowest role only when it used more than 80% of its time share", () => {
		// The explorer may use 0.4 × 120 = 48 minutes.
		const slow = cleanRun({
			agents: [agent("explorer", "completed", 0.4, 45), agent("synthesizer", "completed", 0.6, 5)],
		});
		expect(critiqueFor(slow)).toEqual({
			critique: "The explorer took 45.0 minutes, 94% of its 48.0-minute share.",
			improvements: ["Give the explorer a larger time share or a faster model."],
		});
		const steady = cleanRun({
			agents: [agent("explorer", "completed", 0.4, 38), agent("synthesizer", "completed", 0.6, 5)],
		});
		expect(critiqueFor(steady)).toEqual({ critique: "", improvements: [] });
	});

	it("names few sources and shallow results against the requested depth", () => {
		const result = critiqueFor(cleanRun({ sourcesRetrieved: 1, supportedFindings: 3 }));
		expect(result.critique).toBe(
			"Only 1 source retrieved; 5 are needed to cross-check claims. 3 supported findings for depth 5; the target is 10.",
		);
		expect(result.improvements).toEqual([
			"Attach or find at least 5 sources.",
			"Use a larger swarm or a narrower task to reach the requested depth.",
		]);
	});

	it("gives equal improvements for equal weaknesses whatever the numbers", () => {
		const a = critiqueFor(cleanRun({ sourcesRetrieved: 0, budgetLimited: true }));
		const b = critiqueFor(
			cleanRun({ sourcesRetrieved: 4, budgetLimited: true, usage: { ...cleanRun().usage, costUsd: 1.99 } }),
		);
		expect(a.improvements).toEqual(b.improvements);
		expect(a.critique).not.toBe(b.critique);
	});
});

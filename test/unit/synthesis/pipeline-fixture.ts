/**
 * A small finished job for the report pipeline: two retrieved snapshots and one unreachable source,
 * and agents whose findings cover every outcome: a supported claim, an altered quote, a URL the job
 * never retrieved, a verbatim quote that contradicts its claim, and a citation of an unreachable source.
 */
import { createHash } from "node:crypto";
import type { AgentFindings } from "../../../src/evidence/verify";
import type { PipelineInput } from "../../../src/jobs/report-pipeline";
import type { SourceRecord } from "../../../src/protocol";
import { CREATED_AT, makeReportInput } from "./report-fixture";

export const TRIAL =
	"The municipal trial fitted 120 homes with ground-source heat pumps in 2021. Over two winters, " +
	"measured electricity use for heating fell by 40% against the gas boilers they replaced, while " +
	"indoor temperatures stayed within one degree of the thermostat setting on 97% of days.";
export const GRID =
	"The regional grid operator reported that evening peak demand grew by 6 percent after the trial " +
	"began, which it attributed mainly to electric vehicle charging rather than to heating loads.";
export const TRIAL_URL = "https://city.example/heat-pump-trial";
export const FABRICATED_URL = "https://journal.example/made-up-study";
export const RETRIEVED_AT = { S1: CREATED_AT + 5_000, S2: CREATED_AT + 6_000 } as const;

export function sha256Hex(text: string): string {
	return createHash("sha256").update(text, "utf8").digest("hex");
}

export function pipelineSources(): SourceRecord[] {
	const base = { contentType: "text/plain", error: null } as const;
	return [
		{
			...base,
			id: "S1",
			title: "Municipal heat pump trial",
			url: TRIAL_URL,
			origin: "url",
			status: "retrieved",
			sha256: sha256Hex(TRIAL),
			bytes: TRIAL.length,
			retrievedAt: RETRIEVED_AT.S1,
		},
		{
			...base,
			id: "S2",
			title: "Grid operator note",
			url: null,
			origin: "attached",
			status: "retrieved",
			sha256: sha256Hex(GRID),
			bytes: GRID.length,
			retrievedAt: RETRIEVED_AT.S2,
		},
		{
			id: "S3",
			title: "Utility report",
			url: "https://blocked.example/report",
			origin: "url",
			status: "unreachable",
			sha256: null,
			bytes: 0,
			contentType: null,
			error: "HTTP 403",
			retrievedAt: CREATED_AT + 7_000,
		},
	];
}

export const SNAPSHOTS: ReadonlyMap<string, string> = new Map([
	["S1", TRIAL],
	["S2", GRID],
]);

export const CLAIMS = {
	supported: "Heating electricity use fell by 40%.",
	altered: "Heating electricity use fell by 60% against gas boilers.",
	fabricated: "The trial fitted 120 homes.",
	contradicted: "Evening peak demand fell by 6 percent after the trial began.",
	unreachable: "Utilities reported lower bills.",
} as const;

/** The agents' findings, in this order: supported, altered, fabricated URL; contradicted; unreachable. */
export function pipelineResults(): AgentFindings[] {
	return [
		{
			taskId: "explorer",
			role: "explorer",
			findings: [
				{
					title: "Savings",
					claim: CLAIMS.supported,
					confidence: 0.9,
					citations: [
						{ sourceId: "S1", url: TRIAL_URL, quote: "measured electricity use for heating fell by 40%" },
					],
				},
				{
					title: "Bigger savings",
					claim: CLAIMS.altered,
					confidence: 0.8,
					citations: [
						{
							sourceId: "S1",
							url: null,
							quote: "measured electricity use for heating fell by 60% against the gas boilers",
						},
					],
				},
				{
					title: "Trial size",
					claim: CLAIMS.fabricated,
					confidence: 0.7,
					citations: [
						{ sourceId: "S1", url: FABRICATED_URL, quote: "fitted 120 homes with ground-source heat pumps" },
					],
				},
			],
		},
		{
			taskId: "critic",
			role: "critic",
			findings: [
				{
					title: "Peak demand",
					claim: CLAIMS.contradicted,
					confidence: 0.6,
					citations: [
						{
							sourceId: "S2",
							url: null,
							quote: "evening peak demand grew by 6 percent after the trial began",
						},
					],
				},
			],
		},
		{
			taskId: "verifier",
			role: "verifier",
			findings: [
				{
					title: "Bills",
					claim: CLAIMS.unreachable,
					confidence: 0.5,
					citations: [{ sourceId: "S3", url: null, quote: "utilities reported lower bills" }],
				},
			],
		},
	];
}

/** The job facts of the report fixture with this job's sources, results and snapshots. */
export function pipelineInput(overrides: Partial<PipelineInput> = {}): PipelineInput {
	const { aggregation: _aggregation, metrics, ...facts } = makeReportInput({ antiHallucination: "high" });
	return {
		...facts,
		metrics: () => metrics,
		narratives: [],
		sources: pipelineSources(),
		results: pipelineResults(),
		snapshots: SNAPSHOTS,
		...overrides,
	};
}

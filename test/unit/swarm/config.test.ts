import { describe, expect, it } from "vitest";
import type { ResearchRequest } from "../../../src/protocol";
import { EffectiveConfigSchema } from "../../../src/protocol";
import { DEFAULTS, resolveConfig } from "../../../src/swarm/config";

const PROVIDER = { provider: "extractive" };

describe("resolveConfig", () => {
	it("fills every omitted field from the defaults", () => {
		const config = resolveConfig({ task: "How do heat pumps perform in cold climates?" }, PROVIDER);
		expect(config).toEqual({
			depth: 5,
			timeMinutes: 100,
			swarmSize: 5,
			singleAgent: false,
			maxConcurrent: 4,
			focus: "balanced",
			antiHallucination: "high",
			citations: true,
			provider: "extractive",
			model: null,
			costOptimize: false,
			budgetUsd: null,
			formats: ["markdown", "json", "html"],
			complexity: "medium",
			taskType: "research",
			mode: "direct",
			maxSubgoals: 6,
			secondPass: false,
			analysis: expect.objectContaining({ basis: "task", questionType: "explanation" }),
		});
		expect(EffectiveConfigSchema.safeParse(config).success).toBe(true);
	});

	it("exposes the defaults it applies", () => {
		expect(DEFAULTS).toMatchObject({
			minutesPerDepth: 20,
			maxConcurrent: 4,
			focus: "balanced",
			antiHallucination: "high",
			citations: true,
			formats: ["markdown", "json", "html"],
			mode: "direct",
			maxSubgoals: 6,
		});
	});

	it("keeps every explicit value", () => {
		const request: ResearchRequest = {
			task: "Compare heat pump brands",
			depth: 2,
			timeMinutes: 30,
			swarmSize: 6,
			maxConcurrent: 2,
			focus: "narrow",
			antiHallucination: "low",
			citations: false,
			provider: "anthropic",
			model: "some-model",
			costOptimize: true,
			budgetUsd: 2.5,
			formats: ["json"],
		};
		expect(resolveConfig(request, PROVIDER)).toEqual({
			depth: 2,
			timeMinutes: 30,
			swarmSize: 6,
			singleAgent: false,
			maxConcurrent: 2,
			focus: "narrow",
			antiHallucination: "low",
			citations: false,
			provider: "anthropic",
			model: "some-model",
			costOptimize: true,
			budgetUsd: 2.5,
			formats: ["json"],
			complexity: "low",
			taskType: "analysis",
			mode: "direct",
			maxSubgoals: 6,
			secondPass: false,
			analysis: expect.objectContaining({ basis: "request" }),
		});
	});

	it("sizes a job from its task when no depth is given, and scales its time with the depth", () => {
		const small = resolveConfig({ task: "What is a mutex?" }, PROVIDER);
		expect(small).toMatchObject({ depth: 3, complexity: "low", swarmSize: 3, timeMinutes: 60 });
		const large = resolveConfig(
			{
				task: "Compare heat pumps, gas boilers, district heating, electric resistance heaters and biomass boilers across cost, grid impact, maintenance and emissions",
			},
			PROVIDER,
		);
		expect(large).toMatchObject({
			depth: 9,
			complexity: "very-high",
			swarmSize: 7,
			secondPass: true,
			timeMinutes: 180,
		});
		expect(large.analysis.entities).toHaveLength(5);
		expect(large.analysis.criteria).toEqual(["cost", "grid impact", "maintenance", "emissions"]);
	});

	it.each([
		[1, 3],
		[3, 3],
		[4, 5],
		[6, 5],
		[7, 7],
		[8, 7],
		[9, 7],
		[10, 7],
	])("sizes a depth-%i swarm at %i agents", (depth, swarmSize) => {
		expect(resolveConfig({ task: "t", depth }, PROVIDER).swarmSize).toBe(swarmSize);
	});

	it("runs a single agent when asked, whatever the swarm size", () => {
		const config = resolveConfig({ task: "t", depth: 10, swarmSize: 7, singleAgent: true }, PROVIDER);
		expect(config.swarmSize).toBe(1);
		expect(config.singleAgent).toBe(true);
		expect(config.secondPass).toBe(false);
	});

	it("plans a second pass only for very-high complexity swarms that have a critic", () => {
		expect(resolveConfig({ task: "t", depth: 9 }, PROVIDER).secondPass).toBe(true);
		expect(resolveConfig({ task: "t", depth: 10, swarmSize: 7 }, PROVIDER).secondPass).toBe(true);
		expect(resolveConfig({ task: "t", depth: 10, swarmSize: 3 }, PROVIDER).secondPass).toBe(false);
		expect(resolveConfig({ task: "t", depth: 10, singleAgent: true }, PROVIDER).secondPass).toBe(false);
		expect(resolveConfig({ task: "t", depth: 8 }, PROVIDER).secondPass).toBe(false);
	});

	it("removes repeated formats, keeping first-seen order", () => {
		const config = resolveConfig({ task: "t", formats: ["html", "markdown", "html"] }, PROVIDER);
		expect(config.formats).toEqual(["html", "markdown"]);
	});

	it("does not share the default formats array between configs", () => {
		const first = resolveConfig({ task: "t" }, PROVIDER);
		first.formats.pop();
		expect(resolveConfig({ task: "t" }, PROVIDER).formats).toEqual(["markdown", "json", "html"]);
	});
});

import { describe, expect, it } from "vitest";
import { ApiErrorBodySchema } from "../../src/protocol";
import { goalAgentTasks } from "../../src/swarm/goal-plan";
import { GoalPlanResponseSchema } from "../../src/wire/goals";
import { api, postJson } from "./harness";

type GoalPlanResponse = ReturnType<typeof GoalPlanResponseSchema.parse>;

const TEN_PART_GOAL = [
	"Plan the heating of a cold-climate family home:",
	"1. air-source heat pump efficiency below freezing",
	"2. ground-source heat pump installation costs",
	"3. gas furnace running costs",
	"4. electric resistance heating as a backup",
	"5. insulation and air sealing upgrades",
	"6. grid carbon intensity of electric heating",
	"7. government rebates for heat pumps",
	"8. maintenance needs of each system",
	"9. noise and comfort of each system",
	"10. then recommend the best option for the home",
].join(" ");

async function plan(body: unknown): Promise<GoalPlanResponse> {
	const response = await postJson("/v1/goals/plan", body);
	expect(response.status).toBe(200);
	return GoalPlanResponseSchema.parse(await response.json());
}

async function expectError(body: unknown, status: number, code: string) {
	const response = await postJson("/v1/goals/plan", body);
	expect(response.status).toBe(status);
	const error = ApiErrorBodySchema.parse(await response.json()).error;
	expect(error.code).toBe(code);
	return error;
}

/** Every sub-goal on exactly one level, each after all of its dependencies, and as early as they allow. */
function expectValidLayering(result: GoalPlanResponse): void {
	const levelOf = new Map(result.levels.flatMap((ids, level) => ids.map((id) => [id, level] as const)));
	expect(result.levels.flat()).toHaveLength(result.subgoals.length);
	for (const subgoal of result.subgoals) {
		const level = levelOf.get(subgoal.id);
		expect(level).toBeDefined();
		const dependencyLevels = subgoal.dependsOn.map((dependency) => levelOf.get(dependency) as number);
		expect(level).toBe(dependencyLevels.length === 0 ? 0 : Math.max(...dependencyLevels) + 1);
	}
}

describe("POST /v1/goals/plan", () => {
	it("plans a 10-sub-goal goal on the extractive provider in under a second", async () => {
		const started = performance.now();
		const response = await postJson("/v1/goals/plan", { goal: TEN_PART_GOAL, maxSubgoals: 10 });
		const elapsedMs = performance.now() - started;
		expect(response.status).toBe(200);
		expect(elapsedMs).toBeLessThan(1_000);

		const result = GoalPlanResponseSchema.parse(await response.json());
		expect(result.goal).toBe(TEN_PART_GOAL);
		expect(result.provider).toBe("extractive");
		expect(result.model).toBeNull();
		expect(result.estimatedCostUsd).toBeNull();
		expect(result.subgoals).toHaveLength(10);
		const ids = result.subgoals.map((subgoal) => subgoal.id);
		const last = result.subgoals[9];
		expect(last?.description).toMatch(/recommend the best option/);
		expect(last?.dependsOn).toEqual(ids.slice(0, 9));
		expect(result.levels).toEqual([ids.slice(0, 9), [last?.id]]);
		expectValidLayering(result);
		expect(result.estimatedAgents).toBe(goalAgentTasks({ subgoals: result.subgoals }, {}).length);

		expect(result.plan.map((step) => step.step)).toEqual(Array.from({ length: 11 }, (_, index) => index + 1));
		expect(result.plan.at(-1)).toMatchObject({
			action: "synthesize",
			subgoalId: null,
			satisfies: ["report"],
		});
		expect(result.plan.slice(0, 10).map((step) => step.subgoalId)).toEqual(ids);
	});

	it("explains every step with the preconditions it really waits for", async () => {
		const result = await plan({ goal: "Heat pumps vs gas furnaces for a cold-climate home" });
		expect(result.levels).toEqual([["g1", "g2"], ["g3"]]);
		expectValidLayering(result);
		result.plan.forEach((step, index) => {
			const subgoal = result.subgoals.find((candidate) => candidate.id === step.subgoalId);
			const needs = subgoal
				? subgoal.dependsOn.map((dependency) => `done:${dependency}`)
				: result.subgoals.map((candidate) => `done:${candidate.id}`);
			const requires = needs.length > 0 ? needs.join(", ") : "nothing";
			expect(result.explanation[index]).toContain(`${step.step}. ${step.action} `);
			expect(result.explanation[index]).toContain(`requires ${requires};`);
		});
		expect(result.explanation.at(-1)).toBe("Total cost 7 over 3 levels.");
	});

	it("applies the defaults and sizes every sub-swarm by swarmSize when given", async () => {
		const byDefault = await plan({ goal: TEN_PART_GOAL });
		expect(byDefault.subgoals).toHaveLength(6);
		expectValidLayering(byDefault);
		// Without a depth the goal's own wording sizes it: ten parts weigh as a very high complexity.
		expect(byDefault.subgoals.every((subgoal) => subgoal.complexity === "very-high")).toBe(true);
		const plain = await plan({
			goal: "How do heat pumps perform in cold climates, and what do they cost to run?",
		});
		expect(plain.subgoals.every((subgoal) => subgoal.complexity === "medium")).toBe(true);

		const small = await plan({ goal: TEN_PART_GOAL, maxSubgoals: 4, swarmSize: 3, provider: "auto" });
		expect(small.subgoals).toHaveLength(4);
		expect(small.estimatedAgents).toBe(4 * 3 + 1);
		expect(small.provider).toBe("extractive");

		const deep = await plan({ goal: "Heat pumps vs gas furnaces", depth: 9 });
		expect(deep.subgoals.every((subgoal) => subgoal.complexity === "very-high")).toBe(true);
		// Each very-high sub-swarm of 7 runs its revisit round too: 9 agent tasks, plus the master synthesis.
		expect(deep.estimatedAgents).toBe(deep.subgoals.length * 9 + 1);
	});

	it("answers 400 with the offending field for bad bodies", async () => {
		const cases: [unknown, string][] = [
			[{}, "json.goal"],
			[{ goal: "   " }, "json.goal"],
			[{ goal: "x".repeat(4001) }, "json.goal"],
			[{ goal: "Heat pumps", maxSubgoals: 1 }, "json.maxSubgoals"],
			[{ goal: "Heat pumps", maxSubgoals: 11 }, "json.maxSubgoals"],
			[{ goal: "Heat pumps", maxSubgoals: 2.5 }, "json.maxSubgoals"],
			[{ goal: "Heat pumps", depth: 0 }, "json.depth"],
			[{ goal: "Heat pumps", depth: 11 }, "json.depth"],
			[{ goal: "Heat pumps", swarmSize: 2 }, "json.swarmSize"],
			[{ goal: "Heat pumps", swarmSize: 8 }, "json.swarmSize"],
			[{ goal: "Heat pumps", provider: "Not A Provider!" }, "json.provider"],
			[{ goal: 42 }, "json.goal"],
		];
		for (const [body, path] of cases) {
			const error = await expectError(body, 400, "invalid_request");
			const issues = (error.details as { issues: { path: string }[] }).issues;
			expect(issues.map((issue) => issue.path)).toContain(path);
		}
		await expectError({ goal: "Heat pumps", mode: "goal" }, 400, "invalid_request");

		const malformed = await api("/v1/goals/plan", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: "{ not json",
		});
		expect(malformed.status).toBe(400);
		expect(ApiErrorBodySchema.parse(await malformed.json()).error.code).toBe("invalid_json");
	});

	it("answers 422 for a provider this deployment has not configured", async () => {
		for (const provider of ["anthropic", "no-such-provider"]) {
			const error = await expectError(
				{ goal: "Heat pumps vs gas furnaces", provider },
				422,
				"provider_not_configured",
			);
			expect(error.message).toContain(provider);
			expect(error.details).toEqual({ available: ["auto", "extractive"] });
		}
	});

	it("is listed in the OpenAPI document", async () => {
		const document = await (await api("/openapi.json")).json<{ paths: Record<string, unknown> }>();
		expect(Object.keys(document.paths)).toContain("/v1/goals/plan");
	});
});

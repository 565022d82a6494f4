import { afterEach, describe, expect, it } from "vitest";
import { type ModelPrice, priceOf } from "../../src/providers/prices";
import { GoalPlanResponseSchema } from "../../src/wire/goals";
import anthropicUnauthorized from "../fixtures/providers/anthropic/error-401-authentication.json";
import anthropicRecord from "../fixtures/providers/anthropic/record-findings.json";
import anthropicResearch from "../fixtures/providers/anthropic/research-web.json";
import anthropicDecomposition from "../fixtures/providers/anthropic/structured-decomposition.json";
import { recordedResponseFor } from "../fixtures/providers/replay.mjs";
import { postJson, submit, waitForJob } from "../integration/harness";
import {
	type FakeInternet,
	type Fixture,
	installFakeInternet,
	isCall,
	type Route,
	reply,
} from "./fake-internet";

const GOAL =
	"Heat pumps vs gas furnaces for a cold-climate home: running costs, emissions and comfort, then recommend one";

/** The sub-goals the recorded Anthropic answer hands in through its goal_decomposition tool. */
const RECORDED_SUBGOALS =
	anthropicDecomposition.body.content.find((block) => block.type === "tool_use")?.input?.subgoals ?? [];

/** What the research calls of every agent task are answered with, by `recordedResponseFor` name. */
const RESEARCH_RECORDINGS: Record<string, Fixture> = {
	"anthropic/research-web": anthropicResearch as Fixture,
	"anthropic/record-findings": anthropicRecord as Fixture,
};

let internet: FakeInternet | null = null;
afterEach(() => {
	internet?.restore();
	internet = null;
});

/** Answers Anthropic calls that offer the goal_decomposition tool with the recorded decomposition. */
const anthropicDecomposer: Route = (request, body) => {
	if (!isCall(request, "api.anthropic.com", /\/v1\/messages$/)) return null;
	const tools = (body as { tools?: { name?: string }[] }).tools ?? [];
	return tools.some((tool) => tool.name === "goal_decomposition")
		? reply(anthropicDecomposition as Fixture)
		: null;
};

describe("POST /v1/goals/plan on a model provider (recorded responses)", () => {
	it("plans the sub-goals the model returns, and says they came from the model", async () => {
		internet = installFakeInternet(anthropicDecomposer);
		const response = await postJson("/v1/goals/plan", { goal: GOAL, provider: "anthropic", maxSubgoals: 5 });
		expect(response.status).toBe(200);
		const plan = GoalPlanResponseSchema.parse(await response.json());

		expect(plan.decomposition).toEqual({ origin: "model", problems: [] });
		expect(plan.provider).toBe("anthropic");
		expect(plan.model).toBe("claude-sonnet-5-5");
		expect(plan.subgoals).toEqual(RECORDED_SUBGOALS);
		expect(plan.levels).toEqual([["g1", "g2", "g3"], ["g4"]]);
		expect(plan.plan.at(-1)).toMatchObject({ action: "synthesize", subgoalId: null });
		expect(plan.estimatedCostUsd).toBeGreaterThan(0);
		expect(internet.requests).toEqual(["POST https://api.anthropic.com/v1/messages"]);
	});

	it("falls back to the deterministic split, with the reason, when the provider call fails", async () => {
		const unauthorized: Route = (request) =>
			isCall(request, "api.anthropic.com", /\/v1\/messages$/)
				? reply(anthropicUnauthorized as Fixture)
				: null;
		internet = installFakeInternet(unauthorized);
		const response = await postJson("/v1/goals/plan", { goal: GOAL, provider: "anthropic", maxSubgoals: 5 });
		expect(response.status).toBe(200);
		const plan = GoalPlanResponseSchema.parse(await response.json());

		expect(plan.decomposition.origin).toBe("fallback");
		expect(plan.decomposition.problems).toEqual([
			expect.stringMatching(/^decomposition failed: 401 authentication_error/),
		]);
		expect(internet.requests).toHaveLength(1);
		expect(plan.subgoals.length).toBeGreaterThanOrEqual(2);
	});
});

describe("a goal-mode job on a model provider (recorded responses)", () => {
	it("runs the sub-goals the model returns and books the decomposition's cost to the budget", async () => {
		const answered = { research: 0 };
		const researcher: Route = (request, body) => {
			if (!isCall(request, "api.anthropic.com", /\/v1\/messages$/)) return null;
			const name = recordedResponseFor(new URL(request.url).pathname, body);
			const recording = name === null ? undefined : RESEARCH_RECORDINGS[name];
			if (!recording) return null;
			answered.research += 1;
			return reply(recording);
		};
		internet = installFakeInternet(anthropicDecomposer, researcher);
		const jobId = await submit({
			task: GOAL,
			provider: "anthropic",
			mode: "goal",
			maxSubgoals: 5,
			swarmSize: 3,
			budgetUsd: 10,
		});
		const job = await waitForJob(jobId, undefined, 80_000);

		expect(job.status).toBe("completed");
		expect(
			job.goal?.subgoals.map(({ id, description, dependsOn }) => ({ id, description, dependsOn })),
		).toEqual(RECORDED_SUBGOALS.map(({ id, description, dependsOn }) => ({ id, description, dependsOn })));
		expect(job.goal?.levels).toEqual([["g1", "g2", "g3"], ["g4"]]);
		const modelCalls = internet.requests.filter(
			(line) => line === "POST https://api.anthropic.com/v1/messages",
		);
		expect(modelCalls.length - answered.research).toBe(1);

		const price = priceOf("anthropic", "claude-sonnet-5-5") as ModelPrice;
		const { usage } = anthropicDecomposition.body;
		const decompositionCost =
			(usage.input_tokens * price.inputPerMTok + usage.output_tokens * price.outputPerMTok) / 1_000_000;
		expect(decompositionCost).toBeGreaterThan(0);
		// The decomposition (and any support judging) is counted in the usage and booked to the budget.
		const agentsCost = (job.plan ?? []).reduce((sum, task) => sum + task.usage.costUsd, 0);
		expect(job.metrics.usage.costUsd - agentsCost).toBeGreaterThanOrEqual(decompositionCost - 1e-9);
		expect(job.metrics.budget.spentUsd).toBeCloseTo(job.metrics.usage.costUsd, 9);
		expect(job.metrics.providerLatencyMs.count).toBe(modelCalls.length);
	}, 90_000);
});

import { afterEach, describe, expect, it } from "vitest";
import { CRITERIA_SCHEMA_NAME } from "../../src/agents/judge-criteria";
import { type ModelPrice, priceOf } from "../../src/providers/prices";
import { ReportSchema } from "../../src/synthesis/report-schema";
import { GoalPlanResponseSchema } from "../../src/wire/goals";
import anthropicUnauthorized from "../fixtures/providers/anthropic/error-401-authentication.json";
import anthropicRecord from "../fixtures/providers/anthropic/record-findings.json";
import anthropicResearch from "../fixtures/providers/anthropic/research-web.json";
import anthropicDecomposition from "../fixtures/providers/anthropic/structured-decomposition.json";
import { recordedResponseFor, recordingProblem, unrecorded } from "../fixtures/providers/replay.mjs";
import { postJson, report, submit, waitForJob } from "../integration/harness";
import {
	type FakeInternet,
	type Fixture,
	installFakeInternet,
	isCall,
	type Route,
	reply,
} from "./fake-internet";
import { RECORDED_WEB } from "./recorded-web";

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
	const rejected = internet?.rejected ?? [];
	internet?.restore();
	internet = null;
	// Every provider call had its endpoint's documented shape (the replay's message says what was wrong).
	expect(rejected).toEqual([]);
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

/**
 * Answers the research calls of every agent task with their recordings, counting them in `answered`;
 * a call no recording covers (the support judge's) gets the mock server's 404.
 */
function recordedResearch(answered = { research: 0 }): Route {
	return (request, body) => {
		if (!isCall(request, "api.anthropic.com", /\/v1\/messages$/)) return null;
		const path = new URL(request.url).pathname;
		const name = recordedResponseFor(path, body);
		if (name === null) return reply(unrecorded(path));
		const problem = recordingProblem(name, body);
		if (problem) throw new Error(problem);
		const recording = RESEARCH_RECORDINGS[name];
		if (!recording) return null;
		answered.research += 1;
		return reply(recording);
	};
}

/** Runs GOAL as a goal-mode job on Anthropic (sub-swarms of 3, a $10 budget) to its end. */
async function runGoalJob(): Promise<{ jobId: string; job: Awaited<ReturnType<typeof waitForJob>> }> {
	const jobId = await submit({
		task: GOAL,
		provider: "anthropic",
		mode: "goal",
		maxSubgoals: 5,
		swarmSize: 3,
		budgetUsd: 10,
	});
	return { jobId, job: await waitForJob(jobId, undefined, 80_000) };
}

/**
 * Answers the criteria judge in Anthropic's wire format: the first criterion asked about is met,
 * citing the first supported finding shown with it; the second claims met on a finding that does not
 * exist. `asked` records the criterion and finding ids it used.
 */
function criteriaJudge(asked: { met?: string; finding?: string; forged?: string }): Route {
	return (request, body) => {
		if (!isCall(request, "api.anthropic.com", /\/v1\/messages$/)) return null;
		const call = body as { tools?: { name?: string }[]; messages?: { content?: unknown }[] };
		if (!(call.tools ?? []).some((tool) => tool.name === CRITERIA_SCHEMA_NAME)) return null;
		const prompt = String(call.messages?.[0]?.content ?? "");
		const criteria = [...prompt.matchAll(/^Criterion (\S+) \(/gm)].map((match) => match[1] ?? "");
		asked.met = criteria[0];
		asked.forged = criteria[1];
		asked.finding = /^Finding (\S+) \(supported\):/m.exec(prompt)?.[1];
		const verdicts = [
			{
				criterionId: asked.met,
				status: "met",
				findingIds: [asked.finding],
				reason: "The finding states it.",
			},
			{ criterionId: asked.forged, status: "met", findingIds: ["F999"], reason: "Trust me." },
		];
		return reply({
			status: 200,
			headers: { "content-type": "application/json" },
			body: {
				...anthropicDecomposition.body,
				content: [
					{ type: "tool_use", id: "toolu_criteria", name: CRITERIA_SCHEMA_NAME, input: { verdicts } },
				],
			},
		});
	};
}

describe("a goal-mode job on a model provider (recorded responses)", () => {
	it("runs the sub-goals the model returns and books the decomposition's cost to the budget", async () => {
		const answered = { research: 0 };
		internet = installFakeInternet(anthropicDecomposer, recordedResearch(answered));
		const { job } = await runGoalJob();

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
		const agentsCost = (job.plan ?? []).reduce((sum, task) => sum + (task.usage.costUsd ?? Number.NaN), 0);
		expect((job.metrics.usage.costUsd ?? Number.NaN) - agentsCost).toBeGreaterThanOrEqual(
			decompositionCost - 1e-9,
		);
		expect(job.metrics.budget.spentUsd).toBeCloseTo(job.metrics.usage.costUsd ?? Number.NaN, 9);
		expect(job.metrics.providerLatencyMs.count).toBe(modelCalls.length);
	}, 90_000);

	it("has the model judge the sub-goals' success criteria and keeps only the verdicts that pass their checks", async () => {
		const asked: { met?: string; finding?: string; forged?: string } = {};
		internet = installFakeInternet(
			anthropicDecomposer,
			criteriaJudge(asked),
			recordedResearch(),
			RECORDED_WEB,
		);
		const { jobId, job } = await runGoalJob();
		expect(job.status).toBe("completed");
		expect(asked.met).toMatch(/^g\d#\d$/);
		expect(asked.finding).toMatch(/^F\d+$/);

		const body = ReportSchema.parse(await (await report(jobId, "json")).json());
		const criteria = body.goal?.subgoals.flatMap((subgoal) =>
			subgoal.criteria.map((verdict, index) => ({ id: `${subgoal.id}#${index + 1}`, ...verdict })),
		);
		const met = criteria?.find((verdict) => verdict.id === asked.met);
		expect(met).toMatchObject({ status: "met", judgedBy: "model", evidence: [asked.finding] });
		const forged = criteria?.find((verdict) => verdict.id === asked.forged);
		expect(forged?.judgedBy).toBe("rules");
		expect(forged?.why).toContain("set aside: F999 is not a supported or partial finding of");
		const markdown = await (await report(jobId, "markdown")).text();
		expect(markdown).toContain("(judged by model)");
		expect(markdown).toContain("(judged by rules)");
	}, 90_000);
});

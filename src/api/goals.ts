/**
 * `POST /v1/goals/plan`: decompose a goal (by the provider's explorer model with one repair, else the
 * deterministic split), order its sub-goals and estimate agents and cost, without running any agent.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { providerDecomposeStrategy } from "../agents/decompose-with-provider";
import type { Role } from "../protocol";
import { DEFAULT_MODELS, priceOf } from "../providers/prices";
import { providerFor } from "../providers/registry";
import { chooseProvider, resolveModel } from "../providers/router";
import {
	configuredProviders,
	isModelProvider,
	type ProviderSettings,
	providerSettings,
} from "../providers/settings";
import { analyzeTask } from "../swarm/analyzer";
import { type DecompositionOrigin, decomposeGoal, estimateGoalCostUsd, planGoal } from "../swarm/goal-plan";
import type { GoapError } from "../swarm/goap";
import { GoalPlanRequestSchema, GoalPlanResponseSchema } from "../wire/goals";
import type { AppEnv } from "./env";
import { ApiError } from "./errors";
import { endpoint, errorResponses, jsonBody, jsonResponse } from "./openapi";
import { validationHook } from "./validation";

const planRoute = createRoute({
	...endpoint(
		"post",
		"/v1/goals/plan",
		"Plan a goal: sub-goals, their order and parallel levels, agents and cost; nothing runs",
	),
	request: { body: jsonBody(GoalPlanRequestSchema) },
	responses: {
		200: jsonResponse("The plan", GoalPlanResponseSchema),
		...errorResponses(400, 401, 413, 415, 422, 429),
	},
});

/** The model a job of the plan runs: the requested one, else the deployment's default; null for the extractive provider. */
function jobDefaultModel(
	provider: string,
	requested: string | null,
	settings: ProviderSettings,
): string | null {
	if (!isModelProvider(provider)) return null;
	return requested ?? settings.modelOverrides[provider]?.default ?? DEFAULT_MODELS[provider].default;
}

/** The wire name of a decomposition's origin: the strategy is the provider's model here. */
const ORIGIN: Record<DecompositionOrigin, "model" | "repaired" | "fallback"> = {
	strategy: "model",
	repaired: "repaired",
	fallback: "fallback",
};

/** 422 for a goal the planner cannot order, with the facts that can never hold or the search size reached. */
function planningError(error: GoapError): ApiError {
	return error.error === "unsatisfiable"
		? new ApiError(422, "goal_unsatisfiable", error.message, { missingFacts: error.missingFacts })
		: new ApiError(422, "goal_search_limit", error.message, { expandedNodes: error.expandedNodes });
}

export const goalRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(
	planRoute,
	async (c) => {
		const request = c.req.valid("json");
		const settings = providerSettings(c.env);
		const configured = configuredProviders(settings);
		const choice = chooseProvider(request.goal, request.provider, configured, false);
		if ("error" in choice) {
			throw new ApiError(422, "provider_not_configured", `provider "${choice.requested}" is not configured`, {
				available: ["auto", ...configured],
			});
		}
		const { provider } = choice;
		const sizing = { swarmSize: request.swarmSize };
		const jobModel = request.model ?? null;
		// The explorer's model decomposes: the sub-goals are the first map of the research.
		const decomposer = resolveModel(provider, "explorer", jobModel, provider, settings.modelOverrides);
		const outcome = await decomposeGoal(
			request.goal,
			{
				maxSubgoals: request.maxSubgoals,
				depth: request.depth ?? analyzeTask(request.goal).depth,
				...sizing,
			},
			decomposer === null
				? undefined
				: providerDecomposeStrategy({
						provider: providerFor(provider, settings),
						model: decomposer,
						signal: c.req.raw.signal,
					}),
		);
		const { decomposition } = outcome;
		const planned = planGoal(decomposition, sizing);
		if ("error" in planned) throw planningError(planned);
		const priceForRole = (role: Role) => {
			const model = resolveModel(provider, role, jobModel, provider, settings.modelOverrides);
			return model === null ? null : priceOf(provider, model);
		};
		return c.json(
			{
				goal: request.goal,
				...planned,
				estimatedCostUsd: estimateGoalCostUsd(decomposition, sizing, priceForRole),
				provider,
				model: jobDefaultModel(provider, jobModel, settings),
				decomposition: { origin: ORIGIN[outcome.origin], problems: outcome.problems },
			},
			200,
		);
	},
);

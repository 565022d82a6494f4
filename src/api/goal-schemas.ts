/** The wire shapes of `POST /v1/goals/plan`: its request and the plan it answers with. */
import { z } from "@hono/zod-openapi";
import { LIMITS, SubgoalSchema } from "../protocol";
import { MAX_SUBGOALS, MIN_SUBGOALS } from "../swarm/decompose";

const DEFAULT_MAX_SUBGOALS = 6;

/** Body of `POST /v1/goals/plan`; the MCP tool `research_swarm_goal_plan` takes the same. */
export const GoalPlanRequestSchema = z
	.object({
		goal: z
			.string()
			.trim()
			.min(1)
			.max(LIMITS.taskChars)
			.openapi({ example: "Heat pumps vs gas furnaces for a cold-climate home" }),
		maxSubgoals: z.int().min(MIN_SUBGOALS).max(MAX_SUBGOALS).default(DEFAULT_MAX_SUBGOALS),
		/** Without it, the depth the task analyzer reads from the goal, as a research job would. */
		depth: z.int().min(1).max(10).optional(),
		swarmSize: z.int().min(3).max(7).optional(),
		provider: z
			.string()
			.regex(/^[a-z][a-z0-9-]{1,31}$/)
			.optional(),
		model: z.string().min(1).max(200).optional().openapi({
			description:
				"The model that decomposes the goal and that the plan is priced for; the provider's default unless given.",
		}),
	})
	.strict()
	.openapi("GoalPlanRequest");

/** The plan: sub-goals, their order and parallel levels, agents and cost, and where the sub-goals came from. */
export const GoalPlanResponseSchema = z
	.object({
		goal: z.string(),
		subgoals: z.array(SubgoalSchema),
		plan: z.array(
			z.object({
				step: z.int(),
				action: z.string(),
				subgoalId: z.string().nullable(),
				why: z.string(),
				satisfies: z.array(z.string()),
			}),
		),
		levels: z
			.array(z.array(z.string()))
			.openapi({ description: "Sub-goal ids per parallel level; the master synthesis follows the last." }),
		explanation: z.array(z.string()),
		estimatedAgents: z.int(),
		estimatedCostUsd: z.number().nullable().openapi({
			description:
				"Upper bound of the model calls' cost: every planned agent task at its role's model with a full token and search allowance. Null for the extractive provider or an unpriced model.",
		}),
		provider: z.string(),
		model: z.string().nullable(),
		decomposition: z
			.object({
				origin: z.enum(["model", "repaired", "fallback"]),
				problems: z.array(z.string()),
			})
			.openapi({
				description:
					"Where the sub-goals came from: the model's first answer, its one repair, or the deterministic split (extractive provider, or a model answer that failed twice or a failed call, listed in `problems`).",
			}),
	})
	.openapi("GoalPlan");

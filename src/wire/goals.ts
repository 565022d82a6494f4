/**
 * Wire shapes of `POST /v1/goals/plan`: the request and the plan it answers with. The route and the
 * client both import them, so the plan has one definition.
 */
import { z } from "@hono/zod-openapi";
import { LIMITS, ResearchRequestSchema, SubgoalSchema } from "../protocol.ts";

const DEFAULT_MAX_SUBGOALS = 6;

export const GoalPlanRequestSchema = z
	.object({
		goal: z
			.string()
			.trim()
			.min(1)
			.max(LIMITS.taskChars)
			.openapi({ example: "Heat pumps vs gas furnaces for a cold-climate home" }),
		// The same bounds as a goal-mode research request's.
		maxSubgoals: ResearchRequestSchema.shape.maxSubgoals.unwrap().default(DEFAULT_MAX_SUBGOALS),
		/** Without it, the depth the task analyzer reads from the goal, as a research job would. */
		depth: ResearchRequestSchema.shape.depth,
		swarmSize: ResearchRequestSchema.shape.swarmSize,
		provider: ResearchRequestSchema.shape.provider,
		model: ResearchRequestSchema.shape.model.openapi({
			description:
				"The model that decomposes the goal and that the plan is priced for; the provider's default unless given.",
		}),
	})
	.strict()
	.openapi("GoalPlanRequest");
/** A plan request as the caller writes it (`maxSubgoals` may be left out). */
export type GoalPlanRequest = z.input<typeof GoalPlanRequestSchema>;

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
export type GoalPlan = z.infer<typeof GoalPlanResponseSchema>;

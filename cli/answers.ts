/**
 * Shapes of API answers that the shared wire types do not define as whole schemas. Each is built from
 * the shared schemas, so a field the Worker and the CLI both read has one definition.
 */
import { z } from "zod";
import { JobViewSchema } from "../src/protocol.ts";

const GoalTreeSchema = JobViewSchema.shape.goal.unwrap();

/** `POST /v1/goals/plan`: the fields the CLI reads (sub-goals, levels, explanation); the rest passes through. */
export const GoalPlanSchema = z.looseObject({
	goal: GoalTreeSchema.shape.goal,
	levels: GoalTreeSchema.shape.levels,
	explanation: GoalTreeSchema.shape.explanation,
	subgoals: z.array(GoalTreeSchema.shape.subgoals.element.omit({ taskIds: true, status: true })),
});
export type GoalPlan = z.infer<typeof GoalPlanSchema>;

/** Any JSON object: `/v1/stats`, `/v1/learn` and `/v1/patterns`, which the CLI prints as they come. */
export const JsonObjectSchema = z.record(z.string(), z.json());
export type JsonObject = z.infer<typeof JsonObjectSchema>;

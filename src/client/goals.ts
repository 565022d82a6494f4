/** `POST /v1/goals/plan`: a goal's sub-goals, their order, agents and cost, without running anything. */
import { type GoalPlan, type GoalPlanRequest, GoalPlanResponseSchema } from "../wire/goals.ts";
import { type CallOptions, Resource } from "./transport.ts";

/** Goal planning. */
export class GoalsResource extends Resource {
	/**
	 * Splits a goal into sub-goals, orders them into parallel levels and estimates agents and an upper
	 * bound of the cost (null when the provider's model has no price, or for the extractive provider).
	 * @example const plan = await client.goals.plan({ goal: "Heat pumps vs gas boilers", maxSubgoals: 4 });
	 */
	plan(request: GoalPlanRequest, options: CallOptions = {}): Promise<GoalPlan> {
		return this.transport.post(GoalPlanResponseSchema, "/v1/goals/plan", request, options);
	}
}

/** `POST /v1/goals/plan`: a goal's sub-goals, their order, agents and cost, without running anything. */
import { type GoalPlan, type GoalPlanRequest, GoalPlanResponseSchema } from "../wire/goals.ts";
import type { CallOptions, Transport } from "./transport.ts";

/** Goal planning. */
export class GoalsResource {
	readonly #transport: Transport;

	constructor(transport: Transport) {
		this.#transport = transport;
	}

	/**
	 * Splits a goal into sub-goals, orders them into parallel levels and estimates agents and an upper
	 * bound of the cost (null when the provider's model has no price, or for the extractive provider).
	 * @example const plan = await client.goals.plan({ goal: "Heat pumps vs gas boilers", maxSubgoals: 4 });
	 */
	plan(request: GoalPlanRequest, options: CallOptions = {}): Promise<GoalPlan> {
		return this.#transport.json(GoalPlanResponseSchema, "/v1/goals/plan", {
			...options,
			method: "POST",
			body: request,
		});
	}
}

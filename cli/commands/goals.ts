/** `goal-plan`, `goal-decompose` and `goal-explain`: a goal's plan from `POST /v1/goals/plan`, nothing run. */
import type { GoalPlan } from "../../src/client/index.ts";
import { type CliContext, type ServerFlags, writeLines } from "../context.ts";
import { EXIT, type ExitCode } from "../errors.ts";
import { renderSubgoals } from "../render.ts";
import { withServer } from "../server.ts";

export type GoalOptions = {
	maxSubgoals?: number;
	depth?: number;
	swarmSize?: number;
	provider?: string;
	model?: string;
	json?: boolean;
};

/** Which part of the plan a command prints. */
export type GoalView = "plan" | "subgoals" | "explanation";

/** The lines a goal command prints for its part of the plan. */
export function goalLines(plan: GoalPlan, view: GoalView, json: boolean): string[] {
	if (view === "plan") return [JSON.stringify(plan, null, 2)];
	if (view === "subgoals") return json ? [JSON.stringify(plan.subgoals, null, 2)] : renderSubgoals(plan);
	return json ? [JSON.stringify(plan.explanation, null, 2)] : plan.explanation;
}

/** Plans `goal` on the server and prints the whole plan, its sub-goals, or its explanation. */
export function runGoalPlan(
	goal: string,
	view: GoalView,
	options: GoalOptions,
	server: ServerFlags,
	context: CliContext,
): Promise<ExitCode> {
	const { json, ...request } = options;
	return withServer(server, context, async ({ client }) => {
		const plan = await client.goals.plan({ goal, ...request });
		writeLines(context.stdout, goalLines(plan, view, json ?? false));
		return EXIT.completed;
	});
}

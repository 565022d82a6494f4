/**
 * `research --dry-run`: what a job would do, without submitting it. The server says which providers it
 * can run and its default models (`GET /v1/providers`); the plan is then computed with the Worker's own
 * planning functions (provider choice, effective configuration, swarm sizing and time shares) and priced
 * with the dated price table as a worst-case bound. A goal-mode job's plan comes from the server
 * (`POST /v1/goals/plan`), which splits the goal as the job would.
 */
import type {
	EffectiveConfig,
	GoalPlan,
	Providers,
	ResearchRequest,
	ResearchSwarmClient,
	Role,
} from "../src/client/index.ts";
import { formatDuration } from "../src/lib/duration.ts";
import { DEFAULT_MODELS, PRICE_TABLE_AS_OF, priceOf } from "../src/providers/prices.ts";
import { chooseProvider, resolveModel } from "../src/providers/router.ts";
import { isModelProvider, type ModelOverrides } from "../src/providers/settings.ts";
import { resolveConfig } from "../src/swarm/config.ts";
import { estimateTasksCostUsd } from "../src/swarm/goal-plan.ts";
import { planSwarm } from "../src/swarm/sizing.ts";
import { CliError, EXIT } from "./errors.ts";
import { formatCost, renderSubgoals } from "./render.ts";

/** One agent of a direct-mode plan, with the model it would run on (null for the extractive provider). */
export type PlannedAgent = {
	id: string;
	role: Role;
	dependsOn: string[];
	/** Its share of the job's time budget, in (0, 1]. */
	timeShare: number;
	model: string | null;
};

/** The most the job's model calls can cost, or why no bound can be given. */
export type CostBound = { maxUsd: number; reason: null } | { maxUsd: null; reason: string };

/** What a job would do: its configuration, its plan (agents, or a goal's sub-goals) and its cost bound. */
export type DryRun = {
	task: string;
	config: EffectiveConfig;
	/** Direct mode: the swarm in dependency order; null in goal mode. */
	agents: PlannedAgent[] | null;
	/** Goal mode: the server's plan of the goal; null in direct mode. */
	goal: GoalPlan | null;
	cost: CostBound;
	budgetUsd: number | null;
	priceTableAsOf: string;
	/** What could still differ when the job runs. */
	caveats: string[];
};

/**
 * The deployment's default model for `provider`, as the server reports it, in the form `resolveModel`
 * reads. Per-role overrides are not reported, so the roles' own defaults apply otherwise.
 */
function reportedOverrides(providers: Providers, provider: string): ModelOverrides {
	if (!isModelProvider(provider)) return {};
	const reported = providers.providers.find((info) => info.name === provider)?.defaultModel;
	return reported && reported !== DEFAULT_MODELS[provider].default
		? { [provider]: { default: reported } }
		: {};
}

/** Why `models` of `provider` cannot be priced: the extractive provider, or the first unpriced model. */
function noBoundReason(provider: string, models: readonly (string | null)[]): string {
	if (!isModelProvider(provider))
		return "the extractive provider calls no model, so there is nothing to price";
	const unpriced = models.find((model) => model === null || priceOf(provider, model) === null);
	return `model ${unpriced ?? "?"} of ${provider} has no price in the price table of ${PRICE_TABLE_AS_OF}`;
}

/** What could still differ when the job runs: a learned pattern filling what the request leaves open, and models. */
function caveatsFor(request: ResearchRequest, config: EffectiveConfig): string[] {
	const open = [
		request.swarmSize === undefined && !request.singleAgent ? "swarm size" : null,
		request.provider === undefined || request.provider === "auto" ? "provider" : null,
	].filter((what) => what !== null);
	const caveats =
		open.length > 0
			? [
					`a learned pattern of a similar past job may still set the ${open.join(" and ")}, which the request leaves open`,
				]
			: [];
	if (isModelProvider(config.provider) && !request.model) {
		caveats.push(
			"models are the provider's defaults per role; per-role overrides of a deployment are not visible here",
		);
	}
	if (request.budgetUsd !== undefined) {
		caveats.push(
			`the budget of ${formatCost(request.budgetUsd)} caps the spend: a call that could exceed it is not made`,
		);
	}
	return caveats;
}

/**
 * Plans a validated research request against the server's providers, submitting nothing. An explicit
 * provider the server has not configured is a usage error, as the API's 422 would be.
 */
export async function planResearch(client: ResearchSwarmClient, request: ResearchRequest): Promise<DryRun> {
	const providers = await client.providers.list();
	const configured = providers.providers.filter((info) => info.ready).map((info) => info.name);
	const choice = chooseProvider(request.task, request.provider, configured, request.costOptimize ?? false);
	if ("error" in choice) {
		throw new CliError(
			`provider "${choice.requested}" is not configured on the server (available: auto, ${configured.join(", ")})`,
			EXIT.usage,
		);
	}
	const { provider } = choice;
	const config = resolveConfig({ ...request, provider }, { provider });
	const common = {
		task: request.task,
		config,
		budgetUsd: config.budgetUsd,
		priceTableAsOf: PRICE_TABLE_AS_OF,
		caveats: caveatsFor(request, config),
	};
	if (config.mode === "goal") {
		const goal = await client.goals.plan({
			goal: request.task,
			maxSubgoals: config.maxSubgoals,
			depth: config.depth,
			provider,
			...(request.swarmSize === undefined ? {} : { swarmSize: request.swarmSize }),
			...(request.model === undefined ? {} : { model: request.model }),
		});
		const cost: CostBound =
			goal.estimatedCostUsd === null
				? { maxUsd: null, reason: noBoundReason(provider, [goal.model]) }
				: { maxUsd: goal.estimatedCostUsd, reason: null };
		return { ...common, agents: null, goal, cost };
	}
	const overrides = reportedOverrides(providers, provider);
	const agents = planSwarm(config).map(
		(task): PlannedAgent => ({
			id: task.id,
			role: task.role,
			dependsOn: task.dependsOn,
			timeShare: task.timeShare,
			model: resolveModel(provider, task.role, config.model, provider, overrides),
		}),
	);
	const modelOf = new Map(agents.map((agent) => [agent.role, agent.model]));
	const maxUsd = estimateTasksCostUsd(
		agents.map((agent) => agent.role),
		(role) => {
			const model = modelOf.get(role) ?? null;
			return model === null ? null : priceOf(provider, model);
		},
	);
	const cost: CostBound =
		maxUsd === null
			? {
					maxUsd: null,
					reason: noBoundReason(
						provider,
						agents.map((agent) => agent.model),
					),
				}
			: { maxUsd, reason: null };
	return { ...common, agents, goal: null, cost };
}

/** The configuration line: mode, depth and where it came from, agents, concurrency, time, focus. */
function configLine(config: EffectiveConfig): string {
	const depthFrom = config.analysis.basis === "task" ? "read from the task" : "requested";
	// In goal mode each sub-goal's swarm is sized by its own complexity; the plan gives the total.
	const agents =
		config.mode === "goal" ? "agents" : config.singleAgent ? "1 agent" : `${config.swarmSize} agents`;
	return [
		`mode ${config.mode}`,
		`depth ${config.depth} (${config.complexity}, ${depthFrom})`,
		`${agents}, at most ${config.maxConcurrent} at once`,
		`${formatDuration(config.timeMinutes * 60_000)} time budget`,
		`focus ${config.focus}`,
		`anti-hallucination ${config.antiHallucination}`,
	].join(" · ");
}

/** One line per agent: id, what it waits for, its time share (and minutes), its model. */
function agentLines(agents: readonly PlannedAgent[], timeMinutes: number): string[] {
	const idWidth = Math.max(...agents.map((agent) => agent.id.length));
	const afterWidth = Math.max(...agents.map((agent) => agent.dependsOn.join(", ").length), 5);
	return agents.map((agent) =>
		[
			`  ${agent.id.padEnd(idWidth)}`,
			`after ${(agent.dependsOn.join(", ") || "-").padEnd(afterWidth)}`,
			`${Math.round(agent.timeShare * 100)}%`.padStart(4),
			formatDuration(agent.timeShare * timeMinutes * 60_000).padStart(7),
			agent.model ?? "(no model)",
		].join("  "),
	);
}

/** The text of a dry run: nothing submitted, the configuration, the plan, the cost bound, the caveats. */
export function renderDryRun(plan: DryRun): string[] {
	const { config } = plan;
	const model = config.model ? ` (${config.model})` : "";
	const lines = [
		"dry run: nothing was submitted",
		`task: ${plan.task}`,
		`provider ${config.provider}${model} · ${configLine(config)}`,
	];
	if (plan.agents) {
		lines.push(`plan: ${plan.agents.length} agents, each starting when the ones it comes after have ended`);
		lines.push(...agentLines(plan.agents, config.timeMinutes));
	}
	if (plan.goal) {
		const levels = plan.goal.levels.map((level) => level.join(", ")).join(" → ");
		lines.push(`plan: ${plan.goal.subgoals.length} sub-goals in levels ${levels}, then one master synthesis`);
		lines.push(...renderSubgoals(plan.goal).map((line) => `  ${line}`));
		lines.push(`agents: ${plan.goal.estimatedAgents} in all`);
	}
	lines.push(
		plan.cost.maxUsd === null
			? `cost upper bound: none — ${plan.cost.reason}`
			: `cost upper bound: ${formatCost(plan.cost.maxUsd)} (every agent task at its worst case, price table of ${plan.priceTableAsOf})`,
	);
	lines.push(...plan.caveats.map((caveat) => `note: ${caveat}`));
	return lines;
}

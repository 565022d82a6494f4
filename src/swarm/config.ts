/**
 * The effective configuration of a job: the request with every omitted field filled from `DEFAULTS`
 * and the task analysis folded in.
 */
import type { Complexity, EffectiveConfig, ResearchRequest } from "../protocol";
import { analyzeTask } from "./analyzer";
import { rolesForSize } from "./sizing";

/** Values a job runs with when the request leaves them out. */
export const DEFAULTS = {
	/** The time budget per depth level when the request gives no `timeMinutes`: depth 5 → 100 min. */
	minutesPerDepth: 20,
	maxConcurrent: 4,
	focus: "balanced",
	antiHallucination: "high",
	citations: true,
	formats: ["markdown", "json", "html"],
	mode: "direct",
	maxSubgoals: 6,
	/** Swarm size chosen from complexity when the request gives neither `swarmSize` nor `singleAgent`. */
	swarmSizeByComplexity: { low: 3, medium: 5, high: 7, "very-high": 7 },
} as const satisfies {
	minutesPerDepth: number;
	maxConcurrent: number;
	focus: EffectiveConfig["focus"];
	antiHallucination: EffectiveConfig["antiHallucination"];
	citations: boolean;
	formats: readonly EffectiveConfig["formats"][number][];
	mode: EffectiveConfig["mode"];
	maxSubgoals: number;
	swarmSizeByComplexity: Record<Complexity, number>;
};

/**
 * Resolves a request into the configuration the job runs with. Without a `depth`, the task analyzer
 * reads the complexity and depth from the task; without `timeMinutes`, the time budget grows with the
 * depth. `singleAgent` forces a swarm of 1; otherwise an explicit `swarmSize` wins over the size for
 * the task's complexity. A very-high complexity swarm gets a second pass (a revisit round, planned
 * only when the swarm has a critic).
 * @example resolveConfig({ task: "Heat pumps in cold climates", depth: 8 }, { provider: "extractive" })
 * // { depth: 8, complexity: "high", swarmSize: 7, timeMinutes: 160, secondPass: false, ... }
 */
export function resolveConfig(request: ResearchRequest, defaults: { provider: string }): EffectiveConfig {
	const analysis = analyzeTask(request.task, request.depth);
	const singleAgent = request.singleAgent ?? false;
	const swarmSize = singleAgent
		? 1
		: (request.swarmSize ?? DEFAULTS.swarmSizeByComplexity[analysis.complexity]);
	return {
		depth: analysis.depth,
		timeMinutes: request.timeMinutes ?? analysis.depth * DEFAULTS.minutesPerDepth,
		swarmSize,
		singleAgent,
		maxConcurrent: request.maxConcurrent ?? DEFAULTS.maxConcurrent,
		focus: request.focus ?? DEFAULTS.focus,
		antiHallucination: request.antiHallucination ?? DEFAULTS.antiHallucination,
		citations: request.citations ?? DEFAULTS.citations,
		provider: request.provider ?? defaults.provider,
		model: request.model ?? null,
		costOptimize: request.costOptimize ?? false,
		budgetUsd: request.budgetUsd ?? null,
		formats: [...new Set(request.formats ?? DEFAULTS.formats)],
		complexity: analysis.complexity,
		taskType: analysis.taskType,
		mode:
			request.mode === "goal" || (request.mode === "auto" && analysis.complexity === "very-high")
				? "goal"
				: DEFAULTS.mode,
		maxSubgoals: request.maxSubgoals ?? DEFAULTS.maxSubgoals,
		// The revisit round acts on the critic's feedback, so only swarms with a critic get one.
		secondPass: analysis.complexity === "very-high" && rolesForSize(swarmSize).includes("critic"),
		analysis: analysis.analysis,
	};
}

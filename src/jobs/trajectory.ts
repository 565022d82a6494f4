/**
 * A finished job's trajectory: what it did and achieved, as the reward and later recalls read it; and
 * the lesson its report states, computed from that same trajectory so the report and the stored
 * pattern say the same.
 */
import { critiqueFor, REWARD_WEIGHTS, type Trajectory, trajectoryReward } from "../learning/reward";
import type { EffectiveConfig, JobMetrics, SourceRecord, TaskView } from "../protocol";
import type { Aggregation, JobLesson } from "../synthesis/types";
import { computeMetrics, type JobState } from "./state";

/** What a trajectory is built from: the job's facts as its report pipeline has them. */
export type TrajectoryFacts = {
	task: string;
	config: EffectiveConfig;
	tasks: readonly TaskView[];
	sources: readonly SourceRecord[];
	/** The job's metrics at its completion. */
	metrics: JobMetrics;
};

/** The trajectory of the job `facts` describe, whose report produced `aggregation`. */
export function trajectoryFrom(facts: TrajectoryFacts, aggregation: Aggregation): Trajectory {
	const ran = facts.tasks.find((task) => task.status === "completed");
	return {
		task: facts.task,
		config: facts.config,
		agents: facts.tasks.map(({ id, role, status, timeShare, startedAt, finishedAt }) => ({
			id,
			role,
			status,
			timeShare,
			startedAt,
			finishedAt,
		})),
		provider: ran?.provider ?? facts.config.provider,
		model: ran?.model ?? facts.config.model,
		durationMs: facts.metrics.durationMs ?? 0,
		usage: facts.metrics.usage,
		verification: aggregation.verification,
		quality: aggregation.quality,
		sourcesRetrieved: facts.sources.filter((source) => source.status === "retrieved").length,
		supportedFindings: aggregation.findings.filter((finding) => finding.support.verdict === "supported")
			.length,
		budgetLimited: facts.metrics.budget.limited,
	};
}

/** The trajectory of `state`'s job, whose report produced `aggregation`. */
export function trajectoryOf(state: JobState, aggregation: Aggregation, now: number): Trajectory {
	return trajectoryFrom({ ...state, metrics: computeMetrics(state, now) }, aggregation);
}

/**
 * What the job teaches, as its learned pattern records it: the strategy it ran, its reward with the
 * components and weights it is summed from, and its critique and improvements (`critiqueFor`).
 * @example lessonOf(trajectory).improvements // ["Attach or find at least 5 sources."]
 */
export function lessonOf(trajectory: Trajectory): JobLesson {
	const { reward, success, quality, speed, citations, depth, coverage } = trajectoryReward(trajectory);
	const { critique, improvements } = critiqueFor(trajectory);
	return {
		strategy: {
			swarmSize: trajectory.config.swarmSize,
			roles: [...new Set(trajectory.agents.map((agent) => agent.role))],
			provider: trajectory.provider,
			model: trajectory.model,
			focus: trajectory.config.focus,
			depth: trajectory.config.depth,
		},
		reward: {
			value: reward,
			success,
			components: { quality, speed, citations, depth, coverage },
			formula: Object.entries(REWARD_WEIGHTS)
				.map(([component, weight]) => `${weight}·${component}`)
				.join(" + "),
		},
		critique,
		improvements,
	};
}

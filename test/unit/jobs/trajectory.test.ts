import { describe, expect, it } from "vitest";
import {
	initialTasks,
	type JobState,
	metricsAtCompletion,
	newJobState,
	toJobView,
} from "../../../src/jobs/state";
import { lessonOf, trajectoryFrom } from "../../../src/jobs/trajectory";
import * as job from "../../../src/jobs/transitions";
import { critiqueFor, trajectoryReward } from "../../../src/learning/reward";
import { ZERO_USAGE } from "../../../src/protocol";
import { planSwarm } from "../../../src/swarm/sizing";
import { testConfig } from "../../fixtures/agent-context";
import { makeLesson, makeReportInput } from "../synthesis/report-fixture";

const T0 = 1_700_000_000_000;
const DONE = T0 + 9 * 60_000;

/** A job whose agents all ran (the trend analyst failed) and whose report is being built. */
function synthesizing(): JobState {
	const config = testConfig({ swarmSize: 5, timeMinutes: 10 });
	const state = newJobState({
		jobId: "job_1",
		tenantId: "tenant_a",
		task: "What limits heat pump efficiency in cold climates?",
		config,
		metadata: null,
		sources: [],
		createdAt: T0,
		explicit: { swarmSize: true, provider: false },
		callbackUrl: null,
	});
	const { sources } = makeReportInput();
	return {
		...state,
		status: "synthesizing",
		phaseStartedAt: { planning: T0 + 1, running: T0 + 2, synthesizing: T0 + 8 * 60_000, finished: null },
		sources,
		tasks: initialTasks(planSwarm(config)).map((task, index) => ({
			...task,
			status: task.role === "trend_analyst" ? "failed" : "completed",
			attempts: 1,
			startedAt: T0 + 2,
			finishedAt: T0 + 2 + (index + 1) * 60_000,
			usage: { ...ZERO_USAGE, inputTokens: 1_000, costUsd: 0.01 },
			provider: "extractive",
		})),
		coordinatorUsage: { extractive: { ...ZERO_USAGE, inputTokens: 500 } },
		budget: { limitUsd: 0.05, spentUsd: 0.05, reservedUsd: 0, limited: true },
	};
}

describe("a job's lesson", () => {
	it("is drawn from the very trajectory the completed job keeps for its pattern", () => {
		const state = synthesizing();
		const { aggregation } = makeReportInput();
		// What the report pipeline is given (src/jobs/report.ts), and what completing the job records.
		const fromReport = trajectoryFrom(
			{ ...state, tasks: toJobView(state, 100, DONE).plan, metrics: metricsAtCompletion(state, DONE) },
			aggregation,
		);
		const stored = job.reportStored(state, aggregation, DONE).state.trajectory;
		expect(fromReport).toEqual(stored);
		expect(fromReport).toMatchObject({ durationMs: 9 * 60_000, budgetLimited: true, sourcesRetrieved: 4 });
		expect(fromReport.usage.inputTokens).toBe(5 * 1_000 + 500);
	});

	it("states the strategy, the reward with its formula, the critique and the improvements learning records", () => {
		const state = synthesizing();
		const trajectory = trajectoryFrom(
			{ ...state, metrics: metricsAtCompletion(state, DONE) },
			makeReportInput().aggregation,
		);
		const lesson = lessonOf(trajectory);
		const reward = trajectoryReward(trajectory);
		const { critique, improvements } = critiqueFor(trajectory);
		expect(lesson).toEqual({
			// The report fixture's strategy is this very job's.
			strategy: makeLesson().strategy,
			reward: {
				value: reward.reward,
				success: reward.success,
				components: {
					quality: reward.quality,
					speed: reward.speed,
					citations: reward.citations,
					depth: reward.depth,
					coverage: reward.coverage,
				},
				formula: "0.35·quality + 0.15·speed + 0.2·citations + 0.15·depth + 0.15·coverage",
			},
			critique,
			improvements,
		});
		// The run's real weaknesses: a failed agent, the budget hit, too few supported findings.
		expect(critique).toContain("1 agent failed: trend analyst.");
		expect(critique).toContain("cost budget refused a model call");
		expect(improvements).toContain("Run the trend analyst on a different provider.");
	});
});

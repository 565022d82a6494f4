/**
 * From the agents' results to the report: check every citation against the stored snapshots, judge
 * every claim against its verbatim quotes (rules, then the optional model judge), merge and weigh the
 * findings, in goal mode have the same model judge the sub-goals' success criteria, build the report
 * and its provenance record. No storage I/O: the coordinator loads the
 * snapshots and stores the outputs, and the evaluation runs the very same steps offline.
 *
 * The report's own lesson comes from the job's trajectory, built here from the same facts, metrics and
 * aggregation the completed job's trajectory is built from (`trajectoryFrom`), so the Learning
 * section states what the job's learned pattern will record.
 */
import { judgeCriteria } from "../agents/judge-criteria";
import { applyJudgements, judgeItems, judgeSupport } from "../agents/judge-support";
import type { JudgeModel } from "../agents/model-judge";
import { type AgentFindings, checkFindings } from "../evidence/verify";
import { aggregate } from "../synthesis/aggregate";
import { buildReport } from "../synthesis/build-report";
import { criteriaReviews } from "../synthesis/goal-report";
import { buildProvenance, type Provenance } from "../synthesis/provenance";
import type { Report } from "../synthesis/report-schema";
import type { Aggregation, ReportInput } from "../synthesis/types";
import { lessonOf, trajectoryFrom } from "./trajectory";

export type PipelineInput = Omit<ReportInput, "aggregation" | "metrics" | "lesson"> & {
	/** The job's metrics, read once the judging calls have been made. */
	metrics: () => ReportInput["metrics"];
	/** Each completed task's findings. */
	results: AgentFindings[];
	/** Source id → the text of its stored snapshot, for every retrieved source. */
	snapshots: ReadonlyMap<string, string>;
	/**
	 * The model that judges claims the rules leave open and, in goal mode, the sub-goals' success
	 * criteria; without it the rules decide alone.
	 */
	judge?: JudgeModel;
};

export type PipelineOutput = { aggregation: Aggregation; report: Report; provenance: Provenance };

/**
 * Runs verification, judging, aggregation and report building for a finished job.
 * @example const { report } = await produceReport({ ...jobFacts, results, snapshots });
 */
export async function produceReport(input: PipelineInput): Promise<PipelineOutput> {
	const { results, snapshots, judge, metrics, ...facts } = input;
	const ruled = checkFindings(results, facts.sources, snapshots);
	const checked =
		judge === undefined
			? ruled
			: applyJudgements(ruled, await judgeSupport(judgeItems(ruled, snapshots), judge));
	const aggregation = aggregate(checked, {
		depth: facts.config.depth,
		sources: facts.sources,
		tasksPlanned: facts.tasks.length,
		tasksCompleted: facts.tasks.filter((task) => task.status === "completed").length,
		citationsRequired: facts.config.citations,
	});
	const goal =
		facts.goal === undefined || judge === undefined
			? facts.goal
			: {
					...facts.goal,
					criterionJudgements: await judgeCriteria(criteriaReviews(facts.goal, aggregation), judge),
				};
	const jobMetrics = metrics();
	const lesson = lessonOf(trajectoryFrom({ ...facts, metrics: jobMetrics }, aggregation));
	const report = buildReport({
		...facts,
		...(goal ? { goal } : {}),
		metrics: jobMetrics,
		aggregation,
		lesson,
	});
	const provenance = buildProvenance({
		jobId: facts.jobId,
		generatedAt: facts.completedAt,
		sources: facts.sources,
		aggregation,
	});
	return { aggregation, report, provenance };
}

/**
 * The end of a job's research: its stored snapshots loaded, the report pipeline run over its agents'
 * results, and the report (every format asked for, plus JSON) and its provenance record stored in R2.
 */
import { loadSnapshot } from "../evidence/snapshots";
import { provenanceKey, reportKey } from "../lib/object-keys";
import { REPORT_FORMATS } from "../lib/report-formats";
import type { AgentResult, ReportFormat } from "../protocol";
import { renderHtml } from "../synthesis/render-html";
import { renderMarkdown } from "../synthesis/render-markdown";
import type { Aggregation, RawAgentOutput } from "../synthesis/types";
import type { CoordinatorModel } from "./model-caller";
import { produceReport } from "./report-pipeline";
import { type JobState, metricsAtCompletion, toJobView } from "./state";

/** What building a job's report reads besides its state. */
export type ReportContext = {
	bucket: R2Bucket;
	/** The result an attempt delivered. */
	resultOf: (taskId: string, attempt: number) => AgentResult | null;
	/** The verifier model that judges claims the rules leave open; none leaves them to the rules. */
	judge: CoordinatorModel | undefined;
	/** The job's state as it is now: judging books its calls, and the report counts them. */
	latest: () => JobState;
	/** When the job completes: the report's end time, and the job's once the report is stored. */
	completedAt: number;
	/**
	 * Whether the job still wants its report, asked once the report is built and before anything is
	 * written: a job cancelled meanwhile gets no report objects.
	 */
	wanted: () => boolean;
};

/**
 * Builds `state`'s report and stores it with its provenance; returns the aggregation the job learns from,
 * or null when the job no longer wanted it (nothing was written then).
 * @example const aggregation = await storeReport(state, { bucket: env.ARTIFACTS, resultOf, judge, latest, completedAt, wanted });
 */
export async function storeReport(state: JobState, context: ReportContext): Promise<Aggregation | null> {
	const { bucket, completedAt } = context;
	const results = state.tasks
		.filter((task) => task.status === "completed")
		.map((task) => ({ task, result: context.resultOf(task.id, task.attempts) }));
	const snapshots = new Map<string, string>();
	await Promise.all(
		state.sources.map(async (source) => {
			if (source.status !== "retrieved" || !source.sha256) return;
			const text = await loadSnapshot(bucket, state.tenantId, source.sha256);
			if (text !== null) snapshots.set(source.id, text);
		}),
	);
	const rawOutputs: RawAgentOutput[] = [
		...results.map(({ task, result }) => ({
			taskId: task.id,
			role: task.role,
			findings: result?.findings ?? [],
			narrative: result?.narrative ?? "",
			malformedOutput: null,
		})),
		...state.tasks.flatMap((task) => {
			const raw = state.rawOutputs[task.id];
			return raw
				? [{ taskId: task.id, role: task.role, findings: [], narrative: "", malformedOutput: raw }]
				: [];
		}),
	];
	const { aggregation, report, provenance } = await produceReport({
		results: rawOutputs.map(({ taskId, role, findings }) => ({ taskId, role, findings })),
		rawOutputs,
		snapshots,
		...(context.judge === undefined ? {} : { judge: context.judge }),
		jobId: state.jobId,
		tenantId: state.tenantId,
		task: state.task,
		completeness: state.partial ? "partial" : "complete",
		createdAt: state.createdAt,
		completedAt,
		config: state.config,
		tasks: toJobView(state, 100, completedAt).plan,
		sources: state.sources,
		narratives: rawOutputs.map(({ taskId, role, narrative, malformedOutput }) => ({
			taskId,
			role,
			narrative:
				malformedOutput === null
					? narrative
					: `Raw output, kept because it failed the output schema:\n\n${malformedOutput}`,
		})),
		failures: state.tasks
			.filter((task) => task.status === "failed" || task.status === "skipped")
			.map((task) => ({
				taskId: task.id,
				role: task.role,
				error: task.error ?? (task.status === "skipped" ? "skipped: the job ended before it ran" : "failed"),
			})),
		// After the judging calls, so the report counts their tokens too.
		metrics: () => metricsAtCompletion(context.latest(), completedAt),
		...(state.goal ? { goal: state.goal } : {}),
		learning: {
			patternsUsed: state.learning.patternsUsed.map(({ id, task, reward, changed }) => ({
				id,
				task,
				reward,
				changed,
			})),
			note: state.learning.note,
		},
	});
	const bodies: Record<ReportFormat, () => Promise<string>> = {
		json: async () => JSON.stringify(report, null, 2),
		markdown: async () => renderMarkdown(report),
		html: () => renderHtml(report),
	};
	if (!context.wanted()) return null;
	await bucket.put(provenanceKey(state.tenantId, state.jobId), JSON.stringify(provenance, null, 2), {
		httpMetadata: { contentType: "application/json" },
	});
	const formats = new Set<ReportFormat>(["json", ...state.config.formats]);
	await Promise.all(
		[...formats].map(async (format) => {
			const { extension, contentType } = REPORT_FORMATS[format];
			await bucket.put(reportKey(state.tenantId, state.jobId, extension), await bodies[format](), {
				httpMetadata: { contentType },
			});
		}),
	);
	return aggregation;
}

/** Every key a job's report may be stored under: each format and the provenance record. */
export function reportObjectKeys(tenantId: string, jobId: string): string[] {
	const formats = Object.values(REPORT_FORMATS).map(({ extension }) => reportKey(tenantId, jobId, extension));
	return [...formats, provenanceKey(tenantId, jobId)];
}

/**
 * Deletes whatever a job's report left in R2: a job cancelled after its report was written, but before
 * it was committed as completed, must not keep report objects.
 */
export async function discardReport(bucket: R2Bucket, tenantId: string, jobId: string): Promise<void> {
	await bucket.delete(reportObjectKeys(tenantId, jobId));
}

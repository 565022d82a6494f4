/**
 * A whole research job in-process on the extractive provider: the plan the coordinator would make,
 * every role run in dependency order with its upstream results, then the same report pipeline the
 * coordinator runs (`produceReport`). No Worker, queue or storage, so the evaluation and the tests can
 * run many jobs quickly; job ids, times and metrics are fixed so reports are reproducible.
 */
import { createHash } from "node:crypto";
import { type PipelineOutput, produceReport } from "../../src/jobs/report-pipeline";
import {
	type Finding,
	type JobMetrics,
	type ResearchRequest,
	type SourceRecord,
	type TaskView,
	ZERO_USAGE,
} from "../../src/protocol";
import { extractFindings } from "../../src/providers/extractive";
import { resolveConfig } from "../../src/swarm/config";
import { ancestorIds } from "../../src/swarm/dag";
import { planSwarm } from "../../src/swarm/sizing";

export type OfflineDocument = { title: string; text: string; url?: string | null };

export type OfflineJob = PipelineOutput & {
	sources: SourceRecord[];
	snapshots: Map<string, string>;
	results: { taskId: string; findings: Finding[]; narrative: string }[];
};

const CREATED_AT = Date.UTC(2026, 0, 1);

/** The job's sources as the API registers attached texts: S1…Sn, snapshot hash of the text. */
export function offlineSources(documents: readonly OfflineDocument[]): SourceRecord[] {
	return documents.map((document, index) => ({
		id: `S${index + 1}`,
		title: document.title,
		url: document.url ?? null,
		origin: "attached",
		status: "retrieved",
		sha256: createHash("sha256").update(document.text).digest("hex"),
		bytes: Buffer.byteLength(document.text),
		contentType: "text/plain",
		error: null,
		retrievedAt: CREATED_AT,
	}));
}

/**
 * Runs a job over the documents; `replace` may swap a task's result (to plant a lying agent's output).
 * @example const { report } = await runOfflineJob({ task: "What limits heat pumps?" }, documents);
 */
export async function runOfflineJob(
	request: Omit<ResearchRequest, "sources">,
	documents: readonly OfflineDocument[],
	replace: (
		taskId: string,
		result: { findings: Finding[]; narrative: string },
	) => {
		findings: Finding[];
		narrative: string;
	} = (_, result) => result,
): Promise<OfflineJob> {
	const config = resolveConfig({ ...request, provider: "extractive" }, { provider: "extractive" });
	const sources = offlineSources(documents);
	const snapshots = new Map(sources.map((source, index) => [source.id, documents[index]?.text ?? ""]));
	const sourceDocuments = sources.map((source, index) => ({ source, text: documents[index]?.text ?? "" }));
	const plan = planSwarm(config);
	const results = new Map<string, { taskId: string; findings: Finding[]; narrative: string }>();
	for (const task of plan) {
		const ancestors = ancestorIds(plan, task.id);
		const upstream = plan
			.filter((candidate) => ancestors.has(candidate.id) && results.has(candidate.id))
			.map((candidate) => {
				const result = results.get(candidate.id);
				return {
					taskId: candidate.id,
					role: candidate.role,
					findings: result?.findings ?? [],
					narrative: result?.narrative ?? "",
				};
			});
		const output = extractFindings({
			jobId: "job_offline",
			tenantId: "local",
			taskId: task.id,
			attempt: 1,
			role: task.role,
			phase: task.phase,
			task: request.task,
			config,
			provider: "extractive",
			model: null,
			timeShare: task.timeShare,
			timeBudgetMs: config.timeMinutes * 60_000 * task.timeShare,
			sources,
			upstream,
			lessons: [],
			documents: sourceDocuments,
		});
		results.set(task.id, { taskId: task.id, ...replace(task.id, output) });
	}
	const tasks: TaskView[] = plan.map((task) => ({
		...task,
		status: "completed",
		attempts: 1,
		progress: 100,
		dispatchedAt: CREATED_AT,
		startedAt: CREATED_AT,
		finishedAt: CREATED_AT,
		usage: ZERO_USAGE,
		provider: "extractive",
		model: null,
		error: null,
	}));
	const roleOf = new Map(plan.map((task) => [task.id, task.role]));
	const output = await produceReport({
		jobId: "job_offline",
		tenantId: "local",
		task: request.task,
		completeness: "complete",
		createdAt: CREATED_AT,
		completedAt: CREATED_AT,
		config,
		tasks,
		sources,
		results: [...results.values()].map((result) => ({
			taskId: result.taskId,
			role: roleOf.get(result.taskId) ?? "explorer",
			findings: result.findings,
		})),
		snapshots,
		narratives: [...results.values()].map((result) => ({
			taskId: result.taskId,
			role: roleOf.get(result.taskId) ?? "explorer",
			narrative: result.narrative,
		})),
		rawOutputs: [...results.values()].map((result) => ({
			...result,
			role: roleOf.get(result.taskId) ?? "explorer",
			malformedOutput: null,
		})),
		failures: [],
		metrics: () => emptyMetrics(plan.length),
		learning: { patternsUsed: [], note: "" },
	});
	return { ...output, sources, snapshots, results: [...results.values()] };
}

function emptyMetrics(planned: number): JobMetrics {
	return {
		durationMs: 0,
		phases: { queuedMs: 0, planningMs: 0, runningMs: 0, synthesizingMs: 0 },
		usage: ZERO_USAGE,
		usageByProvider: { extractive: ZERO_USAGE },
		providerLatencyMs: { count: 0, p50: null, p95: null, p99: null },
		agents: { planned, completed: planned, failed: 0, skipped: 0 },
		errors: 0,
		retries: 0,
		redispatches: 0,
		budget: { limitUsd: null, spentUsd: 0, limited: false },
		fallbacks: [],
	};
}

/** Runs one agent task attempt: loads the job's source snapshots, runs the provider, keeps the lease alive. */
import { loadSnapshot } from "../evidence/snapshots";
import { type AgentContext, type AgentResult, AgentResultSchema } from "../protocol";
import type { Provider, SourceDocument } from "../providers/types";

/** How often a running agent renews its lease, independent of the provider's own progress reports. */
export const HEARTBEAT_MS = 5_000;

export type Heartbeat = (progress: number, note?: string) => Promise<{ active: boolean }>;

/**
 * Runs `context` on `provider` within the attempt's time budget. The attempt is aborted when the budget
 * is spent or when the coordinator says the attempt is no longer current.
 */
export async function runAgentTask(
	context: AgentContext,
	provider: Provider,
	bucket: R2Bucket,
	heartbeat: Heartbeat,
): Promise<AgentResult> {
	const documents: SourceDocument[] = [];
	for (const source of context.sources) {
		if (source.status !== "retrieved" || !source.sha256) continue;
		const text = await loadSnapshot(bucket, context.tenantId, source.sha256);
		if (text !== null) documents.push({ source, text });
	}
	const controller = new AbortController();
	const budget = setTimeout(
		() => controller.abort(new Error(`time budget of ${context.timeBudgetMs} ms spent`)),
		context.timeBudgetMs,
	);
	let lastProgress = 0;
	const beat = async (progress: number, note?: string) => {
		lastProgress = Math.max(lastProgress, progress);
		const { active } = await heartbeat(lastProgress, note);
		if (!active) controller.abort(new Error("the coordinator no longer expects this attempt"));
	};
	const keepAlive = setInterval(() => void beat(lastProgress).catch(() => {}), HEARTBEAT_MS);
	try {
		const result = await provider.runAgentTask(
			{ ...context, documents },
			{ onProgress: beat, signal: controller.signal },
		);
		return AgentResultSchema.parse(result);
	} finally {
		clearTimeout(budget);
		clearInterval(keepAlive);
	}
}

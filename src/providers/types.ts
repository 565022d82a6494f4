/**
 * The contract between the agent research loop and whatever produces findings: the offline
 * extractive ranker today, model providers with their own search tools when keys are configured.
 */
import type { AgentContext, AgentResult, SourceRecord } from "../protocol";

/** A retrieved source with the text of its stored snapshot. */
export type SourceDocument = { source: SourceRecord; text: string };

/** One agent task attempt, with the snapshot texts of the job's retrieved sources. */
export type AgentTaskInput = AgentContext & { documents: SourceDocument[] };

export type AgentHooks = {
	/** Reports progress in [0, 100]; each call also renews the task's lease with the coordinator. */
	onProgress(progress: number, note?: string): Promise<void>;
	/** Aborted when the attempt's time budget is spent. */
	signal: AbortSignal;
};

export interface Provider {
	readonly name: string;
	/** Runs one agent task and returns its findings; every quote must come from `input.documents`. */
	runAgentTask(input: AgentTaskInput, hooks: AgentHooks): Promise<AgentResult>;
}

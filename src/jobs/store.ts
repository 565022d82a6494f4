/**
 * The coordinator's own storage: the job's state, its ordered event log and its agents' results, in the
 * Durable Object's SQLite. A commit writes the state, the new events and the webhook outbox entries in
 * one transaction, so a crash never leaves half a transition behind.
 */
import type { AgentResult, EventType, JobEvent, OutboundJobEvent } from "../protocol";
import type { JobOutbox } from "./outbox";
import type { JobState } from "./state";
import type { EventDraft } from "./transitions";

/** One committed change: the whole next state, the events it logs, the terminal events it owes webhooks. */
export type Commit = { state: JobState; events: EventDraft[]; notify: OutboundJobEvent[] };

/** The `job_state`, `events` and `results` tables of one job. */
export class JobStore {
	private lastSeq: number;
	private current: JobState | null;

	constructor(
		private readonly storage: DurableObjectStorage,
		private readonly outbox: JobOutbox,
	) {
		storage.sql.exec(`CREATE TABLE IF NOT EXISTS job_state (id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, data TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS results (task_id TEXT NOT NULL, attempt INTEGER NOT NULL, json TEXT NOT NULL,
				PRIMARY KEY (task_id, attempt));`);
		this.lastSeq =
			storage.sql.exec<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM events").one().seq ?? 0;
		this.current = this.load();
	}

	/** The job's state as last committed, or null before the job was started. */
	get state(): JobState | null {
		return this.current;
	}

	private load(): JobState | null {
		const row = this.storage.sql
			.exec<{ json: string }>("SELECT json FROM job_state WHERE id = 1")
			.toArray()[0];
		if (!row) return null;
		const state = JSON.parse(row.json) as JobState;
		// States stored before owed work was tracked owe one sync, which is harmless to repeat.
		state.mirror ??= { version: 1, synced: 0 };
		state.owedRetries ??= 0;
		return state;
	}

	/** Stores `change` in one transaction and returns its events as logged (numbered, stamped). */
	commit(change: Commit, now: number): JobEvent[] {
		const { state } = change;
		// Each draft is one of the protocol's events already (its type fixes its payload); the stamp is all
		// that is added, which TypeScript cannot follow through the union.
		const events = change.events.map(
			(draft) =>
				({
					seq: ++this.lastSeq,
					type: draft.type,
					data: { jobId: state.jobId, at: now, ...draft.data },
				}) as JobEvent,
		);
		const sql = this.storage.sql;
		this.storage.transactionSync(() => {
			sql.exec(
				"INSERT INTO job_state (id, json) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET json = excluded.json",
				JSON.stringify(state),
			);
			for (const event of events) {
				sql.exec(
					"INSERT INTO events (seq, type, data) VALUES (?, ?, ?)",
					event.seq,
					event.type,
					JSON.stringify(event.data),
				);
			}
			for (const event of change.notify) this.outbox.add(event);
		});
		this.current = state;
		return events;
	}

	/** Events after `afterSeq`, oldest first. */
	readEvents(afterSeq: number, limit: number): JobEvent[] {
		return this.storage.sql
			.exec<{ seq: number; type: string; data: string }>(
				"SELECT seq, type, data FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
				afterSeq,
				limit,
			)
			.toArray()
			.map((row) => ({ seq: row.seq, type: row.type as EventType, data: JSON.parse(row.data) }));
	}

	/** Keeps an attempt's result; a second result for the same attempt is ignored. */
	saveResult(taskId: string, attempt: number, result: AgentResult): void {
		this.storage.sql.exec(
			"INSERT OR IGNORE INTO results (task_id, attempt, json) VALUES (?, ?, ?)",
			taskId,
			attempt,
			JSON.stringify(result),
		);
	}

	/** The result an attempt delivered, if any. */
	readResult(taskId: string, attempt: number): AgentResult | null {
		const row = this.storage.sql
			.exec<{ json: string }>("SELECT json FROM results WHERE task_id = ? AND attempt = ?", taskId, attempt)
			.toArray()[0];
		return row ? (JSON.parse(row.json) as AgentResult) : null;
	}
}

/**
 * The webhook outbox of one job: its terminal events, stored with the state that produced them and sent
 * to the `webhook-deliveries` queue afterwards. What fails to send stays unsent, and the coordinator's
 * alarm keeps trying while any is left.
 */
import type { OutboundJobEvent } from "../protocol";

/** The `outbox` table of one job. */
export class JobOutbox {
	constructor(private readonly sql: SqlStorage) {
		sql.exec(
			"CREATE TABLE IF NOT EXISTS outbox (event_id TEXT PRIMARY KEY, body TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 0)",
		);
	}

	/** Stores an event to send; the same event id twice is one entry. Call it inside the commit's transaction. */
	add(event: OutboundJobEvent): void {
		this.sql.exec(
			"INSERT OR IGNORE INTO outbox (event_id, body) VALUES (?, ?)",
			event.eventId,
			JSON.stringify(event),
		);
	}

	/** Whether any event is still unsent. */
	hasUnsent(): boolean {
		return this.sql.exec("SELECT 1 FROM outbox WHERE sent = 0 LIMIT 1").toArray().length > 0;
	}

	/** Sends every unsent event to `queue`, marking each one sent as it goes; failures wait for the next try. */
	async flush(queue: Queue): Promise<void> {
		const pending = this.sql
			.exec<{ event_id: string; body: string }>("SELECT event_id, body FROM outbox WHERE sent = 0")
			.toArray();
		for (const row of pending) {
			try {
				await queue.send(JSON.parse(row.body), { contentType: "json" });
				this.sql.exec("UPDATE outbox SET sent = 1 WHERE event_id = ?", row.event_id);
			} catch (error) {
				console.error("webhook outbox send failed", row.event_id, String(error));
			}
		}
	}
}

/**
 * TenantQuota: one Durable Object per tenant that admits jobs against the tenant's concurrent-job and
 * daily-job limits. Each decision is one synchronous SQLite transaction, so the limits hold exactly
 * under concurrent submissions.
 */
import { DurableObject } from "cloudflare:workers";

export type QuotaLimits = { maxConcurrentJobs: number; maxDailyJobs: number };

export type Admission =
	| { admitted: true }
	| { admitted: false; reason: "concurrent" | "daily"; limit: number; retryAfterSeconds: number };

/** How long a tenant at its concurrent limit is asked to wait before trying again. */
const CONCURRENT_RETRY_SECONDS = 30;

function utcDay(now: number): string {
	return new Date(now).toISOString().slice(0, 10);
}

function secondsToUtcMidnight(now: number): number {
	const midnight = new Date(now);
	midnight.setUTCHours(24, 0, 0, 0);
	return Math.max(1, Math.ceil((midnight.getTime() - now) / 1000));
}

export class TenantQuota extends DurableObject<Env> {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS admitted (job_id TEXT PRIMARY KEY, day TEXT NOT NULL, active INTEGER NOT NULL);
			CREATE INDEX IF NOT EXISTS admitted_day ON admitted (day);
			CREATE INDEX IF NOT EXISTS admitted_active ON admitted (active);`);
	}

	/** Admits `jobId` if the tenant is under both limits; admitting the same job again is a no-op. */
	async admit(jobId: string, limits: QuotaLimits, now: number = Date.now()): Promise<Admission> {
		const sql = this.ctx.storage.sql;
		return this.ctx.storage.transactionSync((): Admission => {
			if (sql.exec("SELECT 1 FROM admitted WHERE job_id = ?", jobId).toArray().length > 0)
				return { admitted: true };
			const active = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM admitted WHERE active = 1").one().n;
			if (active >= limits.maxConcurrentJobs) {
				return {
					admitted: false,
					reason: "concurrent",
					limit: limits.maxConcurrentJobs,
					retryAfterSeconds: CONCURRENT_RETRY_SECONDS,
				};
			}
			const day = utcDay(now);
			// Finished jobs of earlier days no longer count toward anything.
			sql.exec("DELETE FROM admitted WHERE active = 0 AND day < ?", day);
			const today = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM admitted WHERE day = ?", day).one().n;
			if (today >= limits.maxDailyJobs) {
				return {
					admitted: false,
					reason: "daily",
					limit: limits.maxDailyJobs,
					retryAfterSeconds: secondsToUtcMidnight(now),
				};
			}
			sql.exec("INSERT INTO admitted (job_id, day, active) VALUES (?, ?, 1)", jobId, day);
			return { admitted: true };
		});
	}

	/** Frees the concurrent slot of a job that ended; the job still counts toward its day. */
	async release(jobId: string): Promise<void> {
		this.ctx.storage.sql.exec("UPDATE admitted SET active = 0 WHERE job_id = ?", jobId);
	}

	/** Jobs currently holding a concurrent slot. */
	async activeJobs(): Promise<string[]> {
		return this.ctx.storage.sql
			.exec<{ job_id: string }>("SELECT job_id FROM admitted WHERE active = 1 ORDER BY job_id")
			.toArray()
			.map((row) => row.job_id);
	}
}

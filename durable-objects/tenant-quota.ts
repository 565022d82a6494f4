/**
 * TenantQuota: one Durable Object per tenant that admits jobs against the tenant's concurrent-job and
 * daily-job limits, and API requests against the tenant's ceiling across all its keys. Each decision is
 * one synchronous SQLite transaction, so the limits hold exactly under concurrent requests.
 */
import { DurableObject } from "cloudflare:workers";

export type QuotaLimits = { maxConcurrentJobs: number; maxDailyJobs: number };

export type Admission =
	| { admitted: true }
	| { admitted: false; reason: "concurrent" | "daily"; limit: number; retryAfterSeconds: number };

/** The outcome of one API request against the tenant's ceiling per window. */
export type RequestAdmission =
	| { admitted: true }
	| { admitted: false; limit: number; retryAfterSeconds: number };

/** The request ceiling's fixed window, aligned to the clock like the per-key limiter's. */
export const REQUEST_WINDOW_MS = 60_000;

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
			CREATE INDEX IF NOT EXISTS admitted_active ON admitted (active);
			CREATE TABLE IF NOT EXISTS request_windows (window_start INTEGER PRIMARY KEY, count INTEGER NOT NULL);`);
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

	/**
	 * Counts one API request of the tenant (from any of its keys) if the current window holds fewer than
	 * `limit`; a refused request is not counted. Windows start on whole minutes.
	 */
	async admitRequest(limit: number, now: number = Date.now()): Promise<RequestAdmission> {
		const sql = this.ctx.storage.sql;
		const windowStart = now - (now % REQUEST_WINDOW_MS);
		return this.ctx.storage.transactionSync((): RequestAdmission => {
			sql.exec("DELETE FROM request_windows WHERE window_start < ?", windowStart);
			const counted = sql
				.exec<{ count: number }>("SELECT count FROM request_windows WHERE window_start = ?", windowStart)
				.toArray()[0]?.count;
			if ((counted ?? 0) >= limit) {
				const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + REQUEST_WINDOW_MS - now) / 1000));
				return { admitted: false, limit, retryAfterSeconds };
			}
			sql.exec(
				"INSERT INTO request_windows (window_start, count) VALUES (?, 1) ON CONFLICT (window_start) DO UPDATE SET count = count + 1",
				windowStart,
			);
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

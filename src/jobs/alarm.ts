/** When the coordinator's alarm should next run, read from the job's stored state alone. */
import { TERMINAL_JOB_STATUSES } from "../protocol";
import { type JobState, owedWork } from "./state";

/** The watchdog's period while the job is active, and the first retry of owed work after it ended. */
export const WATCHDOG_MS = 15_000;
/** The longest wait between two tries of owed work after the job ended. */
export const MAX_OWED_RETRY_MS = 60 * 60_000;

/**
 * The next alarm time, or null when nothing is left to do. An active job wakes at the next watchdog tick,
 * its deadline or its earliest lease expiry, whichever comes first. An ended job wakes only while it owes
 * something (its D1 mirror, its quota slot, its pattern, an unsent webhook event), backing off from
 * `WATCHDOG_MS` to `MAX_OWED_RETRY_MS`.
 * @example nextAlarmAt(state, outbox.hasUnsent(), Date.now())
 */
export function nextAlarmAt(state: JobState, unsentEvents: boolean, now: number): number | null {
	if (!TERMINAL_JOB_STATUSES.includes(state.status)) {
		const leases = state.tasks.flatMap((task) => (task.leaseExpiresAt !== null ? [task.leaseExpiresAt] : []));
		return Math.min(now + WATCHDOG_MS, state.deadline, ...leases);
	}
	const owed = unsentEvents || Object.values(owedWork(state)).some(Boolean);
	if (!owed) return null;
	return now + Math.min(WATCHDOG_MS * 2 ** state.owedRetries, MAX_OWED_RETRY_MS);
}

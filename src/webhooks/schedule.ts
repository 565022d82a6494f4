/**
 * When outbound deliveries are attempted and what an attempt's answer means. Pure: the jitter is a
 * function of the delivery id and attempt number, so every delay can be recomputed.
 *
 * Attempt n (1-based) waits `RETRY_SCHEDULE_SECONDS[n - 1]` after the previous one failed: immediately,
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — eight attempts over about 28 hours. Every wait but the first
 * is spread by ±10 % so that many deliveries failing together do not retry together. A `Retry-After`
 * longer than the scheduled wait replaces it.
 */
import { fnv1a32 } from "../lib/hash";

/** Wait before each attempt, in seconds; its length is the number of automatic attempts. */
export const RETRY_SCHEDULE_SECONDS: readonly number[] = [0, 5, 300, 1800, 7200, 18_000, 36_000, 36_000];

/** Automatic attempts per delivery. */
export const MAX_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length;

/** Largest relative change jitter makes to a wait. */
export const JITTER_FRACTION = 0.1;

/** The longest a queue message can be delayed (Cloudflare Queues: 12 hours). */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

/** How long one attempt may take, connection and answer included. */
export const ATTEMPT_TIMEOUT_MS = 15_000;

/** A number in [-1, 1] fixed by the delivery and attempt, e.g. `jitterUnit("dlv_a", 2)` → 0.37…. */
export function jitterUnit(deliveryId: string, attempt: number): number {
	return (fnv1a32(`${deliveryId}:${attempt}`) / 0xffffffff) * 2 - 1;
}

/**
 * Seconds to wait before automatic attempt `attempt` (1-based): the scheduled wait ±10 % jitter, rounded
 * to whole seconds; null once the schedule is used up.
 *
 * @example
 * scheduledDelaySeconds("dlv_a", 1) // → 0
 * scheduledDelaySeconds("dlv_a", 3) // → between 270 and 330
 * scheduledDelaySeconds("dlv_a", 9) // → null
 */
export function scheduledDelaySeconds(deliveryId: string, attempt: number): number | null {
	const base = RETRY_SCHEDULE_SECONDS[attempt - 1];
	if (base === undefined) return null;
	return Math.round(base * (1 + JITTER_FRACTION * jitterUnit(deliveryId, attempt)));
}

/**
 * A `Retry-After` header as seconds from `nowMs`: delta-seconds or an HTTP date; null when absent or
 * unreadable.
 *
 * @example
 * parseRetryAfter("120", now) // → 120
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:00 GMT")) // → 60
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | null {
	const value = header?.trim() ?? "";
	if (/^\d+$/.test(value)) return Number(value);
	if (!/[a-z]/i.test(value)) return null;
	const at = Date.parse(value);
	if (Number.isNaN(at)) return null;
	return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/**
 * Seconds before automatic attempt `nextAttempt`: the larger of the scheduled wait and `Retry-After`,
 * at most `MAX_QUEUE_DELAY_SECONDS`; null when no automatic attempt is left.
 */
export function nextAttemptDelaySeconds(
	deliveryId: string,
	nextAttempt: number,
	retryAfterSeconds: number | null,
): number | null {
	const scheduled = scheduledDelaySeconds(deliveryId, nextAttempt);
	if (scheduled === null) return null;
	return Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(scheduled, retryAfterSeconds ?? 0));
}

/**
 * What an attempt's answer means: `delivered` (2xx), `gone` (410: the receiver asks never to be called
 * again), `refused` (the URL is not allowed, so trying again cannot help) or `retry` (anything else,
 * redirects included, since deliveries never follow them).
 */
export type AttemptVerdict = "delivered" | "gone" | "refused" | "retry";

/** Classifies an attempt by its status code (null when no answer came) and whether the URL was refused. */
export function judgeAttempt(statusCode: number | null, urlRefused: boolean): AttemptVerdict {
	if (urlRefused) return "refused";
	if (statusCode === null) return "retry";
	if (statusCode >= 200 && statusCode <= 299) return "delivered";
	if (statusCode === 410) return "gone";
	return "retry";
}

/**
 * A per-provider circuit breaker. After `BREAKER_THRESHOLD` consecutive outage-class failures the
 * provider counts as down for `BREAKER_COOLDOWN_MS`; new tasks, and redeliveries of tasks that were on
 * it, go to a fallback meanwhile. Outage-class means an outage (overload, 5xx, timeouts, network) or
 * rate-limited: a 429 that outlasted the SDK's retries is as persistent as an outage, and retrying it
 * through the queue only spends requests. After the cooldown the next task tries the provider again
 * (half-open), and one more outage re-opens it at once. The state remembers the latest outage's cause,
 * so the report can say why tasks moved.
 */
import type { OutageCause } from "./types";

export const BREAKER_THRESHOLD = 3;
export const BREAKER_COOLDOWN_MS = 5 * 60_000;

export type BreakerState = {
	consecutiveOutages: number;
	openedAt: number | null;
	/** Why the latest outage counted; absent in states stored before causes were kept. */
	cause?: OutageCause;
};

export const CLOSED_BREAKER: BreakerState = { consecutiveOutages: 0, openedAt: null };

/**
 * The breaker after a call's outcome: a success closes it, an outage of either cause counts toward opening it.
 * @example recordOutcome(CLOSED_BREAKER, "rate_limited", now) // { consecutiveOutages: 1, openedAt: null, cause: "rate_limited" }
 */
export function recordOutcome(
	state: BreakerState,
	outcome: "success" | OutageCause,
	now: number,
): BreakerState {
	if (outcome === "success") return CLOSED_BREAKER;
	const consecutiveOutages = state.consecutiveOutages + 1;
	return {
		consecutiveOutages,
		openedAt: consecutiveOutages >= BREAKER_THRESHOLD ? now : state.openedAt,
		cause: outcome,
	};
}

/** Whether the provider should be skipped at `now`. */
export function isOpen(state: BreakerState, now: number): boolean {
	return state.openedAt !== null && now - state.openedAt < BREAKER_COOLDOWN_MS;
}

/**
 * The providers a job should skip at `now`: those whose breaker is open.
 * @example openProviders(state.breakers, Date.now()).has("anthropic")
 */
export function openProviders(breakers: Readonly<Record<string, BreakerState>>, now: number): Set<string> {
	return new Set(
		Object.entries(breakers)
			.filter(([, breaker]) => isOpen(breaker, now))
			.map(([name]) => name),
	);
}

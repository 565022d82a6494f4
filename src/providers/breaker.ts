/**
 * A per-provider circuit breaker. After `BREAKER_THRESHOLD` consecutive outage-class failures
 * (overload, 5xx, timeouts, network) the provider counts as down for `BREAKER_COOLDOWN_MS`; new tasks go
 * to a fallback meanwhile. After the cooldown the next task tries the provider again (half-open), and
 * one more outage re-opens it at once.
 */
export const BREAKER_THRESHOLD = 3;
export const BREAKER_COOLDOWN_MS = 5 * 60_000;

export type BreakerState = { consecutiveOutages: number; openedAt: number | null };

export const CLOSED_BREAKER: BreakerState = { consecutiveOutages: 0, openedAt: null };

/** The breaker after a call's outcome. */
export function recordOutcome(state: BreakerState, outcome: "success" | "outage", now: number): BreakerState {
	if (outcome === "success") return CLOSED_BREAKER;
	const consecutiveOutages = state.consecutiveOutages + 1;
	return { consecutiveOutages, openedAt: consecutiveOutages >= BREAKER_THRESHOLD ? now : state.openedAt };
}

/** Whether the provider should be skipped at `now`. */
export function isOpen(state: BreakerState, now: number): boolean {
	return state.openedAt !== null && now - state.openedAt < BREAKER_COOLDOWN_MS;
}

/**
 * Usage that must not be lost when a call fails: a provider bills every response it sent, even one
 * whose output the adapter then rejects, so a failed turn carries what its calls were billed.
 */
import { type BilledCalls, ProviderError } from "./types";

/**
 * Runs an adapter's turn or structured call; a `ProviderError` it throws leaves carrying `spent()`, the
 * usage of the calls that were answered before the failure. Other errors pass unchanged.
 * @example return withBilledUsage(() => ({ usage: log.usage, callLatenciesMs: log.latenciesMs }), () => run(log))
 */
export async function withBilledUsage<T>(spent: () => BilledCalls, body: () => Promise<T>): Promise<T> {
	try {
		return await body();
	} catch (error) {
		throw error instanceof ProviderError ? error.billedFor(spent()) : error;
	}
}

/**
 * What a failed call was billed, when the error says; null for errors that carry no usage.
 * @example const billed = billedOf(error); if (billed) book(billed.usage)
 */
export function billedOf(error: unknown): BilledCalls | null {
	return error instanceof ProviderError ? (error.options.billed ?? null) : null;
}

/**
 * Usage sums: a turn's token usage over its API calls (`TokenUsage`), and the protocol's `Usage`
 * over tasks, providers and the coordinator's own calls.
 */
import type { JobPricing, PricingWarning, Usage } from "../protocol";
import { type TokenUsage, ZERO_TOKEN_USAGE } from "../providers/types";

/** Adds records of counts field by field; the fields are those of `zero`. */
function sumFields<Counts extends Record<keyof Counts, number>>(
	zero: Counts,
	records: readonly Counts[],
): Counts {
	const total: Counts = { ...zero };
	// Object.keys widens to string; the keys of `zero` are exactly the fields of `Counts`.
	const fields = Object.keys(zero) as (keyof Counts)[];
	for (const record of records) {
		for (const field of fields) total[field] = (total[field] + record[field]) as Counts[keyof Counts];
	}
	return total;
}

/**
 * The field-wise sum of token usages; zero for none.
 * @example sumTokenUsage(turn.usage, { ...ZERO_TOKEN_USAGE, searchCalls: 1 })
 */
export function sumTokenUsage(...usages: TokenUsage[]): TokenUsage {
	return sumFields(ZERO_TOKEN_USAGE, usages);
}

const ZERO_COUNTS: Omit<Usage, "costUsd"> = {
	inputTokens: 0,
	outputTokens: 0,
	cacheReadTokens: 0,
	cacheWriteTokens: 0,
	searchCalls: 0,
};

/**
 * The field-wise sum of protocol usages, cost included: an unknown (null) cost makes the sum's cost
 * unknown, since a total that leaves it out would understate it. `ZERO_USAGE` for none.
 * @example sumUsage(...tasks.map((task) => task.usage))
 */
export function sumUsage(...usages: Usage[]): Usage {
	const costs = usages.map((usage) => usage.costUsd);
	const costUsd = costs.includes(null) ? null : costs.reduce((sum: number, cost) => sum + (cost ?? 0), 0);
	return { ...sumFields(ZERO_COUNTS, usages), costUsd };
}

/**
 * `warnings` with `warning` added, unless one of the same kind for the same model is there already.
 * @example withPricingWarning([], unpricedWarning) // [unpricedWarning]
 */
export function withPricingWarning(
	warnings: readonly PricingWarning[],
	warning: PricingWarning | null | undefined,
): PricingWarning[] {
	if (!warning) return [...warnings];
	const known = warnings.some(
		(entry) =>
			entry.kind === warning.kind && entry.provider === warning.provider && entry.model === warning.model,
	);
	return known ? [...warnings] : [...warnings, warning];
}

/** A job's pricing from its warnings: estimated when any call was priced at a stale row. */
export function jobPricing(warnings: readonly PricingWarning[]): JobPricing {
	return { estimated: warnings.some((warning) => warning.kind === "stale"), warnings: [...warnings] };
}

/**
 * Usage sums: a turn's token usage over its API calls (`TokenUsage`), and the protocol's `Usage`
 * over tasks, providers and the coordinator's own calls.
 */
import { type Usage, ZERO_USAGE } from "../protocol";
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

/**
 * The field-wise sum of protocol usages, cost included; `ZERO_USAGE` for none.
 * @example sumUsage(...tasks.map((task) => task.usage))
 */
export function sumUsage(...usages: Usage[]): Usage {
	return sumFields(ZERO_USAGE, usages);
}

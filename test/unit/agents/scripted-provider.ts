/** A provider for tests of the coordinator's own model calls: its structured calls answer from a script. */
import type { Provider, StructuredRequest, StructuredResult } from "../../../src/providers/types";
import { ZERO_TOKEN_USAGE } from "../../../src/providers/types";

/** A structured answer worth 100 input and 20 output tokens. */
export function answered(value: unknown): Partial<StructuredResult> {
	return {
		value,
		usage: { ...ZERO_TOKEN_USAGE, inputTokens: 100, outputTokens: 20 },
		rawOutput: JSON.stringify(value),
	};
}

/**
 * A provider whose structured calls give `results` in order (an Error is thrown) over a zero-usage
 * default, and keep every request.
 */
export function scriptedResults(results: (Partial<StructuredResult> | Error)[]): {
	provider: Provider;
	requests: StructuredRequest[];
} {
	const requests: StructuredRequest[] = [];
	const provider: Provider = {
		name: "scripted",
		supportsNativeSearch: () => false,
		runTurn: () => Promise.reject(new Error("no turns here")),
		runStructured: async (request) => {
			requests.push(request);
			const result = results[requests.length - 1];
			if (result === undefined) throw new Error(`unexpected call #${requests.length}`);
			if (result instanceof Error) throw result;
			return {
				value: undefined,
				usage: ZERO_TOKEN_USAGE,
				callLatenciesMs: [1],
				rawOutput: "",
				model: "scripted-1",
				...result,
			};
		},
	};
	return { provider, requests };
}

/** `scriptedResults` whose calls answer with `values` in order (an Error is thrown), each via `answered`. */
export function scriptedProvider(values: (unknown | Error)[]): ReturnType<typeof scriptedResults> {
	return scriptedResults(values.map((value) => (value instanceof Error ? value : answered(value))));
}

/**
 * A Provider over an OpenAI-compatible API (OpenAI, OpenRouter): one SDK client per provider, with the
 * injected fetch that never retries a spend limit and nothing read from the environment, and the
 * adapter's own turn and structured calls on top. Each turn or structured call runs in its own
 * `TurnSession`, whose billed usage a failure carries out.
 */
import type OpenAI from "openai";
import { withBilledUsage } from "./billed";
import {
	DEFAULT_MAX_RETRIES,
	type ErrorContext,
	loadOpenAISdk,
	type OpenAICompatibleOptions,
	type SpendLimitRule,
	spendLimitNotRetried,
	TurnSession,
} from "./openai-shared";
import type { AgentTurn, Provider, StructuredRequest, StructuredResult, TurnResult } from "./types";

/** The SDK client of an adapter: its fetch injected (spend limits never retried), nothing read from env. */
async function createOpenAIClient(
	options: OpenAICompatibleOptions & {
		baseURL: string;
		isSpendLimit: SpendLimitRule;
		defaultHeaders?: Record<string, string>;
	},
): Promise<OpenAI> {
	const { default: OpenAI } = await loadOpenAISdk();
	return new OpenAI({
		apiKey: options.apiKey,
		baseURL: options.baseURL,
		organization: null,
		project: null,
		webhookSecret: null,
		maxRetries: DEFAULT_MAX_RETRIES,
		logLevel: "off",
		fetch: spendLimitNotRetried(options.fetch ?? ((input, init) => fetch(input, init)), options.isSpendLimit),
		...(options.defaultHeaders ? { defaultHeaders: options.defaultHeaders } : {}),
	});
}

/** What sets one OpenAI-compatible adapter apart: its name, endpoint, spend-limit rule, native search and calls. */
export type OpenAICompatibleAdapter = {
	name: string;
	/** The API the client talks to unless the options name another. */
	baseURL: string;
	isSpendLimit: SpendLimitRule;
	defaultHeaders?: Record<string, string>;
	supportsNativeSearch(model: string): boolean;
	runTurn(client: OpenAI, session: TurnSession, turn: AgentTurn): Promise<TurnResult>;
	runStructured(client: OpenAI, session: TurnSession, request: StructuredRequest): Promise<StructuredResult>;
};

/**
 * A Provider over an OpenAI-compatible API: one SDK client for all its calls, created when the provider is.
 * @example openAICompatibleProvider({ apiKey }, { name: "openai", baseURL: OPENAI_BASE_URL, … })
 */
export function openAICompatibleProvider(
	options: OpenAICompatibleOptions,
	adapter: OpenAICompatibleAdapter,
): Provider {
	const client = createOpenAIClient({
		...options,
		baseURL: options.baseURL ?? adapter.baseURL,
		isSpendLimit: adapter.isSpendLimit,
		...(adapter.defaultHeaders ? { defaultHeaders: adapter.defaultHeaders } : {}),
	});
	const errors: ErrorContext = {
		provider: adapter.name,
		apiKey: options.apiKey,
		isSpendLimit: adapter.isSpendLimit,
	};
	return {
		name: adapter.name,
		supportsNativeSearch: adapter.supportsNativeSearch,
		runTurn: (turn) => {
			const session = new TurnSession(errors, turn);
			return withBilledUsage(
				() => session.billed,
				async () => adapter.runTurn(await client, session, turn),
			);
		},
		runStructured: (request) => {
			const session = new TurnSession(errors, request);
			return withBilledUsage(
				() => session.billed,
				async () => adapter.runStructured(await client, session, request),
			);
		},
	};
}

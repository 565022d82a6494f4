/**
 * The research loop of one agent task attempt: load the job's snapshots, build the prompt, reserve the
 * worst-case cost, run one provider turn, snapshot every page the provider searched or cited, map its
 * citations onto job sources, and settle the real cost. The lease is renewed every 5 s throughout, each
 * heartbeat carrying the attempt's progress (`attempt-progress.ts`); the start of each stage, and each
 * phase the provider reports, is reported at once.
 */
import type { HostResolver } from "../evidence/host-resolver";
import { type NewSource, snapshotUrl } from "../evidence/ingest";
import { loadSnapshot } from "../evidence/snapshots";
import { normalizeUrl } from "../evidence/verify";
import {
	type AgentContext,
	type AgentResult,
	AgentResultSchema,
	type Citation,
	type Finding,
	type Focus,
	type SettledCall,
	type SourceRecord,
} from "../protocol";
import { billedOf } from "../providers/billed";
import { braveSearch } from "../providers/brave-search";
import { type PricedCost, pricedCost, promptTokens, toUsage, worstCaseCost } from "../providers/cost";
import { BRAVE_SEARCH_PRICE, priceOf } from "../providers/prices";
import {
	type BilledCalls,
	type Provider,
	type ResearchTools,
	type RetrievedRef,
	type SourceDocument,
	type TurnCitation,
	ZERO_TOKEN_USAGE,
} from "../providers/types";
import { FOCUS_PROFILES } from "../swarm/focus";
import {
	type AttemptLimits,
	type AttemptStage,
	attemptProgress,
	foldTurnProgress,
	TURN_START,
} from "./attempt-progress";
import { roleInstructions, taskPrompt } from "./prompts";

/** How often a running agent renews its lease, independent of the provider's own progress. */
export const HEARTBEAT_MS = 5_000;
/** Output tokens one turn may produce. */
export const MAX_OUTPUT_TOKENS = 8_192;
/** Characters of a fetched page handed back to a model through `fetch_page`. */
const PAGE_CHARS_FOR_MODEL = 8_000;
/** Input tokens assumed per web search when reserving budget (search results enter the context). */
const TOKENS_PER_SEARCH = 10_000;

/** The coordinator calls an attempt makes, bound to its job, task and attempt. */
export type CoordinatorPort = {
	heartbeat(progress: number, note?: string): Promise<{ active: boolean }>;
	registerSources(sources: NewSource[]): Promise<SourceRecord[]>;
	reserveBudget(usd: number): Promise<{ granted: boolean }>;
	/** Gives back the turn's reservation and books what its calls were billed, succeeded or failed. */
	settleCall(call: SettledCall): Promise<void>;
};

export type AgentRunDependencies = {
	provider: Provider;
	bucket: R2Bucket;
	coordinator: CoordinatorPort;
	braveApiKey: string | null;
	/** The fetch behind the guarded fetch and the search tool; the runtime's by default. */
	fetchImpl?: typeof fetch;
	/** Looks each page's host up before the guarded fetch requests it (outside production). */
	resolveHost?: HostResolver | null;
};

/** The job's budget cannot cover this call, so it was not made. */
export class BudgetExceededError extends Error {
	constructor(readonly reservedUsd: number) {
		super(`the job's budget cannot cover this call (worst case $${reservedUsd.toFixed(4)})`);
		this.name = "BudgetExceededError";
	}
}

/** Searches plus page fetches one turn may make at the most. */
export const MAX_SEARCH_USES = 10;

/**
 * Searches plus page fetches one turn may make: more for deeper jobs, larger time shares and a broader
 * focus (1–10).
 * @example searchUses(5, 0.25, "balanced") // 6
 */
export function searchUses(depth: number, timeShare: number, focus: Focus): number {
	const uses = (1 + depth * timeShare * 4) * FOCUS_PROFILES[focus].searchScale;
	return Math.min(MAX_SEARCH_USES, Math.max(1, Math.round(uses)));
}

/** Runs one attempt of `context` and returns its result for the coordinator. */
export async function runAgentTask(context: AgentContext, deps: AgentRunDependencies): Promise<AgentResult> {
	const { provider, coordinator } = deps;
	const controller = new AbortController();
	const maxUses = searchUses(context.config.depth, context.timeShare, context.config.focus);
	const limits: AttemptLimits = { maxOutputTokens: MAX_OUTPUT_TOKENS, maxSearches: maxUses };
	let stage: AttemptStage = { kind: "reading", sources: context.sources.filter(hasSnapshot).length };
	const beat = async () => {
		const { percent, note } = attemptProgress(stage, limits);
		const { active } = await coordinator.heartbeat(percent, note);
		if (!active) controller.abort(new Error("the coordinator no longer expects this attempt"));
	};
	// A beat in the background: a lost one is made up by the next, and none may hold up the work.
	const beatSoon = () => void beat().catch(() => {});
	const keepAlive = setInterval(beatSoon, HEARTBEAT_MS);
	let budgetTimer: ReturnType<typeof setTimeout> | undefined;
	try {
		beatSoon();
		const documents = await loadDocuments(deps.bucket, context);
		budgetTimer = setTimeout(
			() => controller.abort(new Error(`time budget of ${context.timeBudgetMs} ms spent`)),
			context.timeBudgetMs,
		);
		const model = context.model ?? "";
		const native = provider.supportsNativeSearch(model);
		const searchEnabled = context.provider !== "extractive" && (native || deps.braveApiKey !== null);
		const modelPrice = context.model ? priceOf(context.provider, context.model) : null;
		// Lent search tools are Brave calls, priced as such rather than at the model's native search fee.
		const price =
			modelPrice && searchEnabled && !native
				? { ...modelPrice, searchPerCall: BRAVE_SEARCH_PRICE.perCall }
				: modelPrice;
		const discovered: NewSource[] = [];
		const instructions = roleInstructions(context.role, context.config.citations);
		const prompt = taskPrompt(context, documents);

		const reservedUsd = price
			? worstCaseCost(price, {
					inputTokens: promptTokens(instructions.length + prompt.length) + maxUses * TOKENS_PER_SEARCH,
					maxOutputTokens: MAX_OUTPUT_TOKENS,
					maxSearches: maxUses,
				})
			: 0;
		if (reservedUsd > 0 && !(await coordinator.reserveBudget(reservedUsd)).granted) {
			throw new BudgetExceededError(reservedUsd);
		}
		let turnState = TURN_START;
		stage = { kind: "calling", turn: turnState };
		// Every turn is settled, failed ones included: a provider bills each response it sent.
		const settle = async (billed: BilledCalls | null): Promise<PricedCost> => {
			const priced = billed
				? pricedCost(context.provider, model, price, billed.usage, billed.billing)
				: { costUsd: 0, warning: null };
			if (reservedUsd > 0 || billed) {
				await coordinator.settleCall({
					reservedUsd,
					provider: provider.name,
					usage: toUsage(billed?.usage ?? ZERO_TOKEN_USAGE, priced.costUsd),
					latenciesMs: billed?.callLatenciesMs ?? [],
					pricingWarning: priced.warning,
				});
			}
			return priced;
		};
		let turn: Awaited<ReturnType<Provider["runTurn"]>>;
		try {
			turn = await provider.runTurn({
				model,
				role: context.role,
				instructions,
				prompt,
				input: { ...context, documents },
				search: { enabled: searchEnabled, maxUses },
				tools: searchEnabled && !native ? researchTools(context, deps, discovered) : null,
				maxOutputTokens: MAX_OUTPUT_TOKENS,
				timeoutMs: context.timeBudgetMs,
				signal: controller.signal,
				onProgress: (update) => {
					const next = foldTurnProgress(turnState, update);
					const newPhase = next.phases > turnState.phases;
					turnState = next;
					stage = { kind: "calling", turn: next };
					// Tokens and searches go out with the keep-alive; a new phase is worth a beat of its own.
					if (newPhase) beatSoon();
				},
			});
		} catch (error) {
			// The turn's own failure decides what happens next, even when its settlement cannot be stored.
			await settle(billedOf(error)).catch((settling: unknown) =>
				console.error("settling a failed turn failed", String(settling)),
			);
			throw error;
		}
		const { costUsd, warning } = await settle(turn);
		// Fetching pages takes seconds, worth a progress report; with none to fetch it would be a bare round trip.
		if (turn.retrieved.length > 0) {
			stage = { kind: "snapshotting", pages: turn.retrieved.length };
			await beat();
		}

		const pages = await snapshotPages(context, deps, turn.retrieved, discovered);
		if (pages.sources.length > 0) {
			stage = { kind: "registering", sources: pages.sources.length };
			beatSoon();
		}
		const sources =
			pages.sources.length > 0 ? await coordinator.registerSources(pages.sources) : context.sources;
		const findings = turn.output.findings.map(
			(finding): Finding => ({
				...finding,
				citations: finding.citations.map((citation) => toJobCitation(citation, sources, pages.redirects)),
			}),
		);
		return AgentResultSchema.parse({
			findings,
			narrative: turn.output.narrative,
			usage: toUsage(turn.usage, costUsd),
			providerCalls: turn.callLatenciesMs.map((latencyMs) => ({
				provider: provider.name,
				model: turn.model ?? context.model,
				latencyMs,
				ok: true,
			})),
			provider: provider.name,
			model: turn.model ?? context.model,
			pricingWarning: warning,
		});
	} finally {
		clearTimeout(budgetTimer);
		clearInterval(keepAlive);
	}
}

/** The stored text of every retrieved source, read concurrently rather than one after another. */
async function loadDocuments(bucket: R2Bucket, context: AgentContext): Promise<SourceDocument[]> {
	const loaded = await Promise.all(
		context.sources.map(async (source) => {
			if (!hasSnapshot(source)) return null;
			const text = await loadSnapshot(bucket, context.tenantId, source.sha256);
			return text === null ? null : { source, text };
		}),
	);
	return loaded.filter((document) => document !== null);
}

/** Whether a job source has a stored snapshot to read. */
function hasSnapshot(source: SourceRecord): source is SourceRecord & { sha256: string } {
	return source.status === "retrieved" && Boolean(source.sha256);
}

/** How this attempt fetches pages: the injected fetch, if any, and the host lookup of the deployment. */
function pageFetch(deps: AgentRunDependencies): {
	fetchImpl?: typeof fetch;
	resolveHost: HostResolver | null;
} {
	return { ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}), resolveHost: deps.resolveHost ?? null };
}

/** Brave search and a snapshotting page fetch, for models without native search. */
function researchTools(
	context: AgentContext,
	deps: AgentRunDependencies,
	discovered: NewSource[],
): ResearchTools {
	const apiKey = deps.braveApiKey ?? "";
	return {
		search: (query) =>
			braveSearch(query, { apiKey, ...(deps.fetchImpl ? { fetchImpl: deps.fetchImpl } : {}) }),
		fetchPage: async (url) => {
			const page = await snapshotUrl(deps.bucket, context.tenantId, url, {
				title: null,
				origin: "search",
				...pageFetch(deps),
			});
			discovered.push(page.source);
			if (page.text === null || page.source.url === null) return null;
			return {
				url: page.source.url,
				title: page.source.title,
				text: page.text.slice(0, PAGE_CHARS_FOR_MODEL),
			};
		},
	};
}

/**
 * Snapshots the pages a turn searched or cited that the job does not hold yet, as many as the job's
 * focus allows per turn. `redirects` maps each
 * requested URL that redirected (search engines cite through redirect links) to where it landed.
 */
async function snapshotPages(
	context: AgentContext,
	deps: AgentRunDependencies,
	retrieved: readonly RetrievedRef[],
	alreadyFetched: readonly NewSource[],
): Promise<{ sources: NewSource[]; redirects: Map<string, string> }> {
	const known = new Set(
		[...context.sources, ...alreadyFetched].flatMap((source) =>
			source.url ? [normalizeUrl(source.url)] : [],
		),
	);
	const wanted: RetrievedRef[] = [];
	for (const ref of retrieved) {
		const key = normalizeUrl(ref.url);
		if (known.has(key) || wanted.length >= FOCUS_PROFILES[context.config.focus].pagesPerTurn) continue;
		known.add(key);
		wanted.push(ref);
	}
	const fetched = await Promise.all(
		wanted.map((ref) =>
			snapshotUrl(deps.bucket, context.tenantId, ref.url, {
				title: ref.title,
				origin: "search",
				...pageFetch(deps),
			}),
		),
	);
	const redirects = new Map<string, string>();
	wanted.forEach((ref, index) => {
		const landed = fetched[index]?.source.url;
		if (landed && normalizeUrl(landed) !== normalizeUrl(ref.url))
			redirects.set(normalizeUrl(ref.url), landed);
	});
	return { sources: [...alreadyFetched, ...fetched.map((page) => page.source)], redirects };
}

/**
 * Points a provider citation at a job source: by URL when the job retrieved that URL, else by source id.
 * A URL the job never retrieved keeps its URL and no known id, so verification marks it fabricated.
 */
function toJobCitation(
	citation: TurnCitation,
	sources: readonly SourceRecord[],
	redirects: ReadonlyMap<string, string>,
): Citation {
	if (citation.url) {
		const url = redirects.get(normalizeUrl(citation.url)) ?? citation.url;
		const key = normalizeUrl(url);
		const match = sources.find((source) => source.url !== null && normalizeUrl(source.url) === key);
		return { sourceId: match?.id ?? "unretrieved", url, quote: citation.quote };
	}
	const known = sources.find((source) => source.id === citation.sourceId);
	return {
		sourceId: known?.id ?? citation.sourceId ?? "unknown",
		url: known?.url ?? null,
		quote: citation.quote,
	};
}

/**
 * The job's model for the calls the coordinator makes itself: decomposing a goal (explorer model) and
 * judging support (verifier model). Each call is admitted against the job's budget and booked to it.
 */
import type { EffectiveConfig } from "../protocol";
import { type CostBounds, pricedCost, toUsage, worstCaseCost } from "../providers/cost";
import { priceOf } from "../providers/prices";
import { providerFor } from "../providers/registry";
import { fallbackProvider, resolveModel } from "../providers/router";
import { configuredProviders, type ProviderSettings } from "../providers/settings";
import type { BilledCalls, Provider } from "../providers/types";
import type { JobState } from "./state";
import type { BilledCall } from "./transitions";

/** A provider and model the coordinator may call, with the budget check and the booking of each call. */
export type CoordinatorModel = {
	provider: Provider;
	model: string;
	/** Whether the budget covers `calls` worst-case calls (never for an unpriced model on a budget). */
	mayCall: (bounds: CostBounds, calls?: number) => boolean;
	/** Books a billed call's cost to the budget, and its usage and latencies to the metrics, answered or failed. */
	onCall: (billed: BilledCalls) => void;
};

/** Where a coordinator call's spending is read and written: the job's budget as it stands, and its books. */
export type CallLedger = {
	budget: () => JobState["budget"];
	book: (call: BilledCall) => void;
};

/**
 * The job's model for `role`, or undefined for the extractive provider and for a provider this
 * deployment has not configured. While the job's provider is down (`down`: its breaker is open, e.g.
 * it kept answering 429) the calls go where its tasks go, to the fallback provider's model.
 * @example coordinatorModel(settings, state.config, "verifier", ledger)?.mayCall(bounds)
 */
export function coordinatorModel(
	settings: ProviderSettings,
	config: EffectiveConfig,
	role: "explorer" | "verifier",
	ledger: CallLedger,
	down: ReadonlySet<string> = new Set(),
): CoordinatorModel | undefined {
	const { provider: wanted, model: jobModel } = config;
	const configured = configuredProviders(settings);
	const name = down.has(wanted) ? fallbackProvider(wanted, configured, down) : wanted;
	const model = resolveModel(name, role, jobModel, wanted, settings.modelOverrides);
	if (model === null || !configured.includes(name)) return undefined;
	const price = priceOf(name, model);
	return {
		provider: providerFor(name, settings),
		model,
		mayCall: (bounds, calls = 1) => {
			const budget = ledger.budget();
			if (budget.limitUsd === null) return true;
			const worstCase = price ? calls * worstCaseCost(price, bounds) : Infinity;
			return budget.spentUsd + budget.reservedUsd + worstCase <= budget.limitUsd;
		},
		onCall: (result) => {
			const { costUsd, warning } = pricedCost(name, model, price, result.usage, result.billing);
			ledger.book({
				provider: name,
				usage: toUsage(result.usage, costUsd),
				latenciesMs: result.callLatenciesMs,
				pricingWarning: warning,
			});
		},
	};
}

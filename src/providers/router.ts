/**
 * Which provider a job runs on. Pure: it sees the task, the request and the configured providers.
 */
import { ROLES, type Role } from "../protocol";
import { DEFAULT_MODELS, priceOf } from "./prices";
import { EXTRACTIVE, isModelProvider, type ModelOverrides } from "./settings";

const RECENT = /\b(latest|recent|recently|today|current|currently|news|this (?:week|month|year)|20\d\d)\b/i;
const TECHNICAL =
	/\b(technical|code|coding|programming|software|api|implementation|library|framework|algorithm)\b/i;

export type ProviderChoice = { provider: string } | { error: "not_configured"; requested: string };

/**
 * Resolves the job's provider. An explicit provider wins only when it is configured. `auto` picks among
 * configured providers: tasks about recent events → gemini; technical or code tasks → anthropic;
 * `costOptimize` → openrouter; otherwise anthropic, then the first configured — Workers AI on a deployment
 * with its `AI` binding and no third-party key — and with neither → extractive.
 * @example chooseProvider("latest heat pump sales", undefined, ["gemini", "extractive"], false) // { provider: "gemini" }
 */
export function chooseProvider(
	task: string,
	requested: string | undefined,
	configured: readonly string[],
	costOptimize: boolean,
): ProviderChoice {
	if (requested !== undefined && requested !== "auto") {
		return configured.includes(requested) ? { provider: requested } : { error: "not_configured", requested };
	}
	const has = (name: string) => configured.includes(name);
	if (RECENT.test(task) && has("gemini")) return { provider: "gemini" };
	if (TECHNICAL.test(task) && has("anthropic")) return { provider: "anthropic" };
	if (costOptimize && has("openrouter")) return { provider: "openrouter" };
	if (has("anthropic")) return { provider: "anthropic" };
	return { provider: configured.find((name) => name !== EXTRACTIVE) ?? EXTRACTIVE };
}

/**
 * The provider to use instead of `failing`: the next configured provider whose breaker is closed,
 * falling back to the offline extractive provider, which cannot be down.
 */
export function fallbackProvider(
	failing: string,
	configured: readonly string[],
	open: ReadonlySet<string>,
): string {
	return configured.find((name) => name !== failing && !open.has(name)) ?? EXTRACTIVE;
}

/**
 * The model a task runs on: the job's `model` when the task runs on the job's own provider, else the
 * deployment's override for the provider and role, else the provider's default for the role. The
 * extractive provider has no model.
 */
export function resolveModel(
	provider: string,
	role: Role,
	jobModel: string | null,
	jobProvider: string,
	overrides: ModelOverrides,
): string | null {
	if (!isModelProvider(provider)) return null;
	if (jobModel && provider === jobProvider) return jobModel;
	const override = overrides[provider];
	const defaults: Partial<Record<Role | "default", string>> = DEFAULT_MODELS[provider];
	return override?.[role] ?? override?.default ?? defaults[role] ?? defaults.default ?? null;
}

/**
 * The first model a job on `provider` would run that the price table cannot price today: the job's
 * `model`, or a role's model from the deployment's overrides or the defaults. Null when every one is
 * priced, or the provider runs no model. A budget cannot be enforced on such a model.
 * @example unpricedModel("gemini", "gemini-2.5-pro", {}) // "gemini-2.5-pro"
 * @example unpricedModel("anthropic", null, { anthropic: { critic: "claude-unknown-1" } }) // "claude-unknown-1"
 */
export function unpricedModel(
	provider: string,
	jobModel: string | null,
	overrides: ModelOverrides,
): string | null {
	const models = ROLES.map((role) => resolveModel(provider, role, jobModel, provider, overrides));
	return models.find((model) => model !== null && priceOf(provider, model) === null) ?? null;
}

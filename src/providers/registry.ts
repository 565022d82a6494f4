/**
 * Which providers this deployment can run, and the one a job gets. Only the offline extractive provider
 * exists today; model providers register here when their keys are configured.
 */
import { extractiveProvider } from "./extractive";
import type { Provider } from "./types";

const PROVIDERS: Record<string, Provider> = { extractive: extractiveProvider };

/** Names a request may pass as `provider`: every configured provider plus `auto`. */
export function availableProviderNames(): string[] {
	return ["auto", ...Object.keys(PROVIDERS)];
}

/** Resolves a requested provider name (`auto` when omitted) to a configured provider name, or null. */
export function resolveProviderName(requested: string | undefined): string | null {
	const name = requested ?? "auto";
	if (name === "auto") return "extractive";
	return name in PROVIDERS ? name : null;
}

/** The provider that runs a job's agent tasks. */
export function providerFor(name: string): Provider {
	const provider = PROVIDERS[name];
	if (!provider) throw new Error(`provider "${name}" is not configured`);
	return provider;
}

/**
 * The keyring that seals secrets at rest (`src/lib/secret-box.ts`), from the `SECRETS_KEYS` Worker
 * secret. In dev mode without it a fixed development key is used, so local runs and tests need no setup;
 * anywhere else a missing key is a configuration error for every route that stores or reads a secret.
 */
import { z } from "zod";
import { type Keyring, parseKeyring } from "../lib/secret-box";
import { accessSettings } from "./settings";

/** The key id of the development key; values sealed with it never open in a deployment. */
export const DEV_KEY_ID = "dev";

const SecretsEnvSchema = z.object({ SECRETS_KEYS: z.string().trim().optional() });

/** The `SECRETS_KEYS` value dev mode uses when none is set: the development key, under id `dev`. */
export async function developmentKeySpec(): Promise<string> {
	const digest = await crypto.subtle.digest(
		"SHA-256",
		new TextEncoder().encode("research-swarm development secrets key (not secret)"),
	);
	const hex = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
	return `${DEV_KEY_ID}:${hex}`;
}

/**
 * The deployment's keyring, or null when `SECRETS_KEYS` is not set outside dev mode. Throws when it is
 * set but malformed (naming the problem, never a key).
 *
 * @example const keyring = await secretsKeyring(env); if (!keyring) throw new ApiError(503, …);
 */
export async function secretsKeyring(env: Env): Promise<Keyring | null> {
	const spec = SecretsEnvSchema.parse(env).SECRETS_KEYS ?? "";
	if (spec !== "") return parseKeyring(spec);
	return accessSettings(env).devMode ? parseKeyring(await developmentKeySpec()) : null;
}

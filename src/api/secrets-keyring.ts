/** The keyring routes that store or read webhook secrets need; without one they answer 503. */
import { secretsKeyring } from "../auth/secrets-keys";
import type { Keyring } from "../lib/secret-box";
import { ApiError } from "./errors";

/**
 * The deployment's secrets keyring; a deployment without `SECRETS_KEYS` answers 503 naming the secret
 * to set, rather than storing a secret in plain text.
 */
export async function requireKeyring(env: Env): Promise<Keyring> {
	const keyring = await secretsKeyring(env);
	if (!keyring) {
		throw new ApiError(
			503,
			"secrets_key_missing",
			"this deployment has no SECRETS_KEYS secret, so webhook secrets cannot be stored or read",
		);
	}
	return keyring;
}

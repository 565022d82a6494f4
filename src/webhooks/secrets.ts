/** New webhook secrets. Each is shown to the tenant once, when it is created. */

function base64(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes));
}

/** A Standard Webhooks secret: `whsec_` + 32 random bytes in base64. */
export function generateSigningSecret(): string {
	return `whsec_${base64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

/** A GitHub webhook secret: 32 random bytes as 64 hex characters (GitHub takes any string). */
export function generateGithubSecret(): string {
	return [...crypto.getRandomValues(new Uint8Array(32))]
		.map((byte) => byte.toString(16).padStart(2, "0"))
		.join("");
}

/** How long a rotated-out signing secret keeps verifying and signing, so receivers can switch over. */
export const SIGNING_SECRET_GRACE_MS = 24 * 60 * 60 * 1000;

/** A tenant's stored signing secrets. */
export type StoredSigningSecrets = {
	secret: string;
	previousSecret: string | null;
	previousExpiresAt: number | null;
};

/**
 * The signing secrets in force at `now`, current first: the previous one is included until its grace
 * period ends.
 */
export function secretsInForce(stored: StoredSigningSecrets | null, now: number): string[] {
	if (!stored) return [];
	const { previousSecret, previousExpiresAt } = stored;
	const previousValid = previousSecret !== null && previousExpiresAt !== null && previousExpiresAt > now;
	return previousValid ? [stored.secret, previousSecret] : [stored.secret];
}

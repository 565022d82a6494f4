/**
 * Webhook secrets and the GitHub token as the rest of the code sees them: plain in memory, sealed in D1
 * (`src/lib/secret-box.ts`). Every read opens, every write seals, and `resealSecrets` brings every stored
 * value under the keyring's current key (after a key rotation, and once for rows written before
 * secrets were sealed).
 */
import type { Database } from "../db/queries";
import {
	allGithubIntegrations,
	allRotatingSecrets,
	ensureRotatingSecret,
	findGithubIntegration,
	findRotatingSecret,
	type GithubIntegrationRow,
	type RotatingSecretKind,
	resealGithubIntegration,
	resealRotatingSecret,
	rotateRotatingSecret,
	saveGithubIntegration,
} from "../db/webhook-queries";
import { type Keyring, needsResealing, openSecret, type SealContext, sealSecret } from "../lib/secret-box";
import { generateSigningSecret, SIGNING_SECRET_GRACE_MS, secretsInForce } from "./secrets";

/** What each stored secret is for; a sealed value opens only for its own purpose and tenant. */
const PURPOSES = {
	signing: "webhook-signing-secret",
	inbound: "webhook-inbound-secret",
	githubSecret: "github-webhook-secret",
	githubToken: "github-token",
} as const;

type Purpose = keyof typeof PURPOSES;

function context(tenantId: string, purpose: Purpose): SealContext {
	return { tenantId, purpose: PURPOSES[purpose] };
}

/** A rotated secret as it is shown, once, to its tenant. */
export type RotatedSecretValue = {
	secret: string;
	createdAt: number;
	previousSecretValidUntil: number | null;
};

/** The tenant's secrets of `kind` in force at `now`, opened, current first; empty when it has none. */
export async function rotatingSecretsInForce(
	db: Database,
	keyring: Keyring,
	kind: RotatingSecretKind,
	tenantId: string,
	now: number,
): Promise<string[]> {
	const stored = secretsInForce(await findRotatingSecret(db, kind, tenantId), now);
	return Promise.all(stored.map((value) => openSecret(keyring, value, context(tenantId, kind))));
}

/**
 * The signing secrets in force for an outbound delivery. A tenant that never created one gets one now;
 * it can see it only by rotating it.
 */
export async function signingSecretsForDelivery(
	db: Database,
	keyring: Keyring,
	tenantId: string,
	now: number,
): Promise<string[]> {
	const existing = await rotatingSecretsInForce(db, keyring, "signing", tenantId, now);
	if (existing.length > 0) return existing;
	const sealed = await sealSecret(keyring, generateSigningSecret(), context(tenantId, "signing"));
	await ensureRotatingSecret(db, "signing", tenantId, sealed, now);
	return rotatingSecretsInForce(db, keyring, "signing", tenantId, now);
}

/**
 * Creates or rotates the tenant's secret of `kind` and returns it in plain text, the only time it is
 * shown; the replaced one stays in force for `SIGNING_SECRET_GRACE_MS`.
 */
export async function rotateSecret(
	db: Database,
	keyring: Keyring,
	kind: RotatingSecretKind,
	tenantId: string,
	now: number,
): Promise<RotatedSecretValue> {
	const secret = generateSigningSecret();
	const sealed = await sealSecret(keyring, secret, context(tenantId, kind));
	const row = await rotateRotatingSecret(db, kind, tenantId, sealed, now, now + SIGNING_SECRET_GRACE_MS);
	const previousSecretValidUntil = row.previousSecret === null ? null : row.previousExpiresAt;
	return { secret, createdAt: row.createdAt, previousSecretValidUntil };
}

/** The tenant's GitHub integration with its secret and token opened, or null. */
export async function loadGithubIntegration(
	db: Database,
	keyring: Keyring,
	tenantId: string,
): Promise<GithubIntegrationRow | null> {
	const row = await findGithubIntegration(db, tenantId);
	if (!row) return null;
	return {
		...row,
		secret: await openSecret(keyring, row.secret, context(tenantId, "githubSecret")),
		token: row.token === null ? null : await openSecret(keyring, row.token, context(tenantId, "githubToken")),
	};
}

/** Creates or replaces the tenant's GitHub integration, its secret and token sealed. */
export async function storeGithubIntegration(
	db: Database,
	keyring: Keyring,
	row: GithubIntegrationRow,
): Promise<void> {
	await saveGithubIntegration(db, {
		...row,
		secret: await sealSecret(keyring, row.secret, context(row.tenantId, "githubSecret")),
		token:
			row.token === null ? null : await sealSecret(keyring, row.token, context(row.tenantId, "githubToken")),
	});
}

/** What one pass of `resealSecrets` did. */
export type ResealOutcome = {
	/** Rows holding a secret (signing, inbound, GitHub). */
	rows: number;
	/** Rows whose values were plain or sealed under an older key and are now sealed under the current key. */
	resealed: number;
	/** Rows that changed while they were resealed (a rotation wrote fresh values); run again to be sure. */
	skipped: number;
};

/** A stored value opened and sealed again under the current key; null stays null, current values stay. */
async function reseal(
	keyring: Keyring,
	stored: string | null,
	sealContext: SealContext,
): Promise<string | null> {
	if (stored === null || !needsResealing(keyring, stored)) return stored;
	return sealSecret(keyring, await openSecret(keyring, stored, sealContext), sealContext);
}

/**
 * Seals every stored webhook secret and GitHub token under the keyring's current key: plain values from
 * before secrets were sealed, and values sealed under a previous key. Rows already current are left as
 * they are, so running it again changes nothing. The previous key can leave `SECRETS_KEYS` once a pass
 * reports nothing skipped.
 */
export async function resealSecrets(db: Database, keyring: Keyring): Promise<ResealOutcome> {
	const outcome: ResealOutcome = { rows: 0, resealed: 0, skipped: 0 };
	const count = (changed: boolean, written: boolean) => {
		outcome.rows += 1;
		if (changed && written) outcome.resealed += 1;
		if (changed && !written) outcome.skipped += 1;
	};
	for (const kind of ["signing", "inbound"] as const) {
		for (const row of await allRotatingSecrets(db, kind)) {
			const sealContext = context(row.tenantId, kind);
			const values = {
				secret: (await reseal(keyring, row.secret, sealContext)) ?? row.secret,
				previousSecret: await reseal(keyring, row.previousSecret, sealContext),
			};
			const changed = values.secret !== row.secret || values.previousSecret !== row.previousSecret;
			count(changed, changed && (await resealRotatingSecret(db, kind, row, values)));
		}
	}
	for (const row of await allGithubIntegrations(db)) {
		const values = {
			secret: (await reseal(keyring, row.secret, context(row.tenantId, "githubSecret"))) ?? row.secret,
			token: await reseal(keyring, row.token, context(row.tenantId, "githubToken")),
		};
		const changed = values.secret !== row.secret || values.token !== row.token;
		count(changed, changed && (await resealGithubIntegration(db, row, values)));
	}
	return outcome;
}

/** Request headers of outbound deliveries. Pure. */
import { signStandardWebhook } from "./standard-signature";

/** Headers of a Standard Webhook attempt: JSON, signed at `nowSeconds` with every secret in force. */
export function standardRequestHeaders(
	secrets: readonly string[],
	eventId: string,
	nowSeconds: number,
	body: string,
): Record<string, string> {
	return { "content-type": "application/json", ...signStandardWebhook(secrets, eventId, nowSeconds, body) };
}

/** Headers of a GitHub REST API call made with the tenant's token. */
export function githubRequestHeaders(token: string): Record<string, string> {
	return {
		"content-type": "application/json",
		accept: "application/vnd.github+json",
		authorization: `Bearer ${token}`,
		"x-github-api-version": "2022-11-28",
	};
}

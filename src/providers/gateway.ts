/**
 * Cloudflare AI Gateway authentication. An authenticated gateway refuses every request that does not
 * carry `cf-aig-authorization: Bearer <token>` (a Cloudflare API token with AI Gateway Run permission),
 * alongside the provider's own key. Every provider adapter and every hosted embedder gets its fetch from
 * `gatewayFetch`, so the header is added in this one place whatever SDK makes the call.
 */

/** The header an authenticated AI Gateway reads its token from. */
export const GATEWAY_AUTH_HEADER = "cf-aig-authorization";

/**
 * The fetch a provider or embedder calls its API through: `fetchImpl` (a test's replay) or the runtime's
 * fetch, with the gateway token added to every request when `token` is set. The token goes into the
 * request's own headers (an `init.headers` object, or the headers of a `Request` passed alone), so
 * nothing else the SDK sends changes.
 * @example gatewayFetch("aig-token")("https://gateway.ai.cloudflare.com/v1/{account}/{gateway}/openai/responses", init)
 */
export function gatewayFetch(token: string | null, fetchImpl?: typeof fetch): typeof fetch {
	const baseFetch: typeof fetch = fetchImpl ?? ((input, init) => fetch(input, init));
	if (token === null) return baseFetch;
	return (input, init) => {
		const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
		headers.set(GATEWAY_AUTH_HEADER, `Bearer ${token}`);
		return baseFetch(input, { ...init, headers });
	};
}

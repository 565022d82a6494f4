/** The Hono environment every route shares: Worker bindings plus per-request variables. */
export type AppEnv = {
	Bindings: Env;
	Variables: {
		/** The tenant the request acts for. */
		tenantId: string;
		/** The API key that authenticated it; null for local dev mode. */
		apiKeyId: string | null;
		/** The tenant's own ceiling of requests per minute across its keys; null: the deployment default. */
		tenantMaxRequestsPerMinute: number | null;
	};
};

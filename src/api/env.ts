/** The Hono environment every route shares: Worker bindings plus per-request variables. */
export type AppEnv = { Bindings: Env; Variables: { tenantId: string } };

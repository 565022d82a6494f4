/**
 * `/v1/keys`: the API keys of the client's tenant; and `/v1/admin/tenants`, which needs a client made
 * with the deployment's admin token as its `apiKey`.
 */
import {
	type CreatedKey,
	CreatedKeySchema,
	type CreatedTenant,
	CreatedTenantSchema,
	type CreateKeyRequest,
	type CreateTenantRequest,
	type KeyList,
	KeyListSchema,
	TenantLimitsSchema,
	type TenantLimitsView,
	type UpdateTenantLimits,
} from "../wire/api-keys.ts";
import { type CallOptions, Collection, Resource, segment } from "./transport.ts";

/**
 * The tenant's API keys. A key's secret is in the answer that creates it, and nowhere else.
 * @example const { key } = await client.keys.create({ name: "ci", environment: "test" });
 */
export class KeysResource extends Collection<CreateKeyRequest, CreatedKey, KeyList> {
	protected readonly spec = { path: "/v1/keys", created: CreatedKeySchema, list: KeyListSchema };

	/** Revokes a key; an unknown id is an ApiError 404. */
	revoke(keyId: string, options: CallOptions = {}): Promise<void> {
		return this.deleteById(keyId, options);
	}
}

/** What only the deployment's admin token may do. */
export class AdminResource extends Resource {
	/**
	 * Creates a tenant and its first API key.
	 * @example
	 * const admin = new ResearchSwarmClient({ baseUrl, apiKey: process.env.ADMIN_TOKEN });
	 * const { tenant, apiKey } = await admin.admin.createTenant({ name: "acme", maxDailyJobs: 500 });
	 */
	createTenant(request: CreateTenantRequest, options: CallOptions = {}): Promise<CreatedTenant> {
		return this.transport.post(CreatedTenantSchema, "/v1/admin/tenants", request, options);
	}

	/**
	 * Changes a tenant's limits (null returns one to the deployment's default) and answers the limits now in force.
	 * @example await admin.admin.updateTenantLimits("tn_…", { maxActiveKeys: 50, maxRequestsPerMinute: 1200 });
	 */
	updateTenantLimits(
		tenantId: string,
		limits: UpdateTenantLimits,
		options: CallOptions = {},
	): Promise<TenantLimitsView> {
		return this.transport.json(TenantLimitsSchema, `/v1/admin/tenants/${segment(tenantId)}`, {
			...options,
			method: "PATCH",
			body: limits,
		});
	}
}

/** Stubs of the Durable Objects: one coordinator per job, one quota keeper per tenant. */
import type { SwarmCoordinator } from "../durable-objects/swarm-coordinator";
import type { TenantQuota } from "../durable-objects/tenant-quota";

/** The typed RPC stub of `jobId`'s coordinator. */
export function coordinatorFor(env: Env, jobId: string): DurableObjectStub<SwarmCoordinator> {
	return env.SWARM_COORDINATOR.get(env.SWARM_COORDINATOR.idFromName(jobId));
}

/** The quota keeper of `tenantId`. */
export function quotaFor(env: Env, tenantId: string): DurableObjectStub<TenantQuota> {
	return env.TENANT_QUOTA.get(env.TENANT_QUOTA.idFromName(tenantId));
}

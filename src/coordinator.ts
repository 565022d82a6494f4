/** The coordinator stub of a job: one Durable Object per job id. */
import type { SwarmCoordinator } from "../durable-objects/swarm-coordinator";

/** The typed RPC stub of `jobId`'s coordinator. */
export function coordinatorFor(env: Env, jobId: string): DurableObjectStub<SwarmCoordinator> {
	return env.SWARM_COORDINATOR.get(env.SWARM_COORDINATOR.idFromName(jobId));
}

/** Worker entry: the HTTP API, the agent task queue consumers, and the coordinator class. */
import { consumeAgentTasks } from "./agents/consumer";
import { app } from "./api/app";

export { SwarmCoordinator } from "../durable-objects/swarm-coordinator";
export { TenantQuota } from "../durable-objects/tenant-quota";

export default {
	fetch: app.fetch,
	queue: consumeAgentTasks,
} satisfies ExportedHandler<Env>;

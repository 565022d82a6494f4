/** Worker entry: the HTTP API (with MCP), the queue consumers, and the Durable Object classes. */
import { consumeAgentTasks } from "./agents/consumer";
import { app } from "./api/app";
import { consumeWebhookDeliveries, WEBHOOK_QUEUE } from "./webhooks/consumer";

export { SwarmCoordinator } from "../durable-objects/swarm-coordinator";
export { TenantQuota } from "../durable-objects/tenant-quota";

export default {
	fetch: app.fetch,
	queue: (batch, env) =>
		batch.queue === WEBHOOK_QUEUE ? consumeWebhookDeliveries(batch, env) : consumeAgentTasks(batch, env),
} satisfies ExportedHandler<Env>;

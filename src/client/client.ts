/** The client of one research-swarm server: every API route, grouped by resource. */
import { AdminResource, KeysResource } from "./api-keys.ts";
import { GoalsResource } from "./goals.ts";
import { LearningResource } from "./learning.ts";
import { ProvidersResource } from "./providers.ts";
import { ResearchResource } from "./research.ts";
import { type ClientOptions, Transport } from "./transport.ts";
import { WebhooksResource } from "./webhooks.ts";

/**
 * A typed client of the research-swarm HTTP API. Answers are validated with the API's own zod schemas;
 * failures are ApiError (with `status` and `code`), ConnectionError or UnexpectedResponseError.
 * @example
 * const client = new ResearchSwarmClient({ baseUrl: "https://research.example.com", apiKey: "rs_live_…" });
 * const { id } = await client.research.submit({ task: "How do heat pumps perform in cold climates?" });
 * await client.research.follow(id, { onEvent: (event) => console.log(event.type) });
 * const report = await client.research.report(id, "json");
 */
export class ResearchSwarmClient {
	/** The server's base URL, without a trailing slash. */
	readonly baseUrl: string;
	readonly research: ResearchResource;
	readonly goals: GoalsResource;
	readonly keys: KeysResource;
	readonly admin: AdminResource;
	readonly learning: LearningResource;
	readonly providers: ProvidersResource;
	readonly webhooks: WebhooksResource;

	constructor(options: ClientOptions) {
		const transport = new Transport(options);
		this.baseUrl = transport.baseUrl;
		this.research = new ResearchResource(transport);
		this.goals = new GoalsResource(transport);
		this.keys = new KeysResource(transport);
		this.admin = new AdminResource(transport);
		this.learning = new LearningResource(transport);
		this.providers = new ProvidersResource(transport);
		this.webhooks = new WebhooksResource(transport);
	}
}

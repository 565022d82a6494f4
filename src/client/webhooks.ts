/**
 * `/v1/webhooks/*`: the tenant's signing and inbound secrets and GitHub integration, the endpoints that
 * receive job events, and the log of deliveries with manual redelivery.
 */
import {
	type CreateEndpoint,
	type Delivery,
	type DeliveryList,
	DeliveryListSchema,
	DeliverySchema,
	type DeliveryStatus,
	type Endpoint,
	type EndpointList,
	EndpointListSchema,
	EndpointSchema,
	type GithubSaved,
	GithubSavedSchema,
	type GithubUpdate,
	type RotatedInboundSecret,
	RotatedInboundSecretSchema,
	type RotatedSecret,
	RotatedSecretSchema,
	type WebhookSettings,
	WebhookSettingsSchema,
} from "../wire/webhooks.ts";
import { type CallOptions, Collection, Resource, segment, type Transport } from "./transport.ts";

export type DeliveryQuery = {
	endpointId?: string;
	jobId?: string;
	status?: DeliveryStatus;
	/** Deliveries per page, 1 to 100; default 20. */
	limit?: number;
	/** The `nextCursor` of the page before. */
	cursor?: string;
};

/**
 * Endpoints that receive the tenant's job events as signed Standard Webhooks.
 * @example await client.webhooks.endpoints.create({ url: "https://example.com/hooks", events: ["job.completed"] });
 */
export class EndpointsResource extends Collection<CreateEndpoint, Endpoint, EndpointList> {
	protected readonly spec = {
		path: "/v1/webhooks/endpoints",
		created: EndpointSchema,
		list: EndpointListSchema,
	};

	/** Deletes an endpoint; its pending deliveries stop. */
	delete(endpointId: string, options: CallOptions = {}): Promise<void> {
		return this.deleteById(endpointId, options);
	}
}

/** Every delivery of the tenant's webhooks, with each attempt. */
export class DeliveriesResource extends Resource {
	/** A page of deliveries, newest first. */
	list(query: DeliveryQuery = {}, options: CallOptions = {}): Promise<DeliveryList> {
		return this.transport.get(DeliveryListSchema, "/v1/webhooks/deliveries", options, query);
	}

	get(deliveryId: string, options: CallOptions = {}): Promise<Delivery> {
		return this.transport.get(DeliverySchema, `/v1/webhooks/deliveries/${segment(deliveryId)}`, options);
	}

	/** Sends a finished delivery once more, now, with the same `webhook-id`. */
	redeliver(deliveryId: string, options: CallOptions = {}): Promise<Delivery> {
		const path = `/v1/webhooks/deliveries/${segment(deliveryId)}/redeliver`;
		return this.transport.post(DeliverySchema, path, undefined, options);
	}
}

/** Webhook settings, endpoints and deliveries. */
export class WebhooksResource extends Resource {
	readonly endpoints: EndpointsResource;
	readonly deliveries: DeliveriesResource;

	constructor(transport: Transport) {
		super(transport);
		this.endpoints = new EndpointsResource(transport);
		this.deliveries = new DeliveriesResource(transport);
	}

	/** The settings, never the secrets: whether a signing secret exists, the GitHub integration, the inbound URLs. */
	settings(options: CallOptions = {}): Promise<WebhookSettings> {
		return this.transport.get(WebhookSettingsSchema, "/v1/webhooks/settings", options);
	}

	/**
	 * Creates or rotates the `whsec_` secret that signs outbound deliveries; the answer is the only place
	 * it is shown. Give it to receivers: it cannot start jobs.
	 */
	rotateSigningSecret(options: CallOptions = {}): Promise<RotatedSecret> {
		return this.transport.post(RotatedSecretSchema, "/v1/webhooks/signing-secret", undefined, options);
	}

	/**
	 * Creates or rotates the `whsec_` secret that inbound Standard Webhooks must be signed with; the answer
	 * is the only place it is shown. Give it only to senders allowed to start jobs.
	 */
	rotateInboundSecret(options: CallOptions = {}): Promise<RotatedInboundSecret> {
		return this.transport.post(RotatedInboundSecretSchema, "/v1/webhooks/inbound-secret", undefined, options);
	}

	/** Configures the GitHub integration: trigger label, optional token, webhook secret. */
	saveGithub(update: GithubUpdate, options: CallOptions = {}): Promise<GithubSaved> {
		return this.transport.json(GithubSavedSchema, "/v1/webhooks/github", {
			...options,
			method: "PUT",
			body: update,
		});
	}

	/** Removes the GitHub integration; without one it is an ApiError 404. */
	deleteGithub(options: CallOptions = {}): Promise<void> {
		return this.transport.delete("/v1/webhooks/github", options);
	}
}

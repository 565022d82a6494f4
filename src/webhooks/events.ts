/**
 * Which events go where, and what is sent. Endpoints may subscribe to `agent.*` already, but only the
 * job events (`job.completed`, `job.failed`, `job.cancelled`) are produced for now.
 */
import { sha256Hex } from "../lib/hash";
import type { OutboundJobEvent } from "../protocol";

/** Event types an endpoint may subscribe to. `agent.*` is accepted but not produced yet. */
export const SUBSCRIBABLE_EVENTS = ["job.completed", "job.failed", "job.cancelled", "agent.*"] as const;
export type SubscribableEvent = (typeof SUBSCRIBABLE_EVENTS)[number];

/** What a new endpoint receives when it names no events. */
export const DEFAULT_SUBSCRIPTION: readonly SubscribableEvent[] = [
	"job.completed",
	"job.failed",
	"job.cancelled",
];

/** How a delivery is made: a signed Standard Webhook, or a comment through the GitHub API. */
export type DeliveryKind = "standard" | "github_comment";

/** One place an event is delivered to. `destination` is unique per event: `callback`, `github` or the endpoint id. */
export type Destination = {
	destination: string;
	kind: DeliveryKind;
	url: string;
	endpointId: string | null;
	/** The request body, identical on every attempt. */
	payload: string;
};

/** An endpoint as the fan-out needs it. */
export type EndpointTarget = { id: string; url: string; events: readonly string[]; disabled: boolean };

/** Whether a subscription covers `type`; a `prefix.*` entry covers every `prefix.…` type. */
export function subscribes(events: readonly string[], type: string): boolean {
	return events.some(
		(entry) => entry === type || (entry.endsWith(".*") && type.startsWith(entry.slice(0, -1))),
	);
}

/**
 * The Standard Webhooks body of an event: `{type, timestamp, data}`, the timestamp being when the event
 * happened (ISO 8601), not when it is sent.
 */
export function standardBody(event: OutboundJobEvent): string {
	return JSON.stringify({
		type: event.type,
		timestamp: new Date(event.occurredAt).toISOString(),
		data: event.payload,
	});
}

/** The job's callback URL and every active endpoint subscribed to the event, as signed Standard Webhooks. */
export function standardDestinations(
	event: OutboundJobEvent,
	endpoints: readonly EndpointTarget[],
): Destination[] {
	const payload = standardBody(event);
	const callback: Destination[] = event.callbackUrl
		? [{ destination: "callback", kind: "standard", url: event.callbackUrl, endpointId: null, payload }]
		: [];
	const subscribed = endpoints
		.filter((endpoint) => !endpoint.disabled && subscribes(endpoint.events, event.type))
		.map(
			(endpoint): Destination => ({
				destination: endpoint.id,
				kind: "standard",
				url: endpoint.url,
				endpointId: endpoint.id,
				payload,
			}),
		);
	return [...callback, ...subscribed];
}

/** The delivery id of an event at a destination: the same inputs always give the same id. */
export async function deliveryId(tenantId: string, eventId: string, destination: string): Promise<string> {
	return `dlv_${(await sha256Hex(`${tenantId}\n${eventId}\n${destination}`)).slice(0, 24)}`;
}

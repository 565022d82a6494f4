/**
 * Messages of the `webhook-deliveries` queue: a job's terminal event (sent by the coordinator's outbox),
 * fanned out into deliveries, and one message per delivery attempt.
 */
import { z } from "zod";
import { OutboundJobEventSchema } from "../protocol";

/** One attempt of one delivery. `manual` attempts (redeliveries asked for over the API) are not retried. */
export const DeliveryAttemptMessageSchema = z.object({
	kind: z.literal("delivery-attempt"),
	tenantId: z.string(),
	deliveryId: z.string(),
	attempt: z.int().positive(),
	manual: z.boolean().default(false),
});
export type DeliveryAttemptMessage = z.infer<typeof DeliveryAttemptMessageSchema>;

export const WebhookQueueMessageSchema = z.discriminatedUnion("kind", [
	OutboundJobEventSchema,
	DeliveryAttemptMessageSchema,
]);
export type WebhookQueueMessage = z.infer<typeof WebhookQueueMessageSchema>;

/**
 * Wire shapes of `/v1/webhooks/*`: the tenant's settings, its signing and inbound secrets and GitHub
 * integration, endpoints that receive job events, the delivery log, and the admin re-sealing of stored
 * secrets. Shared by the routes and the client.
 */
import { z } from "@hono/zod-openapi";
import { SUBSCRIBABLE_EVENTS } from "../webhooks/events.ts";

/** The label that starts research on a GitHub issue unless the tenant picks another. */
export const DEFAULT_GITHUB_LABEL = "research";

/** The tenant's GitHub integration as answers show it: never its secret or token. */
export const GithubIntegrationSchema = z.object({
	label: z.string(),
	tokenConfigured: z.boolean(),
	createdAt: z.number(),
	updatedAt: z.number(),
});

/** Whether one of the tenant's `whsec_` secrets exists, and until when a rotated-out one still works. */
const SecretStatusSchema = z.object({
	configured: z.boolean(),
	createdAt: z.number().nullable(),
	previousSecretValidUntil: z.number().nullable(),
});
export type SecretStatus = z.infer<typeof SecretStatusSchema>;

/** Answer of `GET /v1/webhooks/settings`: never a secret. */
export const WebhookSettingsSchema = z
	.object({
		signingSecret: SecretStatusSchema.openapi({ description: "Signs outbound deliveries." }),
		inboundSecret: SecretStatusSchema.openapi({
			description:
				"Verifies inbound Standard Webhooks; until it exists they answer 401 `inbound_secret_missing`.",
		}),
		github: GithubIntegrationSchema.nullable(),
		inboundUrls: z.object({ standard: z.string(), github: z.string() }),
	})
	.openapi("WebhookSettings");
export type WebhookSettings = z.infer<typeof WebhookSettingsSchema>;

/** Answer of `POST /v1/webhooks/signing-secret`. */
export const RotatedSecretSchema = z
	.object({
		secret: z.string().openapi({ description: "The `whsec_` secret. It is shown only in this response." }),
		createdAt: z.number(),
		previousSecretValidUntil: z.number().nullable().openapi({
			description: "Until then the replaced secret still works too (signing deliveries, or verifying hooks).",
		}),
	})
	.openapi("RotatedSigningSecret");
export type RotatedSecret = z.infer<typeof RotatedSecretSchema>;

/** Answer of `POST /v1/webhooks/inbound-secret`: the secret to give the sender, and where it sends. */
export const RotatedInboundSecretSchema = RotatedSecretSchema.extend({
	inboundUrl: z.string().openapi({ description: "`/v1/hooks/standard/{tenantId}`, which verifies with it." }),
}).openapi("RotatedInboundSecret");
export type RotatedInboundSecret = z.infer<typeof RotatedInboundSecretSchema>;

/** Answer of `POST /v1/admin/secrets/reseal`. */
export const ResealOutcomeSchema = z
	.object({
		rows: z.int().openapi({ description: "Rows holding a secret (signing, inbound, GitHub)." }),
		resealed: z.int().openapi({ description: "Rows now sealed under the current key that were not." }),
		skipped: z.int().openapi({ description: "Rows rotated meanwhile; run again until this is 0." }),
	})
	.openapi("ResealOutcome");
export type ResealOutcome = z.infer<typeof ResealOutcomeSchema>;

/** Body of `PUT /v1/webhooks/github`. */
export const GithubUpdateSchema = z
	.object({
		label: z
			.string()
			.trim()
			.min(1)
			.max(50)
			.optional()
			.openapi({ description: `Default "${DEFAULT_GITHUB_LABEL}".` }),
		token: z.string().trim().min(1).max(255).nullable().optional().openapi({
			description: "A token allowed to comment on issues; null removes it. Never returned.",
		}),
		rotateSecret: z.boolean().optional(),
	})
	.strict();
export type GithubUpdate = z.input<typeof GithubUpdateSchema>;

/** Answer of `PUT /v1/webhooks/github`. */
export const GithubSavedSchema = GithubIntegrationSchema.extend({
	webhookUrl: z.string(),
	secret: z.string().optional().openapi({
		description: "The webhook secret to enter in GitHub; present only when it was just created.",
	}),
}).openapi("GithubIntegration");
export type GithubSaved = z.infer<typeof GithubSavedSchema>;

export const EndpointSchema = z
	.object({
		id: z.string(),
		url: z.string(),
		events: z.array(z.string()),
		description: z.string().nullable(),
		createdAt: z.number(),
		disabledAt: z.number().nullable(),
		disabledReason: z.string().nullable(),
	})
	.openapi("WebhookEndpoint");
export type Endpoint = z.infer<typeof EndpointSchema>;

/** Answer of `GET /v1/webhooks/endpoints`. */
export const EndpointListSchema = z.object({ endpoints: z.array(EndpointSchema) });
export type EndpointList = z.infer<typeof EndpointListSchema>;

const SubscriptionSchema = z
	.array(z.enum(SUBSCRIBABLE_EVENTS))
	.min(1)
	.max(SUBSCRIBABLE_EVENTS.length)
	.openapi({
		description: "Default: the three job events. `agent.*` is accepted; no agent events are sent yet.",
	});

/** Body of `POST /v1/webhooks/endpoints`. */
export const CreateEndpointSchema = z
	.object({
		url: z.url({ protocol: /^https?$/ }).max(2048),
		events: SubscriptionSchema.optional(),
		description: z.string().trim().max(200).optional(),
	})
	.strict();
export type CreateEndpoint = z.input<typeof CreateEndpointSchema>;

export const DeliveryStatusSchema = z.enum(["pending", "succeeded", "failed"]);
export type DeliveryStatus = z.infer<typeof DeliveryStatusSchema>;

export const DeliverySchema = z
	.object({
		id: z.string(),
		eventId: z.string().openapi({ description: "The `webhook-id` every attempt carries." }),
		eventType: z.string(),
		jobId: z.string(),
		destination: z.enum(["callback", "endpoint", "github"]),
		endpointId: z.string().nullable(),
		url: z.string(),
		status: DeliveryStatusSchema,
		attemptCount: z.int(),
		nextAttemptAt: z.number().nullable(),
		lastStatusCode: z.int().nullable(),
		lastError: z.string().nullable(),
		createdAt: z.number(),
		updatedAt: z.number(),
		attempts: z.array(
			z.object({
				attempt: z.int(),
				startedAt: z.number(),
				statusCode: z.int().nullable(),
				latencyMs: z.number(),
				outcome: z.enum(["succeeded", "failed"]),
				error: z.string().nullable(),
				manual: z.boolean(),
			}),
		),
	})
	.openapi("WebhookDelivery");
export type Delivery = z.infer<typeof DeliverySchema>;

/** Answer of `GET /v1/webhooks/deliveries`: a page, newest first. */
export const DeliveryListSchema = z.object({
	deliveries: z.array(DeliverySchema),
	nextCursor: z.string().nullable(),
});
export type DeliveryList = z.infer<typeof DeliveryListSchema>;

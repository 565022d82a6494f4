CREATE TABLE `webhook_inbound_secrets` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer NOT NULL,
	`previous_secret` text,
	`previous_expires_at` integer
);

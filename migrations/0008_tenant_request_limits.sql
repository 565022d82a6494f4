ALTER TABLE `tenants` ADD `max_requests_per_minute` integer;--> statement-breakpoint
ALTER TABLE `tenants` ADD `max_active_keys` integer;
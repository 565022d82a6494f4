CREATE TABLE `learning_episodes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`job_id` text NOT NULL,
	`pattern_id` text NOT NULL,
	`trajectory` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `episodes_tenant_job` ON `learning_episodes` (`tenant_id`,`job_id`);--> statement-breakpoint
CREATE TABLE `memory_distillations` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`key_insights` text NOT NULL,
	`success_rate` real NOT NULL,
	`confidence` real NOT NULL,
	`usage_count` integer NOT NULL,
	`pattern_ids` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `distillations_tenant` ON `memory_distillations` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `pattern_associations` (
	`tenant_id` text NOT NULL,
	`from_id` text NOT NULL,
	`to_id` text NOT NULL,
	`kind` text NOT NULL,
	`score` real NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`from_id`, `to_id`, `kind`)
);
--> statement-breakpoint
CREATE INDEX `associations_tenant` ON `pattern_associations` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `pattern_uses` (
	`tenant_id` text NOT NULL,
	`job_id` text NOT NULL,
	`pattern_id` text NOT NULL,
	`score` real NOT NULL,
	`changes` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`job_id`, `pattern_id`)
);
--> statement-breakpoint
CREATE INDEX `pattern_uses_tenant` ON `pattern_uses` (`tenant_id`);--> statement-breakpoint
CREATE TABLE `pattern_vectors` (
	`pattern_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`task_type` text NOT NULL,
	`success` integer NOT NULL,
	`reward` real NOT NULL,
	`model` text NOT NULL,
	`dimensions` integer NOT NULL,
	`vector` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pattern_vectors_tenant` ON `pattern_vectors` (`tenant_id`,`task_type`,`success`);--> statement-breakpoint
CREATE TABLE `reasoningbank_patterns` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`job_id` text NOT NULL,
	`task` text NOT NULL,
	`task_type` text NOT NULL,
	`reward` real NOT NULL,
	`success` integer NOT NULL,
	`reward_breakdown` text NOT NULL,
	`critique` text NOT NULL,
	`improvements` text NOT NULL,
	`strategy` text NOT NULL,
	`usage_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `patterns_tenant_job` ON `reasoningbank_patterns` (`tenant_id`,`job_id`);--> statement-breakpoint
CREATE INDEX `patterns_tenant_created` ON `reasoningbank_patterns` (`tenant_id`,`created_at`);
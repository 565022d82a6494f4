CREATE TABLE `agent_runs` (
	`tenant_id` text NOT NULL,
	`job_id` text NOT NULL,
	`task_id` text NOT NULL,
	`role` text NOT NULL,
	`phase` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`provider` text,
	`model` text,
	`started_at` integer,
	`finished_at` integer,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cost_usd` real DEFAULT 0 NOT NULL,
	`error` text,
	PRIMARY KEY(`job_id`, `task_id`)
);
--> statement-breakpoint
CREATE INDEX `agent_runs_tenant_job` ON `agent_runs` (`tenant_id`,`job_id`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`tenant_id` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`job_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`status` text NOT NULL,
	`task` text NOT NULL,
	`config` text NOT NULL,
	`metadata` text,
	`progress` integer DEFAULT 0 NOT NULL,
	`partial` integer DEFAULT false NOT NULL,
	`error` text,
	`metrics` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `jobs_tenant_created` ON `jobs` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `jobs_tenant_status_created` ON `jobs` (`tenant_id`,`status`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);

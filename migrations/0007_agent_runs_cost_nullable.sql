PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_agent_runs` (
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
	`cost_usd` real DEFAULT 0,
	`error` text,
	PRIMARY KEY(`job_id`, `task_id`)
);
--> statement-breakpoint
INSERT INTO `__new_agent_runs`("tenant_id", "job_id", "task_id", "role", "phase", "status", "attempts", "provider", "model", "started_at", "finished_at", "input_tokens", "output_tokens", "cost_usd", "error") SELECT "tenant_id", "job_id", "task_id", "role", "phase", "status", "attempts", "provider", "model", "started_at", "finished_at", "input_tokens", "output_tokens", "cost_usd", "error" FROM `agent_runs`;--> statement-breakpoint
DROP TABLE `agent_runs`;--> statement-breakpoint
ALTER TABLE `__new_agent_runs` RENAME TO `agent_runs`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `agent_runs_tenant_job` ON `agent_runs` (`tenant_id`,`job_id`);
-- Vectors become Float32 little-endian bytes in a BLOB (src/db/vector-blob.ts). SQL cannot re-encode the
-- JSON arrays of existing rows as floats, so they are copied unchanged: a BLOB column keeps a TEXT value
-- as TEXT, and the reader still decodes it as JSON. No table references pattern_vectors, so the rebuild
-- needs no foreign-key pragmas.
CREATE TABLE `__new_pattern_vectors` (
	`pattern_id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`task_type` text NOT NULL,
	`success` integer NOT NULL,
	`reward` real NOT NULL,
	`model` text NOT NULL,
	`dimensions` integer NOT NULL,
	`vector` blob NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_pattern_vectors`("pattern_id", "tenant_id", "task_type", "success", "reward", "model", "dimensions", "vector") SELECT "pattern_id", "tenant_id", "task_type", "success", "reward", "model", "dimensions", "vector" FROM `pattern_vectors`;--> statement-breakpoint
DROP TABLE `pattern_vectors`;--> statement-breakpoint
ALTER TABLE `__new_pattern_vectors` RENAME TO `pattern_vectors`;--> statement-breakpoint
CREATE INDEX `pattern_vectors_tenant` ON `pattern_vectors` (`tenant_id`,`task_type`,`success`);
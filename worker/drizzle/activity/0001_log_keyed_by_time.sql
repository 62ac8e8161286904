-- Hand-edited after drizzle-kit generate: WITHOUT ROWID (drizzle-kit has no option for it) and
-- no foreign_keys pragmas (this database has no foreign keys). See src/activity/schema.ts.
CREATE TABLE `__new_heartbeats` (
	`id` text NOT NULL,
	`time` real NOT NULL,
	`entity` text NOT NULL,
	`type` text NOT NULL,
	`category` text NOT NULL,
	`project` text,
	`branch` text,
	`language` text,
	`editor` text,
	`operating_system` text,
	`machine` text,
	`is_write` integer NOT NULL,
	`detail` text NOT NULL,
	`created_at` real NOT NULL,
	PRIMARY KEY(`time`, `id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_heartbeats`("id", "time", "entity", "type", "category", "project", "branch", "language", "editor", "operating_system", "machine", "is_write", "detail", "created_at") SELECT "id", "time", "entity", "type", "category", "project", "branch", "language", "editor", "operating_system", "machine", "is_write", "detail", "created_at" FROM `heartbeats`;--> statement-breakpoint
DROP TABLE `heartbeats`;--> statement-breakpoint
ALTER TABLE `__new_heartbeats` RENAME TO `heartbeats`;
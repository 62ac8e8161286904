CREATE TABLE `days` (
	`day` text PRIMARY KEY NOT NULL,
	`stale` integer NOT NULL,
	`data` text,
	`version` integer DEFAULT 0 NOT NULL,
	`flushed_version` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `heartbeats` (
	`id` text PRIMARY KEY NOT NULL,
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
	`created_at` real NOT NULL
);
--> statement-breakpoint
CREATE INDEX `heartbeats_time_idx` ON `heartbeats` (`time`);--> statement-breakpoint
CREATE TABLE `meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `seen` (
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`first_seen` real NOT NULL,
	`last_seen` real NOT NULL,
	PRIMARY KEY(`kind`, `value`)
);

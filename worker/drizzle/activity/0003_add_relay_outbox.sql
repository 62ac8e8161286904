CREATE TABLE `relay_outbox` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`machine` text,
	`body` text NOT NULL,
	`queued_at` real NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `relay_outbox_id_unique` ON `relay_outbox` (`id`);
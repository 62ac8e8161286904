CREATE TABLE `external_durations` (
	`id` text PRIMARY KEY NOT NULL,
	`external_id` text NOT NULL,
	`provider` text NOT NULL,
	`start_time` real NOT NULL,
	`end_time` real NOT NULL,
	`detail` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `external_durations_start` ON `external_durations` (`start_time`);
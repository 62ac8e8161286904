CREATE TABLE `board_entries` (
	`user_id` text NOT NULL,
	`language` text NOT NULL,
	`username` text NOT NULL,
	`last_7_days` real NOT NULL,
	`last_30_days` real NOT NULL,
	`this_week` real NOT NULL,
	`this_month` real NOT NULL,
	`flagged` integer NOT NULL,
	`week_days` integer NOT NULL,
	`month_days` integer NOT NULL,
	`listed` integer DEFAULT 0 NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`user_id`, `language`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `board_entries_last_7_days_idx` ON `board_entries` (`language`,`listed`,"last_7_days" DESC,`username`);--> statement-breakpoint
CREATE INDEX `board_entries_last_30_days_idx` ON `board_entries` (`language`,`listed`,"last_30_days" DESC,`username`);--> statement-breakpoint
CREATE INDEX `board_entries_this_week_idx` ON `board_entries` (`language`,`listed`,"this_week" DESC,`username`);--> statement-breakpoint
CREATE INDEX `board_entries_this_month_idx` ON `board_entries` (`language`,`listed`,"this_month" DESC,`username`);--> statement-breakpoint
CREATE TABLE `board_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL
);

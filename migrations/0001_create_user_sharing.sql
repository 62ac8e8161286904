CREATE TABLE `user_sharing` (
	`user_id` text PRIMARY KEY NOT NULL,
	`public_profile` integer DEFAULT false NOT NULL,
	`leaderboards` integer DEFAULT false NOT NULL,
	`projects` text DEFAULT 'hidden' NOT NULL,
	`languages` integer DEFAULT true NOT NULL,
	`editors` integer DEFAULT true NOT NULL,
	`operating_systems` integer DEFAULT true NOT NULL,
	`machines` integer DEFAULT false NOT NULL,
	`history_days` integer DEFAULT 365 NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);

CREATE TABLE `friend_requests_by_name` (
	`requester_id` text NOT NULL,
	`username` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`requester_id`, `username`),
	FOREIGN KEY (`requester_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `team_removals` (
	`team_id` text NOT NULL,
	`user_id` text NOT NULL,
	`removed_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`team_id`, `user_id`),
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `team_invites` ADD `id` text;--> statement-breakpoint
ALTER TABLE `team_invites` ADD `invitee_name` text;--> statement-breakpoint
CREATE UNIQUE INDEX `team_invites_id_unique` ON `team_invites` (`id`);--> statement-breakpoint
CREATE INDEX `team_invites_invitee_idx` ON `team_invites` (`invitee_id`);
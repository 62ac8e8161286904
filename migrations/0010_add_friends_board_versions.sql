CREATE TABLE `friends_board_versions` (
	`user_id` text PRIMARY KEY NOT NULL,
	`gen` integer NOT NULL
);

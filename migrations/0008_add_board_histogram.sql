CREATE TABLE `board_histogram` (
	`language` text NOT NULL,
	`range` text NOT NULL,
	`lo` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`language`, `range`, `lo`)
);

-- Issue 16: the global board's version and each board entry's `listed` flag follow user_sharing.
-- The version moves whenever a row that is or was on the board changes (joining, leaving, a
-- member's sharing or cache generation); `listed` is 1 for a user who opted into leaderboards
-- (a language row: and shares languages). Triggers, so no writer of user_sharing can forget.
INSERT INTO `board_version` (`id`, `version`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `user_sharing_board_insert` AFTER INSERT ON `user_sharing`
BEGIN
  UPDATE `board_version` SET `version` = `version` + 1 WHERE `id` = 1 AND NEW.`leaderboards` = 1;
  UPDATE `board_entries` SET `listed` = (NEW.`leaderboards` = 1 AND (`language` = '' OR NEW.`languages` = 1)) WHERE `user_id` = NEW.`user_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `user_sharing_board_update` AFTER UPDATE ON `user_sharing`
BEGIN
  UPDATE `board_version` SET `version` = `version` + 1 WHERE `id` = 1 AND (OLD.`leaderboards` = 1 OR NEW.`leaderboards` = 1);
  UPDATE `board_entries` SET `listed` = (NEW.`leaderboards` = 1 AND (`language` = '' OR NEW.`languages` = 1)) WHERE `user_id` = NEW.`user_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `user_sharing_board_delete` AFTER DELETE ON `user_sharing`
BEGIN
  UPDATE `board_version` SET `version` = `version` + 1 WHERE `id` = 1 AND OLD.`leaderboards` = 1;
  UPDATE `board_entries` SET `listed` = 0 WHERE `user_id` = OLD.`user_id`;
END;

-- Issue 16: each user's friends board version (friends_board_versions, SocialStore.friendsBoardVersion:
-- one row read by key) moves the moment the board's members, or what it shows of them other than
-- their figures, change: a friendship accepted or ended (both users); a user's sharing row
-- inserted, changed or deleted (their settings, or their cache generation: public-directory.ts
-- bumps it on profile and settings changes), a rename or new display name, an account deleted
-- (the user and all their accepted friends). Triggers, so no writer can forget one. None on
-- board_entries: new figures reach a cached friends page within the page cache's TTL, as on the
-- global board, and a flush writes nothing more. A user without a row has version 0; friendships
-- stored before this migration need no row until their first event.
-- A member changed: inserting their id here moves their version and their accepted friends'.
CREATE VIEW `friends_board_member_changes` AS SELECT NULL AS `user_id` WHERE 0;
--> statement-breakpoint
CREATE TRIGGER `friends_board_member_change` INSTEAD OF INSERT ON `friends_board_member_changes`
BEGIN
  INSERT INTO `friends_board_versions` (`user_id`, `gen`)
    SELECT NEW.`user_id`, 1
    UNION ALL SELECT `addressee_id`, 1 FROM `friendships` WHERE `requester_id` = NEW.`user_id` AND `status` = 'accepted'
    UNION ALL SELECT `requester_id`, 1 FROM `friendships` WHERE `addressee_id` = NEW.`user_id` AND `status` = 'accepted'
    ON CONFLICT (`user_id`) DO UPDATE SET `gen` = `gen` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `friendships_friends_board_insert` AFTER INSERT ON `friendships` WHEN NEW.`status` = 'accepted'
BEGIN
  INSERT INTO `friends_board_versions` (`user_id`, `gen`) VALUES (NEW.`requester_id`, 1), (NEW.`addressee_id`, 1)
    ON CONFLICT (`user_id`) DO UPDATE SET `gen` = `gen` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `friendships_friends_board_update` AFTER UPDATE OF `status` ON `friendships` WHEN OLD.`status` != NEW.`status`
BEGIN
  INSERT INTO `friends_board_versions` (`user_id`, `gen`) VALUES (NEW.`requester_id`, 1), (NEW.`addressee_id`, 1)
    ON CONFLICT (`user_id`) DO UPDATE SET `gen` = `gen` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `friendships_friends_board_delete` AFTER DELETE ON `friendships` WHEN OLD.`status` = 'accepted'
BEGIN
  INSERT INTO `friends_board_versions` (`user_id`, `gen`) VALUES (OLD.`requester_id`, 1), (OLD.`addressee_id`, 1)
    ON CONFLICT (`user_id`) DO UPDATE SET `gen` = `gen` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `user_sharing_friends_board_insert` AFTER INSERT ON `user_sharing`
BEGIN
  INSERT INTO `friends_board_member_changes` (`user_id`) VALUES (NEW.`user_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `user_sharing_friends_board_update` AFTER UPDATE ON `user_sharing`
BEGIN
  INSERT INTO `friends_board_member_changes` (`user_id`) VALUES (NEW.`user_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `user_sharing_friends_board_delete` AFTER DELETE ON `user_sharing`
BEGIN
  INSERT INTO `friends_board_member_changes` (`user_id`) VALUES (OLD.`user_id`);
END;
--> statement-breakpoint
CREATE TRIGGER `users_friends_board_update` AFTER UPDATE OF `username`, `display_name` ON `users`
  WHEN OLD.`username` IS NOT NEW.`username` OR OLD.`display_name` IS NOT NEW.`display_name`
BEGIN
  INSERT INTO `friends_board_member_changes` (`user_id`) VALUES (NEW.`id`);
END;
--> statement-breakpoint
-- A deleted account: its friendships are gone by now (deleted first by deleteAccountRows, or by
-- the foreign keys' cascade, which runs before AFTER triggers and fires the friendships
-- trigger), each moving both users; the friends are moved once more in case a friendship
-- outlived the account, then the account's own row goes.
CREATE TRIGGER `users_friends_board_delete` AFTER DELETE ON `users`
BEGIN
  INSERT INTO `friends_board_member_changes` (`user_id`) VALUES (OLD.`id`);
  DELETE FROM `friends_board_versions` WHERE `user_id` = OLD.`id`;
END;

-- Hand-edited after drizzle-kit generate: the backfill of the new column (days computed before
-- it keep their sessions in `data` only; their summaries are cut from it here, once).
ALTER TABLE `days` ADD `summary` text;--> statement-breakpoint
UPDATE `days` SET `summary` = json_remove(`data`, '$.sessions') WHERE `data` IS NOT NULL AND json_array_length(`data`, '$.sessions') > 0;

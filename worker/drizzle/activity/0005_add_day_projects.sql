-- Hand-edited after drizzle-kit generate: WITHOUT ROWID (the key is the row), and the backfill
-- of every day computed before this table existed, derived from its sessions as day-store.ts
-- writeProjects derives them (core projectTimes: per project, whole milliseconds of every
-- category and of coding; '' for sessions without a project).
CREATE TABLE `day_projects` (
	`day` text NOT NULL,
	`project` text NOT NULL,
	`coding_ms` integer NOT NULL,
	`all_ms` integer NOT NULL,
	PRIMARY KEY(`day`, `project`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `day_projects` (`day`, `project`, `coding_ms`, `all_ms`)
SELECT `d`.`day`, coalesce(json_extract(`s`.`value`, '$.project'), ''),
       sum(CASE WHEN json_extract(`s`.`value`, '$.category') = 'coding' THEN CAST(round((json_extract(`s`.`value`, '$.end') - json_extract(`s`.`value`, '$.start')) * 1000) AS INTEGER) ELSE 0 END),
       sum(CAST(round((json_extract(`s`.`value`, '$.end') - json_extract(`s`.`value`, '$.start')) * 1000) AS INTEGER))
  FROM `days` `d`, json_each(`d`.`data`, '$.sessions') `s`
 WHERE `d`.`data` IS NOT NULL
 GROUP BY `d`.`day`, coalesce(json_extract(`s`.`value`, '$.project'), '');

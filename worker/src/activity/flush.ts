import { DIMENSIONS, type DayActivity, type MergeSettings } from "@kodo/core";
import type { DayStore } from "./day-store.ts";

export interface FlushResult {
  daysWritten: number;
  /** Rows D1 reports written (its own accounting, indexes included). */
  rowsWritten: number;
}

/** D1 binds at most 100 parameters per statement; a batch has many statements. */
const DAYS_PER_BATCH = 50;

/**
 * Writes the days D1 has not received to `daily_activity`, one row per day, in batches; a day
 * that became empty is deleted. Marks each day flushed at the version it wrote, so a change that
 * arrives meanwhile is flushed next time.
 */
export async function flushDays(db: D1Database, userId: string, store: DayStore, settings: MergeSettings): Promise<FlushResult> {
  const changed = store.changed(settings);
  let rowsWritten = 0;
  for (let i = 0; i < changed.length; i += DAYS_PER_BATCH) {
    const chunk = changed.slice(i, i + DAYS_PER_BATCH);
    const now = new Date().toISOString();
    const statements = chunk.map(({ activity }) =>
      activity.sessions.length === 0
        ? db.prepare("DELETE FROM daily_activity WHERE user_id = ? AND day = ?").bind(userId, activity.day)
        : db
            .prepare(
              `INSERT INTO daily_activity (user_id, day, total_seconds, coding_seconds, totals, sessions, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (user_id, day) DO UPDATE SET total_seconds = excluded.total_seconds,
                 coding_seconds = excluded.coding_seconds, totals = excluded.totals,
                 sessions = excluded.sessions, updated_at = excluded.updated_at`,
            )
            .bind(userId, activity.day, activity.totalSeconds, activity.totals.category["coding"] ?? 0, JSON.stringify(activity.totals), encodeSessions(activity), now),
    );
    const results = await db.batch(statements);
    for (const r of results) rowsWritten += r.meta.rows_written ?? 0;
    for (const { day, version } of chunk) store.markFlushed(day, version);
  }
  return { daysWritten: changed.length, rowsWritten };
}

/** Sessions without their day (the row's key holds it): a compact array per session. */
export function encodeSessions(activity: DayActivity): string {
  return JSON.stringify(
    activity.sessions.map((s) => [s.start, s.end, s.project, s.language, s.editor, s.operatingSystem, s.machine, s.branch, s.category]),
  );
}

export function decodeDay(row: { day: string; total_seconds: number; totals: string; sessions: string }): DayActivity {
  const sessions = (JSON.parse(row.sessions) as unknown[][]).map((a) => ({
    day: row.day,
    start: a[0] as number,
    end: a[1] as number,
    project: a[2] as string | null,
    language: a[3] as string | null,
    editor: a[4] as string | null,
    operatingSystem: a[5] as string | null,
    machine: a[6] as string | null,
    branch: a[7] as string | null,
    category: a[8] as string,
  }));
  const totals = JSON.parse(row.totals) as DayActivity["totals"];
  for (const d of DIMENSIONS) totals[d] ??= {};
  return { day: row.day, totalSeconds: row.total_seconds, sessions, totals };
}

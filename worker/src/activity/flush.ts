import { addDays, type MergeSettings } from "@kodo/core";
import { boardStanding, boardStandingFirstDay, BOARD_STANDING_DAYS, LEADERBOARD_RANGES, type BoardStandingRow } from "@kodo/core/social";
import type { DayStore } from "./day-store.ts";

export interface FlushResult {
  /** Days whose roll-up changed since the last flush. */
  daysChanged: number;
  /** Board entries written or deleted in D1 (only those that changed). */
  entriesWritten: number;
  /** Rows D1 reports written (its own accounting, indexes included). */
  rowsWritten: number;
}

/** The board entries last written to D1, by board language ('' = all coding time): each row's figures as text. */
export type WrittenBoard = Record<string, string>;

/** D1 binds at most 100 parameters per statement; a batch has many statements. */
const ENTRIES_PER_BATCH = 50;

/** The board_entries columns of `figures`, in order (a fixed set: never built from input). */
const FIGURE_COLUMNS = ["last_7_days", "last_30_days", "this_week", "this_month", "flagged", "week_days", "month_days"] as const;

/** A standing row's stored figures, in board_entries column order (see db/schema.ts). */
function figures(row: BoardStandingRow): [number, number, number, number, number, number, number] {
  const flagged = LEADERBOARD_RANGES.reduce((bits, r, i) => bits | (row.flagged[r] ? 1 << i : 0), 0);
  return [row.seconds.last_7_days, row.seconds.last_30_days, row.seconds.this_week, row.seconds.this_month, flagged, row.days.this_week, row.days.this_month];
}

/**
 * The flush (issue 16): computes the user's board standing from their last days (core
 * boardStanding) and writes to D1's `board_entries` only the rows that differ from what it last
 * wrote (`written`), deleting rows that no longer hold time. Day roll-ups stay in the object.
 * The username comes from `users` and `listed` from `user_sharing` in the same statement, so a
 * row is never written for an account deleted meanwhile, and a rename or a sharing change
 * (which update board_entries too) is never undone.
 * Returns the new written state with the standing's refresh time; the caller stores both after
 * D1 accepted the writes, so a failed write is retried by the next flush.
 */
export async function flushBoard(
  db: D1Database,
  userId: string,
  store: DayStore,
  settings: MergeSettings,
  written: WrittenBoard,
  nowSeconds: number,
): Promise<{ result: FlushResult; written: WrittenBoard; refreshAt: number | null }> {
  const changed = store.changed(settings);
  const first = boardStandingFirstDay(settings.timeZone, nowSeconds);
  const standing = boardStanding(store.between(first, addDays(first, BOARD_STANDING_DAYS), settings), settings.timeZone, nowSeconds);
  const next: WrittenBoard = {};
  const updatedAt = new Date(nowSeconds * 1000).toISOString();
  const statements: D1PreparedStatement[] = [];
  /** The board language of each targeted UPDATE, by statement index (others: null). */
  const updates: (string | null)[] = [];
  for (const row of standing.rows) {
    const language = row.language ?? "";
    const values = figures(row);
    const text = JSON.stringify(values);
    next[language] = text;
    if (written[language] === text) continue;
    const before = written[language] === undefined ? null : (JSON.parse(written[language]) as number[]);
    if (before && before.length === values.length) {
      // A row D1 already holds: set only the figures that changed. D1 rewrites an index entry
      // for every indexed column an UPDATE sets, changed or not (measured: an upsert of all
      // figures writes 5 rows, setting only the day counts 1), and the midnight refresh mostly
      // moves the day counts. `listed` and `username` are kept by triggers and profile changes.
      const moved = FIGURE_COLUMNS.flatMap((_, i) => (before[i] === values[i] ? [] : [i]));
      statements.push(
        db
          .prepare(`UPDATE board_entries SET ${moved.map((i, n) => `${FIGURE_COLUMNS[i]} = ?${n + 1}`).join(", ")}, updated_at = ?${moved.length + 1} WHERE user_id = ?${moved.length + 2} AND language = ?${moved.length + 3}`)
          .bind(...moved.map((i) => values[i]), updatedAt, userId, language),
      );
      updates.push(language);
      continue;
    }
    statements.push(
      db
        .prepare(
          `INSERT INTO board_entries (user_id, language, username, last_7_days, last_30_days, this_week, this_month, flagged, week_days, month_days, listed, updated_at)
           SELECT ?1, ?2, u.username, ?3, ?4, ?5, ?6, ?7, ?8, ?9, COALESCE(sh.leaderboards = 1 AND (?2 = '' OR sh.languages = 1), 0), ?10
             FROM users u LEFT JOIN user_sharing sh ON sh.user_id = u.id WHERE u.id = ?1
           ON CONFLICT (user_id, language) DO UPDATE SET last_7_days = excluded.last_7_days, last_30_days = excluded.last_30_days,
             this_week = excluded.this_week, this_month = excluded.this_month, flagged = excluded.flagged,
             week_days = excluded.week_days, month_days = excluded.month_days, listed = excluded.listed, updated_at = excluded.updated_at`,
        )
        .bind(userId, language, ...values, updatedAt),
    );
    updates.push(null);
  }
  for (const language of Object.keys(written)) {
    if (!(language in next)) statements.push(db.prepare("DELETE FROM board_entries WHERE user_id = ? AND language = ?").bind(userId, language));
  }
  let rowsWritten = 0;
  for (let i = 0; i < statements.length; i += ENTRIES_PER_BATCH) {
    const results = await db.batch(statements.slice(i, i + ENTRIES_PER_BATCH));
    results.forEach((r, j) => {
      rowsWritten += r.meta.rows_written ?? 0;
      // An UPDATE that found no row (D1 lost it: restored, edited by hand): the next flush
      // inserts it again, as for a row never written.
      const language = updates[i + j];
      if (language != null && (r.meta.changes ?? 0) === 0) delete next[language];
    });
  }
  for (const { day, version } of changed) store.markFlushed(day, version);
  return { result: { daysChanged: changed.length, entriesWritten: statements.length, rowsWritten }, written: next, refreshAt: standing.refreshAt };
}

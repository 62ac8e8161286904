import {
  addDays,
  dayOf,
  eachDay,
  mergeWindow,
  projectTimes,
  rollUpDay,
  sessionsForDay,
  startOfDay,
  type CountedProjects,
  type DayActivity,
  type DaysOptions,
  type MergeSettings,
  type ProjectDay,
} from "@kodo/core";
import { mergeInputsBetween } from "./log.ts";
import type { Meta } from "./meta.ts";

/** A day from `betweenJson`: cut parts come back empty. */
export function parseDay(text: string): DayActivity {
  const day = JSON.parse(text) as DayActivity;
  day.sessions ??= [];
  day.totals.branch ??= {};
  return day;
}

/** How many days one alarm run recomputes after a settings change (keeps each run short). */
const RECOMPUTE_DAYS_PER_RUN = 62;

interface DayRow {
  day: string;
  stale: number;
  data: string | null;
  summary: string | null;
  version: number;
  flushed_version: number;
  [key: string]: SqlStorageValue;
}

/**
 * Derived days in the object's SQLite, the only store of a user's day roll-ups (issue 16). A day
 * is recomputed from the raw log only when stale, and its version grows only when the result
 * differs, so an unchanged day never triggers a board write.
 */
export class DayStore {
  constructor(
    private readonly sql: SqlStorage,
    private readonly meta: Meta,
  ) {}

  /**
   * Days this instance knows to be stale already: marking them again would be a write that
   * changes nothing, on every heartbeat of a busy day. Cleared by compute() and startRecompute().
   */
  private readonly knownStale = new Set<string>();

  forgetCache(): void {
    this.knownStale.clear();
  }

  markStale(days: string[]): void {
    for (const day of days) {
      if (this.knownStale.has(day)) continue;
      this.knownStale.add(day);
      this.sql.exec("INSERT INTO days (day, stale) VALUES (?, 1) ON CONFLICT (day) DO UPDATE SET stale = 1", day);
    }
  }

  /** Recomputes one day from the log; stores it (new version) only when it changed. */
  compute(day: string, settings: MergeSettings): DayActivity {
    this.knownStale.delete(day);
    const { from, to } = mergeWindow(day, settings);
    const activity = rollUpDay(day, sessionsForDay(mergeInputsBetween(this.sql, from, to), day, settings));
    const json = JSON.stringify(activity);
    const row = this.sql.exec<DayRow>("SELECT * FROM days WHERE day = ?", day).toArray()[0];
    if (row?.data === json) {
      if (row.stale) this.sql.exec("UPDATE days SET stale = 0 WHERE day = ?", day);
    } else {
      const summary = activity.sessions.length > 0 ? JSON.stringify({ ...activity, sessions: undefined }) : null;
      this.sql.exec(
        `INSERT INTO days (day, stale, data, summary, version) VALUES (?, 0, ?, ?, 1)
         ON CONFLICT (day) DO UPDATE SET stale = 0, data = excluded.data, summary = excluded.summary, version = days.version + 1`,
        day,
        json,
        summary,
      );
      this.writeProjects(activity);
    }
    return activity;
  }

  /** The day's per-project record (schema.ts `day_projects`), replaced with the day's roll-up. */
  private writeProjects(activity: DayActivity): void {
    this.sql.exec("DELETE FROM day_projects WHERE day = ?", activity.day);
    for (const t of projectTimes(activity.sessions)) {
      this.sql.exec("INSERT INTO day_projects (day, project, coding_ms, all_ms) VALUES (?, ?, ?, ?)", activity.day, t.project ?? "", t.codingMs, t.allMs);
    }
  }

  /**
   * Per day of the range, the time of `projects` (ActivityStore.projectDays), summed in SQL over
   * `day_projects` after computing stale days: no day's JSON is read. '' (no project) counts
   * only under "all", as core's countsProject says.
   */
  projectDays(start: string, end: string, settings: MergeSettings, projects: CountedProjects): ProjectDay[] {
    this.computeStaleBetween(start, end, settings);
    const filter = projects === "all" ? "" : "AND project IN (SELECT value FROM json_each(?)) AND project <> ''";
    const params: SqlStorageValue[] = projects === "all" ? [start, end] : [start, end, JSON.stringify(projects)];
    return this.sql
      .exec<{ day: string; coding: number; total: number }>(
        `SELECT day, sum(coding_ms) AS coding, sum(all_ms) AS total FROM day_projects WHERE day >= ? AND day <= ? ${filter} GROUP BY day HAVING sum(all_ms) > 0 ORDER BY day`,
        ...params,
      )
      .toArray()
      .map((r) => ({ day: r.day, codingMs: r.coding, allMs: r.total }));
  }

  private computeStaleBetween(start: string, end: string, settings: MergeSettings): void {
    if (this.meta.recompute()) this.discover(start, end, settings);
    const stale = this.sql.exec<{ day: string }>("SELECT day FROM days WHERE stale = 1 AND day >= ? AND day <= ?", start, end).toArray();
    for (const { day } of stale) this.compute(day, settings);
  }

  /**
   * Every day in the range with activity: the reads' source (issue 16: D1 holds no days).
   * Sessions, the bulk of a day, are read only when asked for (a day keeps a summary without
   * them, migration 0004), and branch totals too when `branches` is false, so long ranges
   * parse only totals.
   */
  between(start: string, end: string, settings: MergeSettings, options: DaysOptions = {}): DayActivity[] {
    return this.betweenJson(start, end, settings, options).map(parseDay);
  }

  /** `between` as the stored JSON text of each day: text crosses an RPC far cheaper than objects. */
  betweenJson(start: string, end: string, settings: MergeSettings, options: DaysOptions = {}): string[] {
    this.computeStaleBetween(start, end, settings);
    // A day with sessions has a summary (data without them); a day without has neither to read.
    const query = options.sessions
      ? "SELECT data FROM days WHERE day >= ? AND day <= ? AND summary IS NOT NULL ORDER BY day"
      : `SELECT ${options.branches === false ? "json_remove(summary, '$.totals.branch')" : "summary"} AS data FROM days WHERE day >= ? AND day <= ? AND summary IS NOT NULL ORDER BY day`;
    return this.sql
      .exec<{ data: string }>(query, start, end)
      .toArray()
      .map((r) => r.data);
  }

  /** Days changed since the last flush (versions the board standing has not seen), after computing every stale day. */
  changed(settings: MergeSettings): { day: string; version: number; activity: DayActivity }[] {
    const stale = this.sql.exec<{ day: string }>("SELECT day FROM days WHERE stale = 1").toArray();
    for (const { day } of stale) this.compute(day, settings);
    return this.sql
      .exec<DayRow>("SELECT * FROM days WHERE version > flushed_version AND data IS NOT NULL")
      .toArray()
      .map((r) => ({ day: r.day, version: r.version, activity: JSON.parse(r.data!) as DayActivity }));
  }

  markFlushed(day: string, version: number): void {
    this.sql.exec("UPDATE days SET flushed_version = ? WHERE day = ? AND flushed_version < ?", version, day, version);
  }

  /** After a change of time zone or timeout: every day is recomputed from the raw log. */
  startRecompute(): void {
    this.sql.exec("UPDATE days SET stale = 1");
    this.knownStale.clear();
    const settings = this.meta.settings();
    const span = this.sql.exec<{ lo: number | null; hi: number | null }>("SELECT min(time) AS lo, max(time) AS hi FROM heartbeats").one();
    if (!settings || span.lo === null || span.hi === null) return this.meta.setRecompute(null);
    const firstDay = dayOf(span.lo, settings.timeZone);
    this.meta.setRecompute({ firstDay, cursorDay: firstDay, lastDay: addDays(dayOf(span.hi, settings.timeZone), 1) });
  }

  /** Recomputes the next chunk of days; true while more remain. */
  advanceRecompute(settings: MergeSettings): boolean {
    const r = this.meta.recompute();
    if (!r) return false;
    const chunkEnd = addDays(r.cursorDay, RECOMPUTE_DAYS_PER_RUN - 1);
    const end = chunkEnd < r.lastDay ? chunkEnd : r.lastDay;
    this.discover(r.cursorDay, end, settings);
    this.computeStaleBetween(r.cursorDay, end, settings);
    if (end >= r.lastDay) {
      this.meta.setRecompute(null);
      return false;
    }
    this.meta.setRecompute({ ...r, cursorDay: addDays(end, 1) });
    return true;
  }

  recomputeProgress(): { done: number; total: number } | null {
    const r = this.meta.recompute();
    if (!r) return null;
    const span = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
    return { done: span(r.firstDay, r.cursorDay), total: span(r.firstDay, r.lastDay) + 1 };
  }

  /** Marks stale every day in the range that has heartbeats (finds days new to this zone). */
  private discover(start: string, end: string, settings: MergeSettings): void {
    const found: string[] = [];
    for (const day of eachDay(start, end)) {
      const from = startOfDay(day, settings.timeZone);
      const to = startOfDay(addDays(day, 1), settings.timeZone);
      const hit = this.sql.exec("SELECT 1 FROM heartbeats WHERE time >= ? AND time < ? LIMIT 1", from, to).toArray();
      if (hit.length > 0) found.push(day);
    }
    this.markStale(found);
  }
}

import { DIMENSIONS, type DayActivity, type Dimension, type DimensionTotals, type Session } from "../types.ts";

/** Name under which a missing dimension value (no project, no branch, ...) is totalled. */
export const UNKNOWN = "";

/**
 * Empty totals. Each dimension's bucket has no prototype: names are user data, and a project
 * called "constructor" or "__proto__" must be counted like any other (on a plain object the
 * first read an inherited function, and the second could not be assigned at all).
 */
export function emptyTotals(): DimensionTotals {
  return Object.fromEntries(DIMENSIONS.map((d) => [d, Object.create(null) as Record<string, number>])) as DimensionTotals;
}

export function sessionSeconds(s: Pick<Session, "start" | "end">): number {
  return s.end - s.start;
}

/** Adds `seconds` under `name` of `dimension`, rounding to milliseconds so sums stay exact-ish. */
function add(totals: DimensionTotals, dimension: Dimension, name: string | null, seconds: number): void {
  const bucket = totals[dimension];
  const key = name ?? UNKNOWN;
  bucket[key] = roundMs((bucket[key] ?? 0) + seconds);
}

export function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/** Per-dimension totals of a set of sessions. */
export function totalsOf(sessions: readonly Session[]): { totalSeconds: number; totals: DimensionTotals } {
  const totals = emptyTotals();
  let totalSeconds = 0;
  for (const s of sessions) {
    const seconds = sessionSeconds(s);
    totalSeconds = roundMs(totalSeconds + seconds);
    for (const d of DIMENSIONS) add(totals, d, s[d], seconds);
  }
  return { totalSeconds, totals };
}

/** The derived record of one day, as stored per user-day. */
export function rollUpDay(day: string, sessions: readonly Session[]): DayActivity {
  const own = sessions.filter((s) => s.day === day);
  return { day, sessions: own, ...totalsOf(own) };
}

/** Sums per-dimension totals of several days (e.g. a range read from roll-ups). */
export function sumTotals(days: readonly Pick<DayActivity, "totals" | "totalSeconds">[]): {
  totalSeconds: number;
  totals: DimensionTotals;
} {
  const totals = emptyTotals();
  for (const day of days) {
    for (const d of DIMENSIONS) {
      for (const [name, seconds] of Object.entries(day.totals[d])) add(totals, d, name, seconds);
    }
  }
  return { totalSeconds: sumSeconds(days), totals };
}

/** The days' total seconds, added up to the millisecond (as every range total is). */
export function sumSeconds(days: readonly Pick<DayActivity, "totalSeconds">[]): number {
  let total = 0;
  for (const d of days) total = roundMs(total + d.totalSeconds);
  return total;
}

/** What a range's statistics need: its totals, how many days had activity, the best one. */
export interface RangeTotals {
  totalSeconds: number;
  totals: DimensionTotals;
  activeDays: number;
  bestDay: { day: string; totalSeconds: number } | null;
}

/** A range's totals, active days and best day (the most time; the earliest of equals). */
export function rangeTotalsOf(days: readonly Pick<DayActivity, "day" | "totals" | "totalSeconds">[]): RangeTotals {
  const { totalSeconds, totals } = sumTotals(days);
  let activeDays = 0;
  let bestDay: RangeTotals["bestDay"] = null;
  for (const d of days) {
    if (!(d.totalSeconds > 0)) continue;
    activeDays++;
    if (!bestDay || d.totalSeconds > bestDay.totalSeconds || (d.totalSeconds === bestDay.totalSeconds && d.day < bestDay.day)) {
      bestDay = { day: d.day, totalSeconds: d.totalSeconds };
    }
  }
  return { totalSeconds, totals, activeDays, bestDay };
}

/** Two days are equal when their derived content is: used to skip writing unchanged rows. */
export function sameDay(a: DayActivity, b: DayActivity): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

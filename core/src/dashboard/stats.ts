import { addDays, daysBetween } from "../time/zone.ts";
import { round2 } from "./labels.ts";
import type { DayTotal, StreakInfo } from "./types.ts";

/** Average over the days that have activity: WakaTime's "daily average" leaves out empty days. */
export function dailyAverage(days: readonly DayTotal[]): number {
  const active = days.filter((d) => d.seconds > 0);
  if (active.length === 0) return 0;
  return round2(active.reduce((a, d) => a + d.seconds, 0) / active.length);
}

/** The day with the most time (the earliest of equals), or null when nothing was recorded. */
export function bestDay(days: readonly DayTotal[]): DayTotal | null {
  let best: DayTotal | null = null;
  for (const d of days) if (d.seconds > 0 && (!best || d.seconds > best.seconds || (d.seconds === best.seconds && d.day < best.day))) best = d;
  return best ? { ...best } : null;
}

/**
 * Streaks of consecutive days with activity, over the days given (any order, gaps allowed).
 * The current streak runs up to `today`; a day without activity yet does not break it before
 * it is over, so it may also end yesterday (as GitHub and WakaTime count it).
 */
export function streaks(days: readonly DayTotal[], today: string): StreakInfo {
  const active = [...new Set(days.filter((d) => d.seconds > 0 && d.day <= today).map((d) => d.day))].sort();
  let longestDays = 0;
  let longestStart: string | null = null;
  let longestEnd: string | null = null;
  let runStart: string | null = null;
  let previous: string | null = null;
  for (const day of active) {
    if (previous === null || daysBetween(previous, day) !== 1) runStart = day;
    const length = daysBetween(runStart!, day) + 1;
    if (length > longestDays) {
      longestDays = length;
      longestStart = runStart;
      longestEnd = day;
    }
    previous = day;
  }
  let currentDays = 0;
  const last = active[active.length - 1];
  if (last !== undefined && (last === today || last === addDays(today, -1))) currentDays = daysBetween(runStart!, last) + 1;
  return { currentDays, longestDays, longestStart, longestEnd };
}

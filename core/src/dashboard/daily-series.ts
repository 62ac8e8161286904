import { UNKNOWN, roundMs } from "../sessions/rollup.ts";
import { addDays, daysBetween } from "../time/zone.ts";
import type { DayActivity } from "../types.ts";
import { labelOf } from "./labels.ts";
import type { DailySeries } from "./types.ts";

/** Projects drawn as their own colour in the stacked chart; the rest are one "Other" band. */
export const STACKED_PROJECTS = 8;
/** Name of the band that sums the projects beyond `STACKED_PROJECTS`. */
export const OTHER_PROJECTS = "\u0000other";

/** Up to a year, one bar per day; up to three years, per week; beyond that, per month. */
export function bucketFor(dayCount: number): DailySeries["bucket"] {
  if (dayCount <= 366) return "day";
  if (dayCount <= 3 * 366) return "week";
  return "month";
}

/** The first day of the bucket that `day` falls in, never before the range's `start`. */
export function bucketStart(day: string, bucket: DailySeries["bucket"], start: string): string {
  let first = day;
  if (bucket === "week") {
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
    first = addDays(day, -((weekday + 6) % 7));
  } else if (bucket === "month") {
    first = `${day.slice(0, 7)}-01`;
  }
  return first < start ? start : first;
}

/**
 * Time per bucket of `start..end`, stacked by project: the `STACKED_PROJECTS` largest projects of
 * the range get their own series, the others are summed into one. Every bucket of the range is
 * present (empty ones as 0) so the chart's axis shows gaps as gaps.
 */
export function dailySeries(days: readonly DayActivity[], start: string, end: string): DailySeries {
  const dayCount = daysBetween(start, end) + 1;
  const bucket = bucketFor(dayCount);
  const labels: string[] = [];
  const index = new Map<string, number>();
  for (let d = start; d <= end; d = addDays(d, 1)) {
    const b = bucketStart(d, bucket, start);
    if (!index.has(b)) {
      index.set(b, labels.length);
      labels.push(b);
    }
  }
  const byProject = new Map<string, number>();
  for (const d of days) {
    for (const [name, seconds] of Object.entries(d.totals.project)) byProject.set(name, (byProject.get(name) ?? 0) + seconds);
  }
  const ranked = [...byProject.entries()]
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([name]) => name);
  const own = ranked.slice(0, STACKED_PROJECTS);
  const rest = ranked.length > own.length;
  const rows = new Map<string, number[]>(own.map((name) => [name, labels.map(() => 0)]));
  if (rest) rows.set(OTHER_PROJECTS, labels.map(() => 0));
  const totals = labels.map(() => 0);
  for (const d of days) {
    const i = index.get(bucketStart(d.day, bucket, start));
    if (i === undefined) continue; // outside the range: callers pass the range's days only
    totals[i] = roundMs(totals[i]! + d.totalSeconds);
    for (const [name, seconds] of Object.entries(d.totals.project)) {
      const row = rows.get(name) ?? rows.get(OTHER_PROJECTS)!;
      row[i] = roundMs(row[i]! + seconds);
    }
  }
  const series = [...rows.entries()].map(([name, seconds]) => ({
    name: name === OTHER_PROJECTS ? OTHER_PROJECTS : name,
    label: name === OTHER_PROJECTS ? "Other projects" : labelOf("project", name === UNKNOWN ? null : name),
    seconds,
  }));
  return { bucket, labels, totals, series };
}

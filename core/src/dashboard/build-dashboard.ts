import { DIMENSIONS, type DayActivity } from "../types.ts";
import { filterDays, isEmptyFilter, type SessionFilter } from "../sessions/filter.ts";
import { sumTotals } from "../sessions/rollup.ts";
import { addDays, dayOf, daysBetween } from "../time/zone.ts";
import type { DayRange } from "../time/ranges.ts";
import { dailySeries } from "./daily-series.ts";
import { hoursOfDay } from "./hours.ts";
import { labelOf, shareItems } from "./labels.ts";
import { bestDay, dailyAverage, streaks } from "./stats.ts";
import { timelineOf } from "./timeline.ts";
import { FILTER_KEYS, type DashboardFilter, type DashboardView, type DayTotal, type HeatMapDay, type RangeInfo, type ShareItem } from "./types.ts";

/** The heat map covers the 365 days up to today, whatever the range. */
export const HEAT_MAP_DAYS = 365;

export function heatMapSpan(today: string): { start: string; end: string } {
  return { start: addDays(today, -(HEAT_MAP_DAYS - 1)), end: today };
}

/** The dashboard's filter as core's session filter (a branch filter is a one-branch list). */
export function toSessionFilter(f: DashboardFilter): SessionFilter {
  return {
    project: f.project ?? null,
    language: f.language ?? null,
    editor: f.editor ?? null,
    operatingSystem: f.operatingSystem ?? null,
    machine: f.machine ?? null,
    branches: f.branch !== undefined ? [f.branch] : null,
    category: f.category ?? null,
  };
}

export function rangeInfo(range: DayRange): RangeInfo {
  return { start: range.start, end: range.end, name: range.name, text: range.text, dayCount: daysBetween(range.start, range.end) + 1 };
}

export interface DashboardInput {
  /** Epoch seconds. */
  now: number;
  timeZone: string;
  range: DayRange;
  filter: DashboardFilter;
  /** The range's days, unfiltered, with sessions (hours of day and filters need them). */
  rangeDays: readonly DayActivity[];
  /** The heat map's days (`heatMapSpan`), unfiltered; with sessions when a filter is set. */
  heatMapDays: readonly DayActivity[];
  /** The day the timeline shows, and its day(s) with sessions. */
  timelineDay: string;
  timelineDays: readonly DayActivity[];
  /** Whether the user ever sent a heartbeat. */
  hasActivity: boolean;
}

const toDayTotals = (days: readonly DayActivity[]): DayTotal[] => days.map((d) => ({ day: d.day, seconds: d.totalSeconds }));

/** The day's project with the most time (ties: the first name in sort order), as the dashboard labels it. */
function topProjectOf(day: DayActivity): string | null {
  let top: [string, number] | null = null;
  for (const [name, seconds] of Object.entries(day.totals.project).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (seconds > 0 && (top === null || seconds > top[1])) top = [name, seconds];
  }
  return top === null ? null : labelOf("project", top[0]);
}

/**
 * Everything one dashboard view draws, from the days the route read. Filters are applied to
 * sessions (`filterDays`), so combined filters give exact totals; filter options come from the
 * unfiltered range so a filter can always be changed to another value.
 */
export function buildDashboard(input: DashboardInput): DashboardView {
  const { range, timeZone } = input;
  const today = dayOf(input.now, timeZone);
  const sessionFilter = toSessionFilter(input.filter);
  const filtered = !isEmptyFilter(sessionFilter);
  const inRange = (d: DayActivity) => d.day >= range.start && d.day <= range.end;
  const rangeDays = filterDays(input.rangeDays.filter(inRange), sessionFilter);
  const total = sumTotals(rangeDays);
  const span = heatMapSpan(today);
  const heatDays = filterDays(
    input.heatMapDays.filter((d) => d.day >= span.start && d.day <= span.end),
    sessionFilter,
  );
  const heatTotals: HeatMapDay[] = heatDays.filter((d) => d.totalSeconds > 0).map((d) => ({ day: d.day, seconds: d.totalSeconds, topProject: topProjectOf(d) }));
  const rangeTotals = toDayTotals(rangeDays);
  const timelineSessions = filterDays(input.timelineDays, sessionFilter).flatMap((d) => d.sessions);

  const shares = Object.fromEntries(DIMENSIONS.map((d) => [d, shareItems(total.totals[d], d, total.totalSeconds)])) as DashboardView["shares"];
  const unfiltered = filtered ? sumTotals(input.rangeDays.filter(inRange)) : total;
  const options = Object.fromEntries(
    FILTER_KEYS.map((k) => {
      const dimension = k === "branch" ? "branch" : k;
      // Unknown values ("") cannot be chosen: the filter matches named values only.
      const items = shareItems(unfiltered.totals[dimension], dimension, unfiltered.totalSeconds).filter((i) => i.name !== "");
      return [k, items];
    }),
  ) as Record<keyof DashboardFilter, ShareItem[]>;

  return {
    timeZone,
    today,
    generatedAt: input.now,
    range: rangeInfo(range),
    filter: input.filter,
    hasActivity: input.hasActivity,
    totalSeconds: total.totalSeconds,
    todaySeconds: heatDays.find((d) => d.day === today)?.totalSeconds ?? 0,
    stats: {
      dailyAverageSeconds: dailyAverage(rangeTotals),
      activeDays: rangeTotals.filter((d) => d.seconds > 0).length,
      bestDay: bestDay(rangeTotals),
      streak: streaks(heatTotals, today),
    },
    daily: dailySeries(rangeDays, range.start, range.end),
    shares,
    hours: hoursOfDay(rangeDays.flatMap((d) => d.sessions), timeZone),
    heatMap: { ...span, days: heatTotals },
    timeline: timelineOf(timelineSessions, input.timelineDay, timeZone),
    options,
  };
}

/**
 * Which day the timeline shows: the one asked for, else today when the range includes it,
 * else the range's last day.
 */
export function timelineDayFor(asked: string | undefined, range: Pick<DayRange, "start" | "end">, today: string): string {
  if (asked) return asked;
  if (today >= range.start && today <= range.end) return today;
  return range.end < today ? range.end : today;
}

import { DIMENSIONS, type DayActivity, type Dimension, type DimensionTotals } from "../../types.ts";
import { UNKNOWN, emptyTotals, sumSeconds, sumTotals, type RangeTotals } from "../../sessions/rollup.ts";
import { startOfDay, addDays } from "../../time/zone.ts";
import type { DayRange } from "../../time/ranges.ts";
import { durationText, round2, humanText, type DurationText } from "./format.ts";

/** WakaTime's name for each dimension's list in summaries and stats. */
export const WIRE_DIMENSION: Record<Dimension, string> = {
  project: "projects",
  language: "languages",
  editor: "editors",
  operatingSystem: "operating_systems",
  machine: "machines",
  branch: "branches",
  category: "categories",
};

/** What WakaTime shows for a missing value. */
const UNKNOWN_NAME: Record<Dimension, string> = {
  project: "Unknown Project",
  language: "Other",
  editor: "Unknown",
  operatingSystem: "Unknown",
  machine: "Unknown",
  branch: "Unknown",
  category: "coding",
};

export interface SummaryItem extends DurationText {
  name: string;
  percent: number;
}

/** Items of one dimension, largest first, with their share of the total. */
export function summaryItems(byName: Record<string, number>, dimension: Dimension, totalSeconds: number): SummaryItem[] {
  return Object.entries(byName)
    .filter(([, s]) => s > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([name, seconds]) => {
      const d = durationText(seconds);
      return {
        name: name === UNKNOWN ? UNKNOWN_NAME[dimension] : name,
        total_seconds: d.total_seconds,
        digital: d.digital,
        decimal: d.decimal,
        text: d.text,
        hours: d.hours,
        minutes: d.minutes,
        seconds: d.seconds,
        percent: totalSeconds > 0 ? round2((seconds / totalSeconds) * 100) : 0,
      };
    });
}

function dimensionLists(totals: DimensionTotals, totalSeconds: number, omit: readonly Dimension[] = []) {
  const out: Record<string, SummaryItem[]> = {};
  for (const d of DIMENSIONS) if (!omit.includes(d)) out[WIRE_DIMENSION[d]] = summaryItems(totals[d], d, totalSeconds);
  return out;
}

/** A local day's first and last second, as ISO instants (remembered: reads repeat them). */
export function isoRange(day: string, timeZone: string): { start: string; end: string } {
  const key = `${timeZone}|${day}`;
  let range = isoRanges.get(key);
  if (!range) {
    range = {
      start: new Date(startOfDay(day, timeZone) * 1000).toISOString(),
      end: new Date((startOfDay(addDays(day, 1), timeZone) - 1) * 1000).toISOString(),
    };
    // Bounded like startOfDay's memo: cleared wholesale rather than tracking age.
    if (isoRanges.size >= 20_000) isoRanges.clear();
    isoRanges.set(key, range);
  }
  return range;
}
const isoRanges = new Map<string, { start: string; end: string }>();

/** The totals of a day without activity (shared: only ever read). */
const NO_TOTALS: DimensionTotals = Object.freeze(emptyTotals());

/** `GET users/current/summaries`: one entry per day of the range, plus cumulative figures. */
export function summariesResponse(days: readonly DayActivity[], range: DayRange, timeZone: string, includeBranches: boolean) {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const data = [];
  for (let day = range.start; day <= range.end; day = addDays(day, 1)) {
    const activity = byDay.get(day);
    const totalSeconds = activity?.totalSeconds ?? 0;
    const totals = activity?.totals ?? NO_TOTALS;
    const { start, end } = isoRange(day, timeZone);
    data.push({
      grand_total: durationText(totalSeconds),
      ...dimensionLists(totals, totalSeconds, includeBranches ? [] : ["branch"]),
      dependencies: [],
      range: { date: day, start, end, text: day, timezone: timeZone },
    });
  }
  const totalSeconds = sumSeconds(days);
  const dayCount = data.length;
  const average = dayCount > 0 ? totalSeconds / dayCount : 0;
  const cumulative = durationText(totalSeconds);
  return {
    data,
    cumulative_total: { seconds: round2(totalSeconds), text: cumulative.text, digital: cumulative.digital, decimal: cumulative.decimal },
    daily_average: {
      holidays: data.filter((d) => d.grand_total.total_seconds === 0).length,
      days_including_holidays: dayCount,
      days_minus_holidays: data.filter((d) => d.grand_total.total_seconds > 0).length,
      seconds: round2(average),
      text: humanText(average),
      seconds_including_other_language: round2(average),
      text_including_other_language: humanText(average),
    },
    start: isoRange(range.start, timeZone).start,
    end: isoRange(range.end, timeZone).end,
  };
}

/** `GET users/current/statusbar/today`: today's totals, `data` an object. */
export function statusBarResponse(today: DayActivity | undefined, day: string, timeZone: string) {
  const totalSeconds = today?.totalSeconds ?? 0;
  const totals = today?.totals ?? NO_TOTALS;
  const { start, end } = isoRange(day, timeZone);
  return {
    cached_at: new Date().toISOString(),
    data: {
      grand_total: durationText(totalSeconds),
      ...dimensionLists(totals, totalSeconds),
      dependencies: [],
      range: { date: day, start, end, text: "Today", timezone: timeZone },
    },
    has_team_features: false,
  };
}

/**
 * The totals, averages and best day of a stats answer (WakaTime's field set), for the owner's
 * stats and the public view alike. `best_day: null` leaves the best day out (totals-only sharing).
 */
export function rangeFigures(total: RangeTotals, range: Pick<DayRange, "start" | "end">, options: { bestDay?: boolean } = {}) {
  const dayCount = Math.max(1, Math.round((Date.parse(`${range.end}T00:00:00Z`) - Date.parse(`${range.start}T00:00:00Z`)) / 86_400_000) + 1);
  const best = options.bestDay === false ? null : total.bestDay;
  const average = total.totalSeconds / dayCount;
  return {
    holidays: dayCount - total.activeDays,
    days_including_holidays: dayCount,
    days_minus_holidays: total.activeDays,
    total_seconds: round2(total.totalSeconds),
    total_seconds_including_other_language: round2(total.totalSeconds),
    human_readable_total: humanText(total.totalSeconds),
    human_readable_total_including_other_language: humanText(total.totalSeconds),
    daily_average: round2(average),
    daily_average_including_other_language: round2(average),
    human_readable_daily_average: humanText(average),
    human_readable_daily_average_including_other_language: humanText(average),
    best_day: best ? { date: best.day, total_seconds: round2(best.totalSeconds), text: humanText(best.totalSeconds) } : null,
  };
}

/** `GET users/current/stats/{range}`: totals over the range. */
export function statsResponse(
  total: RangeTotals,
  range: DayRange,
  user: { id: string; username: string; timeZone: string; keystrokeTimeoutMinutes: number },
) {
  return {
    data: {
      id: user.id,
      user_id: user.id,
      username: user.username,
      range: range.name ?? "custom",
      human_readable_range: range.text,
      start: isoRange(range.start, user.timeZone).start,
      end: isoRange(range.end, user.timeZone).end,
      timezone: user.timeZone,
      timeout: user.keystrokeTimeoutMinutes,
      writes_only: false,
      ...rangeFigures(total, range),
      ...dimensionLists(total.totals, total.totalSeconds),
      dependencies: [],
      is_up_to_date: true,
      is_up_to_date_pending_future: false,
      is_stuck: false,
      is_already_updating: false,
      percent_calculated: 100,
      status: "ok",
      is_coding_activity_visible: true,
      is_other_usage_visible: true,
    },
  };
}

/** `GET users/current/all_time_since_today`. */
export function allTimeResponse(days: readonly DayActivity[], range: DayRange, timeZone: string, timeoutMinutes: number) {
  const total = sumTotals(days);
  const t = durationText(total.totalSeconds);
  const first = days.find((d) => d.totalSeconds > 0)?.day ?? range.end;
  const { start } = isoRange(first, timeZone);
  const { end } = isoRange(range.end, timeZone);
  return {
    data: {
      total_seconds: t.total_seconds,
      text: t.text,
      decimal: t.decimal,
      digital: t.digital,
      daily_average: round2(days.length ? total.totalSeconds / Math.max(1, days.filter((d) => d.totalSeconds > 0).length) : 0),
      is_up_to_date: true,
      percent_calculated: 100,
      range: { start, start_date: first, start_text: first, end, end_date: range.end, end_text: "Today", timezone: timeZone },
      timeout: timeoutMinutes,
    },
  };
}

/**
 * WakaTime's insights (`GET /users/current/insights/{insight_type}/{range}`), built from a
 * range's days. The types are the ones the stored data supports: per-weekday and per-day time,
 * the best day, the daily average, and time per project, language, editor, operating system,
 * machine and category. Each answer is WakaTime's `data` object: the insight under its own name
 * plus the range fields every insight carries.
 * Rules, as WakaTime shows them:
 * - weekdays: every weekday of the range, Monday first; `count` is how many of that weekday the
 *   range holds, `average` is the total over that count (a weekday without time counts as 0).
 * - days: every day of the range, oldest first, with time per category (days without time: 0).
 * - best_day: the day with the most time (the earliest of equals), null when nothing counted.
 * - daily_average: the caller's total and average over the days with any time (WakaTime's
 *   "days minus holidays"); no `all_users` figures: Kodo does not publish other users' data.
 * - dimension types: every name with time, largest first.
 */
import type { DayActivity, Dimension } from "../../types.ts";
import type { DayRange } from "../../time/ranges.ts";
import { addDays, daysBetween } from "../../time/zone.ts";
import { rangeTotalsOf } from "../../sessions/rollup.ts";
import { humanText, round2 } from "./format.ts";
import { isoRange, summaryItems } from "./summaries.ts";

export const DIMENSION_INSIGHTS = {
  languages: "language",
  projects: "project",
  editors: "editor",
  operating_systems: "operatingSystem",
  machines: "machine",
  categories: "category",
} as const satisfies Record<string, Dimension>;

export const INSIGHT_TYPES = ["weekdays", "days", "best_day", "daily_average", ...(Object.keys(DIMENSION_INSIGHTS) as (keyof typeof DIMENSION_INSIGHTS)[])] as const;
export type InsightType = (typeof INSIGHT_TYPES)[number];

/** WakaTime insight types Kodo cannot answer, with the reason (a 422 names it). */
export const UNSUPPORTED_INSIGHTS: Record<string, string> = {
  ai_days: "Kodo stores no AI line-change totals per day",
  stats: "use GET /users/current/stats/{range} for the stats of a range",
  dependencies: "Kodo does not store dependencies per range",
  hours: "Kodo keeps no per-hour roll-ups",
};

const WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

/** 0 = Monday ... 6 = Sunday. */
function weekdayIndex(day: string): number {
  return (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
}

export interface InsightContext {
  userId: string;
  timeZone: string;
  keystrokeTimeoutMinutes: number;
  today: string;
}

function sortedNamed(byName: Map<string, number>) {
  return [...byName].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function addTo(m: Map<string, number>, k: string, v: number) {
  m.set(k, (m.get(k) ?? 0) + v);
}

/** The insight's own field(s) (e.g. `{ weekdays: [...] }`). */
export function insightBody(type: InsightType, days: readonly DayActivity[], range: DayRange): Record<string, unknown> {
  const byDay = new Map(days.map((d) => [d.day, d]));
  const spanDays = daysBetween(range.start, range.end) + 1;
  switch (type) {
    case "weekdays": {
      const rows = WEEKDAY_NAMES.map((name) => ({ name, count: 0, total: 0, categories: new Map<string, number>() }));
      for (let i = 0; i < spanDays; i++) rows[weekdayIndex(addDays(range.start, i))]!.count++;
      for (const d of days) {
        const row = rows[weekdayIndex(d.day)]!;
        row.total += d.totalSeconds;
        for (const [name, s] of Object.entries(d.totals.category)) addTo(row.categories, name, s);
      }
      const avg = (total: number, count: number) => (count > 0 ? total / count : 0);
      return {
        weekdays: rows.map((r) => ({
          name: r.name,
          count: r.count,
          total: round2(r.total),
          human_readable_total: humanText(r.total),
          average: round2(avg(r.total, r.count)),
          human_readable_average: humanText(avg(r.total, r.count)),
          categories: sortedNamed(r.categories).map(([name, s]) => ({
            name,
            total: round2(s),
            human_readable_total: humanText(s),
            average: round2(avg(s, r.count)),
            human_readable_average: humanText(avg(s, r.count)),
          })),
        })),
      };
    }
    case "days": {
      const out = [];
      for (let i = 0; i < spanDays; i++) {
        const date = addDays(range.start, i);
        const d = byDay.get(date);
        out.push({
          date,
          total: round2(d?.totalSeconds ?? 0),
          categories: d ? sortedNamed(new Map(Object.entries(d.totals.category))).map(([name, s]) => ({ name, total: round2(s) })) : [],
        });
      }
      return { days: out };
    }
    case "best_day": {
      const best = rangeTotalsOf(days).bestDay;
      return { best_day: best ? { date: best.day, total_seconds: round2(best.totalSeconds), text: humanText(best.totalSeconds) } : null };
    }
    case "daily_average": {
      const totals = rangeTotalsOf(days);
      const average = totals.activeDays > 0 ? totals.totalSeconds / totals.activeDays : 0;
      return {
        current_user: {
          total: { seconds: round2(totals.totalSeconds), text: humanText(totals.totalSeconds) },
          daily_average: { seconds: round2(average), text: humanText(average) },
        },
        days_including_holidays: spanDays,
        days_minus_holidays: totals.activeDays,
        holidays: spanDays - totals.activeDays,
      };
    }
    default: {
      const dimension = DIMENSION_INSIGHTS[type];
      const totals = rangeTotalsOf(days);
      return { [type]: summaryItems(totals.totals[dimension], dimension, totals.totalSeconds).map((i) => ({ name: i.name, total_seconds: i.total_seconds })) };
    }
  }
}

/** The whole `data` object: the insight plus the range fields every insight carries. */
export function insightResponse(type: InsightType, days: readonly DayActivity[], range: DayRange, ctx: InsightContext) {
  return {
    data: {
      ...insightBody(type, days, range),
      range: range.name ?? "custom",
      human_readable_range: range.text,
      start: isoRange(range.start, ctx.timeZone).start,
      end: isoRange(range.end, ctx.timeZone).end,
      timezone: ctx.timeZone,
      timeout: ctx.keystrokeTimeoutMinutes,
      writes_only: false,
      user_id: ctx.userId,
      is_including_today: range.end >= ctx.today,
      status: "ok",
      is_up_to_date: true,
      is_up_to_date_pending_future: false,
      is_stuck: false,
      is_already_updating: false,
      percent_calculated: 100,
    },
  };
}

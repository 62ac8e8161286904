import type { DayActivity } from "../types.ts";
import { filterDays, type SessionFilter } from "../sessions/filter.ts";
import { roundMs, sumTotals } from "../sessions/rollup.ts";
import { dayOf } from "../time/zone.ts";
import type { DayRange } from "../time/ranges.ts";
import { dailySeries } from "./daily-series.ts";
import { labelOf, round2, shareItems } from "./labels.ts";
import { bestDay, dailyAverage } from "./stats.ts";
import { rangeInfo, toSessionFilter } from "./build-dashboard.ts";
import type { DashboardFilter, EntityTotal, ProjectView } from "./types.ts";

/** Files listed on a project page; the rest are summed. */
export const FILES_LIMIT = 100;

export interface ProjectInput {
  now: number;
  timeZone: string;
  project: string;
  range: DayRange;
  /** Further filters inside the project (branch, language, ...). */
  filter: Omit<DashboardFilter, "project">;
  /** The range's days with sessions, unfiltered. */
  rangeDays: readonly DayActivity[];
  /** Per-entity time of the project over the range (from the raw log), same filter applied. */
  entities: readonly EntityTotal[];
}

/** One project's page: its totals per day, languages, branches, and files. */
export function buildProject(input: ProjectInput): ProjectView {
  const filter: DashboardFilter = { ...input.filter, project: input.project };
  const sessionFilter: SessionFilter = toSessionFilter(filter);
  const days = filterDays(
    input.rangeDays.filter((d) => d.day >= input.range.start && d.day <= input.range.end),
    sessionFilter,
  );
  const total = sumTotals(days);
  const dayTotals = days.map((d) => ({ day: d.day, seconds: d.totalSeconds }));
  const fileTotal = input.entities.reduce((a, e) => a + e.seconds, 0);
  const files = input.entities.slice(0, FILES_LIMIT).map((e) => ({ ...e, percent: fileTotal > 0 ? round2((e.seconds / fileTotal) * 100) : 0 }));
  const share = (d: keyof ProjectView["shares"]) => shareItems(total.totals[d], d, total.totalSeconds);
  const daily = dailySeries(days, input.range.start, input.range.end);
  return {
    project: input.project,
    label: labelOf("project", input.project),
    timeZone: input.timeZone,
    today: dayOf(input.now, input.timeZone),
    generatedAt: input.now,
    range: rangeInfo(input.range),
    filter,
    totalSeconds: total.totalSeconds,
    stats: { dailyAverageSeconds: dailyAverage(dayTotals), activeDays: dayTotals.filter((d) => d.seconds > 0).length, bestDay: bestDay(dayTotals) },
    daily,
    shares: {
      language: share("language"),
      branch: share("branch"),
      editor: share("editor"),
      category: share("category"),
      machine: share("machine"),
      operatingSystem: share("operatingSystem"),
    },
    files,
    fileCount: input.entities.length,
    otherFilesSeconds: roundMs(input.entities.slice(FILES_LIMIT).reduce((a, e) => a + e.seconds, 0)),
  };
}

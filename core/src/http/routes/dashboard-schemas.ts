/**
 * Zod schemas of the dashboard routes: their query parameters (validated, 400 naming the
 * field) and their answers (documented in the OpenAPI document).
 */
import { z } from "zod";
import { MAX_STRING_LENGTH } from "../../heartbeat/index.ts";
import { isDay } from "../../time/zone.ts";

const day = z.string().refine(isDay, "must be a real date as YYYY-MM-DD");
const value = (description: string) => z.string().min(1).max(MAX_STRING_LENGTH).optional().meta({ description });

/** Filters shared by the dashboard and project routes (each narrows to one value; they combine). */
export const filterQuery = {
  language: value("Only sessions in this language."),
  editor: value("Only sessions in this editor."),
  os: value("Only sessions on this operating system."),
  machine: value("Only sessions on this machine."),
  branch: value("Only sessions on this branch."),
  category: value("Only sessions of this category (coding, debugging, ...)."),
};

export const rangeQuery = {
  range: z
    .string()
    .max(40)
    .optional()
    .meta({ description: "today, yesterday, last_7_days, last_30_days, this_week, this_month, last_6_months, last_year, all_time, YYYY, YYYY-MM, ... Default last_7_days." }),
  start: day.optional().meta({ description: "First day of a custom range (with end), in the user's time zone." }),
  end: day.optional().meta({ description: "Last day of a custom range (inclusive)." }),
};

export const dashboardQuerySchema = z.object({
  ...rangeQuery,
  project: value("Only sessions of this project."),
  ...filterQuery,
  day: day.optional().meta({ description: "Day shown on the session timeline. Default: today if in the range, else the range's last day." }),
});
export type DashboardQuery = z.infer<typeof dashboardQuerySchema>;

export const projectQuerySchema = z.object({ ...rangeQuery, ...filterQuery });
export type ProjectQuery = z.infer<typeof projectQuerySchema>;

const shareItem = z.object({ name: z.string(), label: z.string(), seconds: z.number(), percent: z.number() });
const dayTotal = z.object({ day: z.string(), seconds: z.number() });
const rangeInfo = z.object({ start: z.string(), end: z.string(), name: z.string().nullable(), text: z.string(), dayCount: z.number() });
const filter = z.record(z.string(), z.string()).meta({ description: "The filters applied (project, language, editor, operatingSystem, machine, branch, category)." });
const dailySeries = z.object({
  bucket: z.enum(["day", "week", "month"]),
  labels: z.array(z.string()),
  totals: z.array(z.number()),
  series: z.array(z.object({ name: z.string(), label: z.string(), seconds: z.array(z.number()) })),
});
const shares = (keys: readonly string[]) => z.object(Object.fromEntries(keys.map((k) => [k, z.array(shareItem)])));
const DIMENSION_KEYS = ["project", "language", "editor", "operatingSystem", "machine", "branch", "category"] as const;
const baseStats = { dailyAverageSeconds: z.number(), activeDays: z.number(), bestDay: dayTotal.nullable() };

export const dashboardViewSchema = z
  .object({
    timeZone: z.string(),
    today: z.string(),
    generatedAt: z.number(),
    range: rangeInfo,
    filter,
    hasActivity: z.boolean().meta({ description: "False until the first heartbeat: show how to connect a plugin." }),
    totalSeconds: z.number(),
    todaySeconds: z.number(),
    stats: z.object({
      ...baseStats,
      streak: z.object({ currentDays: z.number(), longestDays: z.number(), longestStart: z.string().nullable(), longestEnd: z.string().nullable() }),
    }),
    daily: dailySeries,
    shares: shares(DIMENSION_KEYS),
    hours: z.array(z.number()).length(24),
    heatMap: z.object({
      start: z.string(),
      end: z.string(),
      days: z.array(dayTotal.extend({ topProject: z.string().nullable().meta({ description: "The day's project with the most time (its label)." }) })),
    }),
    timeline: z.object({
      day: z.string(),
      dayStart: z.number(),
      dayEnd: z.number(),
      entries: z.array(
        z.object({ project: z.string(), label: z.string(), start: z.number(), end: z.number(), languages: z.array(z.string()), branches: z.array(z.string()) }),
      ),
    }),
    options: shares(DIMENSION_KEYS),
  })
  .meta({ ref: "DashboardView", description: "Everything one dashboard view shows, in one response." });

export const projectViewSchema = z
  .object({
    project: z.string(),
    label: z.string(),
    timeZone: z.string(),
    today: z.string(),
    generatedAt: z.number(),
    range: rangeInfo,
    filter,
    totalSeconds: z.number(),
    stats: z.object(baseStats),
    daily: dailySeries,
    shares: shares(["language", "branch", "editor", "category", "machine", "operatingSystem"]),
    files: z.array(z.object({ entity: z.string(), type: z.string(), language: z.string().nullable(), seconds: z.number(), percent: z.number() })),
    fileCount: z.number(),
    otherFilesSeconds: z.number(),
  })
  .meta({ ref: "ProjectView", description: "One project: its days, languages, branches and files." });

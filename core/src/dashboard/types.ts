/**
 * The shapes the dashboard API answers (`GET /api/kodo/dashboard`, `GET /api/kodo/projects/{name}`).
 * One response carries everything one dashboard view draws, so the site renders its first view
 * from a single server-side fetch. Instants are epoch seconds; days are the user's local days.
 */
import type { Dimension } from "../types.ts";

/** One row of a share table or donut: `name` is the raw value ("" when unknown), `label` what to show. */
export interface ShareItem {
  name: string;
  label: string;
  seconds: number;
  /** Share of the filtered total, 0-100, two decimals. */
  percent: number;
}

/** The dimensions the dashboard shows shares of (every session dimension). */
export type ShareDimension = Dimension;

/** Filters a dashboard view applies; all combine (AND), computed from sessions. */
export interface DashboardFilter {
  project?: string;
  language?: string;
  editor?: string;
  operatingSystem?: string;
  machine?: string;
  branch?: string;
  category?: string;
}

export const FILTER_KEYS = ["project", "language", "editor", "operatingSystem", "machine", "branch", "category"] as const satisfies readonly (keyof DashboardFilter)[];

export interface RangeInfo {
  start: string;
  end: string;
  /** Range name ("last_7_days"), or null for custom dates. */
  name: string | null;
  text: string;
  /** Calendar days in the range, both ends included. */
  dayCount: number;
}

/** Time per bucket of the range, stacked by project (the largest few, the rest as "Other"). */
export interface DailySeries {
  /** "day" for ranges up to a year, "week" (starting Mondays) up to three years, else "month". */
  bucket: "day" | "week" | "month";
  /** First local day of each bucket. */
  labels: string[];
  /** Seconds per bucket, all projects. */
  totals: number[];
  series: { name: string; label: string; seconds: number[] }[];
}

export interface DayTotal {
  day: string;
  seconds: number;
}

export interface StreakInfo {
  /** Consecutive active days up to today (or up to yesterday while today has nothing yet). */
  currentDays: number;
  longestDays: number;
  longestStart: string | null;
  longestEnd: string | null;
}

export interface DashboardStats {
  /** Total over days with activity in the range (WakaTime's "daily average" ignores empty days). */
  dailyAverageSeconds: number;
  activeDays: number;
  bestDay: DayTotal | null;
  /** Streaks are counted over the heat-map year (the 365 days up to today). */
  streak: StreakInfo;
}

/** A stretch on the session timeline: touching sessions of one project joined. */
export interface TimelineEntry {
  project: string;
  label: string;
  start: number;
  end: number;
  /** Languages and branches inside the stretch, by time spent (largest first). */
  languages: string[];
  branches: string[];
}

export interface Timeline {
  day: string;
  /** The day's bounds (its local midnights), so the chart spans the whole day. */
  dayStart: number;
  dayEnd: number;
  entries: TimelineEntry[];
}

/** A day of the heat map: its total and the project with the most time (its label), for the tooltip. */
export interface HeatMapDay extends DayTotal {
  topProject: string | null;
}

export interface HeatMap {
  start: string;
  end: string;
  /** Active days only, in day order. */
  days: HeatMapDay[];
}

export interface DashboardView {
  timeZone: string;
  today: string;
  /** When this view was computed (epoch seconds): the site shows "updated …". */
  generatedAt: number;
  range: RangeInfo;
  filter: DashboardFilter;
  /** False until the user's first heartbeat ever: the site then shows how to connect a plugin. */
  hasActivity: boolean;
  totalSeconds: number;
  /** Today's filtered total ("today so far"). */
  todaySeconds: number;
  stats: DashboardStats;
  daily: DailySeries;
  shares: Record<ShareDimension, ShareItem[]>;
  /** Seconds per local hour of day 0-23 over the range. */
  hours: number[];
  heatMap: HeatMap;
  timeline: Timeline;
  /** Values the filters can take: what the unfiltered range contains, largest first. */
  options: Record<keyof DashboardFilter, ShareItem[]>;
}

export interface EntityTotal {
  entity: string;
  /** WakaTime entity type: "file", "domain", "app", ... */
  type: string;
  /** Language of the heartbeats that gave the entity most of its time. */
  language: string | null;
  seconds: number;
}

export interface FileShare extends EntityTotal {
  percent: number;
}

export interface ProjectView {
  project: string;
  label: string;
  timeZone: string;
  today: string;
  generatedAt: number;
  range: RangeInfo;
  filter: DashboardFilter;
  totalSeconds: number;
  stats: Omit<DashboardStats, "streak">;
  /** Daily totals of the project, one per bucket. */
  daily: DailySeries;
  shares: Pick<Record<ShareDimension, ShareItem[]>, "language" | "branch" | "editor" | "category" | "machine" | "operatingSystem">;
  /** Per-file time from the raw heartbeat log (the largest `FILES_LIMIT`). */
  files: FileShare[];
  /** How many entities had time in all (files beyond the limit are summed in `otherFilesSeconds`). */
  fileCount: number;
  otherFilesSeconds: number;
}

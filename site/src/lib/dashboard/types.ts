/**
 * The dashboard API's answers (GET /api/kodo/dashboard, GET /api/kodo/projects/{name}) as the
 * site uses them. They mirror core/src/dashboard/types.ts (the site does not type-check core's
 * sources); worker/test/dashboard-types.test.ts fails when the two drift apart.
 */
export interface ShareItem {
  /** Raw value ("" when unknown): what filters and links use. */
  name: string;
  label: string;
  seconds: number;
  percent: number;
}

export interface DashboardFilter {
  project?: string;
  language?: string;
  editor?: string;
  operatingSystem?: string;
  machine?: string;
  branch?: string;
  category?: string;
}

export interface RangeInfo {
  start: string;
  end: string;
  name: string | null;
  text: string;
  dayCount: number;
}

export interface DailySeries {
  bucket: "day" | "week" | "month";
  labels: string[];
  totals: number[];
  series: { name: string; label: string; seconds: number[] }[];
}

export interface DayTotal {
  day: string;
  seconds: number;
}

export interface StreakInfo {
  currentDays: number;
  longestDays: number;
  longestStart: string | null;
  longestEnd: string | null;
}

export interface DashboardStats {
  dailyAverageSeconds: number;
  activeDays: number;
  bestDay: DayTotal | null;
  streak: StreakInfo;
}

export interface TimelineEntry {
  project: string;
  label: string;
  start: number;
  end: number;
  languages: string[];
  branches: string[];
}

export interface Timeline {
  day: string;
  dayStart: number;
  dayEnd: number;
  entries: TimelineEntry[];
}

export interface HeatMap {
  start: string;
  end: string;
  days: DayTotal[];
}

export type ShareDimension = "project" | "language" | "editor" | "operatingSystem" | "machine" | "branch" | "category";

export interface DashboardView {
  timeZone: string;
  today: string;
  generatedAt: number;
  range: RangeInfo;
  filter: DashboardFilter;
  hasActivity: boolean;
  totalSeconds: number;
  todaySeconds: number;
  stats: DashboardStats;
  daily: DailySeries;
  shares: Record<ShareDimension, ShareItem[]>;
  hours: number[];
  heatMap: HeatMap;
  timeline: Timeline;
  options: Record<keyof DashboardFilter, ShareItem[]>;
}

export interface FileShare {
  entity: string;
  type: string;
  language: string | null;
  seconds: number;
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
  daily: DailySeries;
  shares: Pick<Record<ShareDimension, ShareItem[]>, "language" | "branch" | "editor" | "category" | "machine" | "operatingSystem">;
  files: FileShare[];
  fileCount: number;
  otherFilesSeconds: number;
}

/**
 * Leaderboard rules (issue 9), pure:
 * - Only coding time counts (D1 `daily_activity.coding_seconds`; a language board counts the
 *   language's time that day, capped at the day's coding time).
 * - Days are each user's own local days: the range ("last 7 days", "this week", ...) is
 *   resolved separately in every user's time zone, so a user in Tokyo and one in Los Angeles
 *   each count their own last seven days. Users are grouped by the days their zone resolves to
 *   (at most three groups at any instant: zones are at most 26 h apart).
 * - Plausibility cap: a day counts at most MAX_PLAUSIBLE_SECONDS_PER_DAY (18 h). A user with a
 *   day over the cap is listed with `flagged: true`, ranked by the capped sum, so a broken
 *   plugin or a forged log cannot rank above 18 h a day.
 * - Ranks are positions: more time first, ties by username (stable across pages). Users with
 *   no time in the range are not listed.
 */
import { resolveRange } from "../time/ranges.ts";
import { daysBetween } from "../time/zone.ts";
import type { LeaderboardRow, ZoneRange } from "./ports.ts";

export const LEADERBOARD_RANGES = ["last_7_days", "last_30_days", "this_week", "this_month"] as const;
export type LeaderboardRange = (typeof LEADERBOARD_RANGES)[number];
export const DEFAULT_LEADERBOARD_RANGE: LeaderboardRange = "last_7_days";

export const MAX_PLAUSIBLE_SECONDS_PER_DAY = 18 * 3600;
export const LEADERBOARD_PAGE_SIZE = 50;

/** The range of every zone, grouped by identical day spans. */
export function zoneRanges(timeZones: readonly string[], range: LeaderboardRange, nowSeconds: number): ZoneRange[] {
  const groups = new Map<string, ZoneRange>();
  for (const zone of timeZones) {
    const resolved = resolveRange(range, nowSeconds, zone) ?? resolveRange(range, nowSeconds, "UTC")!;
    const key = `${resolved.start}|${resolved.end}`;
    const group = groups.get(key);
    if (group) group.timeZones.push(zone);
    else groups.set(key, { timeZones: [zone], start: resolved.start, end: resolved.end });
  }
  return [...groups.values()];
}

export interface RankedEntry {
  rank: number;
  row: LeaderboardRow;
  totalSeconds: number;
  dailyAverageSeconds: number;
}

/** Ranks the rows (see the rules above); `ranges` give each zone's day count for averages. */
export function rankLeaderboard(rows: readonly LeaderboardRow[], ranges: readonly ZoneRange[]): RankedEntry[] {
  const daysOfZone = new Map<string, number>();
  for (const r of ranges) for (const z of r.timeZones) daysOfZone.set(z, daysBetween(r.start, r.end) + 1);
  return rows
    .filter((r) => r.cappedSeconds > 0)
    .sort((a, b) => b.cappedSeconds - a.cappedSeconds || (a.user.username < b.user.username ? -1 : a.user.username > b.user.username ? 1 : 0))
    .map((row, i) => {
      const days = daysOfZone.get(row.timeZone) ?? 1;
      return { rank: i + 1, row, totalSeconds: row.cappedSeconds, dailyAverageSeconds: row.cappedSeconds / days };
    });
}

export interface Page<T> {
  page: number;
  pages: number;
  total: number;
  items: T[];
}

/** Page `page` (1-based) of `items`; a page past the end is empty. */
export function pageOf<T>(items: readonly T[], page: number, size = LEADERBOARD_PAGE_SIZE): Page<T> {
  const pages = Math.max(1, Math.ceil(items.length / size));
  return { page, pages, total: items.length, items: items.slice((page - 1) * size, page * size) };
}

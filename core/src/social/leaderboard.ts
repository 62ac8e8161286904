/**
 * Leaderboard rules (issue 9), applied per user by boardStanding (board-standing.ts, issue 16):
 * - Only coding time counts (a language board counts the language's time that day, capped at
 *   the day's coding time).
 * - Days are each user's own local days: the range ("last 7 days", "this week", ...) is
 *   resolved separately in every user's time zone, so a user in Tokyo and one in Los Angeles
 *   each count their own last seven days.
 * - Plausibility cap: a day counts at most MAX_PLAUSIBLE_SECONDS_PER_DAY (18 h). A user with a
 *   day over the cap is listed with `flagged: true`, ranked by the capped sum, so a broken
 *   plugin or a forged log cannot rank above 18 h a day.
 * - Ranks are positions: more time first, ties by username (stable across pages). Users with
 *   no time in the range are not listed. Stores rank in their queries (SocialStore.leaderboardPage).
 */
import type { LeaderboardRow } from "./ports.ts";

export const LEADERBOARD_RANGES = ["last_7_days", "last_30_days", "this_week", "this_month"] as const;
export type LeaderboardRange = (typeof LEADERBOARD_RANGES)[number];
export const DEFAULT_LEADERBOARD_RANGE: LeaderboardRange = "last_7_days";

export const MAX_PLAUSIBLE_SECONDS_PER_DAY = 18 * 3600;
export const LEADERBOARD_PAGE_SIZE = 50;

export interface RankedEntry {
  rank: number;
  row: LeaderboardRow;
  totalSeconds: number;
  dailyAverageSeconds: number;
}

/** A listed row with its rank and figures (the daily average over the user's own days). */
export function rankedEntry(rank: number, row: LeaderboardRow): RankedEntry {
  return { rank, row, totalSeconds: row.cappedSeconds, dailyAverageSeconds: row.cappedSeconds / Math.max(1, row.days) };
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

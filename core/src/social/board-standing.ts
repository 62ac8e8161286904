/**
 * One user's board standing (issue 16), pure: what every leaderboard needs from that user, per
 * board language, computed by whoever owns the user's activity (Cloudflare: the user's Durable
 * Object; AWS: the board Lambda) and stored where boards read it, so a board read never sums
 * anyone's days. The rules are those of leaderboard.ts: coding time only; a language board
 * counts the language's time of a day, at most that day's coding time; a day counts at most
 * MAX_PLAUSIBLE_SECONDS_PER_DAY and a day over it flags the range; ranges are the user's own
 * local days, resolved at computation time. The standing goes stale when the user's local day
 * changes (a day leaves "last 7 days", a new week begins), so it says when to compute it again:
 * the next local midnight, for as long as any range still holds time.
 */
import type { DayActivity } from "../types.ts";
import { resolveRange } from "../time/ranges.ts";
import { addDays, dayOf, daysBetween, isValidTimeZone, startOfDay } from "../time/zone.ts";
import { LEADERBOARD_RANGES, MAX_PLAUSIBLE_SECONDS_PER_DAY, type LeaderboardRange } from "./leaderboard.ts";

export interface BoardStandingRow {
  /** The board language; null for the all-coding-time board. */
  language: string | null;
  /** Capped seconds per range. */
  seconds: Record<LeaderboardRange, number>;
  /** Whether some day of the range exceeded the cap. */
  flagged: Record<LeaderboardRange, boolean>;
  /** The days each range covers in the user's zone (the daily average's divisor). */
  days: Record<LeaderboardRange, number>;
}

export interface BoardStanding {
  /** Rows with time in at least one range: all coding time first, then languages by name. */
  rows: BoardStandingRow[];
  /** When to compute again (epoch seconds: the next local midnight), or null when no range holds time. */
  refreshAt: number | null;
}

/** The most local days any range covers (this month on its 31st): days older than this never count. */
export const BOARD_STANDING_DAYS = 31;

const perRange = <T>(f: (r: LeaderboardRange) => T) => Object.fromEntries(LEADERBOARD_RANGES.map((r) => [r, f(r)])) as Record<LeaderboardRange, T>;

/**
 * The standing of a user whose local days are `days` (at least the last BOARD_STANDING_DAYS;
 * others are ignored), in `timeZone` (an unknown zone counts as UTC, as boards always did), at
 * `nowSeconds`.
 */
export function boardStanding(days: readonly DayActivity[], timeZone: string, nowSeconds: number): BoardStanding {
  const zone = isValidTimeZone(timeZone) ? timeZone : "UTC";
  const spans = perRange((r) => resolveRange(r, nowSeconds, zone)!);
  const dayCounts = perRange((r) => daysBetween(spans[r].start, spans[r].end) + 1);
  const rows = new Map<string | null, BoardStandingRow>();
  const add = (language: string | null, seconds: number, inRanges: LeaderboardRange[]) => {
    if (seconds <= 0) return;
    let row = rows.get(language);
    if (!row) {
      row = { language, seconds: perRange(() => 0), flagged: perRange(() => false), days: dayCounts };
      rows.set(language, row);
    }
    for (const r of inRanges) {
      row.seconds[r] += Math.min(seconds, MAX_PLAUSIBLE_SECONDS_PER_DAY);
      if (seconds > MAX_PLAUSIBLE_SECONDS_PER_DAY) row.flagged[r] = true;
    }
  };
  for (const day of days) {
    const coding = day.totals.category?.["coding"] ?? 0;
    if (coding <= 0) continue;
    const inRanges = LEADERBOARD_RANGES.filter((r) => day.day >= spans[r].start && day.day <= spans[r].end);
    if (inRanges.length === 0) continue;
    add(null, coding, inRanges);
    for (const [language, seconds] of Object.entries(day.totals.language ?? {})) add(language, Math.min(seconds, coding), inRanges);
  }
  const out = [...rows.values()].sort((a, b) => (a.language === null ? -1 : b.language === null ? 1 : a.language < b.language ? -1 : a.language > b.language ? 1 : 0));
  // Every row has time in some range; each range's days move at the next local midnight.
  const refreshAt = out.length > 0 ? startOfDay(addDays(dayOf(nowSeconds, zone), 1), zone) : null;
  return { rows: out, refreshAt };
}

/** The first local day a standing at `nowSeconds` reads: pass days from here to today. */
export function boardStandingFirstDay(timeZone: string, nowSeconds: number): string {
  const zone = isValidTimeZone(timeZone) ? timeZone : "UTC";
  return addDays(dayOf(nowSeconds, zone), -(BOARD_STANDING_DAYS - 1));
}

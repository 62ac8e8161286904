/**
 * Builds a leaderboard from the social port (rules: core/src/social/leaderboard.ts). The
 * global ranking of a (range, language) is cached in the isolate for 5 minutes: a board is the
 * same for every viewer, and one ranking serves every page and every caller's own rank. The
 * cache key carries the board version (SocialStore.leaderboardVersion), read on every request,
 * so a member leaving or hiding (in any isolate) is off the board at the very next request;
 * only new activity waits for the TTL. The cache fan-out (http/user-caches.ts) also clears it.
 */
import type { Ports } from "../../ports.ts";
import type { SocialStore, ZoneRange } from "../../social/ports.ts";
import { MAX_PLAUSIBLE_SECONDS_PER_DAY, rankLeaderboard, zoneRanges, type LeaderboardRange, type RankedEntry } from "../../social/leaderboard.ts";
import { ApiError } from "../errors.ts";

export const LEADERBOARD_CACHE_SECONDS = 300;
/** At most this many cached rankings (range x language) per isolate. */
const MAX_CACHED = 200;

export interface Ranking {
  entries: RankedEntry[];
  ranges: ZoneRange[];
}

const cache = new Map<string, { expiresAt: number; ranking: Promise<Ranking> }>();

/** Forgets this isolate's cached rankings (stale ones are unreachable anyway: see above). */
export function clearLeaderboardCache(): void {
  cache.clear();
}

export function socialOf(ports: Ports): SocialStore {
  if (!ports.social) throw new ApiError(501, "Social features are not available on this platform");
  return ports.social;
}

/** The ranking of `userIds` (a friends board), or of every opted-in user (global, cached). */
export async function ranking(ports: Ports, range: LeaderboardRange, language: string | null, userIds?: string[]): Promise<Ranking> {
  const social = socialOf(ports);
  const now = ports.now();
  const compute = async (): Promise<Ranking> => {
    const zones = await social.leaderboardTimeZones(userIds);
    const ranges = zoneRanges(zones, range, now);
    if (ranges.length === 0) return { entries: [], ranges };
    const rows = await social.leaderboardRows({ ranges, userIds, language, capSecondsPerDay: MAX_PLAUSIBLE_SECONDS_PER_DAY });
    return { entries: rankLeaderboard(rows, ranges), ranges };
  };
  if (userIds) return compute();
  const key = `${range}|${language ?? ""}|${await social.leaderboardVersion()}`;
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.ranking;
  // The promise is cached so concurrent requests share one computation; a failure is not kept.
  const pending = compute();
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, { expiresAt: now + LEADERBOARD_CACHE_SECONDS, ranking: pending });
  pending.catch(() => cache.delete(key));
  return pending;
}

/** Each listed user's languages (largest first), for users who share languages. */
export async function languagesFor(ports: Ports, entries: RankedEntry[], ranges: ZoneRange[]): Promise<Map<string, { name: string; totalSeconds: number }[]>> {
  const ids = entries.filter((e) => e.row.sharesLanguages).map((e) => e.row.user.id);
  const raw = await socialOf(ports).languagesOf(ids, ranges);
  const out = new Map<string, { name: string; totalSeconds: number }[]>();
  for (const [id, byName] of raw) {
    out.set(
      id,
      Object.entries(byName)
        .map(([name, totalSeconds]) => ({ name, totalSeconds }))
        .sort((a, b) => b.totalSeconds - a.totalSeconds || (a.name < b.name ? -1 : 1)),
    );
  }
  return out;
}

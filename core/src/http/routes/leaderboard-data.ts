/**
 * Reads boards from the social port a page at a time (rules: core/src/social/leaderboard.ts;
 * stores keep each user's precomputed standing, core/src/social/board-standing.ts). The global
 * board's pages (with their total and listed users' languages) and callers' own entries are
 * cached in the isolate for 5 minutes: a page is the same for every viewer. The cache key
 * carries the board version (SocialStore.leaderboardVersion), read on every request, so a
 * member leaving or hiding (in any isolate) is off the board at the very next request; only new
 * activity waits for the TTL. The cache fan-out (http/user-caches.ts) also clears it. Friends
 * boards (a list of ids) are read fresh: they are small and private to the caller.
 */
import type { Ports } from "../../ports.ts";
import type { BoardQuery, SocialStore } from "../../social/ports.ts";
import { LEADERBOARD_PAGE_SIZE, rankedEntry, type Page, type RankedEntry } from "../../social/leaderboard.ts";
import { ApiError } from "../errors.ts";

export const LEADERBOARD_CACHE_SECONDS = 300;
/** At most this many cached pages and own entries per isolate (a few MB at most). */
const MAX_CACHED = 5000;

export type BoardLanguage = { name: string; totalSeconds: number };

/** One page of a board: its entries, and the languages of listed users who share them. */
export interface BoardPage extends Page<RankedEntry> {
  languages: Map<string, BoardLanguage[]>;
}

const cache = new Map<string, { expiresAt: number; value: Promise<unknown> }>();

/** Forgets this isolate's cached pages (stale ones are unreachable anyway: see above). */
export function clearLeaderboardCache(): void {
  cache.clear();
}

export function socialOf(ports: Ports): SocialStore {
  if (!ports.social) throw new ApiError(501, "Social features are not available on this platform");
  return ports.social;
}

/** `compute()` for a friends board; for the global board, cached under `key` and the board version. */
async function cached<T>(ports: Ports, q: BoardQuery, key: string, compute: () => Promise<T>): Promise<T> {
  if (q.userIds) return compute();
  const now = ports.now();
  const full = `${key}|${q.range}|${q.language ?? ""}|${await socialOf(ports).leaderboardVersion()}`;
  const hit = cache.get(full);
  if (hit && hit.expiresAt > now) return hit.value as Promise<T>;
  // The promise is cached so concurrent requests share one read; a failure is not kept.
  const pending = compute();
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(full, { expiresAt: now + LEADERBOARD_CACHE_SECONDS, value: pending });
  pending.catch(() => cache.delete(full));
  return pending;
}

/** Page `page` (1-based, 50 a page) of a board; a page past the end is empty. */
export function boardPage(ports: Ports, q: BoardQuery, page: number): Promise<BoardPage> {
  return cached(ports, q, `page:${page}`, async () => {
    const social = socialOf(ports);
    const offset = (page - 1) * LEADERBOARD_PAGE_SIZE;
    const { total, rows } = await social.leaderboardPage({ ...q, offset, limit: LEADERBOARD_PAGE_SIZE });
    const items = rows.map((row, i) => rankedEntry(offset + i + 1, row));
    const sharing = items.filter((e) => e.row.sharesLanguages).map((e) => e.row.user.id);
    const languages = new Map<string, BoardLanguage[]>();
    if (sharing.length > 0) {
      for (const [id, byName] of await social.boardLanguages(sharing, q.range)) {
        const list = Object.entries(byName).map(([name, totalSeconds]) => ({ name, totalSeconds }));
        languages.set(id, list.sort((a, b) => b.totalSeconds - a.totalSeconds || (a.name < b.name ? -1 : 1)));
      }
    }
    return { page, pages: Math.max(1, Math.ceil(total / LEADERBOARD_PAGE_SIZE)), total, items, languages };
  });
}

/** The user's entry on a board (rank and figures), or null when they are not listed. */
export function boardEntry(ports: Ports, q: BoardQuery, userId: string): Promise<RankedEntry | null> {
  return cached(ports, q, `entry:${userId}`, async () => {
    const found = await socialOf(ports).leaderboardEntry(q, userId);
    return found ? rankedEntry(found.rank, found.row) : null;
  });
}

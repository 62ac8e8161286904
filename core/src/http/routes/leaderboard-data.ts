/**
 * Reads boards from the social port a page at a time (rules: core/src/social/leaderboard.ts;
 * stores keep each user's precomputed standing, core/src/social/board-standing.ts). Pages (with
 * their total and listed users' languages) and callers' own entries are cached in the isolate
 * for 5 minutes (LEADERBOARD_CACHE_SECONDS) under a version read on every request, one key read:
 * - the global board's pages are the same for every viewer, keyed by the board version
 *   (SocialStore.leaderboardVersion): a member leaving or hiding (in any isolate) is off the
 *   board at the very next request;
 * - a friends board (the viewer and their accepted friends, private to the viewer) is cached per
 *   viewer under their friends board version (SocialStore.friendsBoardVersion): a friendship made
 *   or ended, a member hiding or changing any sharing setting, renamed or deleted shows at the
 *   very next request; only on a miss is the friend list read. Without that version it is read
 *   fresh.
 * On both, membership and privacy are immediate and only new figures wait for the TTL (a user's
 * own standing already lags by up to the flush bound). The cache fan-out (http/user-caches.ts)
 * also clears this isolate's copies. Team boards (routes/teams-dashboard.ts) use the same cache,
 * keyed by their members and chosen projects.
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

/** `compute()` cached in the isolate under `key` for LEADERBOARD_CACHE_SECONDS (concurrent callers share one). */
export async function cachedBoard<T>(ports: Ports, key: string, compute: () => Promise<T>): Promise<T> {
  const now = ports.now();
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.value as Promise<T>;
  // The promise is cached so concurrent requests share one read; a failure is not kept.
  const pending = compute();
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, { expiresAt: now + LEADERBOARD_CACHE_SECONDS, value: pending });
  pending.catch(() => cache.delete(key));
  return pending;
}

/** Languages of the listed users who share them, largest first. */
async function languagesOf(social: SocialStore, items: RankedEntry[], range: BoardQuery["range"]): Promise<Map<string, BoardLanguage[]>> {
  const sharing = items.filter((e) => e.row.sharesLanguages).map((e) => e.row.user.id);
  const languages = new Map<string, BoardLanguage[]>();
  if (sharing.length === 0) return languages;
  for (const [id, byName] of await social.boardLanguages(sharing, range)) {
    const list = Object.entries(byName).map(([name, totalSeconds]) => ({ name, totalSeconds }));
    languages.set(id, list.sort((a, b) => b.totalSeconds - a.totalSeconds || (a.name < b.name ? -1 : 1)));
  }
  return languages;
}

const pages = (total: number) => Math.max(1, Math.ceil(total / LEADERBOARD_PAGE_SIZE));

/**
 * Page `page` (1-based, 50 a page) of the global board (everyone who opted in; a language board:
 * who also shares languages), and `viewerId`'s entry on it (null when they are not listed, or no
 * viewer), from the isolate's cache keyed by the board version.
 */
export async function boardView(ports: Ports, q: Omit<BoardQuery, "userIds">, page: number, viewerId: string | null): Promise<{ page: BoardPage; me: RankedEntry | null }> {
  const social = socialOf(ports);
  const version = `${q.range}|${q.language ?? ""}|${await social.leaderboardVersion()}`;
  const [view, me] = await Promise.all([
    cachedBoard(ports, `page:${page}|${version}`, async (): Promise<BoardPage> => {
      const offset = (page - 1) * LEADERBOARD_PAGE_SIZE;
      const { total, rows } = await social.leaderboardPage({ ...q, offset, limit: LEADERBOARD_PAGE_SIZE });
      const items = rows.map((row, i) => rankedEntry(offset + i + 1, row));
      return { page, pages: pages(total), total, items, languages: await languagesOf(social, items, q.range) };
    }),
    viewerId === null
      ? null
      : cachedBoard(ports, `entry:${viewerId}|${version}`, async () => {
          const found = await social.leaderboardEntry(q, viewerId);
          return found ? rankedEntry(found.rank, found.row) : null;
        }),
  ]);
  return { page: view, me };
}

/**
 * Page `page` of the viewer's friends board (the viewer and their accepted friends: a few hundred
 * at most, read whole from the store once for the page and the viewer's entry), cached for the
 * viewer under their friends board version when the store keeps one.
 */
export async function friendsBoardView(ports: Ports, q: Omit<BoardQuery, "userIds">, page: number, viewerId: string): Promise<{ page: BoardPage; me: RankedEntry | null }> {
  const social = socialOf(ports);
  const read = async () => {
    const lists = await social.friendLists(viewerId);
    const userIds = [viewerId, ...lists.friends.map((f) => f.user.id)];
    const { rows } = await social.leaderboardPage({ ...q, userIds, offset: 0, limit: userIds.length });
    const all = rows.map((row, i) => rankedEntry(i + 1, row));
    const items = all.slice((page - 1) * LEADERBOARD_PAGE_SIZE, page * LEADERBOARD_PAGE_SIZE);
    const me = all.find((e) => e.row.user.id === viewerId) ?? null;
    return { page: { page, pages: pages(all.length), total: all.length, items, languages: await languagesOf(social, items, q.range) }, me };
  };
  if (!social.friendsBoardVersion) return read();
  const version = await social.friendsBoardVersion(viewerId);
  return cachedBoard(ports, `friends:${viewerId}|${q.range}|${q.language ?? ""}|${page}|${version}`, read);
}

/**
 * The one fan-out that makes a change to what is public about a user visible at once: every
 * route that changes it (sharing, profile or settings, account deletion, an import restoring
 * sharing or settings) calls `purgeUserCaches` after the change is stored. It knows every cache
 * that can hold the user's data:
 *
 * - Public reads (badges of every kind, range, filter, label, colour and style; public stats;
 *   public profile data; the activity map; the site's /@user page, which renders public stats):
 *   their cache keys carry the user's id and cache generation (routes/badge-cache.ts), so a
 *   bump makes every old entry unreachable. Entries are not enumerated: label and colour are
 *   free text, and the Workers Cache API is per data centre, so a delete could only reach this
 *   one; a new generation, read from D1 with the user on every public read, reaches them all.
 *   A deleted user has no generation left: their reads find no user and answer "private"/404.
 * - Leaderboards: the global and per-language rankings are cached per isolate under the board
 *   version (SocialStore.leaderboardVersion: its members and their generations), so they change
 *   with the bump or with a member leaving; this isolate's copies are dropped now as well.
 *   Friends boards are cached per viewer under their friends board version
 *   (SocialStore.friendsBoardVersion), which a sharing change or bump of any member moves too.
 * - The API-key cache of the auth path (it carries the user's profile and settings).
 */
import type { Ports } from "../ports.ts";
import { clearLeaderboardCache } from "./routes/leaderboard-data.ts";

export async function purgeUserCaches(ports: Ports, userId: string): Promise<void> {
  await ports.publicDirectory?.bumpCacheVersion(userId);
  clearLeaderboardCache();
  ports.accounts.forgetUser?.(userId);
}

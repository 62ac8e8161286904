/**
 * Leaderboards on DynamoDB (issue 14). Design (sam/README.md, "Leaderboards"):
 *
 * - The `BOARD` partition lists the users who opted in (`M#<userId>`: name and zone, kept in
 *   step by sharing changes and the cache fan-out) and a version counter (`VERSION`) raised
 *   whenever a member joins, leaves or changes (SocialStore.leaderboardVersion).
 * - The global board of a set of zone ranges is built once from the members' derived days
 *   (ActivityStore.days: one Query of each member's day items, stale days merged as on any
 *   read) into per-member sums: capped coding time and, per language, capped time and raw
 *   time. The sums are stored gzip'd in one `CACHE#<digest of ranges and cap>` item with the
 *   version and build time, and answer every board of those ranges (all languages, every
 *   page, every caller's own rank, `languagesOf`) until the version changes or
 *   BOARD_TTL_SECONDS pass. A request thus reads two items, not every user's days; only the
 *   first request after expiry rebuilds.
 * - Friends boards (a few users) are summed per request from those users' days, as on D1.
 *
 * Privacy as on D1: a language board lists only users who share languages, and languagesOf
 * answers only for them.
 */
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ActivityStore, SharingSettings, User } from "@kodo/core";
import type { LeaderboardRow, SocialStore, ZoneRange } from "@kodo/core/social";
import { queryAll, type Doc } from "./client.ts";
import { mapLimit } from "./pool.ts";
import { getItem, profilesOf, socialKeys, type SocialTables } from "./social-table.ts";

type BoardReads = Pick<SocialStore, "leaderboardVersion" | "leaderboardTimeZones" | "leaderboardRows" | "languagesOf">;

/** A cached board is rebuilt after this long even if no member changed (new activity shows). */
export const BOARD_TTL_SECONDS = 300;
/** Members' days read at once while building a board. */
const BUILD_CONCURRENCY = 16;
/** A board item bigger than this is not stored (it is rebuilt per request instead). */
const MAX_BOARD_ITEM_BYTES = 350 * 1024;

interface MemberItem {
  userId: string;
  username: string;
  displayName: string | null;
  timeZone: string;
  languages: boolean;
}

/** One user's sums over their zone's range. */
export interface MemberSums {
  id: string;
  username: string;
  displayName: string | null;
  tz: string;
  shares: boolean;
  /** [capped seconds, 1 if some day exceeded the cap]. */
  coding: [number, number];
  /** language -> [capped seconds (at most the day's coding time), flagged, raw seconds]. */
  langs: Record<string, [number, number, number]>;
}

interface BoardCacheItem {
  version: string;
  builtAt: number;
  data: Uint8Array;
  expiresAt: number;
}

export interface BoardOptions extends SocialTables {
  activity: ActivityStore;
  /** Epoch seconds (tests pass a clock). */
  now?: () => number;
}

/** Raises the board version (a member joined, left or changed). */
export async function bumpBoardVersion(doc: Doc, table: string): Promise<void> {
  await doc.send(new UpdateCommand({ TableName: table, Key: socialKeys.boardVersion, UpdateExpression: "ADD v :one", ExpressionAttributeValues: { ":one": 1 } }));
}

/**
 * Puts the user on the board (with their current name and zone) or takes them off, after a
 * sharing or profile change; `touched`: they were or are a member, so the version moves.
 */
export async function syncBoardMember(doc: Doc, tables: SocialTables, userId: string, sharing: SharingSettings, touched: boolean): Promise<void> {
  const profile = sharing.leaderboards ? (await profilesOf(doc, tables.accountsTable, [userId])).get(userId) : undefined;
  if (profile) {
    const member: MemberItem = { userId, username: profile.username, displayName: profile.displayName, timeZone: profile.timeZone, languages: sharing.languages };
    await doc.send(new PutCommand({ TableName: tables.socialTable, Item: { ...socialKeys.boardMember(userId), ...member } }));
  } else {
    await doc.send(new DeleteCommand({ TableName: tables.socialTable, Key: socialKeys.boardMember(userId) }));
  }
  if (touched) await bumpBoardVersion(doc, tables.socialTable);
}

export function dynamoBoard(doc: Doc, options: BoardOptions): BoardReads {
  const table = options.socialTable;
  const now = options.now ?? (() => Date.now() / 1000);
  /** This container's last board per cache key (saves the GetItem and the gunzip). */
  const memo = new Map<string, MemoEntry>();

  async function version(): Promise<string> {
    const item = await getItem<{ v?: number }>(doc, table, socialKeys.boardVersion);
    return String(item?.v ?? 0);
  }

  async function members(): Promise<MemberItem[]> {
    return queryAll<MemberItem>(doc, {
      TableName: table,
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
      ExpressionAttributeValues: { ":pk": socialKeys.boardPartition, ":p": "M#" },
      ConsistentRead: true,
    });
  }

  async function sharesLanguages(userIds: string[]): Promise<Map<string, boolean>> {
    const out = new Map<string, boolean>();
    await mapLimit(userIds, BUILD_CONCURRENCY, async (id) => {
      const s = await getItem<{ languages?: boolean }>(doc, table, socialKeys.sharing(id));
      out.set(id, s?.languages !== false);
    });
    return out;
  }

  /** Sums of each user over their zone's range; users without a day in it are left out. */
  async function sumsOf(users: User[], shares: Map<string, boolean>, ranges: ZoneRange[], cap: number): Promise<MemberSums[]> {
    const rangeOf = new Map<string, ZoneRange>();
    for (const r of ranges) for (const z of r.timeZones) rangeOf.set(z, r);
    const sums = await mapLimit(users, BUILD_CONCURRENCY, async (user): Promise<MemberSums | null> => {
      const range = rangeOf.get(user.timeZone);
      if (!range) return null;
      const days = await options.activity.days(user, range.start, range.end, { branches: false });
      if (days.length === 0) return null;
      const s: MemberSums = { id: user.id, username: user.username, displayName: user.displayName, tz: user.timeZone, shares: shares.get(user.id) ?? true, coding: [0, 0], langs: {} };
      for (const day of days) {
        const coding = day.totals.category["coding"] ?? 0;
        s.coding[0] += Math.min(coding, cap);
        if (coding > cap) s.coding[1] = 1;
        for (const [name, seconds] of Object.entries(day.totals.language)) {
          const l = (s.langs[name] ??= [0, 0, 0]);
          const x = Math.min(seconds, coding);
          l[0] += Math.min(x, cap);
          if (x > cap) l[1] = 1;
          l[2] += seconds;
        }
      }
      return s;
    });
    return sums.filter((s): s is MemberSums => s !== null);
  }

  const cacheKey = (ranges: ZoneRange[], cap: number) => createHash("sha256").update(JSON.stringify({ ranges, cap })).digest("hex").slice(0, 32);

  /** The global board's sums for these ranges: cached (memory, then the board item) or built. */
  async function globalSums(ranges: ZoneRange[], cap: number): Promise<MemberSums[]> {
    const key = cacheKey(ranges, cap);
    const [current, memoised] = [await version(), memo.get(key)];
    const fresh = (v: string, builtAt: number) => v === current && builtAt > now() - BOARD_TTL_SECONDS;
    if (memoised && fresh(memoised.version, memoised.builtAt)) return memoised.sums;
    const stored = await getItem<BoardCacheItem>(doc, table, socialKeys.boardCache(key));
    if (stored && fresh(stored.version, stored.builtAt)) {
      const sums = JSON.parse(gunzipSync(stored.data).toString("utf8")) as MemberSums[];
      remember(key, { version: stored.version, builtAt: stored.builtAt, rangesKey: JSON.stringify(ranges), sums });
      return sums;
    }
    const listed = await members();
    const profiles = await profilesOf(doc, options.accountsTable, listed.map((m) => m.userId));
    const shares = new Map(listed.map((m) => [m.userId, m.languages !== false]));
    const builtAt = now();
    const sums = await sumsOf([...profiles.values()], shares, ranges, cap);
    const data = gzipSync(JSON.stringify(sums));
    if (data.byteLength <= MAX_BOARD_ITEM_BYTES) {
      const item: BoardCacheItem = { version: current, builtAt, data, expiresAt: Math.ceil(builtAt + 2 * BOARD_TTL_SECONDS) };
      await doc.send(new PutCommand({ TableName: table, Item: { ...socialKeys.boardCache(key), ...item } }));
    }
    remember(key, { version: current, builtAt, rangesKey: JSON.stringify(ranges), sums });
    return sums;
  }

  function remember(key: string, entry: MemoEntry) {
    if (memo.size >= 50) memo.clear();
    memo.set(key, entry);
  }

  function rowOf(s: MemberSums, language: string | null): LeaderboardRow {
    const [capped, flagged] = language === null ? s.coding : (s.langs[language] ?? [0, 0, 0]);
    return { user: { id: s.id, username: s.username, displayName: s.displayName }, cappedSeconds: capped, flagged: flagged === 1, sharesLanguages: s.shares, timeZone: s.tz };
  }

  return {
    leaderboardVersion: version,

    async leaderboardTimeZones(userIds) {
      if (userIds) return [...new Set([...(await profilesOf(doc, options.accountsTable, userIds)).values()].map((u) => u.timeZone))];
      return [...new Set((await members()).map((m) => m.timeZone ?? "UTC"))];
    },

    async leaderboardRows(query) {
      let sums: MemberSums[];
      if (query.userIds) {
        const profiles = await profilesOf(doc, options.accountsTable, query.userIds);
        const shares = await sharesLanguages([...profiles.keys()]);
        sums = await sumsOf([...profiles.values()], shares, query.ranges, query.capSecondsPerDay);
      } else {
        sums = await globalSums(query.ranges, query.capSecondsPerDay);
      }
      // A board filtered by language lists only users who share languages.
      if (query.language !== null) sums = sums.filter((s) => s.shares);
      return sums.map((s) => rowOf(s, query.language));
    },

    async languagesOf(userIds, ranges) {
      const out = new Map<string, Record<string, number>>();
      if (userIds.length === 0) return out;
      const known = new Map<string, MemberSums>();
      // Sums of a global board over exactly these ranges (any cap: raw language time does not depend on it).
      const rangesKey = JSON.stringify(ranges);
      const current = await version();
      for (const entry of memo.values()) {
        if (entry.rangesKey === rangesKey && entry.version === current) for (const s of entry.sums) known.set(s.id, s);
      }
      const missing = userIds.filter((id) => !known.has(id));
      if (missing.length > 0) {
        const profiles = await profilesOf(doc, options.accountsTable, missing);
        const shares = await sharesLanguages([...profiles.keys()]);
        for (const s of await sumsOf([...profiles.values()], shares, ranges, Number.MAX_SAFE_INTEGER)) known.set(s.id, s);
      }
      for (const id of userIds) {
        const s = known.get(id);
        if (!s || !s.shares) continue;
        const langs = Object.entries(s.langs);
        if (langs.length > 0) out.set(id, Object.fromEntries(langs.map(([name, l]) => [name, l[2]])));
      }
      return out;
    },
  };
}

interface MemoEntry {
  version: string;
  builtAt: number;
  rangesKey: string;
  sums: MemberSums[];
}

/**
 * Leaderboards on DynamoDB (issue 14). Design (sam/README.md, "Leaderboards"):
 *
 * - The `BOARD` partition lists the users who opted in (`M#<userId>`: name and zone, kept in
 *   step by sharing changes and the cache fan-out) and a version counter (`VERSION`) raised
 *   whenever a member joins, leaves or changes (SocialStore.leaderboardVersion).
 * - Derived days write compact rows `BD#<day>` / `<userId>` (coding seconds, seconds per
 *   language: board-days.ts); an ingest marks its user dirty (`DIRTY#<userId>`).
 * - The global board of a set of zone ranges is built from those rows: the dirty members' days
 *   are derived first (ActivityStore reads: stale days merged, rows written), then one Query per
 *   day of the ranges reads every active user's row of that day; rows of non-members and days
 *   outside a member's own zone range are skipped. The result, per-member sums (capped coding
 *   time and, per language, capped and raw time), is stored gzip'd in one
 *   `CACHE#<digest of ranges and cap>` item with the version and build time, and answers every
 *   board of those ranges (all languages, every page, every caller's own rank, `languagesOf`)
 *   until the version changes or BOARD_TTL_SECONDS pass. A request thus reads two items (the
 *   version and the board; a container also keeps its last copy), never every user's days;
 *   only the first request after expiry rebuilds.
 * - Friends boards (a few users) are summed per request from those users' days, as on D1.
 *
 * Privacy as on D1: a language board lists only users who share languages, and
 * boardLanguages answers only for them.
 *
 * Issue 16: pages and ranks (leaderboardPage, leaderboardEntry) are read from the stored
 * standings (standings.ts, standing-reads.ts); boardLanguages still uses the build above,
 * which also serves as the standings' test oracle (wholeBoard) until it is dropped.
 */
import { createHash } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { addDays, dayOf, daysBetween, resolveRange, type SharingSettings, type User } from "@kodo/core";
import { MAX_PLAUSIBLE_SECONDS_PER_DAY, type BoardQuery, type LeaderboardRange, type LeaderboardRow, type SocialStore } from "@kodo/core/social";
import { queryAll, type Doc } from "./client.ts";
import { mapLimit } from "./pool.ts";
import type { DynamoActivityStore } from "./activity.ts";
import { boardKeys, clearBoardDirty, markBoardDirty, type BoardDayItem } from "./board-days.ts";
import { drainStandings, syncStandingSharing } from "./standings.ts";
import { standingReads } from "./standing-reads.ts";
import { getItem, profilesOf, socialKeys, type SocialTables } from "./social-table.ts";

type BoardReads = Pick<SocialStore, "leaderboardVersion" | "leaderboardPage" | "leaderboardEntry" | "boardLanguages">;

/** The local days users of `timeZones` count for a range (each user's own days). */
interface ZoneRange {
  timeZones: string[];
  start: string;
  end: string;
}

/** The range of every zone, grouped by identical day spans (an unknown zone counts as UTC). */
function zoneRanges(timeZones: readonly string[], range: LeaderboardRange, nowSeconds: number): ZoneRange[] {
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

/** Days back from today (in each member's zone) a dirty member's days are derived: the longest board range. */
const BOARD_DAYS_BACK = 31;

export interface BoardOptions extends SocialTables {
  activity: DynamoActivityStore;
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
  const user = (await profilesOf(doc, tables.accountsTable, [userId])).get(userId) ?? null;
  // The stored standings take the change before this returns (privacy holds in the GSIs at once).
  await syncStandingSharing(doc, tables.socialTable, userId, sharing, user);
  const profile = sharing.leaderboards ? user : undefined;
  if (profile) {
    const member: MemberItem = { userId, username: profile.username, displayName: profile.displayName, timeZone: profile.timeZone, languages: sharing.languages };
    await doc.send(new PutCommand({ TableName: tables.socialTable, Item: { ...socialKeys.boardMember(userId), ...member } }));
    // Their board days may predate joining (or be missing): the next build derives them.
    await markBoardDirty(doc, tables.socialTable, userId);
  } else {
    await doc.send(new DeleteCommand({ TableName: tables.socialTable, Key: socialKeys.boardMember(userId) }));
  }
  if (touched) await bumpBoardVersion(doc, tables.socialTable);
}

export function dynamoBoard(doc: Doc, options: BoardOptions): BoardReads & { wholeBoard(q: BoardQuery): Promise<LeaderboardRow[]> } {
  const table = options.socialTable;
  const now = options.now ?? (() => Date.now() / 1000);
  const standings = standingReads(doc, table);
  const standingDeps = { doc, accountsTable: options.accountsTable, socialTable: table, activity: options.activity, now };
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
      for (const day of days) addDay(s, day.totals.category["coding"] ?? 0, day.totals.language, cap);
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
    const builtAt = now();
    const sums = await buildFromBoardDays(ranges, cap);
    const data = gzipSync(JSON.stringify(sums));
    if (data.byteLength <= MAX_BOARD_ITEM_BYTES) {
      const item: BoardCacheItem = { version: current, builtAt, data, expiresAt: Math.ceil(builtAt + 2 * BOARD_TTL_SECONDS) };
      await doc.send(new PutCommand({ TableName: table, Item: { ...socialKeys.boardCache(key), ...item } }));
    }
    remember(key, { version: current, builtAt, rangesKey: JSON.stringify(ranges), sums });
    return sums;
  }

  /**
   * Members' sums from the compact board days: first the dirty members' days are derived (their
   * rows written), then one Query per day of the ranges reads every active user's row of that day.
   */
  async function buildFromBoardDays(ranges: ZoneRange[], cap: number): Promise<MemberSums[]> {
    const [listed, dirty] = await Promise.all([
      members(),
      queryAll<{ userId: string; at: number }>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues: { ":pk": socialKeys.boardPartition, ":p": "DIRTY#" },
        ConsistentRead: true,
      }),
    ]);
    const byId = new Map(listed.map((m) => [m.userId, m]));
    const dirtyMembers = dirty.filter((d) => byId.has(d.userId));
    const profiles = await profilesOf(doc, options.accountsTable, dirtyMembers.map((d) => d.userId));
    await mapLimit(dirty, BUILD_CONCURRENCY, async (d) => {
      const user = profiles.get(d.userId);
      // Non-members' marks go (joining a board marks them again); members' days are derived first.
      if (user) {
        const today = dayOf(now(), user.timeZone);
        await options.activity.refreshBoardDays(user, addDays(today, -BOARD_DAYS_BACK), today);
      }
      await clearBoardDirty(doc, table, d.userId, d.at);
    });

    const rangeOf = new Map<string, ZoneRange>();
    for (const r of ranges) for (const z of r.timeZones) rangeOf.set(z, r);
    const first = ranges.reduce((m, r) => (r.start < m ? r.start : m), ranges[0]!.start);
    const last = ranges.reduce((m, r) => (r.end > m ? r.end : m), ranges[0]!.end);
    const days: string[] = [];
    for (let d = first; d <= last; d = addDays(d, 1)) days.push(d);
    const out = new Map<string, MemberSums>();
    await mapLimit(days, 8, async (day) => {
      const rows = await queryAll<BoardDayItem>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": boardKeys.dayPartition(day) },
      });
      for (const row of rows) {
        const m = byId.get(row.sk);
        const range = m && rangeOf.get(m.timeZone ?? "UTC");
        if (!m || !range || day < range.start || day > range.end) continue;
        let s = out.get(m.userId);
        if (!s) {
          s = { id: m.userId, username: m.username, displayName: m.displayName ?? null, tz: m.timeZone ?? "UTC", shares: m.languages !== false, coding: [0, 0], langs: {} };
          out.set(m.userId, s);
        }
        addDay(s, row.c, row.l ?? {}, cap);
      }
    });
    return [...out.values()];
  }

  function remember(key: string, entry: MemoEntry) {
    if (memo.size >= 50) memo.clear();
    memo.set(key, entry);
  }

  function rowOf(s: MemberSums, language: string | null, days: Map<string, number>): LeaderboardRow {
    const [capped, flagged] = language === null ? s.coding : (s.langs[language] ?? [0, 0, 0]);
    return { user: { id: s.id, username: s.username, displayName: s.displayName }, cappedSeconds: capped, flagged: flagged === 1, sharesLanguages: s.shares, days: days.get(s.tz) ?? 1 };
  }

  async function zonesOf(userIds?: string[]): Promise<string[]> {
    if (userIds) return [...new Set([...(await profilesOf(doc, options.accountsTable, userIds)).values()].map((u) => u.timeZone))];
    return [...new Set((await members()).map((m) => m.timeZone ?? "UTC"))];
  }

  /** The whole board, ranked: capped seconds descending, then username; users without time left out. */
  async function ranked(q: BoardQuery): Promise<LeaderboardRow[]> {
    const ranges = zoneRanges(await zonesOf(q.userIds), q.range, now());
    if (ranges.length === 0) return [];
    const days = new Map<string, number>();
    for (const r of ranges) for (const z of r.timeZones) days.set(z, daysBetween(r.start, r.end) + 1);
    let sums: MemberSums[];
    if (q.userIds) {
      const profiles = await profilesOf(doc, options.accountsTable, q.userIds);
      const shares = await sharesLanguages([...profiles.keys()]);
      sums = await sumsOf([...profiles.values()], shares, ranges, MAX_PLAUSIBLE_SECONDS_PER_DAY);
    } else {
      sums = await globalSums(ranges, MAX_PLAUSIBLE_SECONDS_PER_DAY);
    }
    // A board filtered by language lists only users who share languages.
    if (q.language !== null) sums = sums.filter((s) => s.shares);
    return sums
      .map((s) => rowOf(s, q.language, days))
      .filter((r) => r.cappedSeconds > 0)
      .sort((a, b) => b.cappedSeconds - a.cappedSeconds || (a.user.username < b.user.username ? -1 : a.user.username > b.user.username ? 1 : 0));
  }

  return {
    leaderboardVersion: version,

    /**
     * The issue-14 whole-board build, ranked (pages and ranks no longer read it): the oracle
     * test/standing-reads.test.ts holds the standings' boards to, until the BD# build goes.
     */
    wholeBoard: ranked,

    // Issue 16: pages and ranks from the stored standings (standing-reads.ts). Marks ingest left
    // since the scheduled drainer's last run are drained first, so new time shows at once.
    async leaderboardPage(q) {
      await drainStandings(standingDeps, { dirtyOnly: true });
      return standings.page(q);
    },

    async leaderboardEntry(q, userId) {
      await drainStandings(standingDeps, { dirtyOnly: true });
      return standings.entry(q, userId);
    },

    async boardLanguages(userIds, range) {
      const out = new Map<string, Record<string, number>>();
      if (userIds.length === 0) return out;
      // The global board's zones first (its cached sums then serve a page of it), then any other of these users'.
      const ranges = zoneRanges([...new Set([...(await zonesOf()), ...(await zonesOf(userIds))])], range, now());
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

/** Adds one day to a user's sums: capped coding time, and per language capped (at most the day's coding time) and raw time. */
function addDay(s: MemberSums, coding: number, languages: Record<string, number>, cap: number): void {
  s.coding[0] += Math.min(coding, cap);
  if (coding > cap) s.coding[1] = 1;
  for (const [name, seconds] of Object.entries(languages)) {
    const l = (s.langs[name] ??= [0, 0, 0]);
    const x = Math.min(seconds, coding);
    l[0] += Math.min(x, cap);
    if (x > cap) l[1] = 1;
    l[2] += seconds;
  }
}

interface MemoEntry {
  version: string;
  builtAt: number;
  rangesKey: string;
  sums: MemberSums[];
}

/**
 * Stored board standings on DynamoDB (issue 16; access pattern in docs/scale.md, "AWS"): one
 * item per user and board language, `STAND#<userId>` / `L#<language>` (`L#` for all coding
 * time), holding core's `boardStanding` row (capped seconds, flagged, days per range) and the
 * user's name and sharing, so no board read sums anyone's days.
 *
 * - Written by the drainer (`drainStandings`), never by a request's ingest: ingest leaves a
 *   `DIRTY#<bucket>` / `<userId>` mark (16 buckets by the user's shard, so marks spread over
 *   partitions), and a standing files its user under `DUE#<epoch hour>` / `<userId>` for its
 *   next local midnight (`refreshAt`), when its ranges move.
 * - The drainer derives the user's last BOARD_STANDING_DAYS local days through the activity
 *   store (stale days merged, as any read does), computes the standing, writes only the items
 *   that changed (a conditional write on the version it read: two drainers never both count
 *   one change), deletes items that went to zero and keeps `BCOUNT#<range>#<language>` / `N`
 *   (ADD +1/-1 when an entry joins or leaves a board).
 * - Sparse GSI attributes (`g<range>pk`, `g<range>sk`, standing-keys.ts) are set only when the
 *   entry may be listed: the global board needs the leaderboard opt-in, a language board also
 *   that the user shares languages, and time in the range. A sharing change rewrites them at
 *   once (`syncStandingSharing`), so privacy holds in the index itself, as in D1's query.
 */
import { DeleteCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dayOf, type SharingSettings, type User } from "@kodo/core";
import { LEADERBOARD_RANGES, boardStanding, boardStandingFirstDay, type LeaderboardRange } from "@kodo/core/social";
import { isConditionFailure, queryAll, type Doc } from "./client.ts";
import { mapLimit } from "./pool.ts";
import type { DynamoActivityStore } from "./activity.ts";
import { BOARD_SHARDS, shardOf, standingPartition, standingSortKey } from "./standing-keys.ts";
import { getItem, profilesOf, socialKeys } from "./social-table.ts";
import { sharingOfItem, type SharingItem } from "./social.ts";

/** Short names of the ranges in attribute names (`gl7pk`, `sl7`, ...). */
export const RANGE_CODES: Record<LeaderboardRange, string> = { last_7_days: "l7", last_30_days: "l30", this_week: "tw", this_month: "tm" };

export const standingItemKeys = {
  partition: (userId: string) => `STAND#${userId}`,
  standing: (userId: string, language: string | null) => ({ pk: `STAND#${userId}`, sk: `L#${language ?? ""}` }),
  count: (range: LeaderboardRange, language: string | null) => ({ pk: `BCOUNT#${range}#${language ?? ""}`, sk: "N" }),
  dirtyPartition: (bucket: number) => `DIRTY#${bucket}`,
  dirty: (userId: string) => ({ pk: `DIRTY#${shardOf(userId)}`, sk: userId }),
  duePartition: (hour: number) => `DUE#${hour}`,
  due: (hour: number, userId: string) => ({ pk: `DUE#${hour}`, sk: userId }),
  /** The first hour whose `DUE#` partition may still hold marks (the drainer's cursor). */
  dueCursor: { pk: "DRAIN", sk: "DUE" },
};

/** A standing item as stored (GSI attributes only while listed). */
export interface StandingItem {
  pk: string;
  sk: string;
  userId: string;
  /** "" for all coding time. */
  language: string;
  username: string;
  displayName: string | null;
  /** The user opted into leaderboards. */
  onBoard: boolean;
  sharesLanguages: boolean;
  updatedAt: number;
  /** Raised by every write: the drainer's writes are conditional on the one they read. */
  ver: number;
  [attr: string]: unknown;
}

/** The attributes that define a standing (everything but bookkeeping): equal means unchanged. */
function content(item: Record<string, unknown>): string {
  const { ver: _v, updatedAt: _u, ...rest } = item;
  return JSON.stringify(Object.keys(rest).sort().map((k) => [k, rest[k]]));
}

/** Whether the entry is listed on its board language's board for `range`. */
function listed(item: Pick<StandingItem, "onBoard" | "sharesLanguages" | "language">, seconds: number): boolean {
  return item.onBoard && seconds > 0 && (item.language === "" || item.sharesLanguages);
}

/** Sets (or drops) the sparse GSI attributes of an item from its seconds and sharing. */
function withIndexAttributes(item: StandingItem): StandingItem {
  const out: StandingItem = { ...item };
  for (const r of LEADERBOARD_RANGES) {
    const c = RANGE_CODES[r];
    const seconds = Number(item[`s${c}`] ?? 0);
    delete out[`g${c}pk`];
    delete out[`g${c}sk`];
    if (listed(item, seconds)) {
      out[`g${c}pk`] = standingPartition(item.userId, item.language === "" ? null : item.language);
      out[`g${c}sk`] = standingSortKey(seconds, item.username);
    }
  }
  return out;
}

/** +1/-1 per (range, language) board the entry joins or leaves between `before` and `after`. */
function countDeltas(before: StandingItem | null, after: StandingItem | null): { range: LeaderboardRange; language: string | null; delta: number }[] {
  const out: { range: LeaderboardRange; language: string | null; delta: number }[] = [];
  for (const r of LEADERBOARD_RANGES) {
    const c = RANGE_CODES[r];
    const was = before ? before[`g${c}pk`] !== undefined : false;
    const is = after ? after[`g${c}pk`] !== undefined : false;
    if (was !== is) {
      const language = (after ?? before)!.language;
      out.push({ range: r, language: language === "" ? null : language, delta: is ? 1 : -1 });
    }
  }
  return out;
}

async function addCounts(doc: Doc, table: string, deltas: ReturnType<typeof countDeltas>): Promise<void> {
  for (const d of deltas) {
    await doc.send(new UpdateCommand({ TableName: table, Key: standingItemKeys.count(d.range, d.language), UpdateExpression: "ADD n :d", ExpressionAttributeValues: { ":d": d.delta } }));
  }
}

/** Thrown inside a refresh when another drainer changed an item first: the user stays dirty. */
class Conflict extends Error {}

/** Writes `next` over `before` (null: create; `next` null: delete), conditional on `before`'s version, then moves the counts. */
async function replaceStanding(doc: Doc, table: string, before: StandingItem | null, next: StandingItem | null): Promise<void> {
  try {
    if (next) {
      await doc.send(
        new PutCommand({
          TableName: table,
          Item: next,
          ...(before ? { ConditionExpression: "ver = :v", ExpressionAttributeValues: { ":v": before.ver } } : { ConditionExpression: "attribute_not_exists(pk)" }),
        }),
      );
    } else if (before) {
      await doc.send(new DeleteCommand({ TableName: table, Key: { pk: before.pk, sk: before.sk }, ConditionExpression: "ver = :v", ExpressionAttributeValues: { ":v": before.ver } }));
    }
  } catch (err) {
    if (isConditionFailure(err)) throw new Conflict();
    throw err;
  }
  await addCounts(doc, table, countDeltas(before, next));
}

async function storedStandings(doc: Doc, table: string, userId: string): Promise<StandingItem[]> {
  return queryAll<StandingItem>(doc, {
    TableName: table,
    KeyConditionExpression: "pk = :pk",
    ExpressionAttributeValues: { ":pk": standingItemKeys.partition(userId) },
    ConsistentRead: true,
  });
}

/** Marks the user's standings possibly stale (ingest, heartbeat deletion, joining a board). */
export async function markStandingDirty(doc: Doc, table: string, userId: string): Promise<void> {
  await doc.send(new PutCommand({ TableName: table, Item: { ...standingItemKeys.dirty(userId), at: Date.now() } }));
}

export interface StandingDeps {
  doc: Doc;
  accountsTable: string;
  socialTable: string;
  activity: DynamoActivityStore;
  /** Epoch seconds (tests pass a clock). */
  now?: () => number;
}

/**
 * Recomputes one user's standings from their days and stores what changed; a user without a
 * profile (deleted) loses them. Returns false when another drainer changed an item meanwhile
 * (the caller keeps the user's mark and retries on its next run).
 */
export async function refreshStanding(deps: StandingDeps, userId: string): Promise<boolean> {
  const { doc, socialTable: table } = deps;
  const now = (deps.now ?? (() => Date.now() / 1000))();
  const [user, sharingItem, stored] = await Promise.all([
    profilesOf(doc, deps.accountsTable, [userId]).then((m) => m.get(userId) ?? null),
    getItem<SharingItem>(doc, table, socialKeys.sharing(userId)),
    storedStandings(doc, table, userId),
  ]);
  const byLanguage = new Map(stored.map((s) => [s.language, s]));
  const next = new Map<string, StandingItem>();
  let refreshAt: number | null = null;
  if (user) {
    const sharing = sharingOfItem(sharingItem);
    const standing = boardStanding(await deps.activity.days(user, boardStandingFirstDay(user.timeZone, now), dayOf(now, user.timeZone)), user.timeZone, now);
    refreshAt = standing.refreshAt;
    for (const row of standing.rows) {
      const language = row.language ?? "";
      const item: StandingItem = {
        ...standingItemKeys.standing(userId, row.language),
        userId,
        language,
        username: user.username,
        displayName: user.displayName,
        onBoard: sharing.leaderboards,
        sharesLanguages: sharing.languages,
        updatedAt: Math.floor(now),
        ver: (byLanguage.get(language)?.ver ?? 0) + 1,
      };
      for (const r of LEADERBOARD_RANGES) {
        const c = RANGE_CODES[r];
        item[`s${c}`] = row.seconds[r];
        item[`f${c}`] = row.flagged[r];
        item[`d${c}`] = row.days[r];
      }
      // The all-coding-time item remembers the hour its user is filed under (deletion finds the mark).
      if (language === "" && standing.refreshAt !== null) item.dueHour = Math.floor(standing.refreshAt / 3600);
      next.set(language, withIndexAttributes(item));
    }
  }
  try {
    for (const [language, item] of next) {
      const before = byLanguage.get(language) ?? null;
      if (!before || content(before) !== content(item)) await replaceStanding(doc, table, before, item);
    }
    for (const before of stored) if (!next.has(before.language)) await replaceStanding(doc, table, before, null);
  } catch (err) {
    if (err instanceof Conflict) return false;
    throw err;
  }
  const oldHour = byLanguage.get("")?.dueHour;
  const newHour = refreshAt === null ? null : Math.floor(refreshAt / 3600);
  if (typeof oldHour === "number" && oldHour !== newHour) await doc.send(new DeleteCommand({ TableName: table, Key: standingItemKeys.due(oldHour, userId) }));
  if (refreshAt !== null) await doc.send(new PutCommand({ TableName: table, Item: { ...standingItemKeys.due(newHour!, userId), refreshAt } }));
  return true;
}

/**
 * After a sharing or profile change: every standing of the user takes the new opt-ins and
 * name at once (GSI attributes set or removed, counts moved), before the call returns.
 */
export async function syncStandingSharing(doc: Doc, table: string, userId: string, sharing: SharingSettings, profile: Pick<User, "username" | "displayName"> | null): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      for (const before of await storedStandings(doc, table, userId)) {
        const item = withIndexAttributes({
          ...before,
          onBoard: sharing.leaderboards,
          sharesLanguages: sharing.languages,
          ...(profile ? { username: profile.username, displayName: profile.displayName } : {}),
          ver: before.ver + 1,
        });
        if (content(before) !== content(item)) await replaceStanding(doc, table, before, item);
      }
      return;
    } catch (err) {
      if (!(err instanceof Conflict)) throw err; // a drainer wrote meanwhile: read again
    }
  }
  throw new Error("standings kept changing while their sharing was updated");
}

/** Removes every standing of the user and their marks (account deletion), counts moved. */
export async function deleteStandings(doc: Doc, table: string, userId: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      for (const before of await storedStandings(doc, table, userId)) {
        await replaceStanding(doc, table, before, null);
        if (typeof before.dueHour === "number") await doc.send(new DeleteCommand({ TableName: table, Key: standingItemKeys.due(before.dueHour, userId) }));
      }
      break;
    } catch (err) {
      if (!(err instanceof Conflict) || attempt >= 5) throw err;
    }
  }
  await doc.send(new DeleteCommand({ TableName: table, Key: standingItemKeys.dirty(userId) }));
}

/** Users refreshed at once by a drain. */
const DRAIN_CONCURRENCY = 8;
/** Marks taken per partition per drain run (the rest wait for the next run). */
const DRAIN_BATCH = 500;

export interface DrainResult {
  refreshed: number;
  /** Users left marked because another drainer changed them meanwhile. */
  conflicts: number;
}

/**
 * One drain run: every `DIRTY#` bucket, then the `DUE#` hours from the cursor up to now (each
 * mark whose `refreshAt` passed). A mark is removed only if nothing marked the user again since
 * it was read. The scheduled function calls this; tests call it before reading boards.
 */
export async function drainStandings(deps: StandingDeps, options: { only?: string[]; dirtyOnly?: boolean } = {}): Promise<DrainResult> {
  const { doc, socialTable: table } = deps;
  const now = (deps.now ?? (() => Date.now() / 1000))();
  const result: DrainResult = { refreshed: 0, conflicts: 0 };
  const refresh = async (userId: string) => {
    const ok = await refreshStanding(deps, userId);
    if (ok) result.refreshed += 1;
    else result.conflicts += 1;
    return ok;
  };

  const buckets = options.only ? [...new Set(options.only.map(shardOf))] : Array.from({ length: BOARD_SHARDS }, (_, b) => b);
  for (const bucket of buckets) {
    let marks = await queryAll<{ pk: string; sk: string; at: number }>(doc, {
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": standingItemKeys.dirtyPartition(bucket) },
      ConsistentRead: true,
      Limit: DRAIN_BATCH,
    });
    if (options.only) marks = marks.filter((m) => options.only!.includes(m.sk));
    await mapLimit(marks.slice(0, DRAIN_BATCH), DRAIN_CONCURRENCY, async (mark) => {
      if (!(await refresh(mark.sk))) return;
      await doc
        .send(new DeleteCommand({ TableName: table, Key: { pk: mark.pk, sk: mark.sk }, ConditionExpression: "#at = :at", ExpressionAttributeNames: { "#at": "at" }, ExpressionAttributeValues: { ":at": mark.at } }))
        .catch((err: unknown) => {
          if (!isConditionFailure(err)) throw err; // marked again: the next run refreshes again
        });
    });
  }
  if (options.only || options.dirtyOnly) return result;

  const nowHour = Math.floor(now / 3600);
  const cursor = (await getItem<{ hour: number }>(doc, table, standingItemKeys.dueCursor))?.hour ?? nowHour - 48;
  let firstLeft = nowHour;
  for (let hour = cursor; hour <= nowHour; hour++) {
    const marks = await queryAll<{ pk: string; sk: string; refreshAt: number }>(doc, {
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": standingItemKeys.duePartition(hour) },
      ConsistentRead: true,
    });
    let left = false;
    await mapLimit(marks, DRAIN_CONCURRENCY, async (mark) => {
      if (mark.refreshAt > now) {
        left = true;
        return;
      }
      // Delete first: the refresh files the user under their next midnight (another hour).
      await doc.send(new DeleteCommand({ TableName: table, Key: { pk: mark.pk, sk: mark.sk } }));
      if (!(await refresh(mark.sk))) {
        left = true;
        await doc.send(new PutCommand({ TableName: table, Item: mark }));
      }
    });
    if (left && hour < firstLeft) firstLeft = hour;
  }
  if (firstLeft !== cursor) await doc.send(new PutCommand({ TableName: table, Item: { ...standingItemKeys.dueCursor, hour: firstLeft } }));
  return result;
}

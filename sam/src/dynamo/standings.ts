/**
 * Stored board standings on DynamoDB (issue 16; access pattern in docs/scale.md, "AWS"): one
 * item per user and board language, `STAND#<userId>` / `L#<language>` (`L#` for all coding
 * time), holding core's `boardStanding` row (capped seconds, flagged, days per range) and the
 * user's name and sharing, so no board read sums anyone's days.
 *
 * - Written by the drainer (`drainStandings`), never by a request's ingest: ingest leaves a
 *   `DIRTY#<bucket>` / `<userId>` mark (DIRTY_BUCKETS = 16 buckets by a hash of the user, so marks spread over
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
import { dayOf, type ActivityStore, type SharingSettings, type User } from "@kodo/core";
import { LEADERBOARD_RANGES, boardStanding, boardStandingFirstDay, type BoardStanding, type LeaderboardRange } from "@kodo/core/social";
import { batchGetAll } from "./batch-get.ts";
import { isConditionFailure, queryAll, queryPages, type Doc } from "./client.ts";
import { mapLimit } from "./pool.ts";
import { DIRTY_BUCKETS, bucketKey, dirtyBucketOf, rankBucket, standingPartition, standingSortKey } from "./standing-keys.ts";
import { getItem, profilesOf, socialKeys } from "./social-table.ts";
import { sharingOfItem, type SharingItem } from "./social.ts";

/** Short names of the ranges in attribute names (`gl7pk`, `sl7`, ...). */
export const RANGE_CODES: Record<LeaderboardRange, string> = { last_7_days: "l7", last_30_days: "l30", this_week: "tw", this_month: "tm" };

export const standingItemKeys = {
  partition: (userId: string) => `STAND#${userId}`,
  standing: (userId: string, language: string | null) => ({ pk: `STAND#${userId}`, sk: `L#${language ?? ""}` }),
  count: (range: LeaderboardRange, language: string | null) => ({ pk: `BCOUNT#${range}#${language ?? ""}`, sk: "N" }),
  /** The board's rank histogram: entries per bucket of capped time (standing-keys.ts). */
  histPartition: (range: LeaderboardRange, language: string | null) => `BHIST#${range}#${language ?? ""}`,
  hist: (range: LeaderboardRange, language: string | null, bucket: number) => ({ pk: `BHIST#${range}#${language ?? ""}`, sk: bucketKey(bucket) }),
  dirtyPartition: (bucket: number) => `DIRTY#${bucket}`,
  dirty: (userId: string) => ({ pk: `DIRTY#${dirtyBucketOf(userId)}`, sk: userId }),
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

/** A counter move: the board's total (`bucket` undefined) or one rank bucket of it. */
export interface BoardDelta {
  range: LeaderboardRange;
  language: string | null;
  bucket?: number;
  delta: number;
}

/**
 * The counter moves between `before` and `after`: +1/-1 on a (range, language) board's total
 * when the entry joins or leaves it, and -1/+1 on the rank buckets it leaves and enters.
 */
export function boardDeltas(before: StandingItem | null, after: StandingItem | null): BoardDelta[] {
  const out: BoardDelta[] = [];
  for (const r of LEADERBOARD_RANGES) {
    const c = RANGE_CODES[r];
    const was = before && before[`g${c}pk`] !== undefined ? rankBucket(Number(before[`s${c}`] ?? 0)) : null;
    const is = after && after[`g${c}pk`] !== undefined ? rankBucket(Number(after[`s${c}`] ?? 0)) : null;
    const language = (after ?? before)!.language === "" ? null : (after ?? before)!.language;
    if ((was === null) !== (is === null)) out.push({ range: r, language, delta: is === null ? -1 : 1 });
    if (was !== is) {
      if (was !== null) out.push({ range: r, language, bucket: was, delta: -1 });
      if (is !== null) out.push({ range: r, language, bucket: is, delta: 1 });
    }
  }
  return out;
}

async function addCounts(doc: Doc, table: string, deltas: BoardDelta[]): Promise<void> {
  await Promise.all(
    deltas.map((d) =>
      doc.send(
        new UpdateCommand({
          TableName: table,
          Key: d.bucket === undefined ? standingItemKeys.count(d.range, d.language) : standingItemKeys.hist(d.range, d.language, d.bucket),
          UpdateExpression: "ADD n :d",
          ExpressionAttributeValues: { ":d": d.delta },
        }),
      ),
    ),
  );
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
  await addCounts(doc, table, boardDeltas(before, next));
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
  activity: ActivityStore;
  /** Epoch seconds (tests pass a clock). */
  now?: () => number;
}

/**
 * The standing items of a user (by board language) for their computed `standing`, each one
 * version past the stored one in `previous`: what the drainer writes (and the bench seeds).
 */
export function standingItems(
  user: Pick<User, "id" | "username" | "displayName">,
  sharing: Pick<SharingSettings, "leaderboards" | "languages">,
  standing: BoardStanding,
  now: number,
  previous: ReadonlyMap<string, StandingItem> = new Map(),
): Map<string, StandingItem> {
  const next = new Map<string, StandingItem>();
  for (const row of standing.rows) {
    const language = row.language ?? "";
    const item: StandingItem = {
      ...standingItemKeys.standing(user.id, row.language),
      userId: user.id,
      language,
      username: user.username,
      displayName: user.displayName,
      onBoard: sharing.leaderboards,
      sharesLanguages: sharing.languages,
      updatedAt: Math.floor(now),
      ver: (previous.get(language)?.ver ?? 0) + 1,
    };
    for (const r of LEADERBOARD_RANGES) {
      const c = RANGE_CODES[r];
      item[`s${c}`] = row.seconds[r];
      item[`f${c}`] = row.flagged[r];
      item[`d${c}`] = row.days[r];
    }
    if (language === "") {
      // The hour its user is filed under (deletion finds the mark), and every language's seconds
      // per range (LEADERBOARD_RANGES order), so a page's languages are one BatchGet (standing-reads.ts).
      if (standing.refreshAt !== null) item.dueHour = Math.floor(standing.refreshAt / 3600);
      item.langs = Object.fromEntries(standing.rows.filter((r) => r.language !== null).map((r) => [r.language, LEADERBOARD_RANGES.map((x) => r.seconds[x])]));
    }
    next.set(language, withIndexAttributes(item));
  }
  return next;
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
  let next = new Map<string, StandingItem>();
  let refreshAt: number | null = null;
  if (user) {
    const standing = boardStanding(await deps.activity.days(user, boardStandingFirstDay(user.timeZone, now), dayOf(now, user.timeZone)), user.timeZone, now);
    refreshAt = standing.refreshAt;
    next = standingItems(user, sharingOfItem(sharingItem), standing, now, byLanguage);
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

/** Refreshes a marked user and clears the mark unless they were marked again meanwhile. */
async function drainMark(deps: StandingDeps, mark: { pk: string; sk: string; at: number }, result: DrainResult): Promise<void> {
  if (!(await refreshStanding(deps, mark.sk))) {
    result.conflicts += 1;
    return;
  }
  result.refreshed += 1;
  await deps.doc
    .send(new DeleteCommand({ TableName: deps.socialTable, Key: { pk: mark.pk, sk: mark.sk }, ConditionExpression: "#at = :at", ExpressionAttributeNames: { "#at": "at" }, ExpressionAttributeValues: { ":at": mark.at } }))
    .catch((err: unknown) => {
      if (!isConditionFailure(err)) throw err; // marked again: the next run refreshes again
    });
}

/**
 * Drains only these users' own marks (a BatchGet of their `DIRTY#` keys; users without one
 * cost nothing more): what a read does for the users whose rows it shows, so its cost does not
 * depend on anyone else's writes.
 */
export async function drainUsers(deps: StandingDeps, userIds: readonly string[]): Promise<DrainResult> {
  const result: DrainResult = { refreshed: 0, conflicts: 0 };
  const marks = await batchGetAll<{ pk: string; sk: string; at: number }>(deps.doc, deps.socialTable, [...new Set(userIds)].map(standingItemKeys.dirty), { ConsistentRead: true });
  await mapLimit(marks, DRAIN_CONCURRENCY, (mark) => drainMark(deps, mark, result));
  return result;
}

/**
 * One drain run: every `DIRTY#` bucket, then the `DUE#` hours from the cursor up to now (each
 * mark whose `refreshAt` passed). A mark is removed only if nothing marked the user again since
 * it was read. The scheduled function calls this; tests call it before reading boards.
 */
export async function drainStandings(deps: StandingDeps, options: { dirtyOnly?: boolean } = {}): Promise<DrainResult> {
  const { doc, socialTable: table } = deps;
  const now = (deps.now ?? (() => Date.now() / 1000))();
  const result: DrainResult = { refreshed: 0, conflicts: 0 };
  const refresh = async (userId: string) => {
    const ok = await refreshStanding(deps, userId);
    if (ok) result.refreshed += 1;
    else result.conflicts += 1;
    return ok;
  };

  for (let bucket = 0; bucket < DIRTY_BUCKETS; bucket++) {
    const marks: { pk: string; sk: string; at: number }[] = [];
    for await (const page of queryPages<{ pk: string; sk: string; at: number }>(doc, {
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": standingItemKeys.dirtyPartition(bucket) },
      ConsistentRead: true,
      Limit: DRAIN_BATCH,
    })) {
      marks.push(...page.items);
      if (marks.length >= DRAIN_BATCH) break;
    }
    await mapLimit(marks.slice(0, DRAIN_BATCH), DRAIN_CONCURRENCY, (mark) => drainMark(deps, mark, result));
  }
  if (options.dirtyOnly) return result;

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

/**
 * Board reads from the stored standings (standing-reads.ts, what the social port serves) on
 * dynalite, held to a ranking computed here in memory from each user's days (core's
 * boardStanding per user, the sharing rules of D1's query, seconds down then username): every
 * range, the all-coding-time and language boards, pages at offsets, totals (BCOUNT), each
 * user's rank (the BHIST histogram plus the own bucket's keys), friends boards and a page's
 * languages. Then: ranks stay exact while users move between rank buckets, and a read drains
 * only the marks of the users it shows.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dayOf, type Ports, type User } from "@kodo/core";
import { LEADERBOARD_RANGES, boardStanding, boardStandingFirstDay, type BoardQuery, type LeaderboardRow } from "@kodo/core/social";
import { aRun } from "../../core/src/testing/builders.ts";
import { portsFromEnv } from "../src/ports.ts";
import { dynamoActivity } from "../src/dynamo/activity.ts";
import { drainStandings, standingItemKeys, type StandingDeps } from "../src/dynamo/standings.ts";
import { standingReads } from "../src/dynamo/standing-reads.ts";
import { RANK_BUCKET_MS, rankBucket } from "../src/dynamo/standing-keys.ts";
import { getItem } from "../src/dynamo/social-table.ts";
import { ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, createUser, localDynamo } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let ports: Ports;
let deps: StandingDeps;
const users: User[] = [];
const sharing = new Map<string, { leaderboards: boolean; languages: boolean }>();
const DAY = 86400;
const utcTime = (daysAgo: number, hour: number) => Math.floor(Date.now() / 1000 / DAY) * DAY - daysAgo * DAY + hour * 3600;

/** The whole board computed in memory: each user's standing from their days, listed by the sharing rules, ranked. */
async function expectedBoard(q: BoardQuery): Promise<LeaderboardRow[]> {
  const now = Date.now() / 1000;
  const rows: LeaderboardRow[] = [];
  for (const u of users) {
    if (q.userIds && !q.userIds.includes(u.id)) continue;
    const s = sharing.get(u.id) ?? { leaderboards: false, languages: true };
    if (!q.userIds && !s.leaderboards) continue;
    if (q.language !== null && !s.languages) continue;
    const standing = boardStanding(await ports.activity.days(u, boardStandingFirstDay(u.timeZone, now), dayOf(now, u.timeZone)), u.timeZone, now);
    const row = standing.rows.find((r) => r.language === q.language);
    if (!row || row.seconds[q.range] <= 0) continue;
    rows.push({
      user: { id: u.id, username: u.username, displayName: u.displayName },
      cappedSeconds: row.seconds[q.range],
      flagged: row.flagged[q.range],
      sharesLanguages: s.languages,
      days: row.days[q.range],
    });
  }
  return rows.sort((a, b) => b.cappedSeconds - a.cappedSeconds || (a.user.username < b.user.username ? -1 : 1));
}

beforeAll(async () => {
  dynamo = await localDynamo();
  ports = portsFromEnv({ ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, DYNAMODB_ENDPOINT: dynamo.endpoint }).ports;
  deps = { doc: dynamo.doc, accountsTable: ACCOUNTS_TABLE, socialTable: SOCIAL_TABLE, activity: dynamoActivity(dynamo.doc, { table: ACTIVITY_TABLE, boardTable: SOCIAL_TABLE }) };
  // 20 users over more than one shard: varied time, languages, ties, a capped day, opt-outs.
  for (let i = 0; i < 20; i++) {
    const { user } = await createUser(dynamo.doc, { timeZone: i % 3 === 0 ? "Asia/Tokyo" : "UTC" });
    users.push(user);
    const minutes = 10 + (i % 5) * 10; // ties between users with equal i % 5
    await ports.activity.ingest(user, aRun(utcTime(1 + (i % 4), 9), minutes + 1, 60, { language: i % 2 ? "Go" : "TypeScript" }));
    if (i % 4 === 0) await ports.activity.ingest(user, aRun(utcTime(12, 9), 31, 60, { language: "Go" }));
    if (i === 7) await ports.activity.ingest(user, aRun(utcTime(2, 2), 19 * 30 + 1, 120));
    if (i % 6 !== 5) {
      const s = { leaderboards: true, languages: i % 7 !== 3 };
      await ports.social!.updateSharing(user.id, s);
      sharing.set(user.id, s);
    }
  }
  await drainStandings(deps);
}, 120_000);
afterAll(() => dynamo?.close());

describe("board reads from stored standings (dynalite)", () => {
  it("equal the in-memory ranking: pages, totals and ranks of every range and board language", async () => {
    const reads = standingReads(dynamo.doc, SOCIAL_TABLE);
    let nonEmpty = 0; // "this week" may hold only today (a Monday): empty
    for (const range of LEADERBOARD_RANGES) {
      for (const language of [null, "Go", "TypeScript"]) {
        const whole = await expectedBoard({ range, language });
        nonEmpty += whole.length > 0 ? 1 : 0;
        expect(await reads.page({ range, language, offset: 0, limit: 1000 })).toEqual({ total: whole.length, rows: whole });
        expect(await reads.page({ range, language, offset: 3, limit: 4 })).toEqual({ total: whole.length, rows: whole.slice(3, 7) });
        for (const u of users) {
          const i = whole.findIndex((r) => r.user.id === u.id);
          expect(await reads.entry({ range, language }, u.id)).toEqual(i < 0 ? null : { rank: i + 1, row: whole[i] });
        }
      }
    }
    expect(nonEmpty).toBeGreaterThanOrEqual(9);
  }, 120_000);

  it("friends boards: the given users by key, opted in or not, language boards only those sharing languages", async () => {
    const reads = standingReads(dynamo.doc, SOCIAL_TABLE);
    const friends = users.slice(0, 9).map((u) => u.id);
    for (const language of [null, "Go"]) {
      const q = { range: "last_30_days" as const, language, userIds: friends };
      const expected = await expectedBoard(q);
      expect(expected.length).toBeGreaterThan(2);
      expect(await reads.page({ ...q, offset: 0, limit: 50 })).toEqual({ total: expected.length, rows: expected });
      for (const id of friends) {
        const i = expected.findIndex((r) => r.user.id === id);
        expect(await reads.entry(q, id)).toEqual(i < 0 ? null : { rank: i + 1, row: expected[i] });
      }
    }
  }, 60_000);

  it("boardLanguages: capped seconds per language from the users' standing items, only for users who share languages", async () => {
    const range = "last_30_days" as const;
    const langs = await ports.social!.boardLanguages(users.map((u) => u.id), range);
    for (const u of users) {
      const expected: Record<string, number> = {};
      for (const language of ["Go", "TypeScript"]) {
        const row = (await expectedBoard({ range, language, userIds: [u.id] }))[0];
        if (row && (sharing.get(u.id)?.languages ?? true)) expected[language] = row.cappedSeconds;
      }
      if (Object.keys(expected).length === 0) expect(langs.has(u.id)).toBe(false);
      else expect(langs.get(u.id)).toEqual(expected);
    }
    // users[3] hides languages (3 % 7 === 3): nothing about them.
    expect(langs.has(users[3]!.id)).toBe(false);
    expect(langs.size).toBeGreaterThan(10);
  }, 60_000);

  it("ranks stay exact while entries move between rank buckets (the BHIST histogram follows every change)", async () => {
    const reads = standingReads(dynamo.doc, SOCIAL_TABLE);
    const q = { range: "last_30_days" as const, language: null };
    const hist = async () =>
      (
        await dynamo.doc.send(
          new QueryCommand({ TableName: SOCIAL_TABLE, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": standingItemKeys.histPartition(q.range, null) }, ConsistentRead: true }),
        )
      ).Items!.reduce((sum, i) => sum + Number(i.n), 0);
    // Three users gain time: 20 min (the same bucket or the next), 2 h (several buckets up), 20 h (a capped day).
    for (const [i, count] of [[1, 21], [2, 121], [4, 19 * 30 + 1]] as const) {
      const hb = count > 200 ? aRun(utcTime(5, 1), count, 120) : aRun(utcTime(6, 14), count, 60);
      await ports.activity.ingest(users[i]!, hb);
    }
    await drainStandings(deps);
    const whole = await expectedBoard(q);
    expect(new Set(whole.map((r) => rankBucket(r.cappedSeconds))).size).toBeGreaterThan(3);
    expect(await hist()).toBe(whole.length);
    expect((await getItem<{ n: number }>(dynamo.doc, SOCIAL_TABLE, standingItemKeys.count(q.range, null)))?.n).toBe(whole.length);
    for (const [i, r] of whole.entries()) expect(await reads.entry(q, r.user.id)).toEqual({ rank: i + 1, row: r });
    // Ties inside one bucket: equal time ranks by username.
    const tied = whole.filter((r, _i, all) => all.some((o) => o !== r && o.cappedSeconds === r.cappedSeconds));
    expect(tied.length).toBeGreaterThan(1);
    expect(RANK_BUCKET_MS).toBe(900_000);
  }, 60_000);

  it("a read drains only the marks of the users it shows: the caller's rank takes their own new time, a global page nobody's", async () => {
    const q = { range: "last_7_days" as const, language: null };
    const [me, other] = [users[0]!, users[2]!];
    const before = (await ports.social!.leaderboardEntry(q, me.id))!;
    const otherBefore = (await standingReads(dynamo.doc, SOCIAL_TABLE).entry(q, other.id))!;
    await ports.activity.ingest(me, aRun(utcTime(1, 15), 31, 60));
    await ports.activity.ingest(other, aRun(utcTime(1, 15), 31, 60));
    // A global page reads the stored standings as they are: nobody's mark is drained.
    await ports.social!.leaderboardPage({ ...q, offset: 0, limit: 50 });
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, standingItemKeys.dirty(me.id))).not.toBeNull();
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, standingItemKeys.dirty(other.id))).not.toBeNull();
    // The caller's own entry: their mark is drained first, so their 30 new minutes show.
    const after = (await ports.social!.leaderboardEntry(q, me.id))!;
    expect(after.row.cappedSeconds).toBe(before.row.cappedSeconds + 30 * 60);
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, standingItemKeys.dirty(me.id))).toBeNull();
    // The other user's mark waits for the scheduled drainer.
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, standingItemKeys.dirty(other.id))).not.toBeNull();
    expect((await standingReads(dynamo.doc, SOCIAL_TABLE).entry(q, other.id))!.row.cappedSeconds).toBe(otherBefore.row.cappedSeconds);
    // A friends board drains its members' marks (what it shows).
    const friends = await ports.social!.leaderboardPage({ ...q, userIds: [me.id, other.id], offset: 0, limit: 50 });
    expect(friends.rows.find((r) => r.user.id === other.id)!.cappedSeconds).toBe(otherBefore.row.cappedSeconds + 30 * 60);
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, standingItemKeys.dirty(other.id))).toBeNull();
  }, 60_000);
});

/**
 * Board reads from the stored standings (standing-reads.ts, what the social port now serves) on
 * dynalite give exactly the boards of the issue-14 whole-board build (summed from days) on the
 * same data: every range, the all-coding-time and language boards, pages at offsets, totals
 * (BCOUNT), each user's rank, and friends boards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ports, User } from "@kodo/core";
import { LEADERBOARD_RANGES } from "@kodo/core/social";
import { aRun } from "../../core/src/testing/builders.ts";
import { portsFromEnv } from "../src/ports.ts";
import { dynamoActivity } from "../src/dynamo/activity.ts";
import { drainStandings } from "../src/dynamo/standings.ts";
import { standingReads } from "../src/dynamo/standing-reads.ts";
import { dynamoBoard } from "../src/dynamo/social-board.ts";
import { ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, createUser, localDynamo } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let ports: Ports;
let oracle: ReturnType<typeof dynamoBoard>;
/** The build's board as the port's page and entry answered before issue 16. */
const built = {
  page: async (q: Parameters<typeof oracle.wholeBoard>[0] & { offset: number; limit: number }) => {
    const rows = await oracle.wholeBoard(q);
    return { total: rows.length, rows: rows.slice(q.offset, q.offset + q.limit) };
  },
  entry: async (q: Parameters<typeof oracle.wholeBoard>[0], userId: string) => {
    const rows = await oracle.wholeBoard(q);
    const i = rows.findIndex((r) => r.user.id === userId);
    return i < 0 ? null : { rank: i + 1, row: rows[i]! };
  },
};
const users: User[] = [];
const DAY = 86400;
const utcTime = (daysAgo: number, hour: number) => Math.floor(Date.now() / 1000 / DAY) * DAY - daysAgo * DAY + hour * 3600;

beforeAll(async () => {
  dynamo = await localDynamo();
  ports = portsFromEnv({ ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, DYNAMODB_ENDPOINT: dynamo.endpoint }).ports;
  // 20 users over more than one shard: varied time, languages, ties, a capped day, opt-outs.
  for (let i = 0; i < 20; i++) {
    const { user } = await createUser(dynamo.doc, { timeZone: i % 3 === 0 ? "Asia/Tokyo" : "UTC" });
    users.push(user);
    const minutes = 10 + (i % 5) * 10; // ties between users with equal i % 5
    await ports.activity.ingest(user, aRun(utcTime(1 + (i % 4), 9), minutes + 1, 60, { language: i % 2 ? "Go" : "TypeScript" }));
    if (i % 4 === 0) await ports.activity.ingest(user, aRun(utcTime(12, 9), 31, 60, { language: "Go" }));
    if (i === 7) await ports.activity.ingest(user, aRun(utcTime(2, 2), 19 * 30 + 1, 120));
    if (i % 6 !== 5) await ports.social!.updateSharing(user.id, { leaderboards: true, languages: i % 7 !== 3 });
  }
  const activity = dynamoActivity(dynamo.doc, { table: ACTIVITY_TABLE, boardTable: SOCIAL_TABLE });
  oracle = dynamoBoard(dynamo.doc, { accountsTable: ACCOUNTS_TABLE, socialTable: SOCIAL_TABLE, activity });
  await drainStandings({ doc: dynamo.doc, accountsTable: ACCOUNTS_TABLE, socialTable: SOCIAL_TABLE, activity });
}, 120_000);
afterAll(() => dynamo?.close());

describe("board reads from stored standings (dynalite)", () => {
  it("match the current build: pages, totals and ranks of every range and board language", async () => {
    const reads = standingReads(dynamo.doc, SOCIAL_TABLE);
    let nonEmpty = 0; // "this week" may hold only today (a Monday): empty on both sides
    for (const range of LEADERBOARD_RANGES) {
      for (const language of [null, "Go", "TypeScript"]) {
        const whole = await built.page({ range, language, offset: 0, limit: 1000 });
        nonEmpty += whole.rows.length > 0 ? 1 : 0;
        expect(await reads.page({ range, language, offset: 0, limit: 1000 })).toEqual(whole);
        expect(await reads.page({ range, language, offset: 3, limit: 4 })).toEqual({ total: whole.total, rows: whole.rows.slice(3, 7) });
        for (const u of users) {
          expect(await reads.entry({ range, language }, u.id)).toEqual(await built.entry({ range, language }, u.id));
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
      const expected = await built.page({ ...q, offset: 0, limit: 50 });
      expect(await reads.page({ ...q, offset: 0, limit: 50 })).toEqual(expected);
      for (const id of friends) expect(await reads.entry(q, id)).toEqual(await built.entry(q, id));
    }
  }, 60_000);
});

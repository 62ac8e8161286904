/**
 * Issue 16's upgrade: a D1 made by the previous schema (migrations up to 0004), holding
 * `daily_activity` rows exactly as the previous flush wrote them, with the users' Durable Objects
 * as they were (every day flushed, no board entries). Migration 0005 adds board_entries; the
 * cron's drain (worker/src/drain.ts) then writes each user's board entries from their object and
 * deletes their day rows, a bounded batch per run. Reads agree before and after (they come from
 * the objects); boards list the users once drained; daily_activity ends empty.
 */
import { env } from "cloudflare:workers";
import { applyD1Migrations, createExecutionContext, createScheduledController, reset, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { DayActivity, MergeSettings } from "@kodo/core";
import { clearLeaderboardCache } from "../../core/src/http/routes/leaderboard-data.ts";
import worker from "../src/index.ts";
import { drainDailyActivity } from "../src/drain.ts";
import type { DayStore } from "../src/activity/day-store.ts";
import type { Meta } from "../src/activity/meta.ts";
import { getJson, postBeats, stubFor, wire } from "./helpers.ts";
import { aSocialUser, block, localTime, share, type Beat, type SocialUser } from "./social-fixtures.ts";

const now = Date.now() / 1000;
let alice: SocialUser; // UTC: 40 min TypeScript yesterday, 20 min Go three days ago
let kenji: SocialUser; // Tokyo: 30 min yesterday (his days)
let carol: SocialUser; // UTC: 10 min yesterday, and an hour 60 days ago (on no board)

/** The previous flush (before issue 16), verbatim: one daily_activity row per changed day. */
async function legacyFlush(userId: string): Promise<number> {
  return runInDurableObject(stubFor(userId), async (instance: unknown) => {
    const { dayStore, meta } = instance as { dayStore: DayStore; meta: Meta };
    const settings = meta.settings() as MergeSettings;
    const changed = dayStore.changed(settings);
    const statements = changed.map(({ activity }: { activity: DayActivity }) =>
      env.DB.prepare(
        `INSERT INTO daily_activity (user_id, day, total_seconds, coding_seconds, totals, sessions, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id, day) DO UPDATE SET total_seconds = excluded.total_seconds,
           coding_seconds = excluded.coding_seconds, totals = excluded.totals,
           sessions = excluded.sessions, updated_at = excluded.updated_at`,
      ).bind(
        userId,
        activity.day,
        activity.totalSeconds,
        activity.totals.category["coding"] ?? 0,
        JSON.stringify(activity.totals),
        JSON.stringify(activity.sessions.map((s) => [s.start, s.end, s.project, s.language, s.editor, s.operatingSystem, s.machine, s.branch, s.category])),
        new Date().toISOString(),
      ),
    );
    if (statements.length > 0) await env.DB.batch(statements);
    for (const { day, version } of changed) dayStore.markFlushed(day, version);
    meta.clearPendingSince();
    return changed.length;
  });
}

async function post(user: SocialUser, beats: Beat[]) {
  const res = await postBeats(user.key, beats.map((b) => wire(b.time, { project: b.project, language: b.language, category: b.category })));
  expect(res.status).toBe(201);
}

const count = async (sql: string) => (await env.DB.prepare(sql).first<{ n: number }>())!.n;
const board = async (viewer: SocialUser, q = "") => ((await getJson(`/api/kodo/leaderboards${q}`, viewer.key)) as any).data.map((e: any) => [e.user.username, e.totalSeconds]);
const summaries = (u: SocialUser) => getJson(`/api/v1/users/current/summaries?range=last_6_months`, u.key).then((s: any) => s.data.map((d: any) => [d.range.date, d.grand_total.total_seconds]).filter((d: any) => d[1] > 0));

beforeAll(async () => {
  await reset();
  // The database as the previous release made it (plus 0007, unrelated to boards, whose
  // columns today's sign-up code writes).
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS.filter((m) => m.name < "0005" || m.name.startsWith("0007")));
  alice = await aSocialUser();
  kenji = await aSocialUser("Asia/Tokyo");
  carol = await aSocialUser();
  await post(alice, [...block(localTime(now, "UTC", 1, 9), 41, 60), ...block(localTime(now, "UTC", 3, 10), 21, 60, { language: "Go" })]);
  await post(kenji, block(localTime(now, "Asia/Tokyo", 1, 10), 31, 60));
  await post(carol, [...block(localTime(now, "UTC", 1, 12), 11, 60), ...block(localTime(now, "UTC", 60, 12), 61, 60)]);
  for (const u of [alice, kenji, carol]) {
    await legacyFlush(u.id);
    await share(u, { leaderboards: true });
  }
});

describe("upgrading a database with daily_activity rows", () => {
  it("drains them into board entries in bounded runs; boards and reads are right, daily_activity ends empty", async () => {
    expect(await count("SELECT count(*) AS n FROM daily_activity")).toBe(5);
    const before = { alice: await summaries(alice), kenji: await summaries(kenji), carol: await summaries(carol) };
    expect(before.carol).toHaveLength(2);

    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
    // Nothing written yet: the board is empty until the drain; reads already come from the objects.
    expect(await board(alice)).toEqual([]);
    expect(await summaries(carol)).toEqual(before.carol);

    // One bounded run: two of the three users.
    const first = await drainDailyActivity(env, 2);
    expect(first).toEqual({ users: 2, rowsDeleted: expect.any(Number), failed: 0, more: true });
    expect(await count("SELECT count(DISTINCT user_id) AS n FROM daily_activity")).toBe(1);

    // The cron trigger runs the rest.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await count("SELECT count(*) AS n FROM daily_activity")).toBe(0);
    expect(await drainDailyActivity(env)).toEqual({ users: 0, rowsDeleted: 0, failed: 0, more: false });

    // New standings show once the isolate's cached pages expire (5 minutes; as for new activity).
    clearLeaderboardCache();
    expect(await board(alice)).toEqual([
      [alice.username, 3600],
      [kenji.username, 1800],
      [carol.username, 600],
    ]);
    expect(await board(alice, "?language=Go")).toEqual([[alice.username, 1200]]);
    // All coding time and each language: alice 3 (TypeScript, Go), kenji 2, carol 2.
    expect(await count("SELECT count(*) AS n FROM board_entries")).toBe(7);
    expect({ alice: await summaries(alice), kenji: await summaries(kenji), carol: await summaries(carol) }).toEqual(before);
  });
});

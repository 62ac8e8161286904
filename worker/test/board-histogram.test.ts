/**
 * The board histogram (migrations 0008/0009): a D1 made by the previous schema (up to 0007)
 * holds board entries as the previous flush wrote them; the upgrade builds `board_histogram`
 * from them, and its triggers keep it exact. Property-style, with seeded random data: after the
 * upgrade and after every round of random writes (the flush's upsert, seconds crossing zero and
 * bucket edges, ties, sharing flips through user_sharing, entries deleted, accounts deleted),
 * every global board's size, the ranks of listed users (all, or a spread on larger boards) and
 * the stored buckets equal the old answers (a count(*) over
 * the board, and over the entries ahead of the user).
 */
import { env } from "cloudflare:workers";
import { applyD1Migrations, reset } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { mulberry32 } from "@kodo/core";
import { LEADERBOARD_RANGES, type LeaderboardRange } from "@kodo/core/social";
import { d1LeaderboardReads } from "../src/stores/social-leaderboard.ts";
import { bucketOf, bucketSql } from "../src/stores/board-buckets.ts";

const LANGUAGES = ["", "TypeScript", "Python", "Go"];
const USERS = 60;


/** Seconds that stress the ladder: zero, bucket edges and their neighbours, ties, fractions, large. */
function secondsFrom(next: () => number): number {
  const edges = [60, 599.5, 600, 900, 3599.9, 3600, 5400, 35_999, 36_000, 359_999.5, 360_000, 396_000, 2_592_000];
  const pick = next();
  if (pick < 0.2) return 0;
  if (pick < 0.45) return edges[Math.floor(next() * edges.length)]!;
  if (pick < 0.6) return [1200, 7200, 40_000][Math.floor(next() * 3)]!; // ties
  if (pick < 0.8) return Math.round(next() * 36_000 * 100) / 100;
  return Math.floor(next() * 2_600_000);
}

const ids = Array.from({ length: USERS }, (_, i) => `hist-${String(i).padStart(3, "0")}`);

/** The flush's statement (worker/src/activity/flush.ts): insert or update, `listed` from sharing. */
function upsert(userId: string, language: string, s: number[]) {
  return env.DB.prepare(
    `INSERT INTO board_entries (user_id, language, username, last_7_days, last_30_days, this_week, this_month, flagged, week_days, month_days, listed, updated_at)
     SELECT ?1, ?2, u.username, ?3, ?4, ?5, ?6, 0, 3, 7, COALESCE(sh.leaderboards = 1 AND (?2 = '' OR sh.languages = 1), 0), 'now'
       FROM users u LEFT JOIN user_sharing sh ON sh.user_id = u.id WHERE u.id = ?1
     ON CONFLICT (user_id, language) DO UPDATE SET last_7_days = excluded.last_7_days, last_30_days = excluded.last_30_days,
       this_week = excluded.this_week, this_month = excluded.this_month, listed = excluded.listed, updated_at = excluded.updated_at`,
  ).bind(userId, language, ...s);
}

async function addUser(id: string, next: () => number) {
  await env.DB.batch([
    // Usernames share prefixes so ties order by name across users.
    env.DB.prepare("INSERT INTO users (id, username) VALUES (?, ?)").bind(id, `u${Math.floor(next() * 1000)}-${id}`),
    env.DB.prepare("INSERT INTO user_sharing (user_id, leaderboards, languages) VALUES (?, ?, ?)").bind(id, next() < 0.8 ? 1 : 0, next() < 0.7 ? 1 : 0),
  ]);
}

/** One random write, as the application makes them. */
async function randomWrite(next: () => number) {
  const id = ids[Math.floor(next() * ids.length)]!;
  const exists = await env.DB.prepare("SELECT 1 AS x FROM users WHERE id = ?").bind(id).first();
  const kind = next();
  if (!exists) return addUser(id, next);
  if (kind < 0.55) {
    await upsert(id, LANGUAGES[Math.floor(next() * LANGUAGES.length)]!, LEADERBOARD_RANGES.map(() => secondsFrom(next))).run();
  } else if (kind < 0.75) {
    // Sharing flips (the triggers of migration 0006 update `listed` on every entry of the user).
    await env.DB.prepare("UPDATE user_sharing SET leaderboards = ?, languages = ? WHERE user_id = ?").bind(next() < 0.6 ? 1 : 0, next() < 0.6 ? 1 : 0, id).run();
  } else if (kind < 0.85) {
    await env.DB.prepare("DELETE FROM board_entries WHERE user_id = ? AND language = ?").bind(id, LANGUAGES[Math.floor(next() * LANGUAGES.length)]!).run();
  } else if (kind < 0.9) {
    await env.DB.prepare("DELETE FROM user_sharing WHERE user_id = ?").bind(id).run();
  } else if (kind < 0.95) {
    await env.DB.prepare("UPDATE users SET username = ? WHERE id = ?").bind(`r${Math.floor(next() * 1000)}-${id}`, id).run();
    await env.DB.prepare("UPDATE board_entries SET username = (SELECT username FROM users WHERE id = ?1) WHERE user_id = ?1").bind(id).run();
  } else {
    // Account deletion: entries go by the foreign key's cascade.
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(id).run();
  }
}

/** Every global board's size and every listed user's rank: the histogram's answers against count(*). */
async function expectExact() {
  const reads = d1LeaderboardReads(env.DB);
  for (const language of LANGUAGES) {
    for (const range of LEADERBOARD_RANGES as readonly LeaderboardRange[]) {
      const q = { range, language: language === "" ? null : language };
      const { results: entries } = await env.DB.prepare(
        `SELECT user_id, username, ${range} AS s FROM board_entries WHERE language = ? AND listed = 1 AND ${range} > 0 ORDER BY ${range} DESC, username`,
      )
        .bind(language)
        .all<{ user_id: string; username: string; s: number }>();
      const { total } = await reads.leaderboardPage({ ...q, offset: 0, limit: 1 });
      expect(total, `${language || "all"} ${range} size`).toBe(entries.length);
      // Every rank on small boards; on larger ones a spread (first, last, every k-th: each
      // bucket edge and tie is met across rounds), to stay quick on a loaded machine.
      const step = Math.max(1, Math.floor(entries.length / 12));
      for (const [i, e] of entries.entries()) {
        if (i % step !== 0 && i !== entries.length - 1) continue;
        const found = await reads.leaderboardEntry(q, e.user_id);
        expect(found?.rank, `${language || "all"} ${range} ${e.username} at ${e.s}`).toBe(i + 1);
      }
      // The stored histogram itself, bucket by bucket (zero rows left by leavers aside).
      const { results: stored } = await env.DB.prepare("SELECT lo, n FROM board_histogram WHERE language = ? AND range = ? AND n != 0 ORDER BY lo").bind(language, range).all<{ lo: number; n: number }>();
      const want = new Map<number, number>();
      for (const e of entries) want.set(bucketOf(e.s), (want.get(bucketOf(e.s)) ?? 0) + 1);
      expect(stored.map((r) => [r.lo, r.n])).toEqual([...want.entries()].sort((a, b) => a[0] - b[0]));
    }
  }
}

describe("board_histogram", () => {
  const seed = 16_0009;
  const next = mulberry32(seed);

  beforeAll(async () => {
    await reset();
    // The previous schema, with entries written as its flush wrote them.
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS.filter((m) => m.name < "0008"));
    for (const id of ids.slice(0, 45)) await addUser(id, next);
    for (const id of ids.slice(0, 45)) for (const language of LANGUAGES) if (next() < 0.7) await upsert(id, language, LEADERBOARD_RANGES.map(() => secondsFrom(next))).run();
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  });

  it(`is built by the upgrade from the entries stored before it (seed ${seed})`, async () => {
    expect((await env.DB.prepare("SELECT count(*) AS n FROM board_entries WHERE listed = 1").first<{ n: number }>())!.n).toBeGreaterThan(50);
    await expectExact();
  });

  it(`stays exact through random writes, sharing flips and deletions (seed ${seed})`, { timeout: 180_000 }, async () => {
    for (let round = 0; round < 8; round++) {
      for (let i = 0; i < 25; i++) await randomWrite(next);
      await expectExact();
    }
  });

  it("uses the ladder the migration's triggers use (bucketSql)", async () => {
    const sql = env.TEST_MIGRATIONS.find((m) => m.name.startsWith("0009"))!.queries.join("\n");
    for (const column of ["NEW.`last_7_days`", "OLD.`this_month`", "`last_30_days`"]) expect(sql).toContain(bucketSql(column));
    const values = [0, 0.5, 59.99, 60, 599.5, 600, 899, 900, 3599.9, 3600, 5399, 5400, 35_999.9, 36_000, 359_999.5, 360_000, 395_999, 396_000, 2_592_000];
    const { results } = await env.DB.prepare(`SELECT value AS s, ${bucketSql("value")} AS lo FROM json_each(?)`).bind(JSON.stringify(values)).all<{ s: number; lo: number }>();
    expect(results.map((r) => r.lo)).toEqual(values.map(bucketOf));
  });
});

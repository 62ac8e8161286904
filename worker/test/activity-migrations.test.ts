/**
 * The Durable Object's own migrations upgrade a log written under an older schema in place:
 * here a log in 0000's layout (rowid table, unique id, time index) is migrated to the
 * `(time, id)` WITHOUT ROWID table of 0001, and keeps every heartbeat, its dedupe and its totals.
 */
import { runInDurableObject } from "cloudflare:test";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import { beforeEach, describe, expect, it } from "vitest";
import migrations from "../drizzle/activity/migrations.js";
import { projectDaysOf, type DayActivity } from "@kodo/core";
import { aUser, freshStorage, getJson, postBeats, stubFor, wire } from "./helpers.ts";

beforeEach(freshStorage);

/** 0000's statements that create the heartbeat log (table and time index). */
function logStatementsOf0000(): string[] {
  const m0000 = (migrations as unknown as { migrations: Record<string, string> }).migrations.m0000!;
  return m0000.split("--> statement-breakpoint").filter((s) => /\bheartbeats\b/.test(s));
}

/** Tables that migrations after 0001 create (they must be gone for those migrations to re-run). */
function tablesCreatedAfter0001(): string[] {
  const all = (migrations as unknown as { migrations: Record<string, string> }).migrations;
  return Object.keys(all)
    .filter((k) => Number(k.slice(1)) > 1)
    .flatMap((k) => [...all[k]!.matchAll(/CREATE TABLE `([^`]+)`/g)].map((m) => m[1]!));
}

describe("activity log migration 0001", () => {
  it("moves a 0000-layout log to the (time, id) table: same rows, dedupe kept, same totals", async () => {
    const user = await aUser();
    const now = Math.floor(Date.now() / 1000);
    const beats = Array.from({ length: 40 }, (_, i) => wire(now - 3000 + i * 60, { entity: `/src/f${i % 4}.ts`, project: i < 20 ? "a" : "b" }));
    expect((await postBeats(user.key, beats)).status).toBe(201);
    const range = `start=${new Date((now - 3000) * 1000).toISOString().slice(0, 10)}&end=${new Date(now * 1000).toISOString().slice(0, 10)}`;
    const before = await getJson(`/api/v1/users/current/summaries?${range}`, user.key);

    // Rebuild the log as 0000 left it, with the same rows, and forget that 0001 (and later) ran.
    await runInDurableObject(stubFor(user.id), async (_instance, state) => {
      const sql = state.storage.sql;
      const rows = sql.exec("SELECT * FROM heartbeats").toArray();
      expect(rows).toHaveLength(40);
      sql.exec("DROP TABLE heartbeats");
      for (const stmt of logStatementsOf0000()) sql.exec(stmt);
      for (const r of rows) {
        const cols = Object.keys(r);
        sql.exec(`INSERT INTO heartbeats (${cols.join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`, ...cols.map((c) => r[c]!));
      }
      // Forget 0001 and every migration after it; the later ones re-run on tables dropped here.
      const applied = sql.exec<{ created_at: number }>("SELECT created_at FROM __drizzle_migrations ORDER BY created_at").toArray();
      sql.exec("DELETE FROM __drizzle_migrations WHERE created_at >= ?", applied[1]!.created_at);
      for (const table of tablesCreatedAfter0001()) sql.exec(`DROP TABLE IF EXISTS "${table}"`);
      sql.exec("ALTER TABLE days DROP COLUMN summary"); // added by 0004 to a table of 0000's
      expect(sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'heartbeats'").one().sql).not.toMatch(/WITHOUT ROWID/);

      await migrate(drizzle(state.storage), migrations);

      const table = sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'heartbeats'").one().sql;
      expect(table).toMatch(/PRIMARY KEY\(`time`, `id`\)\s*\) WITHOUT ROWID/);
      expect(sql.exec("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'heartbeats' AND sql IS NOT NULL").toArray()).toEqual([]);
      const after = sql.exec("SELECT * FROM heartbeats ORDER BY time, id").toArray();
      const sorted = [...rows].sort((a, b) => (a.time as number) - (b.time as number) || String(a.id).localeCompare(String(b.id)));
      expect(after).toEqual(sorted);
    });

    // The same heartbeats again are all duplicates (the id still decides), and nothing moved.
    const again = await postBeats(user.key, beats);
    const statuses = ((await again.json()) as { responses: [unknown, number][] }).responses.map((r) => r[1]);
    expect(statuses).toEqual(beats.map(() => 202));
    expect(await stubFor(user.id).heartbeatCount()).toBe(40);
    expect(await getJson(`/api/v1/users/current/summaries?${range}`, user.key)).toEqual(before);
  });
});

describe("activity migration 0004 (day summaries)", () => {
  it("cuts the summary of every day computed before it, so reads answer as before", async () => {
    const user = await aUser();
    const now = Math.floor(Date.now() / 1000);
    const beats = Array.from({ length: 30 }, (_, i) => wire(now - 2 * 86400 - 3000 + i * 200, { entity: `/src/g${i % 3}.ts`, branch: `b${i % 2}` }));
    expect((await postBeats(user.key, beats)).status).toBe(201);
    const start = new Date((now - 3 * 86400) * 1000).toISOString().slice(0, 10);
    const end = new Date(now * 1000).toISOString().slice(0, 10);
    const read = () => Promise.all([getJson(`/api/v1/users/current/summaries?start=${start}&end=${end}`, user.key), getJson(`/api/v1/users/current/durations?date=${start}`, user.key)]);
    const before = await read();
    expect(JSON.stringify(before[0])).toContain("TypeScript");

    // The days as they were before 0004: no summary column, `data` only; forget that 0004 ran.
    await runInDurableObject(stubFor(user.id), async (_instance, state) => {
      const sql = state.storage.sql;
      expect(sql.exec<{ n: number }>("SELECT count(*) AS n FROM days WHERE summary IS NOT NULL").one().n).toBeGreaterThan(0);
      sql.exec("ALTER TABLE days DROP COLUMN summary");
      sql.exec("DROP TABLE day_projects"); // 0005's, re-created when it re-runs
      const applied = sql.exec<{ created_at: number }>("SELECT created_at FROM __drizzle_migrations ORDER BY created_at").toArray();
      sql.exec("DELETE FROM __drizzle_migrations WHERE created_at >= ?", applied[4]!.created_at);
      await migrate(drizzle(state.storage), migrations);
      const rows = sql.exec<{ data: string; summary: string | null }>("SELECT data, summary FROM days WHERE data IS NOT NULL").toArray();
      for (const r of rows) {
        const { sessions, ...rest } = JSON.parse(r.data) as { sessions: unknown[] };
        if (sessions.length === 0) expect(r.summary).toBeNull();
        else expect(JSON.parse(r.summary!)).toEqual(rest);
      }
    });
    expect(await read()).toEqual(before);
  });
});

describe("activity migration 0005 (day projects)", () => {
  it("backfills every day's per-project record from its sessions, as the day store writes it", async () => {
    const user = await aUser({ timeZone: "Asia/Tokyo" });
    const now = Math.floor(Date.now() / 1000);
    // Blocks of six beats 4.5 h apart over four days: three projects and none, coding and debugging.
    const beats = Array.from({ length: 120 }, (_, i) => {
      const block = Math.floor(i / 6);
      return wire(now - 4 * 86400 + block * 16200 + (i % 6) * 125, { project: ["kodo", "web", null, "docs"][block % 4], category: block % 3 === 0 ? "debugging" : "coding", entity: `/src/h${i % 3}.ts` });
    });
    expect((await postBeats(user.key, beats)).status).toBe(201);
    const settings = { timeZone: "Asia/Tokyo", keystrokeTimeoutMinutes: 15 };
    const stub = stubFor(user.id);
    const start = new Date((now - 6 * 86400) * 1000).toISOString().slice(0, 10);
    const end = new Date((now + 86400) * 1000).toISOString().slice(0, 10);
    const written = (await stub.daysBetween(user.id, settings, start, end, { sessions: true })).map((t) => JSON.parse(t) as DayActivity);
    expect(written.length).toBeGreaterThan(2);
    const choices = ["all", ["kodo"], ["web", "docs"], ["nope"]] as const;
    const recorded = await Promise.all(choices.map((p) => stub.projectDays(user.id, settings, start, end, p === "all" ? p : [...p])));
    choices.forEach((p, i) => expect(recorded[i]).toEqual(projectDaysOf(written, p)));
    expect(recorded[0]!.some((d) => d.codingMs < d.allMs)).toBe(true);

    // An object as the schema before 0005 left it: no day_projects; forget that 0005 ran.
    await runInDurableObject(stub, async (_instance, state) => {
      const sql = state.storage.sql;
      const before = sql.exec("SELECT * FROM day_projects ORDER BY day, project").toArray();
      expect(before.length).toBeGreaterThan(written.length);
      sql.exec("DROP TABLE day_projects");
      const applied = sql.exec<{ created_at: number }>("SELECT created_at FROM __drizzle_migrations ORDER BY created_at").toArray();
      expect(applied).toHaveLength(6);
      sql.exec("DELETE FROM __drizzle_migrations WHERE created_at >= ?", applied[5]!.created_at);

      await migrate(drizzle(state.storage), migrations);

      expect(sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'day_projects'").one().sql).toMatch(/WITHOUT ROWID/);
      expect(sql.exec("SELECT * FROM day_projects ORDER BY day, project").toArray()).toEqual(before);
    });
    // Reads after the upgrade answer as before it.
    for (const [i, p] of choices.entries()) expect(await stub.projectDays(user.id, settings, start, end, p === "all" ? p : [...p])).toEqual(recorded[i]);
  });
});

/**
 * What the flush writes to D1 (issue 16, docs/scale.md "What to watch next"):
 * - an entry D1 already holds is updated in the figures that changed only, so the midnight
 *   refresh (mostly the day counts) writes one row instead of the row and its four indexes; an
 *   update that finds no row is inserted again by the next flush;
 * - flushes are at least the flush interval apart (FLUSH_MIN_INTERVAL_SECONDS, default 15 min):
 *   the alarm postpones a flush due sooner, and flushes once the interval has passed;
 * - a heartbeat deletion is not held back by the interval.
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import type { Meta } from "../src/activity/meta.ts";
import { aUser, call, freshStorage, postBeats, stubFor, wire, type TestUser } from "./helpers.ts";

const entries = (u: TestUser) => env.DB.prepare("SELECT language, last_7_days AS d7, week_days FROM board_entries WHERE user_id = ? ORDER BY language").bind(u.id).all<any>().then((r) => r.results);
const meta = (u: TestUser) => runInDurableObject(stubFor(u.id), (instance: unknown) => (instance as { meta: Meta }).meta);
type Internals = { meta: Meta; lastActivityAt: number; armedFor: number | null };

beforeEach(freshStorage);

describe("the flush's D1 writes", () => {
  it("updates only the figures that changed: a refresh of the day counts writes one row per entry", async () => {
    const u = await aUser();
    const t = Date.now() / 1000 - 86_400;
    await postBeats(u.key, [wire(t), wire(t + 600)]);
    const first = await stubFor(u.id).flush();
    expect(first.entriesWritten).toBe(2); // all coding time, and the language
    const before = await entries(u);
    // As after a local midnight: what was written differs in the week's day count only.
    await runInDurableObject(stubFor(u.id), async (instance: unknown) => {
      const m = (instance as Internals).meta;
      const written = m.boardWritten();
      const shifted = Object.fromEntries(Object.entries(written).map(([k, v]) => [k, JSON.stringify((JSON.parse(v) as number[]).map((x, i) => (i === 5 ? x + 1 : x)))]));
      m.setBoard(shifted, m.boardRefreshAt(), Date.now() / 1000 - 3600);
    });
    const refresh = await stubFor(u.id).flush();
    expect(refresh.entriesWritten).toBe(2);
    expect(refresh.rowsWritten).toBe(2); // the rows alone: no index entry moves
    expect(await entries(u)).toEqual(before);
  });

  it("inserts again an entry D1 lost, at the next flush", async () => {
    const u = await aUser();
    const t = Date.now() / 1000 - 86_400;
    await postBeats(u.key, [wire(t), wire(t + 600)]);
    await stubFor(u.id).flush();
    const before = await entries(u);
    await env.DB.prepare("DELETE FROM board_entries WHERE user_id = ? AND language = ''").bind(u.id).run();
    await runInDurableObject(stubFor(u.id), async (instance: unknown) => {
      const m = (instance as Internals).meta;
      m.setBoard({ ...m.boardWritten(), "": "[1,1,1,1,0,1,1]" }, m.boardRefreshAt(), 0);
    });
    await stubFor(u.id).flush(); // the update finds no row
    expect((await entries(u)).length).toBe(1);
    await stubFor(u.id).flush();
    expect(await entries(u)).toEqual(before);
  });
});

describe("the flush interval", () => {
  it("postpones a flush due sooner than the interval after the previous one, then flushes", async () => {
    const u = await aUser();
    const t = Date.now() / 1000 - 86_400;
    await postBeats(u.key, [wire(t), wire(t + 600)]);
    // Pending for two hours (past the quiet period and the bound), but flushed a minute ago.
    const now = Date.now() / 1000;
    await runInDurableObject(stubFor(u.id), async (instance: unknown, state: DurableObjectState) => {
      const i = instance as Internals;
      i.meta.setPendingSince(now - 7200);
      i.lastActivityAt = now - 7200;
      i.armedFor = now - 3600;
      i.meta.setBoard({}, null, now - 60);
      await state.storage.setAlarm(Date.now() - 1000);
    });
    expect(await runDurableObjectAlarm(stubFor(u.id))).toBe(true);
    expect(await entries(u)).toEqual([]);
    const alarm = await runInDurableObject(stubFor(u.id), (_, state) => state.storage.getAlarm());
    // Re-armed for 15 minutes after the previous flush.
    expect(Math.abs(alarm! / 1000 - (now - 60 + 900))).toBeLessThan(5);
    // The interval has passed: the alarm flushes.
    await runInDurableObject(stubFor(u.id), async (instance: unknown, state: DurableObjectState) => {
      (instance as Internals).meta.setBoard({}, null, now - 901);
      await state.storage.setAlarm(Date.now() - 1000);
    });
    expect(await runDurableObjectAlarm(stubFor(u.id))).toBe(true);
    expect((await entries(u)).map((e: any) => [e.language, e.d7])).toEqual([["", 600], ["TypeScript", 600]]);
    expect(Math.abs((await meta(u)).flushedAt()! - Date.now() / 1000)).toBeLessThan(60);
  });

  it("does not hold back a heartbeat deletion", async () => {
    const u = await aUser();
    const t = Date.now() / 1000 - 86_400;
    await postBeats(u.key, [wire(t), wire(t + 600)]);
    await stubFor(u.id).flush();
    expect((await meta(u)).flushedAt()).not.toBeNull();
    const res = await call("/api/kodo/account/heartbeats/delete", { method: "POST", key: u.key, body: JSON.stringify({ project: "kodo" }) });
    expect(await res.json()).toEqual({ deleted: 2, done: true });
    expect((await meta(u)).flushedAt()).toBeNull();
  });
});

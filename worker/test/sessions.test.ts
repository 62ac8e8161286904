import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { clearKeyCache } from "../src/stores/accounts.ts";
import type { Meta } from "../src/activity/meta.ts";
import { aUser, expectedTotals, freshStorage, getJson, postBeats, stubFor, sum, wire } from "./helpers.ts";

beforeEach(freshStorage);

/** 2026-10-05 09:00 UTC, a Monday well in the past. */
const T = Date.UTC(2026, 9, 5, 9, 0, 0) / 1000;

/** A day of work: bursts across three projects with a lunch break, times jittered deterministically. */
function aWorkday(start: number, seed = 1) {
  const beats: ReturnType<typeof wire>[] = [];
  let t = start;
  let s = seed;
  const rnd = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  const projects = ["kodo", "site", "infra"];
  for (let i = 0; i < 240; i++) {
    t += 30 + Math.floor(rnd() * 90);
    if (i === 120) t += 3600; // lunch: longer than the timeout
    const project = projects[Math.floor(i / 40) % 3]!;
    beats.push(wire(t, { project, language: i % 7 === 0 ? "Go" : "TypeScript", entity: `/src/${project}/${i % 5}.ts` }));
  }
  return beats;
}

const keyed = (beats: ReturnType<typeof wire>[], dim: "project" | "language" = "project") =>
  beats.map((b) => ({ time: b.time, key: `${b.project}|${b.language}|${b.branch}|${dim === "project" ? b.project : b.language}` }));

describe("sessions through the API", () => {
  it("summaries match totals computed independently from the heartbeat times", async () => {
    const u = await aUser();
    const beats = aWorkday(T);
    for (let i = 0; i < beats.length; i += 100) await postBeats(u.key, beats.slice(i, i + 100));
    const summary = await getJson("/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-05", u.key);
    const expected = expectedTotals(keyed(beats));
    expect(summary.data[0].grand_total.total_seconds).toBeCloseTo(sum(expected), 1);
    for (const project of ["kodo", "site", "infra"]) {
      const exp = [...expected].filter(([k]) => k.startsWith(`${project}|`)).reduce((a, [, v]) => a + v, 0);
      const got = summary.data[0].projects.find((p: any) => p.name === project)?.total_seconds ?? 0;
      expect(got, project).toBeCloseTo(exp, 1);
    }
    expect(summary.cumulative_total.seconds).toBeCloseTo(sum(expected), 1);
  });

  it("re-merges a day when a late, out-of-order batch arrives", async () => {
    const u = await aUser();
    const beats = aWorkday(T, 7);
    const early = beats.filter((_, i) => i % 3 !== 0);
    const late = beats.filter((_, i) => i % 3 === 0).reverse();
    await postBeats(u.key, early);
    const partial = await getJson("/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-05", u.key);
    expect(partial.data[0].grand_total.total_seconds).toBeCloseTo(sum(expectedTotals(keyed(early))), 1);
    await stubFor(u.id).flush();
    await postBeats(u.key, late);
    const full = await getJson("/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-05", u.key);
    expect(full.data[0].grand_total.total_seconds).toBeCloseTo(sum(expectedTotals(keyed(beats))), 1);
  });

  it("writes the user's board entries on the alarm, only those that changed, and no day rows", async () => {
    const u = await aUser();
    // Two days ago and yesterday, 09:00 UTC: inside every board range.
    const W = Math.floor(Date.now() / 86_400_000) * 86_400 - 2 * 86_400 + 9 * 3600;
    const beats = [...aWorkday(W), ...aWorkday(W + 86_400, 3)];
    for (let i = 0; i < beats.length; i += 100) await postBeats(u.key, beats.slice(i, i + 100));
    const entries = () =>
      env.DB.prepare("SELECT language, last_7_days AS seconds, week_days, updated_at FROM board_entries WHERE user_id = ? ORDER BY language").bind(u.id).all<any>();
    expect((await entries()).results).toEqual([]);
    expect(await runDurableObjectAlarm(stubFor(u.id))).toBe(true);
    const rows = (await entries()).results;
    expect(rows.map((r) => r.language)).toEqual(["", "Go", "TypeScript"]);
    const byLanguage = expectedTotals(keyed(beats, "language"));
    expect(rows[0].seconds).toBeCloseTo(sum(byLanguage), 1); // all of it is coding
    expect(rows[1].seconds).toBeCloseTo(sum(new Map([...byLanguage].filter(([k]) => k.endsWith("|Go")))), 1);

    // A late Zig heartbeat yesterday changes all coding time and a new Zig row; TypeScript and Go stay.
    await postBeats(u.key, [wire(W + 86_400 + 40_000, { language: "Zig" }), wire(W + 86_400 + 40_100, { language: "Zig" })]);
    const result = await stubFor(u.id).flush();
    expect(result).toMatchObject({ daysChanged: 1, entriesWritten: 2 });
    const after = (await entries()).results;
    expect(after.map((r) => [r.language, r.updated_at === rows.find((x) => x.language === r.language)?.updated_at])).toEqual([
      ["", false],
      ["Go", true],
      ["TypeScript", true],
      ["Zig", false],
    ]);
    expect(after[3].seconds).toBe(100);
    expect(after[0].seconds).toBeCloseTo(rows[0].seconds + 100, 1);

    // Nothing changed: nothing written. D1 holds no day rows; reads come from the object.
    expect(await stubFor(u.id).flush()).toEqual({ daysChanged: 0, entriesWritten: 0, rowsWritten: 0 });
    expect((await env.DB.prepare("SELECT count(*) AS n FROM daily_activity").first<{ n: number }>())!.n).toBe(0);
    const day = new Date((W + 86_400) * 1000).toISOString().slice(0, 10);
    const s = await getJson(`/api/v1/users/current/summaries?start=${day}&end=${day}`, u.key);
    expect(s.data[0].languages.find((l: any) => l.name === "Zig").total_seconds).toBe(100);
    // The alarm armed by the late heartbeats finds nothing to write and comes back at the next
    // UTC midnight, when the ranges move.
    expect(await runDurableObjectAlarm(stubFor(u.id))).toBe(true);
    const alarm = await runInDurableObject(stubFor(u.id), (_, state) => state.storage.getAlarm());
    expect(alarm).toBe(Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000);
  });

  it("recomputes the board when its refresh time comes, with nothing else pending", async () => {
    const u = await aUser({ timeZone: "Asia/Tokyo" });
    const t = Date.now() / 1000 - 86_400;
    await postBeats(u.key, [wire(t), wire(t + 600)]);
    await stubFor(u.id).flush();
    const entry = () => env.DB.prepare("SELECT last_7_days AS d7, this_week AS week, week_days FROM board_entries WHERE user_id = ? AND language = ''").bind(u.id).first<any>();
    const fresh = await entry();
    expect(fresh.d7).toBe(600);
    // Midnight in Tokyo has come (the refresh time is due), and what was written then no longer
    // matches the user's days (as when a day leaves the range): the alarm rewrites the entry.
    await env.DB.prepare("UPDATE board_entries SET last_7_days = 1 WHERE user_id = ?").bind(u.id).run();
    await runInDurableObject(stubFor(u.id), async (instance: unknown, state: DurableObjectState) => {
      const meta = (instance as { meta: Meta }).meta;
      meta.setBoard({ ...meta.boardWritten(), "": "[1,1,1,1,0,1,1]" }, Date.now() / 1000 - 1, Date.now() / 1000 - 3600);
      await state.storage.setAlarm(Date.now() + 60_000);
    });
    expect(await runDurableObjectAlarm(stubFor(u.id))).toBe(true);
    expect(await entry()).toEqual(fresh);
    // ...and re-arms for Tokyo's next midnight.
    const alarm = await runInDurableObject(stubFor(u.id), (_, state) => state.storage.getAlarm());
    expect((alarm! / 1000 + 9 * 3600) % 86_400).toBe(0);
    expect(alarm! - Date.now()).toBeLessThanOrEqual(86_400_000);
  });

  it("splits at the user's midnight, not UTC's", async () => {
    const u = await aUser({ timeZone: "America/New_York" });
    // 2026-10-05 23:50 .. 2026-10-06 00:10 in New York (UTC-4) = 03:50..04:10 UTC on the 6th
    const start = Date.UTC(2026, 9, 6, 3, 50) / 1000;
    const beats = Array.from({ length: 21 }, (_, i) => wire(start + i * 60));
    await postBeats(u.key, beats);
    const s = await getJson("/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-06", u.key);
    expect(s.data.map((d: any) => [d.range.date, d.grand_total.total_seconds])).toEqual([
      ["2026-10-05", 600],
      ["2026-10-06", 600],
    ]);
    expect(s.data[0].range.timezone).toBe("America/New_York");
    // the same instants viewed in UTC fall on one day
    const utc = await getJson("/api/v1/users/current/summaries?start=2026-10-06&end=2026-10-06&timezone=UTC", u.key);
    expect(utc.data[0].grand_total.total_seconds).toBe(1200);
  });

  it("recomputes history when the keystroke timeout changes", async () => {
    const u = await aUser();
    await postBeats(u.key, [wire(T), wire(T + 1200), wire(T + 1260)]); // a 20 min gap, then 1 min
    const before = await getJson("/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-05", u.key);
    expect(before.data[0].grand_total.total_seconds).toBe(60);
    await stubFor(u.id).flush();
    await env.DB.prepare("UPDATE user_settings SET keystroke_timeout_minutes = 30 WHERE user_id = ?").bind(u.id).run();
    clearKeyCache(); // the settings route (accounts) does this when a user changes settings
    const after = await getJson("/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-05", u.key);
    expect(after.data[0].grand_total.total_seconds).toBe(1260);
  });

  it("resolves <<LAST_PROJECT>> from the previous heartbeat", async () => {
    const u = await aUser();
    await postBeats(u.key, [wire(T, { project: "kodo" }), wire(T + 60, { project: "<<LAST_PROJECT>>" }), wire(T + 120, { project: "<<LAST_PROJECT>>" })]);
    const s = await getJson("/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-05", u.key);
    expect(s.data[0].projects.map((p: any) => [p.name, p.total_seconds])).toEqual([["kodo", 120]]);
  });
});

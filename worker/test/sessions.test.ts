import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { clearKeyCache } from "../src/stores/accounts.ts";
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

  it("flushes changed days to D1 on the alarm, and only changed days", async () => {
    const u = await aUser();
    await postBeats(u.key, [...aWorkday(T), ...aWorkday(T + 86_400, 3)]);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM daily_activity").first<{ n: number }>())!.n).toBe(0);
    expect(await runDurableObjectAlarm(stubFor(u.id))).toBe(true);
    const rows = await env.DB.prepare("SELECT day, total_seconds, updated_at FROM daily_activity WHERE user_id = ? ORDER BY day").bind(u.id).all<any>();
    expect(rows.results.map((r) => r.day)).toEqual(["2026-10-05", "2026-10-06"]);
    expect(rows.results[0].total_seconds).toBeCloseTo(sum(expectedTotals(keyed(aWorkday(T)))), 1);

    // a late heartbeat on the second day only rewrites that day's row
    await postBeats(u.key, [wire(T + 86_400 + 30_000, { project: "late" }), wire(T + 86_400 + 30_100, { project: "late" })]);
    const result = await stubFor(u.id).flush();
    expect(result.daysWritten).toBe(1);
    const after = await env.DB.prepare("SELECT day, updated_at FROM daily_activity WHERE user_id = ? ORDER BY day").bind(u.id).all<any>();
    expect(after.results[0].updated_at).toBe(rows.results[0].updated_at);
    expect(after.results[1].updated_at).not.toBe(rows.results[1].updated_at);

    // nothing changed: nothing written
    expect((await stubFor(u.id).flush()).daysWritten).toBe(0);
    // reads after the flush come from D1 and still agree
    const s = await getJson("/api/v1/users/current/summaries?start=2026-10-06&end=2026-10-06", u.key);
    expect(s.data[0].projects.find((p: any) => p.name === "late").total_seconds).toBe(100);
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

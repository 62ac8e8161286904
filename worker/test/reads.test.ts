import { beforeEach, describe, expect, it } from "vitest";
import { aUser, call, freshStorage, getJson, postBeats, stubFor, wire } from "./helpers.ts";

beforeEach(freshStorage);

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;

/** 30 beats a minute apart from `start`: 29 minutes of activity. */
const run = (start: number, overrides: Record<string, unknown> = {}) => Array.from({ length: 30 }, (_, i) => wire(start + i * 60, overrides));

describe("read routes", () => {
  it("serves stats over named ranges, with best day and averages", async () => {
    const u = await aUser();
    const now = Math.floor(Date.now() / 1000);
    const today = new Date(now * 1000).toISOString().slice(0, 10);
    const twoDaysAgo = day(today) - 2 * 86_400 + 3600;
    await postBeats(u.key, [...run(twoDaysAgo, { project: "a" }), ...run(twoDaysAgo + 86_400, { project: "b", language: "Go" })]);
    const stats = await getJson("/api/v1/users/current/stats/last_7_days", u.key);
    expect(stats.data.total_seconds).toBe(2 * 29 * 60);
    expect(stats.data.range).toBe("last_7_days");
    expect(stats.data.days_including_holidays).toBe(7);
    expect(stats.data.daily_average).toBeCloseTo((2 * 29 * 60) / 7, 1);
    expect(stats.data.projects.map((p: any) => [p.name, p.percent])).toEqual([
      ["a", 50],
      ["b", 50],
    ]);
    expect(stats.data.languages.map((l: any) => l.name).sort()).toEqual(["Go", "TypeScript"]);
    expect(stats.data.best_day.total_seconds).toBe(29 * 60);
    const yesterday = await getJson("/api/v1/users/current/stats/yesterday", u.key);
    expect(yesterday.data.total_seconds).toBe(29 * 60);
    expect(yesterday.data.projects[0].name).toBe("b");
    const defaultRange = await getJson("/api/v1/users/current/stats", u.key);
    expect(defaultRange.data.range).toBe("last_7_days");
    const allTime = await getJson("/api/v1/users/current/all_time_since_today", u.key);
    expect(allTime.data.total_seconds).toBe(2 * 29 * 60);
    expect(allTime.data.range.start_date).toBe(new Date(twoDaysAgo * 1000).toISOString().slice(0, 10));
    const allTimeA = await getJson("/api/v1/users/current/all_time_since_today?project=a", u.key);
    expect(allTimeA.data.total_seconds).toBe(29 * 60);
  });

  it("adds up stats over D1's days and the live ones alike (one superseding a flushed day)", async () => {
    const u = await aUser();
    const now = Math.floor(Date.now() / 1000);
    const today = new Date(now * 1000).toISOString().slice(0, 10);
    const at = (daysAgo: number, hour: number) => day(today) - daysAgo * 86_400 + hour * 3600;
    // Four flushed days; days 5 and 4 ago tie (29 min each) and are the best: the earlier wins.
    await postBeats(u.key, [
      ...run(at(5, 9), { project: "a" }),
      ...run(at(4, 9), { project: "b", language: "Go" }),
      ...run(at(3, 9), { project: "a" }).slice(0, 10),
      ...run(at(2, 9), { project: "c", language: "Rust" }).slice(0, 20),
    ]);
    await stubFor(u.id).flush();
    // Then more on a flushed day (its live version replaces D1's) and on a day D1 never saw.
    await postBeats(u.key, [...run(at(3, 14), { project: "b" }).slice(0, 5), ...run(at(1, 9), { project: "a", language: "Go" }).slice(0, 15)]);

    const viaStore = (await getJson("/api/v1/users/current/stats/last_7_days", u.key)).data;
    expect(viaStore.total_seconds).toBe((29 + 29 + 9 + 4 + 19 + 14) * 60);
    expect(viaStore.days_minus_holidays).toBe(5);
    expect(viaStore.best_day).toMatchObject({ date: new Date(at(5, 9) * 1000).toISOString().slice(0, 10), total_seconds: 29 * 60 });
    expect(viaStore.projects.map((p: any) => [p.name, p.total_seconds])).toEqual([
      ["a", (29 + 9 + 14) * 60],
      ["b", (29 + 4) * 60],
      ["c", 19 * 60],
    ]);
    // The same range re-cut from the sessions for "Etc/UTC" (UTC's days under another name):
    // identical figures.
    const viaDays = (await getJson("/api/v1/users/current/stats/last_7_days?timezone=Etc/UTC", u.key)).data;
    expect(viaDays.timezone).toBe("Etc/UTC");
    expect({ ...viaStore, timezone: null }).toEqual({ ...viaDays, timezone: null });
  });

  it("serves summaries by range name, with project and branch filters", async () => {
    const u = await aUser();
    const t = day("2026-10-05") + 9 * 3600;
    await postBeats(u.key, [...run(t, { project: "a", branch: "main" }), ...run(t + 3600, { project: "a", branch: "feat" }), ...run(t + 7200, { project: "b" })]);
    const all = await getJson("/api/v1/users/current/summaries?start=2026-10-04&end=2026-10-06", u.key);
    expect(all.data).toHaveLength(3);
    expect(all.data.map((d: any) => d.grand_total.total_seconds)).toEqual([0, 3 * 29 * 60, 0]);
    expect(all.daily_average.days_minus_holidays).toBe(1);
    expect(all.data[1].branches).toBeUndefined();
    const a = await getJson("/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-05&project=a", u.key);
    expect(a.data[0].grand_total.total_seconds).toBe(2 * 29 * 60);
    expect(a.data[0].branches.map((b: any) => b.name).sort()).toEqual(["feat", "main"]);
    const feat = await getJson("/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-05&project=a&branches=feat", u.key);
    expect(feat.data[0].grand_total.total_seconds).toBe(29 * 60);
    const month = await getJson("/api/v1/users/current/summaries?range=2026-10", u.key);
    expect(month.data).toHaveLength(31);
    expect(month.cumulative_total.seconds).toBe(3 * 29 * 60);
  });

  it("answers summaries from D1's days (read without branch totals) and live days alike, as re-cut from sessions", async () => {
    const u = await aUser();
    const t = day("2026-10-05") + 9 * 3600;
    await postBeats(u.key, [
      ...run(t, { project: "a", branch: "main" }),
      ...run(t + 86_400, { project: "b", language: "Go", branch: "feat" }),
      ...run(t + 2 * 86_400, { project: '<b>&"c"', language: "Rust" }).slice(0, 12),
    ]);
    await stubFor(u.id).flush();
    // More on a flushed day (its live version replaces D1's) and on a day D1 never saw.
    await postBeats(u.key, [...run(t + 86_400 + 3600, { project: "live" }).slice(0, 6), ...run(t + 3 * 86_400, { branch: "x" }).slice(0, 3)]);
    const path = "/api/v1/users/current/summaries?start=2026-10-04&end=2026-10-09";
    const res = await call(path, { key: u.key });
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = await res.json<any>();
    expect(body.data.map((d: any) => d.projects.map((p: any) => [p.name, p.total_seconds]))).toEqual([
      [],
      [["a", 29 * 60]],
      [["b", 29 * 60], ["live", 5 * 60]],
      [['<b>&"c"', 11 * 60]],
      [["kodo", 2 * 60]],
      [],
    ]);
    expect(body.data.every((d: any) => d.branches === undefined)).toBe(true);
    expect(body.cumulative_total.seconds).toBe((29 + 29 + 5 + 11 + 2) * 60);
    expect(body.daily_average).toMatchObject({ holidays: 2, days_minus_holidays: 4, days_including_holidays: 6 });

    // The same days re-cut from their sessions, for a zone with UTC's days under another name.
    const recut = await getJson(`${path}&timezone=Etc/UTC`, u.key);
    const utc = (x: any) => JSON.parse(JSON.stringify(x).replaceAll('"timezone":"Etc/UTC"', '"timezone":"UTC"'));
    expect(utc(recut)).toEqual(body);
  });

  it("serves durations sliced by project or language, and the day's heartbeats", async () => {
    const u = await aUser();
    const t = day("2026-10-05") + 9 * 3600;
    await postBeats(u.key, [...run(t, { project: "a" }), ...run(t + 29 * 60 + 60, { project: "b", language: "Go" })]);
    const d = await getJson("/api/v1/users/current/durations?date=2026-10-05", u.key);
    expect(d.data.map((x: any) => [x.project, x.time, x.duration])).toEqual([
      ["a", t, 30 * 60], // the minute before the switch goes to "a"
      ["b", t + 30 * 60, 29 * 60],
    ]);
    const byLang = await getJson("/api/v1/users/current/durations?date=2026-10-05&slice_by=language", u.key);
    expect(byLang.data.map((x: any) => x.language)).toEqual(["TypeScript", "Go"]);
    const hb = await getJson("/api/v1/users/current/heartbeats?date=2026-10-05", u.key);
    expect(hb.data).toHaveLength(60);
    expect(hb.data[0]).toMatchObject({ entity: "/home/dev/kodo/src/app.ts", project: "a", lines: 120, lineno: 10, cursorpos: 4, is_write: false });
    expect(hb.data.map((h: any) => h.time)).toEqual([...hb.data.map((h: any) => h.time)].sort((x: number, y: number) => x - y));
    expect((await getJson("/api/v1/users/current/heartbeats?date=2026-10-06", u.key)).data).toEqual([]);
  });

  it("lists projects and the user", async () => {
    const u = await aUser();
    const t = day("2026-10-05") + 9 * 3600;
    await postBeats(u.key, [wire(t, { project: "old" }), wire(t + 86_400, { project: "new" })]);
    const projects = await getJson("/api/v1/users/current/projects", u.key);
    expect(projects.data.map((p: any) => p.name)).toEqual(["new", "old"]);
    expect((await getJson("/api/v1/users/current/projects?q=OL", u.key)).data.map((p: any) => p.name)).toEqual(["old"]);
    const me = await getJson("/api/v1/users/current", u.key);
    expect(me.data).toMatchObject({ id: u.id, timezone: "UTC", timeout: 15 });
  });

  it("refuses bad parameters with a 400 naming the problem", async () => {
    const u = await aUser();
    const bad: [string, RegExp][] = [
      ["/api/v1/users/current/summaries", /start and end/],
      ["/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-01", /start/],
      ["/api/v1/users/current/summaries?start=2026-02-30&end=2026-03-01", /start/],
      ["/api/v1/users/current/summaries?start=1900-01-01&end=2026-01-01", /start/],
      ["/api/v1/users/current/summaries?start=1970-01-01&end=2026-01-01", /too long/],
      ["/api/v1/users/current/heartbeats?date=9999-12-31", /date/],
      ["/api/v1/users/current/summaries?range=9999", /range/],
      ["/api/v1/users/current/summaries?range=forever", /range/],
      ["/api/v1/users/current/summaries?range=last_7_days&timezone=Mars/Base", /timezone/],
      ["/api/v1/users/current/stats/forever", /range/],
      ["/api/v1/users/current/durations", /date/],
      ["/api/v1/users/current/durations?date=2026-10-05&slice_by=mood", /slice_by/],
      ["/api/v1/users/current/durations?date=2026-10-05&slice_by=constructor", /slice_by/],
      ["/api/v1/users/current/durations?date=2026-10-05&slice_by=__proto__", /slice_by/],
      ["/api/v1/users/current/stats/constructor", /range/],
      ["/api/v1/users/current/heartbeats?date=yesterday", /date/],
    ];
    for (const [path, message] of bad) {
      const res = await call(path, { key: u.key });
      expect(res.status, path).toBe(400);
      expect((await res.json<any>()).error, path).toMatch(message);
    }
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import { dashboardViewSchema, projectViewSchema } from "../../core/src/http/routes/dashboard-schemas.ts";
import { asSession, signIn } from "./sign-in-helpers.ts";
import { aUser, call, expectedTotals, freshStorage, getJson, postBeats, stubFor, sum, UA_CLI, wire } from "./helpers.ts";

beforeEach(freshStorage);

const DAY = 86_400;
const utcDay = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
const midnightUtc = (t: number) => Math.floor(t / DAY) * DAY;
const UA_VIM = "wakatime/v1.90.0 (darwin-23.0-arm64) go1.22 vim/9.1 vim-wakatime/11.0";

/** `count` beats `everySeconds` apart from `start` with the given fields. */
const run = (start: number, count: number, everySeconds: number, fields: Record<string, unknown> = {}) =>
  Array.from({ length: count }, (_, i) => wire(start + i * everySeconds, fields));

interface Seeded {
  time: number;
  project: string;
  language: string;
  editor: string;
  machine: string;
  branch: string;
}

/**
 * Three days of mixed activity ending today (UTC user), posted through the heartbeat API in
 * two editors and from two machines. Returns the heartbeats as the test knows them, so
 * expected totals are computed here, independently of Kodo's merge code.
 */
async function seed(key: string, now: number): Promise<Seeded[]> {
  const today = midnightUtc(now);
  // Today's 25 minutes start at 00:01: just after midnight they lie in the future, which
  // the API accepts up to an hour ahead, so the plan holds at any time of day.
  const todayStart = today + 60;
  const plan: { start: number; count: number; every: number; f: Omit<Seeded, "time">; ua: string }[] = [
    { start: today - 2 * DAY + 9 * 3600, count: 40, every: 60, f: { project: "kodo", language: "TypeScript", editor: "VS Code", machine: "laptop", branch: "main" }, ua: UA_CLI },
    { start: today - 2 * DAY + 9 * 3600 + 40 * 60, count: 20, every: 90, f: { project: "kodo", language: "Go", editor: "VS Code", machine: "laptop", branch: "feat" }, ua: UA_CLI },
    { start: today - 2 * DAY + 14 * 3600, count: 30, every: 120, f: { project: "site", language: "Svelte", editor: "Vim", machine: "desk", branch: "main" }, ua: UA_VIM },
    { start: today - DAY + 22 * 3600, count: 50, every: 60, f: { project: "site", language: "TypeScript", editor: "Vim", machine: "desk", branch: "main" }, ua: UA_VIM },
    { start: todayStart, count: 25, every: 60, f: { project: "kodo", language: "TypeScript", editor: "VS Code", machine: "desk", branch: "main" }, ua: UA_CLI },
  ];
  const seeded: Seeded[] = [];
  for (const p of plan) {
    const beats = run(p.start, p.count, p.every, { project: p.f.project, language: p.f.language, branch: p.f.branch });
    const res = await postBeats(key, beats, undefined, { "user-agent": p.ua, "x-machine-name": p.f.machine });
    expect(res.status).toBe(201);
    for (const b of beats) seeded.push({ time: b.time, ...p.f });
  }
  return seeded;
}

/** Independent totals of the seeded beats matching `keep`, over [from, to). */
function expected(beats: Seeded[], keep: (b: Seeded) => boolean, from = -Infinity, to = Infinity): number {
  // A gap belongs to the earlier heartbeat: compute per-beat gaps over all beats, then keep.
  const keyed = beats.map((b, i) => ({ time: b.time, key: String(i) }));
  const gaps = expectedTotals(keyed);
  let total = 0;
  for (const [k, seconds] of gaps) {
    const b = beats[Number(k)]!;
    if (!keep(b)) continue;
    const start = Math.max(b.time, from);
    const end = Math.min(b.time + seconds, to);
    if (end > start) total += end - start;
  }
  return total;
}

describe("GET /api/kodo/dashboard", () => {
  it("answers one view whose totals match the seeded heartbeats, for several ranges", async () => {
    const u = await aUser();
    const now = Date.now() / 1000;
    const beats = await seed(u.key, now);
    const today = midnightUtc(now);
    const all = () => true;

    const week = await getJson("/api/kodo/dashboard?range=last_7_days", u.key);
    expect(dashboardViewSchema.safeParse(week).error).toBeUndefined(); // the documented shape
    expect(week.range).toMatchObject({ name: "last_7_days", end: utcDay(now), dayCount: 7 });
    expect(week.hasActivity).toBe(true);
    expect(week.totalSeconds).toBeCloseTo(expected(beats, all), 3);
    expect(week.todaySeconds).toBeCloseTo(expected(beats, all, today), 3);
    const byProject = Object.fromEntries(week.shares.project.map((p: any) => [p.name, p.seconds]));
    expect(byProject.kodo).toBeCloseTo(expected(beats, (b) => b.project === "kodo"), 3);
    expect(byProject.site).toBeCloseTo(expected(beats, (b) => b.project === "site"), 3);
    expect(week.shares.editor.map((e: any) => e.name).sort()).toEqual(["VS Code", "Vim"]);
    expect(week.shares.machine.map((e: any) => e.name).sort()).toEqual(["desk", "laptop"]);
    expect(week.shares.operatingSystem.map((e: any) => e.name).sort()).toEqual(["Linux", "Mac"]);
    const shareSum = week.shares.language.reduce((a: number, l: any) => a + l.seconds, 0);
    expect(shareSum).toBeCloseTo(week.totalSeconds, 3);
    expect(week.daily.bucket).toBe("day");
    expect(week.daily.labels.at(-1)).toBe(utcDay(now));
    for (const d of [2, 1, 0]) {
      const i = week.daily.labels.indexOf(utcDay(today - d * DAY));
      expect(week.daily.totals[i]).toBeCloseTo(expected(beats, all, today - d * DAY, today - (d - 1) * DAY), 3);
    }
    expect(sum(new Map(week.hours.map((h: number, i: number) => [String(i), h])))).toBeCloseTo(week.totalSeconds, 3);
    expect(week.stats.activeDays).toBe(3);
    expect(week.stats.streak.currentDays).toBe(3);
    expect(week.heatMap.end).toBe(utcDay(now));
    expect(week.heatMap.days.map((d: any) => d.day)).toEqual([2, 1, 0].map((d) => utcDay(today - d * DAY)));
    expect(week.timeline.day).toBe(utcDay(now));
    expect(week.timeline.entries.map((e: any) => e.project)).toEqual(["kodo"]);
    expect(week.options.project.map((p: any) => p.name).sort()).toEqual(["kodo", "site"]);

    const yesterday = await getJson("/api/kodo/dashboard?range=yesterday", u.key);
    expect(yesterday.totalSeconds).toBeCloseTo(expected(beats, all, today - DAY, today), 3);
    expect(yesterday.timeline.day).toBe(utcDay(today - DAY));
    expect(yesterday.todaySeconds).toBe(week.todaySeconds);

    const custom = await getJson(`/api/kodo/dashboard?start=${utcDay(today - 2 * DAY)}&end=${utcDay(today - 2 * DAY)}`, u.key);
    expect(custom.range.name).toBeNull();
    expect(custom.totalSeconds).toBeCloseTo(expected(beats, all, today - 2 * DAY, today - DAY), 3);

    const allTime = await getJson("/api/kodo/dashboard?range=all_time", u.key);
    expect(allTime.range.start).toBe(utcDay(today - 2 * DAY));
    expect(allTime.totalSeconds).toBeCloseTo(week.totalSeconds, 3);
  });

  it("computes combined filters from sessions, exactly", async () => {
    const u = await aUser();
    const now = Date.now() / 1000;
    const beats = await seed(u.key, now);
    const v = await getJson("/api/kodo/dashboard?range=last_7_days&project=kodo&language=TypeScript", u.key);
    expect(v.filter).toEqual({ project: "kodo", language: "TypeScript" });
    expect(v.totalSeconds).toBeCloseTo(expected(beats, (b) => b.project === "kodo" && b.language === "TypeScript"), 3);
    expect(v.shares.project.map((p: any) => p.name)).toEqual(["kodo"]);
    expect(v.options.project.map((p: any) => p.name).sort()).toEqual(["kodo", "site"]); // still offered
    const desk = await getJson("/api/kodo/dashboard?range=last_7_days&machine=desk&editor=Vim&branch=main", u.key);
    expect(desk.totalSeconds).toBeCloseTo(expected(beats, (b) => b.machine === "desk" && b.editor === "Vim" && b.branch === "main"), 3);
    const mac = await getJson("/api/kodo/dashboard?range=last_7_days&os=Mac", u.key);
    expect(mac.totalSeconds).toBeCloseTo(expected(beats, (b) => b.editor === "Vim"), 3); // Vim ran on the Mac
    const none = await getJson("/api/kodo/dashboard?range=last_7_days&project=kodo&editor=Vim", u.key);
    expect(none.totalSeconds).toBe(0);
    expect(none.heatMap.days).toEqual([]);
  });

  it("includes flushed days and days changed since, all from the Durable Object (D1 holds no days)", async () => {
    const u = await aUser();
    const now = Date.now() / 1000;
    const twoDaysAgo = midnightUtc(now) - 2 * DAY + 10 * 3600;
    await postBeats(u.key, run(twoDaysAgo, 31, 60, { project: "flushed" }));
    await stubFor(u.id).flush();
    const d1 = await import("cloudflare:workers").then(({ env }) => env.DB.prepare("SELECT (SELECT count(*) FROM daily_activity) AS days, (SELECT count(*) FROM board_entries WHERE user_id = ?) AS entries").bind(u.id).first<{ days: number; entries: number }>());
    expect(d1).toEqual({ days: 0, entries: 2 }); // all coding time and TypeScript
    await postBeats(u.key, run(twoDaysAgo + DAY, 21, 60, { project: "live" }));
    const v = await getJson("/api/kodo/dashboard?range=last_7_days", u.key);
    expect(v.shares.project.map((p: any) => [p.name, p.seconds])).toEqual([
      ["flushed", 30 * 60],
      ["live", 20 * 60],
    ]);
  });

  it("uses the user's time zone for days, hours and the timeline", async () => {
    const u = await aUser({ timeZone: "America/New_York" });
    const now = Date.now() / 1000;
    // 23:30-00:30 New York time, three days ago: split across two local days. The local
    // day's bounds come from the timeline (whatever the offset is that day).
    const threeDaysAgo = (await getJson("/api/kodo/dashboard?range=today", u.key)).today;
    const day3 = new Date(Date.parse(`${threeDaysAgo}T12:00:00Z`) - 3 * DAY * 1000).toISOString().slice(0, 10);
    const bounds = (await getJson(`/api/kodo/dashboard?range=today&day=${day3}`, u.key)).timeline;
    expect(bounds.dayEnd - bounds.dayStart).toBeGreaterThanOrEqual(23 * 3600);
    expect(new Date(bounds.dayStart * 1000).getUTCHours()).toBeGreaterThanOrEqual(4); // 00:00 local is 04:00/05:00 UTC
    const start = bounds.dayEnd - 30 * 60;
    await postBeats(u.key, run(start, 61, 60));
    const v = await getJson("/api/kodo/dashboard?range=last_7_days", u.key);
    expect(v.timeZone).toBe("America/New_York");
    expect(v.totalSeconds).toBe(3600);
    const nonZero = v.daily.totals.filter((t: number) => t > 0);
    expect(nonZero).toEqual([1800, 1800]);
    expect(v.hours[23]).toBe(1800);
    expect(v.hours[0]).toBe(1800);
    const day = v.daily.labels[v.daily.totals.indexOf(1800)];
    const timeline = await getJson(`/api/kodo/dashboard?range=last_7_days&day=${day}`, u.key);
    expect(timeline.timeline.entries).toHaveLength(1);
    expect(timeline.timeline.entries[0].end).toBe(timeline.timeline.dayEnd);
  });

  it("tells a new user apart, and refuses bad input with a JSON 4xx", async () => {
    const u = await aUser();
    const fresh = await getJson("/api/kodo/dashboard", u.key);
    expect(fresh.hasActivity).toBe(false);
    expect(fresh.range.name).toBe("last_7_days");
    expect(fresh.totalSeconds).toBe(0);
    const bad: [string, number, RegExp][] = [
      ["/api/kodo/dashboard?range=fortnight", 400, /range/],
      ["/api/kodo/dashboard?start=2026-01-01", 400, /start and end/],
      ["/api/kodo/dashboard?start=2026-01-05&end=2026-01-01", 400, /start and end/],
      ["/api/kodo/dashboard?start=2026-02-30&end=2026-03-01", 400, /start/],
      ["/api/kodo/dashboard?range=today&start=2026-01-01&end=2026-01-02", 400, /either/],
      ["/api/kodo/dashboard?start=1990-01-01&end=2026-01-01", 400, /too long/],
      ["/api/kodo/dashboard?day=yesterday", 400, /day/],
      [`/api/kodo/dashboard?project=${"x".repeat(300)}`, 400, /project/],
      ["/api/kodo/projects/nothing-here", 404, /project/],
    ];
    for (const [path, status, message] of bad) {
      const res = await call(path, { key: u.key });
      expect(res.status, path).toBe(status);
      expect((await res.json<{ error: string }>()).error).toMatch(message);
    }
    const anonymous = await call("/api/kodo/dashboard");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toHaveProperty("error");
  });
});

describe("GET /api/kodo/projects/{name}", () => {
  it("shows a project's languages, branches, days and files from the raw log", async () => {
    const u = await aUser();
    const now = Date.now() / 1000;
    const t = midnightUtc(now) - DAY + 9 * 3600;
    const beats = [
      ...run(t, 20, 60, { project: "kodo", entity: "/src/a.ts", branch: "main" }),
      ...run(t + 20 * 60, 10, 60, { project: "kodo", entity: "/src/b.go", language: "Go", branch: "feat" }),
      ...run(t + 30 * 60, 10, 60, { project: "other", entity: "/x.py", language: "Python" }),
    ];
    await postBeats(u.key, beats);
    const p = await getJson("/api/kodo/projects/kodo?range=last_7_days", u.key);
    expect(projectViewSchema.safeParse(p).error).toBeUndefined();
    expect(p.project).toBe("kodo");
    expect(p.totalSeconds).toBe(30 * 60); // the switch minute to "other" belongs to kodo's last file
    expect(p.files.map((f: any) => [f.entity, f.seconds, f.language])).toEqual([
      ["/src/a.ts", 20 * 60, "TypeScript"],
      ["/src/b.go", 10 * 60, "Go"],
    ]);
    expect(p.files.reduce((a: number, f: any) => a + f.seconds, 0)).toBe(p.totalSeconds);
    expect(p.shares.branch.map((b: any) => b.name)).toEqual(["main", "feat"]);
    expect(p.shares.language.map((b: any) => b.name)).toEqual(["TypeScript", "Go"]);
    expect(p.daily.totals.filter((x: number) => x > 0)).toEqual([30 * 60]);
    const feat = await getJson("/api/kodo/projects/kodo?range=last_7_days&branch=feat", u.key);
    expect(feat.totalSeconds).toBe(10 * 60);
    expect(feat.files.map((f: any) => f.entity)).toEqual(["/src/b.go"]);
    const spaced = await call(`/api/kodo/projects/${encodeURIComponent("my project")}`, { key: u.key });
    expect(spaced.status).toBe(404);
    await postBeats(u.key, run(t + 3 * 3600, 5, 60, { project: "my project" }), undefined, { "user-agent": UA_CLI });
    const named = await getJson(`/api/kodo/projects/${encodeURIComponent("my project")}?range=last_7_days`, u.key);
    expect(named.totalSeconds).toBe(4 * 60);
  });
});

describe("who may read a dashboard", () => {
  it("the signed-in user by their cookie, any key of theirs (read-only too), nobody else", async () => {
    const session = await signIn();
    const created = await call("/api/kodo/account/keys", asSession(session, { method: "POST", body: JSON.stringify({ label: "editor", scope: "full" }) }));
    expect(created.status).toBe(201);
    const { key } = await created.json<{ key: string }>();
    const t = midnightUtc(Date.now() / 1000) - DAY + 9 * 3600;
    await postBeats(key, run(t, 11, 60, { project: "mine" }));

    const byCookie = await call("/api/kodo/dashboard?range=last_7_days", { headers: { cookie: session.cookie } });
    expect(byCookie.status).toBe(200);
    expect(byCookie.headers.get("cache-control")).toBe("private, no-store");
    const view = await byCookie.json<{ totalSeconds: number; shares: { project: { name: string }[] } }>();
    expect(view.totalSeconds).toBe(600);
    expect(view.shares.project.map((p) => p.name)).toEqual(["mine"]);
    const project = await call("/api/kodo/projects/mine?range=last_7_days", { headers: { cookie: session.cookie } });
    expect(project.status).toBe(200);

    const readOnly = await call("/api/kodo/account/keys", asSession(session, { method: "POST", body: JSON.stringify({ label: "ci", scope: "read" }) }));
    const readKey = (await readOnly.json<{ key: string }>()).key;
    expect((await getJson("/api/kodo/dashboard?range=last_7_days", readKey)).totalSeconds).toBe(600);

    // Another user's key sees only their own (empty) dashboard; a forged cookie is refused.
    const other = await aUser();
    expect((await getJson("/api/kodo/dashboard?range=last_7_days", other.key)).totalSeconds).toBe(0);
    expect((await call("/api/kodo/projects/mine", { key: other.key })).status).toBe(404);
    const forged = await call("/api/kodo/dashboard", { headers: { cookie: "kodo.session_token=forged.value" } });
    expect(forged.status).toBe(401);
    expect((await forged.json<{ error: string }>()).error).toMatch(/sign in/i);
    expect((await call("/api/kodo/dashboard", { key: "waka_00000000-0000-4000-8000-000000000000" })).status).toBe(401);
  });
});

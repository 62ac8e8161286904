/**
 * Leaderboards against totals computed here, independently of Kodo's merge and ranking code,
 * from the seeded heartbeat times: users in five fixed-offset zones, each ranked over their own
 * local days; non-coding time left out; a day over the 18 h cap counted as 18 h and flagged.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { call, expectedTotals, freshStorage, getJson } from "./helpers.ts";
import { aSocialUser, befriend, block, dayPlus, localDay, localTime, seed, share, type Beat, type SocialUser } from "./social-fixtures.ts";

const CAP_SECONDS = 18 * 3600;
const RANGES = ["last_7_days", "last_30_days", "this_week", "this_month"] as const;
const now = Date.now() / 1000;

/** The user's local days of the range, as the README defines them. */
function rangeOf(range: (typeof RANGES)[number], zone: string): [string, string] {
  const today = localDay(now, zone);
  if (range === "last_7_days") return [dayPlus(today, -6), today];
  if (range === "last_30_days") return [dayPlus(today, -29), today];
  if (range === "this_month") return [`${today.slice(0, 8)}01`, today];
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  return [dayPlus(today, -weekday), today];
}

/** Coding seconds (or a language's seconds, capped at the day's coding) per local day, then capped. */
function expected(user: SocialUser, beats: Beat[], range: (typeof RANGES)[number], language?: string) {
  const totals = expectedTotals(beats.map((b) => ({ time: b.time, key: `${localDay(b.time, user.zone)}|${b.category}|${b.language}` })));
  const [start, end] = rangeOf(range, user.zone);
  const perDay = new Map<string, { coding: number; language: number }>();
  for (const [key, seconds] of totals) {
    const [day, category, lang] = key.split("|") as [string, string, string];
    if (day < start || day > end) continue;
    const d = perDay.get(day) ?? { coding: 0, language: 0 };
    if (category === "coding") d.coding += seconds;
    if (lang === language) d.language += seconds;
    perDay.set(day, d);
  }
  let total = 0;
  let flagged = false;
  for (const d of perDay.values()) {
    const x = language ? Math.min(d.language, d.coding) : d.coding;
    total += Math.min(x, CAP_SECONDS);
    flagged ||= x > CAP_SECONDS;
  }
  return { total, flagged };
}

interface Seeded {
  user: SocialUser;
  beats: Beat[];
  optedIn: boolean;
}
const seeded: Seeded[] = [];

beforeAll(async () => {
  await freshStorage();
  const plan: [string, boolean, (u: SocialUser) => Beat[]][] = [
    // 2 h of TypeScript on each of the last 9 local days (days 7-9 fall outside "last 7 days").
    ["UTC", true, (u) => [1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((d) => block(localTime(now, u.zone, d, 10), 25, 300))],
    // Tokyo: 1-4 h a day, partly Python; a browsing block (not coding) each day.
    [
      "Asia/Tokyo",
      true,
      (u) =>
        [1, 2, 3, 6, 10, 20].flatMap((d) => [
          ...block(localTime(now, u.zone, d, 9), 12 * (1 + (d % 4)) + 1, 300),
          ...block(localTime(now, u.zone, d, 15), 13, 300, { language: "Python" }),
          ...block(localTime(now, u.zone, d, 18), 30, 300, { category: "browsing", language: "Markdown" }),
        ]),
    ],
    // UTC+14: blocks near local midnight's edges (23:00) so UTC days differ from local days.
    ["Pacific/Kiritimati", true, (u) => [1, 2, 5, 7].flatMap((d) => block(localTime(now, u.zone, d, 22), 23, 150, { language: "Python" }))],
    // UTC-11 with one implausible 20 h day (capped at 18 h, flagged).
    [
      "Pacific/Pago_Pago",
      true,
      (u) => [...block(localTime(now, u.zone, 2, 2), 241, 300), ...[1, 3].flatMap((d) => block(localTime(now, u.zone, d, 1), 40, 300))],
    ],
    // Not opted in: never on the global board (only on their friends').
    ["Asia/Kolkata", false, (u) => [1, 2].flatMap((d) => block(localTime(now, u.zone, d, 12), 61, 120))],
  ];
  for (const [zone, optedIn, beatsOf] of plan) {
    const user = await aSocialUser(zone);
    const beats = beatsOf(user);
    await seed(user, beats);
    if (optedIn) await share(user, { leaderboards: true });
    seeded.push({ user, beats, optedIn });
  }
  // Opted in without activity: not listed.
  await share(await aSocialUser("UTC"), { leaderboards: true });
});

function expectedBoard(range: (typeof RANGES)[number], language?: string, who = seeded.filter((s) => s.optedIn)) {
  return who
    .map((s) => ({ username: s.user.username, ...expected(s.user, s.beats, range, language) }))
    .filter((e) => e.total > 0)
    .sort((a, b) => b.total - a.total || (a.username < b.username ? -1 : 1))
    .map((e, i) => ({ rank: i + 1, ...e }));
}

describe("global leaderboard", () => {
  for (const range of RANGES) {
    it(`ranks ${range} by each user's own local days, coding time only`, async () => {
      const caller = seeded[0]!.user;
      const board = await getJson(`/api/kodo/leaderboards?range=${range}`, caller.key);
      const want = expectedBoard(range);
      expect(want.length).toBeGreaterThan(0);
      expect(board.data.map((e: any) => ({ rank: e.rank, username: e.user.username, total: e.totalSeconds, flagged: e.flagged }))).toEqual(
        want.map((e) => ({ rank: e.rank, username: e.username, total: e.total, flagged: e.flagged })),
      );
      expect(board.total).toBe(want.length);
      const mine = want.find((e) => e.username === caller.username);
      expect(board.me).toEqual(mine ? { rank: mine.rank, totalSeconds: mine.total } : null);
    });
  }

  it("has a board per language, and flags the implausible day", async () => {
    const board = await getJson(`/api/kodo/leaderboards?language=Python&range=last_30_days`, seeded[1]!.user.key);
    const want = expectedBoard("last_30_days", "Python");
    expect(want.map((e) => e.username)).toContain(seeded[2]!.user.username);
    expect(board.data.map((e: any) => [e.rank, e.user.username, e.totalSeconds])).toEqual(want.map((e) => [e.rank, e.username, e.total]));
    expect(board.language).toBe("Python");
    const pago = (await getJson(`/api/kodo/leaderboards`, seeded[0]!.user.key)).data.find((e: any) => e.user.username === seeded[3]!.user.username);
    expect(pago.flagged).toBe(true);
  });

  it("is served WakaTime-compatible at /api/v1/leaders, public, with the caller's rank", async () => {
    const want = expectedBoard("last_7_days");
    const anon = (await (await call("/api/v1/leaders")).json()) as any;
    expect(anon.data.map((e: any) => [e.rank, e.user.username, e.running_total.total_seconds])).toEqual(want.map((e) => [e.rank, e.username, e.total]));
    expect(anon.current_user).toBeNull();
    const tokyo = seeded[1]!.user;
    const mine = (await (await call("/api/compat/wakatime/v1/leaders", { key: tokyo.key })).json()) as any;
    expect(mine.current_user.rank).toBe(want.find((e) => e.username === tokyo.username)!.rank);
    const kolkata = (await (await call("/api/v1/leaders", { key: seeded[4]!.user.key })).json()) as any;
    expect(kolkata.current_user).toEqual({ rank: null, page: null, running_total: null });
    expect(JSON.stringify(anon)).not.toContain(seeded[4]!.user.username);
  });

  it("pages, and refuses bad input with JSON 400", async () => {
    const key = seeded[0]!.user.key;
    const page2 = await getJson(`/api/kodo/leaderboards?page=2`, key);
    expect(page2).toMatchObject({ page: 2, pages: 1, data: [] });
    for (const q of ["range=all_time", "page=0", "page=x", "scope=everyone", `language=${"x".repeat(300)}`]) {
      const res = await call(`/api/kodo/leaderboards?${q}`, { key });
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as any).error).toBeTruthy();
    }
    expect((await call(`/api/v1/leaders?page=-1`)).status).toBe(400);
    expect((await call(`/api/kodo/leaderboards`)).status).toBe(401);
  });

  it("drops a user who opts out (the cache is cleared on a sharing change)", async () => {
    const utc = seeded[0]!;
    await share(utc.user, { leaderboards: false });
    const board = await getJson(`/api/kodo/leaderboards`, utc.user.key);
    expect(board.data.map((e: any) => e.user.username)).not.toContain(utc.user.username);
    expect(board.me).toBeNull();
    await share(utc.user, { leaderboards: true });
  });
});

describe("friends leaderboard", () => {
  it("ranks the caller and their friends, opted in or not", async () => {
    const [utc, , , , kolkata] = seeded;
    await befriend(kolkata!.user, utc!.user);
    const board = await getJson(`/api/kodo/leaderboards?scope=friends&range=last_7_days`, kolkata!.user.key);
    const want = expectedBoard("last_7_days", undefined, [utc!, kolkata!]);
    expect(board.data.map((e: any) => [e.rank, e.user.username, e.totalSeconds])).toEqual(want.map((e) => [e.rank, e.username, e.total]));
    expect(board.me.rank).toBe(want.find((e) => e.username === kolkata!.user.username)!.rank);
  });
});

describe("language names that a JSON path cannot quote", () => {
  it("still rank on their language board", async () => {
    const odd = 'Obj"C\\x';
    const u = await aSocialUser("UTC");
    const beats = block(localTime(now, u.zone, 1, 8), 13, 300, { language: odd });
    await seed(u, beats);
    await share(u, { leaderboards: true });
    const board = await getJson(`/api/kodo/leaderboards?language=${encodeURIComponent(odd)}`, u.key);
    expect(board.data.map((e: any) => [e.user.username, e.totalSeconds])).toEqual([[u.username, expected(u, beats, "last_7_days", odd).total]]);
    expect(board.data[0].totalSeconds).toBe(3600);
  });
});

describe("a renamed user", () => {
  it("takes their new name's place among equal times on every board at once", async () => {
    const [a, b] = [await aSocialUser("UTC"), await aSocialUser("UTC")];
    for (const u of [a, b]) await seed(u, block(localTime(now, u.zone, 1, 8), 13, 300, { language: "Elm" }));
    for (const u of [a, b]) await share(u, { leaderboards: true });
    const order = async () => (await getJson(`/api/kodo/leaderboards?scope=friends&language=Elm`, a.key)).data.map((e: any) => e.user.username);
    await befriend(a, b);
    expect(await order()).toEqual([a.username, b.username].sort());
    // b becomes "0..." (before every generated name); board_entries keeps a copy of the name.
    const renamed = `0${b.username}`.slice(0, 30);
    const res = await call("/api/kodo/account", { method: "PATCH", key: b.key, body: JSON.stringify({ username: renamed }) });
    expect(res.status).toBe(200);
    expect(await order()).toEqual([renamed, a.username]);
  });
});

/**
 * Issue 13: boards honour hidden dimensions, and hostile filter names never break the query.
 * - A user who hides languages is on no language board (global, friends, /api/v1/leaders)
 *   and no board shows their language list, yet they stay on unfiltered boards.
 * - Language names that a JSON path could not hold (NUL, quotes, `$`, `.`, `[`, backslash,
 *   very long, unicode) answer 200 or a JSON 4xx on every board, never 500.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { d1Social } from "../src/stores/social.ts";
import { call, freshStorage, getJson } from "./helpers.ts";
import { aSocialUser, befriend, block, localTime, seed, share, type SocialUser } from "./social-fixtures.ts";

const now = Date.now() / 1000;
let hider: SocialUser;
let sharer: SocialUser;
let friend: SocialUser;

beforeAll(async () => {
  await freshStorage();
  [hider, sharer, friend] = [await aSocialUser(), await aSocialUser(), await aSocialUser()];
  // Both code Python (and a little Go) yesterday; only `sharer` shares languages.
  for (const u of [hider, sharer, friend]) {
    await seed(u, [...block(localTime(now, u.zone, 1, 9), 13, 300, { language: "Python" }), ...block(localTime(now, u.zone, 1, 14), 7, 300, { language: "Go" })]);
  }
  await share(hider, { leaderboards: true, languages: false });
  await share(sharer, { leaderboards: true });
  await befriend(friend, hider);
  await befriend(friend, sharer);
});

const names = (board: any) => board.data.map((e: any) => e.user.username).sort();
const leaders = async (q = "") => (await (await call(`/api/v1/leaders${q}`)).json()) as any;

describe("a user who hides languages", () => {
  it("is on no language board, whoever asks", async () => {
    const both = [hider.username, sharer.username].sort();
    for (const viewer of [hider, sharer, friend]) {
      expect(names(await getJson("/api/kodo/leaderboards?language=Python", viewer.key)), "global").toEqual([sharer.username]);
      expect(names(await getJson("/api/kodo/leaderboards?language=Go", viewer.key)), "global Go").toEqual([sharer.username]);
    }
    expect(names(await getJson("/api/kodo/leaderboards?scope=friends&language=Python", friend.key))).toEqual([friend.username, sharer.username].sort());
    // Even on their own friends board: the rule does not depend on the viewer.
    expect(names(await getJson("/api/kodo/leaderboards?scope=friends&language=Python", hider.key))).toEqual([friend.username]);
    expect(names(await leaders("?language=Python"))).toEqual([sharer.username]);
    // Unfiltered boards still list them, by total only.
    expect(names(await getJson("/api/kodo/leaderboards", friend.key))).toEqual(both);
    expect(names(await getJson("/api/kodo/leaderboards?scope=friends", friend.key))).toEqual([friend.username, ...both].sort());
    expect(names(await leaders())).toEqual(both);
  });

  it("has no language list on any board", async () => {
    const global = await getJson("/api/kodo/leaderboards", friend.key);
    const friendsBoard = await getJson("/api/kodo/leaderboards?scope=friends", friend.key);
    for (const board of [global, friendsBoard]) {
      const row = board.data.find((e: any) => e.user.username === hider.username);
      expect(row.totalSeconds).toBe(3600 + 1800);
      expect(row.languages).toBeUndefined();
      expect(board.data.find((e: any) => e.user.username === sharer.username).languages.map((l: any) => l.name)).toEqual(["Python", "Go"]);
    }
    // The store itself holds the rule, so no route (or future board) can forget it.
    const store = d1Social(env.DB);
    const languages = await store.boardLanguages([hider.id, sharer.id], "last_7_days");
    expect([...languages.keys()]).toEqual([sharer.id]);
    const { rows } = await store.leaderboardPage({ range: "last_7_days", userIds: [hider.id, sharer.id], language: "Python", offset: 0, limit: 50 });
    expect(rows.map((r) => r.user.id)).toEqual([sharer.id]);
    expect(await store.leaderboardEntry({ range: "last_7_days", userIds: [hider.id, sharer.id], language: "Python" }, hider.id)).toBeNull();
    const pub = await leaders();
    expect(pub.data.find((e: any) => e.user.username === hider.username).running_total.languages).toEqual([]);
    expect(pub.data.find((e: any) => e.user.username === sharer.username).running_total.languages.map((l: any) => l.name)).toEqual(["Python", "Go"]);
  });
});

describe("hostile language names", () => {
  const hostile = [
    "\u0000",
    "Py\u0000thon",
    '"',
    "'",
    "''; DROP TABLE users; --",
    "$",
    "$.language",
    "$[0]",
    ".",
    "a.b",
    "[",
    "]",
    "[0]",
    "#-1",
    '"Python"',
    "\\",
    "\\u0000",
    "x".repeat(256),
    "ü",
    "日本語",
    "😀",
    "\u202e",
    " ",
  ];

  it("answer 200 or a JSON 4xx on every board, never 500", async () => {
    const boards = ["/api/v1/leaders", "/api/compat/wakatime/v1/leaders", "/api/kodo/leaderboards", "/api/kodo/leaderboards?scope=friends&x="];
    for (const name of hostile) {
      for (const board of boards) {
        const url = `${board}${board.includes("?") ? "&" : "?"}language=${encodeURIComponent(name)}`;
        const res = await call(url, { key: friend.key });
        const body = (await res.json()) as any;
        expect([200, 400], `${url}: ${JSON.stringify(body)}`).toContain(res.status);
        if (res.status === 200) expect(body.data, url).toEqual([]);
        else expect(body.error, url).toMatch(/language/);
      }
    }
  });

  it("that are real languages rank like any other", async () => {
    const odd = "C$.x[0]'\"\\"; // NUL is refused at ingestion
    const u = await aSocialUser();
    await seed(u, block(localTime(now, u.zone, 1, 8), 13, 300, { language: odd }));
    await share(u, { leaderboards: true });
    const board = await getJson(`/api/kodo/leaderboards?language=${encodeURIComponent(odd)}`, u.key);
    expect(board.data.map((e: any) => [e.user.username, e.totalSeconds])).toEqual([[u.username, 3600]]);
    expect(names(await leaders(`?language=${encodeURIComponent(odd)}`))).toEqual([u.username]);
  });
});

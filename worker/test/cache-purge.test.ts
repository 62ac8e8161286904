/**
 * The cache fan-out (core http/user-caches.ts) through the routes that change what is public:
 * every public read of a shared user is cached (the second answer a hit), then the change, then
 * the very next request of each shows it: turning sharing off, hiding a dimension, renaming,
 * deleting the account (with its leaderboard row and its API key), and sharing on again
 * (fresh numbers, not the ones cached before it went off).
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { call, freshStorage, stubFor } from "./helpers.ts";
import { minutes, send } from "./public-fixtures.ts";
import { asSession, signIn, type SignedIn } from "./sign-in-helpers.ts";
import { expectCachedAndShared as cachedAndShared, expectNothingVisible as nothingVisible, publicReadUrls } from "./public-cache-checks.ts";

const expectCachedAndShared = async (username: string) => {
  await cachedAndShared(call, username);
  expect(await leaders()).toContain(username);
};
const expectNothingVisible = (username: string) => nothingVisible(call, username);

beforeEach(freshStorage);

/** An hour ago: each user's first 30 minutes start here. */
const BASE = Math.floor(Date.now() / 1000) - 3600;

interface Shared extends SignedIn {
  key: string;
}

/** A signed-in user with a full key, 30 minutes in project "kodo" an hour ago, flushed to D1, sharing everything. */
async function aSharedUser(): Promise<Shared> {
  const s = await signIn();
  const key = ((await (await call("/api/kodo/account/keys", asSession(s, { method: "POST", body: JSON.stringify({ scope: "full" }) }))).json()) as { key: string }).key;
  await send(key, minutes(BASE, 31, { project: "kodo" }));
  await stubFor(s.userId).flush(); // leaderboards read D1
  await patchSharing(key, { publicProfile: true, leaderboards: true, projects: "public" });
  return { ...s, key };
}

async function patchSharing(key: string, change: Record<string, unknown>) {
  const res = await call("/api/kodo/sharing", { method: "PATCH", key, body: JSON.stringify(change) });
  expect(res.status, await res.clone().text()).toBe(200);
}

async function leaders(): Promise<string[]> {
  const body = (await (await call("/api/v1/leaders")).json()) as { data: { user: { username: string } }[] };
  return body.data.map((d) => d.user.username);
}

describe("a change to what is public shows at the very next request", () => {
  it("sharing off: badges, public stats, profile, activity map and the leaderboard at once; on again: fresh data", async () => {
    const u = await aSharedUser();
    await expectCachedAndShared(u.username);
    expect((await (await call(`/api/badge/${u.username}/last_7_days.json`)).json()) as { message: string }).toMatchObject({ message: "30 mins" });

    await patchSharing(u.key, { publicProfile: false, leaderboards: false });
    await expectNothingVisible(u.username);
    expect(await leaders()).not.toContain(u.username);

    // Twenty more minutes (after a 5-minute gap, which counts) while private, then sharing on
    // again: the new total, not the cached one.
    await send(u.key, minutes(BASE + 35 * 60, 21, { project: "kodo" }));
    await stubFor(u.userId).flush();
    await patchSharing(u.key, { publicProfile: true, leaderboards: true });
    const badge = await call(`/api/badge/${u.username}/last_7_days.json`);
    expect(badge.headers.get("x-kodo-cache")).toBe("miss");
    expect((await badge.json()) as { message: string }).toMatchObject({ message: "55 mins" });
    const stats = (await (await call(`/api/public/users/${u.username}/stats/last_7_days`)).json()) as { data: { total_seconds: number } };
    expect(stats.data.total_seconds).toBe(3300);
    const board = (await (await call("/api/v1/leaders")).json()) as { data: { user: { username: string }; running_total: { total_seconds: number } }[] };
    expect(board.data.find((d) => d.user.username === u.username)?.running_total.total_seconds).toBe(3300);
  });

  it("hiding a dimension makes the badges filtered on it private at once", async () => {
    const u = await aSharedUser();
    const url = `/api/badge/${u.username}/last_7_days.svg?project=kodo`;
    expect(await (await call(url)).text()).toContain("30 mins");
    expect((await call(url)).headers.get("x-kodo-cache")).toBe("hit");
    const stats = `/api/public/users/${u.username}/stats/last_7_days`;
    expect(((await (await call(stats)).json()) as { data: { projects?: { name: string }[] } }).data.projects?.[0]?.name).toBe("kodo");

    await patchSharing(u.key, { projects: "alias" });
    expect(await (await call(url)).text()).toContain("private");
    const after = (await (await call(stats)).json()) as { data: { projects?: { name: string }[] } };
    expect(after.data.projects?.[0]?.name).toBe("Project 1");
    expect(JSON.stringify(after)).not.toContain('"kodo"');
  });

  it("a new username: the old one finds nobody, the new one shows the user; a new display name shows at once", async () => {
    const u = await aSharedUser();
    await expectCachedAndShared(u.username);
    const renamed = `renamed-${crypto.randomUUID().slice(0, 6)}`;
    const res = await call("/api/kodo/account", { method: "PATCH", key: u.key, body: JSON.stringify({ username: renamed, display_name: "New Name" }) });
    expect(res.status).toBe(200);
    await expectNothingVisible(u.username);
    const profile = await call(`/api/public/users/${renamed}`);
    expect(profile.headers.get("x-kodo-cache")).toBe("miss");
    expect((await profile.json()) as { displayName: string }).toMatchObject({ displayName: "New Name" });
    expect(await leaders()).toContain(renamed);
    expect(await leaders()).not.toContain(u.username);
  });

  it("deleting the account: nothing of the user is served any more, the key stops at once, others stay", async () => {
    const u = await aSharedUser();
    const other = await aSharedUser();
    await expectCachedAndShared(u.username);
    await expectCachedAndShared(other.username);
    expect((await call("/api/v1/users/current", { key: u.key })).status).toBe(200); // the key is now in the key cache

    const del = await call("/api/kodo/account", asSession(u, { method: "DELETE", body: JSON.stringify({ confirm: u.username }) }));
    expect(del.status).toBe(200);

    await expectNothingVisible(u.username);
    expect(await leaders()).not.toContain(u.username);
    expect((await call("/api/v1/users/current", { key: u.key })).status).toBe(401);
    expect((await call("/api/v1/users/current/heartbeats.bulk", { method: "POST", key: u.key, body: JSON.stringify([]) })).status).toBe(401);
    // The other user's cached answers are untouched.
    for (const url of publicReadUrls(other.username)) expect((await call(url)).headers.get("x-kodo-cache"), url).toBe("hit");
    expect(await leaders()).toContain(other.username);
  });

  it("the leaderboard follows a member leaving in another isolate (the board version, not this isolate's purge)", async () => {
    const u = await aSharedUser();
    const other = await aSharedUser();
    expect(await leaders()).toEqual(expect.arrayContaining([u.username, other.username]));
    // Straight in D1, as another isolate's sharing change would be: this isolate's cache is not told.
    await env.DB.prepare("UPDATE user_sharing SET leaderboards = 0 WHERE user_id = ?").bind(u.userId).run();
    expect(await leaders()).toEqual([other.username]);
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(other.userId).run();
    expect(await leaders()).toEqual([]);
  });

  it("each change gives a strictly later cache generation, even within one millisecond", async () => {
    const u = await aSharedUser();
    const generation = async () => (await env.DB.prepare("SELECT updated_at FROM user_sharing WHERE user_id = ?").bind(u.userId).first<{ updated_at: string }>())!.updated_at;
    // A generation in the future (a clock step back, or two bumps in one millisecond).
    await env.DB.prepare("UPDATE user_sharing SET updated_at = '2999-01-01T00:00:00.999Z' WHERE user_id = ?").bind(u.userId).run();
    await patchSharing(u.key, { editors: false });
    const first = await generation();
    expect(first > "2999-01-01T00:00:00.999Z" && first < "2999-01-01T00:00:01.100Z", first).toBe(true);
    await patchSharing(u.key, { editors: false });
    const second = await generation();
    expect(second > first && second < "2999-01-01T00:00:01.100Z", second).toBe(true);
  });
});

/**
 * The friends board is cached per viewer under its members' version (SocialStore.friendsBoard),
 * read on every request: a page is served from the cache while nothing on it changed, and a
 * friend's new figures (their flush), a friend who hides languages, unfriends, is renamed or
 * deletes their account show on the next page at once, even when the change was made elsewhere
 * (another isolate: here, the store itself, so this isolate's cache fan-out never runs).
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { d1Social } from "../src/stores/social.ts";
import { freshStorage, getJson } from "./helpers.ts";
import { aSocialUser, befriend, block, localTime, seed, share, type SocialUser } from "./social-fixtures.ts";

const now = Date.now() / 1000;
let me: SocialUser;
let ann: SocialUser;
let bob: SocialUser;

const board = async (q = "") => (await getJson(`/api/kodo/leaderboards?scope=friends${q}`, me.key)) as any;
const rows = (b: any) => b.data.map((e: any) => [e.user.username, e.totalSeconds, e.languages?.map((l: any) => l.name) ?? null]);
/** Figures changed behind the cache's back without a flush's stamp (no writer of the app does this). */
const addTime = (u: SocialUser, seconds: number) => env.DB.prepare("UPDATE board_entries SET last_7_days = last_7_days + ?1, last_30_days = last_30_days + ?1 WHERE user_id = ?2").bind(seconds, u.id).run();

beforeEach(async () => {
  await freshStorage();
  [me, ann, bob] = [await aSocialUser(), await aSocialUser(), await aSocialUser()];
  for (const [u, blocks] of [[me, 7], [ann, 13], [bob, 10]] as const) await seed(u, block(localTime(now, u.zone, 1, 9), blocks, 300, { language: "Python" }));
  await share(ann, { languages: true });
  await befriend(me, ann);
  await befriend(me, bob);
});

describe("the friends board's cache", () => {
  it("serves a page from the cache while nothing on it changed", async () => {
    const first = rows(await board());
    expect(first.map((r: any) => r[0])).toEqual([ann.username, bob.username, me.username]);
    await addTime(me, 7200);
    expect(rows(await board())).toEqual(first);
    // Another page, range or language is its own entry (read fresh here).
    expect(rows(await board("&range=last_30_days"))[0][0]).toBe(me.username);
  });

  it("shows a friend's new figures as soon as their flush stores them", async () => {
    expect(rows(await board())[0][0]).toBe(ann.username);
    await seed(bob, block(localTime(now, bob.zone, 2, 9), 30, 300, { language: "Python" })); // posts, then flushes
    expect(rows(await board())[0][0]).toBe(bob.username);
  });

  it("drops a friend who hides languages from the language board at once", async () => {
    expect(rows(await board("&language=Python")).map((r: any) => r[0])).toContain(ann.username);
    expect(rows(await board())[0][2]).toEqual(["Python"]);
    await d1Social(env.DB).updateSharing(ann.id, { languages: false });
    expect(rows(await board("&language=Python")).map((r: any) => r[0])).not.toContain(ann.username);
    expect(rows(await board()).find((r: any) => r[0] === ann.username)[2]).toBeNull();
  });

  it("drops a friend who unfriends, or whose account is deleted, at once", async () => {
    await addTime(me, 7200); // behind the cache: must stay hidden until the TTL
    const cached = rows(await board());
    expect(cached.map((r: any) => r[0])).toEqual([me.username, ann.username, bob.username]);
    await addTime(me, 7200);
    await d1Social(env.DB).removeFriendLink(me.id, ann.id);
    expect(rows(await board()).map((r: any) => r[0])).toEqual([me.username, bob.username]);
    await env.DB.prepare("DELETE FROM users WHERE id = ?").bind(bob.id).run();
    expect(rows(await board()).map((r: any) => r[0])).toEqual([me.username]);
  });

  it("shows a friend's new name at once", async () => {
    await board();
    await env.DB.batch([
      env.DB.prepare("UPDATE users SET username = 'renamed-friend' WHERE id = ?").bind(bob.id),
      env.DB.prepare("UPDATE board_entries SET username = 'renamed-friend' WHERE user_id = ?").bind(bob.id),
    ]);
    expect(rows(await board()).map((r: any) => r[0])).toContain("renamed-friend");
  });

  it("is the viewer's own: another viewer with other friends sees their board", async () => {
    await board();
    const annBoard = (await getJson("/api/kodo/leaderboards?scope=friends", ann.key)) as any;
    expect(annBoard.data.map((e: any) => e.user.username).sort()).toEqual([ann.username, me.username].sort());
  });
});

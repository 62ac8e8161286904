/**
 * The friends board is cached per viewer under their friends board version
 * (SocialStore.friendsBoardVersion: one D1 row by key, kept by the triggers of migration 0011),
 * read on every request. Every event that changes the board's members or what it shows of them
 * other than their figures moves the version of everyone whose board it changes, and the next
 * page shows it, even when the change was made elsewhere (another isolate: here, the stores or
 * SQL directly, so this isolate's cache fan-out never runs): a friendship accepted or ended by
 * either side, a member's sharing change, rename, new display name or deleted account. A
 * friend's new figures do not move it: they show once the page's TTL has passed, as on the
 * global board. And a database upgraded with friendships already stored gets working versions.
 */
import { env } from "cloudflare:workers";
import { applyD1Migrations, reset } from "cloudflare:test";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearLeaderboardCache } from "../../core/src/http/routes/leaderboard-data.ts";
import { d1Social } from "../src/stores/social.ts";
import { d1AccountAdmin } from "../src/stores/account-admin.ts";
import { d1PublicDirectory } from "../src/stores/public-directory.ts";
import { freshStorage, getJson } from "./helpers.ts";
import { aSocialUser, befriend, block, localTime, seed, share, type SocialUser } from "./social-fixtures.ts";

const now = Date.now() / 1000;
const social = () => d1Social(env.DB);
const version = (u: SocialUser) => social().friendsBoardVersion!(u.id);
const versions = async (us: SocialUser[]) => Promise.all(us.map(version));

const boardOf = async (u: SocialUser, q = "") => (await getJson(`/api/kodo/leaderboards?scope=friends${q}`, u.key)) as any;
const rows = (b: any) => b.data.map((e: any) => [e.user.username, e.totalSeconds, e.languages?.map((l: any) => l.name) ?? null]);
const names = (b: any) => b.data.map((e: any) => e.user.username);
/** Figures changed behind the cache's back (no writer of the app does this): a cached page keeps the old ones. */
const addTime = (u: SocialUser, seconds: number) => env.DB.prepare("UPDATE board_entries SET last_7_days = last_7_days + ?1, last_30_days = last_30_days + ?1 WHERE user_id = ?2").bind(seconds, u.id).run();
const minutesOf = (u: SocialUser, blocks: number, daysAgo = 1) => seed(u, block(localTime(now, u.zone, daysAgo, 9), blocks, 300, { language: "Python" }));
const storedSeconds = async (u: SocialUser) => (await env.DB.prepare("SELECT last_7_days AS s FROM board_entries WHERE user_id = ? AND language = ''").bind(u.id).first<{ s: number }>())!.s;
const versionRows = async (u: SocialUser) => (await env.DB.prepare("SELECT count(*) AS n FROM friends_board_versions WHERE user_id = ?").bind(u.id).first<{ n: number }>())!.n;

describe("the friends board's cache", () => {
  let me: SocialUser;
  let ann: SocialUser;
  let bob: SocialUser;
  const board = (q = "") => boardOf(me, q);

  beforeEach(async () => {
    await freshStorage();
    [me, ann, bob] = [await aSocialUser(), await aSocialUser(), await aSocialUser()];
    for (const [u, blocks] of [[me, 7], [ann, 13], [bob, 10]] as const) await minutesOf(u, blocks);
    await share(ann, { languages: true });
    await befriend(me, ann);
    await befriend(me, bob);
  });

  /**
   * Caches the viewer's page, stores more of the viewer's figures behind the cache, then runs
   * `event`: the versions of `moved` change and those of `kept` do not, and the next page is read
   * fresh (it has the viewer's stored figures) when the viewer's version moved, else it is the
   * cached one. Returns that page.
   */
  async function afterEvent(event: () => Promise<unknown>, moved: SocialUser[], kept: SocialUser[]) {
    const warm = await board();
    await addTime(me, 3600);
    const before = await versions([...moved, ...kept]);
    await event();
    const after = await versions([...moved, ...kept]);
    moved.forEach((u, i) => expect(after[i], `${u.username}'s version`).not.toBe(before[i]));
    kept.forEach((u, i) => expect(after[moved.length + i], `${u.username}'s version`).toBe(before[moved.length + i]));
    const page = await board();
    if (moved.includes(me)) expect(page.me.totalSeconds, "read fresh").toBe(await storedSeconds(me));
    else expect(page, "from the cache").toEqual(warm);
    return page;
  }

  it("has a version for a user never touched, stable while nothing happens", async () => {
    const carol = await aSocialUser();
    expect(await version(carol)).toBe("0");
    expect(await version(carol)).toBe("0");
    const v = await version(me);
    expect(v).toMatch(/^[1-9]\d*$/);
    expect(await version(me)).toBe(v);
  });

  it("serves a page from the cache while nothing on it changed", async () => {
    const first = rows(await board());
    expect(first.map((r: any) => r[0])).toEqual([ann.username, bob.username, me.username]);
    await addTime(me, 7200);
    expect(rows(await board())).toEqual(first);
    // Another range, language or page is its own entry (read fresh here).
    expect(rows(await board("&range=last_30_days"))[0][0]).toBe(me.username);
  });

  it("keeps the version and the cached page when a friend's new figures are stored; they show after the TTL", async () => {
    expect(names(await board())[0]).toBe(ann.username);
    const before = await versions([me, ann, bob]);
    await minutesOf(bob, 30, 2); // posts, then the flush writes bob's board entries
    expect(await versions([me, ann, bob])).toEqual(before);
    expect(names(await board())[0]).toBe(ann.username);
    clearLeaderboardCache(); // what the page's TTL (LEADERBOARD_CACHE_SECONDS) does
    expect(names(await board())[0]).toBe(bob.username);
  });

  it("moves both users' versions when a friendship is accepted, on either side; requests move none", async () => {
    const [carol, dave] = [await aSocialUser(), await aSocialUser()];
    await minutesOf(carol, 4);
    await minutesOf(dave, 3);
    const requests = async () => {
      await social().requestFriendByName(me.id, carol.username);
      await social().requestFriendByName(dave.id, me.username);
      await social().requestFriendByName(bob.id, dave.username);
      await social().declineFriend(bob.id, dave.id);
    };
    expect(names(await afterEvent(requests, [], [me, ann, bob, carol, dave]))).toEqual([ann.username, bob.username, me.username]);
    // Carol accepts my request; then I ask dave, who had asked me: his request becomes a friendship.
    expect(names(await afterEvent(() => social().acceptFriend(me.id, carol.id), [me, carol], [ann, bob, dave]))).toContain(carol.username);
    expect(names(await afterEvent(() => social().requestFriendByName(me.id, dave.username), [me, dave], [ann, bob, carol]))).toContain(dave.username);
  });

  it("moves both users' versions when a friendship ends, by either side (the WakaTime board too)", async () => {
    const v1 = async () => (await getJson("/api/v1/users/current/leaderboards/friends", me.key)).data.map((e: any) => e.user.username);
    expect(await v1()).toHaveLength(3);
    expect(names(await afterEvent(() => social().removeFriendLink(me.id, ann.id), [me, ann], [bob]))).toEqual([me.username, bob.username]);
    expect(names(await afterEvent(() => social().removeFriendLink(bob.id, me.id), [me, bob], [ann]))).toEqual([me.username]);
    expect(await v1()).toEqual([me.username]);
  });

  it("moves a member's and their friends' versions when the member changes any sharing setting", async () => {
    expect(names(await board("&language=Python"))).toContain(ann.username);
    const hidden = await afterEvent(() => social().updateSharing(ann.id, { languages: false }), [me, ann], [bob]);
    expect(rows(hidden).find((r: any) => r[0] === ann.username)[2]).toBeNull();
    expect(names(await board("&language=Python"))).not.toContain(ann.username);
    // Settings a friends page does not show move it as well (any sharing change), and so do the
    // cache fan-out's bump, the viewer's own changes and a sharing row deleted.
    await afterEvent(() => social().updateSharing(bob.id, { publicProfile: true }), [me, bob], [ann]);
    await afterEvent(() => d1PublicDirectory(env.DB).bumpCacheVersion(ann.id), [me, ann], [bob]);
    await afterEvent(() => social().updateSharing(me.id, { leaderboards: true }), [me, ann, bob], []);
    await afterEvent(() => env.DB.prepare("DELETE FROM user_sharing WHERE user_id = ?").bind(bob.id).run(), [me, bob], [ann]);
  });

  it("moves a member's and their friends' versions when the member is renamed or changes their display name", async () => {
    const admin = d1AccountAdmin(env.DB);
    expect(names(await afterEvent(() => admin.updateProfile(bob.id, { username: "renamed-friend" }), [me, bob], [ann]))).toContain("renamed-friend");
    const named = await afterEvent(() => admin.updateProfile(ann.id, { displayName: "Ann A." }), [me, ann], [bob]);
    expect(named.data.find((e: any) => e.user.username === ann.username).user.displayName).toBe("Ann A.");
    expect(names(await afterEvent(() => admin.updateProfile(me.id, { username: "renamed-me" }), [me, ann, bob], []))).toContain("renamed-me");
    // A write to the users row that changes no name (sign-in bookkeeping) moves nothing.
    await afterEvent(() => env.DB.prepare("UPDATE users SET display_name = display_name, updated_at = 'now' WHERE id = ?").bind(ann.id).run(), [], [me, ann, bob]);
  });

  it("moves the former friends' versions when an account is deleted, and keeps no row of it", async () => {
    const deleted = await afterEvent(() => d1AccountAdmin(env.DB).deleteAccountRows(bob.id), [me], [ann]);
    expect(names(deleted)).toEqual([me.username, ann.username]);
    expect(await versionRows(bob)).toBe(0);
    // Deleted by SQL alone: the friendships go by the foreign keys' cascade, and fire their triggers.
    expect(names(await afterEvent(() => env.DB.prepare("DELETE FROM users WHERE id = ?").bind(ann.id).run(), [me], []))).toEqual([me.username]);
    expect(await versionRows(ann)).toBe(0);
    expect(await env.DB.prepare("SELECT 1 FROM friendships WHERE ?1 IN (requester_id, addressee_id)").bind(ann.id).first()).toBeNull();
  });

  it("is the viewer's own: another viewer with other friends sees their board", async () => {
    await board();
    expect(names(await boardOf(ann)).sort()).toEqual([ann.username, me.username].sort());
  });
});

describe("a database upgraded with friendships already stored", () => {
  let me: SocialUser;
  let ann: SocialUser;
  let bob: SocialUser;

  beforeAll(async () => {
    await reset();
    // The previous schema: friendships and sharing as it stored them, no versions.
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS.filter((m) => m.name < "0010"));
    [me, ann, bob] = [await aSocialUser(), await aSocialUser(), await aSocialUser()];
    for (const [u, blocks] of [[me, 7], [ann, 13], [bob, 10]] as const) await minutesOf(u, blocks);
    await share(ann, { languages: true });
    await befriend(me, ann);
    await befriend(bob, me);
    await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
  });

  it("reads version 0 until the first event, caches the boards under it, and moves from there", async () => {
    expect(await versions([me, ann, bob])).toEqual(["0", "0", "0"]);
    const first = rows(await boardOf(me));
    expect(first.map((r: any) => r[0])).toEqual([ann.username, bob.username, me.username]);
    await addTime(me, 36_000);
    expect(rows(await boardOf(me))).toEqual(first);
    await social().removeFriendLink(bob.id, me.id);
    expect(await versions([me, ann, bob])).toEqual(["1", "0", "1"]);
    expect(names(await boardOf(me))).toEqual([me.username, ann.username]);
    expect(names(await boardOf(bob))).toEqual([bob.username]);
  });
});

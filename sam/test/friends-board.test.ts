/**
 * The friends board's version on DynamoDB (SocialStore.friendsBoardVersion: the `U#<id>` /
 * `FBVER` item, social-board.ts) on dynalite, through the ports exactly as the Lambda builds
 * them. Each change the port names moves the version of exactly the users whose friends board it
 * changes, and of nobody else: a friendship accepted or ended (both users), a sharing change, a
 * rename or a new display name (the user and their accepted friends), an account deleted (its
 * former friends; its own item goes with it). New figures (ingest, the drainer, a board read
 * draining marks) move nobody's: those pages refresh within the cache TTL, as the global
 * board's. Cloudflare: worker/test/friends-board-cache.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ports, User } from "@kodo/core";
import { aRun } from "../../core/src/testing/builders.ts";
import { purgeUserCaches } from "../../core/src/http/user-caches.ts";
import { portsFromEnv } from "../src/ports.ts";
import { dynamoActivity } from "../src/dynamo/activity.ts";
import { drainStandings, type StandingDeps } from "../src/dynamo/standings.ts";
import { getItem, socialKeys } from "../src/dynamo/social-table.ts";
import { ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, allItems, createUser, localDynamo } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let ports: Ports;
let deps: StandingDeps;
const HOUR = 3600;
const recent = (hoursAgo: number) => Math.floor(Date.now() / 1000) - hoursAgo * HOUR;
const social = () => ports.social!;
const version = (user: User) => social().friendsBoardVersion!(user.id);

/**
 * The cast: `me` with friends f0..f4 (f0 and f1 are also friends of each other, f3 also of x),
 * a stranger with a pending request to me, x and y (friends of each other), and users made by
 * the tests themselves. `fresh` is never touched by anything.
 */
const cast = new Map<string, User>();
const the = (name: string) => cast.get(name)!;

async function newUser(name: string): Promise<User> {
  const { user } = await createUser(dynamo.doc);
  cast.set(name, user);
  return user;
}

async function befriend(a: User, b: User): Promise<void> {
  await social().requestFriendByName(a.id, b.username);
  await social().requestFriendByName(b.id, a.username);
}

/** Names (in the cast, `except` left out) whose friends board version `change` moved. */
async function moved(change: () => Promise<unknown>, except: string[] = []): Promise<string[]> {
  const names = [...cast.keys()].filter((n) => !except.includes(n));
  const read = () => Promise.all(names.map((n) => version(the(n))));
  const before = await read();
  await change();
  const after = await read();
  return names.filter((_, i) => before[i] !== after[i]).sort();
}

/** The storage side of DELETE /api/kodo/account (core/src/http/routes/account.ts), in its order. */
async function deleteAccount(user: User): Promise<void> {
  await ports.accountAdmin!.revokeAllAccess(user.id);
  await ports.activityAdmin!.deleteAll(user);
  await ports.accountAdmin!.deleteAccountRows(user.id);
  await purgeUserCaches(ports, user.id);
}

beforeAll(async () => {
  dynamo = await localDynamo();
  ports = portsFromEnv({ ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, DYNAMODB_ENDPOINT: dynamo.endpoint }).ports;
  deps = { doc: dynamo.doc, accountsTable: ACCOUNTS_TABLE, socialTable: SOCIAL_TABLE, activity: dynamoActivity(dynamo.doc, { table: ACTIVITY_TABLE, boardTable: SOCIAL_TABLE }) };
  const me = await newUser("me");
  for (let i = 0; i < 5; i++) await befriend(me, await newUser(`f${i}`));
  await befriend(the("f0"), the("f1"));
  const stranger = await newUser("stranger");
  await social().requestFriendByName(stranger.id, me.username);
  await befriend(await newUser("x"), await newUser("y"));
  await befriend(the("f3"), the("x"));
  await newUser("fresh");
  for (const [i, name] of ["me", "f0", "f1", "f2", "f3", "x"].entries()) await ports.activity.ingest(the(name), aRun(recent(30 + i), 10 + i * 5, 60));
  await drainStandings(deps);
}, 60_000);
afterAll(() => dynamo?.close());

describe("friends board version on DynamoDB", () => {
  it("is one key read: a never-touched user has version 0, and a version is stable while nothing changes", async () => {
    expect(await version(the("fresh"))).toBe("0");
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, socialKeys.friendsBoardVersion(the("fresh").id))).toBeNull();
    const mine = await version(the("me"));
    expect(mine).toMatch(/^[1-9]\d*$/); // five friendships accepted
    expect(await moved(async () => {})).toEqual([]);
    expect(await version(the("me"))).toBe(mine);
  });

  it("moves both users' versions when a friendship is accepted (either way), nobody else's; a request or a decline moves none", async () => {
    const a = await newUser("a");
    const b = await newUser("b");
    const c = await newUser("c");
    expect(await moved(() => social().requestFriendByName(a.id, the("me").username))).toEqual([]);
    // Accepted by asking back (the requestFriendByName path)...
    expect(await moved(() => social().requestFriendByName(the("me").id, a.username))).toEqual(["a", "me"]);
    // ...or by the accept route, and a request made by the other side.
    await social().requestFriendByName(the("me").id, b.username);
    expect(await moved(async () => expect(await social().acceptFriend(the("me").id, b.id)).toBe(true))).toEqual(["b", "me"]);
    // A declined request changes nobody's board.
    await social().requestFriendByName(c.id, the("me").username);
    expect(await moved(async () => expect(await social().declineFriend(c.id, the("me").id)).toBe(true))).toEqual([]);
    expect(await moved(async () => expect(await social().acceptFriend(c.id, the("me").id)).toBe(false))).toEqual([]);
  });

  it("moves both users' versions when a friendship ends (by either side); withdrawing a request moves none", async () => {
    expect(await moved(async () => expect(await social().removeFriendLink(the("a").id, the("me").id)).toBe(true))).toEqual(["a", "me"]);
    expect(await moved(async () => expect(await social().removeFriendLink(the("me").id, the("b").id)).toBe(true))).toEqual(["b", "me"]);
    expect(await moved(async () => expect(await social().removeFriendLink(the("me").id, the("b").id)).toBe(false))).toEqual([]);
    // A pending request withdrawn (the stranger's to me) was on no board.
    expect(await moved(async () => expect(await social().removeFriendLink(the("stranger").id, the("me").id)).toBe(true))).toEqual([]);
  });

  it("moves the versions of a user who changes their sharing and of their accepted friends", async () => {
    expect(await moved(() => social().updateSharing(the("f0").id, { languages: false }))).toEqual(["f0", "f1", "me"]);
    expect(await moved(() => social().updateSharing(the("me").id, { leaderboards: true }))).toEqual(["f0", "f1", "f2", "f3", "f4", "me"]);
    // As the route does it (the store, then the cache fan-out): the same users.
    expect(
      await moved(async () => {
        await social().updateSharing(the("x").id, { projects: "public" });
        await purgeUserCaches(ports, the("x").id);
      }),
    ).toEqual(["f3", "x", "y"]);
    // A user without friends moves only their own.
    expect(await moved(() => social().updateSharing(the("stranger").id, { leaderboards: true }))).toEqual(["stranger"]);
  });

  it("moves the versions of a renamed user (username or display name) and of their friends", async () => {
    const rename = (name: string, change: { username?: string; displayName?: string }) => async () => {
      expect(await ports.accountAdmin!.updateProfile(the(name).id, change)).not.toBe("username-taken");
      await purgeUserCaches(ports, the(name).id); // as PATCH /api/kodo/profile does
    };
    expect(await moved(rename("f2", { username: `${the("f2").username}_x` }))).toEqual(["f2", "me"]);
    expect(await moved(rename("f1", { displayName: "Eff One" }))).toEqual(["f0", "f1", "me"]);
    // The friends page shows the new name at once.
    const board = await social().leaderboardPage({ range: "last_7_days", language: null, userIds: [the("me").id, the("f1").id, the("f2").id], offset: 0, limit: 10 });
    expect(board.rows.find((r) => r.user.id === the("f1").id)?.user.displayName).toBe("Eff One");
    expect(board.rows.find((r) => r.user.id === the("f2").id)?.user.username).toBe(`${the("f2").username}_x`);
  });

  it("does not move on new figures: ingest, the drainer, or a board read draining its members' marks", async () => {
    const friendsOfMe = ["me", "f0", "f1", "f2", "f3", "f4"].map((n) => the(n).id);
    const before = await social().leaderboardPage({ range: "last_7_days", language: null, userIds: friendsOfMe, offset: 0, limit: 10 });
    expect(
      await moved(async () => {
        await ports.activity.ingest(the("f0"), aRun(recent(10), 21, 60));
        // A board read drains the marks of the users it shows (a cache miss does this).
        const after = await social().leaderboardPage({ range: "last_7_days", language: null, userIds: friendsOfMe, offset: 0, limit: 10 });
        const secondsOf = (rows: typeof after.rows) => rows.find((r) => r.user.id === the("f0").id)?.cappedSeconds ?? 0;
        expect(secondsOf(after.rows)).toBe(secondsOf(before.rows) + 20 * 60);
        await ports.activity.ingest(the("f1"), aRun(recent(9), 11, 60, { language: "Rust" }));
        await ports.activity.ingest(the("x"), aRun(recent(9), 11, 60));
        expect((await drainStandings(deps)).refreshed).toBeGreaterThanOrEqual(2);
        await social().leaderboardEntry({ range: "last_7_days", language: null }, the("me").id);
      }),
    ).toEqual([]);
  });

  it("moves the versions of a deleted user's former friends, removes their own, and their friends' boards read on", async () => {
    const f3 = the("f3");
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, socialKeys.friendsBoardVersion(f3.id))).not.toBeNull();
    expect(await moved(() => deleteAccount(f3), ["f3"])).toEqual(["me", "x"]);
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, socialKeys.friendsBoardVersion(f3.id))).toBeNull();
    expect((await allItems(dynamo.endpoint)).filter(({ item }) => String(item.pk).includes(f3.id))).toEqual([]);
    // The friend list no longer names them; the board of what is left reads as before.
    const lists = await social().friendLists(the("me").id);
    expect(lists.friends.map((f) => f.user.id).sort()).toEqual(["f0", "f1", "f2", "f4"].map((n) => the(n).id).sort());
    const board = await social().leaderboardPage({ range: "last_7_days", language: null, userIds: [the("me").id, ...lists.friends.map((f) => f.user.id)], offset: 0, limit: 10 });
    expect(board.rows.map((r) => r.user.id)).not.toContain(f3.id);
    expect(board.total).toBeGreaterThan(0);
    // Nothing after the deletion (the fan-out ran) brings the item back, and the versions stay.
    expect(await moved(() => purgeUserCaches(ports, f3.id), ["f3"])).toEqual([]);
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, socialKeys.friendsBoardVersion(f3.id))).toBeNull();
  }, 30_000);
});

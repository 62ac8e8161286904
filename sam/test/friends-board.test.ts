/**
 * The friends board's version on DynamoDB (SocialStore.friendsBoard, social-board.ts) on
 * dynalite, read through core's shared board code (boardView, which caches a friends page per
 * viewer under that version): it stays put while nothing changes (the cached page is served),
 * and moves at once when a friend unfriends, hides, is renamed, is deleted or has new figures
 * (ingested and not drained yet, or written by the drainer), so a page cached under an old
 * version is never shown after such a change. Cloudflare: worker/test/friends-board-cache.test.ts.
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ports, User } from "@kodo/core";
import { aRun } from "../../core/src/testing/builders.ts";
import { boardView } from "../../core/src/http/routes/leaderboard-data.ts";
import { purgeUserCaches } from "../../core/src/http/user-caches.ts";
import { portsFromEnv } from "../src/ports.ts";
import { dynamoActivity } from "../src/dynamo/activity.ts";
import { drainStandings, markStandingDirty, standingItemKeys, type StandingDeps } from "../src/dynamo/standings.ts";
import { getItem } from "../src/dynamo/social-table.ts";
import { ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, createUser, localDynamo } from "./helpers.ts";

let dynamo: Awaited<ReturnType<typeof localDynamo>>;
let ports: Ports;
let deps: StandingDeps;
let me: User;
const friends: User[] = [];
const HOUR = 3600;
const recent = (hoursAgo: number) => Math.floor(Date.now() / 1000) - hoursAgo * HOUR;

const social = () => ports.social!;
const board = () => social().friendsBoard!(me.id);
/** The friends page (all coding time, last 7 days) as the shared route reads it, cached under the version. */
async function page(language: string | null = null) {
  const fb = await board();
  const view = await boardView(ports, { range: "last_7_days", language, userIds: fb.userIds }, 1, me.id, fb.version);
  return { ...fb, view };
}
const seconds = (view: Awaited<ReturnType<typeof page>>["view"], id: string) => view.page.items.find((e) => e.row.user.id === id)?.row.cappedSeconds;

async function befriend(a: User, b: User): Promise<void> {
  await social().requestFriendByName(a.id, b.username);
  await social().requestFriendByName(b.id, a.username);
}

beforeAll(async () => {
  dynamo = await localDynamo();
  ports = portsFromEnv({ ACCOUNTS_TABLE, ACTIVITY_TABLE, SOCIAL_TABLE, DYNAMODB_ENDPOINT: dynamo.endpoint }).ports;
  deps = { doc: dynamo.doc, accountsTable: ACCOUNTS_TABLE, socialTable: SOCIAL_TABLE, activity: dynamoActivity(dynamo.doc, { table: ACTIVITY_TABLE, boardTable: SOCIAL_TABLE }) };
  me = (await createUser(dynamo.doc)).user;
  await ports.activity.ingest(me, aRun(recent(30), 20, 60));
  for (let i = 0; i < 5; i++) {
    const { user } = await createUser(dynamo.doc);
    friends.push(user);
    await befriend(me, user);
    await ports.activity.ingest(user, aRun(recent(30 + i), 10 + i * 5, 60));
  }
  // A stranger (and a pending request) is no member.
  const stranger = (await createUser(dynamo.doc)).user;
  await social().requestFriendByName(stranger.id, me.username);
  await drainStandings(deps);
}, 60_000);
afterAll(() => dynamo?.close());

describe("friends board version on DynamoDB", () => {
  it("lists the caller and accepted friends, and stays put (the cached page is served) while nothing changes", async () => {
    const first = await page();
    expect(new Set(first.userIds)).toEqual(new Set([me.id, ...friends.map((f) => f.id)]));
    expect(first.version).toMatch(/^[0-9a-f]{32}$/);
    expect(first.view.page.total).toBe(6);
    const again = await page();
    expect(again.version).toBe(first.version);
    expect(again.view).toBe(first.view); // the very cached object: no store read
  }, 60_000);

  it("moves on a friend's new time, pending or drained, and the page shows it", async () => {
    const [a, b] = [friends[0]!, friends[1]!];
    const before = await page();
    // Ingested, not drained: the mark moves the version and the read drains it (as a fresh read did).
    await ports.activity.ingest(a, aRun(recent(20), 31, 60));
    const pending = await page();
    expect(pending.version).not.toBe(before.version);
    expect(seconds(pending.view, a.id)).toBe(seconds(before.view, a.id)! + 30 * 60);
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, standingItemKeys.dirty(a.id))).toBeNull();
    // Once drained the version settles (the stored standing, no mark) and is served from the cache.
    const settled = await page();
    const still = await page();
    expect(still.version).toBe(settled.version);
    expect(still.view).toBe(settled.view);
    expect(seconds(settled.view, a.id)).toBe(seconds(pending.view, a.id));
    // Written by the scheduled drainer before any read: the standing's new `ver` moves it.
    await ports.activity.ingest(b, aRun(recent(20), 11, 60));
    await drainStandings(deps);
    expect(await getItem(dynamo.doc, SOCIAL_TABLE, standingItemKeys.dirty(b.id))).toBeNull();
    const drained = await page();
    expect(drained.version).not.toBe(settled.version);
    expect(seconds(drained.view, b.id)).toBe(seconds(settled.view, b.id)! + 10 * 60);
  }, 60_000);

  it("moves on time in a new language and on a language item changed alone (the language board shows it)", async () => {
    const a = friends[0]!;
    const before = await page("Rust");
    expect(seconds(before.view, a.id)).toBeUndefined();
    await ports.activity.ingest(a, aRun(recent(10), 6, 60, { language: "Rust" }));
    await drainStandings(deps);
    const after = await page("Rust");
    expect(after.version).not.toBe(before.version);
    expect(seconds(after.view, a.id)).toBe(5 * 60);
    // A language item that changes while `L#` does not (here: its stored days made wrong, then
    // refreshed): the drainer rewrites `L#` too, so the version still moves.
    await dynamo.doc.send(new UpdateCommand({ TableName: SOCIAL_TABLE, Key: standingItemKeys.standing(a.id, "Rust"), UpdateExpression: "SET dl7 = :d", ExpressionAttributeValues: { ":d": 9 } }));
    await markStandingDirty(dynamo.doc, SOCIAL_TABLE, a.id);
    await drainStandings(deps);
    const days = (await getItem<{ dl7: number; ver: number }>(dynamo.doc, SOCIAL_TABLE, standingItemKeys.standing(a.id, "Rust")))!;
    expect(days.dl7).not.toBe(9); // the drainer rewrote the language item...
    const fixed = await page("Rust");
    expect(fixed.version).not.toBe(after.version); // ...and `L#`, so the cached page is not served
    expect(fixed.view).not.toBe(after.view);
    expect(fixed.view.page.items.find((e) => e.row.user.id === a.id)!.row.days).toBe(days.dl7);
  }, 60_000);

  it("moves on rename and hiding languages, and the page shows the change", async () => {
    const [c, b] = [friends[2]!, friends[1]!];
    const before = await page();
    expect(before.view.page.languages.has(b.id)).toBe(true);
    // Renamed (as PATCH /api/kodo/profile: the profile, then the cache fan-out).
    const newName = `${c.username}_x`;
    expect(await ports.accountAdmin!.updateProfile(c.id, { username: newName, displayName: "Cee" })).not.toBe("username-taken");
    await purgeUserCaches(ports, c.id);
    const afterRename = await page();
    expect(afterRename.version).not.toBe(before.version);
    const row = afterRename.view.page.items.find((e) => e.row.user.id === c.id)!.row;
    expect(row.user).toEqual({ id: c.id, username: newName, displayName: "Cee" });
    // Hides their languages: they leave the page's languages (and language boards) at once.
    await social().updateSharing(b.id, { languages: false });
    const hidden = await page();
    expect(hidden.version).not.toBe(afterRename.version);
    expect(hidden.view.page.languages.has(b.id)).toBe(false);
    expect(seconds((await page("TypeScript")).view, b.id)).toBeUndefined();
  }, 60_000);

  it("moves on unfriending and account deletion: the friend is off the page at once", async () => {
    const [d, e] = [friends[3]!, friends[4]!];
    const before = await page();
    expect(seconds(before.view, d.id)).toBeGreaterThan(0);
    await social().removeFriendLink(d.id, me.id);
    const unfriended = await page();
    expect(unfriended.version).not.toBe(before.version);
    expect(unfriended.userIds).not.toContain(d.id);
    expect(seconds(unfriended.view, d.id)).toBeUndefined();
    // Deleted (the storage side of DELETE /api/kodo/account, in its order).
    await ports.accountAdmin!.revokeAllAccess(e.id);
    await ports.activityAdmin!.deleteAll(e);
    await ports.accountAdmin!.deleteAccountRows(e.id);
    await purgeUserCaches(ports, e.id);
    const deleted = await page();
    expect(deleted.version).not.toBe(unfriended.version);
    expect(deleted.userIds).not.toContain(e.id);
    expect(seconds(deleted.view, e.id)).toBeUndefined();
    const again = await page();
    expect(again.version).toBe(deleted.version);
    expect(again.view).toBe(deleted.view);
  }, 60_000);
});

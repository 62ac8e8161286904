/** Friend requests and sharing settings through the API: the whole flow and bad input. */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { aUser, call, freshStorage, getJson } from "./helpers.ts";
import { FRIEND_REQUEST_SENT } from "@kodo/core/http";
import { MAX_FRIENDS } from "@kodo/core/social";
import { aSocialUser } from "./social-fixtures.ts";
import { d1AccountAdmin } from "../src/stores/account-admin.ts";

beforeEach(freshStorage);

const post = (path: string, key: string, body?: unknown) => call(path, { method: "POST", key, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
const rows = async () => (await env.DB.prepare("SELECT requester_id, addressee_id, status FROM friendships ORDER BY requester_id").all()).results;

/** `count` new users, each an accepted friend of `userId` (rows written directly: the routes are what is tested). */
async function giveFriends(userId: string, count: number, tag: string): Promise<void> {
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
     INSERT INTO users (id, username) SELECT ?2 || i, ?2 || i FROM n`,
  ).bind(count, tag).run();
  await env.DB.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
     INSERT INTO friendships (requester_id, addressee_id, status, accepted_at)
     SELECT ?3 || i, ?1, 'accepted', strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM n`,
  ).bind(userId, count, tag).run();
}

describe("friends", () => {
  it("request, accept, list, remove", async () => {
    const [a, b] = [await aSocialUser(), await aSocialUser()];
    const sent = await post("/api/kodo/friends", a.key, { username: b.username });
    expect(sent.status).toBe(202);
    expect(await sent.json()).toEqual({ message: FRIEND_REQUEST_SENT });
    expect((await getJson("/api/kodo/friends", a.key)).outgoing.map((l: any) => l.username)).toEqual([b.username]);
    expect((await getJson("/api/kodo/friends", b.key)).incoming.map((l: any) => l.username)).toEqual([a.username]);
    expect((await post("/api/kodo/friends", a.key, { username: b.username })).status).toBe(202); // again: nothing new
    expect((await rows()).length).toBe(1);
    // Only the addressee can accept.
    expect((await post(`/api/kodo/friends/${b.username}/accept`, a.key)).status).toBe(404);
    expect((await post(`/api/kodo/friends/${a.username}/accept`, b.key)).status).toBe(200);
    const listA = await getJson("/api/kodo/friends", a.key);
    expect(listA.friends.map((f: any) => f.username)).toEqual([b.username]);
    expect(listA.incoming).toEqual([]);
    expect((await post("/api/kodo/friends", b.key, { username: a.username })).status).toBe(202);
    expect((await rows()).map((r: any) => r.status)).toEqual(["accepted"]);
    expect((await call(`/api/kodo/friends/${a.username}`, { method: "DELETE", key: b.key })).status).toBe(204);
    expect(await rows()).toEqual([]);
    expect((await call(`/api/kodo/friends/${a.username}`, { method: "DELETE", key: b.key })).status).toBe(404);
  });

  it("a request back accepts the pending one; decline removes it from the addressee's list only", async () => {
    const [a, b, c] = [await aSocialUser(), await aSocialUser(), await aSocialUser()];
    await post("/api/kodo/friends", a.key, { username: b.username });
    const back = await post("/api/kodo/friends", b.key, { username: a.username });
    expect(await back.json()).toEqual({ message: FRIEND_REQUEST_SENT });
    expect((await rows()).map((r: any) => r.status)).toEqual(["accepted"]);
    await post("/api/kodo/friends", c.key, { username: a.username });
    expect((await post(`/api/kodo/friends/${c.username}/decline`, a.key)).status).toBe(200);
    expect((await getJson("/api/kodo/friends", a.key)).incoming).toEqual([]);
    // The sender still sees it pending (as for a name that names nobody): a decline is silent.
    expect((await getJson("/api/kodo/friends", c.key)).outgoing.map((l: any) => l.username)).toEqual([a.username]);
  });

  it(`keeps at most ${MAX_FRIENDS} friends each: the accept and the request that would pass it answer 409 and store nothing`, async () => {
    const [full, b, c, d] = [await aSocialUser(), await aSocialUser(), await aSocialUser(), await aSocialUser()];
    await giveFriends(full.id, MAX_FRIENDS - 1, "pal_");
    const status = async (userId: string) => (await env.DB.prepare("SELECT status FROM friendships WHERE requester_id = ?1 OR addressee_id = ?1 ORDER BY status").bind(userId).all()).results;

    // One below the limit: accepting b makes the last friendship allowed.
    await post("/api/kodo/friends", b.key, { username: full.username });
    expect((await post(`/api/kodo/friends/${b.username}/accept`, full.key)).status).toBe(200);
    expect((await getJson("/api/kodo/friends", full.key)).friends).toHaveLength(MAX_FRIENDS);

    // At the limit: c's request stays pending, accepting it is refused, and so is asking c back.
    await post("/api/kodo/friends", c.key, { username: full.username });
    const accepted = await post(`/api/kodo/friends/${c.username}/accept`, full.key);
    expect(accepted.status).toBe(409);
    expect(await accepted.json()).toEqual({ error: `You have ${MAX_FRIENDS} friends, the most Kodo keeps: remove one first` });
    const back = await post("/api/kodo/friends", full.key, { username: c.username });
    expect(back.status).toBe(409);
    expect(await status(c.id)).toEqual([{ status: "pending" }]);
    // Nor may full ask anyone (their request could never be accepted), nor accept d.
    expect((await post("/api/kodo/friends", full.key, { username: d.username })).status).toBe(409);
    expect(await status(d.id)).toEqual([]);
    await post("/api/kodo/friends", d.key, { username: full.username });
    expect((await post(`/api/kodo/friends/${d.username}/accept`, full.key)).status).toBe(409);
    expect(await status(d.id)).toEqual([{ status: "pending" }]);
    expect((await getJson("/api/kodo/friends", full.key)).friends).toHaveLength(MAX_FRIENDS);

    // Removing one friend makes room again.
    expect((await call(`/api/kodo/friends/${b.username}`, { method: "DELETE", key: full.key })).status).toBe(204);
    expect((await post(`/api/kodo/friends/${c.username}/accept`, full.key)).status).toBe(200);
    expect(await status(c.id)).toEqual([{ status: "accepted" }]);
  });

  it("refuses the accept or request back when the OTHER user is at the limit, saying so", async () => {
    const [full, e] = [await aSocialUser(), await aSocialUser()];
    await giveFriends(full.id, MAX_FRIENDS, "mate_");
    // full's request to e was made before; e accepts, or asks back: both refused, nothing changes.
    await env.DB.prepare("INSERT INTO friendships (requester_id, addressee_id) VALUES (?, ?)").bind(full.id, e.id).run();
    const accept = await post(`/api/kodo/friends/${full.username}/accept`, e.key);
    expect(accept.status).toBe(409);
    expect(await accept.json()).toEqual({ error: `This user has ${MAX_FRIENDS} friends, the most Kodo keeps` });
    expect((await post("/api/kodo/friends", e.key, { username: full.username })).status).toBe(409);
    expect((await getJson("/api/kodo/friends", e.key)).incoming.map((l: any) => l.username)).toEqual([full.username]);
    // A request to a full user who did not ask answers the usual 202 (it makes no friendship).
    const [f] = [await aSocialUser()];
    expect((await post("/api/kodo/friends", f.key, { username: full.username })).status).toBe(202);
  });

  it("refuses bad input with JSON 4xx and stores nothing", async () => {
    const a = await aSocialUser();
    const reader = await aUser({ scope: "read" });
    const cases: [string, unknown, number][] = [
      ["missing", {}, 400],
      ["wrong type", { username: 42 }, 400],
      ["too long", { username: "x".repeat(500) }, 400],
      ["array", [], 400],
    ];
    for (const [name, body, status] of cases) {
      const res = await post("/api/kodo/friends", a.key, body);
      expect(res.status, name).toBe(status);
      expect(((await res.json()) as any).error, name).toBeTruthy();
    }
    const bad = await call("/api/kodo/friends", { method: "POST", key: a.key, body: "{not json" });
    expect(bad.status).toBe(400);
    expect((await post("/api/kodo/friends", reader.key, { username: a.username })).status).toBe(403);
    expect((await call(`/api/kodo/friends/${"y".repeat(300)}/stats`, { key: a.key })).status).toBe(400);
    expect((await call(`/api/kodo/friends/${a.username}/stats?range=forever`, { key: a.key })).status).toBe(400);
    expect(await rows()).toEqual([]);
  });
});

describe("friend requests do not reveal which usernames exist", () => {
  it("answer byte-identically for an unknown user, a known one, oneself, a friend and a pending request", async () => {
    const [a, b, friend, asked, asker] = [await aSocialUser(), await aSocialUser(), await aSocialUser(), await aSocialUser(), await aSocialUser()];
    await post("/api/kodo/friends", a.key, { username: friend.username });
    await post(`/api/kodo/friends/${a.username}/accept`, friend.key);
    await post("/api/kodo/friends", a.key, { username: asked.username });
    await post("/api/kodo/friends", asker.key, { username: a.username });
    const before = await rows();
    const answer = async (username: string) => {
      const res = await post("/api/kodo/friends", a.key, { username });
      return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
    };
    const unknown = await answer("nobody-here");
    expect(unknown).toEqual({ status: 202, type: "application/json", body: JSON.stringify({ message: FRIEND_REQUEST_SENT }) });
    for (const username of [a.username, friend.username, asked.username, "x".repeat(31)]) expect(await answer(username), username).toEqual(unknown);
    expect(await rows()).toEqual(before); // none of those stored anything
    expect(await answer(b.username)).toEqual(unknown); // a new request...
    expect(await answer(asker.username)).toEqual(unknown); // ...and an acceptance
    const after = await rows();
    expect(after.length).toBe(before.length + 1);
    expect(after.filter((r: any) => r.status === "accepted").length).toBe(2);
  });

  it("the sender's outgoing list shows a request to an unknown name like one to a real user, and after a decline", async () => {
    const [a, b, c] = [await aSocialUser(), await aSocialUser(), await aSocialUser()];
    for (const username of ["nobody-here", b.username, c.username]) await post("/api/kodo/friends", a.key, { username });
    const shape = async () => (await getJson("/api/kodo/friends", a.key)).outgoing.map(({ at, ...rest }: any) => rest);
    const want = ["nobody-here", b.username, c.username].sort().map((username) => ({ username, displayName: null }));
    expect(await shape()).toEqual(want);
    // b declines: a still sees a pending request to b, as for the unknown name.
    expect((await post(`/api/kodo/friends/${a.username}/decline`, b.key)).status).toBe(200);
    expect((await getJson("/api/kodo/friends", b.key)).incoming).toEqual([]);
    expect(await shape()).toEqual(want);
    // Asking again after a decline lists b once; every one of them is cancelled alike.
    await post("/api/kodo/friends", a.key, { username: b.username });
    expect(await shape()).toEqual(want);
    for (const u of ["nobody-here", b.username, c.username]) expect((await call(`/api/kodo/friends/${u}`, { method: "DELETE", key: a.key })).status, u).toBe(204);
    expect(await shape()).toEqual([]);
    expect(await rows()).toEqual([]);
    expect((await call("/api/kodo/friends/nobody-here", { method: "DELETE", key: a.key })).status).toBe(404);
    // Deleting an account deletes the requests others keep by its name (a declined one names it).
    await post("/api/kodo/friends", a.key, { username: b.username });
    await post(`/api/kodo/friends/${a.username}/decline`, b.key);
    const named = () => env.DB.prepare("SELECT count(*) AS n FROM friend_requests_by_name WHERE username = ?").bind(b.username).first("n");
    expect(await named()).toBe(1);
    await d1AccountAdmin(env.DB).deleteAccountRows(b.id);
    expect(await named()).toBe(0);
  });

  it("acting on a user answers the same 404 whether they exist or there is nothing between you", async () => {
    const [a, b] = [await aSocialUser(), await aSocialUser()];
    for (const [method, path] of [["POST", "/accept"], ["POST", "/decline"], ["DELETE", ""], ["GET", "/stats"]] as const) {
      const of = async (u: string) => {
        const res = await call(`/api/kodo/friends/${u}${path}`, { method, key: a.key });
        return [res.status, await res.text()];
      };
      const known = await of(b.username);
      expect(known[0], path).toBe(404);
      expect(await of("nobody-here"), path).toEqual(known);
    }
  });
});

describe("sharing settings", () => {
  it("are private by default and change field by field", async () => {
    const a = await aSocialUser();
    expect(await getJson("/api/kodo/sharing", a.key)).toEqual({
      publicProfile: false,
      leaderboards: false,
      projects: "hidden",
      languages: true,
      editors: true,
      operatingSystems: true,
      machines: false,
      historyDays: 365,
    });
    const res = await call("/api/kodo/sharing", { method: "PATCH", key: a.key, body: JSON.stringify({ leaderboards: true, projects: "alias" }) });
    expect(await res.json()).toMatchObject({ leaderboards: true, projects: "alias", publicProfile: false });
    expect(await getJson("/api/kodo/sharing", a.key)).toMatchObject({ leaderboards: true, projects: "alias" });
  });

  it("refuse bad input and keep what was stored", async () => {
    const a = await aSocialUser();
    const reader = await aUser({ scope: "read" });
    for (const body of [{ leaderboards: "yes" }, { projects: "everyone" }, { historyDays: -1 }, { historyDays: 1.5 }, { historyDays: 99999 }, { color: "red" }, [1], "x", null]) {
      const res = await call("/api/kodo/sharing", { method: "PATCH", key: a.key, body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as any).error).toBeTruthy();
    }
    expect(await env.DB.prepare("SELECT count(*) AS n FROM user_sharing").first("n")).toBe(0);
    expect((await call("/api/kodo/sharing", { method: "PATCH", key: reader.key, body: JSON.stringify({ leaderboards: true }) })).status).toBe(403);
  });
});

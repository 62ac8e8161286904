/** Teams through the API: roles and invites, chosen projects, the dashboard against totals computed here. */
import { beforeEach, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { TEAM_INVITE_SENT } from "@kodo/core/http";
import { call, expectedTotals, freshStorage, getJson, sum } from "./helpers.ts";
import { aSocialUser, block, localTime, seed, type SocialUser } from "./social-fixtures.ts";

beforeEach(freshStorage);
const now = Date.now() / 1000;
const send = (u: SocialUser, method: string, path: string, body?: unknown) =>
  call(path, { method, key: u.key, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

async function teamWith(owner: SocialUser, ...members: SocialUser[]): Promise<string> {
  const created = await send(owner, "POST", "/api/kodo/teams", { name: "Core team" });
  expect(created.status).toBe(201);
  const team = (await created.json()) as any;
  expect(team).toMatchObject({ name: "Core team", role: "owner" });
  const invite = (await (await send(owner, "POST", `/api/kodo/teams/${team.id}/invites`, {})).json()) as any;
  expect(invite.url).toBe(`/teams/join/${invite.token}`);
  for (const m of members) expect((await send(m, "POST", "/api/kodo/teams/join", { token: invite.token })).status).toBe(200);
  return team.id;
}

describe("teams", () => {
  it("roles: invite, promote, remove, leave, transfer, delete", async () => {
    const [owner, a, b, outsider] = [await aSocialUser(), await aSocialUser(), await aSocialUser(), await aSocialUser()];
    const id = await teamWith(owner, a, b);
    const t = `/api/kodo/teams/${id}`;
    expect((await getJson("/api/kodo/teams", a.key)).map((x: any) => [x.role, x.members])).toEqual([["member", 3]]);
    // Non-members cannot tell the team exists.
    expect((await call(t, { key: outsider.key })).status).toBe(404);
    expect((await call(`${t}/dashboard`, { key: outsider.key })).status).toBe(404);
    // Members do not invite or see invites; the owner promotes; admins invite.
    expect((await send(a, "POST", `${t}/invites`, {})).status).toBe(403);
    expect((await getJson(t, a.key)).invites).toBeUndefined();
    expect((await send(a, "PATCH", `${t}/members/${b.username}`, { role: "admin" })).status).toBe(403);
    expect((await send(owner, "PATCH", `${t}/members/${a.username}`, { role: "admin" })).status).toBe(200);
    const named = await send(a, "POST", `${t}/invites`, { username: outsider.username });
    expect(named.status).toBe(202);
    expect(await named.json()).toEqual({ message: TEAM_INVITE_SENT });
    const invites = (await getJson(t, a.key)).invites;
    expect(invites.map((i: any) => [i.username, i.createdBy])).toEqual([[null, owner.username], [outsider.username, a.username]]); // the link, then the named one
    // A named invite waits on its invitee's page; it works only for them, once.
    const [invitation] = await getJson("/api/kodo/teams/invitations", outsider.key);
    expect(invitation).toMatchObject({ id: invites[1].id, team: { id, name: "Core team" }, invitedBy: a.username });
    expect(await getJson("/api/kodo/teams/invitations", b.key)).toEqual([]);
    const stranger = await aSocialUser();
    expect((await send(stranger, "POST", `/api/kodo/teams/invitations/${invitation.id}/accept`)).status).toBe(404);
    expect((await send(b, "POST", `/api/kodo/teams/invitations/${invites[0].id}/accept`)).status).toBe(404); // a link is not accepted by id
    expect((await send(outsider, "POST", `/api/kodo/teams/invitations/${invitation.id}/accept`)).status).toBe(200);
    expect((await send(outsider, "POST", `/api/kodo/teams/invitations/${invitation.id}/accept`)).status).toBe(404); // used up
    expect((await send(outsider, "POST", "/api/kodo/teams/join", { token: "nope" })).status).toBe(404);
    // Admins remove members but not admins or the owner.
    expect((await send(a, "DELETE", `${t}/members/${outsider.username}`)).status).toBe(204);
    expect((await send(a, "DELETE", `${t}/members/${owner.username}`)).status).toBe(403);
    expect((await send(b, "DELETE", `${t}/members/${a.username}`)).status).toBe(403);
    // The owner transfers before leaving.
    expect((await send(owner, "POST", `${t}/leave`)).status).toBe(409);
    expect((await send(a, "POST", `${t}/transfer`, { username: b.username })).status).toBe(403);
    expect((await send(owner, "POST", `${t}/transfer`, { username: b.username })).status).toBe(200);
    expect((await getJson(t, owner.key)).members.map((m: any) => [m.username, m.role])).toEqual([
      [b.username, "owner"],
      [owner.username, "admin"],
      [a.username, "admin"],
    ]);
    expect((await send(owner, "POST", `${t}/leave`)).status).toBe(204);
    expect((await send(a, "DELETE", t)).status).toBe(403);
    expect((await send(b, "DELETE", t)).status).toBe(204);
    expect((await call(t, { key: b.key })).status).toBe(404);
    for (const table of ["teams", "team_members", "team_invites", "team_removals"]) expect(await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first("n"), table).toBe(0);
  });

  it("the dashboard counts only each member's chosen projects (none until chosen)", async () => {
    const [owner, member] = [await aSocialUser("Asia/Tokyo"), await aSocialUser("UTC")];
    const ownerBeats = [1, 2].flatMap((d) => [...block(localTime(now, owner.zone, d, 9), 13, 300, { project: "kodo" }), ...block(localTime(now, owner.zone, d, 14), 7, 300, { project: "private-side-gig", language: "Go" })]);
    const memberBeats = [1, 3].flatMap((d) => block(localTime(now, member.zone, d, 10), 9, 300, { project: "kodo", language: "Python" }));
    await seed(owner, ownerBeats);
    await seed(member, memberBeats);
    const id = await teamWith(owner, member);
    const t = `/api/kodo/teams/${id}`;
    const before = await getJson(`${t}/dashboard`, member.key);
    expect(before.members.map((m: any) => m.totalSeconds)).toEqual([0, 0]);
    expect((await getJson(`${t}/leaderboard`, member.key)).data).toEqual([]);

    expect((await send(owner, "PUT", `${t}/projects`, { projects: ["kodo"] })).status).toBe(200);
    expect((await send(member, "PUT", `${t}/projects`, { projects: "all" })).status).toBe(200);
    const ownerKodo = expectedTotals(ownerBeats.map((b) => ({ time: b.time, key: b.project }))).get("kodo")!;
    expect(ownerKodo).toBeGreaterThan(0);
    const memberAll = sum(expectedTotals(memberBeats.map((b) => ({ time: b.time, key: b.project }))));
    const dash = await getJson(`${t}/dashboard?range=last_7_days`, member.key);
    const text = JSON.stringify(dash);
    expect(text).not.toContain("private-side-gig");
    expect(text).not.toContain("Go");
    expect(dash.members.map((m: any) => [m.username, m.totalSeconds])).toEqual([
      [owner.username, ownerKodo],
      [member.username, memberAll],
    ]);
    expect(dash.projects).toEqual([{ name: "kodo", totalSeconds: ownerKodo + memberAll }]);
    expect(dash.languages.map((l: any) => l.name).sort()).toEqual(["Python", "TypeScript"]);
    const board = await getJson(`${t}/leaderboard?range=last_7_days`, owner.key);
    const ranked = [[owner.username, ownerKodo], [member.username, memberAll]].sort((x, y) => (y[1] as number) - (x[1] as number));
    expect(board.data.map((e: any) => [e.user.username, e.totalSeconds])).toEqual(ranked);
    expect(board.me.rank).toBe(ranked.findIndex((r) => r[0] === owner.username) + 1);
  });

  it("refuses bad input with JSON 4xx", async () => {
    const owner = await aSocialUser();
    for (const body of [{}, { name: "" }, { name: "x".repeat(81) }, { name: 5 }, []]) expect((await send(owner, "POST", "/api/kodo/teams", body)).status, JSON.stringify(body)).toBe(400);
    const id = await teamWith(owner);
    const t = `/api/kodo/teams/${id}`;
    for (const body of [{}, { projects: "some" }, { projects: [1] }, { projects: Array(201).fill("p") }]) expect((await send(owner, "PUT", `${t}/projects`, body)).status).toBe(400);
    expect((await send(owner, "PATCH", `${t}/members/${owner.username}`, { role: "god" })).status).toBe(400);
    expect((await send(owner, "PATCH", `${t}/members/${owner.username}`, { role: "member" })).status).toBe(409);
    for (const body of [{ username: "" }, { username: 5 }, { username: "x".repeat(101) }, []]) expect((await send(owner, "POST", `${t}/invites`, body)).status, JSON.stringify(body)).toBe(400);
    expect((await send(owner, "POST", "/api/kodo/teams/join", { token: "" })).status).toBe(400);
    expect((await send(owner, "DELETE", `${t}/invites/${"x".repeat(100)}`)).status).toBe(404);
    expect((await call(`${t}/dashboard?range=all_time`, { key: owner.key })).status).toBe(400);
    expect((await call(`/api/kodo/teams/${"x".repeat(100)}`, { key: owner.key })).status).toBe(404);
    expect((await call("/api/kodo/teams")).status).toBe(401);
  });
});

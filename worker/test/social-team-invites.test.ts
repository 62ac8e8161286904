/**
 * Issue 13: team invites cannot be used to enumerate accounts, can be listed and revoked,
 * expire, and die as soon as their creator may no longer invite; a removed member comes back
 * only through an invite made after the removal; a database at the previous schema upgrades
 * with its invites still working.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { applyD1Migrations, reset } from "cloudflare:test";
import { hashKey, TEAM_INVITE_SENT } from "@kodo/core/http";
import { d1AccountAdmin } from "../src/stores/account-admin.ts";
import { call, freshStorage, getJson } from "./helpers.ts";
import { aSocialUser, type SocialUser } from "./social-fixtures.ts";

beforeEach(freshStorage);
const send = (u: SocialUser, method: string, path: string, body?: unknown) =>
  call(path, { method, key: u.key, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });

async function newTeam(owner: SocialUser): Promise<string> {
  return ((await (await send(owner, "POST", "/api/kodo/teams", { name: "Night Shift" })).json()) as any).id;
}
async function link(by: SocialUser, team: string): Promise<{ id: string; token: string; expiresAt: string }> {
  const res = await send(by, "POST", `/api/kodo/teams/${team}/invites`, {});
  expect(res.status).toBe(201);
  return (await res.json()) as any;
}
const join = async (u: SocialUser, token: string) => (await send(u, "POST", "/api/kodo/teams/join", { token })).status;
const count = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<number>("n"))!;

describe("inviting by username", () => {
  it("answers byte-identically for an unknown name, a user, oneself and a member, doing the same work", async () => {
    const [owner, user, member] = [await aSocialUser(), await aSocialUser(), await aSocialUser()];
    const team = await newTeam(owner);
    await join(member, (await link(owner, team)).token);
    const answer = async (username: string) => {
      const before = await count("team_invites");
      const res = await send(owner, "POST", `/api/kodo/teams/${team}/invites`, { username });
      const stored = (await count("team_invites")) - before;
      return { status: res.status, type: res.headers.get("content-type"), body: await res.text(), stored };
    };
    const unknown = await answer("no-such-user-anywhere");
    expect(unknown).toEqual({ status: 202, type: "application/json", body: JSON.stringify({ message: TEAM_INVITE_SENT }), stored: 1 });
    for (const name of [user.username, owner.username, member.username, "x".repeat(100)]) expect(await answer(name), name).toEqual(unknown);
    // The admin's list shows each as typed; only the real user finds an invitation.
    expect((await getJson(`/api/kodo/teams/${team}/invites`, owner.key)).map((i: any) => i.username)).toEqual([
      null,
      "no-such-user-anywhere",
      user.username,
      owner.username,
      member.username,
      "x".repeat(100),
    ]);
    expect((await getJson("/api/kodo/teams/invitations", user.key)).map((i: any) => i.team.id)).toEqual([team]);
    expect(await getJson("/api/kodo/teams/invitations", member.key)).toEqual([]); // already in the team
    expect(await getJson("/api/kodo/teams/invitations", owner.key)).toEqual([]);
  });

  it("a declined invitation is gone for the invitee, and looks to admins like one for an unknown name", async () => {
    const [owner, user, other] = [await aSocialUser(), await aSocialUser(), await aSocialUser()];
    const team = await newTeam(owner);
    await send(owner, "POST", `/api/kodo/teams/${team}/invites`, { username: user.username });
    const [inv] = await getJson("/api/kodo/teams/invitations", user.key);
    expect((await send(other, "DELETE", `/api/kodo/teams/invitations/${inv.id}`)).status).toBe(404);
    expect((await send(user, "DELETE", `/api/kodo/teams/invitations/${inv.id}`)).status).toBe(204);
    expect(await getJson("/api/kodo/teams/invitations", user.key)).toEqual([]);
    expect((await send(user, "POST", `/api/kodo/teams/invitations/${inv.id}/accept`)).status).toBe(404);
    await send(owner, "POST", `/api/kodo/teams/${team}/invites`, { username: "no-such-user-anywhere" });
    const shown = (await getJson(`/api/kodo/teams/${team}/invites`, owner.key)).map(({ id, createdAt, expiresAt, ...rest }: any) => rest);
    expect(shown).toEqual([
      { username: user.username, createdBy: owner.username },
      { username: "no-such-user-anywhere", createdBy: owner.username },
    ]);
  });
});

describe("listing and revoking", () => {
  it("admins list and revoke; a revoked link stops working; members and outsiders cannot", async () => {
    const [owner, admin, member, outsider, joiner] = [await aSocialUser(), await aSocialUser(), await aSocialUser(), await aSocialUser(), await aSocialUser()];
    const team = await newTeam(owner);
    const t = `/api/kodo/teams/${team}`;
    await join(admin, (await link(owner, team)).token);
    await join(member, (await link(owner, team)).token);
    await send(owner, "PATCH", `${t}/members/${admin.username}`, { role: "admin" });
    const l = await link(admin, team);
    // Expires in the documented 7 days.
    expect(Date.parse(l.expiresAt) - Date.now()).toBeGreaterThan(7 * 86400_000 - 60_000);
    expect(Date.parse(l.expiresAt) - Date.now()).toBeLessThanOrEqual(7 * 86400_000);
    const listed = await getJson(`${t}/invites`, owner.key);
    expect(listed.find((i: any) => i.id === l.id)).toMatchObject({ username: null, createdBy: admin.username, expiresAt: l.expiresAt });
    expect((await getJson(t, admin.key)).invites.map((i: any) => i.id)).toEqual(listed.map((i: any) => i.id));
    expect((await call(`${t}/invites`, { key: member.key })).status).toBe(403);
    expect((await send(member, "DELETE", `${t}/invites/${l.id}`)).status).toBe(403);
    expect((await call(`${t}/invites`, { key: outsider.key })).status).toBe(404);
    expect((await send(outsider, "DELETE", `${t}/invites/${l.id}`)).status).toBe(404);
    // The owner revokes the admin's link.
    expect((await send(owner, "DELETE", `${t}/invites/${l.id}`)).status).toBe(204);
    expect((await send(owner, "DELETE", `${t}/invites/${l.id}`)).status).toBe(404);
    expect(await join(joiner, l.token)).toBe(404);
    expect((await getJson(`${t}/invites`, owner.key)).map((i: any) => i.id)).not.toContain(l.id);
  });

  it("an expired link neither works nor is listed", async () => {
    const [owner, joiner] = [await aSocialUser(), await aSocialUser()];
    const team = await newTeam(owner);
    const l = await link(owner, team);
    await env.DB.prepare("UPDATE team_invites SET expires_at = ? WHERE id = ?").bind(new Date(Date.now() - 1000).toISOString(), l.id).run();
    expect(await join(joiner, l.token)).toBe(404);
    expect(await getJson(`/api/kodo/teams/${team}/invites`, owner.key)).toEqual([]);
  });
});

describe("an invite dies with its creator's right to invite", () => {
  async function adminWithLink() {
    const [owner, admin, joiner] = [await aSocialUser(), await aSocialUser(), await aSocialUser()];
    const team = await newTeam(owner);
    await join(admin, (await link(owner, team)).token);
    await send(owner, "PATCH", `/api/kodo/teams/${team}/members/${admin.username}`, { role: "admin" });
    const l = await link(admin, team);
    const named = await send(admin, "POST", `/api/kodo/teams/${team}/invites`, { username: joiner.username });
    expect(named.status).toBe(202);
    return { owner, admin, joiner, team, l };
  }

  it("checked at redemption against the creator's current role (even before any clean-up)", async () => {
    const { admin, joiner, team, l } = await adminWithLink();
    // Demoted behind the API's back: no clean-up ran, the redemption check alone refuses.
    await env.DB.prepare("UPDATE team_members SET role = 'member' WHERE team_id = ? AND user_id = ?").bind(team, admin.id).run();
    expect(await join(joiner, l.token)).toBe(404);
    expect(await getJson("/api/kodo/teams/invitations", joiner.key)).toEqual([]);
    await env.DB.prepare("UPDATE team_members SET role = 'admin' WHERE team_id = ? AND user_id = ?").bind(team, admin.id).run();
    expect(await join(joiner, l.token)).toBe(200); // the same check, now passing
  });

  it("demoted: the links die and are cleaned up, and stay dead if promoted again", async () => {
    const { owner, admin, joiner, team, l } = await adminWithLink();
    await send(owner, "PATCH", `/api/kodo/teams/${team}/members/${admin.username}`, { role: "member" });
    expect(await join(joiner, l.token)).toBe(404);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM team_invites WHERE created_by = ?").bind(admin.id).first("n")).toBe(0);
    await send(owner, "PATCH", `/api/kodo/teams/${team}/members/${admin.username}`, { role: "admin" });
    expect(await join(joiner, l.token)).toBe(404);
  });

  it("removed, left, or account deleted", async () => {
    for (const end of ["removed", "left", "deleted"] as const) {
      const { owner, admin, joiner, team, l } = await adminWithLink();
      if (end === "removed") expect((await send(owner, "DELETE", `/api/kodo/teams/${team}/members/${admin.username}`)).status).toBe(204);
      if (end === "left") expect((await send(admin, "POST", `/api/kodo/teams/${team}/leave`)).status).toBe(204);
      if (end === "deleted") await d1AccountAdmin(env.DB).deleteAccountRows(admin.id);
      expect(await join(joiner, l.token), end).toBe(404);
      expect(await getJson("/api/kodo/teams/invitations", joiner.key), end).toEqual([]);
      const left = await getJson(`/api/kodo/teams/${team}/invites`, owner.key);
      expect(left.length, end).toBe(1); // the owner's own link only
      expect(left.filter((i: any) => i.createdBy !== owner.username), end).toEqual([]);
    }
  });

  it("the owner's links survive a transfer (they stay an admin)", async () => {
    const { owner, admin, joiner, team } = await adminWithLink();
    const own = await link(owner, team);
    await send(owner, "POST", `/api/kodo/teams/${team}/transfer`, { username: admin.username });
    expect(await join(joiner, own.token)).toBe(200);
  });
});

describe("a removed member", () => {
  it("comes back only through an invite made after the removal; one who left may use an old link", async () => {
    const [owner, other, removed, leaver] = [await aSocialUser(), await aSocialUser(), await aSocialUser(), await aSocialUser()];
    const team = await newTeam(owner);
    const t = `/api/kodo/teams/${team}`;
    const first = await link(owner, team);
    for (const u of [other, removed, leaver]) expect(await join(u, first.token)).toBe(200);
    await send(owner, "PATCH", `${t}/members/${other.username}`, { role: "admin" });
    const otherLink = await link(other, team); // another admin's link, made before the removal
    expect((await send(owner, "DELETE", `${t}/members/${removed.username}`)).status).toBe(204);
    expect((await send(leaver, "POST", `${t}/leave`)).status).toBe(204);
    expect(await join(removed, first.token)).toBe(404);
    expect(await join(removed, otherLink.token)).toBe(404);
    expect(await join(leaver, otherLink.token)).toBe(200);
    // The old links still work for everyone else.
    expect(await join(await aSocialUser(), first.token)).toBe(200);
    // A fresh link, or a fresh named invite, lets them back.
    await new Promise((r) => setTimeout(r, 5)); // a later millisecond than the removal
    const fresh = await link(other, team);
    expect(await join(removed, fresh.token)).toBe(200);
    expect((await send(owner, "DELETE", `${t}/members/${removed.username}`)).status).toBe(204);
    await new Promise((r) => setTimeout(r, 5));
    await send(owner, "POST", `${t}/invites`, { username: removed.username });
    const [inv] = await getJson("/api/kodo/teams/invitations", removed.key);
    expect((await send(removed, "POST", `/api/kodo/teams/invitations/${inv.id}/accept`)).status).toBe(200);
  });
});

describe("the migration from the previous schema", () => {
  it("keeps existing invites working and gives them ids to revoke by", async () => {
    await reset();
    const all = env.TEST_MIGRATIONS;
    const at = all.findIndex((m) => m.name.startsWith("0004"));
    expect(at).toBeGreaterThan(0);
    // Every migration but 0004 (later ones add columns today's code writes, e.g. users.passkey_required).
    await applyD1Migrations(env.DB, [...all.slice(0, at), ...all.slice(at + 1)]);
    const [owner, invitee, joiner] = [await aSocialUser(), await aSocialUser(), await aSocialUser()];
    const team = await newTeam(owner);
    // Invites as the previous code stored them: a link and one named by invitee id.
    const expires = new Date(Date.now() + 86400_000).toISOString();
    const insert = "INSERT INTO team_invites (token_hash, team_id, invitee_id, created_by, expires_at) VALUES (?, ?, ?, ?, ?)";
    await env.DB.batch([
      env.DB.prepare(insert).bind(await hashKey("old-link-token"), team, null, owner.id, expires),
      env.DB.prepare(insert).bind(await hashKey("old-named-token"), team, invitee.id, owner.id, expires),
    ]);
    await applyD1Migrations(env.DB, all);
    const listed = await getJson(`/api/kodo/teams/${team}/invites`, owner.key);
    expect(listed.map((i: any) => [i.username, i.createdBy])).toEqual([[null, owner.username], [invitee.username, owner.username]]);
    expect(listed.every((i: any) => /^[0-9a-f]{32}$/.test(i.id))).toBe(true);
    expect((await getJson(`/api/kodo/teams/${team}/invites`, owner.key)).map((i: any) => i.id)).toEqual(listed.map((i: any) => i.id)); // stable
    expect(await join(joiner, "old-link-token")).toBe(200);
    expect(await join(joiner, "old-named-token")).toBe(404); // someone else's
    expect(await join(invitee, "old-named-token")).toBe(200);
    expect(await join(await aSocialUser(), "old-named-token")).toBe(404); // used up
    expect((await send(owner, "DELETE", `/api/kodo/teams/${team}/invites/${listed[0].id}`)).status).toBe(204);
    expect(await join(await aSocialUser(), "old-link-token")).toBe(404);
  });
});

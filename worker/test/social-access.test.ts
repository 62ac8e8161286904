/**
 * Authorisation matrix of the social and data routes: every route x {anonymous, other user,
 * friend, team member, team admin, owner} gets exactly the status the sharing settings allow,
 * and no answer to anyone but the owner contains the owner's private project or machine name or
 * id. The owner is a member of a team (made by "teamAdmin", with "teamMember") and lets only
 * the project "shared-proj" count toward it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { call, freshStorage, stubFor } from "./helpers.ts";
import { aSocialUser, befriend, block, localTime, seed, share, type SocialUser } from "./social-fixtures.ts";

const SECRET_PROJECT = "secret-project-x";
const SECRET_MACHINE = "secret-laptop-7";
const now = Date.now() / 1000;

type Role = "anonymous" | "other" | "friend" | "teamMember" | "teamAdmin" | "owner";
const ROLES: Role[] = ["anonymous", "other", "friend", "teamMember", "teamAdmin", "owner"];
const SHARED_PROJECT = "shared-proj";
let teamId = "";
let users: Record<Exclude<Role, "anonymous">, SocialUser>;

beforeAll(async () => {
  await freshStorage();
  const owner = await aSocialUser("Asia/Tokyo");
  const other = await aSocialUser("UTC");
  const friend = await aSocialUser("UTC");
  const teamMember = await aSocialUser("UTC");
  const teamAdmin = await aSocialUser("UTC");
  users = { owner, other, friend, teamMember, teamAdmin };
  await seed(owner, [
    ...[1, 2, 3].flatMap((d) => block(localTime(now, owner.zone, d, 10), 25, 300, { project: SECRET_PROJECT })),
    ...block(localTime(now, owner.zone, 1, 15), 7, 300, { project: SHARED_PROJECT }),
  ]);
  // The machine name travels in a header: send one more block from a named machine.
  const res = await call("/api/v1/users/current/heartbeats.bulk", {
    method: "POST",
    key: owner.key,
    headers: { "x-machine-name": SECRET_MACHINE },
    body: JSON.stringify(block(localTime(now, owner.zone, 4, 10), 13, 300, { project: SECRET_PROJECT }).map((b) => ({ entity: "/x.ts", type: "file", time: b.time, project: b.project, language: "Rust", category: "coding" }))),
  });
  expect(res.status).toBe(201);
  await stubFor(owner.id).flush(); // leaderboards read D1's roll-ups
  for (const u of [other, friend]) await seed(u, block(localTime(now, u.zone, 1, 10), 13, 300, { project: "their-own" }));
  await befriend(friend, owner);
  const team = (await (await call("/api/kodo/teams", { method: "POST", key: teamAdmin.key, body: JSON.stringify({ name: "T" }) })).json()) as any;
  teamId = team.id;
  const invite = (await (await call(`/api/kodo/teams/${teamId}/invites`, { method: "POST", key: teamAdmin.key, body: "{}" })).json()) as any;
  for (const u of [owner, teamMember]) expect((await call("/api/kodo/teams/join", { method: "POST", key: u.key, body: JSON.stringify({ token: invite.token }) })).status).toBe(200);
  expect((await call(`/api/kodo/teams/${teamId}/projects`, { method: "PUT", key: owner.key, body: JSON.stringify({ projects: [SHARED_PROJECT] }) })).status).toBe(200);
  const goal = await call("/api/kodo/goals", { method: "POST", key: owner.key, body: JSON.stringify({ period: "day", seconds: 3600, project: SECRET_PROJECT }) });
  expect(goal.status).toBe(201);
});

function keyOf(role: Role): string | undefined {
  return role === "anonymous" ? undefined : users[role].key;
}

interface Cell {
  status: number;
  /** Extra checks on the parsed body. */
  check?: (body: any) => void;
}
type Route = { name: string; path: () => string; method?: string; body?: () => unknown; expect: Record<Role, Cell> };

const all = (status: number, check?: Cell["check"]): Record<Role, Cell> =>
  Object.fromEntries(ROLES.map((r) => [r, { status, check }])) as Record<Role, Cell>;
const signedIn = (status: number, check?: Cell["check"]): Record<Role, Cell> => ({ ...all(status, check), anonymous: { status: 401 } });
const aliasedProjects = (list: any) => {
  expect(list.length).toBeGreaterThan(0);
  for (const p of list) expect(p.name).toMatch(/^Project \d+$/);
};

function routes(phase: "public" | "private"): Route[] {
  const owner = () => users.owner.username;
  const isPublic = phase === "public";
  return [
    { name: "GET sharing", path: () => "/api/kodo/sharing", expect: signedIn(200) },
    { name: "PATCH sharing (no-op)", path: () => "/api/kodo/sharing", method: "PATCH", body: () => ({}), expect: signedIn(200) },
    {
      name: "global leaderboard",
      path: () => "/api/kodo/leaderboards?range=last_30_days",
      expect: signedIn(200, (b) => expect(b.data.some((e: any) => e.user.username === owner())).toBe(isPublic)),
    },
    {
      name: "language leaderboard",
      path: () => "/api/kodo/leaderboards?range=last_30_days&language=Rust",
      expect: signedIn(200, (b) => expect(b.data.map((e: any) => e.user.username)).toEqual(isPublic ? [owner()] : [])),
    },
    {
      name: "friends leaderboard",
      path: () => "/api/kodo/leaderboards?scope=friends",
      expect: {
        anonymous: { status: 401 },
        other: { status: 200, check: (b) => expect(b.data.map((e: any) => e.user.username)).toEqual([users.other.username]) },
        teamMember: { status: 200, check: (b) => expect(b.data.map((e: any) => e.user.username)).toEqual([]) },
        teamAdmin: { status: 200, check: (b) => expect(b.data.map((e: any) => e.user.username)).toEqual([]) },
        friend: { status: 200, check: (b) => expect(b.data.map((e: any) => e.user.username).sort()).toEqual([owner(), users.friend.username].sort()) },
        owner: { status: 200, check: (b) => expect(b.data.map((e: any) => e.user.username).sort()).toEqual([owner(), users.friend.username].sort()) },
      },
    },
    { name: "WakaTime leaders", path: () => "/api/v1/leaders", expect: all(200, (b) => expect(b.data.some((e: any) => e.user.username === owner())).toBe(isPublic)) },
    { name: "friends list", path: () => "/api/kodo/friends", expect: signedIn(200) },
    {
      name: "goals (own only)",
      path: () => "/api/kodo/goals",
      expect: { ...signedIn(200, (b) => expect(b).toEqual([])), owner: { status: 200, check: (b) => expect(b.map((g: any) => g.project)).toEqual([SECRET_PROJECT]) } },
    },
    {
      name: "status bar (own only)",
      path: () => "/api/v1/users/current/statusbar/today",
      expect: { ...signedIn(200, (b) => expect(b.data.goals).toEqual([])), owner: { status: 200, check: (b) => expect(b.data.goals.length).toBe(1) } },
    },
    {
      name: "friend stats",
      path: () => `/api/kodo/friends/${owner()}/stats?range=last_30_days`,
      expect: {
        anonymous: { status: 401 },
        other: { status: 404 },
        teamMember: { status: 404 },
        teamAdmin: { status: 404 },
        owner: { status: 404 },
        friend: {
          status: 200,
          check: (b) => {
            expect(b.data.total_seconds).toBeGreaterThan(0);
            if (isPublic) aliasedProjects(b.data.projects);
            else expect(b.data.projects).toBeUndefined();
            expect(b.data.languages.map((l: any) => l.name).sort()).toEqual(["Rust", "TypeScript"]);
            expect(b.data.editors).toBeUndefined();
            expect(b.data.machines).toBeUndefined();
          },
        },
      },
    },
    {
      name: "accept a request that was never made",
      path: () => `/api/kodo/friends/${owner()}/accept`,
      method: "POST",
      expect: { ...all(404), anonymous: { status: 401 } },
    },
    {
      name: "public profile",
      path: () => `/api/public/users/${owner()}`,
      expect: isPublic
        ? all(200, (b) => {
            aliasedProjects(b.projects);
            expect(b.editors).toBeUndefined();
            expect(b.heatmap.length).toBe(4);
          })
        : all(404),
    },
    { name: "public stats", path: () => `/api/public/users/${owner()}/stats/last_30_days`, expect: isPublic ? all(200, (b) => aliasedProjects(b.data.projects)) : all(404) },
    { name: "public stats filtered by a project name", path: () => `/api/public/users/${owner()}/stats/last_30_days?project=${SECRET_PROJECT}`, expect: isPublic ? all(403) : all(404) },
    { name: "badge", path: () => `/api/badge/${owner()}/last_30_days.json`, expect: all(200, (b) => expect(b.message === "private").toBe(!isPublic)) },
    {
      name: "dashboard (own data only)",
      path: () => "/api/kodo/dashboard?range=last_30_days",
      expect: { ...signedIn(200), owner: { status: 200, check: (b) => expect(JSON.stringify(b)).toContain(SECRET_PROJECT) } },
    },
    { name: "WakaTime stats (own data only)", path: () => "/api/v1/users/current/stats/last_30_days", expect: signedIn(200) },
    {
      // Others (with or without a key) get WakaTime's public view (routes/public-wakatime.ts):
      // an id names no username, so it is the one "not public" answer, never the owner's data.
      name: "WakaTime stats of the owner by id",
      path: () => `/api/v1/users/${users.owner.id}/stats/last_30_days`,
      expect: {
        ...all(200, (b) => {
          expect(b.data.is_coding_activity_visible).toBe(false);
          expect(b.data.total_seconds).toBeUndefined();
        }),
        owner: { status: 200, check: (b) => expect(JSON.stringify(b)).toContain(SECRET_PROJECT) },
      },
    },
    ...teamRoutes(),
  ];
}

/** The team's views: members only; the owner's time there is only their shared project's. */
function teamRoutes(): Route[] {
  const members = (status: number, check?: Cell["check"]): Record<Role, Cell> => ({
    ...all(404),
    anonymous: { status: 401 },
    teamMember: { status, check },
    teamAdmin: { status, check },
    owner: { status, check },
  });
  return [
    { name: "team", path: () => `/api/kodo/teams/${teamId}`, expect: members(200, (b) => expect(b.members.length).toBe(3)) },
    {
      name: "team dashboard",
      path: () => `/api/kodo/teams/${teamId}/dashboard?range=last_30_days`,
      expect: members(200, (b) => expect(b.projects).toEqual([{ name: SHARED_PROJECT, totalSeconds: 1800 }])),
    },
    {
      name: "team leaderboard",
      path: () => `/api/kodo/teams/${teamId}/leaderboard?range=last_30_days`,
      expect: members(200, (b) => expect(b.data.map((e: any) => [e.user.username, e.totalSeconds])).toEqual([[users.owner.username, 1800]])),
    },
    { name: "invite (admins)", path: () => `/api/kodo/teams/${teamId}/invites`, method: "POST", body: () => ({}), expect: { ...members(403), teamAdmin: { status: 201 } } },
    { name: "team invites (admins)", path: () => `/api/kodo/teams/${teamId}/invites`, expect: { ...members(403), teamAdmin: { status: 200, check: (b) => expect(b.length).toBeGreaterThan(0) } } },
    { name: "invitations (own only)", path: () => "/api/kodo/teams/invitations", expect: signedIn(200, (b) => expect(b).toEqual([])) },
  ];
}

async function runMatrix(phase: "public" | "private") {
  let cells = 0;
  for (const route of routes(phase)) {
    for (const role of ROLES) {
      const cell = route.expect[role];
      const body = route.body?.();
      const res = await call(route.path(), { method: route.method ?? "GET", key: keyOf(role), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      const text = await res.text();
      const label = `${phase} / ${route.name} / ${role}`;
      expect(res.status, `${label}: ${text.slice(0, 200)}`).toBe(cell.status);
      if (role !== "owner") {
        expect(text, label).not.toContain(SECRET_PROJECT);
        expect(text, label).not.toContain(SECRET_MACHINE);
        expect(text, label).not.toContain(users.owner.id);
      }
      if (cell.check) cell.check(JSON.parse(text));
      cells++;
    }
  }
  return cells;
}

describe("who sees what", () => {
  it("with a public profile, leaderboards on and projects as aliases", async () => {
    await share(users.owner, { publicProfile: true, leaderboards: true, projects: "alias", languages: true, editors: false, machines: false, historyDays: 30 });
    expect(await runMatrix("public")).toBe(routes("public").length * ROLES.length);
  });

  it("with everything private again (friends still see totals and languages)", async () => {
    await share(users.owner, { publicProfile: false, leaderboards: false, projects: "hidden" });
    // The change goes through the cache fan-out: the very next public read is private, not a cached answer.
    const u = users.owner.username;
    const cachedUrls = [`/api/public/users/${u}`, `/api/public/users/${u}/stats/last_30_days`, `/api/badge/${u}/last_30_days.json`];
    for (const path of cachedUrls) expect((await call(path)).headers.get("x-kodo-cache"), path).toBeNull();
    expect(await runMatrix("private")).toBe(routes("private").length * ROLES.length);
  });
});

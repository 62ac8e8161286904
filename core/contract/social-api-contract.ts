/**
 * The social API contract (issue 14): what an API key or no authentication can reach of public
 * profiles, badges, the activity map, sharing, leaderboards, friends, goals and teams, over
 * plain HTTP on every platform. Expected figures come from the heartbeat times sent here.
 * Sign-in sessions are not needed: every route here accepts API keys (or no auth at all).
 */
import { describe, expect, it } from "vitest";
import type { ContractTarget } from "./target.ts";
import { newNamedUser, wireBeat } from "./client.ts";
import { addUtcDays, dayStart, utcDay } from "./expected.ts";

/** `count` heartbeats a minute apart from `start`: (count - 1) minutes. */
export const run = (start: number, count: number, over: Record<string, unknown> = {}) => Array.from({ length: count }, (_, i) => wireBeat(start + i * 60, over));

/** Retries `check` until it passes (a platform may make derived days visible to boards a moment later). */
export async function eventually<T>(check: () => Promise<T>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Retries a friends board read until `check` passes. New figures reach a cached friends page
 * within the page cache's TTL (5 minutes), as on the global board, but a sharing change of a
 * member shows at once: each try first changes a setting of the viewer's that no board shows
 * (how many days back others may see), so it reads the figures stored by then.
 */
export async function eventuallyOnFriendsBoard<T>(viewer: { call: (path: string, init?: RequestInit) => Promise<Response> }, check: () => Promise<T>): Promise<T> {
  let tries = 0;
  return eventually(async () => {
    const res = await viewer.call("/api/kodo/sharing", { method: "PATCH", body: JSON.stringify({ historyDays: 364 + (++tries % 2) }) });
    expect(res.status, await res.clone().text()).toBe(200);
    return check();
  });
}

export function defineSocialApiContract(getTarget: () => ContractTarget): void {
  const newUser = () => newNamedUser(getTarget());
  type Client = Awaited<ReturnType<typeof newUser>>;
  const yesterday = () => addUtcDays(utcDay(Math.floor(Date.now() / 1000)), -1);
  const anon = (path: string) => fetch(`${getTarget().baseUrl}${path}`);
  const share = async (u: Client, change: Record<string, unknown>) => {
    const res = await u.call("/api/kodo/sharing", { method: "PATCH", body: JSON.stringify(change) });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };
  const seed = async (u: Client, beats: unknown[]) => {
    const res = await u.post("/api/v1/users/current/heartbeats.bulk", beats);
    expect(res.status).toBe(201);
  };

  describe("public reads honour sharing", () => {
    it("private by default; public stats, profile, badge and activity map show only what is shared; switching off shows at once", async () => {
      const u = await newUser();
      const day = yesterday();
      const t = dayStart(day) + 9 * 3600;
      // 40 min of alpha (TypeScript) and 20 min of beta (Go), an hour apart.
      await seed(u, [...run(t, 41, { project: "alpha" }), ...run(t + 7200, 21, { project: "beta", language: "Go" })]);
      const name = encodeURIComponent(u.username);
      const ghost = `ghost_${crypto.randomUUID().slice(0, 8)}`;

      // Private (the default) and unknown users look the same.
      for (const who of [name, ghost]) {
        const stats = await anon(`/api/public/users/${who}/stats/last_7_days`);
        expect(stats.status).toBe(404);
        expect(await stats.json()).toEqual({ error: "No public profile for this user" });
        expect((await anon(`/api/public/users/${who}`)).status).toBe(404);
        const badge = await anon(`/api/badge/${who}/last_7_days.json`);
        expect(badge.status).toBe(200);
        expect(await badge.json()).toMatchObject({ schemaVersion: 1, message: "private" });
        expect(await (await anon(`/api/activity/${who}.svg`)).text()).toContain("private");
      }

      expect(await share(u, { publicProfile: true, projects: "alias", editors: false })).toMatchObject({ publicProfile: true, projects: "alias", editors: false });
      const stats = await anon(`/api/public/users/${name}/stats/last_7_days`);
      expect(stats.status).toBe(200);
      const data = (await stats.json()).data;
      expect(data.username).toBe(u.username);
      expect(data.total_seconds).toBe(3600);
      expect(data.projects.map((p: { name: string; total_seconds: number }) => [p.name, p.total_seconds])).toEqual([
        ["Project 1", 2400],
        ["Project 2", 1200],
      ]);
      expect(data.languages.map((l: { name: string; total_seconds: number }) => [l.name, l.total_seconds])).toEqual([
        ["TypeScript", 2400],
        ["Go", 1200],
      ]);
      expect(data.editors).toBeUndefined();
      expect(data.machines).toBeUndefined(); // machines are private by default
      expect(data.days).toEqual([{ date: day, total_seconds: 3600 }]);
      expect(JSON.stringify(data)).not.toMatch(/alpha|beta/);

      const profile = await (await anon(`/api/public/users/${name}`)).json();
      expect(profile.totals.last7Days.totalSeconds).toBe(3600);
      expect(profile.projects).toEqual([
        { name: "Project 1", totalSeconds: 2400 },
        { name: "Project 2", totalSeconds: 1200 },
      ]);
      expect(profile.editors).toBeUndefined();
      expect(profile.heatmap).toEqual([{ day, totalSeconds: 3600 }]);

      const badge = await anon(`/api/badge/${name}/last_7_days.json`);
      expect(await badge.json()).toMatchObject({ schemaVersion: 1, message: "1 hr" });
      const svg = await (await anon(`/api/badge/${name}/last_7_days.svg`)).text();
      expect(svg).toContain("1 hr");
      const map = await (await anon(`/api/activity/${name}.svg`)).text();
      expect(map).not.toContain("private");
      expect(map).toContain(`${u.username}: 1 hr in the last 12 months`);
      // A filter on something not shared is refused.
      expect((await anon(`/api/public/users/${name}/stats/last_7_days?editor=VS%20Code`)).status).toBe(403);

      // Hiding projects and history: gone from the very next answers (nothing stale from a cache).
      await share(u, { projects: "hidden", historyDays: 0 });
      const hidden = (await (await anon(`/api/public/users/${name}/stats/last_7_days`)).json()).data;
      expect(hidden.total_seconds).toBe(3600);
      expect(hidden.projects).toBeUndefined();
      expect(hidden.days).toBeUndefined();
      expect(await (await anon(`/api/activity/${name}.svg`)).text()).toContain("private");

      await share(u, { publicProfile: false });
      expect((await anon(`/api/public/users/${name}/stats/last_7_days`)).status).toBe(404);
      expect((await anon(`/api/public/users/${name}`)).status).toBe(404);
      expect(await (await anon(`/api/badge/${name}/last_7_days.json`)).json()).toMatchObject({ message: "private" });
      expect(await (await anon(`/api/badge/${name}/last_7_days.svg`)).text()).toContain("private");
    });
  });

  describe("social data in the export", () => {
    it("exports sharing, goals, friends and teams; importing the file restores sharing and goals", async () => {
      const [u, friend] = [await newUser(), await newUser()];
      await share(u, { publicProfile: true, projects: "alias", machines: true, historyDays: 30 });
      expect((await u.post("/api/kodo/goals", { period: "week", seconds: 7200, language: "Go" })).status).toBe(201);
      await u.post("/api/kodo/friends", { username: friend.username });
      await friend.post(`/api/kodo/friends/${encodeURIComponent(u.username)}/accept`, {});
      const team = await u.post("/api/kodo/teams", { name: "Exported" });
      const file = await (await u.call("/api/kodo/account/export")).text();
      const doc = JSON.parse(file);
      expect(doc.sharing).toMatchObject({ public_profile: true, leaderboards: false, projects: "alias", languages: true, editors: true, operating_systems: true, machines: true, history_days: 30 });
      expect(doc.goals.map((g: any) => [g.period, g.seconds, g.project, g.language])).toEqual([["week", 7200, null, "Go"]]);
      expect(doc.friends.friends.map((f: any) => f.username)).toEqual([friend.username]);
      expect(doc.teams.map((t: any) => [t.id, t.name, t.role])).toEqual([[team.json.id, "Exported", "owner"]]);

      const to = await newUser();
      const imported = await to.post("/api/kodo/account/import", file);
      expect(imported.status).toBe(200);
      expect(await to.getJson("/api/kodo/sharing")).toMatchObject({ publicProfile: true, projects: "alias", machines: true, historyDays: 30 });
      expect((await to.getJson("/api/kodo/goals")).map((g: any) => [g.period, g.seconds, g.language])).toEqual([["week", 7200, "Go"]]);
    });
  });

  describe("leaderboards, friends, goals and teams with API keys", () => {
    it("friends board, global and language boards, with languages only for users who share them", async () => {
      const [a, b, c] = [await newUser(), await newUser(), await newUser()];
      const t = dayStart(yesterday()) + 10 * 3600;
      await seed(a, run(t, 61)); // 60 min TypeScript
      await seed(b, [...run(t, 31, { language: "Go" }), ...run(t + 7200, 11)]); // 30 min Go, 10 min TypeScript
      await seed(c, run(t, 91)); // 90 min, never a friend, never opted in

      expect((await a.post("/api/kodo/friends", { username: b.username })).status).toBe(202);
      expect((await a.post("/api/kodo/friends", { username: `ghost_${crypto.randomUUID().slice(0, 8)}` })).status).toBe(202);
      expect((await b.post(`/api/kodo/friends/${encodeURIComponent(a.username)}/accept`, {})).status).toBe(200);
      const lists = await a.getJson("/api/kodo/friends");
      expect(JSON.stringify(lists)).toContain(b.username);

      // The friends board: the caller and their friends, once their days are stored.
      const friendsBoard = await eventuallyOnFriendsBoard(a, async () => {
        const board = await a.getJson("/api/kodo/leaderboards?scope=friends&range=last_7_days");
        expect(board.data.map((e: { user: { username: string }; totalSeconds: number }) => [e.user.username, e.totalSeconds])).toEqual([
          [a.username, 3600],
          [b.username, 2400],
        ]);
        return board;
      });
      expect(friendsBoard.me).toEqual({ rank: 1, totalSeconds: 3600 });
      expect(friendsBoard.data[1].languages).toEqual([
        { name: "Go", totalSeconds: 1800 },
        { name: "TypeScript", totalSeconds: 600 },
      ]);

      // The global board: opted-in users only (c is not); b hides languages.
      await share(a, { leaderboards: true });
      await share(b, { leaderboards: true, languages: false });
      const ours = (board: { data: { user: { username: string } }[] }) => board.data.filter((e) => [a.username, b.username, c.username].includes(e.user.username));
      const global = await c.getJson("/api/kodo/leaderboards?scope=global&range=last_7_days");
      expect(ours(global).map((e: any) => [e.user.username, e.totalSeconds, e.languages?.length ?? null])).toEqual([
        [a.username, 3600, 1],
        [b.username, 2400, null],
      ]);
      expect(global.me).toBeNull();
      const typescript = await c.getJson("/api/kodo/leaderboards?scope=global&range=last_7_days&language=TypeScript");
      expect(ours(typescript).map((e: any) => [e.user.username, e.totalSeconds])).toEqual([[a.username, 3600]]);

      // Leaving the board shows at once.
      await share(a, { leaderboards: false });
      const after = await c.getJson("/api/kodo/leaderboards?scope=global&range=last_7_days");
      expect(ours(after).map((e: any) => e.user.username)).toEqual([b.username]);
    });

    it("goals with progress; teams with an invite link, projects and a team board", async () => {
      const [owner, joiner] = [await newUser(), await newUser()];
      const now = Math.floor(Date.now() / 1000);
      const today = utcDay(now);
      // 20 minutes today (ending at least a minute ago), in project kodo.
      const start = Math.max(dayStart(today), now - 3 * 3600);
      if (now - start >= 25 * 60) await seed(owner, run(start, 21));
      const goal = await owner.post("/api/kodo/goals", { period: "day", seconds: 600 });
      expect(goal.status).toBe(201);
      const goals = await owner.getJson("/api/kodo/goals");
      expect(goals).toHaveLength(1);
      expect(goals[0]).toMatchObject({ period: "day", seconds: 600 });
      if (now - start >= 25 * 60) expect(goals[0].progress).toMatchObject({ seconds: 1200, met: true });
      expect((await owner.call(`/api/kodo/goals/${goals[0].id}`, { method: "DELETE" })).status).toBeLessThan(300);
      expect(await owner.getJson("/api/kodo/goals")).toEqual([]);

      const t = dayStart(yesterday()) + 8 * 3600;
      await seed(joiner, [...run(t, 31, { project: "shared" }), ...run(t + 7200, 11, { project: "secret" })]);
      const team = await owner.post("/api/kodo/teams", { name: "Contract team" });
      expect(team.status).toBe(201);
      const link = await owner.post(`/api/kodo/teams/${team.json.id}/invites`, {});
      expect(link.status).toBe(201);
      const joined = await joiner.post("/api/kodo/teams/join", { token: link.json.token });
      expect(joined.status).toBe(200);
      expect(joined.json).toMatchObject({ id: team.json.id, role: "member" });
      expect((await joiner.post("/api/kodo/teams/join", { token: "0".repeat(64) })).status).toBe(404);
      const put = await joiner.call(`/api/kodo/teams/${team.json.id}/projects`, { method: "PUT", body: JSON.stringify({ projects: ["shared"] }) });
      expect(put.status).toBe(200);
      const board = await joiner.getJson(`/api/kodo/teams/${team.json.id}/leaderboard?range=last_7_days`);
      expect(board.data.map((e: { user: { username: string }; totalSeconds: number }) => [e.user.username, e.totalSeconds])).toEqual([[joiner.username, 1800]]);
      const detail = await owner.getJson(`/api/kodo/teams/${team.json.id}`);
      expect(detail.members.map((m: { username: string; role: string }) => [m.username, m.role])).toEqual([
        [owner.username, "owner"],
        [joiner.username, "member"],
      ]);
      // A stranger is told the team does not exist.
      const stranger = await newUser();
      expect((await stranger.call(`/api/kodo/teams/${team.json.id}`)).status).toBe(404);
    });
  });
}

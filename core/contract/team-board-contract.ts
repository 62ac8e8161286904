/**
 * The team board over the compact per-day project record (issue 16), one property for every
 * platform: on random members (zones, timeouts, chosen projects, heartbeats in several
 * projects and categories, external durations, days over the 18 h cap), the store's
 * `projectDays` equals core's `projectDaysOf` over the same days read WITH their sessions
 * (exactly: whole milliseconds), and the board ranked from it (the route's `rankTeam`) equals
 * the board as it was computed before issue 16: every member's days with sessions, seconds
 * summed per day, capped at 18 h, flagged when over. Each platform hands over its activity and
 * external-duration stores (worker/test/team-board.test.ts, sam/test/team-board.test.ts).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ActivityStore, User } from "../src/ports.ts";
import { withExternalDurations, externalIdOf, type ExternalDuration, type ExternalDurationStore } from "../src/external/external-durations.ts";
import { projectDaysOf } from "../src/sessions/project-days.ts";
import { LEADERBOARD_RANGES, MAX_PLAUSIBLE_SECONDS_PER_DAY, type LeaderboardRange } from "../src/social/leaderboard.ts";
import { projectCounts, type TeamProjects } from "../src/social/teams.ts";
import type { TeamMember } from "../src/social/team-ports.ts";
import { rankTeam } from "../src/http/routes/teams-dashboard.ts";
import { resolveRange } from "../src/time/ranges.ts";
import { daysBetween } from "../src/time/zone.ts";
import { aHeartbeat } from "../src/testing/builders.ts";

export interface TeamBoardTarget {
  activity: ActivityStore;
  external: ExternalDurationStore;
  /** A new account with these settings. */
  newUser(timeZone: string, keystrokeTimeoutMinutes: number): Promise<User>;
}

const ZONES = ["UTC", "Asia/Tokyo", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati"];
const PROJECTS = ["kodo", "web", "docs", null] as const;

interface Block {
  daysAgo: number;
  secondOfDay: number;
  count: number;
  step: number;
  project: string | null;
  category: string;
  language: string | null;
}
interface External {
  daysAgo: number;
  secondOfDay: number;
  seconds: number;
  project: string | null;
  category: string;
}
interface MemberSpec {
  zone: string;
  timeout: number;
  projects: TeamProjects;
  blocks: Block[];
  external: External[];
}

const blockArb: fc.Arbitrary<Block> = fc.record({
  daysAgo: fc.integer({ min: 0, max: 34 }),
  secondOfDay: fc.integer({ min: 0, max: 86_399 }),
  count: fc.integer({ min: 1, max: 40 }),
  step: fc.integer({ min: 20, max: 900 }),
  project: fc.constantFrom(...PROJECTS),
  category: fc.constantFrom("coding", "coding", "debugging", "meeting"),
  language: fc.constantFrom("TypeScript", "Go", null),
});
const externalArb: fc.Arbitrary<External> = fc.record({
  daysAgo: fc.integer({ min: 0, max: 34 }),
  secondOfDay: fc.integer({ min: 0, max: 86_399 }),
  // Up to 20 h: one alone can push a local day over the 18 h cap.
  seconds: fc.integer({ min: 60, max: 72_000 }),
  project: fc.constantFrom(...PROJECTS),
  category: fc.constantFrom("coding", "meeting"),
});
const memberArb: fc.Arbitrary<MemberSpec> = fc.record({
  zone: fc.constantFrom(...ZONES),
  timeout: fc.constantFrom(1, 5, 15, 60),
  projects: fc.constantFrom<TeamProjects>("all", ["kodo"], ["web", "docs"], ["nope"], null),
  blocks: fc.array(blockArb, { maxLength: 6 }),
  external: fc.array(externalArb, { maxLength: 2 }),
});

/** The board as computed before issue 16 (teams-dashboard.ts then): sessions, seconds, per day. */
async function boardBefore(activity: ActivityStore, members: { user: User; projects: TeamProjects }[], range: LeaderboardRange, now: number) {
  const times = await Promise.all(
    members.map(async ({ user, projects }) => {
      const byDay = new Map<string, number>();
      let days = 1;
      if (projects !== null) {
        const r = resolveRange(range, now, user.timeZone)!;
        days = daysBetween(r.start, r.end) + 1;
        for (const day of await activity.days(user, r.start, r.end, { sessions: true })) {
          for (const s of day.sessions) {
            if (!projectCounts(projects, s.project)) continue;
            byDay.set(day.day, (byDay.get(day.day) ?? 0) + (s.category === "coding" ? s.end - s.start : 0));
          }
        }
      }
      const coding = [...byDay.values()];
      const total = coding.reduce((a, s) => a + Math.min(s, MAX_PLAUSIBLE_SECONDS_PER_DAY), 0);
      return { username: user.username, days, total, flagged: coding.some((s) => s > MAX_PLAUSIBLE_SECONDS_PER_DAY) };
    }),
  );
  return times.filter((t) => t.total > 0).sort((a, b) => b.total - a.total || (a.username < b.username ? -1 : 1));
}

/** The board as the route computes it now: projectDays per member, ranked by rankTeam. */
async function boardAfter(activity: ActivityStore, members: { user: User; projects: TeamProjects }[], range: LeaderboardRange, now: number) {
  const coding = await Promise.all(
    members.map(async ({ user, projects }) => {
      const member: TeamMember = { user: { id: user.id, username: user.username, displayName: null }, settings: { timeZone: user.timeZone, keystrokeTimeoutMinutes: user.keystrokeTimeoutMinutes }, role: "member", projects, joinedAt: "" };
      if (projects === null) return { member, days: 1, codingMs: [] };
      const r = resolveRange(range, now, user.timeZone)!;
      const days = await activity.projectDays(user, r.start, r.end, projects);
      return { member, days: daysBetween(r.start, r.end) + 1, codingMs: days.map((d) => d.codingMs) };
    }),
  );
  return rankTeam(coding).map((r) => ({ username: r.t.member.user.username, days: r.t.days, total: r.total, flagged: r.flagged }));
}

export function defineTeamBoardContract(name: string, getTarget: () => TeamBoardTarget, options: { runs?: number; timeoutMs?: number } = {}): void {
  const timeout = options.timeoutMs ?? 240_000;

  async function seedMember(spec: MemberSpec, now: number): Promise<{ user: User; projects: TeamProjects }> {
    const t = getTarget();
    const user = await t.newUser(spec.zone, spec.timeout);
    const beats = spec.blocks.flatMap((b) =>
      Array.from({ length: b.count }, (_, i) => aHeartbeat({ time: Math.min(now - 60, now - b.daysAgo * 86_400 - b.secondOfDay + i * b.step), entity: `/src/${b.project ?? "loose"}/${i % 3}.ts`, project: b.project, category: b.category, language: b.language })),
    );
    for (let i = 0; i < beats.length; i += 500) await t.activity.ingest(user, beats.slice(i, i + 500));
    const durations: ExternalDuration[] = await Promise.all(
      spec.external.map(async (e, i) => {
        const start = Math.max(now - 35 * 86_400, now - e.daysAgo * 86_400 - e.secondOfDay - e.seconds);
        return { id: await externalIdOf("calendar", `e${i}`), externalId: `e${i}`, provider: "calendar", entity: "standup", type: "event", category: e.category, startTime: start, endTime: start + e.seconds, project: e.project, branch: null, language: null, meta: null, updatedAt: new Date(now * 1000).toISOString() };
      }),
    );
    if (durations.length > 0) expect(await t.external.put(user, durations)).not.toBeNull();
    return { user, projects: spec.projects };
  }

  async function expectSameBoards(members: { user: User; projects: TeamProjects }[], now: number) {
    const t = getTarget();
    const activity = withExternalDurations(t.activity, t.external);
    for (const range of LEADERBOARD_RANGES) {
      // The store's record equals the days' sessions, exactly, for every choice of projects.
      for (const { user, projects } of members) {
        if (projects === null) continue;
        const r = resolveRange(range, now, user.timeZone)!;
        const withSessions = await activity.days(user, r.start, r.end, { sessions: true });
        expect(await activity.projectDays(user, r.start, r.end, projects), `${range} ${user.timeZone} ${JSON.stringify(projects)}`).toEqual(projectDaysOf(withSessions, projects));
      }
      const before = await boardBefore(activity, members, range, now);
      const after = await boardAfter(activity, members, range, now);
      expect(after.map((r) => [r.username, r.days, r.flagged]), range).toEqual(before.map((r) => [r.username, r.days, r.flagged]));
      after.forEach((r, i) => expect(Math.abs(r.total - before[i]!.total), `${range} ${r.username}`).toBeLessThan(1e-6));
    }
  }

  describe(`${name}: the team board over per-day project records`, () => {
    it(
      "equals the board computed from every member's sessions, on random members",
      async () => {
        const now = Math.floor(Date.now() / 1000);
        await fc.assert(
          fc.asyncProperty(fc.array(memberArb, { minLength: 2, maxLength: 4 }), async (specs) => {
            const members = [];
            for (const spec of specs) members.push(await seedMember(spec, now));
            await expectSameBoards(members, now);
          }),
          { numRuns: options.runs ?? 6, endOnFailure: true },
        );
      },
      timeout,
    );

    it(
      "caps a day at 18 h and flags it, as before",
      async () => {
        const now = Math.floor(Date.now() / 1000);
        // 19 h of coding in "kodo" two days ago (UTC, 02:00 to 21:00), beats every 5 minutes.
        const dayStart = Math.floor(now / 86_400) * 86_400 - 2 * 86_400;
        const marathon: Block = { daysAgo: 0, secondOfDay: 0, count: 0, step: 300, project: "kodo", category: "coding", language: "TypeScript" };
        const spec: MemberSpec = { zone: "UTC", timeout: 15, projects: ["kodo"], blocks: [], external: [] };
        const member = await seedMember(spec, now);
        const beats = Array.from({ length: 229 }, (_, i) => aHeartbeat({ time: dayStart + 2 * 3600 + i * 300, project: marathon.project, category: "coding" }));
        await getTarget().activity.ingest(member.user, beats);
        const other = await seedMember({ ...spec, projects: "all", blocks: [{ ...marathon, daysAgo: 1, secondOfDay: 7200, count: 13 }] }, now);
        const board = await boardAfter(withExternalDurations(getTarget().activity, getTarget().external), [member, other], "last_7_days", now);
        expect(board[0]).toMatchObject({ username: member.user.username, total: MAX_PLAUSIBLE_SECONDS_PER_DAY, flagged: true });
        expect(board[1]).toMatchObject({ username: other.user.username, total: 3600, flagged: false });
        await expectSameBoards([member, other], now);
      },
      timeout,
    );
  });
}

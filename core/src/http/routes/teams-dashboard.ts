/**
 * A team's dashboard and private leaderboard, members only. Each member counts only the
 * sessions of the projects they chose for this team (none until they choose), over their own
 * local days of the range. The dashboard counts every category (like the personal dashboard);
 * the leaderboard counts coding only, with the same 18 h/day cap and flag as the public boards.
 *
 * The board (issue 16) reads each member's per-day time in their chosen projects from the
 * compact record their activity owner keeps (ActivityStore.projectDays: a few numbers per day,
 * never sessions), with zones from the member list (no look-up per member). The dashboard is
 * not a board: a member opens it for one team, uncached, and it shows languages per chosen
 * project, which only sessions hold, so it still reads each member's sessions; exact either way.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { errorResponses, jsonResponse, pathParameter, validated } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { dashboardAuth } from "./dashboard-auth.ts";
import { membership } from "./teams.ts";
import { cachedBoard, socialOf } from "./leaderboard-data.ts";
import { DEFAULT_LEADERBOARD_RANGE, LEADERBOARD_RANGES, MAX_PLAUSIBLE_SECONDS_PER_DAY, type LeaderboardRange } from "../../social/leaderboard.ts";
import { projectCounts } from "../../social/teams.ts";
import type { TeamMember } from "../../social/team-ports.ts";
import { resolveRange } from "../../time/ranges.ts";
import { daysBetween } from "../../time/zone.ts";
import { round2 } from "../../wakatime/v1/format.ts";

export const teamDashboardRoutes = new Hono<AppEnv>();

const querySchema = z.object({ range: z.enum(LEADERBOARD_RANGES).default(DEFAULT_LEADERBOARD_RANGE).meta({ description: "Each member's own local days." }) });
const named = z.array(z.object({ name: z.string(), totalSeconds: z.number() }));
const dashboardSchema = z
  .object({
    range: z.string(),
    members: z.array(z.object({ username: z.string(), displayName: z.string().nullable(), totalSeconds: z.number() })),
    projects: named,
    languages: named,
    days: z.array(z.object({ day: z.string(), totalSeconds: z.number() })),
  })
  .meta({ ref: "TeamDashboard" });
const leaderboardSchema = z
  .object({
    range: z.string(),
    scope: z.literal("team"),
    language: z.null(),
    page: z.number(),
    pages: z.number(),
    total: z.number(),
    me: z.object({ rank: z.number(), totalSeconds: z.number() }).nullable(),
    data: z.array(z.object({ rank: z.number(), user: z.object({ username: z.string(), displayName: z.string().nullable() }), totalSeconds: z.number(), dailyAverageSeconds: z.number(), flagged: z.boolean() })),
  })
  .meta({ ref: "TeamLeaderboard", description: "The leaderboards shape on one page, without languages." });

interface MemberTime {
  member: TeamMember;
  days: number;
  /** Per local day: all counted seconds and coding seconds; per project and language. */
  byDay: Map<string, { all: number; coding: number }>;
  projects: Map<string, number>;
  languages: Map<string, number>;
}

const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);

async function memberTimes(c: AppContext, members: TeamMember[], range: LeaderboardRange): Promise<MemberTime[]> {
  const social = socialOf(c.var.ports);
  const now = c.var.ports.now();
  return Promise.all(
    members.map(async (member): Promise<MemberTime> => {
      const out: MemberTime = { member, days: 1, byDay: new Map(), projects: new Map(), languages: new Map() };
      if (member.projects === null) return out; // nothing chosen: nothing counts, nothing read
      const user = await social.findUser(member.user.username);
      if (!user) return out;
      const r = resolveRange(range, now, user.timeZone)!;
      out.days = daysBetween(r.start, r.end) + 1;
      for (const day of await c.var.ports.activity.days(user, r.start, r.end, { sessions: true })) {
        for (const s of day.sessions) {
          if (!projectCounts(member.projects, s.project)) continue;
          const seconds = s.end - s.start;
          const d = out.byDay.get(day.day) ?? { all: 0, coding: 0 };
          d.all += seconds;
          if (s.category === "coding") d.coding += seconds;
          out.byDay.set(day.day, d);
          add(out.projects, s.project ?? "Unknown Project", seconds);
          add(out.languages, s.language ?? "Other", seconds);
        }
      }
      return out;
    }),
  );
}

const sorted = (m: Map<string, number>) =>
  [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([name, s]) => ({ name, totalSeconds: round2(s) }));

teamDashboardRoutes.get(
  "/teams/:id/dashboard",
  describeRoute({
    tags: ["Teams"],
    summary: "A team's dashboard",
    description: "Members' totals, projects, languages and days over the range, from each member's chosen projects only. Members only (404 otherwise).",
    security: API_KEY_SECURITY,
    parameters: [pathParameter("id", "The team's id.")],
    responses: { 200: jsonResponse("The team dashboard.", dashboardSchema), ...errorResponses(400, 401, 404) },
  }),
  dashboardAuth(),
  validated("query", querySchema),
  async (c) => {
    const { range } = c.req.valid("query");
    const { members } = await membership(c, c.req.param("id"));
    const times = await memberTimes(c, members, range);
    const projects = new Map<string, number>();
    const languages = new Map<string, number>();
    const days = new Map<string, number>();
    for (const t of times) {
      for (const [k, v] of t.projects) add(projects, k, v);
      for (const [k, v] of t.languages) add(languages, k, v);
      for (const [day, v] of t.byDay) add(days, day, v.all);
    }
    c.header("Cache-Control", "private, no-store");
    return c.json({
      range,
      members: times.map((t) => ({ username: t.member.user.username, displayName: t.member.user.displayName, totalSeconds: round2([...t.byDay.values()].reduce((a, d) => a + d.all, 0)) })),
      projects: sorted(projects),
      languages: sorted(languages),
      days: [...days].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([day, s]) => ({ day, totalSeconds: round2(s) })),
    });
  },
);

/** A member's coding time per local day of the range (chosen projects only), and the range's length. */
interface MemberCoding {
  member: TeamMember;
  days: number;
  codingMs: number[];
}

/** Each member's coding per day in their chosen projects, from the activity owner's per-day project record. */
function memberCoding(c: AppContext, members: TeamMember[], range: LeaderboardRange): Promise<MemberCoding[]> {
  const now = c.var.ports.now();
  return Promise.all(
    members.map(async (member): Promise<MemberCoding> => {
      if (member.projects === null) return { member, days: 1, codingMs: [] }; // nothing chosen: nothing counts, nothing read
      const r = resolveRange(range, now, member.settings.timeZone)!;
      const owner = { id: member.user.id, ...member.settings };
      const days = await c.var.ports.activity.projectDays(owner, r.start, r.end, member.projects);
      return { member, days: daysBetween(r.start, r.end) + 1, codingMs: days.map((d) => d.codingMs) };
    }),
  );
}

/**
 * A team board's rows, best first: each member's coding time in their chosen projects (a day
 * counts at most 18 h, `flagged` when over); members without time are left out.
 */
export function teamBoardRows(c: AppContext, members: TeamMember[], range: LeaderboardRange) {
  // Cached like the global board's pages: the key holds everything but activity (members, their
  // names, zones and chosen projects), so a member leaving, joining or choosing shows at once.
  const key = `team|${range}|${JSON.stringify(members.map((m) => [m.user.id, m.user.username, m.user.displayName, m.settings.timeZone, m.projects]))}`;
  return cachedBoard(c.var.ports, key, async () => rankTeam(await memberCoding(c, members, range)));
}

/** Ranks members by capped coding time (exact: whole milliseconds per day). */
export function rankTeam(times: MemberCoding[]) {
  const capMs = MAX_PLAUSIBLE_SECONDS_PER_DAY * 1000;
  return times
    .map((t) => ({
      t,
      total: t.codingMs.reduce((a, ms) => a + Math.min(ms, capMs), 0) / 1000,
      flagged: t.codingMs.some((ms) => ms > capMs),
    }))
    .filter((r) => r.total > 0)
    .sort((a, b) => b.total - a.total || (a.t.member.user.username < b.t.member.user.username ? -1 : 1));
}

teamDashboardRoutes.get(
  "/teams/:id/leaderboard",
  describeRoute({
    tags: ["Teams"],
    summary: "A team's private leaderboard",
    description: "Members ranked by coding time in their chosen projects (a day counts at most 18 h; `flagged` when over). Members only.",
    security: API_KEY_SECURITY,
    parameters: [pathParameter("id", "The team's id.")],
    responses: { 200: jsonResponse("The ranking.", leaderboardSchema), ...errorResponses(400, 401, 404) },
  }),
  dashboardAuth(),
  validated("query", querySchema),
  async (c) => {
    const { range } = c.req.valid("query");
    const { members } = await membership(c, c.req.param("id"));
    const rows = await teamBoardRows(c, members, range);
    const mine = rows.findIndex((r) => r.t.member.user.id === c.var.auth.user.id);
    c.header("Cache-Control", "private, no-store");
    return c.json({
      range,
      scope: "team" as const,
      language: null,
      page: 1,
      pages: 1,
      total: rows.length,
      me: mine >= 0 ? { rank: mine + 1, totalSeconds: round2(rows[mine]!.total) } : null,
      data: rows.map((r, i) => ({
        rank: i + 1,
        user: { username: r.t.member.user.username, displayName: r.t.member.user.displayName },
        totalSeconds: round2(r.total),
        dailyAverageSeconds: round2(r.total / r.t.days),
        flagged: r.flagged,
      })),
    });
  },
);

/**
 * WakaTime's private leaderboards over Kodo's boards: `GET users/current/leaderboards` lists the
 * boards the caller belongs to (the friends board, id `friends`: the caller and their accepted
 * friends; then each team, by its id), and `leaderboards/{board}` ranks one board in WakaTime's
 * leaders shape, 50 a page (`page`, `total_pages`, `current_user` with the caller's rank and
 * page). Over the last 7 days, each member's own local days, coding time, a day capped at 18 h:
 * the same figures as Kodo's friends board and team board (routes/leaderboards.ts,
 * routes/teams-dashboard.ts). Another user's board, or an unknown one, is a 404.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { requireApiKey } from "../auth.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter, validated } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { userParam } from "../openapi-wakatime.ts";
import { currentUser } from "./user-param.ts";
import { friendsBoardView, socialOf } from "./leaderboard-data.ts";
import { leadersQuerySchema, leadersSchema } from "./social-schemas.ts";
import { wakaLeader } from "./leaderboard-leaders.ts";
import { membership, teamsOf } from "./teams.ts";
import { teamBoardRows } from "./teams-dashboard.ts";
import { LEADERBOARD_PAGE_SIZE, pageOf, type Page, type RankedEntry } from "../../social/leaderboard.ts";
import { resolveRange } from "../../time/ranges.ts";
import { round2 } from "../../wakatime/v1/format.ts";

export const wakaLeaderboardRoutes = new Hono<AppEnv>();

export const FRIENDS_BOARD_ID = "friends";
const RANGE = "last_7_days";

export const privateLeaderboardsSchema = z
  .object({
    data: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        time_range: z.literal(RANGE),
        members_count: z.number().int(),
        members_with_timezones_count: z.number().int(),
        has_available_seat: z.boolean(),
        can_edit: z.boolean(),
        can_delete: z.boolean(),
        timezone: z.null().meta({ description: "Each member's own zone counts." }),
        created_at: z.null(),
        modified_at: z.null(),
      }),
    ),
    total: z.number().int(),
    total_pages: z.number().int(),
  })
  .meta({ ref: "WakaTimePrivateLeaderboards" });

export const privateLeadersSchema = leadersSchema
  .extend({
    current_user: z.object({
      rank: z.number().nullable(),
      page: z.number().nullable(),
      running_total: z.object({ total_seconds: z.number() }).nullable(),
      user: z.object({ id: z.string(), username: z.string(), display_name: z.string().nullable() }),
    }),
  })
  .meta({ ref: "WakaTimePrivateLeaders" });

interface Board {
  id: string;
  name: string;
  members: number;
  canEdit: boolean;
  canDelete: boolean;
}

async function boardsOf(c: AppContext): Promise<Board[]> {
  const me = c.var.auth.user;
  const lists = await socialOf(c.var.ports).friendLists(me.id);
  const friends: Board = { id: FRIENDS_BOARD_ID, name: "Friends", members: lists.friends.length + 1, canEdit: false, canDelete: false };
  const teams = c.var.ports.teams ? await teamsOf(c).teamsOf(me.id) : [];
  return [friends, ...teams.map((t) => ({ id: t.id, name: t.name, members: t.members, canEdit: t.role !== "member", canDelete: t.role === "owner" }))];
}

wakaLeaderboardRoutes.get(
  "/users/:user/leaderboards",
  describeRoute({
    tags: ["WakaTime v1"],
    summary: "The private leaderboards the caller belongs to",
    description: "The friends board (id `friends`: you and your accepted friends) and each of your teams' boards (by team id). Made and left through Kodo's friends and teams routes.",
    security: API_KEY_SECURITY,
    parameters: [userParam],
    responses: { 200: jsonResponse("The boards (one page).", privateLeaderboardsSchema), ...errorResponses(401, 403) },
  }),
  requireApiKey(),
  async (c) => {
    currentUser(c);
    const boards = await boardsOf(c);
    c.header("Cache-Control", "private, no-store");
    return c.json({
      data: boards.map((b) => ({
        id: b.id,
        name: b.name,
        time_range: RANGE,
        members_count: b.members,
        members_with_timezones_count: b.members,
        has_available_seat: true,
        can_edit: b.canEdit,
        can_delete: b.canDelete,
        timezone: null,
        created_at: null,
        modified_at: null,
      })),
      total: boards.length,
      total_pages: 1,
    });
  },
);

wakaLeaderboardRoutes.get(
  "/users/:user/leaderboards/:board",
  describeRoute({
    tags: ["WakaTime v1"],
    summary: "One private leaderboard's leaders",
    description:
      "WakaTime's leaders shape, 50 per page, over each member's last 7 local days (coding time, a day counts at most 18 h). " +
      "`friends`: you and your friends (`language` ranks by one language's time; languages listed for friends who share them). " +
      "A team id: members' time in the projects they chose for the team (no `language` filter: 400). " +
      "`current_user` gives your rank and its page. Unknown boards and teams you are not in: 404.",
    security: API_KEY_SECURITY,
    parameters: [userParam, pathParameter("board", "`friends`, or a team's id.")],
    responses: { 200: jsonResponse("One page of the board.", privateLeadersSchema), ...errorResponses(400, 401, 403, 404) },
  }),
  requireApiKey(),
  validated("query", leadersQuerySchema),
  async (c) => {
    const me = currentUser(c);
    const q = c.req.valid("query");
    const language = q.language ?? null;
    const boardId = c.req.param("board");
    const { ports } = c.var;
    const range = resolveRange(RANGE, ports.now(), me.timeZone)!;
    type Row = { rank: number; user: { id: string; username: string; displayName: string | null }; totalSeconds: number; dailyAverageSeconds: number; languages: { name: string; totalSeconds: number }[] };
    let page: Page<Row>;
    let mine: Row | undefined;
    if (boardId === FRIENDS_BOARD_ID) {
      const { page: friends, me: entry } = await friendsBoardView(ports, { range: RANGE, language }, q.page, me.id);
      const row = (e: RankedEntry): Row => ({ rank: e.rank, user: e.row.user, totalSeconds: e.totalSeconds, dailyAverageSeconds: e.dailyAverageSeconds, languages: e.row.sharesLanguages ? (friends.languages.get(e.row.user.id) ?? []) : [] });
      page = { ...friends, items: friends.items.map(row) };
      mine = entry ? row(entry) : undefined;
    } else {
      if (!ports.teams) throw new ApiError(404, "No such leaderboard");
      if (language !== null) throw new ApiError(400, "language: team boards are not ranked by language");
      const { members } = await membership(c, boardId).catch((err: unknown) => {
        throw err instanceof ApiError && err.status === 404 ? new ApiError(404, "No such leaderboard") : err;
      });
      // A team is small, and each member counts only their chosen projects: ranked whole.
      const rows = (await teamBoardRows(c, members, RANGE)).map((r, i): Row => ({ rank: i + 1, user: r.t.member.user, totalSeconds: r.total, dailyAverageSeconds: r.total / r.t.days, languages: [] }));
      page = pageOf(rows, q.page);
      mine = rows.find((r) => r.user.id === me.id);
    }
    c.header("Cache-Control", "private, no-store");
    return c.json({
      data: page.items.map((r) => wakaLeader(r.rank, r.user, r.totalSeconds, r.dailyAverageSeconds, r.languages)),
      page: page.page,
      total_pages: page.pages,
      language,
      range: { start_date: range.start, end_date: range.end, name: RANGE, text: range.text },
      current_user: {
        rank: mine?.rank ?? null,
        page: mine ? Math.ceil(mine.rank / LEADERBOARD_PAGE_SIZE) : null,
        running_total: mine ? { total_seconds: round2(mine.totalSeconds) } : null,
        user: { id: me.username, username: me.username, display_name: me.displayName },
      },
    });
  },
);

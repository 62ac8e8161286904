/**
 * `GET /api/kodo/leaderboards`: the global board (users who opted in) or the caller's friends
 * board (the caller and their accepted friends: accepting a request shares one's total with
 * that friend; languages only when the friend shares languages). Rules:
 * core/src/social/leaderboard.ts.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { AppEnv } from "../context.ts";
import { errorResponses, jsonResponse, validated } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { dashboardAuth } from "./dashboard-auth.ts";
import { leaderboardQuerySchema, leaderboardSchema } from "./social-schemas.ts";
import { boardView, friendsBoardView } from "./leaderboard-data.ts";
import { round2 } from "../../wakatime/v1/format.ts";

export const leaderboardRoutes = new Hono<AppEnv>();

leaderboardRoutes.get(
  "/leaderboards",
  describeRoute({
    tags: ["Social"],
    summary: "A leaderboard with the caller's own rank",
    description:
      "Coding time only, over each user's own local days of the range; a day counts at most 18 h (users over it are `flagged`). " +
      "global: users who opted in (cached 5 minutes); friends: the caller and their friends. 50 per page. " +
      "Authenticated by the sign-in cookie or an API key.",
    security: API_KEY_SECURITY,
    responses: { 200: jsonResponse("One page of the board.", leaderboardSchema), ...errorResponses(400, 401) },
  }),
  dashboardAuth(),
  validated("query", leaderboardQuerySchema),
  async (c) => {
    const q = c.req.valid("query");
    const me = c.var.auth.user;
    const language = q.language ?? null;
    const board = { range: q.range, language };
    const { page, me: mine } = await (q.scope === "friends" ? friendsBoardView : boardView)(c.var.ports, board, q.page, me.id);
    c.header("Cache-Control", "private, no-store");
    return c.json({
      range: q.range,
      scope: q.scope,
      language,
      page: page.page,
      pages: page.pages,
      total: page.total,
      me: mine ? { rank: mine.rank, totalSeconds: round2(mine.totalSeconds) } : null,
      data: page.items.map((e) => ({
        rank: e.rank,
        user: { username: e.row.user.username, displayName: e.row.user.displayName },
        totalSeconds: round2(e.totalSeconds),
        dailyAverageSeconds: round2(e.dailyAverageSeconds),
        ...(e.row.sharesLanguages ? { languages: (page.languages.get(e.row.user.id) ?? []).map((l) => ({ name: l.name, totalSeconds: round2(l.totalSeconds) })) } : {}),
        flagged: e.row.flagged,
      })),
    });
  },
);

/**
 * `GET /api/v1/leaders` (and the compat alias): WakaTime's public leaderboard shape over the
 * global board's last 7 days (each user's own days). No key needed; with a valid key,
 * `current_user` gives the caller's rank (null when they are not on the board).
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { AppEnv } from "../context.ts";
import { errorResponses, jsonResponse, validated } from "../openapi-schemas.ts";
import { apiKeyOf, hashKey } from "../auth.ts";
import { leadersQuerySchema, leadersSchema } from "./social-schemas.ts";
import { boardView } from "./leaderboard-data.ts";
import { LEADERBOARD_PAGE_SIZE } from "../../social/leaderboard.ts";
import { resolveRange } from "../../time/ranges.ts";
import { humanText, round2 } from "../../wakatime/v1/format.ts";

export const leadersRoutes = new Hono<AppEnv>();

/** One entry of WakaTime's leaders shape (public and private boards). */
export function wakaLeader(rank: number, user: { username: string; displayName: string | null }, totalSeconds: number, dailyAverageSeconds: number, languages: { name: string; totalSeconds: number }[]) {
  return {
    rank,
    running_total: {
      total_seconds: round2(totalSeconds),
      human_readable_total: humanText(totalSeconds),
      daily_average: round2(dailyAverageSeconds),
      human_readable_daily_average: humanText(dailyAverageSeconds),
      languages: languages.map((l) => ({ name: l.name, total_seconds: round2(l.totalSeconds) })),
    },
    user: {
      // The username stands in for the id: internal ids are never shown to others.
      id: user.username,
      username: user.username,
      display_name: user.displayName,
      full_name: user.displayName,
      is_hireable: false,
      photo_public: false,
    },
  };
}

leadersRoutes.get(
  "/leaders",
  describeRoute({
    tags: ["WakaTime"],
    summary: "Public leaderboard (WakaTime-compatible)",
    description:
      "Users who opted into leaderboards, by coding time over their own last 7 local days (a day counts at most 18 h). " +
      "`range` gives the UTC days. A valid API key adds `current_user`. Activity is cached up to 5 minutes; sharing changes and deletion show at once.",
    responses: { 200: jsonResponse("One page of the leaderboard.", leadersSchema), ...errorResponses(400) },
  }),
  validated("query", leadersQuerySchema),
  async (c) => {
    const q = c.req.valid("query");
    const { ports } = c.var;
    const language = q.language ?? null;
    const utc = resolveRange("last_7_days", ports.now(), "UTC")!;
    // An unknown or malformed key is ignored here: the board is public either way.
    const key = apiKeyOf(c.req.header("authorization"), c.req.query("api_key"));
    const caller = key ? await ports.accounts.findByKeyHash(await hashKey(key)) : null;
    const { page, me: mine } = await boardView(ports, { range: "last_7_days", language }, q.page, caller?.user.id ?? null);
    return c.json({
      data: page.items.map((e) => wakaLeader(e.rank, e.row.user, e.totalSeconds, e.dailyAverageSeconds, e.row.sharesLanguages ? (page.languages.get(e.row.user.id) ?? []) : [])),
      page: page.page,
      total_pages: page.pages,
      language,
      range: { start_date: utc.start, end_date: utc.end, name: "last_7_days", text: utc.text },
      current_user: caller
        ? {
            rank: mine?.rank ?? null,
            page: mine ? Math.ceil(mine.rank / LEADERBOARD_PAGE_SIZE) : null,
            running_total: mine ? { total_seconds: round2(mine.totalSeconds) } : null,
          }
        : null,
    });
  },
);

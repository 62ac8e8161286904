/**
 * Public JSON for embedding on personal sites: `GET /api/public/users/{username}/stats/{range}`,
 * CORS-enabled (the app's CORS middleware allows any origin, without credentials), cached like
 * badges. Only what the user shares appears: hidden dimensions are left out, aliased projects
 * are renamed, history is cut to the shared window (see public-access.ts).
 * Unknown and private users get the same 404.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter, validated } from "../openapi-schemas.ts";
import { publicStatsSchema, rangeParameterSchema } from "./public-schemas.ts";
import type { PublicUser, SharingSettings } from "../../ports.ts";
import type { DayActivity, Dimension } from "../../types.ts";
import { sumTotals, type RangeTotals } from "../../sessions/rollup.ts";
import { summaryItems, WIRE_DIMENSION, type SummaryItem } from "../../wakatime/v1/summaries.ts";
import { humanText, round2 } from "../../wakatime/v1/format.ts";
import { daysBetween } from "../../time/zone.ts";
import {
  allowedFilter,
  isRangeName,
  MAX_USERNAME_LENGTH,
  publicDays,
  publicFilterQuery,
  publicRange,
  sharesByName,
  type PublicRange,
} from "./public-access.ts";
import { publicJsonResponse, publicRead } from "./badge-cache.ts";

export const publicRoutes = new Hono<AppEnv>();

const statsQuerySchema = z.object(publicFilterQuery);

const NOT_PUBLIC = "No public profile for this user";

publicRoutes.get(
  "/api/public/users/:username/stats/:range",
  describeRoute({
    operationId: "getPublicStats",
    tags: ["Public"],
    summary: "A user's public stats over a range",
    description:
      "Totals and per-dimension lists over the range, in the user's time zone, limited to what the user shares. " +
      "A filter on something the user does not share is refused (403). Activity is cached up to 5 minutes; sharing changes and deletion show at once.",
    parameters: [
      pathParameter("username", "The user's username."),
      { ...pathParameter("range", "A range name, a year (2026) or a month (2026-03)."), schema: rangeParameterSchema },
    ],
    responses: {
      200: jsonResponse("The user's public stats.", publicStatsSchema),
      ...errorResponses(400, 403, 404),
    },
  }),
  validated("query", statsQuerySchema),
  async (c) => {
    const username = c.req.param("username");
    const rangeName = c.req.param("range");
    if (username.length > MAX_USERNAME_LENGTH) throw new ApiError(400, `username: at most ${MAX_USERNAME_LENGTH} characters`);
    if (!isRangeName(rangeName)) throw new ApiError(400, `range: unknown range "${rangeName.slice(0, 40)}"`);
    const q = c.req.valid("query");
    return publicRead(c, username, `/api/public/users/${encodeURIComponent(username)}/stats/${rangeName}`, { ...q }, async (found) => {
      const { ports } = c.var;
      if (!found) return publicJsonResponse({ error: NOT_PUBLIC }, 404);
      const filter = allowedFilter(found.sharing, q);
      if (!filter) return publicJsonResponse({ error: "This user does not share what the filter names" }, 403);
      const range = await publicRange(ports, found.user, found.sharing, rangeName);
      if (!range) return publicJsonResponse({ error: `range: this user shares only the last ${found.sharing.historyDays} days` }, 403);
      const days = await publicDays(ports, found, range, filter);
      return publicJsonResponse(publicStats(found, range, days));
    });
  },
);

const LISTED: Dimension[] = ["project", "language", "editor", "operatingSystem", "machine"];

export function publicStats(found: Pick<PublicUser, "user" | "sharing">, range: PublicRange, days: readonly DayActivity[]) {
  const { user, sharing } = found;
  const total = sumTotals(days);
  const dayCount = daysBetween(range.start, range.end) + 1;
  const average = total.totalSeconds / dayCount;
  const lists = sharedLists(sharing, total);
  return {
    data: {
      username: user.username,
      display_name: user.displayName,
      range: {
        name: range.name ?? "custom",
        text: range.text,
        start: range.start,
        end: range.end,
        timezone: user.timeZone,
        limited_by_history: range.limited,
      },
      total_seconds: round2(total.totalSeconds),
      human_readable_total: humanText(total.totalSeconds),
      daily_average: round2(average),
      human_readable_daily_average: humanText(average),
      ...lists,
      ...(sharing.historyDays > 0
        ? { days: days.filter((d) => d.totalSeconds > 0).map((d) => ({ date: d.day, total_seconds: round2(d.totalSeconds) })) }
        : {}),
    },
  };
}

/**
 * The WakaTime-named lists (`projects`, `languages`, ...) others may see: a dimension the user
 * hides is left out (not sent empty), aliased projects are renamed; branches and categories are
 * never public.
 */
export function sharedLists(sharing: SharingSettings, total: Pick<RangeTotals, "totals" | "totalSeconds">): Record<string, SummaryItem[]> {
  const lists: Record<string, SummaryItem[]> = {};
  for (const d of LISTED) {
    if (d === "project" && sharing.projects === "alias") {
      lists[WIRE_DIMENSION[d]] = aliased(summaryItems(total.totals.project, "project", total.totalSeconds));
    } else if (sharesByName(sharing, d)) {
      lists[WIRE_DIMENSION[d]] = summaryItems(total.totals[d], d, total.totalSeconds);
    }
  }
  return lists;
}

/** "Project 1", "Project 2", ... in the list's order (most time first). */
function aliased(items: SummaryItem[]) {
  return items.map((item, i) => ({ ...item, name: `Project ${i + 1}` }));
}

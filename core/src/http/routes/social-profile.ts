/**
 * `GET /api/public/users/{username}`: the public profile's data (the site's `/@username`),
 * only for users with a public profile, limited by their sharing exactly as public stats are
 * (public-access.ts): totals of the last 7 days and of all visible time, the shared dimensions
 * (projects by name or alias, languages, editors, OS, machines) and the heat map of the last
 * 365 visible days (none when history is "totals only"). Unknown and private users: one 404.
 * Cached like badges (badge-cache.ts).
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter } from "../openapi-schemas.ts";
import { publicJsonResponse, publicRead } from "./badge-cache.ts";
import { MAX_USERNAME_LENGTH, publicDays, publicRange, sharesByName } from "./public-access.ts";
import type { PublicUser } from "../../ports.ts";
import type { DayActivity, Dimension } from "../../types.ts";
import { sumTotals } from "../../sessions/rollup.ts";
import { addDays, dayOf } from "../../time/zone.ts";
import { round2 } from "../../wakatime/v1/format.ts";

export const profileRoutes = new Hono<AppEnv>();

const named = z.array(z.object({ name: z.string(), totalSeconds: z.number() }));
export const publicProfileSchema = z
  .object({
    username: z.string(),
    displayName: z.string().nullable(),
    totals: z.object({
      last7Days: z.object({ totalSeconds: z.number(), dailyAverageSeconds: z.number() }),
      allTime: z.object({ totalSeconds: z.number(), start: z.string().nullable(), limitedByHistory: z.boolean() }),
    }),
    projects: named.optional().meta({ description: "By name or as aliases (Project 1, ...), only when shared." }),
    languages: named.optional(),
    editors: named.optional(),
    operatingSystems: named.optional(),
    machines: named.optional(),
    heatmap: z.array(z.object({ day: z.string(), totalSeconds: z.number() })).optional().meta({ description: "Days with activity; absent when only totals are shared." }),
  })
  .meta({ ref: "PublicProfile" });

const LISTS: [Dimension, string][] = [
  ["project", "projects"],
  ["language", "languages"],
  ["editor", "editors"],
  ["operatingSystem", "operatingSystems"],
  ["machine", "machines"],
];
const NOT_PUBLIC = "No public profile for this user";

profileRoutes.get(
  "/api/public/users/:username",
  describeRoute({
    tags: ["Public"],
    summary: "A user's public profile data",
    description: "Totals, shared dimensions and the heat map, limited by the user's sharing. 404 alike for unknown and private users. Activity is cached up to 5 minutes; sharing changes and deletion show at once.",
    parameters: [pathParameter("username", "The user's username.")],
    responses: { 200: jsonResponse("The profile.", publicProfileSchema), ...errorResponses(400, 404) },
  }),
  async (c) => {
    const username = c.req.param("username");
    if (username.length > MAX_USERNAME_LENGTH) throw new ApiError(400, `username: at most ${MAX_USERNAME_LENGTH} characters`);
    return publicRead(c, username, `/api/public/users/${encodeURIComponent(username)}`, {}, async (found) => {
      const { ports } = c.var;
      if (!found) return publicJsonResponse({ error: NOT_PUBLIC }, 404);
      const [week, all] = await Promise.all([publicRange(ports, found.user, found.sharing, "last_7_days"), publicRange(ports, found.user, found.sharing, "all_time")]);
      const [weekDays, allDays] = await Promise.all([week ? publicDays(ports, found, week, {}) : [], all ? publicDays(ports, found, all, {}) : []]);
      return publicJsonResponse(profileOf(found, ports.now(), weekDays, allDays, all ? { start: all.start, limited: all.limited } : null));
    });
  },
);

export function profileOf(found: PublicUser, nowSeconds: number, weekDays: DayActivity[], allDays: DayActivity[], all: { start: string; limited: boolean } | null) {
  const { user, sharing } = found;
  const week = sumTotals(weekDays).totalSeconds;
  const total = sumTotals(allDays);
  const lists: Record<string, { name: string; totalSeconds: number }[]> = {};
  for (const [dimension, field] of LISTS) {
    const aliased = dimension === "project" && sharing.projects === "alias";
    if (!aliased && !sharesByName(sharing, dimension)) continue;
    const items = Object.entries(total.totals[dimension])
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([name, seconds], i) => ({ name: aliased ? `Project ${i + 1}` : name, totalSeconds: round2(seconds) }));
    lists[field] = items;
  }
  const today = dayOf(nowSeconds, user.timeZone);
  const heatStart = addDays(today, -364);
  return {
    username: user.username,
    displayName: user.displayName,
    totals: {
      last7Days: { totalSeconds: round2(week), dailyAverageSeconds: round2(week / 7) },
      allTime: { totalSeconds: round2(total.totalSeconds), start: all?.start ?? null, limitedByHistory: all?.limited ?? false },
    },
    ...lists,
    ...(sharing.historyDays > 0
      ? { heatmap: allDays.filter((d) => d.day >= heatStart && d.totalSeconds > 0).map((d) => ({ day: d.day, totalSeconds: round2(d.totalSeconds) })) }
      : {}),
  };
}


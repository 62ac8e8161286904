/**
 * `GET /api/activity/{username}.svg`: an embeddable heat map of the last 12 months
 * (`?theme=light|dark`). Users who share no per-day history (private, unknown, or sharing
 * totals only) get the neutral "private" badge instead, with status 200.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, pathParameter, validated } from "../openapi-schemas.ts";
import { HEATMAP_THEMES, heatmapFirstDay, renderHeatmap } from "../../badge/heatmap.ts";
import { renderBadge } from "../../badge/render-badge.ts";
import { badgeColor } from "../../badge/colors.ts";
import { dayOf } from "../../time/zone.ts";
import { humanText } from "../../wakatime/v1/format.ts";
import { firstVisibleDay, MAX_USERNAME_LENGTH } from "./public-access.ts";
import { publicRead, svgResponse } from "./badge-cache.ts";

export const activityRoutes = new Hono<AppEnv>();

const activityQuerySchema = z.object({
  theme: z.enum(HEATMAP_THEMES).optional().meta({ description: "Palette for light or dark pages. Default light." }),
});

activityRoutes.get(
  "/api/activity/:username{[^/]+\\.svg}",
  describeRoute({
    operationId: "getActivityMapSvg",
    tags: ["Badges"],
    summary: "Activity heat map (SVG)",
    description:
      "One square per day of the last 12 months, shaded by coding time (transparent background). " +
      "Users who do not share per-day history get a grey `private` badge with status 200. Activity is cached up to 5 minutes; sharing changes and deletion show at once.",
    parameters: [pathParameter("username", "The user's username.")],
    responses: {
      200: { description: "The heat map.", content: { "image/svg+xml": { schema: { type: "string" } } } },
      ...errorResponses(400),
    },
  }),
  validated("query", activityQuerySchema),
  async (c) => {
    const username = c.req.param("username").slice(0, -".svg".length);
    if (username.length === 0 || username.length > MAX_USERNAME_LENGTH) throw new ApiError(400, `username: 1 to ${MAX_USERNAME_LENGTH} characters`);
    const theme = c.req.valid("query").theme ?? "light";
    return publicRead(c, username, `/api/activity/${encodeURIComponent(username)}.svg`, { theme }, async (found) => {
      const { ports } = c.var;
      const today = found ? dayOf(ports.now(), found.user.timeZone) : null;
      const visibleFrom = found && today ? firstVisibleDay(found.sharing, today) : null;
      if (!found || !today || visibleFrom === null) {
        return svgResponse(renderBadge({ label: "activity", message: "private", color: badgeColor("lightgrey")! }));
      }
      const mapStart = heatmapFirstDay(today);
      const start = visibleFrom > mapStart ? visibleFrom : mapStart;
      const days = await ports.activity.days(found.user, start, today);
      const secondsByDay = new Map(days.map((d) => [d.day, d.totalSeconds]));
      const total = days.reduce((sum, d) => sum + d.totalSeconds, 0);
      // A year of shared history (the default, 365 days) still reads as "the last 12 months".
      const span = start === mapStart || found.sharing.historyDays >= 365 ? "the last 12 months" : `the last ${found.sharing.historyDays} days`;
      return svgResponse(
        renderHeatmap({ secondsByDay, end: today, visibleFrom: start, theme, title: `${username}: ${humanText(total)} in ${span}` }),
      );
    });
  },
);

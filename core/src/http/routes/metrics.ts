/**
 * `GET /api/kodo/metrics` (and Wakapi's path `GET /api/metrics`): the caller's coding time as a
 * Prometheus scrape target (metrics/user-metrics.ts), for Grafana. Any key of the user, read-only
 * included (a scrape config holds it), or the sign-in cookie. Reads what a stats request reads:
 * today's day and the all-time day roll-ups, plus the heartbeat count.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { AppEnv } from "../context.ts";
import { errorResponses } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { dashboardAuth } from "./dashboard-auth.ts";
import { resolveRange } from "../../time/ranges.ts";
import { dayOf } from "../../time/zone.ts";
import { userMetrics } from "../../metrics/user-metrics.ts";
import { EXPOSITION_CONTENT_TYPE, exposition } from "../../metrics/prometheus.ts";

export const metricsRoutes = new Hono<AppEnv>();

const docs = describeRoute({
  tags: ["Kodo"],
  summary: "Your coding time as Prometheus metrics",
  description:
    "Prometheus text format 0.0.4 with Wakapi's metric names: `wakatime_seconds_total` (today), `wakatime_cumulative_seconds_total` (all time), " +
    "`wakatime_heartbeats_total`, `wakatime_{project,language,editor,operating_system,machine}_seconds_total{name}` (today) and " +
    "`kodo_all_time_{project,language,editor,operating_system,machine}_seconds{name}`. Any API key of the user (read-only included): " +
    "`Authorization: Bearer <key>` (Prometheus' `authorization.credentials`), basic auth with the key as user name, or `?api_key=`.",
  security: API_KEY_SECURITY,
  responses: {
    200: { description: "The metrics.", content: { "text/plain": { schema: { type: "string" } } } },
    ...errorResponses(401),
  },
});

const handler = dashboardAuth();

for (const path of ["/api/kodo/metrics", "/api/metrics"]) {
  metricsRoutes.get(path, docs, handler, async (c) => {
    const { ports } = c.var;
    const { user } = c.var.auth;
    const now = ports.now();
    const today = dayOf(now, user.timeZone);
    const firstDay = await ports.activity.firstDay(user);
    const allTime = firstDay === null ? null : resolveRange("all_time", now, user.timeZone, firstDay);
    const [todayDays, allTimeDays, heartbeats] = await Promise.all([
      ports.activity.days(user, today, today),
      allTime ? ports.activity.days(user, allTime.start, allTime.end, { branches: false }) : Promise.resolve([]),
      ports.activityAdmin ? ports.activityAdmin.heartbeatCount(user) : Promise.resolve(0),
    ]);
    const body = exposition(userMetrics({ today: todayDays, allTime: allTimeDays, heartbeats }));
    return c.body(body, 200, { "content-type": EXPOSITION_CONTENT_TYPE, "cache-control": "private, no-store" });
  });
}

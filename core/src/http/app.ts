import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Context, Env } from "hono";
import type { AppEnv } from "./context.ts";
import type { Ports } from "../ports.ts";
import { jsonError, onError } from "./errors.ts";
import { heartbeatRoutes } from "./routes/heartbeats.ts";
import { summaryRoutes } from "./routes/summaries.ts";
import { metaRoutes } from "./routes/meta.ts";
import { describeRoute } from "hono-openapi";
import { publicRoutes } from "./routes/public.ts";
import { badgeRoutes } from "./routes/badge.ts";
import { activityRoutes } from "./routes/badge-activity.ts";
import { apiDocsRoutes } from "./openapi-routes.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { accountApi } from "./routes/account.ts";
import { sharingRoutes } from "./routes/social-sharing.ts";
import { leaderboardRoutes } from "./routes/leaderboards.ts";
import { friendRoutes } from "./routes/friends.ts";
import { leadersRoutes } from "./routes/leaderboard-leaders.ts";
import { profileRoutes } from "./routes/social-profile.ts";
import { goalRoutes } from "./routes/goals.ts";
import { teamRoutes } from "./routes/teams.ts";
import { teamInviteRoutes } from "./routes/team-invites.ts";
import { teamDashboardRoutes } from "./routes/teams-dashboard.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { wakaGoalRoutes } from "./routes/wakatime-goals.ts";
import { wakaLeaderboardRoutes } from "./routes/wakatime-leaderboards.ts";
import { insightRoutes } from "./routes/wakatime-insights.ts";
import { dataDumpRoutes } from "./routes/wakatime-data-dumps.ts";
import { externalDurationRoutes } from "./routes/wakatime-external-durations.ts";
import { withExternalDurations } from "../external/external-durations.ts";

/** The WakaTime v1-compatible API, served under `/api/v1` and `/api/compat/wakatime/v1`. */
export function wakatimeApi() {
  return new Hono<AppEnv>()
    .route("/", heartbeatRoutes)
    .route("/", summaryRoutes)
    .route("/", metaRoutes)
    .route("/", leadersRoutes)
    .route("/", wakaGoalRoutes)
    .route("/", wakaLeaderboardRoutes)
    .route("/", insightRoutes)
    .route("/", dataDumpRoutes)
    .route("/", externalDurationRoutes);
}

export interface ApiOptions<E extends Env> {
  /**
   * Builds the platform's adapters for a request (the entry file passes one; on Cloudflare it
   * reads the bindings from `c.env`). Routes only ever see the ports.
   */
  ports?: (c: Context<E & AppEnv>) => Ports;
}

/**
 * The whole HTTP API, platform-neutral. Each platform's entry file calls this with its ports
 * (see worker/src/index.ts and sam/) and exports the result.
 */
export function createApi<E extends Env = AppEnv>(options: ApiOptions<E> = {}) {
  const app = new Hono<E & AppEnv>();
  app.onError(onError);
  app.notFound((c) => jsonError(c, 404, "Not found"));
  const portsFor = options.ports;
  if (portsFor) {
    app.use(async (c, next) => {
      const ports = portsFor(c);
      // External durations count wherever days are read (summaries, stats, dashboard, goals).
      c.set("ports", ports.externalDurations ? { ...ports, activity: withExternalDurations(ports.activity, ports.externalDurations) } : ports);
      await next();
    });
  }
  // Browser plugins (and personal sites reading public data) call the API cross-origin. Keys
  // travel in headers, not cookies, so any origin may call; credentials are never allowed.
  const apiCors = cors({
    origin: "*",
    allowHeaders: ["Authorization", "Content-Type", "X-Machine-Name", "User-Agent"],
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    maxAge: 86_400,
  });
  // A POST without an Origin header is no browser's cross-origin call (browsers send Origin on
  // every cross-origin POST) and its answer is never cached: editor plugins' heartbeats, the
  // hottest path, skip the header work. Everything else gets the CORS headers as before.
  app.use("/api/*", (c, next) => (c.req.method === "POST" && c.req.header("origin") === undefined ? next() : apiCors(c, next)));
  const v1 = wakatimeApi() as unknown as Hono<E & AppEnv>;
  app.route("/api/v1", v1);
  app.route("/api/compat/wakatime/v1", v1);
  app.get(
    "/api/health",
    describeRoute({ operationId: "getHealth", tags: ["Meta"], summary: "Liveness check", responses: { 200: { description: "`{\"ok\": true}`" } } }),
    (c) => c.json({ ok: true }),
  );
  // Public data and badges (no key; what users share), then the OpenAPI document of this app.
  const publicApi = new Hono<AppEnv>().route("/", publicRoutes).route("/", badgeRoutes).route("/", activityRoutes);
  app.route("/", publicApi as unknown as Hono<E & AppEnv>);
  // The signed-in user's dashboard reads (one response per view).
  app.route("/api/kodo", dashboardRoutes as unknown as Hono<E & AppEnv>);
  app.route("/", metricsRoutes as unknown as Hono<E & AppEnv>);
  // The caller's account: profile, settings, API keys, export/import, deletion.
  app.route("/api/kodo/account", accountApi() as unknown as Hono<E & AppEnv>);
  // Social (issue 9): sharing settings, leaderboards, friends, goals, teams, public profile data.
  const socialApi = new Hono<AppEnv>().route("/", sharingRoutes).route("/", leaderboardRoutes).route("/", friendRoutes).route("/", goalRoutes).route("/", teamInviteRoutes).route("/", teamRoutes).route("/", teamDashboardRoutes);
  app.route("/api/kodo", socialApi as unknown as Hono<E & AppEnv>);
  app.route("/", profileRoutes as unknown as Hono<E & AppEnv>);
  app.route("/", apiDocsRoutes(app) as unknown as Hono<E & AppEnv>);
  return app;
}

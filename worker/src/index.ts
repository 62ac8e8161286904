/**
 * The Cloudflare entry: the shared Kodo API (@kodo/core/http) with D1 and per-user Durable
 * Object adapters as its ports. Route code never reads bindings.
 */
import { addOpenApiSource, createApi } from "@kodo/core/http";
import { d1Accounts } from "./stores/accounts.ts";
import { cloudflareActivity } from "./stores/activity.ts";
import { cloudflareExternalDurations } from "./stores/external-durations.ts";
import { d1PublicDirectory } from "./stores/public-directory.ts";
import { cloudflareEdgeCache } from "./stores/edge-cache.ts";
import { d1AccountAdmin } from "./stores/account-admin.ts";
import { cloudflareActivityAdmin } from "./stores/activity-admin.ts";
import { betterAuthSessions } from "./auth/sessions.ts";
import { d1Social } from "./stores/social.ts";
import { d1Teams } from "./stores/social-teams.ts";
import { authRoutes } from "./auth/routes.ts";
import { betterAuthOpenApi } from "@kodo/core/auth";
import { cloudflareOutbound } from "./outbound.ts";
import { cloudflareRelay } from "./stores/relay.ts";
import { drainDailyActivity } from "./drain.ts";

export { UserActivity } from "./activity/object.ts";
export { RateLimiter } from "./auth/rate-limiter.ts";

/** The HTTP app (also imported by tests and the benchmark entry). */
export const app = createApi<{ Bindings: Env }>({
  ports: (c) => ({
    accounts: d1Accounts(c.env.DB),
    activity: cloudflareActivity(c.env),
    publicDirectory: d1PublicDirectory(c.env.DB),
    edgeCache: cloudflareEdgeCache(),
    now: () => Date.now() / 1000,
    accountAdmin: d1AccountAdmin(c.env.DB),
    activityAdmin: cloudflareActivityAdmin(c.env),
    sessions: betterAuthSessions(c.env),
    social: d1Social(c.env.DB),
    teams: d1Teams(c.env.DB),
    outbound: cloudflareOutbound(c.env as unknown as Record<string, unknown>),
    externalDurations: cloudflareExternalDurations(c.env),
    relay: cloudflareRelay(c.env),
  }),
});
// Sign-in (Better Auth, shared from @kodo/core/auth) and what the sign-in page needs, on D1.
app.route("/", authRoutes());
addOpenApiSource(app, betterAuthOpenApi);

export default {
  fetch: app.fetch,
  /** The cron trigger (wrangler.toml): drains the old daily_activity table (drain.ts). */
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(drainDailyActivity(env).then((r) => console.log("daily_activity drain", JSON.stringify(r))));
  },
} satisfies ExportedHandler<Env>;

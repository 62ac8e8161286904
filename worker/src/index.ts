/**
 * The Cloudflare entry: the shared Kodo API (@kodo/core/http) with D1 and per-user Durable
 * Object adapters put on each request's context. Route code never reads bindings.
 */
import { Hono } from "hono";
import { createApi, type AppEnv } from "@kodo/core/http";
import { d1Accounts } from "./stores/accounts.ts";
import { cloudflareActivity } from "./stores/activity.ts";

export { UserActivity } from "./activity/object.ts";

type WorkerEnv = AppEnv & { Bindings: Env };

const app = new Hono<WorkerEnv>();
app.use(async (c, next) => {
  c.set("ports", {
    accounts: d1Accounts(c.env.DB),
    activity: cloudflareActivity(c.env),
    now: () => Date.now() / 1000,
  });
  await next();
});
app.route("/", createApi());

export default app satisfies ExportedHandler<Env>;

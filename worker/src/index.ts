/**
 * The Cloudflare entry: the shared Kodo API (@kodo/core/http) with D1 and per-user Durable
 * Object adapters as its ports. Route code never reads bindings.
 */
import { createApi } from "@kodo/core/http";
import { d1Accounts } from "./stores/accounts.ts";
import { cloudflareActivity } from "./stores/activity.ts";

export { UserActivity } from "./activity/object.ts";

const app = createApi<{ Bindings: Env }>({
  ports: (c) => ({
    accounts: d1Accounts(c.env.DB),
    activity: cloudflareActivity(c.env),
    now: () => Date.now() / 1000,
  }),
});

export default app satisfies ExportedHandler<Env>;

import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";
import { requireApiKey } from "../auth.ts";
import { authenticateSession, usesSession } from "./account-auth.ts";

/**
 * Who may read a dashboard: the signed-in user (sign-in cookie, as the site sends it through
 * the service binding) or any API key's owner (read-only keys included: these are reads).
 * A request carrying a key is judged by the key; without one, by the cookie. Dashboard routes
 * are GET-only, so cookie requests pass the CSRF checks without a token.
 */
export function dashboardAuth(): MiddlewareHandler<AppEnv> {
  const byKey = requireApiKey("read");
  return async (c, next) => {
    if (!usesSession(c)) return byKey(c, next);
    const refused = await authenticateSession(c);
    if (refused) return refused;
    await next();
  };
}

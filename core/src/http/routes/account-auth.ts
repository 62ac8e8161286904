/**
 * Who may use an account route, and how a sign-in cookie authenticates.
 *
 * - A sign-in session (the dashboard) may do everything on its own account. Its state-changing
 *   requests must pass the CSRF checks (accounts/csrf.ts): a trusted Origin and the session's
 *   X-CSRF-Token.
 * - An API key may read the account and export it (any key), and import or change settings
 *   (full keys). It may not manage keys or delete the account: a leaked key must not be able
 *   to mint more keys or destroy the account.
 * Every route acts on the caller's own account only; ids of other users' keys or jobs are
 * answered 404, exactly like ids that do not exist.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../context.ts";
import { jsonError } from "../errors.ts";
import { apiKeyOf, hashKey } from "../auth.ts";
import { CSRF_HEADER, csrfProblem } from "../../accounts/csrf.ts";
import type { AccountAdmin, ActivityAdmin } from "../../accounts/ports.ts";

/** `session`: a signed-in session only; `read`: session or any key; `write`: session or a full key. */
export type AccountAccess = "session" | "read" | "write";

function hasKeyCredentials(c: Context<AppEnv>): boolean {
  return c.req.header("authorization") !== undefined || c.req.query("api_key") !== undefined;
}

/**
 * Authenticates the request's sign-in cookie: sets `auth` (as a full-access credential of the
 * user) and `session`. Returns the error response to send, or null to go on.
 */
export async function authenticateSession(c: Context<AppEnv>): Promise<Response | null> {
  const sessions = c.var.ports.sessions;
  if (!sessions) return jsonError(c, 401, "Missing or malformed API key");
  const session = await sessions.resolve(c.req.raw.headers);
  if (!session) {
    // API clients (plugins) sent nothing; a browser sent a cookie that is no (longer a) session.
    if (!c.req.header("cookie")) return jsonError(c, 401, "Missing or malformed API key");
    return jsonError(c, 401, "Not signed in (or the session expired): sign in, or send an API key");
  }
  const problem = csrfProblem(
    c.req.method,
    { origin: c.req.header("origin"), token: c.req.header(CSRF_HEADER), fetchSite: c.req.header("sec-fetch-site") },
    sessions.trustedOrigins(),
    session.csrfToken,
  );
  if (problem) return jsonError(c, 403, `CSRF check failed: ${problem}`);
  c.set("auth", { user: session.user, keyId: `session:${session.sessionId}`, scope: "full" });
  c.set("session", session);
  return null;
}

/** True when the request carries no API key and the platform has cookie sessions. */
export function usesSession(c: Context<AppEnv>): boolean {
  return !hasKeyCredentials(c) && c.var.ports.sessions !== undefined;
}

export function requireAccount(access: AccountAccess): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.var.ports.accountAdmin || !c.var.ports.activityAdmin) return jsonError(c, 501, "Account management is not available on this platform");
    if (usesSession(c)) {
      const refused = await authenticateSession(c);
      if (refused) return refused;
      return next();
    }
    if (access === "session") {
      if (!hasKeyCredentials(c)) return jsonError(c, 401, "Not signed in");
      return jsonError(c, 403, "API keys cannot manage keys or delete the account: sign in to the dashboard");
    }
    const key = apiKeyOf(c.req.header("authorization"), c.req.query("api_key"));
    if (!key) return jsonError(c, 401, "Missing or malformed API key");
    const found = await c.var.ports.accounts.findByKeyHash(await hashKey(key));
    if (!found) return jsonError(c, 401, "Invalid API key");
    if (access === "write" && found.scope !== "full") return jsonError(c, 403, "This API key is read-only");
    c.set("auth", found);
    return next();
  };
}

/** The account ports (present: requireAccount checked). */
export function admin(c: Context<AppEnv>): { accounts: AccountAdmin; activity: ActivityAdmin } {
  return { accounts: c.var.ports.accountAdmin!, activity: c.var.ports.activityAdmin! };
}

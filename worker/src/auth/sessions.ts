/** The SessionResolver port on Better Auth: the sign-in cookie -> Kodo's user and CSRF token. */
import { drizzle } from "drizzle-orm/d1";
import { csrfTokenFor, type SessionResolver } from "@kodo/core";
import { findUser } from "../stores/account-admin.ts";
import { authConfigFor, authFor } from "./better-auth.ts";
import { COOKIE_PREFIX } from "./config.ts";

export function betterAuthSessions(env: Env): SessionResolver | undefined {
  const cfg = authConfigFor(env);
  if (!cfg) return undefined;
  return {
    async resolve(headers) {
      // Only requests that carry a session cookie are worth a look-up (and building the
      // auth instance: heartbeat requests never do).
      if (!(headers.get("cookie") ?? "").includes(`${COOKIE_PREFIX}.session_token`)) return null;
      const made = await authFor(env);
      if (!made) return null;
      const found = await made.auth.api.getSession({ headers, query: { disableCookieCache: true } });
      if (!found) return null;
      const user = await findUser(drizzle(env.DB), found.user.id);
      if (!user) return null;
      return {
        user,
        sessionId: found.session.id,
        csrfToken: await csrfTokenFor(cfg.secret, found.session.id),
        expiresAt: new Date(found.session.expiresAt).toISOString(),
      };
    },
    trustedOrigins: () => cfg.trustedOrigins,
    clearingCookies() {
      const secure = cfg.secureCookies;
      const names = ["session_token", "session_data", "dont_remember"].map((n) => `${secure ? "__Secure-" : ""}${COOKIE_PREFIX}.${n}`);
      return names.map((n) => `${n}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`);
    },
  };
}

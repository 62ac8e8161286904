/** The SessionResolver port on Better Auth: the sign-in cookie -> Kodo's user and CSRF token. */
import type { User } from "../ports.ts";
import type { SessionResolver } from "../accounts/ports.ts";
import { csrfTokenFor } from "../accounts/csrf.ts";
import { COOKIE_PREFIX, type AuthConfig } from "./config.ts";
import type { MadeAuth } from "./better-auth.ts";
import { needsPasskey } from "./second-factor.ts";

/**
 * `made()` builds (or returns the cached) Better Auth instance, only for requests that carry a
 * session cookie; `findUser` reads Kodo's user (settings included) from the platform's store.
 */
export function betterAuthSessions(cfg: AuthConfig, made: () => Promise<MadeAuth | null>, findUser: (userId: string) => Promise<User | null>): SessionResolver {
  return {
    async resolve(headers) {
      // Only requests that carry a session cookie are worth a look-up (and building the
      // auth instance: heartbeat requests never do).
      if (!(headers.get("cookie") ?? "").includes(`${COOKIE_PREFIX}.session_token`)) return null;
      const m = await made();
      if (!m) return null;
      const found = await m.auth.api.getSession({ headers, query: { disableCookieCache: true } });
      if (!found) return null;
      // A sign-in still waiting for the passkey its user requires is not signed in to Kodo yet.
      if (needsPasskey(found.user, found.session)) return null;
      const user = await findUser(found.user.id);
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

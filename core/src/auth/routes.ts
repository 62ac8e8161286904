/**
 * The sign-in endpoints every platform serves beside the shared API (the API itself sees
 * sessions only through the SessionResolver port):
 * - `/api/auth/*`: Better Auth (OAuth redirects and callbacks, magic links, sign-out, session),
 *   only the endpoints Kodo uses (endpoints.ts), with bodies read by core's bounded reader;
 * - `GET /api/kodo/auth/providers`: what the sign-in page may offer (unconfigured ones are absent);
 * - `GET /api/kodo/dev/outbox`: local development's outbox of sign-in mails (404 elsewhere);
 * - `PUT /api/kodo/auth/passkey-required`: the user's "require a passkey after signing in".
 * The dashboard forwards the browser's /api/* requests here, so cookies are set for its origin.
 */
import { Hono, type Context, type Env } from "hono";
import { describeRoute } from "hono-openapi";
import { SMALL_BODY_BYTES, readBoundedBytes, readJsonBody } from "../http/body.ts";
import { withBody } from "../http/bounded-stream.ts";
import { jsonError } from "../http/errors.ts";
import { csrfProblem, csrfTokenFor, originProblem } from "../accounts/csrf.ts";
import { offeredProviders, type AuthConfig } from "./config.ts";
import type { MadeAuth } from "./better-auth.ts";
import type { Outbox } from "./email.ts";
import { isAllowedAuthEndpoint } from "./endpoints.ts";
import { needsPasskey } from "./second-factor.ts";

/** What the routes need from the platform, per request (Cloudflare reads its bindings from `c`). */
export interface AuthRouteDeps<E extends Env> {
  config(c: Context<E>): AuthConfig | null;
  auth(c: Context<E>): Promise<MadeAuth | null>;
  /** The local outbox when the configuration asks for one (KODO_LOCAL_OUTBOX=1). */
  outbox(c: Context<E>): Outbox | null;
}

export function authRoutes<E extends Env>(deps: AuthRouteDeps<E>) {
  const app = new Hono<E>();
  // describeRoute's middleware narrows the context type; the dependencies take the app's.
  const ctx = (c: unknown) => c as Context<E>;

  app.on(["GET", "POST"], "/api/auth/*", async (c) => {
    if (!isAllowedAuthEndpoint(c.req.method, c.req.path.slice("/api/auth".length))) return jsonError(c, 404, "Not found");
    const made = await deps.auth(c);
    if (!made) return c.json({ error: "Sign-in is not configured on this server (BETTER_AUTH_SECRET and BETTER_AUTH_URL)" }, 404);
    // A browser's POST (it carries a cookie, an Origin or Fetch Metadata) must come from a
    // trusted origin's page: sign-out and sign-in are cookie-authenticated or cookie-setting
    // writes that another site must not trigger. Better Auth checks too; this does not rely on
    // its exceptions (Referer in place of Origin, first sign-ins without a cookie).
    if (c.req.method === "POST" && (c.req.header("cookie") || c.req.header("origin") || c.req.header("sec-fetch-site"))) {
      const problem = originProblem("POST", { origin: c.req.header("origin"), fetchSite: c.req.header("sec-fetch-site") }, made.cfg.trustedOrigins);
      if (problem) return jsonError(c, 403, `CSRF check failed: ${problem}`);
    }
    return made.auth.handler(await boundedRequest(c.req.raw));
  });

  app.get(
    "/api/kodo/auth/providers",
    describeRoute({
      tags: ["Account"],
      summary: "Sign-in methods this server offers",
      description: "OAuth providers with their ids (for `POST /api/auth/sign-in/social`), whether email links are offered, and whether the local outbox is on.",
      responses: { 200: { description: "`{providers: [{id, name}], email: boolean, outbox: boolean}`" } },
    }),
    (c) => {
      const cfg = deps.config(ctx(c));
      return c.json({
        providers: offeredProviders(cfg),
        email: cfg?.email != null,
        outbox: cfg?.email?.kind === "outbox",
      });
    },
  );

  app.put(
    "/api/kodo/auth/passkey-required",
    describeRoute({
      tags: ["Account"],
      summary: "Require a passkey after signing in (or not)",
      description:
        "Body `{required: boolean}`, signed-in session with its X-CSRF-Token. Turning it on needs at least one passkey; from then on every sign-in other than a passkey's must be confirmed with one (docs/accounts.md). The session that turns it on stays signed in.",
      responses: { 200: { description: "`{required: boolean}`" }, 400: { description: "Bad body, or no passkey yet." }, 401: { description: "Not signed in." }, 403: { description: "Origin or CSRF token refused." } },
    }),
    async (c) => {
      const made = await deps.auth(ctx(c));
      if (!made) return jsonError(c, 404, "Sign-in is not configured on this server");
      const found = c.req.header("cookie") ? await made.auth.api.getSession({ headers: c.req.raw.headers, query: { disableCookieCache: true } }) : null;
      if (!found || needsPasskey(found.user, found.session)) return jsonError(c, 401, "Sign in first");
      const problem = csrfProblem(
        "PUT",
        { origin: c.req.header("origin"), fetchSite: c.req.header("sec-fetch-site"), token: c.req.header("x-csrf-token") },
        made.cfg.trustedOrigins,
        await csrfTokenFor(made.cfg.secret, found.session.id),
      );
      if (problem) return jsonError(c, 403, `CSRF check failed: ${problem}`);
      const body = await readJsonBody(c, { limit: SMALL_BODY_BYTES, required: "Body must be JSON: {required: boolean}" });
      const required = (body as { required?: unknown } | null)?.required;
      if (typeof required !== "boolean") return jsonError(c, 400, "Body must be JSON: {required: boolean}");
      const context = await made.auth.$context;
      if (required) {
        const passkeys = await context.adapter.findMany({ model: "passkey", where: [{ field: "userId", value: found.user.id }] });
        if (passkeys.length === 0) return jsonError(c, 400, "Add a passkey first: without one you could not sign in any more");
        // The session at the keyboard stays signed in; every other one must confirm.
        await context.internalAdapter.updateSession(found.session.token, { passkeyVerified: true });
      }
      await context.internalAdapter.updateUser(found.user.id, { passkeyRequired: required });
      c.header("Cache-Control", "no-store");
      return c.json({ required });
    },
  );

  app.get(
    "/api/kodo/dev/outbox",
    describeRoute({
      tags: ["Account"],
      summary: "Local development: sign-in mails not sent",
      description: "Only when KODO_LOCAL_OUTBOX=1 and no mail sender is configured (npm start, npm run sam:local); 404 otherwise.",
      responses: { 200: { description: "`{data: [{id, to, subject, text, link, created_at}]}`, newest first." }, 404: { description: "No local outbox." } },
    }),
    async (c) => {
      const outbox = deps.config(ctx(c))?.email?.kind === "outbox" ? deps.outbox(ctx(c)) : null;
      if (!outbox) return c.json({ error: "Not found" }, 404);
      const rows = await outbox.newestFirst();
      c.header("Cache-Control", "no-store");
      return c.json({ data: rows.map((r) => ({ id: r.id, to: r.recipient, subject: r.subject, text: r.text, link: r.link, created_at: r.createdAt })) });
    },
  );

  return app;
}

/**
 * The request with its body read by core's bounded reader (sign-in bodies are a few fields:
 * SMALL_BODY_BYTES), so Better Auth, which reads bodies itself, never holds more; an oversized
 * body is a 413 before Better Auth runs.
 */
async function boundedRequest(req: Request): Promise<Request> {
  if (req.method === "GET" || req.method === "HEAD") return req;
  return withBody(req, await readBoundedBytes(req, SMALL_BODY_BYTES));
}

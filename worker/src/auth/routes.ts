/**
 * The worker's sign-in endpoints (Cloudflare only; the shared API sees sessions through the
 * SessionResolver port):
 * - `/api/auth/*`: Better Auth (OAuth redirects and callbacks, magic links, sign-out, session),
 *   only the endpoints Kodo uses (endpoints.ts), with bodies read by core's bounded reader;
 * - `GET /api/kodo/auth/providers`: what the sign-in page may offer (unconfigured ones are absent);
 * - `GET /api/kodo/dev/outbox`: local development's outbox of sign-in mails (404 elsewhere).
 * The dashboard reaches these through its service binding and forwards the browser's /api/*
 * requests here, so cookies are set for the dashboard's origin.
 */
import { Hono } from "hono";
import { SMALL_BODY_BYTES, jsonError, readBoundedBytes, withBody } from "@kodo/core/http";
import { describeRoute } from "hono-openapi";
import { originProblem } from "@kodo/core";
import { authConfigFor, authFor } from "./better-auth.ts";
import { offeredProviders } from "./config.ts";
import { outboxMessagesNewestFirst } from "./email.ts";
import { isAllowedAuthEndpoint } from "./endpoints.ts";

type WorkerEnv = { Bindings: Env };

export function authRoutes() {
  const app = new Hono<WorkerEnv>();

  app.on(["GET", "POST"], "/api/auth/*", async (c) => {
    if (!isAllowedAuthEndpoint(c.req.method, c.req.path.slice("/api/auth".length))) return jsonError(c, 404, "Not found");
    const made = await authFor(c.env);
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
      const cfg = authConfigFor(c.env);
      return c.json({
        providers: offeredProviders(cfg),
        email: cfg?.email != null,
        outbox: cfg?.email?.kind === "outbox",
      });
    },
  );

  app.get(
    "/api/kodo/dev/outbox",
    describeRoute({
      tags: ["Account"],
      summary: "Local development: sign-in mails not sent",
      description: "Only when KODO_LOCAL_OUTBOX=1 and no mail sender is configured (npm start); 404 otherwise.",
      responses: { 200: { description: "`{data: [{id, to, subject, text, link, created_at}]}`, newest first." }, 404: { description: "No local outbox." } },
    }),
    async (c) => {
      if (authConfigFor(c.env)?.email?.kind !== "outbox") return c.json({ error: "Not found" }, 404);
      const rows = await outboxMessagesNewestFirst(c.env.DB);
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

import { Hono } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "./context.ts";
import { jsonError, onError } from "./errors.ts";
import { heartbeatRoutes } from "./routes/heartbeats.ts";
import { summaryRoutes } from "./routes/summaries.ts";
import { metaRoutes } from "./routes/meta.ts";

/** The WakaTime v1-compatible API, served under `/api/v1` and `/api/compat/wakatime/v1`. */
export function wakatimeApi() {
  return new Hono<AppEnv>().route("/", heartbeatRoutes).route("/", summaryRoutes).route("/", metaRoutes);
}

/**
 * The whole HTTP API, platform-neutral. The entry file of each platform mounts it behind a
 * middleware that sets `ports` on the context (see worker/src/index.ts and sam/).
 */
export function createApi() {
  const app = new Hono<AppEnv>();
  app.onError(onError);
  app.notFound((c) => jsonError(c, 404, "Not found"));
  // Browser plugins (and personal sites reading public data) call the API cross-origin. Keys
  // travel in headers, not cookies, so any origin may call; credentials are never allowed.
  app.use(
    "/api/*",
    cors({
      origin: "*",
      allowHeaders: ["Authorization", "Content-Type", "X-Machine-Name", "User-Agent"],
      allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
      maxAge: 86_400,
    }),
  );
  const v1 = wakatimeApi();
  app.route("/api/v1", v1);
  app.route("/api/compat/wakatime/v1", v1);
  app.get("/api/health", (c) => c.json({ ok: true }));
  return app;
}

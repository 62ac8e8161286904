import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { WAKATIME_DOCS } from "../openapi-wakatime.ts";
import type { AppEnv } from "../context.ts";
import { requireApiKey } from "../auth.ts";
import { currentUser } from "./user-param.ts";
import { ownerOrPublic, publicWakaUser } from "./public-wakatime.ts";
import type { SeenValue } from "../../ports.ts";
import { parseUserAgent } from "../../heartbeat/index.ts";

/** The user and what Kodo has seen of them: projects, user agents, machines. */
export const metaRoutes = new Hono<AppEnv>();

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

metaRoutes.get("/users/:user", describeRoute(WAKATIME_DOCS.user), ownerOrPublic(publicWakaUser), (c) => {
  const user = currentUser(c);
  return c.json({
    data: {
      id: user.id,
      username: user.username,
      display_name: user.displayName ?? user.username,
      full_name: user.displayName,
      email: user.email,
      timezone: user.timeZone,
      timeout: user.keystrokeTimeoutMinutes,
      writes_only: false,
      created_at: user.createdAt,
      modified_at: null,
      photo: null,
      is_email_public: false,
      has_premium_features: true,
      plan: "kodo",
    },
  });
});

metaRoutes.get("/users/:user/projects", describeRoute(WAKATIME_DOCS.projects), requireApiKey(), async (c) => {
  const user = currentUser(c);
  const q = (c.req.query("q") ?? "").toLowerCase();
  const seen = await c.var.ports.activity.seen(user, "project");
  const data = byRecent(seen)
    .filter((p) => p.value.toLowerCase().includes(q))
    .map((p) => ({
      id: p.value,
      name: p.value,
      first_heartbeat_at: iso(p.firstSeen),
      last_heartbeat_at: iso(p.lastSeen),
      created_at: iso(p.firstSeen),
      badge: null,
      color: null,
      has_public_url: false,
      human_readable_last_heartbeat_at: iso(p.lastSeen),
      urlencoded_name: encodeURIComponent(p.value),
    }));
  return c.json({ data });
});

metaRoutes.get("/users/:user/user_agents", describeRoute(WAKATIME_DOCS.userAgents), requireApiKey(), async (c) => {
  const user = currentUser(c);
  const seen = await c.var.ports.activity.seen(user, "userAgent");
  const data = byRecent(seen).map((ua) => {
    const parsed = parseUserAgent(ua.value);
    return {
      id: ua.value,
      value: ua.value,
      editor: parsed.editor,
      os: parsed.operatingSystem,
      first_seen_at: iso(ua.firstSeen),
      last_seen_at: iso(ua.lastSeen),
      is_browser_extension: false,
      is_desktop_app: false,
    };
  });
  return c.json({ data });
});

metaRoutes.get("/users/:user/machine_names", describeRoute(WAKATIME_DOCS.machineNames), requireApiKey(), async (c) => {
  const user = currentUser(c);
  const seen = await c.var.ports.activity.seen(user, "machine");
  const data = byRecent(seen).map((m) => ({
    id: m.value,
    name: m.value,
    value: m.value,
    created_at: iso(m.firstSeen),
    last_seen_at: iso(m.lastSeen),
  }));
  return c.json({ data });
});

function byRecent(values: SeenValue[]): SeenValue[] {
  return [...values].sort((a, b) => b.lastSeen - a.lastSeen);
}

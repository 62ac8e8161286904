/**
 * `GET/PATCH /api/kodo/sharing`: what the caller lets others see (private by default). A
 * change goes through the cache fan-out (http/user-caches.ts): badges, public JSON, the activity
 * map and leaderboards show it at the very next request.
 */
import { Hono } from "hono";
import { describeRoute, resolver } from "hono-openapi";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { readRequiredJson } from "../body.ts";
import { requireApiKey } from "../auth.ts";
import { dashboardAuth } from "./dashboard-auth.ts";
import { sharingChangeSchema, sharingSchema } from "./social-schemas.ts";
import { parseSharingChange } from "../../social/sharing.ts";
import { socialOf } from "./leaderboard-data.ts";
import { purgeUserCaches } from "../user-caches.ts";

export const sharingRoutes = new Hono<AppEnv>();

const AUTH = "Authenticated by the sign-in cookie (writes need X-CSRF-Token) or an API key (writes: a full-access key).";

sharingRoutes.get(
  "/sharing",
  describeRoute({
    tags: ["Social"],
    summary: "The caller's sharing settings",
    description: `Everything is private by default. ${AUTH}`,
    security: API_KEY_SECURITY,
    responses: { 200: jsonResponse("The settings.", sharingSchema), ...errorResponses(401) },
  }),
  dashboardAuth(),
  async (c) => {
    const sharing = await socialOf(c.var.ports).sharingOf(c.var.auth.user.id);
    c.header("Cache-Control", "private, no-store");
    return c.json(sharing);
  },
);

sharingRoutes.patch(
  "/sharing",
  describeRoute({
    tags: ["Social"],
    summary: "Change the caller's sharing settings",
    description: `Any of the fields; the others keep their values. Unknown fields are refused. ${AUTH}`,
    security: API_KEY_SECURITY,
    requestBody: { required: true, content: { "application/json": { schema: resolver(sharingChangeSchema) } } },
    responses: { 200: jsonResponse("The settings after the change.", sharingSchema), ...errorResponses(400, 401, 403) },
  }),
  requireApiKey("full"),
  async (c) => {
    const social = socialOf(c.var.ports);
    const change = parseSharingChange(await readRequiredJson(c));
    if (typeof change === "string") throw new ApiError(400, change);
    const sharing = await social.updateSharing(c.var.auth.user.id, change);
    await purgeUserCaches(c.var.ports, c.var.auth.user.id);
    c.header("Cache-Control", "private, no-store");
    return c.json(sharing);
  },
);

/**
 * `POST /api/kodo/account/heartbeats/delete`: delete heartbeats by a range of local days
 * and/or a project (accounts/heartbeat-deletion.ts). Each call deletes a bounded chunk and
 * answers `done: false` while matching heartbeats remain: callers repeat the same request.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { jsonError } from "../errors.ts";
import { errorResponses, jsonResponse } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { admin, requireAccount } from "./account-auth.ts";
import { jsonBody } from "./account-views.ts";
import { readSmallJson } from "../body.ts";
import { DELETE_MAX_DAYS, DELETE_MAX_HEARTBEATS, parseDeletion } from "../../accounts/heartbeat-deletion.ts";

export const accountHeartbeatRoutes = new Hono<AppEnv>();

export const deletionResultSchema = z.object({
  deleted: z.number().int().meta({ description: "Heartbeats deleted by this call." }),
  done: z.boolean().meta({ description: "False while matching heartbeats remain: send the same request again." }),
});

accountHeartbeatRoutes.post(
  "/heartbeats/delete",
  describeRoute({
    tags: ["Account"],
    summary: "Delete heartbeats by date range and/or project",
    description:
      "Removes matching heartbeats from the raw log; the days they touched are recomputed (sessions, daily roll-ups, " +
      "leaderboards) and the projects/machines lists corrected. Body: `start` and `end` (local days, YYYY-MM-DD, inclusive) " +
      `and/or \`project\`. One call deletes at most ${DELETE_MAX_HEARTBEATS} heartbeats over at most ${DELETE_MAX_DAYS} days; ` +
      "repeat it while `done` is false. Signed-in session (with X-CSRF-Token) or a full-access API key.",
    security: API_KEY_SECURITY,
    requestBody: jsonBody("What to delete.", {
      type: "object",
      properties: { start: { type: "string", format: "date" }, end: { type: "string", format: "date" }, project: { type: "string" } },
    }),
    responses: { 200: jsonResponse("The chunk deleted.", deletionResultSchema), ...errorResponses(400, 401, 403) },
  }),
  requireAccount("write"),
  async (c) => {
    const user = c.var.auth.user;
    const parsed = parseDeletion(await readSmallJson(c), user.timeZone);
    if (!parsed.ok) return jsonError(c, 400, parsed.error);
    const chunk = await admin(c).activity.deleteHeartbeats(user, parsed.value);
    return c.json({ deleted: chunk.deleted, done: !chunk.more });
  },
);

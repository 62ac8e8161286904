/**
 * WakaTime's export API (`users/current/data_dumps`) over Kodo's JSON export
 * (`GET /api/kodo/account/export`, routes/account-data.ts).
 * Decision: Kodo keeps no dump files. The export is streamed fresh from the user's data when it
 * is downloaded, so a dump is ready the moment it is asked for: POST answers a dump with status
 * `Completed` and 100 %, and GET always lists one completed dump per WakaTime type (`heartbeats`
 * and `daily`). Both download the same document, which holds the raw heartbeats and the daily
 * totals and sessions. `download_url` is the authenticated export route: download it with the
 * same API key (any form; read-only keys too), not anonymously as WakaTime's signed S3 links.
 * Nothing is stored, so a POST of either type writes nothing and may be repeated freely.
 */
import { Hono } from "hono";
import type { Context } from "hono";
import { describeRoute, resolver } from "hono-openapi";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { requireApiKey } from "../auth.ts";
import { ApiError } from "../errors.ts";
import { readSmallJson } from "../body.ts";
import { errorResponses, jsonResponse } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { userParam } from "../openapi-wakatime.ts";
import { currentUser } from "./user-param.ts";

export const dataDumpRoutes = new Hono<AppEnv>();

const DUMP_TYPES = ["heartbeats", "daily"] as const;
type DumpType = (typeof DUMP_TYPES)[number];
/** How long a listed dump's link is said to stay valid: the route itself never expires. */
const LINK_DAYS = 7;

export const dataDumpSchema = z
  .object({
    id: z.string(),
    type: z.enum(DUMP_TYPES),
    status: z.literal("Completed"),
    percent_complete: z.number(),
    download_url: z.string().meta({ description: "Kodo's export route: GET it with the same API key." }),
    expires: z.string(),
    created_at: z.string(),
    has_failed: z.boolean(),
    is_stuck: z.boolean(),
    is_processing: z.boolean(),
  })
  .meta({ ref: "WakaTimeDataDump" });
export const dataDumpListSchema = z.object({ data: z.array(dataDumpSchema), total: z.number().int(), total_pages: z.number().int() }).meta({ ref: "WakaTimeDataDumps" });
const newDumpSchema = z.object({
  type: z.enum(DUMP_TYPES).meta({ description: "Both types download the same complete export." }),
  email_when_finished: z.boolean().optional().meta({ description: "Accepted and ignored: the dump is ready at once." }),
});

function dump(c: Context<AppEnv>, type: DumpType) {
  const now = c.var.ports.now();
  return {
    id: `export-${type}`,
    type,
    status: "Completed" as const,
    percent_complete: 100,
    download_url: new URL("/api/kodo/account/export", c.req.url).href,
    expires: new Date((now + LINK_DAYS * 86_400) * 1000).toISOString(),
    created_at: new Date(now * 1000).toISOString(),
    has_failed: false,
    is_stuck: false,
    is_processing: false,
  };
}

const NOTE = "Kodo keeps no dump files: the export is made fresh when downloaded, so every dump is `Completed` at once. `download_url` is Kodo's export route: download it with the same API key.";

dataDumpRoutes.get(
  "/users/:user/data_dumps",
  describeRoute({
    tags: ["WakaTime v1"],
    summary: "Export dumps (always ready)",
    description: `One completed dump per type (heartbeats, daily). ${NOTE}`,
    security: API_KEY_SECURITY,
    parameters: [userParam],
    responses: { 200: jsonResponse("The dumps.", dataDumpListSchema), ...errorResponses(401, 403) },
  }),
  requireApiKey(),
  (c) => {
    currentUser(c);
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: DUMP_TYPES.map((t) => dump(c, t)), total: DUMP_TYPES.length, total_pages: 1 });
  },
);

dataDumpRoutes.post(
  "/users/:user/data_dumps",
  describeRoute({
    tags: ["WakaTime v1"],
    summary: "Request an export dump",
    description: `Answers the completed dump of the type. ${NOTE} Any key, read-only included (nothing is written).`,
    security: API_KEY_SECURITY,
    parameters: [userParam],
    requestBody: { required: true, content: { "application/json": { schema: resolver(newDumpSchema) } } },
    responses: { 201: jsonResponse("The dump, ready.", z.object({ data: dataDumpSchema })), ...errorResponses(400, 401, 403, 413) },
  }),
  requireApiKey(),
  async (c) => {
    currentUser(c);
    const parsed = newDumpSchema.safeParse(await readSmallJson(c));
    if (!parsed.success) throw new ApiError(400, `type: one of ${DUMP_TYPES.join(", ")}`);
    return c.json({ data: dump(c, parsed.data.type) }, 201);
  },
);

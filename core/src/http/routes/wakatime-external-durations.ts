/**
 * WakaTime's `users/current/external_durations`: create one, create in bulk, list a local day's,
 * delete one. Rules (identity, bounds, how they count): external/external-durations.ts.
 */
import { Hono } from "hono";
import { describeRoute, resolver } from "hono-openapi";
import { z } from "zod";
import type { AppContext, AppEnv } from "../context.ts";
import { requireApiKey } from "../auth.ts";
import { ApiError, jsonError } from "../errors.ts";
import { HEARTBEAT_BODY_BYTES, SMALL_BODY_BYTES, readJsonBody } from "../body.ts";
import { errorResponses, jsonResponse, pathParameter, queryParameter } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { userParam } from "../openapi-wakatime.ts";
import { currentUser } from "./user-param.ts";
import { addDays, isDay, isValidTimeZone, startOfDay } from "../../time/zone.ts";
import {
  EXTERNAL_TYPES,
  MAX_EXTERNAL_BULK,
  MAX_EXTERNAL_META_LENGTH,
  MAX_EXTERNAL_PER_USER,
  parseExternalDuration,
  providerOf,
  type ExternalDuration,
  type ExternalDurationStore,
} from "../../external/external-durations.ts";

export const externalDurationRoutes = new Hono<AppEnv>();

export const externalDurationSchema = z
  .object({
    id: z.string(),
    external_id: z.string(),
    provider: z.string(),
    entity: z.string(),
    type: z.string(),
    category: z.string(),
    start_time: z.number(),
    end_time: z.number(),
    project: z.string().nullable(),
    branch: z.string().nullable(),
    language: z.string().nullable(),
    meta: z.string().nullable(),
    updated_at: z.string(),
  })
  .meta({ ref: "ExternalDuration" });
const inputSchema = z
  .object({
    external_id: z.string().min(1).max(255),
    provider: z.string().min(1).max(64).optional().meta({ description: "Default: the User-Agent's first product name, else `api`." }),
    entity: z.string().min(1).max(1024),
    type: z.enum(EXTERNAL_TYPES).optional().meta({ description: "Default `app`." }),
    category: z.string().optional().meta({ description: "One of WakaTime's categories; default `meeting`." }),
    start_time: z.number(),
    end_time: z.number().meta({ description: "After start_time, at most 24 h later, at most an hour ahead of the server clock." }),
    project: z.string().max(255).nullable().optional(),
    branch: z.string().max(255).nullable().optional(),
    language: z.string().max(255).nullable().optional(),
    meta: z.string().max(MAX_EXTERNAL_META_LENGTH).nullable().optional(),
  })
  .meta({ ref: "ExternalDurationInput" });
export const externalDurationListSchema = z
  .object({ data: z.array(externalDurationSchema), start: z.string(), end: z.string(), timezone: z.string() })
  .meta({ ref: "ExternalDurations" });
export const externalBulkSchema = z
  .object({ responses: z.array(z.tuple([z.union([z.object({ data: externalDurationSchema }), z.object({ error: z.string() })]), z.number().int()])) })
  .meta({ ref: "ExternalDurationsBulkResult", description: "Per item, in request order: [body, 201 created | 200 replaced | 400 invalid]." });

export function toWireExternal(d: ExternalDuration) {
  return {
    id: d.id,
    external_id: d.externalId,
    provider: d.provider,
    entity: d.entity,
    type: d.type,
    category: d.category,
    start_time: d.startTime,
    end_time: d.endTime,
    project: d.project,
    branch: d.branch,
    language: d.language,
    meta: d.meta,
    updated_at: d.updatedAt,
  };
}

function storeOf(c: AppContext): ExternalDurationStore {
  const store = c.var.ports.externalDurations;
  if (!store) throw new ApiError(501, "External durations are not available on this platform");
  return store;
}

const TOO_MANY = `At most ${MAX_EXTERNAL_PER_USER} external durations per user: delete some first`;
const COUNTED = "They count in summaries, stats, the status bar, the dashboard, goals and insights, split at the user's midnights, with the provider as editor.";
const IDENTITY = "The same (provider, external_id) again replaces the stored one.";

externalDurationRoutes.post(
  "/users/:user/external_durations",
  describeRoute({
    tags: ["WakaTime v1"],
    summary: "Add an external duration",
    description: `Time another tool reports (a meeting, an app). ${IDENTITY} ${COUNTED}`,
    security: API_KEY_SECURITY,
    parameters: [userParam],
    requestBody: { required: true, content: { "application/json": { schema: resolver(inputSchema) } } },
    responses: {
      201: jsonResponse("Stored.", z.object({ data: externalDurationSchema })),
      200: jsonResponse("Replaced the one with the same provider and external_id.", z.object({ data: externalDurationSchema })),
      ...errorResponses(400, 401, 403, 409, 413),
    },
  }),
  requireApiKey("full"),
  async (c) => {
    const user = currentUser(c);
    const store = storeOf(c);
    const body = await readJsonBody(c, { limit: SMALL_BODY_BYTES, required: "Body required: a JSON object" });
    const parsed = await parseExternalDuration(body, providerOf(c.req.header("user-agent")), c.var.ports.now());
    if (typeof parsed === "string") return jsonError(c, 400, parsed);
    const outcomes = await store.put(user, [parsed]);
    if (!outcomes) return jsonError(c, 409, TOO_MANY);
    return c.json({ data: toWireExternal(parsed) }, outcomes[0] === "created" ? 201 : 200);
  },
);

externalDurationRoutes.post(
  "/users/:user/external_durations.bulk",
  describeRoute({
    tags: ["WakaTime v1"],
    summary: "Add external durations in bulk",
    description: `Up to ${MAX_EXTERNAL_BULK}; a result per item, in order; invalid items do not fail the others. ${IDENTITY} ${COUNTED}`,
    security: API_KEY_SECURITY,
    parameters: [userParam],
    requestBody: { required: true, content: { "application/json": { schema: resolver(z.array(inputSchema).max(MAX_EXTERNAL_BULK)) } } },
    responses: { 201: jsonResponse("Per-item results.", externalBulkSchema), ...errorResponses(400, 401, 403, 409, 413) },
  }),
  requireApiKey("full"),
  async (c) => {
    const user = currentUser(c);
    const store = storeOf(c);
    const body = await readJsonBody(c, { limit: HEARTBEAT_BODY_BYTES, required: "Body required: a JSON array" });
    if (!Array.isArray(body)) return jsonError(c, 400, "Body must be a JSON array");
    if (body.length > MAX_EXTERNAL_BULK) return jsonError(c, 400, `At most ${MAX_EXTERNAL_BULK} external durations per request`);
    const provider = providerOf(c.req.header("user-agent"));
    const now = c.var.ports.now();
    const parsed = await Promise.all(body.map((item) => parseExternalDuration(item, provider, now)));
    // A pair repeated inside one request is stored once, as its last occurrence.
    const last = new Map<string, ExternalDuration>();
    for (const p of parsed) if (typeof p !== "string") last.set(p.id, p);
    const valid = [...last.values()];
    const outcomes = valid.length ? await store.put(user, valid) : [];
    if (!outcomes) return jsonError(c, 409, TOO_MANY);
    const outcomeOf = new Map(valid.map((d, i) => [d.id, outcomes[i]!]));
    return c.json(
      {
        responses: parsed.map((p) => (typeof p === "string" ? [{ error: p }, 400] : [{ data: toWireExternal(p) }, outcomeOf.get(p.id) === "created" ? 201 : 200])),
      },
      201,
    );
  },
);

externalDurationRoutes.get(
  "/users/:user/external_durations",
  describeRoute({
    tags: ["WakaTime v1"],
    summary: "A day's external durations",
    description: "Those overlapping the local day (the user's zone, or `timezone`), by start time.",
    security: API_KEY_SECURITY,
    parameters: [
      userParam,
      queryParameter("date", "The local day, YYYY-MM-DD.", { type: "string", format: "date" }, true),
      queryParameter("project", "Only this project."),
      queryParameter("timezone", "IANA time zone to cut the day in, instead of the user's."),
    ],
    responses: { 200: jsonResponse("The day's external durations.", externalDurationListSchema), ...errorResponses(400, 401, 403) },
  }),
  requireApiKey(),
  async (c) => {
    const user = currentUser(c);
    const date = c.req.query("date");
    if (!date || !isDay(date.slice(0, 10))) return jsonError(c, 400, "date: required, as YYYY-MM-DD");
    const day = date.slice(0, 10);
    const zone = c.req.query("timezone") || user.timeZone;
    if (!isValidTimeZone(zone)) return jsonError(c, 400, "timezone: not a known IANA time zone");
    const from = startOfDay(day, zone);
    const to = startOfDay(addDays(day, 1), zone);
    const project = c.req.query("project");
    const found = (await storeOf(c).between(user, from, to)).filter((d) => project === undefined || d.project === project);
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: found.map(toWireExternal), start: new Date(from * 1000).toISOString(), end: new Date((to - 1) * 1000).toISOString(), timezone: zone });
  },
);

externalDurationRoutes.delete(
  "/users/:user/external_durations/:id",
  describeRoute({
    tags: ["WakaTime v1"],
    summary: "Delete an external duration",
    description: "By its id (from the list or the create answer). 404 for an unknown id or another user's.",
    security: API_KEY_SECURITY,
    parameters: [userParam, pathParameter("id", "The external duration's id.")],
    responses: { 204: { description: "Deleted." }, ...errorResponses(401, 403, 404) },
  }),
  requireApiKey("full"),
  async (c) => {
    const user = currentUser(c);
    const id = c.req.param("id");
    if (!/^[0-9a-f]{32}$/.test(id) || !(await storeOf(c).delete(user, id))) return jsonError(c, 404, "No such external duration");
    return c.body(null, 204);
  },
);

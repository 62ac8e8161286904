/**
 * Response schemas of the WakaTime v1-compatible routes, for the OpenAPI document. They mirror
 * the builders in wakatime/v1/ (the worker's OpenAPI test checks real responses against them).
 */
import { z } from "zod";
import { wireHeartbeatSchema } from "../heartbeat/index.ts";
import { resolver, type DescribeRouteOptions } from "hono-openapi";
import { API_KEY_SECURITY } from "./openapi.ts";
import { errorResponses, jsonResponse, pathParameter, queryParameter } from "./openapi-schemas.ts";
import { NAMED_RANGES } from "../time/ranges.ts";
import { SLICE_BY } from "../wakatime/v1/durations.ts";

const nullableString = z.string().nullable();
const nullableInt = z.number().int().nullable();

export const durationTextSchema = z
  .object({
    total_seconds: z.number(),
    digital: z.string().meta({ example: "2:05" }),
    decimal: z.string().meta({ example: "2.08" }),
    text: z.string().meta({ example: "2 hrs 5 mins" }),
    hours: z.number().int(),
    minutes: z.number().int(),
    seconds: z.number().int(),
  })
  .meta({ ref: "DurationText" });

export const summaryItemSchema = durationTextSchema
  .extend({ name: z.string(), percent: z.number() })
  .meta({ ref: "SummaryItem", description: "Time in one project/language/editor/...; largest first." });

const dimensionLists = {
  projects: z.array(summaryItemSchema),
  languages: z.array(summaryItemSchema),
  editors: z.array(summaryItemSchema),
  operating_systems: z.array(summaryItemSchema),
  machines: z.array(summaryItemSchema),
  categories: z.array(summaryItemSchema),
};

export const heartbeatSchema = z
  .object({
    id: z.string().optional().meta({ description: "Dedupe key of the heartbeat." }),
    user_id: z.string().optional(),
    entity: z.string(),
    type: z.string(),
    category: z.string(),
    time: z.number().meta({ description: "Epoch seconds." }),
    project: nullableString,
    project_root_count: nullableInt,
    branch: nullableString,
    language: nullableString,
    dependencies: z.array(z.string()),
    lines: nullableInt,
    lineno: nullableInt,
    cursorpos: nullableInt,
    line_additions: nullableInt,
    line_deletions: nullableInt,
    ai_line_changes: nullableInt,
    human_line_changes: nullableInt,
    is_write: z.boolean(),
    editor: nullableString,
    operating_system: nullableString,
    machine_name_id: nullableString,
    user_agent_id: nullableString,
    created_at: z.string().optional(),
  })
  .meta({ ref: "Heartbeat" });

export const heartbeatInputSchema = wireHeartbeatSchema.meta({
  ref: "HeartbeatInput",
  description: "One heartbeat as plugins send it (unknown fields are ignored; numbers may be numeric strings).",
});

export const heartbeatBodySchema = z.union([heartbeatInputSchema, z.array(heartbeatInputSchema).max(1000)]);

export const heartbeatCreatedSchema = z.object({ data: heartbeatSchema });

/** What a batch answers per stored item: the heartbeat's identity, not all of it. */
export const heartbeatBriefSchema = z
  .object({
    entity: z.string(),
    type: z.string(),
    category: z.string(),
    time: z.number(),
    is_write: z.boolean(),
    project: nullableString,
    branch: nullableString,
    language: nullableString,
    machine_name_id: nullableString,
    user_agent_id: nullableString,
  })
  .meta({ ref: "HeartbeatBrief" });

export const bulkResultSchema = z
  .object({
    responses: z.array(
      z.tuple([z.union([z.object({ data: heartbeatBriefSchema }), z.object({ error: z.string() })]), z.number().int()]),
    ),
  })
  .meta({ ref: "BulkResult", description: "Per item, in request order: [body, 201 created | 202 duplicate | 400 invalid]." });

export const heartbeatListSchema = z.object({
  data: z.array(heartbeatSchema),
  start: z.string(),
  end: z.string(),
  timezone: z.string(),
  page: z.number().int(),
  per_page: z.number().int(),
  total: z.number().int().meta({ description: "Heartbeats on the day (counted when page 1 was read)." }),
  total_pages: z.number().int(),
  prev_page: z.number().int().nullable(),
  next_page: z.number().int().nullable(),
  next_cursor: z.string().nullable().meta({ description: "Pass as `cursor` (with `page` = next_page, or alone) to read the next page; null on the last." }),
});

const dayRangeSchema = z.object({ date: z.string(), start: z.string(), end: z.string(), text: z.string(), timezone: z.string() });

const daySummarySchema = z.object({
  grand_total: durationTextSchema,
  ...dimensionLists,
  branches: z.array(summaryItemSchema).optional(),
  dependencies: z.array(z.unknown()),
  range: dayRangeSchema,
});

export const statusBarSchema = z.object({ cached_at: z.string(), data: daySummarySchema, has_team_features: z.boolean() });

export const summariesSchema = z.object({
  data: z.array(daySummarySchema),
  cumulative_total: z.object({ seconds: z.number(), text: z.string(), digital: z.string(), decimal: z.string() }),
  daily_average: z.object({
    holidays: z.number().int(),
    days_including_holidays: z.number().int(),
    days_minus_holidays: z.number().int(),
    seconds: z.number(),
    text: z.string(),
    seconds_including_other_language: z.number(),
    text_including_other_language: z.string(),
  }),
  start: z.string(),
  end: z.string(),
});

/** `rangeFigures` (wakatime/v1/summaries.ts): totals, averages and the best day of a stats answer. */
const rangeFiguresShape = {
  holidays: z.number().int(),
  days_including_holidays: z.number().int(),
  days_minus_holidays: z.number().int(),
  total_seconds: z.number(),
  total_seconds_including_other_language: z.number(),
  human_readable_total: z.string(),
  human_readable_total_including_other_language: z.string(),
  daily_average: z.number(),
  daily_average_including_other_language: z.number(),
  human_readable_daily_average: z.string(),
  human_readable_daily_average_including_other_language: z.string(),
  best_day: z.object({ date: z.string(), total_seconds: z.number(), text: z.string() }).nullable(),
};

export const statsSchema = z.object({
  data: z.object({
    id: z.string(),
    user_id: z.string(),
    username: z.string(),
    range: z.string(),
    human_readable_range: z.string(),
    start: z.string(),
    end: z.string(),
    timezone: z.string(),
    timeout: z.number().int(),
    writes_only: z.boolean(),
    ...rangeFiguresShape,
    ...dimensionLists,
    branches: z.array(summaryItemSchema),
    dependencies: z.array(z.unknown()),
    is_up_to_date: z.boolean(),
    is_up_to_date_pending_future: z.boolean(),
    is_stuck: z.boolean(),
    is_already_updating: z.boolean(),
    percent_calculated: z.number(),
    status: z.string(),
    is_coding_activity_visible: z.boolean(),
    is_other_usage_visible: z.boolean(),
  }),
});

export const allTimeSchema = z.object({
  data: z.object({
    total_seconds: z.number(),
    text: z.string(),
    decimal: z.string(),
    digital: z.string(),
    daily_average: z.number(),
    is_up_to_date: z.boolean(),
    percent_calculated: z.number(),
    range: z.object({
      start: z.string(),
      start_date: z.string(),
      start_text: z.string(),
      end: z.string(),
      end_date: z.string(),
      end_text: z.string(),
      timezone: z.string(),
    }),
    timeout: z.number().int(),
  }),
});

export const durationsSchema = z.object({
  data: z.array(
    z
      .object({ time: z.number(), duration: z.number(), color: z.string().nullable() })
      .catchall(z.union([z.string(), z.number(), z.null()]))
      .meta({ description: "A joined stretch of sessions; the sliced dimension is a key named after `slice_by` (default `project`)." }),
  ),
  branches: z.array(z.string()),
  start: z.string(),
  end: z.string(),
  timezone: z.string(),
  date: z.string(),
});

export const projectsSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      first_heartbeat_at: z.string(),
      last_heartbeat_at: z.string(),
      created_at: z.string(),
      badge: z.null(),
      color: z.null(),
      has_public_url: z.boolean(),
      human_readable_last_heartbeat_at: z.string(),
      urlencoded_name: z.string(),
    }),
  ),
});

export const userAgentsSchema = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      value: z.string(),
      editor: nullableString,
      os: nullableString,
      first_seen_at: z.string(),
      last_seen_at: z.string(),
      is_browser_extension: z.boolean(),
      is_desktop_app: z.boolean(),
    }),
  ),
});

export const machineNamesSchema = z.object({
  data: z.array(z.object({ id: z.string(), name: z.string(), value: z.string(), created_at: z.string(), last_seen_at: z.string() })),
});

export const currentUserSchema = z.object({
  data: z.object({
    id: z.string(),
    username: z.string(),
    display_name: z.string(),
    full_name: nullableString,
    email: nullableString,
    timezone: z.string(),
    timeout: z.number().int(),
    writes_only: z.boolean(),
    created_at: z.string(),
    modified_at: z.null(),
    photo: z.null(),
    is_email_public: z.boolean(),
    has_premium_features: z.boolean(),
    plan: z.string(),
  }),
});

/** `users/{username}/stats` as others see it (public-wakatime.ts): only what the user shares. */
export const publicWakaTimeStatsSchema = z.object({
  data: z.object({
    id: z.string().meta({ description: "The username (internal ids are never shown to others)." }),
    user_id: z.string(),
    username: z.string(),
    display_name: z.string(),
    range: z.string(),
    human_readable_range: z.string(),
    start: z.string(),
    end: z.string(),
    timezone: z.string(),
    is_limited_by_history: z.boolean(),
    ...rangeFiguresShape,
    projects: z.array(summaryItemSchema).optional().meta({ description: "Absent when hidden; names are \"Project N\" when aliased." }),
    languages: z.array(summaryItemSchema).optional(),
    editors: z.array(summaryItemSchema).optional(),
    operating_systems: z.array(summaryItemSchema).optional(),
    machines: z.array(summaryItemSchema).optional(),
    is_up_to_date: z.boolean(),
    is_including_today: z.boolean(),
    percent_calculated: z.number(),
    status: z.string(),
    is_coding_activity_visible: z.literal(true),
    is_other_usage_visible: z.boolean(),
  }),
}).meta({ ref: "PublicWakaTimeStats" });

/** The one answer for unknown and private users: nothing but the URL's own words. */
export const notPublicWakaTimeStatsSchema = z.object({
  data: z.object({
    range: z.string(),
    is_up_to_date: z.boolean(),
    percent_calculated: z.number(),
    status: z.string(),
    is_coding_activity_visible: z.literal(false),
    is_other_usage_visible: z.literal(false),
  }),
}).meta({ ref: "NotPublicWakaTimeStats" });

/** `users/{username}` as others see it. */
export const publicWakaTimeUserSchema = z.object({
  data: z.object({
    id: z.string(),
    username: z.string(),
    display_name: z.string(),
    full_name: nullableString,
    photo: z.null(),
    photo_public: z.boolean(),
    is_email_public: z.boolean(),
    email: z.null(),
    timezone: z.string(),
    profile_url: z.string(),
    is_coding_activity_visible: z.boolean(),
    is_other_usage_visible: z.boolean(),
  }),
}).meta({ ref: "PublicWakaTimeUser" });

// ---- route descriptions (used by describeRoute in routes/heartbeats.ts, summaries.ts, meta.ts) ----


const TAGS = ["WakaTime v1"];
export const userParam = pathParameter("user", "`current`, or the key owner's own id or username (other users: 403).");
const timezoneParam = queryParameter("timezone", "IANA time zone to cut days in, instead of the user's.");
const projectParam = queryParameter("project", "Only this project.");
const branchesParam = queryParameter("branches", "Only these branches, comma-separated.");
const dateParam = queryParameter("date", "The local day, YYYY-MM-DD.", { type: "string", format: "date" }, true);
export const rangeSchema = {
  anyOf: [
    { type: "string" as const, enum: [...NAMED_RANGES] },
    { type: "string" as const, pattern: "^\\d{4}(-\\d{2})?$" },
  ],
};

/** A `users/{user}` read that also answers others' public data (public-wakatime.ts): the key is optional. */
function ownerOrPublicRead(
  summary: string,
  description: string,
  parameters: DescribeRouteOptions["parameters"],
  own: z.ZodType,
  others: z.ZodType,
): DescribeRouteOptions {
  const base = read(summary, description, parameters, own);
  return {
    ...base,
    security: [...API_KEY_SECURITY, {}],
    parameters: [pathParameter("user", "`current`, the caller's own id or username, or another username (`alice` or `@alice`) for their public data."), ...(parameters ?? [])],
    responses: { 200: jsonResponse("OK: the owner's data, or another user's public data", z.union([own, others])), ...errorResponses(400, 401, 403, 404) },
  };
}

function read(summary: string, description: string, parameters: DescribeRouteOptions["parameters"], ok: z.ZodType): DescribeRouteOptions {
  return {
    tags: TAGS,
    summary,
    description,
    security: API_KEY_SECURITY,
    parameters: [userParam, ...(parameters ?? [])],
    responses: { 200: jsonResponse("OK", ok), ...errorResponses(400, 401, 403) },
  };
}

export const WAKATIME_DOCS = {
  postHeartbeats: {
    tags: TAGS,
    summary: "Send heartbeats (one, or an array)",
    description:
      "One heartbeat answers 201 (stored), 202 (duplicate, not stored again) or 400 with the reason. " +
      "An array answers 201 with a result per item, as `heartbeats.bulk` does. Editor and OS come from `User-Agent`, the machine from `X-Machine-Name`.",
    security: API_KEY_SECURITY,
    parameters: [userParam],
    requestBody: { required: true, content: { "application/json": { schema: resolver(heartbeatBodySchema) } } },
    responses: {
      201: {
        description: "Stored (one heartbeat: its record; an array: per-item results).",
        content: { "application/json": { schema: resolver(z.union([heartbeatCreatedSchema, bulkResultSchema])) } },
      },
      202: jsonResponse("A duplicate of a stored heartbeat; not stored again.", heartbeatCreatedSchema),
      ...errorResponses(400, 401, 403, 413),
    },
  },
  postHeartbeatsBulk: {
    tags: TAGS,
    summary: "Send a batch of heartbeats",
    description: "Up to 1000 heartbeats; the answer has a result per item, in order. Invalid items do not fail the others.",
    security: API_KEY_SECURITY,
    parameters: [userParam],
    requestBody: { required: true, content: { "application/json": { schema: resolver(z.array(heartbeatInputSchema).max(1000)) } } },
    responses: { 201: jsonResponse("Per-item results.", bulkResultSchema), ...errorResponses(400, 401, 403, 413) },
  },
  getHeartbeats: read(
    "A day's heartbeats",
    "The raw heartbeats of one local day, in time order, a page at a time: at most 5000 heartbeats and 8 MiB of " +
      "stored text per page. Page 1 needs only `date`; each answer's `next_cursor` opens the next page " +
      "(keyset paging: a page number alone past 1 is refused with 400).",
    [
      dateParam,
      queryParameter("page", "Page number, from 1; past 1 only with its cursor.", { type: "integer", minimum: 1 }),
      queryParameter("cursor", "The previous page's `next_cursor`.", { type: "string" }),
      queryParameter("per_page", "Heartbeats per page, 1 to 5000 (default 5000).", { type: "integer", minimum: 1, maximum: 5000 }),
    ],
    heartbeatListSchema,
  ),
  deleteHeartbeatsBulk: {
    tags: TAGS,
    summary: "Delete heartbeats of a day by id",
    description:
      'WakaTime\'s bulk delete: body `{"date": "YYYY-MM-DD", "ids": ["<id>", ...]}` (at most 1000 ids, as GET heartbeats gives them). ' +
      "The day is recomputed. Full-access key.",
    security: API_KEY_SECURITY,
    parameters: [userParam],
    requestBody: { required: true, content: { "application/json": { schema: { type: "object", required: ["date", "ids"], properties: { date: { type: "string", format: "date" }, ids: { type: "array", items: { type: "string" } } } } } } },
    responses: { 200: jsonResponse("Deleted.", z.object({ data: z.object({ deleted: z.number().int() }) })), ...errorResponses(400, 401, 403) },
  } satisfies DescribeRouteOptions,
  statusBar: read("Today, for status bars", "Today's total and per-dimension lists in the user's zone.", [], statusBarSchema),
  summaries: read(
    "Daily summaries over a range",
    "One entry per day from `start` to `end` (inclusive), or over a named `range`.",
    [
      queryParameter("start", "First day, YYYY-MM-DD (with end)."),
      queryParameter("end", "Last day, YYYY-MM-DD (with start)."),
      queryParameter("range", "A named range instead of start/end.", rangeSchema),
      projectParam,
      branchesParam,
      timezoneParam,
    ],
    summariesSchema,
  ),
  stats: ownerOrPublicRead(
    "Stats over a range",
    "Totals, averages and per-dimension lists over the range (default `last_7_days` when the path has none). " +
      "`current` or the caller's own username/id: everything. Another username (`alice` or `@alice`), with or without a key, as readme " +
      "cards ask (`?is_including_today=true`; Kodo's ranges always include today): what that user shares publicly (hidden lists absent, " +
      "aliased projects renamed, history cut to the shared window), cached up to 5 minutes and purged at once on sharing changes; " +
      "unknown and private users both get the same `is_coding_activity_visible: false` answer.",
    [
      { ...pathParameter("range", "Named range, year or month."), schema: rangeSchema },
      timezoneParam,
      queryParameter("is_including_today", "Accepted for readme cards; Kodo's ranges always include today."),
    ],
    statsSchema,
    z.union([publicWakaTimeStatsSchema, notPublicWakaTimeStatsSchema]),
  ),
  allTime: read("Total since the first heartbeat", "All-time total, optionally for one project.", [projectParam], allTimeSchema),
  durations: read(
    "A day's durations",
    "The day's sessions, joined where consecutive ones touch and share the sliced dimension.",
    [
      dateParam,
      queryParameter("slice_by", "Dimension to join by (default project).", { type: "string", enum: Object.keys(SLICE_BY) }),
      projectParam,
      branchesParam,
      timezoneParam,
    ],
    durationsSchema,
  ),
  user: ownerOrPublicRead(
    "A user",
    "`current` or the caller's own username/id: the key owner's account. Another username (`alice` or `@alice`), with or without a key: " +
      "that user's public profile fields, or 404 `Not found.` alike for unknown and private users.",
    [],
    currentUserSchema,
    publicWakaTimeUserSchema,
  ),
  projects: read("Projects", "Projects seen, most recent first.", [queryParameter("q", "Only names containing this (case-insensitive).")], projectsSchema),
  userAgents: read("User agents", "Plugins/editors seen, most recent first.", [], userAgentsSchema),
  machineNames: read("Machines", "Machine names seen, most recent first.", [], machineNamesSchema),
} satisfies Record<string, DescribeRouteOptions>;

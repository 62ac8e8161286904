/**
 * `GET users/current/insights/{insight_type}/{range}`: WakaTime's insights over a named range,
 * a year or a month (builders and rules: wakatime/v1/insights.ts). Types Kodo's stored data
 * cannot answer get a 422 naming why; unknown types a 400 listing the supported ones.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { requireApiKey } from "../auth.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { rangeSchema, userParam } from "../openapi-wakatime.ts";
import { currentUser } from "./user-param.ts";
import { isAllTimeName, resolveRange } from "../../time/ranges.ts";
import { dayOf } from "../../time/zone.ts";
import { DIMENSION_INSIGHTS, INSIGHT_TYPES, insightResponse, UNSUPPORTED_INSIGHTS, type InsightType } from "../../wakatime/v1/insights.ts";

export const insightRoutes = new Hono<AppEnv>();

const text = z.string();
const named = z.array(z.object({ name: z.string(), total_seconds: z.number() }));
const perCategory = z.object({ name: z.string(), total: z.number(), human_readable_total: text, average: z.number(), human_readable_average: text });
export const insightSchema = z
  .object({
    data: z.object({
      weekdays: z.array(perCategory.extend({ count: z.number().int(), categories: z.array(perCategory) })).optional(),
      days: z.array(z.object({ date: z.string(), total: z.number(), categories: z.array(z.object({ name: z.string(), total: z.number() })) })).optional(),
      best_day: z.object({ date: z.string(), total_seconds: z.number(), text }).nullable().optional(),
      current_user: z.object({ total: z.object({ seconds: z.number(), text }), daily_average: z.object({ seconds: z.number(), text }) }).optional(),
      days_including_holidays: z.number().int().optional(),
      days_minus_holidays: z.number().int().optional(),
      holidays: z.number().int().optional(),
      ...Object.fromEntries(Object.keys(DIMENSION_INSIGHTS).map((k) => [k, named.optional()])),
      range: z.string(),
      human_readable_range: z.string(),
      start: z.string(),
      end: z.string(),
      timezone: z.string(),
      timeout: z.number().int(),
      writes_only: z.boolean(),
      user_id: z.string(),
      is_including_today: z.boolean(),
      status: z.string(),
      is_up_to_date: z.boolean(),
      is_up_to_date_pending_future: z.boolean(),
      is_stuck: z.boolean(),
      is_already_updating: z.boolean(),
      percent_calculated: z.number(),
    }),
  })
  .meta({ ref: "WakaTimeInsight", description: "One insight: the field named by the type, plus the range fields." });

const isInsightType = (t: string): t is InsightType => (INSIGHT_TYPES as readonly string[]).includes(t);

insightRoutes.get(
  "/users/:user/insights/:insight_type/:range",
  describeRoute({
    tags: ["WakaTime v1"],
    summary: "Insights over a range",
    description:
      "`weekdays` (time per weekday: total, count of that weekday in the range, average, per category), `days` (every day's total and categories), " +
      "`best_day`, `daily_average` (over days with time; no `all_users` figures: Kodo publishes no other user's data), and time per " +
      "`languages`, `projects`, `editors`, `operating_systems`, `machines`, `categories`. " +
      `Not served (422, with the reason): ${Object.keys(UNSUPPORTED_INSIGHTS).join(", ")}. Ranges: named ranges, a year (2026) or a month (2026-09).`,
    security: API_KEY_SECURITY,
    parameters: [
      userParam,
      pathParameter("insight_type", "The insight.", { type: "string", enum: [...INSIGHT_TYPES] }),
      { ...pathParameter("range", "Named range, year or month."), schema: rangeSchema },
    ],
    responses: {
      200: jsonResponse("The insight.", insightSchema),
      ...errorResponses(400, 401, 403),
      422: jsonResponse("A WakaTime insight type Kodo's stored data cannot answer; the message says why.", z.object({ error: z.string() })),
    },
  }),
  requireApiKey(),
  async (c) => {
    const user = currentUser(c);
    const type = c.req.param("insight_type");
    if (Object.hasOwn(UNSUPPORTED_INSIGHTS, type)) throw new ApiError(422, `insight_type: ${type} is not served: ${UNSUPPORTED_INSIGHTS[type]}`);
    if (!isInsightType(type)) throw new ApiError(400, `insight_type: one of ${INSIGHT_TYPES.join(", ")}`);
    const name = c.req.param("range");
    const { ports } = c.var;
    const firstDay = isAllTimeName(name) ? await ports.activity.firstDay(user) : null;
    const range = resolveRange(name, ports.now(), user.timeZone, firstDay);
    if (!range) throw new ApiError(400, `range: unknown range "${name.slice(0, 40)}"`);
    const days = await ports.activity.days(user, range.start, range.end, { branches: false });
    c.header("Cache-Control", "private, no-store");
    return c.json(
      insightResponse(type, days, range, { userId: user.id, timeZone: user.timeZone, keystrokeTimeoutMinutes: user.keystrokeTimeoutMinutes, today: dayOf(ports.now(), user.timeZone) }),
    );
  },
);

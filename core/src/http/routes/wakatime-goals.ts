/**
 * WakaTime's goals API over Kodo's goals (routes/goals.ts, rules in social/goals.ts and the
 * WakaTime shape in wakatime/v1/goals.ts): `GET users/current/goals` and `goals/{goal}`.
 * Goals are made and removed through Kodo's `/api/kodo/goals` (WakaTime has no write API).
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { requireApiKey } from "../auth.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { userParam } from "../openapi-wakatime.ts";
import { currentUser } from "./user-param.ts";
import { socialOf } from "./leaderboard-data.ts";
import { goalSecondsByDay } from "./goals.ts";
import { GOAL_CHART_PERIODS, wakaGoal } from "../../wakatime/v1/goals.ts";

export const wakaGoalRoutes = new Hono<AppEnv>();

const status = z.enum(["success", "fail", "pending"]);
export const wakaGoalSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    custom_title: z.string().nullable(),
    type: z.literal("coding"),
    delta: z.enum(["day", "week"]),
    seconds: z.number().int(),
    status,
    status_percent_calculated: z.number().int().min(0).max(100),
    average_status: z.enum(["success", "fail"]),
    cumulative_status: z.enum(["success", "fail"]),
    range_text: z.string(),
    chart_data: z.array(
      z.object({
        actual_seconds: z.number(),
        actual_seconds_text: z.string(),
        goal_seconds: z.number().int(),
        goal_seconds_text: z.string(),
        range: z.object({ date: z.string().optional().meta({ description: "Day goals only." }), start: z.string(), end: z.string(), text: z.string(), timezone: z.string() }),
        range_status: status,
        range_status_reason: z.string(),
      }),
    ).meta({ description: `The last ${GOAL_CHART_PERIODS} days or weeks, oldest first; the current one last.` }),
    projects: z.array(z.string()),
    languages: z.array(z.string()),
    editors: z.array(z.string()),
    categories: z.array(z.string()),
    ignore_days: z.array(z.string()),
    ignore_zero_days: z.boolean(),
    improve_by_percent: z.null(),
    is_enabled: z.boolean(),
    is_inverse: z.boolean(),
    is_snoozed: z.boolean(),
    snooze_until: z.null(),
    is_tweeting: z.boolean(),
    is_current_user_owner: z.boolean(),
    owner: z.object({ id: z.string(), username: z.string(), display_name: z.string().nullable(), full_name: z.string().nullable(), photo: z.null() }),
    shared_with: z.array(z.never()),
    subscribers: z.array(z.never()),
    created_at: z.string(),
    modified_at: z.string(),
  })
  .meta({ ref: "WakaTimeGoal" });
export const wakaGoalsSchema = z.object({ data: z.array(wakaGoalSchema), total: z.number().int(), total_pages: z.number().int() }).meta({ ref: "WakaTimeGoals" });
export const wakaGoalOneSchema = z.object({ data: wakaGoalSchema }).meta({ ref: "WakaTimeGoalOne" });

const DESCRIPTION =
  "Kodo's goals (made with POST /api/kodo/goals) in WakaTime's shape. `chart_data` has one entry per day or Monday-to-Sunday week " +
  `(the user's zone), the last ${GOAL_CHART_PERIODS}: \`success\` once the time reaches the goal, \`pending\` for the current period below it, \`fail\` for an earlier one.`;

wakaGoalRoutes.get(
  "/users/:user/goals",
  describeRoute({
    tags: ["WakaTime v1"],
    summary: "Goals with chart data",
    description: DESCRIPTION,
    security: API_KEY_SECURITY,
    parameters: [userParam],
    responses: { 200: jsonResponse("Every goal (one page).", wakaGoalsSchema), ...errorResponses(401, 403) },
  }),
  requireApiKey(),
  async (c) => {
    const user = currentUser(c);
    const goals = await socialOf(c.var.ports).listGoals(user.id);
    const { today, byGoal } = await goalSecondsByDay(c.var.ports, user, goals);
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: goals.map((g, i) => wakaGoal(g, byGoal[i]!, today, user.timeZone, user)), total: goals.length, total_pages: 1 });
  },
);

wakaGoalRoutes.get(
  "/users/:user/goals/:goal",
  describeRoute({
    tags: ["WakaTime v1"],
    summary: "One goal with chart data",
    description: `${DESCRIPTION} 404 for an unknown id or another user's goal.`,
    security: API_KEY_SECURITY,
    parameters: [userParam, pathParameter("goal", "The goal's id.")],
    responses: { 200: jsonResponse("The goal.", wakaGoalOneSchema), ...errorResponses(401, 403, 404) },
  }),
  requireApiKey(),
  async (c) => {
    const user = currentUser(c);
    const goal = (await socialOf(c.var.ports).listGoals(user.id)).find((g) => g.id === c.req.param("goal"));
    if (!goal) throw new ApiError(404, "No such goal");
    const { today, byGoal } = await goalSecondsByDay(c.var.ports, user, [goal]);
    c.header("Cache-Control", "private, no-store");
    return c.json({ data: wakaGoal(goal, byGoal[0]!, today, user.timeZone, user) });
  },
);

/**
 * `/api/kodo/goals`: daily/weekly time goals with progress and streaks (rules:
 * core/src/social/goals.ts). Progress reads the user's days like the dashboard (D1 roll-ups
 * plus the part not flushed yet, live), so it is current within seconds.
 */
import { Hono } from "hono";
import { describeRoute, resolver } from "hono-openapi";
import { z } from "zod";
import type { AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { readRequiredJson } from "../body.ts";
import { requireApiKey } from "../auth.ts";
import { dashboardAuth } from "./dashboard-auth.ts";
import { socialOf } from "./leaderboard-data.ts";
import { goalHistoryStart, goalStatus, MAX_GOAL_SECONDS, MAX_GOALS_PER_USER, parseNewGoal, type Goal } from "../../social/goals.ts";
import type { Ports, User } from "../../ports.ts";
import { dayOf } from "../../time/zone.ts";
import { filterDays } from "../../sessions/filter.ts";
import { MAX_STRING_LENGTH } from "../../heartbeat/index.ts";

export const goalRoutes = new Hono<AppEnv>();

const AUTH = "Authenticated by the sign-in cookie (writes need X-CSRF-Token) or an API key (writes: a full-access key).";

const newGoalSchema = z.object({
  period: z.enum(["day", "week"]),
  seconds: z.number().int().min(60).max(MAX_GOAL_SECONDS),
  project: z.string().min(1).max(MAX_STRING_LENGTH).nullable().optional(),
  language: z.string().min(1).max(MAX_STRING_LENGTH).nullable().optional(),
});
export const goalViewSchema = z
  .object({
    id: z.string(),
    period: z.enum(["day", "week"]),
    seconds: z.number(),
    project: z.string().nullable(),
    language: z.string().nullable(),
    progress: z.object({ seconds: z.number(), percent: z.number(), met: z.boolean() }),
    streak: z.number().meta({ description: "Consecutive met days/weeks up to now (an unfinished period does not break it)." }),
  })
  .meta({ ref: "Goal" });

/**
 * Each goal's seconds per local day over its history (goalHistoryStart to today), counting only
 * its project and/or language: the one read behind goal progress, streaks and WakaTime's charts.
 */
export async function goalSecondsByDay(ports: Ports, user: User, goals: Goal[]): Promise<{ today: string; byGoal: Map<string, number>[] }> {
  const today = dayOf(ports.now(), user.timeZone);
  if (goals.length === 0) return { today, byGoal: [] };
  const start = goals.map((g) => goalHistoryStart(g.period, today)).reduce((a, b) => (a < b ? a : b));
  const filtered = goals.some((g) => g.project !== null || g.language !== null);
  const days = await ports.activity.days(user, start, today, { sessions: filtered });
  const byGoal = goals.map((g) => {
    const own = g.project !== null || g.language !== null ? filterDays(days, { ...(g.project !== null ? { project: g.project } : {}), ...(g.language !== null ? { language: g.language } : {}) }) : days;
    return new Map(own.map((d) => [d.day, d.totalSeconds]));
  });
  return { today, byGoal };
}

/** Every goal of the user with its progress and streak (also for the dashboard and status bar). */
export async function goalViews(ports: Ports, user: User, goals: Goal[]) {
  const { today, byGoal } = await goalSecondsByDay(ports, user, goals);
  return goals.map((g, i) => {
    const status = goalStatus(g, byGoal[i]!, today);
    return { id: g.id, period: g.period, seconds: g.seconds, project: g.project, language: g.language, progress: status.progress, streak: status.streak };
  });
}

goalRoutes.get(
  "/goals",
  describeRoute({
    tags: ["Social"],
    summary: "The caller's goals with progress and streaks",
    description: `Days and weeks (Monday to Sunday) in the user's time zone. ${AUTH}`,
    security: API_KEY_SECURITY,
    responses: { 200: jsonResponse("The goals.", z.array(goalViewSchema)), ...errorResponses(401) },
  }),
  dashboardAuth(),
  async (c) => {
    const user = c.var.auth.user;
    const goals = await socialOf(c.var.ports).listGoals(user.id);
    c.header("Cache-Control", "private, no-store");
    return c.json(await goalViews(c.var.ports, user, goals));
  },
);

goalRoutes.post(
  "/goals",
  describeRoute({
    tags: ["Social"],
    summary: "Add a goal",
    description: `At least \`seconds\` (60 to 604800) a day or week, optionally on one project and/or language. At most ${MAX_GOALS_PER_USER} goals (409 beyond). ${AUTH}`,
    security: API_KEY_SECURITY,
    requestBody: { required: true, content: { "application/json": { schema: resolver(newGoalSchema) } } },
    responses: { 201: jsonResponse("The goal with its progress.", goalViewSchema), ...errorResponses(400, 401, 403, 409) },
  }),
  requireApiKey("full"),
  async (c) => {
    const parsed = parseNewGoal(await readRequiredJson(c), MAX_STRING_LENGTH);
    if (typeof parsed === "string") throw new ApiError(400, parsed);
    const user = c.var.auth.user;
    const goal = await socialOf(c.var.ports).addGoal(user.id, parsed, MAX_GOALS_PER_USER);
    if (!goal) throw new ApiError(409, `At most ${MAX_GOALS_PER_USER} goals`);
    const [view] = await goalViews(c.var.ports, user, [goal]);
    return c.json(view, 201);
  },
);

goalRoutes.delete(
  "/goals/:id",
  describeRoute({
    tags: ["Social"],
    summary: "Delete a goal",
    description: `404 for an unknown id or another user's goal. ${AUTH}`,
    security: API_KEY_SECURITY,
    parameters: [pathParameter("id", "The goal's id.")],
    responses: { 204: { description: "Deleted." }, ...errorResponses(401, 403, 404) },
  }),
  requireApiKey("full"),
  async (c) => {
    const id = c.req.param("id");
    if (id.length > 64 || !(await socialOf(c.var.ports).deleteGoal(c.var.auth.user.id, id))) throw new ApiError(404, "No such goal");
    return c.body(null, 204);
  },
);

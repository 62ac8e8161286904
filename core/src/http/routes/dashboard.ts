/**
 * Kodo's dashboard reads, for the signed-in user (or an API key's owner):
 * - `GET /api/kodo/dashboard`: everything one dashboard view draws, in ONE response, so the
 *   site renders its first view from a single server-side fetch (no client waterfall);
 * - `GET /api/kodo/projects/{name}`: one project's page, with per-file time from the raw log.
 * Filters combine and are applied to sessions (core `filterDays`), so totals are exact.
 */
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { AppContext, AppEnv } from "../context.ts";
import { ApiError } from "../errors.ts";
import { errorResponses, jsonResponse, pathParameter, validated } from "../openapi-schemas.ts";
import { API_KEY_SECURITY } from "../openapi.ts";
import { dashboardAuth } from "./dashboard-auth.ts";
import { dashboardQuerySchema, dashboardViewSchema, projectQuerySchema, projectViewSchema, type ProjectQuery } from "./dashboard-schemas.ts";
import { customRange, isAllTimeName, resolveRange, type DayRange } from "../../time/ranges.ts";
import { dayOf, daysBetween } from "../../time/zone.ts";
import { isEmptyFilter } from "../../sessions/filter.ts";
import { buildDashboard, heatMapSpan, timelineDayFor, toSessionFilter } from "../../dashboard/build-dashboard.ts";
import { buildProject } from "../../dashboard/build-project.ts";
import type { DashboardFilter } from "../../dashboard/types.ts";
import type { User } from "../../ports.ts";
import type { DayActivity } from "../../types.ts";
import { MAX_STRING_LENGTH } from "../../heartbeat/index.ts";

export const dashboardRoutes = new Hono<AppEnv>();

/** Longest span one view may cover: "all time" of any real user. */
const MAX_RANGE_DAYS = 366 * 30;
const DEFAULT_RANGE = "last_7_days";

dashboardRoutes.get(
  "/dashboard",
  describeRoute({
    tags: ["Dashboard"],
    summary: "The signed-in user's dashboard view",
    description:
      "Totals per day stacked by project, shares by project, language, editor, OS, machine, branch and category, " +
      "hours of the day, the year heat map, streaks, the session timeline of one day and today so far, for a range " +
      "in the user's time zone. Filters combine and are computed from sessions. Authenticated by the sign-in cookie or an API key.",
    security: API_KEY_SECURITY,
    responses: { 200: jsonResponse("The dashboard view.", dashboardViewSchema), ...errorResponses(400, 401) },
  }),
  dashboardAuth(),
  validated("query", dashboardQuerySchema),
  async (c) => {
    const q = c.req.valid("query");
    const user = viewer(c);
    const { activity } = c.var.ports;
    const now = c.var.ports.now();
    const today = dayOf(now, user.timeZone);
    const filter = dashboardFilter({ ...q, project: q.project });
    const filtered = !isEmptyFilter(toSessionFilter(filter));
    // Only "all time" needs the first day before it can read; otherwise it comes alongside the
    // reads (started after the range is known to be valid, so a 400 leaves nothing pending).
    let firstDayRead: Promise<string | null>;
    let range: DayRange;
    if (isAllTime(q.range)) {
      firstDayRead = activity.firstDay(user);
      range = rangeOf(q, now, user.timeZone, await firstDayRead);
    } else {
      range = rangeOf(q, now, user.timeZone, null);
      firstDayRead = activity.firstDay(user);
    }
    const heat = heatMapSpan(today);
    const timelineDay = timelineDayFor(q.day, range, today);

    // Every read starts at once; the heat map and the timeline reuse the range's days when
    // the range covers them, so "last year" costs one read.
    const rangeRead = activity.days(user, range.start, range.end, { sessions: true });
    const covers = (start: string, end: string) => range.start <= start && range.end >= end;
    const heatRead = covers(heat.start, heat.end) ? rangeRead : activity.days(user, heat.start, heat.end, { sessions: filtered });
    const timelineRead = covers(timelineDay, timelineDay) ? rangeRead : activity.days(user, timelineDay, timelineDay, { sessions: true });
    const [rangeDays, heatMapDays, timelineDays, firstDay] = await Promise.all([rangeRead, heatRead, timelineRead, firstDayRead]);

    c.header("Cache-Control", "private, no-store");
    return c.json(
      buildDashboard({
        now,
        timeZone: user.timeZone,
        range,
        filter,
        rangeDays,
        heatMapDays,
        timelineDay,
        timelineDays: onlyDay(timelineDays, timelineDay),
        hasActivity: firstDay !== null,
      }),
    );
  },
);

dashboardRoutes.get(
  "/projects/:name",
  describeRoute({
    tags: ["Dashboard"],
    summary: "One project of the signed-in user",
    description:
      "The project's daily totals, languages, branches, editors, categories and files (per-file time from the raw " +
      "heartbeat log) over a range, with optional filters inside the project. Authenticated by the sign-in cookie or an API key.",
    security: API_KEY_SECURITY,
    parameters: [pathParameter("name", "The project's name (URL-encoded).")],
    responses: { 200: jsonResponse("The project view.", projectViewSchema), ...errorResponses(400, 401, 404) },
  }),
  dashboardAuth(),
  validated("query", projectQuerySchema),
  async (c) => {
    const q = c.req.valid("query");
    const project = c.req.param("name");
    if (project.length === 0 || project.length > MAX_STRING_LENGTH) throw new ApiError(400, `name: 1 to ${MAX_STRING_LENGTH} characters`);
    const user = viewer(c);
    const { activity } = c.var.ports;
    const now = c.var.ports.now();
    const seen = await activity.seen(user, "project");
    if (!seen.some((p) => p.value === project)) throw new ApiError(404, "No such project");
    const firstDay = isAllTime(q.range) ? await activity.firstDay(user) : null;
    const range = rangeOf(q, now, user.timeZone, firstDay);
    const filter = dashboardFilter(q);
    const sessionFilter = toSessionFilter({ ...filter, project });
    const [rangeDays, entities] = await Promise.all([
      activity.days(user, range.start, range.end, { sessions: true }),
      activity.entityTotals ? activity.entityTotals(user, range.start, range.end, sessionFilter) : Promise.resolve([]),
    ]);
    c.header("Cache-Control", "private, no-store");
    return c.json(buildProject({ now, timeZone: user.timeZone, project, range, filter, rangeDays, entities }));
  },
);

function viewer(c: AppContext): User {
  return c.var.auth.user;
}

function dashboardFilter(q: ProjectQuery & { project?: string | undefined }): DashboardFilter {
  const f: DashboardFilter = {};
  if (q.project !== undefined) f.project = q.project;
  if (q.language !== undefined) f.language = q.language;
  if (q.editor !== undefined) f.editor = q.editor;
  if (q.os !== undefined) f.operatingSystem = q.os;
  if (q.machine !== undefined) f.machine = q.machine;
  if (q.branch !== undefined) f.branch = q.branch;
  if (q.category !== undefined) f.category = q.category;
  return f;
}

/** A named range (default last 7 days) or custom dates; both at once is ambiguous. */
function rangeOf(q: ProjectQuery, now: number, timeZone: string, firstDay: string | null): DayRange {
  let range: DayRange | null;
  if (q.start !== undefined || q.end !== undefined) {
    if (q.range !== undefined) throw new ApiError(400, "Give either range or start and end, not both");
    if (q.start === undefined || q.end === undefined) throw new ApiError(400, "start and end: both required for a custom range");
    range = customRange(q.start, q.end);
    if (!range) throw new ApiError(400, "start and end: real dates, start not after end");
  } else {
    range = resolveRange(q.range ?? DEFAULT_RANGE, now, timeZone, firstDay);
    if (!range) throw new ApiError(400, `range: unknown range "${(q.range ?? "").slice(0, 40)}"`);
  }
  // "All time" is bounded by ALL_TIME_FIRST_DAY (time/ranges.ts), not by this cap.
  if (range.name !== "all_time" && daysBetween(range.start, range.end) > MAX_RANGE_DAYS) throw new ApiError(400, "Range too long: at most 30 years");
  return range;
}

/** "all_time" (or WakaTime's "All Time") starts at the user's first day, which must be read first. */
function isAllTime(name: string | undefined): boolean {
  return isAllTimeName(name);
}

function onlyDay(days: readonly DayActivity[], day: string): DayActivity[] {
  return days.filter((d) => d.day === day);
}

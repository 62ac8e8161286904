import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import { WAKATIME_DOCS } from "../openapi-wakatime.ts";
import type { AppEnv, AppContext } from "../context.ts";
import { requireApiKey } from "../auth.ts";
import { ApiError, jsonError } from "../errors.ts";
import { currentUser } from "./user-param.ts";
import { customRange, isAllTimeName, resolveRange, type DayRange } from "../../time/ranges.ts";
import { dayOf, isDay, isValidTimeZone, addDays, startOfDay } from "../../time/zone.ts";
import { filterDays, isEmptyFilter, type SessionFilter } from "../../sessions/filter.ts";
import { allTimeResponse, statsResponse, statusBarResponse, summariesResponse } from "../../wakatime/v1/summaries.ts";
import { durationsResponse, SLICE_BY } from "../../wakatime/v1/durations.ts";
import type { User } from "../../ports.ts";
import type { DayActivity } from "../../types.ts";
import { rezoneDays } from "../../sessions/rezone.ts";
import { rangeTotalsOf } from "../../sessions/rollup.ts";
import { goalViews } from "./goals.ts";
import { ownerOrPublic, publicWakaStats } from "./public-wakatime.ts";

/** Read routes over sessions and roll-ups: summaries, stats, status bar, durations. */
export const summaryRoutes = new Hono<AppEnv>();

/** Longest span one request may cover: enough for "all time" of any real user. */
const MAX_RANGE_DAYS = 366 * 30;

// wakatime-cli calls `statusbar/today`; WakaTime's documentation spells it `status_bar/today`.
summaryRoutes.get("/users/:user/statusbar/today", describeRoute(WAKATIME_DOCS.statusBar), requireApiKey(), (c) => statusBarToday(c));
summaryRoutes.get(
  "/users/:user/status_bar/today",
  describeRoute({ ...WAKATIME_DOCS.statusBar, summary: "Today, for status bars (WakaTime's documented spelling of statusbar/today)" }),
  requireApiKey(),
  (c) => statusBarToday(c),
);

async function statusBarToday(c: AppContext) {
  const user = currentUser(c);
  const today = dayOf(c.var.ports.now(), user.timeZone);
  const [day] = await c.var.ports.activity.days(user, today, today);
  const body = statusBarResponse(day, today, user.timeZone);
  // Goal progress (issue 9) as an extra `data.goals` field, which WakaTime clients ignore.
  const social = c.var.ports.social;
  const goals = social ? await goalViews(c.var.ports, user, await social.listGoals(user.id)) : [];
  return c.json({ ...body, data: { ...body.data, goals } });
}

summaryRoutes.get("/users/:user/summaries", describeRoute(WAKATIME_DOCS.summaries), requireApiKey(), async (c) => {
  const user = withTimeZone(currentUser(c), c.req.query("timezone"));
  const range = await rangeOf(c, user);
  const filter: SessionFilter = {
    project: c.req.query("project") ?? null,
    branches: splitList(c.req.query("branches")),
  };
  const includeBranches = filter.project != null;
  const days = filterDays(await readDays(c, user, range.start, range.end, !isEmptyFilter(filter), includeBranches), filter);
  return c.json(summariesResponse(days, range, user.timeZone, includeBranches));
});

summaryRoutes.get("/users/:user/stats/:range?", describeRoute(WAKATIME_DOCS.stats), ownerOrPublic(publicWakaStats), async (c) => {
  const user = withTimeZone(currentUser(c), c.req.query("timezone"));
  const name = c.req.param("range") ?? "last_7_days";
  const range = await namedRange(c, user, name);
  const days = await readDays(c, user, range.start, range.end, false);
  return c.json(statsResponse(rangeTotalsOf(days), range, user));
});

summaryRoutes.get("/users/:user/all_time_since_today", describeRoute(WAKATIME_DOCS.allTime), requireApiKey(), async (c) => {
  const user = currentUser(c);
  const range = await namedRange(c, user, "all_time");
  const filter: SessionFilter = { project: c.req.query("project") ?? null };
  const days = filterDays(await readDays(c, user, range.start, range.end, !isEmptyFilter(filter)), filter);
  return c.json(allTimeResponse(days, range, user.timeZone, user.keystrokeTimeoutMinutes));
});

summaryRoutes.get("/users/:user/durations", describeRoute(WAKATIME_DOCS.durations), requireApiKey(), async (c) => {
  const user = withTimeZone(currentUser(c), c.req.query("timezone"));
  const date = c.req.query("date");
  if (!date || !isDay(date.slice(0, 10))) return jsonError(c, 400, "date: required, as YYYY-MM-DD");
  const day = date.slice(0, 10);
  const sliceName = c.req.query("slice_by") ?? "project";
  const sliceBy = Object.hasOwn(SLICE_BY, sliceName) ? SLICE_BY[sliceName] : undefined;
  if (!sliceBy) return jsonError(c, 400, `slice_by: one of ${Object.keys(SLICE_BY).join(", ")}`);
  const filter: SessionFilter = { project: c.req.query("project") ?? null, branches: splitList(c.req.query("branches")) };
  const [activity] = filterDays(await readDays(c, user, day, day, true), filter);
  const start = startOfDay(day, user.timeZone);
  return c.json(
    durationsResponse(activity?.sessions ?? [], sliceBy, day, {
      start: new Date(start * 1000).toISOString(),
      end: new Date((startOfDay(addDays(day, 1), user.timeZone) - 1) * 1000).toISOString(),
      timeZone: user.timeZone,
    }),
  );
});

function splitList(value: string | undefined): string[] | null {
  if (!value) return null;
  const items = value.split(",").map((s) => s.trim()).filter(Boolean);
  return items.length ? items : null;
}

/** WakaTime lets a read override the zone (`?timezone=`); days are then that zone's days. */
function withTimeZone(user: User, timeZone: string | undefined): User {
  if (timeZone === undefined || timeZone === "" || timeZone === user.timeZone) return user;
  if (!isValidTimeZone(timeZone)) throw new ApiError(400, "timezone: not a known IANA time zone");
  return { ...user, timeZone };
}

/**
 * The days of a range in `viewer.timeZone`. Sessions are stored split at the user's own
 * midnights; for another zone (`?timezone=`) the neighbouring stored days are re-split.
 */
async function readDays(c: AppContext, viewer: User, start: string, end: string, sessions: boolean, branches = true): Promise<DayActivity[]> {
  const owner = currentUser(c);
  if (owner.timeZone === viewer.timeZone) return c.var.ports.activity.days(owner, start, end, { sessions, branches });
  // Another zone's days are re-cut from the sessions themselves.
  const stored = await c.var.ports.activity.days(owner, addDays(start, -1), addDays(end, 1), { sessions: true });
  return rezoneDays(stored, viewer.timeZone, start, end);
}

async function rangeOf(c: AppContext, user: User): Promise<DayRange> {
  const start = c.req.query("start");
  const end = c.req.query("end");
  const name = c.req.query("range");
  if (name) return namedRange(c, user, name);
  if (!start || !end) throw new ApiError(400, "Give start and end (YYYY-MM-DD) or range");
  const range = customRange(start, end);
  if (!range) throw new ApiError(400, "start and end: dates as YYYY-MM-DD, start not after end");
  return checkSpan(range);
}

async function namedRange(c: AppContext, user: User, name: string): Promise<DayRange> {
  const firstDay = isAllTimeName(name) ? await c.var.ports.activity.firstDay(user) : null;
  const range = resolveRange(name, c.var.ports.now(), user.timeZone, firstDay);
  if (!range) throw new ApiError(400, `range: unknown range "${name.slice(0, 40)}"`);
  return checkSpan(range);
}

/** Custom and dated ranges are capped; "all time" is bounded by ALL_TIME_FIRST_DAY instead. */
function checkSpan(range: DayRange): DayRange {
  if (range.name === "all_time") return range;
  const days = (Date.parse(`${range.end}T00:00:00Z`) - Date.parse(`${range.start}T00:00:00Z`)) / 86_400_000;
  if (days > MAX_RANGE_DAYS) throw new ApiError(400, "Range too long: at most 30 years");
  return range;
}

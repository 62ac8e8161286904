/**
 * WakaTime's public per-user reads, which profile-readme generators call without a key
 * (github-readme-stats' WakaTime card: `GET /api/v1/users/{username}/stats?is_including_today=true`,
 * or `.../stats/{range}`; waka-readme style actions; `GET /api/v1/users/{username}`).
 *
 * The rule for `users/{user}/...` paths:
 * - `current`, or a key/session of the named user itself: the owner's full data (as before);
 * - anyone else (no key, or another user's key): the user's PUBLIC data, decided by their
 *   sharing settings exactly as Kodo's own public routes decide it (public-access.ts): private by
 *   default, hidden dimensions left out, aliased projects renamed, history cut to the shared
 *   window, cached and purged like badges (badge-cache.ts);
 * - unknown and private users get one identical answer built from the URL only, so nothing
 *   tells whether an account exists: for stats, WakaTime's "not public" answer (200,
 *   `is_coding_activity_visible: false`, which the readme cards show as "profile not public"),
 *   for the user object WakaTime's 404.
 * Routes WakaTime does not serve publicly (summaries, durations, heartbeats, ...) stay key-only.
 */
import type { MiddlewareHandler } from "hono";
import type { AppContext, AppEnv } from "../context.ts";
import { apiKeyOf, hashKey, requireApiKey } from "../auth.ts";
import { jsonError } from "../errors.ts";
import type { PublicUser } from "../../ports.ts";
import type { DayActivity } from "../../types.ts";
import { rangeTotalsOf } from "../../sessions/rollup.ts";
import { isoRange, rangeFigures } from "../../wakatime/v1/summaries.ts";
import { isRangeName, MAX_USERNAME_LENGTH, publicDays, publicRange, type PublicRange } from "./public-access.ts";
import { publicJsonResponse, publicRead } from "./badge-cache.ts";
import { sharedLists } from "./public.ts";
import { namesUser, pathUsername } from "./user-param.ts";

/** The range of `users/{user}/stats` without one: Kodo has no per-user default, WakaTime's is a week. */
export const DEFAULT_PUBLIC_RANGE = "last_7_days";

/**
 * Lets the owner (by `current`, their key or their sign-in cookie) through to the key-only
 * route that follows; answers everyone else with `publicAnswer` for the named user.
 * A key that is present but invalid is still a 401, as on every WakaTime route.
 */
export function ownerOrPublic(publicAnswer: (c: AppContext, username: string) => Promise<Response>): MiddlewareHandler<AppEnv> {
  const owner = requireApiKey();
  return async (c, next) => {
    const param = c.req.param("user") ?? "current";
    if (param === "current") return owner(c, next);
    const username = pathUsername(param);
    const key = apiKeyOf(c.req.header("authorization"), c.req.query("api_key"));
    if (key !== null) {
      const found = await c.var.ports.accounts.findByKeyHash(await hashKey(key));
      if (!found) return jsonError(c, 401, "Invalid API key");
      if (namesUser(param, found.user)) return owner(c, next);
    } else if (c.req.header("authorization") !== undefined) {
      return jsonError(c, 401, "Missing or malformed API key");
    } else if (c.req.header("cookie") && c.var.ports.sessions) {
      const session = await c.var.ports.sessions.resolve(c.req.raw.headers);
      if (session && namesUser(param, session.user)) return owner(c, next);
    }
    if (username.length === 0 || username.length > MAX_USERNAME_LENGTH) return jsonError(c, 404, "Not found.");
    return publicAnswer(c, username);
  };
}

/** `GET users/{username}/stats[/{range}]` for someone other than the owner. */
export async function publicWakaStats(c: AppContext, username: string): Promise<Response> {
  const rangeName = c.req.param("range") ?? DEFAULT_PUBLIC_RANGE;
  if (!isRangeName(rangeName)) return jsonError(c, 400, `range: unknown range "${rangeName.slice(0, 40)}"`);
  const path = `/api/v1/users/${encodeURIComponent(username)}/stats/${rangeName}`;
  return publicRead(c, username, path, {}, async (found) => {
    if (!found) return publicJsonResponse(notPublicStats(rangeName));
    const range = await publicRange(c.var.ports, found.user, found.sharing, rangeName);
    if (!range) return publicJsonResponse(notPublicStats(rangeName));
    const days = await publicDays(c.var.ports, found, range, {});
    return publicJsonResponse(publicStatsBody(found, range, days));
  });
}

/** WakaTime's public stats shape, limited to what the user shares. */
export function publicStatsBody(found: Pick<PublicUser, "user" | "sharing">, range: PublicRange, days: readonly DayActivity[]) {
  const { user, sharing } = found;
  const total = rangeTotalsOf(days);
  const lists = sharedLists(sharing, total);
  // "Other usage" in WakaTime's sense: anything beyond the total (languages, editors, OS...).
  const otherUsageVisible = Object.keys(lists).length > 0;
  return {
    data: {
      // Internal ids are never shown to others: the username stands in for WakaTime's ids.
      id: user.username,
      user_id: user.username,
      username: user.username,
      display_name: user.displayName ?? user.username,
      range: range.name ?? "custom",
      human_readable_range: range.text,
      start: isoRange(range.start, user.timeZone).start,
      end: isoRange(range.end, user.timeZone).end,
      timezone: user.timeZone,
      is_limited_by_history: range.limited,
      // Totals-only sharing (history_days 0) shows no single day, so no best day either.
      ...rangeFigures(total, range, { bestDay: sharing.historyDays > 0 }),
      ...lists,
      is_up_to_date: true,
      is_including_today: true,
      percent_calculated: 100,
      status: "ok",
      is_coding_activity_visible: true,
      is_other_usage_visible: otherUsageVisible,
    },
  };
}

/**
 * The one answer for unknown and private users (and a range entirely outside the shared
 * history): built from the range alone. It does not echo the name asked for: a path may name a
 * user by id, and no answer to others ever carries an id.
 */
export function notPublicStats(rangeName: string) {
  return {
    data: {
      range: rangeName,
      is_up_to_date: true,
      percent_calculated: 100,
      status: "ok",
      is_coding_activity_visible: false,
      is_other_usage_visible: false,
    },
  };
}

/** `GET users/{username}` for someone other than the owner: the public profile's fields. */
export async function publicWakaUser(c: AppContext, username: string): Promise<Response> {
  const path = `/api/v1/users/${encodeURIComponent(username)}`;
  return publicRead(c, username, path, {}, async (found) => {
    if (!found) return publicJsonResponse({ error: "Not found." }, 404);
    const { user } = found;
    const origin = new URL(c.req.url).origin;
    return publicJsonResponse({
      data: {
        id: user.username,
        username: user.username,
        display_name: user.displayName ?? user.username,
        full_name: user.displayName,
        photo: null,
        photo_public: false,
        is_email_public: false,
        email: null,
        timezone: user.timeZone,
        profile_url: `${origin}/@${encodeURIComponent(user.username)}`,
        is_coding_activity_visible: true,
        is_other_usage_visible: found.sharing.languages || found.sharing.editors || found.sharing.operatingSystems,
      },
    });
  });
}

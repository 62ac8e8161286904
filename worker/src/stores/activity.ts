import { mergeSettingsOf, type ActivityStore, type DayActivity, type User } from "@kodo/core";
import { ApiError } from "@kodo/core/http";
import { ACCOUNT_DELETED } from "../activity/meta.ts";
import { decodeDay } from "../activity/flush.ts";

/**
 * The activity port on Cloudflare: writes and live reads go to the user's Durable Object;
 * ranges are read from D1's per-day rows, with the days D1 has not received yet taken live
 * from the object (so reads are current within seconds while D1 is written rarely).
 */
export function cloudflareActivity(env: Pick<Env, "DB" | "USER_ACTIVITY">): ActivityStore {
  const stub = (user: User) => userActivityStub(env.USER_ACTIVITY, user.id);
  return {
    async ingest(user, heartbeats) {
      try {
        return await stub(user).ingest(user.id, mergeSettingsOf(user), heartbeats);
      } catch (err) {
        // Deleted a moment ago, its key still cached in this isolate: the key is no longer valid.
        if (err instanceof Error && err.message.includes(ACCOUNT_DELETED)) throw new ApiError(401, "Invalid API key");
        throw err;
      }
    },
    async days(user, start, end, options = {}) {
      // Sessions are the bulk of a row: select them only when the caller needs them. Branch
      // totals (often most of the rest) stay in D1 when the caller does not read them.
      const totals = options.branches === false && !options.sessions ? "json_remove(totals, '$.branch') AS totals" : "totals";
      const columns = options.sessions ? `day, total_seconds, ${totals}, sessions` : `day, total_seconds, ${totals}, '[]' AS sessions`;
      const [stored, live] = await Promise.all([
        env.DB.prepare(`SELECT ${columns} FROM daily_activity WHERE user_id = ? AND day >= ? AND day <= ? ORDER BY day`)
          .bind(user.id, start, end)
          .all<{ day: string; total_seconds: number; totals: string; sessions: string }>(),
        stub(user).unflushed(user.id, mergeSettingsOf(user), start, end),
      ]);
      const byDay = new Map<string, DayActivity>();
      for (const row of stored.results) byDay.set(row.day, decodeDay(row));
      for (const day of live as DayActivity[]) {
        if (day.totalSeconds === 0 && day.sessions.length === 0) byDay.delete(day.day);
        else byDay.set(day.day, options.sessions ? day : { ...day, sessions: [] });
      }
      return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
    },
    heartbeatsOn: (user, day, page) => stub(user).heartbeatsOn(mergeSettingsOf(user), day, page),
    seen: (user, kind) => stub(user).seenValues(kind),
    firstDay: (user) => stub(user).firstDay(mergeSettingsOf(user)),
    entityTotals: (user, start, end, filter) => stub(user).entityTotals(mergeSettingsOf(user), start, end, filter),
  };
}

/** The user's Durable Object (its id remembered: see objectIdOf). */
export function userActivityStub(namespace: Env["USER_ACTIVITY"], userId: string) {
  return namespace.get(objectIdOf(namespace, userId));
}

/**
 * Durable Object ids by user id: `idFromName` hashes the name on every call, and every ingest
 * request needs one. Ids (unlike stubs) may be kept across requests. Bounded per isolate.
 */
const objectIds = new WeakMap<DurableObjectNamespace, Map<string, DurableObjectId>>();

function objectIdOf(namespace: DurableObjectNamespace, userId: string): DurableObjectId {
  let ids = objectIds.get(namespace);
  if (!ids) objectIds.set(namespace, (ids = new Map()));
  let id = ids.get(userId);
  if (!id) {
    if (ids.size >= 10_000) ids.clear();
    id = namespace.idFromName(userId);
    ids.set(userId, id);
  }
  return id;
}

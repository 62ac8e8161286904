import { DIMENSIONS, emptyTotals, mergeSettingsOf, rangeTotalsOf, roundMs, type ActivityStore, type DayActivity, type Dimension, type User } from "@kodo/core";
import { decodeDay } from "../activity/flush.ts";

/**
 * The activity port on Cloudflare: writes and live reads go to the user's Durable Object;
 * ranges are read from D1's per-day rows, with the days D1 has not received yet taken live
 * from the object (so reads are current within seconds while D1 is written rarely).
 */
export function cloudflareActivity(env: Pick<Env, "DB" | "USER_ACTIVITY">): ActivityStore {
  const stub = (user: User) => env.USER_ACTIVITY.get(objectIdOf(env.USER_ACTIVITY, user.id));
  return {
    ingest: (user, heartbeats) => stub(user).ingest(user.id, mergeSettingsOf(user), heartbeats),
    async days(user, start, end, options = {}) {
      // Sessions are the bulk of a row: select them only when the caller needs them.
      const columns = options.sessions ? "day, total_seconds, totals, sessions" : "day, total_seconds, totals, '[]' AS sessions";
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
    async rangeTotals(user, start, end) {
      // The days D1 does not hold yet (or holds an older version of) come live from the object;
      // D1 adds up the others itself, so a year is a few dozen result rows instead of 365.
      const live = (await stub(user).unflushed(user.id, mergeSettingsOf(user), start, end)) as DayActivity[];
      const where = "user_id = ? AND day >= ? AND day <= ? AND day NOT IN (SELECT value FROM json_each(?))";
      const bind = [user.id, start, end, JSON.stringify(live.map((d) => d.day))];
      const [byName, sums, best] = await env.DB.batch<Record<string, unknown>>([
        env.DB.prepare(
          `SELECT dim.key AS dim, item.key AS name, SUM(item.value) AS seconds
             FROM daily_activity d, json_each(d.totals) dim, json_each(dim.value) item
            WHERE ${where} GROUP BY dim.key, item.key`,
        ).bind(...bind),
        env.DB.prepare(`SELECT SUM(total_seconds) AS seconds, COUNT(*) AS days FROM daily_activity WHERE ${where} AND total_seconds > 0`).bind(...bind),
        env.DB.prepare(`SELECT day, total_seconds AS seconds FROM daily_activity WHERE ${where} AND total_seconds > 0 ORDER BY total_seconds DESC, day LIMIT 1`).bind(...bind),
      ]);
      const totals = emptyTotals();
      for (const r of byName!.results as { dim: string; name: string; seconds: number }[]) {
        if ((DIMENSIONS as readonly string[]).includes(r.dim)) totals[r.dim as Dimension][r.name] = roundMs(r.seconds);
      }
      const sum = sums!.results[0] as { seconds: number | null; days: number };
      const top = best!.results[0] as { day: string; seconds: number } | undefined;
      const stored = { totalSeconds: roundMs(sum.seconds ?? 0), totals, activeDays: sum.days, bestDay: top ? { day: top.day, totalSeconds: top.seconds } : null };
      return rangeTotalsOf(live, stored);
    },
    heartbeatsOn: (user, day) => stub(user).heartbeatsOn(mergeSettingsOf(user), day),
    seen: (user, kind) => stub(user).seenValues(kind),
    firstDay: (user) => stub(user).firstDay(mergeSettingsOf(user)),
    entityTotals: (user, start, end, filter) => stub(user).entityTotals(mergeSettingsOf(user), start, end, filter),
  };
}

/**
 * Durable Object ids by user id: `idFromName` hashes the name on every call, and every ingest
 * request needs one. Ids (unlike stubs) may be kept across requests. Bounded per isolate.
 */
const objectIds = new WeakMap<DurableObjectNamespace, Map<string, DurableObjectId>>();

export function objectIdOf(namespace: DurableObjectNamespace, userId: string): DurableObjectId {
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

/**
 * The drain of `daily_activity` (issue 16), run by the cron trigger (wrangler.toml). Before
 * issue 16 every flush wrote each user-day to D1's `daily_activity`; now the days stay in the
 * user's Durable Object (which always had them: it derives them from the raw log) and D1 gets
 * only board entries. Each run takes a bounded batch of users who still have day rows, asks each
 * one's object to write its board entries (its flush: every entry, as it never wrote any), and
 * then deletes their day rows. Reads never needed these rows, so the drain can take days at a
 * million users without anyone seeing a difference; boards list a user once drained (or once
 * their object flushes new activity). A user whose object fails keeps their rows for the next
 * run. A later release drops the empty table and this cron (docs/scale.md).
 */
import { userActivityStub } from "./stores/activity.ts";

/** Users per run: each costs one object call and one D1 delete of their day rows (~250 a year). */
export const DRAIN_USERS_PER_RUN = 100;
/** Objects asked at once. */
const CONCURRENCY = 10;

export interface DrainResult {
  /** Users whose day rows were removed this run. */
  users: number;
  /** Day rows deleted. */
  rowsDeleted: number;
  /** Users whose object failed (their rows stay for the next run). */
  failed: number;
  /** True when the batch was full: more users may remain. */
  more: boolean;
}

/** Users per run: DRAIN_USERS_PER_RUN, or the KODO_DRAIN_USERS_PER_RUN var when set (1-1000). */
export function drainBatchOf(env: object): number {
  const n = Number((env as { KODO_DRAIN_USERS_PER_RUN?: unknown }).KODO_DRAIN_USERS_PER_RUN);
  return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : DRAIN_USERS_PER_RUN;
}

export async function drainDailyActivity(env: Pick<Env, "DB" | "USER_ACTIVITY">, limit = drainBatchOf(env)): Promise<DrainResult> {
  // DISTINCT over the primary key (user_id, day): stops after `limit` users.
  const { results } = await env.DB.prepare("SELECT DISTINCT user_id FROM daily_activity ORDER BY user_id LIMIT ?").bind(limit).all<{ user_id: string }>();
  const out: DrainResult = { users: 0, rowsDeleted: 0, failed: 0, more: results.length === limit };
  const queue = results.map((r) => r.user_id);
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      try {
        await userActivityStub(env.USER_ACTIVITY, id).flush();
      } catch (err) {
        console.error("drain: flush failed", id, err);
        out.failed++;
        continue;
      }
      const deleted = await env.DB.prepare("DELETE FROM daily_activity WHERE user_id = ?").bind(id).run();
      out.users++;
      out.rowsDeleted += deleted.meta.changes ?? 0;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  return out;
}

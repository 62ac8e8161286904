/**
 * The naive design the benchmarks compare Kodo against: every heartbeat is one INSERT into a
 * D1 table (the same columns and indexes as the Durable Object's raw log, plus user_id), and
 * every read merges the raw rows of its range into sessions with the same core code Kodo uses.
 * It lives in the bench database only; Kodo's migrations know nothing of it.
 */
import {
  addDays,
  dayOf,
  dedupeKey,
  mergeSessions,
  resolveRange,
  rangeTotalsOf,
  rollUpDay,
  startOfDay,
  validateBatch,
  type DayActivity,
  type MergeInput,
  type Session,
} from "@kodo/core";
import { statsResponse, summariesResponse } from "../../core/src/wakatime/v1/summaries.ts";

const TABLE = "bench_naive_heartbeats";

export async function createNaiveTable(db: D1Database): Promise<void> {
  await db.batch([
    db.prepare(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (
        id TEXT PRIMARY KEY, user_id TEXT NOT NULL, time REAL NOT NULL, entity TEXT NOT NULL,
        type TEXT NOT NULL, category TEXT NOT NULL, project TEXT, branch TEXT, language TEXT,
        editor TEXT, operating_system TEXT, machine TEXT, is_write INTEGER NOT NULL, created_at REAL NOT NULL)`,
    ),
    db.prepare(`CREATE INDEX IF NOT EXISTS ${TABLE}_user_time ON ${TABLE} (user_id, time)`),
  ]);
}

/** D1 caps bound parameters per statement, not statements per batch; keep batches moderate. */
const STATEMENTS_PER_BATCH = 200;

/**
 * Validates the body exactly as the real route does, then writes one INSERT per valid
 * heartbeat (deduplicated by the same key). Returns D1's own count of rows written.
 */
export async function naiveIngest(
  db: D1Database,
  userId: string,
  body: unknown,
  headers: { userAgent: string | null; machine: string | null },
): Promise<{ heartbeats: number; rowsWritten: number }> {
  const validated = validateBatch(body, Date.now() / 1000, { userAgentHeader: headers.userAgent, machineHeader: headers.machine });
  if (!validated.ok) throw new Error(validated.error);
  const valid = validated.items.flatMap((i) => (i.ok ? [i.heartbeat] : []));
  const keys = await Promise.all(valid.map((hb) => dedupeKey(userId, hb)));
  const now = Date.now() / 1000;
  const insert = db.prepare(
    `INSERT OR IGNORE INTO ${TABLE} (id, user_id, time, entity, type, category, project, branch, language, editor, operating_system, machine, is_write, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let rowsWritten = 0;
  for (let i = 0; i < valid.length; i += STATEMENTS_PER_BATCH) {
    const chunk = valid.slice(i, i + STATEMENTS_PER_BATCH).map((hb, j) =>
      insert.bind(keys[i + j]!, userId, hb.time, hb.entity, hb.type, hb.category, hb.project, hb.branch, hb.language, hb.editor, hb.operatingSystem, hb.machine, hb.isWrite ? 1 : 0, now),
    );
    for (const r of await db.batch(chunk)) rowsWritten += r.meta.rows_written ?? 0;
  }
  return { heartbeats: valid.length, rowsWritten };
}

interface UserRow {
  id: string;
  username: string;
  time_zone: string | null;
  keystroke_timeout_minutes: number | null;
}

/**
 * `stats/{range}` or `summaries?range=` computed from the raw rows: load the range's
 * heartbeats (one timeout either side, as Kodo's merge window), merge, roll up per day and
 * shape with the same wire functions as the real route.
 */
export async function naiveRead(db: D1Database, userId: string, kind: "stats" | "summaries", rangeName: string): Promise<unknown> {
  const user = await db
    .prepare("SELECT u.id, u.username, s.time_zone, s.keystroke_timeout_minutes FROM users u LEFT JOIN user_settings s ON s.user_id = u.id WHERE u.id = ?")
    .bind(userId)
    .first<UserRow>();
  if (!user) throw new Error(`no user ${userId}`);
  const settings = { timeZone: user.time_zone ?? "UTC", keystrokeTimeoutMinutes: user.keystroke_timeout_minutes ?? 15 };
  let firstDay: string | null = null;
  if (rangeName === "all_time") {
    const first = await db.prepare(`SELECT min(time) AS t FROM ${TABLE} WHERE user_id = ?`).bind(userId).first<{ t: number | null }>();
    firstDay = first?.t == null ? null : dayOf(first.t, settings.timeZone);
  }
  const range = resolveRange(rangeName, Date.now() / 1000, settings.timeZone, firstDay);
  if (!range) throw new Error(`unknown range ${rangeName}`);
  const timeoutSeconds = settings.keystrokeTimeoutMinutes * 60;
  const from = startOfDay(range.start, settings.timeZone) - timeoutSeconds;
  const to = startOfDay(addDays(range.end, 1), settings.timeZone) + timeoutSeconds;
  const rows = await db
    .prepare(
      `SELECT time, project, language, editor, operating_system AS operatingSystem, machine, branch, category
       FROM ${TABLE} WHERE user_id = ? AND time >= ? AND time <= ?`,
    )
    .bind(userId, from, to)
    .all<MergeInput>();
  const byDay = new Map<string, Session[]>();
  for (const s of mergeSessions(rows.results, settings)) {
    if (s.day < range.start || s.day > range.end) continue;
    let list = byDay.get(s.day);
    if (!list) byDay.set(s.day, (list = []));
    list.push(s);
  }
  const days: DayActivity[] = [...byDay.keys()].sort().map((day) => rollUpDay(day, byDay.get(day)!));
  if (kind === "summaries") return summariesResponse(days, range, settings.timeZone, false);
  return statsResponse(rangeTotalsOf(days), range, { id: user.id, username: user.username, ...settings });
}

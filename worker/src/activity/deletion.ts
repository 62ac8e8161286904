/**
 * Deleting heartbeats from the Durable Object's log (core accounts/heartbeat-deletion.ts): one
 * bounded chunk per call, in (time, id) order. Synchronous SQLite throughout, so no ingest
 * interleaves between choosing the rows and deleting them.
 */
import { dayOf, DELETE_MAX_DAYS, DELETE_MAX_HEARTBEATS, wholeProjectOf, type HeartbeatDeletion, type MergeSettings } from "@kodo/core";

interface Candidate {
  time: number;
  id: string;
  project: string | null;
  machine: string | null;
  [key: string]: SqlStorageValue;
}

export interface DeletedChunk {
  deleted: number;
  more: boolean;
  /** Times of the deleted heartbeats (their days, and the neighbours a gap reaches, are stale). */
  times: number[];
  /** Projects and machines that lost heartbeats: their seen bounds must be re-read. */
  touched: { kind: "project" | "machine"; value: string }[];
}

/** The WHERE clause (after the time bounds) and its parameters for the optional filters. */
function filters(which: HeartbeatDeletion): { sql: string; params: SqlStorageValue[] } {
  let sql = "";
  const params: SqlStorageValue[] = [];
  if (which.project !== undefined) {
    sql += " AND project = ?";
    params.push(which.project);
  }
  if (which.ids !== undefined) {
    sql += " AND id IN (SELECT value FROM json_each(?))";
    params.push(JSON.stringify(which.ids));
  }
  return { sql, params };
}

export function deleteChunk(sql: SqlStorage, settings: MergeSettings, which: HeartbeatDeletion): DeletedChunk {
  const f = filters(which);
  const rows = sql.exec<Candidate>(
    `SELECT time, id, project, machine FROM heartbeats WHERE time >= ? AND time < ?${f.sql} ORDER BY time, id LIMIT ?`,
    which.from,
    which.to,
    ...f.params,
    DELETE_MAX_HEARTBEATS + 1,
  );
  const taken: Candidate[] = [];
  const days = new Set<string>();
  let more = false;
  for (const row of rows) {
    const day = dayOf(row.time, settings.timeZone);
    if (taken.length >= DELETE_MAX_HEARTBEATS || (!days.has(day) && days.size >= DELETE_MAX_DAYS)) {
      more = true;
      break;
    }
    days.add(day);
    taken.push(row);
  }
  const last = taken.at(-1);
  if (!last) return { deleted: 0, more: false, times: [], touched: [] };
  // The same filter up to the last row taken selects exactly the rows taken.
  sql.exec(`DELETE FROM heartbeats WHERE time >= ? AND time < ? AND (time, id) <= (?, ?)${f.sql}`, which.from, which.to, last.time, last.id, ...f.params);
  const touched = new Map<string, { kind: "project" | "machine"; value: string }>();
  for (const r of taken) {
    if (r.project !== null) touched.set(`p\u0000${r.project}`, { kind: "project", value: r.project });
    if (r.machine !== null) touched.set(`m\u0000${r.machine}`, { kind: "machine", value: r.machine });
  }
  return { deleted: taken.length, more, times: taken.map((r) => r.time), touched: [...touched.values()] };
}

/**
 * Re-reads the first and last remaining heartbeat of each touched value (the log is ordered by
 * time, so each look-up stops at the first match) and updates or removes its seen row.
 */
export function refreshSeen(sql: SqlStorage, touched: DeletedChunk["touched"], which: HeartbeatDeletion, more: boolean): void {
  const whole = wholeProjectOf(which);
  for (const { kind, value } of touched) {
    if (kind === "project" && value === whole) {
      if (!more) sql.exec("DELETE FROM seen WHERE kind = 'project' AND value = ?", value);
      continue;
    }
    const column = kind === "project" ? "project" : "machine";
    const first = sql.exec<{ time: number }>(`SELECT time FROM heartbeats WHERE ${column} = ? ORDER BY time LIMIT 1`, value).toArray()[0];
    if (!first) {
      sql.exec("DELETE FROM seen WHERE kind = ? AND value = ?", kind, value);
      continue;
    }
    const last = sql.exec<{ time: number }>(`SELECT time FROM heartbeats WHERE ${column} = ? ORDER BY time DESC LIMIT 1`, value).one();
    sql.exec("UPDATE seen SET first_seen = ?, last_seen = ? WHERE kind = ? AND value = ?", first.time, last.time, kind, value);
  }
}

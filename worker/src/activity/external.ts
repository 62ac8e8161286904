/**
 * External durations in the user's Durable Object (table `external_durations`, schema.ts).
 * Synchronous SQLite: the count check and the writes of one call cannot interleave with another.
 */
import { MAX_EXTERNAL_SECONDS, type ExternalDuration, type ExternalWriteOutcome } from "@kodo/core";

interface Row {
  id: string;
  external_id: string;
  provider: string;
  start_time: number;
  end_time: number;
  detail: string;
  [key: string]: SqlStorageValue;
}

type Detail = Omit<ExternalDuration, "id" | "externalId" | "provider" | "startTime" | "endTime">;

export function putExternal(sql: SqlStorage, items: ExternalDuration[], max: number): ExternalWriteOutcome[] | null {
  const ids = JSON.stringify(items.map((d) => d.id));
  const existing = new Set(sql.exec<{ id: string }>("SELECT id FROM external_durations WHERE id IN (SELECT value FROM json_each(?))", ids).toArray().map((r) => r.id));
  const fresh = items.filter((d) => !existing.has(d.id)).length;
  if (fresh > 0) {
    const count = sql.exec<{ n: number }>("SELECT count(*) AS n FROM external_durations").one().n;
    if (count + fresh > max) return null;
  }
  for (const d of items) {
    const detail: Detail = { entity: d.entity, type: d.type, category: d.category, project: d.project, branch: d.branch, language: d.language, meta: d.meta, updatedAt: d.updatedAt };
    sql.exec(
      `INSERT INTO external_durations (id, external_id, provider, start_time, end_time, detail) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET start_time = excluded.start_time, end_time = excluded.end_time, detail = excluded.detail`,
      d.id, d.externalId, d.provider, d.startTime, d.endTime, JSON.stringify(detail),
    );
  }
  return items.map((d) => (existing.has(d.id) ? "updated" : "created"));
}

export function externalBetween(sql: SqlStorage, from: number, to: number): ExternalDuration[] {
  // A duration lasts at most MAX_EXTERNAL_SECONDS: those overlapping the window start after this.
  const rows = sql.exec<Row>(
    "SELECT * FROM external_durations WHERE start_time > ? AND start_time < ? AND end_time > ? ORDER BY start_time, id",
    from - MAX_EXTERNAL_SECONDS, to, from,
  );
  return rows.toArray().map((r) => ({ id: r.id, externalId: r.external_id, provider: r.provider, startTime: r.start_time, endTime: r.end_time, ...(JSON.parse(r.detail) as Detail) }));
}

export function deleteExternal(sql: SqlStorage, id: string): boolean {
  return sql.exec("DELETE FROM external_durations WHERE id = ?", id).rowsWritten > 0;
}

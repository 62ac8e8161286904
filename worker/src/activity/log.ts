/**
 * The raw heartbeat log in the Durable Object's SQLite, through the synchronous `sql.exec` API:
 * the ingest path inserts row by row inside one synchronous stretch, which SQLite does in
 * microseconds and which no other request can interleave with.
 */
import { decodeHeartbeatDetail, encodeHeartbeatDetail, storedBytes, takePage, type Heartbeat, type LogPosition, type StoredHeartbeat } from "@kodo/core";

const COLUMNS = "id, time, entity, type, category, project, branch, language, editor, operating_system, machine, is_write, detail, created_at";

export interface LogRow {
  id: string;
  time: number;
  entity: string;
  type: string;
  category: string;
  project: string | null;
  branch: string | null;
  language: string | null;
  editor: string | null;
  operating_system: string | null;
  machine: string | null;
  is_write: number;
  detail: string;
  created_at: number;
  [key: string]: SqlStorageValue;
}


const INSERT = `INSERT OR IGNORE INTO heartbeats (${COLUMNS})
  SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7,
         value->>8, value->>9, value->>10, value->>11, value->>12, ?
  FROM jsonb_each(?)`;

/** Thrown inside the first attempt's transaction to roll it back. */
const SOME_KNOWN = Symbol("some heartbeats were known");

/**
 * Inserts the heartbeats whose dedupe keys are not present yet, in one statement: the batch
 * travels as one JSON parameter and SQLite unpacks it, which costs far less than a statement per
 * row. `jsonb_each` parses the text once into SQLite's binary JSON, so each row's thirteen
 * `->>` lookups read binary elements; `json_each` hands each row back as text that every lookup
 * parses again (2.6x slower for a 1000-item batch, measured with SQLite 3.51). Returns the keys
 * actually inserted.
 *
 * A key repeated inside the batch is packed once (its first occurrence): the rows SQLite sees
 * have distinct keys, so the order it inserts them in changes nothing (the statement has no
 * ORDER BY, which would cost a sort of the whole batch).
 *
 * Nearly every batch is all new, so the insert first runs without RETURNING and only counts the
 * rows written (the table has no secondary index: one row written per heartbeat stored). When
 * fewer went in, some were known: that attempt is rolled back and the insert runs again, this
 * time returning which keys it stored.
 */
export function insertHeartbeats(storage: DurableObjectStorage, rows: { id: string; hb: Heartbeat }[], nowSeconds: number): Set<string> {
  const keys = new Set<string>();
  const unique: unknown[][] = [];
  for (const { id, hb } of rows) {
    if (keys.has(id)) continue;
    keys.add(id);
    unique.push([
      id, hb.time, hb.entity, hb.type, hb.category, hb.project, hb.branch, hb.language,
      hb.editor, hb.operatingSystem, hb.machine, hb.isWrite ? 1 : 0, encodeHeartbeatDetail(hb),
    ]);
  }
  const packed = JSON.stringify(unique);
  try {
    storage.transactionSync(() => {
      const cursor = storage.sql.exec(INSERT, nowSeconds, packed);
      cursor.toArray();
      if (cursor.rowsWritten !== unique.length) throw SOME_KNOWN;
    });
    return keys;
  } catch (e) {
    if (e !== SOME_KNOWN) throw e;
  }
  const inserted = storage.sql.exec<{ id: string }>(`${INSERT} RETURNING id`, nowSeconds, packed);
  return new Set(inserted.toArray().map((r) => r.id));
}

/**
 * One page of the heartbeats with `from <= time < to`, after `after` in (time, id) order: a seek
 * on the primary key, never an OFFSET. Rows are read lazily and decoded only once they are
 * taken, so a page cut by its byte bound leaves the rest of the day unread.
 */
export function heartbeatPageBetween(sql: SqlStorage, from: number, to: number, after: LogPosition | null, limit: number): { heartbeats: StoredHeartbeat[]; more: boolean } {
  const rows = after
    ? sql.exec<LogRow>(`SELECT ${COLUMNS} FROM heartbeats WHERE time < ? AND (time, id) > (?, ?) AND time >= ? ORDER BY time, id LIMIT ?`, to, after.time, after.id, from, limit + 1)
    : sql.exec<LogRow>(`SELECT ${COLUMNS} FROM heartbeats WHERE time >= ? AND time < ? ORDER BY time, id LIMIT ?`, from, to, limit + 1);
  const page = takePage(rows, limit, (r) => storedBytes(r.entity, r.detail));
  return { heartbeats: page.rows.map(fromRow), more: page.more };
}

/** How many heartbeats have `from <= time < to`. */
export function heartbeatCountBetween(sql: SqlStorage, from: number, to: number): number {
  return sql.exec<{ n: number }>("SELECT count(*) AS n FROM heartbeats WHERE time >= ? AND time < ?", from, to).one().n;
}

/** A page of the log after a (time, id) position, in (time, id) order (export paging). */
export function heartbeatsAfter(sql: SqlStorage, after: { time: number; id: string } | null, limit: number): StoredHeartbeat[] {
  const rows = after
    ? sql.exec<LogRow>(`SELECT ${COLUMNS} FROM heartbeats WHERE (time, id) > (?, ?) ORDER BY time, id LIMIT ?`, after.time, after.id, limit)
    : sql.exec<LogRow>(`SELECT ${COLUMNS} FROM heartbeats ORDER BY time, id LIMIT ?`, limit);
  return rows.toArray().map(fromRow);
}

/** The fields merging needs, for a time window: lighter than whole rows. */
export function mergeInputsBetween(sql: SqlStorage, from: number, to: number) {
  return sql
    .exec<{ time: number; project: string | null; language: string | null; editor: string | null; operatingSystem: string | null; machine: string | null; branch: string | null; category: string }>(
      `SELECT time, project, language, editor, operating_system AS operatingSystem, machine, branch, category
       FROM heartbeats WHERE time >= ? AND time <= ?`,
      from,
      to,
    )
    .toArray();
}

export function fromRow(row: LogRow): StoredHeartbeat {
  const d = JSON.parse(row.detail) as Partial<Heartbeat>;
  return {
    id: row.id,
    time: row.time,
    entity: row.entity,
    type: row.type,
    category: row.category,
    project: row.project,
    branch: row.branch,
    language: row.language,
    editor: row.editor,
    operatingSystem: row.operating_system,
    machine: row.machine,
    isWrite: row.is_write === 1,
    ...decodeHeartbeatDetail(row.detail),
    createdAt: new Date(row.created_at * 1000).toISOString(),
  };
}

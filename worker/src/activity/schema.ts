/**
 * The per-user Durable Object's SQLite schema. Migrations in worker/drizzle/activity are generated
 * by drizzle-kit (driver "durable-sqlite") and applied when the object starts.
 */
import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The raw heartbeat log, deduplicated by `id` (the dedupe key). The key is `(time, id)`, and the
 * migration makes the table WITHOUT ROWID: one B-tree, in time order, instead of a rowid table
 * plus a unique index on `id` plus an index on `time`. The id hashes the time (to the stored
 * millisecond), so equal ids always have equal times and `(time, id)` is unique exactly when
 * `id` is. Inserting a batch touches one tree instead of three (bench:ingest) and time-range
 * reads scan the table itself.
 */
export const heartbeats = sqliteTable(
  "heartbeats",
  {
    id: text("id").notNull(),
    time: real("time").notNull(),
    entity: text("entity").notNull(),
    type: text("type").notNull(),
    category: text("category").notNull(),
    project: text("project"),
    branch: text("branch"),
    language: text("language"),
    editor: text("editor"),
    operatingSystem: text("operating_system"),
    machine: text("machine"),
    isWrite: integer("is_write", { mode: "boolean" }).notNull(),
    /** JSON of the remaining fields (lines, positions, dependencies, user agent, ...). */
    detail: text("detail").notNull(),
    /** Epoch seconds when stored. */
    createdAt: real("created_at").notNull(),
  },
  (t) => [primaryKey({ name: "heartbeats_pk", columns: [t.time, t.id] })],
);

/**
 * Derived state of each local day. `stale` days must be recomputed from the log before use;
 * `version` grows when the derived content changes, and days with `version > flushedVersion`
 * changed since the last flush (which then rewrites the user's board entries in D1). Reads
 * take every day from here: D1 holds no day rows (issue 16).
 */
export const days = sqliteTable("days", {
  day: text("day").primaryKey(),
  stale: integer("stale", { mode: "boolean" }).notNull(),
  /** JSON DayActivity, or null before the first computation. */
  data: text("data"),
  /**
   * `data` without its sessions, null when the day has none: what every read but the session
   * views takes, so a year of days parses a year of totals, not a year of sessions.
   */
  summary: text("summary"),
  version: integer("version").notNull().default(0),
  flushedVersion: integer("flushed_version").notNull().default(0),
});

/**
 * Each day's time per project (core sessions/project-days.ts), in whole milliseconds: every
 * category and coding alone; `project` is '' for sessions without one (a project name is never
 * empty). Rewritten with its day whenever the day's roll-up changes (day-store.ts), so a team
 * board sums a few rows per day in SQL instead of parsing the day's sessions (issue 16).
 * WITHOUT ROWID (hand-edited migration 0005): the key is the row.
 */
export const dayProjects = sqliteTable(
  "day_projects",
  {
    day: text("day").notNull(),
    project: text("project").notNull(),
    codingMs: integer("coding_ms").notNull(),
    allMs: integer("all_ms").notNull(),
  },
  (t) => [primaryKey({ name: "day_projects_pk", columns: [t.day, t.project] })],
);

/** Projects, user agents and machines seen, for the `projects`/`user_agents`/`machine_names` routes. */
export const seen = sqliteTable(
  "seen",
  {
    kind: text("kind").notNull(),
    value: text("value").notNull(),
    firstSeen: real("first_seen").notNull(),
    lastSeen: real("last_seen").notNull(),
  },
  (t) => [primaryKey({ columns: [t.kind, t.value] })],
);

/** Small key/value state: user id, settings, last heartbeat, flush and recompute bookkeeping. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * External durations (core external/external-durations.ts), one row per (provider, external_id)
 * digest. Reads are "overlapping a time window": a duration lasts at most 24 h, so the window's
 * rows are found by `start_time` in [from - 24 h, to) on the index.
 */
export const externalDurations = sqliteTable(
  "external_durations",
  {
    id: text("id").primaryKey(),
    externalId: text("external_id").notNull(),
    provider: text("provider").notNull(),
    startTime: real("start_time").notNull(),
    endTime: real("end_time").notNull(),
    /** JSON of the remaining fields (entity, type, category, project, branch, language, meta, updated_at). */
    detail: text("detail").notNull(),
  },
  (t) => [index("external_durations_start").on(t.startTime)],
);

/**
 * Heartbeats waiting to be forwarded to the user's relay upstream (core relay/relay.ts), in
 * the order stored (`seq`, the rowid). `id` is the heartbeat's dedupe key, unique: a heartbeat
 * is queued at most once, and only when it was newly stored (never a duplicate). `body` is the
 * heartbeat as sent upstream (JSON); `machine` goes in the request's X-Machine-Name header.
 */
export const relayOutbox = sqliteTable("relay_outbox", {
  seq: integer("seq").primaryKey(),
  id: text("id").notNull().unique(),
  machine: text("machine"),
  body: text("body").notNull(),
  /** Epoch seconds when queued. */
  queuedAt: real("queued_at").notNull(),
});

/**
 * Importing heartbeats: from a WakaTime data dump (`days[].heartbeats[]`), a Kodo export
 * (`heartbeats[]`), a bare array, or another server's `heartbeats?date=` answers. Every
 * heartbeat goes through the same validation (validateBatch), dedupe and merge (ingest) as a
 * live one, in batches of MAX_BATCH_SIZE, so importing the same file twice changes nothing.
 */
import { MAX_BATCH_SIZE, validateBatch } from "../heartbeat/index.ts";
import type { ActivityStore, User } from "../ports.ts";
import type { Heartbeat } from "../types.ts";
import type { RemoteLookups } from "./ports.ts";

/** Where heartbeats sit in each accepted file format. */
export const IMPORT_PATHS = {
  "wakatime-dump": "days[].heartbeats[]",
  "kodo-export": "heartbeats[]",
  array: "[]",
} as const;
export type ImportFormat = keyof typeof IMPORT_PATHS;

export function formatOfPath(path: string): ImportFormat {
  return (Object.keys(IMPORT_PATHS) as ImportFormat[]).find((f) => IMPORT_PATHS[f] === path) ?? "array";
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A heartbeat as another server or a dump gives it -> Kodo's input shape. WakaTime answers
 * `user_agent_id` / `machine_name_id` (ids, resolved through `lookups`); Kodo answers the
 * values themselves under those names. An unresolvable id is dropped rather than stored as
 * if it were a user agent or a machine name.
 */
export function toImportable(item: unknown, lookups: RemoteLookups | null = null): unknown {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return item;
  const hb = { ...(item as Record<string, unknown>) };
  if (hb.user_agent === undefined && typeof hb.user_agent_id === "string") {
    hb.user_agent = lookups?.userAgents[hb.user_agent_id] ?? (UUID_RE.test(hb.user_agent_id) ? null : hb.user_agent_id);
  }
  if (hb.machine === undefined && typeof hb.machine_name_id === "string") {
    hb.machine = lookups?.machines[hb.machine_name_id] ?? (UUID_RE.test(hb.machine_name_id) ? null : hb.machine_name_id);
  }
  return hb;
}

export interface ImportCounts {
  received: number;
  created: number;
  duplicates: number;
  rejected: number;
  /** The first few rejection reasons, for the user to see what was wrong. */
  errors: string[];
  /** Earliest and latest heartbeat time (epoch seconds) accepted, or null. */
  firstTime: number | null;
  lastTime: number | null;
}

export function emptyCounts(): ImportCounts {
  return { received: 0, created: 0, duplicates: 0, rejected: 0, errors: [], firstTime: null, lastTime: null };
}

const MAX_ERRORS_KEPT = 5;

/** Validates and stores one batch (at most MAX_BATCH_SIZE items), adding to `counts`. */
export async function importBatch(activity: ActivityStore, user: User, batch: unknown[], nowSeconds: number, counts: ImportCounts): Promise<void> {
  if (batch.length === 0) return;
  const validated = validateBatch(batch, nowSeconds);
  counts.received += batch.length;
  if (!validated.ok) {
    // Only a batch-level problem (size); cannot happen with batches we cut ourselves.
    counts.rejected += batch.length;
    note(counts, validated.error);
    return;
  }
  const valid: Heartbeat[] = [];
  for (const [i, item] of validated.items.entries()) {
    if (item.ok) valid.push(item.heartbeat);
    else {
      counts.rejected++;
      note(counts, `heartbeat ${counts.received - batch.length + i + 1}: ${item.error}`);
    }
  }
  if (valid.length === 0) return;
  const outcomes = await activity.ingest(user, valid);
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome === "created") counts.created++;
    else counts.duplicates++;
    const t = valid[i]!.time;
    counts.firstTime = counts.firstTime === null ? t : Math.min(counts.firstTime, t);
    counts.lastTime = counts.lastTime === null ? t : Math.max(counts.lastTime, t);
  }
}

/**
 * Imports a stream of items, batch by batch; memory stays at one batch. `user` may be a
 * function: each batch then goes to its current answer (a Kodo export's restored settings
 * replace the user while the file streams).
 */
export async function importAll(
  activity: ActivityStore,
  user: User | (() => User),
  items: AsyncIterable<unknown>,
  nowSeconds: number,
  lookups: RemoteLookups | null = null,
  /** Pass your own to read partial counts when the stream fails half-way. */
  counts: ImportCounts = emptyCounts(),
): Promise<ImportCounts> {
  const userNow = typeof user === "function" ? user : () => user;
  let batch: unknown[] = [];
  for await (const item of items) {
    batch.push(toImportable(item, lookups));
    if (batch.length >= MAX_BATCH_SIZE) {
      await importBatch(activity, userNow(), batch, nowSeconds, counts);
      batch = [];
    }
  }
  await importBatch(activity, userNow(), batch, nowSeconds, counts);
  return counts;
}

/** Keeps a rejection reason, while fewer than MAX_ERRORS_KEPT are kept. */
export function note(counts: ImportCounts, error: string): void {
  if (counts.errors.length < MAX_ERRORS_KEPT) counts.errors.push(error);
}

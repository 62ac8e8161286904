import { gunzipSync, gzipSync } from "node:zlib";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { projectTimes, rollUpDay, type DayActivity, type ProjectTime, type Session } from "@kodo/core";
import { batchWrite, isConditionFailure, queryAll, type Doc } from "./client.ts";
import { activityKeys } from "./keys.ts";
import { DAY_INLINE_MAX_BYTES, DAY_PART_BYTES, WRITE_CONCURRENCY } from "./limits.ts";
import { mapLimit } from "./pool.ts";

/**
 * A derived day: the user's sessions of one local day, and the two counters that serialise
 * its merges without a lock (per-user-day optimistic concurrency):
 *  - `dv` (dirty version) is incremented by every ingest that can change the day, AFTER the
 *    heartbeats are in the log;
 *  - `cv` (computed version) is the `dv` read before the log was read for the stored sessions.
 * The day is fresh when `cv == dv` and it was computed with the user's current settings. A
 * merge that missed a heartbeat leaves `cv` below the `dv` its ingest sets before answering, so
 * no day looks fresh without an acknowledged heartbeat; and a recompute stores its result only
 * if `dv` still equals what it read (a conditional write), so a slower, older merge never
 * replaces a newer one.
 */
export interface DayItem {
  pk: string;
  sk: string;
  day: string;
  dv?: number;
  cv?: number;
  /** The settings the sessions were computed with ("zone|timeoutMinutes"). */
  settings?: string;
  /** gzip of the JSON [totalSeconds, totals]: what most reads need, always in the item. */
  totals?: Uint8Array;
  /** gzip of the JSON sessions, when small enough to sit in the item. */
  data?: Uint8Array;
  /** Otherwise the number of part items, and the id of the write that made them. */
  parts?: number;
  partsId?: string;
  /** The day's time per project (project-days.ts): what a team board reads instead of the sessions. */
  proj?: string;
}

export interface DayStoreOptions {
  inlineMaxBytes?: number;
  partBytes?: number;
  /** The social table: ingest marks the user's board standings dirty there (standings.ts). */
  boardTable?: string;
}

type CompactSession = [number, number, string | null, string | null, string | null, string | null, string | null, string | null, string];

export function isFresh(item: DayItem, settingsKey: string): boolean {
  return item.cv !== undefined && (item.dv ?? 0) === item.cv && item.settings === settingsKey;
}

/** Marks days stale after their heartbeats are stored (an atomic counter: concurrent ingests never conflict). */
export async function bumpDays(doc: Doc, table: string, userId: string, days: readonly string[]): Promise<void> {
  await mapLimit(days, WRITE_CONCURRENCY, (day) =>
    doc.send(
      new UpdateCommand({
        TableName: table,
        Key: activityKeys.day(userId, day),
        UpdateExpression: "ADD dv :one SET #day = :day",
        ExpressionAttributeNames: { "#day": "day" },
        ExpressionAttributeValues: { ":one": 1, ":day": day },
      }),
    ),
  );
}

/** The day items of `start..end` (inclusive), in day order. */
export function readDayItems(doc: Doc, table: string, userId: string, start: string, end: string): Promise<DayItem[]> {
  return queryAll<DayItem>(doc, {
    TableName: table,
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :low AND :high",
    ExpressionAttributeValues: { ":pk": activityKeys.userPartition(userId), ":low": activityKeys.daySk(start), ":high": activityKeys.daySk(end) },
    ConsistentRead: true,
  });
}

/**
 * The stored activity of a day item, or null when it cannot be read (treated as stale). Without
 * `withSessions` only the totals are read (sessions empty), never the part items.
 */
export async function decodeDayItem(doc: Doc, table: string, userId: string, item: DayItem, withSessions = true): Promise<DayActivity | null> {
  try {
    if (!withSessions && item.totals) {
      const [totalSeconds, totals] = JSON.parse(gunzipSync(item.totals).toString("utf8")) as [number, DayActivity["totals"]];
      return { day: item.day, totalSeconds, totals, sessions: [] };
    }
    let blob: Uint8Array;
    if (item.data) blob = item.data;
    else if (item.parts && item.partsId) {
      const prefix = `PART#${item.day}#${item.partsId}#`;
      const parts = await queryAll<{ data: Uint8Array }>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
        ExpressionAttributeValues: { ":pk": activityKeys.userPartition(userId), ":prefix": prefix },
        ConsistentRead: true,
      });
      if (parts.length !== item.parts) return null;
      blob = Buffer.concat(parts.map((p) => p.data));
    } else return null;
    return fromJson(item.day, gunzipSync(blob).toString("utf8"));
  } catch {
    return null;
  }
}

/**
 * Stores a recomputed day if no ingest touched it since `dvRead` was read. Returns whether it
 * was stored. A day too large for one item (400 KB) is written as parts first, then the day
 * item is pointed at them in the one conditional write, so readers never see half a day.
 */
export async function writeDay(
  doc: Doc,
  table: string,
  userId: string,
  activity: DayActivity,
  dvRead: number,
  settingsKey: string,
  previous: DayItem | undefined,
  options: DayStoreOptions = {},
): Promise<boolean> {
  const json = toJson(activity);
  const previousJson = previous && isStoredWith(previous, settingsKey) ? await storedJson(doc, table, userId, previous) : null;
  const unchanged = previousJson === json;
  const blob = unchanged ? null : gzipSync(Buffer.from(json, "utf8"));
  const inlineMax = options.inlineMaxBytes ?? DAY_INLINE_MAX_BYTES;
  const partsId = blob && blob.length > inlineMax ? `${dvRead}-${crypto.randomUUID().slice(0, 8)}` : null;
  const partBlobs = partsId && blob ? splitBytes(blob, options.partBytes ?? DAY_PART_BYTES) : [];
  if (partsId) {
    await batchWrite(
      doc,
      table,
      partBlobs.map((data, i) => ({ put: { ...activityKeys.dayPart(userId, activity.day, partsId, i), data } })),
    );
  }

  const names: Record<string, string> = { "#day": "day" };
  const values: Record<string, unknown> = { ":dv": dvRead, ":settings": settingsKey, ":day": activity.day, ":now": new Date().toISOString() };
  const set = ["cv = :dv", "settings = :settings", "#day = :day", "dv = if_not_exists(dv, :dv)", "updatedAt = :now"];
  if (!unchanged || !previous?.totals) {
    set.push("totals = :totals");
    values[":totals"] = gzipSync(Buffer.from(JSON.stringify([activity.totalSeconds, activity.totals]), "utf8"));
  }
  if (!unchanged || previous?.proj === undefined) {
    set.push("proj = :proj");
    values[":proj"] = encodeProjectTimes(projectTimes(activity.sessions));
  }
  const remove: string[] = [];
  if (blob && !partsId) {
    set.push("#data = :data");
    names["#data"] = "data";
    values[":data"] = blob;
    remove.push("parts", "partsId");
  } else if (partsId) {
    set.push("parts = :parts", "partsId = :partsId");
    values[":parts"] = partBlobs.length;
    values[":partsId"] = partsId;
    remove.push("#data");
    names["#data"] = "data";
  }
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: activityKeys.day(userId, activity.day),
        UpdateExpression: `SET ${set.join(", ")}${remove.length ? ` REMOVE ${remove.join(", ")}` : ""}`,
        ConditionExpression: dvRead === 0 ? "attribute_not_exists(dv) OR dv = :dv" : "dv = :dv",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    if (partsId) await deleteParts(doc, table, userId, activity.day, partsId, partBlobs.length);
    return false;
  }
  // The parts the day pointed at before are garbage now (best effort: a reader that still
  // holds the old pointer finds them missing and recomputes).
  if (!unchanged && previous?.partsId && previous.parts && previous.partsId !== partsId) {
    await deleteParts(doc, table, userId, activity.day, previous.partsId, previous.parts).catch(() => undefined);
  }
  return true;
}

/** A day item's `proj` (project-days.ts): [project, codingMs, allMs] per project. */
export function encodeProjectTimes(times: readonly ProjectTime[]): string {
  return JSON.stringify(times.map((t) => [t.project, t.codingMs, t.allMs]));
}

function isStoredWith(item: DayItem, settingsKey: string): boolean {
  return item.settings === settingsKey && (item.data !== undefined || item.partsId !== undefined);
}

async function storedJson(doc: Doc, table: string, userId: string, item: DayItem): Promise<string | null> {
  const activity = await decodeDayItem(doc, table, userId, item);
  return activity ? toJson(activity) : null;
}

async function deleteParts(doc: Doc, table: string, userId: string, day: string, partsId: string, count: number): Promise<void> {
  const keys = Array.from({ length: count }, (_, i) => activityKeys.dayPart(userId, day, partsId, i));
  await batchWrite(doc, table, keys.map((key) => ({ delete: key })));
}

function splitBytes(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

/** Only the sessions are stored: totals are a pure function of them (core's rollUpDay). */
function toJson(activity: DayActivity): string {
  const compact: CompactSession[] = activity.sessions.map((s) => [s.start, s.end, s.project, s.language, s.editor, s.operatingSystem, s.machine, s.branch, s.category]);
  return JSON.stringify(compact);
}

function fromJson(day: string, json: string): DayActivity {
  const sessions: Session[] = (JSON.parse(json) as CompactSession[]).map((a) => ({
    day,
    start: a[0],
    end: a[1],
    project: a[2],
    language: a[3],
    editor: a[4],
    operatingSystem: a[5],
    machine: a[6],
    branch: a[7],
    category: a[8],
  }));
  return rollUpDay(day, sessions);
}

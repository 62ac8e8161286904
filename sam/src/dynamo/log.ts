import { PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { decodeHeartbeatDetail, encodeHeartbeatDetail, HEARTBEAT_PAGE_MAX_BYTES, storedBytes, takePage, type Heartbeat, type LogPosition, type StoredHeartbeat } from "@kodo/core";
import type { MergeInput } from "@kodo/core";
import { isConditionFailure, queryAll, type Doc } from "./client.ts";
import { activityKeys } from "./keys.ts";

/**
 * The raw heartbeat log: one item per distinct heartbeat. The merge dimensions and time are
 * top-level attributes (a merge reads only those, through a projection); everything else is
 * kept as JSON in `detail`.
 */
interface LogItem {
  pk: string;
  sk: string;
  time: number;
  entity: string;
  type: string;
  category: string;
  project: string | null;
  branch: string | null;
  language: string | null;
  editor: string | null;
  operatingSystem: string | null;
  machine: string | null;
  isWrite: boolean;
  detail: string;
  /** Epoch seconds when stored. */
  createdAt: number;
}

const MERGE_FIELDS = ["time", "project", "branch", "language", "editor", "operatingSystem", "machine", "category"] as const;

/** Stores the heartbeat unless an item with its key exists; true when it was new. */
export async function insertHeartbeat(doc: Doc, table: string, userId: string, dedupeKey: string, hb: Heartbeat, nowSeconds: number): Promise<boolean> {
  const item: LogItem = {
    ...activityKeys.heartbeat(userId, hb.time, dedupeKey),
    time: hb.time,
    entity: hb.entity,
    type: hb.type,
    category: hb.category,
    project: hb.project,
    branch: hb.branch,
    language: hb.language,
    editor: hb.editor,
    operatingSystem: hb.operatingSystem,
    machine: hb.machine,
    isWrite: hb.isWrite,
    detail: encodeHeartbeatDetail(hb),
    createdAt: nowSeconds,
  };
  try {
    await doc.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: "attribute_not_exists(pk)" }));
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

function rangeQuery(table: string, userId: string, from: number, to: number) {
  const { low, high } = activityKeys.logRange(from, to);
  return {
    TableName: table,
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :low AND :high",
    ExpressionAttributeValues: { ":pk": activityKeys.logPartition(userId), ":low": low, ":high": high },
    ConsistentRead: true,
  };
}

/** Heartbeats with `from <= time <= to`, in time order. */
export async function heartbeatsBetween(doc: Doc, table: string, userId: string, from: number, to: number): Promise<StoredHeartbeat[]> {
  const items = await queryAll<LogItem>(doc, rangeQuery(table, userId, from, to));
  return items.map(fromItem);
}

/**
 * One page of the heartbeats with `from <= time <= to` after `after` (keyset: the Query starts
 * after that sort key), bounded by count and bytes like the Cloudflare build (core paging.ts).
 */
export async function heartbeatPageBetween(
  doc: Doc,
  table: string,
  userId: string,
  from: number,
  to: number,
  after: LogPosition | null,
  limit: number,
): Promise<{ heartbeats: StoredHeartbeat[]; more: boolean }> {
  const items: LogItem[] = [];
  let bytes = 0;
  let startKey: Record<string, unknown> | undefined = after ? activityKeys.heartbeat(userId, after.time, after.id) : undefined;
  // Read until one item past the page (to know there is more) or the byte bound.
  while (items.length <= limit && bytes <= HEARTBEAT_PAGE_MAX_BYTES) {
    const page = await doc.send(new QueryCommand({ ...rangeQuery(table, userId, from, to), ExclusiveStartKey: startKey, Limit: limit + 1 - items.length }));
    for (const item of (page.Items ?? []) as LogItem[]) {
      items.push(item);
      bytes += storedBytes(item.entity, item.detail);
    }
    startKey = page.LastEvaluatedKey;
    if (!startKey) break;
  }
  const taken = takePage(items, limit, (i) => storedBytes(i.entity, i.detail));
  return { heartbeats: taken.rows.map(fromItem), more: taken.more || (startKey !== undefined && taken.rows.length === items.length) };
}

/** How many heartbeats have `from <= time <= to` (a COUNT Query: keys only, no items returned). */
export async function heartbeatCountBetween(doc: Doc, table: string, userId: string, from: number, to: number): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...rangeQuery(table, userId, from, to), Select: "COUNT", ExclusiveStartKey: startKey }));
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/** The fields merging needs, for a time window: a projection, lighter than whole items. */
export async function mergeInputsBetween(doc: Doc, table: string, userId: string, from: number, to: number): Promise<MergeInput[]> {
  const names = Object.fromEntries(MERGE_FIELDS.map((f) => [`#${f}`, f]));
  const items = await queryAll<MergeInput>(doc, {
    ...rangeQuery(table, userId, from, to),
    ProjectionExpression: MERGE_FIELDS.map((f) => `#${f}`).join(", "),
    ExpressionAttributeNames: names,
  });
  return items.map((i) => ({
    time: i.time,
    project: i.project ?? null,
    branch: i.branch ?? null,
    language: i.language ?? null,
    editor: i.editor ?? null,
    operatingSystem: i.operatingSystem ?? null,
    machine: i.machine ?? null,
    category: i.category,
  }));
}

/** Up to `limit` heartbeats after the sort key `afterSk` (or from the start), in (time, id) order. */
export async function heartbeatPageAfter(doc: Doc, table: string, userId: string, afterSk: string | null, limit: number): Promise<StoredHeartbeat[]> {
  const out: StoredHeartbeat[] = [];
  let startKey: Record<string, unknown> | undefined = afterSk ? { pk: activityKeys.logPartition(userId), sk: afterSk } : undefined;
  while (out.length < limit) {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        ExpressionAttributeValues: { ":pk": activityKeys.logPartition(userId) },
        ExclusiveStartKey: startKey,
        Limit: limit - out.length,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) out.push(fromItem(item as LogItem));
    startKey = page.LastEvaluatedKey;
    if (!startKey) break;
  }
  return out;
}

/** The earliest or latest heartbeat of the user's log, or null when it is empty. */
export async function edgeHeartbeat(doc: Doc, table: string, userId: string, which: "first" | "last"): Promise<StoredHeartbeat | null> {
  const res = await doc.send(
    new QueryCommand({
      TableName: table,
      KeyConditionExpression: "pk = :pk",
      ExpressionAttributeValues: { ":pk": activityKeys.logPartition(userId) },
      ScanIndexForward: which === "first",
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  const item = res.Items?.[0] as LogItem | undefined;
  return item ? fromItem(item) : null;
}

function fromItem(item: LogItem): StoredHeartbeat {
  return {
    id: item.sk.slice(item.sk.indexOf("#") + 1),
    time: item.time,
    entity: item.entity,
    type: item.type,
    category: item.category,
    project: item.project ?? null,
    branch: item.branch ?? null,
    language: item.language ?? null,
    editor: item.editor ?? null,
    operatingSystem: item.operatingSystem ?? null,
    machine: item.machine ?? null,
    isWrite: item.isWrite,
    ...decodeHeartbeatDetail(item.detail),
    createdAt: new Date(item.createdAt * 1000).toISOString(),
  };
}

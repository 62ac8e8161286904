/**
 * Deleting heartbeats on DynamoDB (core accounts/heartbeat-deletion.ts), the same bounded chunk
 * as the Cloudflare build: the log items go first, then every day they can change is bumped
 * (as an ingest does), so its sessions are recomputed from the log on the next read and a day
 * left empty reads as no day; last, the projects and machines seen are re-read.
 */
import { DeleteCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { dayOf, daysAffectedBy, DELETE_MAX_DAYS, DELETE_MAX_HEARTBEATS, mergeSettingsOf, wholeProjectOf, type DeletionChunk, type HeartbeatDeletion, type User } from "@kodo/core";
import { batchWrite, isConditionFailure, type Doc } from "./client.ts";
import { bumpDays } from "./days.ts";
import { settingsFromKey, settingsKeyOf, touchHead } from "./head.ts";
import { activityKeys } from "./keys.ts";

interface Candidate {
  pk: string;
  sk: string;
  time: number;
  project?: string | null;
  machine?: string | null;
}

export async function deleteHeartbeatChunk(doc: Doc, table: string, user: User, which: HeartbeatDeletion): Promise<DeletionChunk> {
  const settings = mergeSettingsOf(user);
  const { low, high } = activityKeys.logRange(which.from, which.to - 0.001);
  const ids = which.ids ? new Set(which.ids) : null;
  const taken: Candidate[] = [];
  const days = new Set<string>();
  let more = false;
  let startKey: Record<string, unknown> | undefined;
  scan: do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :low AND :high",
        ...(which.project !== undefined ? { FilterExpression: "#project = :project" } : {}),
        ExpressionAttributeValues: { ":pk": activityKeys.logPartition(user.id), ":low": low, ":high": high, ...(which.project !== undefined ? { ":project": which.project } : {}) },
        // Attribute names as placeholders: some (time) are DynamoDB reserved words.
        ProjectionExpression: "pk, sk, #time, #project, #machine",
        ExpressionAttributeNames: { "#time": "time", "#project": "project", "#machine": "machine" },
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    for (const item of (page.Items ?? []) as Candidate[]) {
      if (ids && !ids.has(item.sk.slice(item.sk.indexOf("#") + 1))) continue;
      const day = dayOf(item.time, settings.timeZone);
      if (taken.length >= DELETE_MAX_HEARTBEATS || (!days.has(day) && days.size >= DELETE_MAX_DAYS)) {
        more = true;
        break scan;
      }
      days.add(day);
      taken.push(item);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  if (taken.length === 0) return { deleted: 0, more: false };

  await batchWrite(doc, table, taken.map((t) => ({ delete: { pk: t.pk, sk: t.sk } })));
  // The days these heartbeats could change, under every settings the head keeps days for.
  const head = await touchHead(doc, table, user.id, settingsKeyOf(settings));
  const keys = new Set([settingsKeyOf(settings), head.settings, head.rebuild?.settings].filter((k): k is string => typeof k === "string"));
  const stale = new Set<string>();
  for (const key of keys) for (const t of taken) for (const day of daysAffectedBy(t.time, settingsFromKey(key))) stale.add(day);
  await bumpDays(doc, table, user.id, [...stale]);

  const touched = new Map<string, { kind: "project" | "machine"; value: string }>();
  for (const t of taken) {
    if (t.project != null) touched.set(`p\u0000${t.project}`, { kind: "project", value: t.project });
    if (t.machine != null) touched.set(`m\u0000${t.machine}`, { kind: "machine", value: t.machine });
  }
  const whole = wholeProjectOf(which);
  for (const t of touched.values()) {
    if (t.kind === "project" && t.value === whole) {
      if (!more) await doc.send(new DeleteCommand({ TableName: table, Key: activityKeys.seen(user.id, "project", whole) }));
    } else await refreshSeen(doc, table, user.id, t.kind, t.value);
  }
  return { deleted: taken.length, more };
}

/** The first or last remaining log item with this value (a filtered Query from that end of the log). */
async function edgeTime(doc: Doc, table: string, userId: string, column: "project" | "machine", value: string, forward: boolean): Promise<number | null> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: "pk = :pk",
        FilterExpression: "#col = :value",
        ExpressionAttributeNames: { "#col": column, "#time": "time" },
        ExpressionAttributeValues: { ":pk": activityKeys.logPartition(userId), ":value": value },
        ProjectionExpression: "#time",
        ScanIndexForward: forward,
        ExclusiveStartKey: startKey,
        ConsistentRead: true,
      }),
    );
    const item = page.Items?.[0] as { time: number } | undefined;
    if (item) return item.time;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return null;
}

async function refreshSeen(doc: Doc, table: string, userId: string, kind: "project" | "machine", value: string): Promise<void> {
  const Key = activityKeys.seen(userId, kind, value);
  const first = await edgeTime(doc, table, userId, kind, value, true);
  if (first === null) {
    await doc.send(new DeleteCommand({ TableName: table, Key }));
    return;
  }
  const last = (await edgeTime(doc, table, userId, kind, value, false)) ?? first;
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key,
        UpdateExpression: "SET firstSeen = :first, lastSeen = :last",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":first": first, ":last": last },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err; // no seen item to correct
  }
}

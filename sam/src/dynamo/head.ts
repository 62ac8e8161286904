import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { MergeSettings } from "@kodo/core";
import { isConditionFailure, type Doc } from "./client.ts";
import { activityKeys } from "./keys.ts";

/**
 * The user's head item says which settings (time zone, keystroke timeout) the day items are
 * complete for: every local day with heartbeats under `settings` has a day item. After a
 * change of settings a rebuild recomputes every day under the new ones (`rebuild`), and only
 * then does `settings` move.
 */
export interface HeadItem {
  settings: string;
  /** Incremented by every ingest: its update is where an ingest learns the settings in force. */
  seq?: number;
  rebuild?: { settings: string; firstDay?: string; cursorDay: string; lastDay: string };
}

export function settingsKeyOf(s: MergeSettings): string {
  return `${s.timeZone}|${s.keystrokeTimeoutMinutes}`;
}

export function settingsFromKey(key: string): MergeSettings {
  const i = key.lastIndexOf("|");
  return { timeZone: key.slice(0, i), keystrokeTimeoutMinutes: Number(key.slice(i + 1)) };
}

/**
 * Called by every ingest after its heartbeats are stored and before it marks days stale. The
 * update is atomic, so it orders the ingest against rebuilds: an ingest that comes after a
 * rebuild started sees it here and marks the new settings' days stale too.
 */
export async function touchHead(doc: Doc, table: string, userId: string, current: string): Promise<HeadItem> {
  const res = await doc.send(
    new UpdateCommand({
      TableName: table,
      Key: activityKeys.head(userId),
      UpdateExpression: "SET settings = if_not_exists(settings, :s) ADD seq :one",
      ExpressionAttributeValues: { ":s": current, ":one": 1 },
      ReturnValues: "ALL_NEW",
    }),
  );
  return res.Attributes as HeadItem;
}

export async function readHead(doc: Doc, table: string, userId: string, current: string): Promise<HeadItem> {
  const res = await doc.send(new GetCommand({ TableName: table, Key: activityKeys.head(userId), ConsistentRead: true }));
  if (res.Item) return res.Item as HeadItem;
  // No head yet means no heartbeat yet: the current settings are trivially complete.
  const created = await doc.send(
    new UpdateCommand({
      TableName: table,
      Key: activityKeys.head(userId),
      UpdateExpression: "SET settings = if_not_exists(settings, :s)",
      ExpressionAttributeValues: { ":s": current },
      ReturnValues: "ALL_NEW",
    }),
  );
  return created.Attributes as HeadItem;
}

/** Records a rebuild's start or progress, unless another rebuild for other settings took over. */
export async function saveRebuild(doc: Doc, table: string, userId: string, rebuild: NonNullable<HeadItem["rebuild"]>, expectedSettings: string | null): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: activityKeys.head(userId),
        UpdateExpression: "SET #rebuild = :r",
        ConditionExpression: expectedSettings === null ? "attribute_not_exists(#rebuild)" : "#rebuild.settings = :expected",
        // "rebuild" is one of DynamoDB's reserved words.
        ExpressionAttributeNames: { "#rebuild": "rebuild" },
        ExpressionAttributeValues: { ":r": rebuild, ...(expectedSettings === null ? {} : { ":expected": expectedSettings }) },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Ends a rebuild: the day items are now complete for `settings`. */
export async function finishRebuild(doc: Doc, table: string, userId: string, settings: string): Promise<void> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: activityKeys.head(userId),
        UpdateExpression: "SET settings = :s REMOVE #rebuild",
        ConditionExpression: "attribute_not_exists(#rebuild) OR #rebuild.settings = :s",
        ExpressionAttributeNames: { "#rebuild": "rebuild" },
        ExpressionAttributeValues: { ":s": settings },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

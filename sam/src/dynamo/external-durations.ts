/**
 * External durations on DynamoDB (core external/external-durations.ts), in the activity table's
 * user partition (so account deletion, which empties that partition, removes them):
 * - `EXT#<start time key>#<id>`: the duration, sorted by start, so a time window is one Query
 *   (a duration lasts at most 24 h: the window's items start within [from - 24 h, to));
 * - `EXTID#<id>`: where the duration with this id is (its start key), for replacing and deleting;
 * - `EXTCOUNT`: how many the user holds, updated under a condition that keeps it at most the cap.
 */
import { BatchGetCommand, DeleteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { MAX_EXTERNAL_SECONDS, type ExternalDuration, type ExternalDurationStore, type ExternalWriteOutcome } from "@kodo/core";
import { batchWrite, isConditionFailure, queryAll, type Doc } from "./client.ts";
import { activityKeys, timeKey } from "./keys.ts";

const pk = (userId: string) => activityKeys.userPartition(userId);
const itemSk = (d: Pick<ExternalDuration, "startTime" | "id">) => `EXT#${timeKey(d.startTime)}#${d.id}`;
const idSk = (id: string) => `EXTID#${id}`;
const COUNT_SK = "EXTCOUNT";

async function locations(doc: Doc, table: string, userId: string, ids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 100) {
    const keys = ids.slice(i, i + 100).map((id) => ({ pk: pk(userId), sk: idSk(id) }));
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = { [table]: { Keys: keys, ConsistentRead: true } };
    while (request && Object.keys(request).length > 0) {
      const page = await doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of page.Responses?.[table] ?? []) out.set(String(item.sk).slice("EXTID#".length), String(item.itemSk));
      request = page.UnprocessedKeys as typeof request;
    }
  }
  return out;
}

/** Adds `delta` to the user's count unless it would pass `max`; false when it would. */
async function count(doc: Doc, table: string, userId: string, delta: number, max: number): Promise<boolean> {
  try {
    await doc.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: pk(userId), sk: COUNT_SK },
        UpdateExpression: "ADD n :delta",
        ...(delta > 0 ? { ConditionExpression: "attribute_not_exists(n) OR n <= :limit", ExpressionAttributeValues: { ":delta": delta, ":limit": max - delta } } : { ExpressionAttributeValues: { ":delta": delta } }),
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

export function dynamoExternalDurations(doc: Doc, options: { table: string; max: number }): ExternalDurationStore {
  const { table } = options;
  return {
    async put(user, items): Promise<ExternalWriteOutcome[] | null> {
      const where = await locations(doc, table, user.id, items.map((d) => d.id));
      const fresh = items.filter((d) => !where.has(d.id)).length;
      if (fresh > 0 && !(await count(doc, table, user.id, fresh, options.max))) return null;
      const writes: Parameters<typeof batchWrite>[2] = [];
      for (const d of items) {
        const sk = itemSk(d);
        const old = where.get(d.id);
        if (old !== undefined && old !== sk) writes.push({ delete: { pk: pk(user.id), sk: old } });
        writes.push({ put: { pk: pk(user.id), sk, ...d } });
        writes.push({ put: { pk: pk(user.id), sk: idSk(d.id), itemSk: sk } });
      }
      await batchWrite(doc, table, writes);
      return items.map((d) => (where.has(d.id) ? "updated" : "created"));
    },

    async between(user, from, to) {
      const items = await queryAll<ExternalDuration & { pk: string; sk: string }>(doc, {
        TableName: table,
        KeyConditionExpression: "pk = :pk AND sk BETWEEN :low AND :high",
        ExpressionAttributeValues: { ":pk": pk(user.id), ":low": `EXT#${timeKey(from - MAX_EXTERNAL_SECONDS)}`, ":high": `EXT#${timeKey(to)}` },
        ConsistentRead: true,
      });
      return items
        .filter((d) => d.startTime < to && d.endTime > from)
        .map(({ pk: _pk, sk: _sk, ...d }) => d as ExternalDuration);
    },

    async delete(user, id) {
      const gone = await doc.send(new DeleteCommand({ TableName: table, Key: { pk: pk(user.id), sk: idSk(id) }, ReturnValues: "ALL_OLD" }));
      if (!gone.Attributes) return false;
      await doc.send(new DeleteCommand({ TableName: table, Key: { pk: pk(user.id), sk: String(gone.Attributes.itemSk) } }));
      await count(doc, table, user.id, -1, options.max);
      return true;
    },
  };
}

import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Heartbeat, SeenValue } from "@kodo/core";
import { isConditionFailure, queryAll, type Doc } from "./client.ts";
import { activityKeys } from "./keys.ts";
import { WRITE_CONCURRENCY } from "./limits.ts";
import { mapLimit } from "./pool.ts";

export type SeenKind = "project" | "userAgent" | "machine";

/**
 * Projects, user agents and machines seen, one item per value with the first and last
 * heartbeat times. DynamoDB has no min()/max() in update expressions, so each bound is a
 * conditional write that only moves it outward; retries and races can only widen it to the
 * true bounds, never narrow it.
 */
export async function noteSeen(doc: Doc, table: string, userId: string, heartbeats: readonly Heartbeat[]): Promise<void> {
  const bounds = new Map<string, { kind: SeenKind; value: string; first: number; last: number }>();
  for (const hb of heartbeats) {
    for (const [kind, value] of [["project", hb.project], ["userAgent", hb.userAgent], ["machine", hb.machine]] as const) {
      if (value === null) continue;
      const id = `${kind}\u0000${value}`;
      const b = bounds.get(id);
      if (!b) bounds.set(id, { kind, value, first: hb.time, last: hb.time });
      else {
        b.first = Math.min(b.first, hb.time);
        b.last = Math.max(b.last, hb.time);
      }
    }
  }
  await mapLimit([...bounds.values()], WRITE_CONCURRENCY, async (b) => {
    const Key = activityKeys.seen(userId, b.kind, b.value);
    // Raises lastSeen (creating the item, with firstSeen, when new)...
    await conditional(() =>
      doc.send(
        new UpdateCommand({
          TableName: table,
          Key,
          UpdateExpression: "SET lastSeen = :last, firstSeen = if_not_exists(firstSeen, :first), #kind = :kind, #value = :value",
          ConditionExpression: "attribute_not_exists(lastSeen) OR lastSeen < :last",
          ExpressionAttributeNames: { "#kind": "kind", "#value": "value" },
          ExpressionAttributeValues: { ":last": b.last, ":first": b.first, ":kind": b.kind, ":value": b.value },
        }),
      ),
    );
    // ...then lowers firstSeen (the item exists by now, whoever created it).
    await conditional(() =>
      doc.send(
        new UpdateCommand({
          TableName: table,
          Key,
          UpdateExpression: "SET firstSeen = :first",
          ConditionExpression: "firstSeen > :first",
          ExpressionAttributeValues: { ":first": b.first },
        }),
      ),
    );
  });
}

async function conditional(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

export async function readSeen(doc: Doc, table: string, userId: string, kind: SeenKind): Promise<SeenValue[]> {
  const items = await queryAll<{ value: string; firstSeen: number; lastSeen: number }>(doc, {
    TableName: table,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :prefix)",
    ExpressionAttributeValues: { ":pk": activityKeys.userPartition(userId), ":prefix": activityKeys.seenPrefix(kind) },
    ConsistentRead: true,
  });
  return items.map((i) => ({ value: i.value, firstSeen: i.firstSeen, lastSeen: i.lastSeen }));
}

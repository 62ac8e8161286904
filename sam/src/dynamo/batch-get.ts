/** BatchGetItem with chunking and retries (its own module: the relay drain, which imports client.ts, has no BatchGetItem permission). */
import { BatchGetCommand } from "@aws-sdk/lib-dynamodb";
import { sleep, type Doc } from "./client.ts";
import { BATCH_GET_MAX } from "./limits.ts";
import { chunk } from "./pool.ts";

/** The items of these keys that exist (any order), in BatchGetItem calls of 100, retrying what DynamoDB leaves unprocessed. */
export async function batchGetAll<T = Record<string, unknown>>(doc: Doc, table: string, keys: readonly Record<string, unknown>[], read: { ConsistentRead?: boolean; ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> } = {}): Promise<T[]> {
  const items: T[] = [];
  for (const group of chunk(keys, BATCH_GET_MAX)) {
    let pending: Record<string, unknown>[] = group;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (attempt > 0) await sleep(Math.min(1000, 25 * 2 ** attempt) * Math.random());
      const res = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ...read } } }));
      items.push(...((res.Responses?.[table] ?? []) as T[]));
      pending = res.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }
  return items;
}


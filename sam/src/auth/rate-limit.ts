/**
 * Sign-in rate limits that hold across Lambda containers: Better Auth's
 * `rateLimit.customStorage` on one DynamoDB item per key (`RATE#<key>`), keys like
 * "<ip>|/sign-in/magic-link" or "email|<address>". The window is fixed from its first request,
 * as in Better Auth's own storages and the Worker's Durable Object: `max` calls per `window`
 * seconds, then 429 until the window ends. Each step is one conditional write, so two
 * containers can never both take the last call of a window; TTL removes idle keys.
 */
import type { BetterAuthRateLimitStorage } from "better-auth";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure, type Doc } from "../dynamo/client.ts";

export const rateLimitKey = (key: string) => ({ pk: `RATE#${key}`, sk: "RATE" });

export function dynamoRateLimitStorage(doc: Doc, table: string, now: () => number = Date.now): BetterAuthRateLimitStorage {
  return {
    async consume(key, rule) {
      const Key = rateLimitKey(key);
      for (let attempt = 0; attempt < 5; attempt++) {
        const at = now();
        // 1. One more call in the live window, while it has room.
        try {
          await doc.send(
            new UpdateCommand({
              TableName: table,
              Key,
              UpdateExpression: "ADD #count :one",
              ConditionExpression: "attribute_exists(pk) AND #end > :now AND #count < :max",
              ExpressionAttributeNames: { "#count": "count", "#end": "endMs" },
              ExpressionAttributeValues: { ":one": 1, ":now": at, ":max": rule.max },
            }),
          );
          return { allowed: true, retryAfter: null };
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
        // 2. No window, or an ended one: start a new window with this call.
        const endMs = at + rule.window * 1000;
        try {
          await doc.send(
            new PutCommand({
              TableName: table,
              Item: { ...Key, count: 1, endMs, ttl: Math.ceil(endMs / 1000) + 60 },
              ConditionExpression: "attribute_not_exists(pk) OR #end <= :now",
              ExpressionAttributeNames: { "#end": "endMs" },
              ExpressionAttributeValues: { ":now": at },
            }),
          );
          return { allowed: true, retryAfter: null };
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
        // 3. A live window refused step 1: full, unless another call started it meanwhile.
        const item = (await doc.send(new GetCommand({ TableName: table, Key, ConsistentRead: true }))).Item as { count: number; endMs: number } | undefined;
        if (item && item.endMs > now() && item.count >= rule.max) return { allowed: false, retryAfter: Math.max(1, Math.ceil((item.endMs - now()) / 1000)) };
      }
      // Contention this high on one key is itself abuse.
      return { allowed: false, retryAfter: 1 };
    },
  };
}

import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { mergeSettingsOf, type ActivityAdmin } from "@kodo/core";
import { batchWrite, queryAll, type Doc } from "./client.ts";
import type { DayStoreOptions } from "./days.ts";
import { activityKeys, timeKey } from "./keys.ts";
import { heartbeatPageAfter } from "./log.ts";
import { deleteHeartbeatChunk } from "./deletion.ts";
import { ensureSettings, rebuildProgress, type MergeContext } from "./merge.ts";
import { deleteLegacyBoardRows } from "./legacy-board-days.ts";
import { deleteStandings, markStandingDirty } from "./standings.ts";

/**
 * How long adopting new settings recomputes before answering; the rest continues on the
 * user's next reads (Lambda has no background work after the response).
 */
const ADOPT_BUDGET_MS = 5_000;

/** The ActivityAdmin port on DynamoDB: paging the raw log (export), settings changes, erasure. */
export function dynamoActivityAdmin(doc: Doc, options: DayStoreOptions & { table: string }): ActivityAdmin {
  const ctx: MergeContext = { doc, table: options.table, options };
  return {
    heartbeatPage: (user, after, limit) => heartbeatPageAfter(doc, options.table, user.id, after ? `${timeKey(after.time)}#${after.id}` : null, limit),

    async heartbeatCount(user) {
      let count = 0;
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName: options.table,
            KeyConditionExpression: "pk = :pk",
            ExpressionAttributeValues: { ":pk": activityKeys.logPartition(user.id) },
            Select: "COUNT",
            ExclusiveStartKey: startKey,
          }),
        );
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return count;
    },

    adoptSettings: (user) => ensureSettings(ctx, user.id, mergeSettingsOf(user), Date.now() + ADOPT_BUDGET_MS),

    recomputeProgress: (user) => rebuildProgress(ctx, user.id, mergeSettingsOf(user)),

    async deleteHeartbeats(user, which) {
      const chunk = await deleteHeartbeatChunk(doc, options.table, user, which);
      if (options.boardTable) await markStandingDirty(doc, options.boardTable, user.id); // its days were marked stale
      return chunk;
    },

    async deleteAll(user) {
      // Board standings, and legacy board rows first: those are found through the day items deleted below.
      if (options.boardTable) {
        await deleteLegacyBoardRows(doc, options.table, options.boardTable, user.id);
        await deleteStandings(doc, options.boardTable, user.id);
      }
      // The log first: the user partition's head and days are what a retry would need to find nothing left.
      for (const pk of [activityKeys.logPartition(user.id), activityKeys.userPartition(user.id)]) {
        const keys = await queryAll<{ pk: string; sk: string }>(doc, {
          TableName: options.table,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": pk },
          ProjectionExpression: "pk, sk",
          ConsistentRead: true,
        });
        await batchWrite(doc, options.table, keys.map((k) => ({ delete: { pk: k.pk, sk: k.sk } })));
      }
    },
  };
}

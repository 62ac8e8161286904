/**
 * What is left of the issue-14 board build on a stack deployed before issue 16: compact board
 * rows `BD#<day>` / `<userId>` (a day's coding and language seconds) and `BOARD` / `DIRTY#<userId>`
 * marks. Nothing writes or reads them any more (boards read the stored standings,
 * standings.ts); they stay in an upgraded table until `npm run backfill:standings -w sam --
 * --drop-legacy` removes them. Until then account deletion removes the user's own, so no row
 * naming a deleted user survives.
 */
import { batchWrite, queryAll, type Doc } from "./client.ts";
import { activityKeys } from "./keys.ts";

export const legacyBoardKeys = {
  day: (day: string, userId: string) => ({ pk: `BD#${day}`, sk: userId }),
  dirty: (userId: string) => ({ pk: "BOARD", sk: `DIRTY#${userId}` }),
};

/** Removes the user's legacy rows (account deletion): their days are found through the user's day items. */
export async function deleteLegacyBoardRows(doc: Doc, activityTable: string, boardTable: string, userId: string): Promise<void> {
  const days = await queryAll<{ day: string }>(doc, {
    TableName: activityTable,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
    ExpressionAttributeValues: { ":pk": activityKeys.userPartition(userId), ":p": "DAY#" },
    ProjectionExpression: "#d",
    ExpressionAttributeNames: { "#d": "day" },
    ConsistentRead: true,
  });
  await batchWrite(doc, boardTable, [...days.map((d) => ({ delete: legacyBoardKeys.day(d.day, userId) })), { delete: legacyBoardKeys.dirty(userId) }]);
}

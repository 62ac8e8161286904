/**
 * Compact board days (issue 14): what leaderboards read instead of every member's day items.
 * When the activity store stores a derived day it also writes `BD#<day>` / `<userId>` in the
 * social table: the day's coding seconds and seconds per language, nothing else (~100 bytes
 * against a day item's 1-3 KB of gzip'd totals and sessions). A board over a range is then one
 * Query per day of the range, whoever is on it.
 *
 * Days are derived on read, so an ingest also marks its user dirty for the board
 * (`BOARD` / `DIRTY#<userId>`, written after the days are marked stale); a board rebuild derives
 * the days of its dirty members first (social-board.ts). Each row carries the day's `dv` it was
 * derived at and is only replaced by a row of an equal or later one, so a slow, older merge
 * never overwrites a newer row.
 */
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { DayActivity } from "@kodo/core";
import { batchWrite, isConditionFailure, queryAll, type Doc } from "./client.ts";
import { activityKeys } from "./keys.ts";
import { deleteStandings, markStandingDirty } from "./standings.ts";

export const boardKeys = {
  day: (day: string, userId: string) => ({ pk: `BD#${day}`, sk: userId }),
  dayPartition: (day: string) => `BD#${day}`,
  dirty: (userId: string) => ({ pk: "BOARD", sk: `DIRTY#${userId}` }),
};

export interface BoardDayItem {
  pk: string;
  sk: string;
  /** Coding seconds of the day. */
  c: number;
  /** Seconds per language (all categories), as in the day's totals. */
  l: Record<string, number>;
  v: number;
}

/** Stores (or, for a day without time, removes) the compact row of a day just derived at `version`. */
export async function writeBoardDay(doc: Doc, table: string, userId: string, activity: DayActivity, version: number): Promise<void> {
  const key = boardKeys.day(activity.day, userId);
  try {
    if (activity.totalSeconds <= 0) {
      await doc.send(new DeleteCommand({ TableName: table, Key: key, ConditionExpression: "attribute_not_exists(pk) OR v <= :v", ExpressionAttributeValues: { ":v": version } }));
      return;
    }
    await doc.send(
      new PutCommand({
        TableName: table,
        Item: { ...key, c: activity.totals.category["coding"] ?? 0, l: activity.totals.language, v: version },
        ConditionExpression: "attribute_not_exists(pk) OR v <= :v",
        ExpressionAttributeValues: { ":v": version },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err; // a newer derive got there first
  }
}

/** Marks the user's board days possibly stale (after their days were marked stale). */
export async function markBoardDirty(doc: Doc, table: string, userId: string): Promise<void> {
  await doc.send(new PutCommand({ TableName: table, Item: { ...boardKeys.dirty(userId), userId, at: Date.now() } }));
  // The stored standings' own mark (standings.ts), drained by the scheduled drainer.
  await markStandingDirty(doc, table, userId);
}

/** Clears the mark if nothing marked the user again since `at`. */
export async function clearBoardDirty(doc: Doc, table: string, userId: string, at: number): Promise<void> {
  await doc
    .send(new DeleteCommand({ TableName: table, Key: boardKeys.dirty(userId), ConditionExpression: "#at = :at", ExpressionAttributeNames: { "#at": "at" }, ExpressionAttributeValues: { ":at": at } }))
    .catch((err: unknown) => {
      if (!isConditionFailure(err)) throw err;
    });
}

/** Removes every compact row of the user (account deletion): the days are found through the user's day items. */
export async function deleteBoardDays(doc: Doc, activityTable: string, boardTable: string, userId: string): Promise<void> {
  const days = await queryAll<{ day: string }>(doc, {
    TableName: activityTable,
    KeyConditionExpression: "pk = :pk AND begins_with(sk, :p)",
    ExpressionAttributeValues: { ":pk": activityKeys.userPartition(userId), ":p": "DAY#" },
    ProjectionExpression: "#d",
    ExpressionAttributeNames: { "#d": "day" },
    ConsistentRead: true,
  });
  await batchWrite(doc, boardTable, [...days.map((d) => ({ delete: boardKeys.day(d.day, userId) })), { delete: boardKeys.dirty(userId) }]);
  await deleteStandings(doc, boardTable, userId);
}

/**
 * Board reads from the stored standings (issue 16; standings.ts writes them): a page of a
 * global or language board is one Query per shard of the range's sparse GSI and a merge
 * (standing-keys.ts), its total the `BCOUNT` item, a user's rank the `COUNT` of keys before
 * theirs on each shard; a friends or team board is a BatchGet of the members' items, ranked
 * here. The social port does not read through this module yet (sam/README.md,
 * "Leaderboards", item 7): it is tested against the port's current build on the same data.
 */
import { BatchGetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { BoardQuery, LeaderboardRange, LeaderboardRow } from "@kodo/core/social";
import type { Doc } from "./client.ts";
import { BATCH_GET_MAX } from "./limits.ts";
import { chunk, mapLimit } from "./pool.ts";
import { boardPartitions, mergeShardPages } from "./standing-keys.ts";
import { RANGE_CODES, standingItemKeys, type StandingItem } from "./standings.ts";
import { getItem } from "./social-table.ts";

/** The GSI of each range (template.yaml). */
export const STANDING_INDEXES: Record<LeaderboardRange, string> = {
  last_7_days: "StandingsL7",
  last_30_days: "StandingsL30",
  this_week: "StandingsThisWeek",
  this_month: "StandingsThisMonth",
};

function rowOf(item: Record<string, unknown>, range: LeaderboardRange): LeaderboardRow {
  const c = RANGE_CODES[range];
  return {
    user: { id: String(item.userId), username: String(item.username), displayName: (item.displayName as string | null | undefined) ?? null },
    cappedSeconds: Number(item[`s${c}`] ?? 0),
    flagged: item[`f${c}`] === true,
    sharesLanguages: item.sharesLanguages !== false,
    days: Number(item[`d${c}`] ?? 1),
  };
}

const byRank = (a: LeaderboardRow, b: LeaderboardRow) =>
  b.cappedSeconds - a.cappedSeconds || (a.user.username < b.user.username ? -1 : a.user.username > b.user.username ? 1 : 0);

export function standingReads(doc: Doc, table: string) {
  /** Members' rows of a friends/team board: their items by key, listed by each one's sharing. */
  async function membersRanked(q: BoardQuery & { userIds: string[] }): Promise<LeaderboardRow[]> {
    const items: Record<string, unknown>[] = [];
    for (const ids of chunk([...new Set(q.userIds)], BATCH_GET_MAX)) {
      let keys: Record<string, unknown>[] = ids.map((id) => standingItemKeys.standing(id, q.language));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 10) throw new Error("BatchGetItem left keys unprocessed");
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt) * Math.random()));
        const res = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys } } }));
        items.push(...(res.Responses?.[table] ?? []));
        keys = res.UnprocessedKeys?.[table]?.Keys ?? [];
      }
    }
    return items
      .filter((i) => q.language === null || i.sharesLanguages !== false)
      .map((i) => rowOf(i, q.range))
      .filter((r) => r.cappedSeconds > 0)
      .sort(byRank);
  }

  async function total(range: LeaderboardRange, language: string | null): Promise<number> {
    return Math.max(0, (await getItem<{ n?: number }>(doc, table, standingItemKeys.count(range, language)))?.n ?? 0);
  }

  return {
    async page(q: BoardQuery & { offset: number; limit: number }): Promise<{ total: number; rows: LeaderboardRow[] }> {
      if (q.userIds) {
        const rows = await membersRanked({ ...q, userIds: q.userIds });
        return { total: rows.length, rows: rows.slice(q.offset, q.offset + q.limit) };
      }
      const c = RANGE_CODES[q.range];
      const want = q.offset + q.limit;
      const [shards, n] = await Promise.all([
        mapLimit(boardPartitions(q.language), 16, async (pk) => {
          const out: { sk: string; item: Record<string, unknown> }[] = [];
          let startKey: Record<string, unknown> | undefined;
          do {
            const res = await doc.send(
              new QueryCommand({
                TableName: table,
                IndexName: STANDING_INDEXES[q.range],
                KeyConditionExpression: "#pk = :pk",
                ExpressionAttributeNames: { "#pk": `g${c}pk` },
                ExpressionAttributeValues: { ":pk": pk },
                Limit: want - out.length,
                ExclusiveStartKey: startKey,
              }),
            );
            for (const item of res.Items ?? []) out.push({ sk: String(item[`g${c}sk`]), item });
            startKey = res.LastEvaluatedKey;
          } while (startKey && out.length < want);
          return out;
        }),
        total(q.range, q.language),
      ]);
      return { total: n, rows: mergeShardPages(shards, q.offset, q.limit).map((s) => rowOf(s.item, q.range)) };
    },

    async entry(q: BoardQuery, userId: string): Promise<{ rank: number; row: LeaderboardRow } | null> {
      if (q.userIds) {
        const rows = await membersRanked({ ...q, userIds: q.userIds });
        const i = rows.findIndex((r) => r.user.id === userId);
        return i < 0 ? null : { rank: i + 1, row: rows[i]! };
      }
      const c = RANGE_CODES[q.range];
      const item = await getItem<StandingItem>(doc, table, standingItemKeys.standing(userId, q.language));
      const sk = item?.[`g${c}sk`];
      if (!item || typeof sk !== "string") return null; // not listed on this board
      const before = await mapLimit(boardPartitions(q.language), 16, async (pk) => {
        let count = 0;
        let startKey: Record<string, unknown> | undefined;
        do {
          const res = await doc.send(
            new QueryCommand({
              TableName: table,
              IndexName: STANDING_INDEXES[q.range],
              KeyConditionExpression: "#pk = :pk AND #sk < :sk",
              ExpressionAttributeNames: { "#pk": `g${c}pk`, "#sk": `g${c}sk` },
              ExpressionAttributeValues: { ":pk": pk, ":sk": sk },
              Select: "COUNT",
              ExclusiveStartKey: startKey,
            }),
          );
          count += res.Count ?? 0;
          startKey = res.LastEvaluatedKey;
        } while (startKey);
        return count;
      });
      return { rank: before.reduce((a, b) => a + b, 0) + 1, row: rowOf(item, q.range) };
    },
  };
}


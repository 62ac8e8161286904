/**
 * Board reads from the stored standings (issue 16; standings.ts writes them; access pattern in
 * docs/scale.md, "AWS"):
 * - a page of a global or language board: one Query of `offset + limit` keys per shard of the
 *   range's sparse GSI, merged (standing-keys.ts); its total: the `BCOUNT` item;
 * - a user's rank: the entries of higher rank buckets (one Query of the board's `BHIST#`
 *   histogram, at most RANK_BUCKETS small items) plus, per shard, the keys of the user's own
 *   bucket before theirs (key attribute only): bounded by one bucket's population, not by the board;
 * - a friends or team board: a BatchGet of the members' items, ranked here;
 * - the languages of a page's users: a BatchGet of their all-coding-time items (`langs`).
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { LEADERBOARD_RANGES, type BoardQuery, type LeaderboardRange, type LeaderboardRow } from "@kodo/core/social";
import { batchGetAll } from "./batch-get.ts";
import { queryAll, type Doc } from "./client.ts";
import { mapLimit } from "./pool.ts";
import { boardPartitions, bucketKey, bucketTopKey, mergeShardPages, rankBucket } from "./standing-keys.ts";
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
    const items = await batchGetAll(doc, table, [...new Set(q.userIds)].map((id) => standingItemKeys.standing(id, q.language)));
    return items
      .filter((i) => q.language === null || i.sharesLanguages !== false)
      .map((i) => rowOf(i, q.range))
      .filter((r) => r.cappedSeconds > 0)
      .sort(byRank);
  }

  async function total(range: LeaderboardRange, language: string | null): Promise<number> {
    return Math.max(0, (await getItem<{ n?: number }>(doc, table, standingItemKeys.count(range, language)))?.n ?? 0);
  }

  /** The GSI Query of one shard of a board (more time first). */
  const shardQuery = (q: BoardQuery, pk: string, condition = "", values: Record<string, unknown> = {}) => {
    const c = RANGE_CODES[q.range];
    return {
      TableName: table,
      IndexName: STANDING_INDEXES[q.range],
      KeyConditionExpression: `#pk = :pk${condition}`,
      ExpressionAttributeNames: { "#pk": `g${c}pk`, ...(condition ? { "#sk": `g${c}sk` } : {}) },
      ExpressionAttributeValues: { ":pk": pk, ...values },
    };
  };

  /**
   * Each shard's first keys, enough for the first `want` of the board: every shard is read in
   * steps of about its share (want / shards, plus slack), and only a shard whose last key read
   * still sorts before the merged `want`-th key (so it may hold more of them) is read further.
   */
  async function shardHeads(q: BoardQuery, want: number): Promise<{ sk: string; item: Record<string, unknown> }[][]> {
    const c = RANGE_CODES[q.range];
    const pks = boardPartitions(q.language);
    const step = Math.min(want, Math.ceil((want / pks.length) * 1.5) + 8);
    const shards = pks.map((pk) => ({ pk, items: [] as { sk: string; item: Record<string, unknown> }[], next: undefined as Record<string, unknown> | undefined, done: false }));
    let pending = shards;
    while (pending.length > 0) {
      await mapLimit(pending, 16, async (shard) => {
        const res = await doc.send(new QueryCommand({ ...shardQuery(q, shard.pk), Limit: step, ExclusiveStartKey: shard.next }));
        for (const item of res.Items ?? []) shard.items.push({ sk: String(item[`g${c}sk`]), item });
        shard.next = res.LastEvaluatedKey;
        shard.done = !shard.next || shard.items.length >= want;
      });
      const merged = mergeShardPages(shards.map((s) => s.items), 0, want);
      const cut = merged.length >= want ? merged[want - 1]!.sk : null;
      // A shard may hold more of the first `want` while its last key read sorts before the cut.
      pending = shards.filter((s) => !s.done && (cut === null || s.items.length === 0 || s.items[s.items.length - 1]!.sk < cut));
    }
    return shards.map((s) => s.items);
  }

  return {
    async page(q: BoardQuery & { offset: number; limit: number }): Promise<{ total: number; rows: LeaderboardRow[] }> {
      if (q.userIds) {
        const rows = await membersRanked({ ...q, userIds: q.userIds });
        return { total: rows.length, rows: rows.slice(q.offset, q.offset + q.limit) };
      }
      const want = q.offset + q.limit;
      const [shards, n] = await Promise.all([shardHeads(q, want), total(q.range, q.language)]);
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
      const bucket = rankBucket(Number(item[`s${c}`] ?? 0));
      const [higher, own] = await Promise.all([
        // Entries of higher buckets: the histogram's items after the user's bucket.
        queryAll<{ n?: number }>(doc, {
          TableName: table,
          KeyConditionExpression: "pk = :pk AND sk > :b",
          ExpressionAttributeValues: { ":pk": standingItemKeys.histPartition(q.range, q.language), ":b": bucketKey(bucket) },
        }).then((items) => items.reduce((sum, i) => sum + Math.max(0, Number(i.n ?? 0)), 0)),
        // Keys of the user's own bucket up to theirs, their own left out (the index may not show it yet: GSIs lag).
        mapLimit(boardPartitions(q.language), 16, async (pk) => {
          const keys = await queryAll(doc, { ...shardQuery(q, pk, " AND #sk BETWEEN :top AND :sk", { ":top": bucketTopKey(bucket), ":sk": sk }), ProjectionExpression: "#sk" });
          return keys.filter((k) => k[`g${c}sk`] !== sk).length;
        }),
      ]);
      return { rank: higher + own.reduce((a, b) => a + b, 0) + 1, row: rowOf(item, q.range) };
    },

    /**
     * Capped seconds per board language over the range, of these users who share languages (as
     * D1's `board_entries`): one BatchGet of their all-coding-time items, which carry every
     * language item's seconds (`langs`).
     */
    async languages(userIds: string[], range: LeaderboardRange): Promise<Map<string, Record<string, number>>> {
      const at = LEADERBOARD_RANGES.indexOf(range);
      const items = await batchGetAll<{ userId: string; sharesLanguages?: boolean; langs?: Record<string, number[]> }>(
        doc,
        table,
        [...new Set(userIds)].map((id) => standingItemKeys.standing(id, null)),
        { ProjectionExpression: "userId, sharesLanguages, langs" },
      );
      const out = new Map<string, Record<string, number>>();
      for (const i of items) {
        if (i.sharesLanguages === false) continue;
        const byName: Record<string, number> = {};
        for (const [name, seconds] of Object.entries(i.langs ?? {})) if ((seconds[at] ?? 0) > 0) byName[name] = seconds[at]!;
        if (Object.keys(byName).length > 0) out.set(i.userId, byName);
      }
      return out;
    },
  };
}

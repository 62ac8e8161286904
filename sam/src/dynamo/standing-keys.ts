/**
 * Keys of the stored board standings on DynamoDB (issue 16; access pattern in docs/scale.md,
 * "AWS"). One GSI per leaderboard range: partition `<shard>#<language>` (write-sharded: a
 * board language's entries spread over BOARD_SHARDS partitions by user), sort
 * `<inverted milliseconds>#<username>`, so a Query ascending on one partition lists that
 * shard's entries by time descending, then username ascending (D1's index order), and a page
 * of the whole board is a merge of the shards' first items.
 *
 * A user's rank is bounded by a histogram per board (`BHIST#<range>#<language>` /
 * `<bucket>`: entries per 15 minutes of capped time, kept by the drainer): the entries of
 * higher buckets are a sum over at most RANK_BUCKETS small items, and only the caller's own
 * bucket is counted on the GSI (keys between the bucket's top and the caller's).
 *
 * This module is the keys, the buckets and the merge only (pure); standings.ts writes the
 * items, standing-reads.ts reads them.
 */

/**
 * Partitions per board language and range: 4 x 1,000 WCU = 4,000 writes/s per board language,
 * 10x the ~400 standing writes/s of 1M users at peak (docs/scale.md, "AWS"). Every page and
 * rank reads each of them, so more shards buy write headroom with read fan-out; 16 (issue 16's
 * first cut) made a cold read ~40 requests.
 */
export const BOARD_SHARDS = 4;

/** Buckets of the drainer's dirty marks (a run takes up to 500 marks from each). */
export const DIRTY_BUCKETS = 16;

/** Largest capped sum a range can hold: 31 days x 18 h, in milliseconds (< 10^10). */
const MAX_MS = 9_999_999_999;

/** Capped milliseconds as the sort key holds them. */
function storedMs(seconds: number): number {
  return Math.min(MAX_MS, Math.max(0, Math.round(seconds * 1000)));
}

/** Width of a rank bucket: 15 minutes of capped time. */
export const RANK_BUCKET_MS = 900_000;
/** Buckets a board can have (31 days x 18 h / 15 min = 2,232, plus the clamp's top). */
export const RANK_BUCKETS = Math.floor(MAX_MS / RANK_BUCKET_MS) + 1;

/** The rank bucket of an entry with `seconds` (from the same rounding as its sort key). */
export function rankBucket(seconds: number): number {
  return Math.floor(storedMs(seconds) / RANK_BUCKET_MS);
}

/** The histogram item's sort key of a bucket: zero-padded, so sort order is bucket order. */
export function bucketKey(bucket: number): string {
  return String(bucket).padStart(5, "0");
}

/**
 * The smallest GSI sort key an entry of `bucket` can have (its most seconds, the bucket's
 * top): entries of the bucket ranked before a key `sk` of it are those in `[bucketTopKey, sk)`.
 */
export function bucketTopKey(bucket: number): string {
  const topMs = Math.min(MAX_MS, (bucket + 1) * RANK_BUCKET_MS - 1);
  return String(MAX_MS - topMs).padStart(10, "0");
}

/** FNV-1a of the id: stable, so a user's entry stays in one partition. */
function hashOf(userId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The user's board shard. */
export function shardOf(userId: string): number {
  return hashOf(userId) % BOARD_SHARDS;
}

/** The user's dirty-mark bucket. */
export function dirtyBucketOf(userId: string): number {
  return hashOf(userId) % DIRTY_BUCKETS;
}

/** The GSI partition of a user's entry on the board of `language` (null: all coding time). */
export function standingPartition(userId: string, language: string | null): string {
  return `${String(shardOf(userId)).padStart(2, "0")}#${language ?? ""}`;
}

/** Every partition of one board language: a page reads each of them. */
export function boardPartitions(language: string | null): string[] {
  return Array.from({ length: BOARD_SHARDS }, (_, s) => `${String(s).padStart(2, "0")}#${language ?? ""}`);
}

/**
 * The GSI sort key: more time first (inverted, zero-padded milliseconds), then username
 * ascending. Usernames are lower-case ASCII (core's username rule), so DynamoDB's byte order
 * is the code-unit order D1 uses.
 */
export function standingSortKey(seconds: number, username: string): string {
  return `${String(MAX_MS - storedMs(seconds)).padStart(10, "0")}#${username}`;
}

/**
 * Items `offset .. offset + limit` of a board from its shards' first `offset + limit` items
 * each (each list in sort-key order): a k-way merge by sort key.
 */
export function mergeShardPages<T extends { sk: string }>(shards: readonly (readonly T[])[], offset: number, limit: number): T[] {
  const at = shards.map(() => 0);
  const out: T[] = [];
  for (let n = 0; n < offset + limit; n++) {
    let best = -1;
    for (let s = 0; s < shards.length; s++) {
      const item = shards[s]![at[s]!];
      if (item && (best < 0 || item.sk < shards[best]![at[best]!]!.sk)) best = s;
    }
    if (best < 0) break;
    if (n >= offset) out.push(shards[best]![at[best]!]!);
    at[best]! += 1;
  }
  return out;
}

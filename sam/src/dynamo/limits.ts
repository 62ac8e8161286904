/**
 * DynamoDB's hard limits, and the margins Kodo keeps under them.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html
 */

/** An item is at most 400 KB including attribute names. */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * A derived day's sessions (gzip) sit in the day item up to this size; bigger ones go to part
 * items. Reads are billed per 4 KB of item, and most reads (status bar, stats, summaries) need
 * only the totals, which always sit in the item: so a heavy day's sessions stay out of the way.
 * A typical day's sessions take 1-3 KB.
 */
export const DAY_INLINE_MAX_BYTES = 16 * 1024;

/** Size of each part item's payload when a day overflows. */
export const DAY_PART_BYTES = 350 * 1024;

/** BatchWriteItem takes at most 25 put/delete requests. */
export const BATCH_WRITE_MAX = 25;

/** BatchGetItem takes at most 100 keys. */
export const BATCH_GET_MAX = 100;

/**
 * Conditional writes one request keeps in flight at once. High enough that a 1000-heartbeat
 * batch is quick, low enough to stay polite to one partition (1000 WCU/s before it splits).
 */
export const WRITE_CONCURRENCY = 25;

/** Days whose heartbeats one log Query loads when recomputing consecutive stale days. */
export const RECOMPUTE_DAYS_PER_QUERY = 31;

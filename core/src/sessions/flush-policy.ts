/**
 * When a user's Durable Object writes its changed days to D1. D1 is written rarely on purpose:
 * the user's own reads take unflushed days live from the object, so only cross-user views
 * (leaderboards, teams) wait for a flush. The rule: flush once the user has been quiet for
 * `quietSeconds`, but never later than `maxDelaySeconds` after the first unflushed change, and
 * (issue 16) never sooner than `minIntervalSeconds` after the previous flush: boards are cached
 * for minutes anyway, and each flush costs D1 rows per board entry. The interval never exceeds
 * `maxDelaySeconds`, so a change reaches D1 at most max(maxDelay, minInterval) after it was made.
 */
export interface FlushPolicy {
  quietSeconds: number;
  maxDelaySeconds: number;
  /** At least this long between two flushes (0: no minimum). */
  minIntervalSeconds: number;
}

export const DEFAULT_FLUSH_POLICY: FlushPolicy = { quietSeconds: 300, maxDelaySeconds: 3600, minIntervalSeconds: 900 };

/**
 * Epoch seconds at which to flush, given the first unflushed change, the latest activity and
 * the previous flush (null: none known, or the flush must not wait for the interval).
 */
export function nextFlushAt(firstPendingAt: number, lastActivityAt: number, policy: FlushPolicy, lastFlushAt: number | null = null): number {
  const due = Math.min(firstPendingAt + policy.maxDelaySeconds, lastActivityAt + policy.quietSeconds);
  if (lastFlushAt === null) return due;
  return Math.max(due, lastFlushAt + Math.min(policy.minIntervalSeconds, policy.maxDelaySeconds));
}

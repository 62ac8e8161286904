/**
 * When a user's Durable Object writes its changed days to D1. D1 is written rarely on purpose:
 * the user's own reads take unflushed days live from the object, so only cross-user views
 * (leaderboards, teams) wait for a flush. The rule: flush once the user has been quiet for
 * `quietSeconds`, but never later than `maxDelaySeconds` after the first unflushed change.
 */
export interface FlushPolicy {
  quietSeconds: number;
  maxDelaySeconds: number;
}

export const DEFAULT_FLUSH_POLICY: FlushPolicy = { quietSeconds: 300, maxDelaySeconds: 3600 };

/** Epoch seconds at which to flush, given the first unflushed change and the latest activity. */
export function nextFlushAt(firstPendingAt: number, lastActivityAt: number, policy: FlushPolicy): number {
  return Math.min(firstPendingAt + policy.maxDelaySeconds, lastActivityAt + policy.quietSeconds);
}

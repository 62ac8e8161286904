/**
 * The flush policy on a simulated clock. A user's Durable Object flushes when its alarm fires:
 * at nextFlushAt(first unflushed change, latest change, policy, previous flush), re-armed by every ingest that
 * stored something (worker/src/activity/object.ts, scheduleFlush). Replaying a trace, the
 * heartbeats sent between two such instants reach D1 in that one flush, so they can be sent
 * together and the flush triggered right after: D1 sees exactly the writes it would have.
 */
import { nextFlushAt, type FlushPolicy } from "../../core/src/sessions/flush-policy.ts";
import type { TraceHeartbeat } from "./trace.ts";

export interface FlushSegment {
  /** Heartbeats the plugin sent since the previous flush, in send order. */
  heartbeats: TraceHeartbeat[];
  /** Plugin sends (requests) they came in. */
  sends: number;
  /** When the alarm fires (trace time). */
  flushAt: number;
}

export function flushSegments(heartbeats: readonly TraceHeartbeat[], policy: FlushPolicy): FlushSegment[] {
  const sorted = [...heartbeats].sort((a, b) => a.sentAt - b.sentAt || a.time - b.time);
  const segments: FlushSegment[] = [];
  let current: TraceHeartbeat[] = [];
  let sends = 0;
  let pendingSince: number | null = null;
  let lastActivity = 0;
  let lastFlush: number | null = null;
  for (let i = 0; i < sorted.length; ) {
    const at = sorted[i]!.sentAt;
    // The alarm armed by earlier sends fires before this send arrives.
    if (pendingSince !== null) {
      const flushAt = nextFlushAt(pendingSince, lastActivity, policy, lastFlush);
      if (flushAt <= at) {
        segments.push({ heartbeats: current, sends, flushAt });
        lastFlush = flushAt;
        current = [];
        sends = 0;
        pendingSince = null;
      }
    }
    for (; i < sorted.length && sorted[i]!.sentAt === at; i++) current.push(sorted[i]!);
    sends++;
    pendingSince ??= at;
    lastActivity = at;
  }
  if (pendingSince !== null) segments.push({ heartbeats: current, sends, flushAt: nextFlushAt(pendingSince, lastActivity, policy, lastFlush) });
  return segments;
}

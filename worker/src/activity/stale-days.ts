import { dayOf, eachDay, type MergeSettings } from "@kodo/core";

/**
 * The days a set of new heartbeats can change: the union of core's `daysAffectedBy(t)` over
 * their times, i.e. every local day meeting some window [t - timeout, t + timeout].
 *
 * Days are contiguous stretches of time, so the days meeting a union of windows are those from
 * the day of its start to the day of its end, per run of overlapping windows. A batch of
 * editing (heartbeats minutes apart) is one run: two time-zone conversions for the batch
 * instead of two per heartbeat, which were a tenth of the ingest CPU of 1000-item batches
 * (bench/profile.ts).
 */
export function daysAffectedByAll(times: readonly number[], settings: MergeSettings): string[] {
  if (times.length === 0) return [];
  const timeoutSeconds = settings.keystrokeTimeoutMinutes * 60;
  const sorted = [...times].sort((a, b) => a - b);
  const days = new Set<string>();
  let from = sorted[0]! - timeoutSeconds;
  let to = sorted[0]! + timeoutSeconds;
  const addRun = () => {
    for (const day of eachDay(dayOf(from, settings.timeZone), dayOf(to, settings.timeZone))) days.add(day);
  };
  for (let i = 1; i < sorted.length; i++) {
    const t = sorted[i]!;
    if (t - timeoutSeconds <= to) {
      to = t + timeoutSeconds;
    } else {
      addRun();
      from = t - timeoutSeconds;
      to = t + timeoutSeconds;
    }
  }
  addRun();
  return [...days];
}

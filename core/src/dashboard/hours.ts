import { addDays, offsetSeconds, startOfDay } from "../time/zone.ts";
import type { Session } from "../types.ts";
import { roundMs } from "../sessions/rollup.ts";

/**
 * Seconds per local hour of day (0-23) over `sessions`, split exactly at the hour boundaries
 * of `timeZone` (zones with half-hour offsets included).
 *
 * Offsets come from Intl, which costs microseconds per call; a year of sessions asks for
 * tens of thousands. A zone's offset changes at most a couple of times a year, so each local
 * day's offset is looked up once, and twice only on the days where it changes (DST).
 */
export function hoursOfDay(sessions: readonly Session[], timeZone: string): number[] {
  const hours = Array.from({ length: 24 }, () => 0);
  const dayOffsets = new Map<string, { start: number; end: number; offsetAtStart: number; uniform: boolean }>();
  const dayInfo = (day: string) => {
    let info = dayOffsets.get(day);
    if (!info) {
      const start = startOfDay(day, timeZone);
      const end = startOfDay(addDays(day, 1), timeZone);
      const offsetAtStart = offsetSeconds(start, timeZone);
      info = { start, end, offsetAtStart, uniform: offsetSeconds(end - 1, timeZone) === offsetAtStart };
      dayOffsets.set(day, info);
    }
    return info;
  };
  for (const s of sessions) {
    const info = dayInfo(s.day);
    let from = s.start;
    while (from < s.end) {
      const offset = info.uniform ? info.offsetAtStart : offsetSeconds(from, timeZone);
      const local = from + offset;
      const hourIndex = Math.floor(local / 3600);
      const hour = ((hourIndex % 24) + 24) % 24;
      // The next local hour boundary, back in UTC; on a DST day recomputed each step.
      let to = Math.min(s.end, (hourIndex + 1) * 3600 - offset);
      if (to <= from) to = Math.min(s.end, from + 3600); // guard against a zero step at a DST jump
      hours[hour] = roundMs(hours[hour]! + (to - from));
      from = to;
    }
  }
  return hours;
}

import { DIMENSIONS, type Heartbeat, type MergeSettings, type Session } from "../types.ts";
import { dayOf, startOfDay, addDays } from "../time/zone.ts";

/** The fields of a heartbeat that decide sessions. */
export type MergeInput = Pick<Heartbeat, "time" | (typeof DIMENSIONS)[number]>;

/**
 * Heartbeats -> sessions. The rules (DESIGN.md, "Sessions"):
 *  (a) heartbeats are taken in time order; the gap from one to the next counts toward the
 *      earlier one's session when it is at most the keystroke timeout, and not at all when longer
 *      (a longer gap ends the session; a lone heartbeat counts 0 s and yields no session);
 *  (b) a session has one value of every dimension: the gap before a change of any of them
 *      belongs to the earlier heartbeat's session, and the later heartbeat starts a new one;
 *  (c) sessions are split at local midnight of the user's time zone.
 * Ties at the same instant are ordered by the dimension values, so the result depends only on
 * the set of heartbeats: duplicates and arrival order change nothing.
 */
export function mergeSessions(heartbeats: readonly MergeInput[], settings: MergeSettings): Session[] {
  const timeoutSeconds = settings.keystrokeTimeoutMinutes * 60;
  const sorted = sortForMerge(heartbeats);
  const out: Session[] = [];
  let open: { start: number; end: number; hb: MergeInput } | null = null;

  for (let i = 0; i < sorted.length; i++) {
    const hb = sorted[i]!;
    const next = sorted[i + 1];
    const gap = next ? next.time - hb.time : Infinity;
    const counts = gap <= timeoutSeconds && gap > 0;

    if (open && !(open.end === hb.time && sameDimensions(open.hb, hb))) {
      // (a) a break before this heartbeat, or (b) a change of dimensions: close the open session.
      if (open.end > open.start) splitAtMidnight(open.start, open.end, open.hb, settings.timeZone, out);
      open = null;
    }
    if (!counts) {
      if (open && gap === 0) continue; // a twin at the same instant: keep the session open
      if (open) {
        if (open.end > open.start) splitAtMidnight(open.start, open.end, open.hb, settings.timeZone, out);
        open = null;
      }
      continue;
    }
    if (open) open.end = next!.time;
    else open = { start: hb.time, end: next!.time, hb };
  }
  if (open && open.end > open.start) splitAtMidnight(open.start, open.end, open.hb, settings.timeZone, out);
  return out;
}

/** Sort by time, then by dimension values: a total order, so merging is order-independent. */
export function sortForMerge<T extends MergeInput>(heartbeats: readonly T[]): T[] {
  return [...heartbeats].sort((a, b) => a.time - b.time || compareDimensions(a, b));
}

function compareDimensions(a: MergeInput, b: MergeInput): number {
  for (const d of DIMENSIONS) {
    const x = a[d] ?? "";
    const y = b[d] ?? "";
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function sameDimensions(a: MergeInput, b: MergeInput): boolean {
  return compareDimensions(a, b) === 0;
}

function splitAtMidnight(start: number, end: number, hb: MergeInput, timeZone: string, out: Session[]): void {
  let from = start;
  let day = dayOf(start, timeZone);
  while (from < end) {
    const nextDay = addDays(day, 1);
    const midnight = startOfDay(nextDay, timeZone);
    const to = Math.min(end, midnight);
    if (to > from) out.push(sessionOf(day, from, to, hb));
    from = to;
    day = nextDay;
  }
}

function sessionOf(day: string, start: number, end: number, hb: MergeInput): Session {
  return {
    day,
    start,
    end,
    project: hb.project,
    language: hb.language,
    editor: hb.editor,
    operatingSystem: hb.operatingSystem,
    machine: hb.machine,
    branch: hb.branch,
    category: hb.category,
  };
}

/**
 * The instants whose heartbeats can change the sessions of `day`: a gap counts only when it is
 * at most the timeout, so only heartbeats within one timeout of the day's bounds matter.
 */
export function mergeWindow(day: string, settings: MergeSettings): { from: number; to: number } {
  const timeoutSeconds = settings.keystrokeTimeoutMinutes * 60;
  return {
    from: startOfDay(day, settings.timeZone) - timeoutSeconds,
    to: startOfDay(addDays(day, 1), settings.timeZone) + timeoutSeconds,
  };
}

/** The days whose sessions a heartbeat at `time` can change (its own, and any within one timeout). */
export function daysAffectedBy(time: number, settings: MergeSettings): string[] {
  const timeoutSeconds = settings.keystrokeTimeoutMinutes * 60;
  const first = dayOf(time - timeoutSeconds, settings.timeZone);
  const last = dayOf(time + timeoutSeconds, settings.timeZone);
  const days = [first];
  for (let d = first; d < last; ) {
    d = addDays(d, 1);
    days.push(d);
  }
  return days;
}

/** Sessions of one day, from the heartbeats inside `mergeWindow(day)`. */
export function sessionsForDay(windowHeartbeats: readonly MergeInput[], day: string, settings: MergeSettings): Session[] {
  return mergeSessions(windowHeartbeats, settings).filter((s) => s.day === day);
}

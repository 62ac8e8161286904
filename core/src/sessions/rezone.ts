import type { DayActivity, Session } from "../types.ts";
import { addDays, dayOf, startOfDay } from "../time/zone.ts";
import { rollUpDay } from "./rollup.ts";

/**
 * Views sessions stored by one zone's days as another zone's days: sessions are re-split at
 * the other zone's midnights (pieces split at the old midnights that touch are joined first)
 * and rolled up again. Used when a read asks for `?timezone=` other than the user's own.
 */
export function rezoneDays(days: readonly DayActivity[], timeZone: string, start: string, end: string): DayActivity[] {
  const pieces: Session[] = [];
  const all = days.flatMap((d) => d.sessions).sort((a, b) => a.start - b.start);
  for (const s of all) {
    const last = pieces[pieces.length - 1];
    if (last && last.end === s.start && sameDims(last, s)) last.end = s.end;
    else pieces.push({ ...s });
  }
  const out = new Map<string, Session[]>();
  for (const s of pieces) {
    let from = s.start;
    let day = dayOf(from, timeZone);
    while (from < s.end) {
      const next = addDays(day, 1);
      const to = Math.min(s.end, startOfDay(next, timeZone));
      if (to > from && day >= start && day <= end) {
        const list = out.get(day) ?? [];
        list.push({ ...s, day, start: from, end: to });
        out.set(day, list);
      }
      from = to;
      day = next;
    }
  }
  return [...out.keys()].sort().map((day) => rollUpDay(day, out.get(day)!));
}

function sameDims(a: Session, b: Session): boolean {
  return (
    a.project === b.project &&
    a.language === b.language &&
    a.editor === b.editor &&
    a.operatingSystem === b.operatingSystem &&
    a.machine === b.machine &&
    a.branch === b.branch &&
    a.category === b.category
  );
}

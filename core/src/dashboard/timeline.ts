import { addDays, startOfDay } from "../time/zone.ts";
import type { Session } from "../types.ts";
import { labelOf } from "./labels.ts";
import type { Timeline, TimelineEntry } from "./types.ts";

/**
 * The session timeline of one day: sessions of the same project that touch (a change of
 * language or branch splits sessions without a pause) are joined into one stretch, so the
 * chart shows when work happened on what, not every file switch.
 */
export function timelineOf(sessions: readonly Session[], day: string, timeZone: string): Timeline {
  const sorted = sessions.filter((s) => s.day === day).sort((a, b) => a.start - b.start || a.end - b.end);
  const entries: (TimelineEntry & { lang: Map<string, number>; br: Map<string, number> })[] = [];
  const lastByProject = new Map<string, (typeof entries)[number]>();
  for (const s of sorted) {
    const project = s.project ?? "";
    const open = lastByProject.get(project);
    let entry = open && open.end >= s.start ? open : undefined;
    if (!entry) {
      entry = { project, label: labelOf("project", s.project), start: s.start, end: s.end, languages: [], branches: [], lang: new Map(), br: new Map() };
      entries.push(entry);
      lastByProject.set(project, entry);
    }
    entry.end = Math.max(entry.end, s.end);
    const seconds = s.end - s.start;
    if (s.language) entry.lang.set(s.language, (entry.lang.get(s.language) ?? 0) + seconds);
    if (s.branch) entry.br.set(s.branch, (entry.br.get(s.branch) ?? 0) + seconds);
  }
  const ranked = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  return {
    day,
    dayStart: startOfDay(day, timeZone),
    dayEnd: startOfDay(addDays(day, 1), timeZone),
    entries: entries.map(({ lang, br, ...e }) => ({ ...e, languages: ranked(lang), branches: ranked(br) })),
  };
}

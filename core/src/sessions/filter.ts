import type { DayActivity, Session } from "../types.ts";
import { totalsOf } from "./rollup.ts";

/** A filter on session dimensions: each listed dimension must equal one of its values. */
export interface SessionFilter {
  project?: string | null;
  branches?: string[] | null;
  language?: string | null;
  editor?: string | null;
  operatingSystem?: string | null;
  machine?: string | null;
  category?: string | null;
}

export function isEmptyFilter(f: SessionFilter): boolean {
  return Object.values(f).every((v) => v === undefined || v === null || (Array.isArray(v) && v.length === 0));
}

export function matches(s: Session, f: SessionFilter): boolean {
  if (f.project != null && s.project !== f.project) return false;
  if (f.branches != null && f.branches.length > 0 && !f.branches.includes(s.branch ?? "")) return false;
  if (f.language != null && s.language !== f.language) return false;
  if (f.editor != null && s.editor !== f.editor) return false;
  if (f.operatingSystem != null && s.operatingSystem !== f.operatingSystem) return false;
  if (f.machine != null && s.machine !== f.machine) return false;
  if (f.category != null && s.category !== f.category) return false;
  return true;
}

/**
 * Days restricted to the sessions that match: totals are recomputed from those sessions, so
 * combined filters give exact figures, not approximations from per-dimension roll-ups.
 */
export function filterDays(days: readonly DayActivity[], f: SessionFilter): DayActivity[] {
  if (isEmptyFilter(f)) return [...days];
  return days.map((d) => {
    const sessions = d.sessions.filter((s) => matches(s, f));
    return { day: d.day, sessions, ...totalsOf(sessions) };
  });
}

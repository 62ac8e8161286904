/**
 * Per-day, per-project time (issue 16, team boards): the compact record each user's activity
 * owner keeps beside a day's roll-up, so that a team board reads a few numbers per member-day
 * instead of every session. Rules:
 * - a day's sessions are grouped by project (sessions without a project under `null`); each
 *   group holds the milliseconds of every category and of `coding` alone;
 * - time is kept in whole milliseconds: session bounds are kept to the millisecond (roundMs),
 *   so integer sums are exact and do not depend on the order they are added in (the stores
 *   sum them in SQL, the old board summed seconds in session order);
 * - which projects count is the member's choice (TeamMember.projects, `projectCounts`): all,
 *   or these names (a session without a project counts only under "all").
 */
import type { DayActivity, Session } from "../types.ts";

export interface ProjectTime {
  project: string | null;
  codingMs: number;
  allMs: number;
}

/** Per local day, the counted projects' time: every category and coding only. */
export interface ProjectDay {
  day: string;
  codingMs: number;
  allMs: number;
}

/** Projects whose time counts: every one, or these names. */
export type CountedProjects = "all" | readonly string[];

/** A session's length in whole milliseconds. */
export const sessionMs = (s: Pick<Session, "start" | "end">): number => Math.round((s.end - s.start) * 1000);

/** One day's sessions grouped by project (null first, then by name). */
export function projectTimes(sessions: readonly Session[]): ProjectTime[] {
  const byProject = new Map<string | null, ProjectTime>();
  for (const s of sessions) {
    let t = byProject.get(s.project);
    if (!t) byProject.set(s.project, (t = { project: s.project, codingMs: 0, allMs: 0 }));
    const ms = sessionMs(s);
    t.allMs += ms;
    if (s.category === "coding") t.codingMs += ms;
  }
  return [...byProject.values()].sort((a, b) => (a.project === b.project ? 0 : a.project === null ? -1 : b.project === null ? 1 : a.project < b.project ? -1 : 1));
}

/** Whether a project's time counts for `projects` (as teams.ts `projectCounts`, with "none" left to the caller). */
export function countsProject(projects: CountedProjects, project: string | null): boolean {
  return projects === "all" || (project !== null && projects.includes(project));
}

/**
 * The counted projects' time per day, from days read with their sessions: the reference the
 * stores' compact records must equal, and what a store without such a record answers.
 * Days without counted time (none, or only zero-length sessions) are left out.
 */
export function projectDaysOf(days: readonly Pick<DayActivity, "day" | "sessions">[], projects: CountedProjects): ProjectDay[] {
  const out: ProjectDay[] = [];
  for (const day of days) {
    const counted = projectTimes(day.sessions).filter((t) => countsProject(projects, t.project));
    const allMs = counted.reduce((a, t) => a + t.allMs, 0);
    if (allMs > 0) out.push({ day: day.day, codingMs: counted.reduce((a, t) => a + t.codingMs, 0), allMs });
  }
  return out.sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** Adds `extra` into `into` (both per day; a day only `extra` has is added). Day order kept. */
export function addProjectDays(into: readonly ProjectDay[], extra: readonly ProjectDay[]): ProjectDay[] {
  if (extra.length === 0) return [...into];
  const byDay = new Map(into.map((d) => [d.day, { ...d }]));
  for (const e of extra) {
    const d = byDay.get(e.day);
    if (d) {
      d.codingMs += e.codingMs;
      d.allMs += e.allMs;
    } else byDay.set(e.day, { ...e });
  }
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

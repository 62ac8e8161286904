/**
 * What statusbar/today must say, worked out by the test itself from the heartbeats the server
 * stored, so the server's session code is checked against an independent reading of the rule
 * (DESIGN.md, "Sessions"), not against itself:
 *   heartbeats in time order; the gap to the next one counts toward the earlier one's project
 *   when it is more than 0 and at most the keystroke timeout (15 min by default); a longer gap
 *   counts nothing; only the part of a gap inside the day (UTC here) counts for that day.
 */

export const KEYSTROKE_TIMEOUT_SECONDS = 15 * 60;
const DAY_SECONDS = 86_400;
/** WakaTime's name for activity without a project. */
const UNKNOWN_PROJECT = "Unknown Project";

export interface StoredBeat {
  time: number;
  project: string | null;
}

export interface DayTotals {
  totalSeconds: number;
  /** Project name -> seconds, only projects with time (as the API lists them). */
  projects: Record<string, number>;
}

/**
 * `heartbeats` must include the previous day's (a gap across midnight counts after midnight
 * for `day`). `day` is a UTC date, YYYY-MM-DD.
 */
export function expectedDayTotals(heartbeats: readonly StoredBeat[], day: string): DayTotals {
  const dayStart = Date.parse(`${day}T00:00:00Z`) / 1000;
  const dayEnd = dayStart + DAY_SECONDS;
  // Ties at one instant are ordered by project, as the server does, so the gap after them
  // goes to the same heartbeat.
  const sorted = [...heartbeats].sort((a, b) => a.time - b.time || compareNames(a.project ?? "", b.project ?? ""));
  let total = 0;
  const projects: Record<string, number> = {};
  for (let i = 0; i + 1 < sorted.length; i += 1) {
    const current = sorted[i]!;
    const next = sorted[i + 1]!;
    const gap = next.time - current.time;
    if (gap <= 0 || gap > KEYSTROKE_TIMEOUT_SECONDS) continue;
    const seconds = Math.min(next.time, dayEnd) - Math.max(current.time, dayStart);
    if (seconds <= 0) continue;
    total += seconds;
    const name = current.project ?? UNKNOWN_PROJECT;
    projects[name] = (projects[name] ?? 0) + seconds;
  }
  for (const name of Object.keys(projects)) projects[name] = round2(projects[name]!);
  return { totalSeconds: round2(total), projects };
}

/** The day before a UTC date. */
export function previousDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - DAY_SECONDS * 1000).toISOString().slice(0, 10);
}

function compareNames(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

function round2(seconds: number): number {
  return Math.round(seconds * 100) / 100;
}

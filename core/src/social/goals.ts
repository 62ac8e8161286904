/**
 * Time goals (issue 9), pure. A goal asks for at least `seconds` per local day or per week
 * (Monday to Sunday, the user's zone), over all activity or one project or language (time of
 * every category counts, as on the dashboard).
 * - Progress: the current period's seconds so far; `met` once they reach the goal.
 * - Streak: consecutive met periods ending with the current one if it is already met, else
 *   with the previous one (an unfinished today does not break a streak), as dashboard streaks.
 *   Counted over at most MAX_STREAK_DAYS of history.
 */
import { addDays, daysBetween } from "../time/zone.ts";

export type GoalPeriod = "day" | "week";

export interface Goal {
  id: string;
  period: GoalPeriod;
  seconds: number;
  project: string | null;
  language: string | null;
  createdAt: string;
}

export interface GoalProgress {
  seconds: number;
  percent: number;
  met: boolean;
}

export const MAX_GOALS_PER_USER = 20;
export const MAX_STREAK_DAYS = 366;
/** A week's worth of seconds at most: larger goals cannot be met. */
export const MAX_GOAL_SECONDS = 7 * 86400;

/** The Monday of `day`'s week. */
export function weekStart(day: string): string {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** The first day whose time can count toward the goal's progress and streak. */
export function goalHistoryStart(period: GoalPeriod, today: string): string {
  return period === "day" ? addDays(today, -(MAX_STREAK_DAYS - 1)) : weekStart(addDays(today, -(MAX_STREAK_DAYS - 1)));
}

/** Progress and streak of `goal` from seconds per local day (days absent = 0). */
export function goalStatus(goal: Pick<Goal, "period" | "seconds">, secondsByDay: ReadonlyMap<string, number>, today: string): { progress: GoalProgress; streak: number } {
  const periodSeconds = (start: string): number => {
    if (goal.period === "day") return secondsByDay.get(start) ?? 0;
    let sum = 0;
    for (let i = 0; i < 7; i++) sum += secondsByDay.get(addDays(start, i)) ?? 0;
    return sum;
  };
  const step = goal.period === "day" ? 1 : 7;
  const current = goal.period === "day" ? today : weekStart(today);
  const seconds = periodSeconds(current);
  const met = seconds >= goal.seconds;
  const oldest = goalHistoryStart(goal.period, today);
  let streak = 0;
  for (let start = met ? current : addDays(current, -step); daysBetween(oldest, start) >= 0; start = addDays(start, -step)) {
    if (periodSeconds(start) < goal.seconds) break;
    streak++;
  }
  return { progress: { seconds, percent: Math.min(100, Math.round((seconds / goal.seconds) * 1000) / 10), met }, streak };
}

/** Validates a new goal's body; returns it or an error message naming the field. */
export function parseNewGoal(body: unknown, maxNameLength: number): Omit<Goal, "id" | "createdAt"> | string {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "body: expected a JSON object";
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!["period", "seconds", "project", "language"].includes(key)) return `${key.slice(0, 40)}: unknown field`;
  if (b.period !== "day" && b.period !== "week") return `period: expected "day" or "week"`;
  if (typeof b.seconds !== "number" || !Number.isInteger(b.seconds) || b.seconds < 60 || b.seconds > MAX_GOAL_SECONDS) {
    return `seconds: expected an integer from 60 to ${MAX_GOAL_SECONDS}`;
  }
  const name = (key: "project" | "language"): string | null | undefined => {
    const v = b[key];
    if (v === undefined || v === null) return null;
    return typeof v === "string" && v.length >= 1 && v.length <= maxNameLength ? v : undefined;
  };
  const project = name("project");
  if (project === undefined) return `project: expected a name of 1 to ${maxNameLength} characters`;
  const language = name("language");
  if (language === undefined) return `language: expected a name of 1 to ${maxNameLength} characters`;
  return { period: b.period, seconds: b.seconds, project, language };
}

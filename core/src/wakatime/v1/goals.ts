/**
 * Kodo's goals (social/goals.ts) in WakaTime's goal shape (`GET /users/current/goals`), with
 * `chart_data`: one entry per period (day or Monday-to-Sunday week, the user's zone) for the
 * last GOAL_CHART_PERIODS periods, oldest first, the current one last.
 * - range_status: "success" once a period's time reaches the goal; the current period is
 *   "pending" until then; an earlier period below the goal is "fail".
 * - status and status_percent_calculated: the current period's.
 * - average_status: the chart's average period against the goal; cumulative_status: the
 *   chart's total against the goal times the periods (both "success" or "fail").
 * Kodo goals have no ignored days, editors, inverse ("at most") goals or snoozing: those fields
 * carry WakaTime's neutral values.
 */
import type { Goal } from "../../social/goals.ts";
import { weekStart } from "../../social/goals.ts";
import { addDays } from "../../time/zone.ts";
import { humanText, round2 } from "./format.ts";
import { isoRange } from "./summaries.ts";

export const GOAL_CHART_PERIODS = 7;

export interface GoalOwner {
  id: string;
  username: string;
  displayName: string | null;
}

type RangeStatus = "success" | "fail" | "pending";

function goalTitle(goal: Goal): string {
  const where = [goal.project !== null ? ` in ${goal.project}` : "", goal.language !== null ? ` using ${goal.language}` : ""].join("");
  return `Code ${humanText(goal.seconds)} per ${goal.period}${where}`;
}

function reason(status: RangeStatus, actual: number, goal: Goal): string {
  const target = `your ${goal.period === "day" ? "daily" : "weekly"} goal of ${humanText(goal.seconds)}`;
  if (status === "success") return `Coded ${humanText(actual)}, which reaches ${target}${actual > goal.seconds ? ` by ${humanText(actual - goal.seconds)} more` : ""}.`;
  if (status === "pending") return `Coded ${humanText(actual)} so far; ${humanText(goal.seconds - actual)} left to reach ${target}.`;
  return `Coded ${humanText(actual)}, ${humanText(goal.seconds - actual)} short of ${target}.`;
}

/** One goal in WakaTime's shape, from the goal's seconds per local day (absent days = 0). */
export function wakaGoal(goal: Goal, secondsByDay: ReadonlyMap<string, number>, today: string, timeZone: string, owner: GoalOwner) {
  const step = goal.period === "day" ? 1 : 7;
  const current = goal.period === "day" ? today : weekStart(today);
  const chart = [];
  for (let i = GOAL_CHART_PERIODS - 1; i >= 0; i--) {
    const start = addDays(current, -i * step);
    const end = addDays(start, step - 1);
    let actual = 0;
    for (let d = 0; d < step; d++) actual += secondsByDay.get(addDays(start, d)) ?? 0;
    const status: RangeStatus = actual >= goal.seconds ? "success" : i === 0 ? "pending" : "fail";
    chart.push({
      actual_seconds: round2(actual),
      actual_seconds_text: humanText(actual),
      goal_seconds: goal.seconds,
      goal_seconds_text: humanText(goal.seconds),
      range: {
        ...(goal.period === "day" ? { date: start } : {}),
        start: isoRange(start, timeZone).start,
        end: isoRange(end, timeZone).end,
        text: goal.period === "day" ? start : `${start} to ${end}`,
        timezone: timeZone,
      },
      range_status: status,
      range_status_reason: reason(status, actual, goal),
    });
  }
  const last = chart[chart.length - 1]!;
  const sum = chart.reduce((a, p) => a + p.actual_seconds, 0);
  const cumulative = sum >= goal.seconds * chart.length ? "success" : "fail";
  const average = sum / chart.length >= goal.seconds ? "success" : "fail";
  return {
    id: goal.id,
    title: goalTitle(goal),
    custom_title: null,
    type: "coding",
    delta: goal.period,
    seconds: goal.seconds,
    status: last.range_status,
    status_percent_calculated: Math.min(100, Math.floor((last.actual_seconds / goal.seconds) * 100)),
    average_status: average,
    cumulative_status: cumulative,
    range_text: `${chart[0]!.range.text.slice(0, 10)} until ${addDays(current, step - 1)}`,
    chart_data: chart,
    projects: goal.project !== null ? [goal.project] : [],
    languages: goal.language !== null ? [goal.language] : [],
    editors: [],
    categories: [],
    ignore_days: [],
    ignore_zero_days: false,
    improve_by_percent: null,
    is_enabled: true,
    is_inverse: false,
    is_snoozed: false,
    snooze_until: null,
    is_tweeting: false,
    is_current_user_owner: true,
    owner: { id: owner.id, username: owner.username, display_name: owner.displayName, full_name: owner.displayName, photo: null },
    shared_with: [],
    subscribers: [],
    created_at: goal.createdAt,
    modified_at: goal.createdAt,
  };
}

/** Test helpers for the dashboard: days built through the real merge and roll-up code. */
import { aRun } from "../testing/builders.ts";
import { mergeSessions } from "../sessions/merge.ts";
import { rollUpDay } from "../sessions/rollup.ts";
import type { DayActivity, Heartbeat, MergeSettings } from "../types.ts";

export const at = (iso: string) => Date.parse(iso) / 1000;

/** `minutes` of activity from `startIso`: one heartbeat a minute (minutes + 1 beats). */
export function work(startIso: string, minutes: number, overrides: Partial<Heartbeat> = {}): Heartbeat[] {
  return aRun(at(startIso), minutes + 1, 60, overrides);
}

/** Days (with sessions) from heartbeats, as the Durable Object derives them. */
export function daysFrom(heartbeats: Heartbeat[], settings: MergeSettings): DayActivity[] {
  const sessions = mergeSessions(heartbeats, settings);
  const days = [...new Set(sessions.map((s) => s.day))].sort();
  return days.map((d) => rollUpDay(d, sessions));
}

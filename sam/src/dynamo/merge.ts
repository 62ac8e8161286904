import { addDays, dayOf, daysAffectedBy, mergeWindow, rollUpDay, sessionsForDay, startOfDay, type DayActivity, type MergeInput, type MergeSettings } from "@kodo/core";
import type { Doc } from "./client.ts";
import { readDayItems, writeDay, type DayItem, type DayStoreOptions } from "./days.ts";
import { finishRebuild, readHead, saveRebuild, settingsKeyOf, type HeadItem } from "./head.ts";
import { RECOMPUTE_DAYS_PER_QUERY, WRITE_CONCURRENCY } from "./limits.ts";
import { edgeHeartbeat, mergeInputsBetween } from "./log.ts";
import { mapLimit } from "./pool.ts";

export interface MergeContext {
  doc: Doc;
  table: string;
  options: DayStoreOptions;
}

/**
 * Merges days from the raw log with core's rules (mergeWindow, sessionsForDay, rollUpDay) and
 * stores each one unless an ingest touched it meanwhile. Consecutive days share one log Query.
 * Each day's item (its `dv`) must have been read BEFORE this reads the log: that order is what
 * makes the stored result safe (see days.ts).
 */
export async function recompute(ctx: MergeContext, userId: string, settings: MergeSettings, days: { day: string; item: DayItem | undefined }[]): Promise<DayActivity[]> {
  const key = settingsKeyOf(settings);
  const sorted = [...days].sort((a, b) => (a.day < b.day ? -1 : 1));
  const runs: (typeof sorted)[] = [];
  for (const d of sorted) {
    const run = runs[runs.length - 1];
    const prev = run?.[run.length - 1];
    if (run && prev && addDays(prev.day, 1) === d.day && run.length < RECOMPUTE_DAYS_PER_QUERY) run.push(d);
    else runs.push([d]);
  }
  const results = await mapLimit(runs, 4, async (run) => {
    const from = mergeWindow(run[0]!.day, settings).from;
    const to = mergeWindow(run[run.length - 1]!.day, settings).to;
    const beats = await mergeInputsBetween(ctx.doc, ctx.table, userId, from, to);
    return mapLimit(run, WRITE_CONCURRENCY, async ({ day, item }) => {
      const activity = rollUpDay(day, sessionsForDay(windowOf(beats, mergeWindow(day, settings)), day, settings));
      await writeDay(ctx.doc, ctx.table, userId, activity, item?.dv ?? 0, key, item, ctx.options);
      return activity;
    });
  });
  return results.flat();
}

export interface RebuildProgress {
  done: number;
  total: number;
}

/**
 * Makes the day items complete for `settings`. After a change of time zone or timeout every
 * day is recomputed from the raw log, a month per step, with progress kept in the head item
 * so that work cut short (a deadline, a timed-out Lambda) resumes where it stopped. Returns
 * the progress when stopped by `deadlineMs` (epoch ms), null when complete.
 */
export async function ensureSettings(ctx: MergeContext, userId: string, settings: MergeSettings, deadlineMs = Infinity): Promise<RebuildProgress | null> {
  const { doc, table } = ctx;
  const key = settingsKeyOf(settings);
  let head: HeadItem = await readHead(doc, table, userId, key);
  if (head.settings === key && !head.rebuild) return null;
  let rebuild = head.rebuild;
  if (rebuild?.settings !== key) {
    const [first, last] = await Promise.all([edgeHeartbeat(doc, table, userId, "first"), edgeHeartbeat(doc, table, userId, "last")]);
    if (!first || !last) {
      await finishRebuild(doc, table, userId, key);
      return null;
    }
    const span = { firstDay: daysAffectedBy(first.time, settings)[0]!, lastDay: daysAffectedBy(last.time, settings).at(-1)! };
    rebuild = { settings: key, cursorDay: span.firstDay, ...span };
    if (!(await saveRebuild(doc, table, userId, rebuild, head.rebuild?.settings ?? null))) {
      head = await readHead(doc, table, userId, key);
      if (head.rebuild?.settings !== key) return null; // another request moved to other settings
      rebuild = head.rebuild;
    }
  }
  while (rebuild.cursorDay <= rebuild.lastDay) {
    if (Date.now() >= deadlineMs) return progressOf(rebuild);
    const endDay = minDay(addDays(rebuild.cursorDay, RECOMPUTE_DAYS_PER_QUERY - 1), rebuild.lastDay);
    const items = await readDayItems(doc, table, userId, rebuild.cursorDay, endDay);
    const byDay = new Map(items.map((i) => [i.day, i]));
    const beats = await mergeInputsBetween(doc, table, userId, startOfDay(rebuild.cursorDay, settings.timeZone), startOfDay(addDays(endDay, 1), settings.timeZone) - 0.001);
    // A day can only have sessions if a heartbeat falls in it (gaps are shorter than a day).
    const days = new Set(items.map((i) => i.day));
    for (const b of beats) days.add(dayOf(b.time, settings.timeZone));
    await recompute(ctx, userId, settings, [...days].map((day) => ({ day, item: byDay.get(day) })));
    rebuild = { ...rebuild, cursorDay: addDays(endDay, 1) };
    if (!(await saveRebuild(doc, table, userId, rebuild, key))) return null;
  }
  await finishRebuild(doc, table, userId, key);
  return null;
}

/** Progress of a running rebuild for `settings`, or null when none runs. */
export async function rebuildProgress(ctx: MergeContext, userId: string, settings: MergeSettings): Promise<RebuildProgress | null> {
  const key = settingsKeyOf(settings);
  const head = await readHead(ctx.doc, ctx.table, userId, key);
  if (head.rebuild) return progressOf(head.rebuild);
  // Settings changed but no read or adoption has started the rebuild yet.
  return head.settings === key ? null : { done: 0, total: 1 };
}

function progressOf(r: NonNullable<HeadItem["rebuild"]>): RebuildProgress {
  const days = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
  const first = r.firstDay ?? r.cursorDay;
  return { done: Math.max(0, days(first, r.cursorDay)), total: days(first, r.lastDay) + 1 };
}

/** The heartbeats of a time-sorted list with `from <= time <= to`. */
function windowOf(beats: readonly MergeInput[], { from, to }: { from: number; to: number }): MergeInput[] {
  let lo = 0;
  let hi = beats.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (beats[mid]!.time < from) lo = mid + 1;
    else hi = mid;
  }
  const out: MergeInput[] = [];
  for (let i = lo; i < beats.length && beats[i]!.time <= to; i++) out.push(beats[i]!);
  return out;
}

function minDay(a: string, b: string): string {
  return a < b ? a : b;
}

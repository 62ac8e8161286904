/**
 * The team board's read on DynamoDB (issue 16): each day item carries `proj`, the day's time
 * per project (core projectTimes) as a short JSON string, written with the day by writeDay, so
 * a board reads `day, dv, cv, settings, proj` of the range's day items (a ProjectionExpression:
 * never the gzip'd sessions or totals) and sums the counted projects here.
 * Existing data: a fresh day derived before `proj` existed is decoded once (its sessions) and
 * gets its `proj` written (conditional on the day being unchanged), so the upgrade needs no
 * command; stale days are derived as every read derives them (which writes `proj` too).
 */
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { countsProject, projectTimes, type CountedProjects, type MergeSettings, type ProjectDay, type ProjectTime } from "@kodo/core";
import { isConditionFailure, queryAll } from "./client.ts";
import { decodeDayItem, encodeProjectTimes, isFresh, readDayItems, type DayItem } from "./days.ts";
import { settingsKeyOf } from "./head.ts";
import { activityKeys } from "./keys.ts";
import { ensureSettings, recompute, type MergeContext } from "./merge.ts";
import { mapLimit } from "./pool.ts";

type Triple = [string | null, number, number];

function decodeProjectTimes(text: string): ProjectTime[] | null {
  try {
    return (JSON.parse(text) as Triple[]).map(([project, codingMs, allMs]) => ({ project, codingMs, allMs }));
  } catch {
    return null; // damaged: derived again from the day
  }
}

type SlimItem = Pick<DayItem, "day" | "dv" | "cv" | "settings"> & { proj?: string };

/** ActivityStore.projectDays on DynamoDB. */
export async function readProjectDays(ctx: MergeContext, userId: string, settings: MergeSettings, start: string, end: string, projects: CountedProjects): Promise<ProjectDay[]> {
  const { doc, table } = ctx;
  await ensureSettings(ctx, userId, settings);
  const key = settingsKeyOf(settings);
  const slim = await queryAll<SlimItem>(doc, {
    TableName: table,
    KeyConditionExpression: "pk = :pk AND sk BETWEEN :low AND :high",
    ProjectionExpression: "#day, #dv, #cv, #settings, #proj",
    ExpressionAttributeNames: { "#day": "day", "#dv": "dv", "#cv": "cv", "#settings": "settings", "#proj": "proj" },
    ExpressionAttributeValues: { ":pk": activityKeys.userPartition(userId), ":low": activityKeys.daySk(start), ":high": activityKeys.daySk(end) },
    ConsistentRead: true,
  });
  const byDay = new Map<string, ProjectTime[]>();
  const missing = new Set<string>();
  for (const item of slim) {
    const times = isFresh(item as DayItem, key) && item.proj !== undefined ? decodeProjectTimes(item.proj) : null;
    if (times) byDay.set(item.day, times);
    else missing.add(item.day);
  }
  if (missing.size > 0) {
    // Stale days, and days derived before `proj` existed: read in full, as `days` reads them.
    const days = [...missing].sort();
    const full = (await readDayItems(doc, table, userId, days[0]!, days.at(-1)!)).filter((i) => missing.has(i.day));
    const stale: { day: string; item: DayItem }[] = [];
    await mapLimit(full, 8, async (item) => {
      const activity = isFresh(item, key) ? await decodeDayItem(doc, table, userId, item, true) : null;
      if (!activity) return void stale.push({ day: item.day, item });
      const times = projectTimes(activity.sessions);
      byDay.set(item.day, times);
      await storeProjectTimes(ctx, userId, item, key, times);
    });
    for (const activity of await recompute(ctx, userId, settings, stale)) byDay.set(activity.day, projectTimes(activity.sessions));
  }
  const out: ProjectDay[] = [];
  for (const [day, times] of byDay) {
    const counted = times.filter((t) => countsProject(projects, t.project));
    const allMs = counted.reduce((a, t) => a + t.allMs, 0);
    if (allMs > 0) out.push({ day, codingMs: counted.reduce((a, t) => a + t.codingMs, 0), allMs });
  }
  return out.sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** Writes a fresh day's `proj` unless the day changed since it was read (then the next read derives it). */
async function storeProjectTimes(ctx: MergeContext, userId: string, item: DayItem, settingsKey: string, times: ProjectTime[]): Promise<void> {
  try {
    await ctx.doc.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: activityKeys.day(userId, item.day),
        UpdateExpression: "SET #proj = :proj",
        ConditionExpression: "#cv = :cv AND #dv = :cv AND #settings = :settings",
        ExpressionAttributeNames: { "#proj": "proj", "#cv": "cv", "#dv": "dv", "#settings": "settings" },
        ExpressionAttributeValues: { ":proj": encodeProjectTimes(times), ":cv": item.cv!, ":settings": settingsKey },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

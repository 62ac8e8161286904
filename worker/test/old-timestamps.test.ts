/**
 * A heartbeat from 1970 is refused at ingest (MIN_HEARTBEAT_TIME), and one already stored (kept
 * from before that rule: planted here straight through the Durable Object's RPC, below the HTTP
 * validation) no longer turns every all-time view into 400 "Range too long".
 */
import { beforeEach, describe, expect, it } from "vitest";
import { mergeSettingsOf, validateBatch, type Heartbeat } from "@kodo/core";
import { aUser, call, freshStorage, getJson, postBeats, stubFor, wire } from "./helpers.ts";
import { aSharingUser, minutes, send, utcDay } from "./public-fixtures.ts";

beforeEach(freshStorage);

const now = Math.floor(Date.now() / 1000);
const recent = now - 2 * 86_400;

/** Stores a 1970 heartbeat as an older build would have (the DO itself validates nothing). */
async function plantAncientHeartbeat(userId: string): Promise<void> {
  const checked = validateBatch(wire(recent, { project: "ancient" }), now);
  if (!checked.ok || !checked.items[0]!.ok) throw new Error("fixture heartbeat invalid");
  const hb: Heartbeat = { ...checked.items[0]!.heartbeat, time: 86_400 * 3 };
  const settings = mergeSettingsOf({ timeZone: "UTC", keystrokeTimeoutMinutes: 15 });
  expect(await stubFor(userId).ingest(userId, settings, [hb])).toEqual(["created"]);
  expect(await stubFor(userId).firstDay(settings)).toBe("1970-01-04");
}

describe("timestamps before 2000", () => {
  it("are refused per item with a 400 naming the floor, the good ones beside them stored", async () => {
    const u = await aUser();
    const res = await postBeats(u.key, [wire(0.5), wire(946_684_799), wire(recent)]);
    const body = (await res.json()) as { responses: [{ error?: string }, number][] };
    expect(body.responses.map(([, s]) => s)).toEqual([400, 400, 201]);
    expect(body.responses[1]![0].error).toMatch(/^time: before 2000-01-01T00:00:00Z/);
    expect(await stubFor(u.id).heartbeatCount()).toBe(1);
    const single = await postBeats(u.key, wire(1000), "/api/v1/users/current/heartbeats");
    expect(single.status).toBe(400);
  });

  it("already stored do not make all-time views answer 400", async () => {
    const u = await aSharingUser({ publicProfile: true, projects: "public" });
    await send(u.key, minutes(recent, 31));
    await plantAncientHeartbeat(u.id);

    const stats = await getJson("/api/v1/users/current/stats/all_time", u.key);
    expect(stats.data.total_seconds).toBe(30 * 60);
    expect(stats.data.start.slice(0, 10)).toBe("1999-12-31");
    const since = await getJson("/api/v1/users/current/all_time_since_today", u.key);
    expect(since.data.total_seconds).toBe(30 * 60);
    // WakaTime's start_date is the first day with time: the 1970 heartbeat alone has none.
    expect(since.data.range.start_date).toBe(utcDay(recent));
    const summaries = await getJson("/api/v1/users/current/summaries?range=all_time", u.key);
    expect(summaries.cumulative_total.seconds).toBe(30 * 60);
    const dashboard = await getJson("/api/kodo/dashboard?range=all_time", u.key);
    expect(dashboard.range.start).toBe("1999-12-31");
    const badge = await call(`/api/badge/${u.username}/all_time.json`);
    expect(badge.status).toBe(200);
    expect(((await badge.json()) as { message: string }).message).toBe("30 mins");
    expect((await call(`/api/public/users/${u.username}/stats/all_time`)).status).toBe(200);
    expect((await call(`/api/public/users/${u.username}`)).status).toBe(200);
    // A custom range is still capped.
    const long = await call("/api/v1/users/current/summaries?start=1970-01-01&end=2026-01-01", { key: u.key });
    expect(long.status).toBe(400);
    expect(await long.json()).toEqual({ error: "Range too long: at most 30 years" });
    expect(utcDay(recent)).toBe(stats.data.best_day.date);
  });
});

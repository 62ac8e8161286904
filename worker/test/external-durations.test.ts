/**
 * External durations in the worker (workerd, real migrations): the dashboard counts them, the
 * user's zone cuts the days, read-only keys may read but not write, the per-user cap holds in the
 * Durable Object, and the status bar counts them today. The cross-platform behaviour is in the
 * contract suite (core/contract/wakatime-v1-contract.ts).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { aUser, call, freshStorage, getJson, postBeats, stubFor, wire } from "./helpers.ts";

beforeEach(freshStorage);

const day = (epoch: number) => new Date(epoch * 1000).toISOString().slice(0, 10);
const meeting = (id: string, start: number, end: number, over: Record<string, unknown> = {}) => ({
  external_id: id,
  entity: "Planning",
  type: "event",
  start_time: start,
  end_time: end,
  ...over,
});
const post = (key: string, body: unknown, path = "/api/v1/users/current/external_durations") =>
  call(path, { method: "POST", key, body: JSON.stringify(body), headers: { "user-agent": "calendar-sync/2.1 (linux)" } });

describe("external durations in the worker", () => {
  it("count on the dashboard and the status bar; the provider defaults to the User-Agent's product", async () => {
    const u = await aUser();
    const now = Math.floor(Date.now() / 1000);
    const start = now - 3 * 3600;
    expect((await postBeats(u.key, Array.from({ length: 11 }, (_, i) => wire(start + i * 60)))).status).toBe(201);
    const made = await post(u.key, meeting("p1", now - 2 * 3600, now - 3600));
    expect(made.status).toBe(201);
    const body = (await made.json()) as any;
    expect(body.data).toMatchObject({ provider: "calendar-sync", category: "meeting", project: null });
    // A meeting that started before today's midnight counts only its part of today.
    const today = day(now);
    const seconds = Math.min(3600, now - 3600 - Date.parse(`${today}T00:00:00Z`) / 1000);
    const dash = await getJson(`/api/kodo/dashboard?range=today`, u.key);
    const codedToday = Math.min(600, Math.max(0, start + 600 - Date.parse(`${today}T00:00:00Z`) / 1000));
    expect(dash.totalSeconds).toBe(Math.max(0, seconds) + codedToday);
    const bar = await getJson("/api/v1/users/current/statusbar/today", u.key);
    expect(bar.data.grand_total.total_seconds).toBe(Math.max(0, seconds) + codedToday);
    expect(bar.data.categories.find((c: { name: string }) => c.name === "meeting")?.total_seconds ?? 0).toBe(Math.max(0, seconds));
  });

  it("cuts days in the user's zone (or ?timezone=), and read-only keys read but do not write", async () => {
    const u = await aUser({ timeZone: "Asia/Tokyo" });
    // 2026-10-05 23:00 to 2026-10-06 01:00 in Tokyo (UTC+9): two local days, one UTC day.
    const start = Date.UTC(2026, 9, 5, 14, 0, 0) / 1000;
    expect((await post(u.key, meeting("late", start, start + 7200, { project: "kodo" }))).status).toBe(201);
    const summaries = await getJson("/api/v1/users/current/summaries?start=2026-10-05&end=2026-10-06", u.key);
    expect(summaries.data.map((d: any) => d.grand_total.total_seconds)).toEqual([3600, 3600]);
    expect((await getJson("/api/v1/users/current/external_durations?date=2026-10-06", u.key)).data).toHaveLength(1);
    const utc = await getJson("/api/v1/users/current/external_durations?date=2026-10-04&timezone=UTC", u.key);
    expect(utc.data).toEqual([]);
    expect((await call("/api/v1/users/current/external_durations?date=2026-10-05&timezone=Mars/Base", { key: u.key })).status).toBe(400);

    const reader = await aUser({ scope: "read" });
    expect((await post(reader.key, meeting("r", start, start + 60))).status).toBe(403);
    expect((await call("/api/v1/users/current/external_durations?date=2026-10-05", { key: reader.key })).status).toBe(200);
    expect((await call("/api/v1/users/current/external_durations/00000000000000000000000000000000", { method: "DELETE", key: reader.key })).status).toBe(403);
  });

  it("the Durable Object keeps at most the cap per user; replacing one needs no room", async () => {
    const u = await aUser();
    const t = Date.UTC(2026, 9, 5, 9, 0, 0) / 1000;
    const item = (id: string) => ({ id, externalId: id, provider: "api", entity: "x", type: "app", category: "meeting", startTime: t, endTime: t + 60, project: null, branch: null, language: null, meta: null, updatedAt: "2026-10-05T09:00:00.000Z" });
    const stub = stubFor(u.id);
    expect(await stub.externalPut(u.id, [item("a"), item("b")], 2)).toEqual(["created", "created"]);
    expect(await stub.externalPut(u.id, [item("c")], 2)).toBeNull();
    expect(await stub.externalPut(u.id, [item("a")], 2)).toEqual(["updated"]);
    expect((await stub.externalBetween(t - 1, t + 1)).map((d: { id: string }) => d.id)).toEqual(["a", "b"]);
    // Bulk requests over the route: more than 100 is refused whole.
    const many = Array.from({ length: 101 }, (_, i) => meeting(`m${i}`, t, t + 60));
    const res = await post(u.key, many, "/api/v1/users/current/external_durations.bulk");
    expect(res.status).toBe(400);
  });
});

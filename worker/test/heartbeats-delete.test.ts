/**
 * Deleting heartbeats on Cloudflare, below the black-box contract: the D1 rows of the touched
 * days are rewritten or removed by the flush (what leaderboards and long ranges read), each
 * call is a bounded chunk, and only a signed-in session with its CSRF token or a full key may.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DELETE_MAX_DAYS, DELETE_MAX_HEARTBEATS } from "@kodo/core";
import { aUser, call, freshStorage, postBeats, stubFor, wire } from "./helpers.ts";
import { asSession, signIn } from "./sign-in-helpers.ts";

beforeEach(freshStorage);

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const D1 = "2026-09-01";
const D2 = "2026-09-02";

const remove = (key: string, body: unknown) => call("/api/kodo/account/heartbeats/delete", { method: "POST", key, body: JSON.stringify(body) });

async function rows(userId: string) {
  const r = await env.DB.prepare("SELECT day, total_seconds, coding_seconds, totals FROM daily_activity WHERE user_id = ? ORDER BY day").bind(userId).all<{ day: string; total_seconds: number; coding_seconds: number; totals: string }>();
  return r.results.map((x) => ({ day: x.day, total: x.total_seconds, coding: x.coding_seconds, projects: JSON.parse(x.totals).project as Record<string, number> }));
}

/** 11 heartbeats a minute apart: 10 minutes. */
const tenMinutes = (start: number, project: string) => Array.from({ length: 11 }, (_, i) => wire(start + i * 60, { project }));

describe("deleting heartbeats (Cloudflare)", () => {
  it("rewrites and removes the flushed D1 rows of the touched days; another user's rows stay", async () => {
    const u = await aUser();
    const other = await aUser();
    const beats = [...tenMinutes(day(D1) + 3600, "a"), ...tenMinutes(day(D2) + 3600, "a"), ...tenMinutes(day(D2) + 7200, "b")];
    for (const x of [u, other]) {
      expect((await postBeats(x.key, beats)).status).toBe(201);
      await stubFor(x.id).flush();
    }
    const otherBefore = await rows(other.id);
    expect((await rows(u.id)).map((r) => r.day)).toEqual([D1, D2]);

    const res = await remove(u.key, { project: "a" });
    expect(await res.json()).toEqual({ deleted: 22, done: true });
    await stubFor(u.id).flush();
    expect(await rows(u.id)).toEqual([{ day: D2, total: 600, coding: 600, projects: { b: 600 } }]);
    expect(await rows(other.id)).toEqual(otherBefore);
  });

  it(`deletes at most ${DELETE_MAX_DAYS} days and ${DELETE_MAX_HEARTBEATS} heartbeats per call`, { timeout: 120_000 }, async () => {
    const u = await aUser();
    const first = day("2026-01-01") + 3600;
    // Two heartbeats on each of 40 days.
    expect((await postBeats(u.key, Array.from({ length: 40 }, (_, i) => [wire(first + i * 86_400), wire(first + i * 86_400 + 60)]).flat())).status).toBe(201);
    expect(await (await remove(u.key, { start: "2026-01-01", end: "2026-02-28" })).json()).toEqual({ deleted: 2 * DELETE_MAX_DAYS, done: false });
    expect(await (await remove(u.key, { start: "2026-01-01", end: "2026-02-28" })).json()).toEqual({ deleted: 2 * (40 - DELETE_MAX_DAYS), done: true });
    expect(await stubFor(u.id).heartbeatCount()).toBe(0);

    const busy = day("2026-03-03");
    for (let i = 0; i < DELETE_MAX_HEARTBEATS + 500; i += 1000) {
      const n = Math.min(1000, DELETE_MAX_HEARTBEATS + 500 - i);
      expect((await postBeats(u.key, Array.from({ length: n }, (_, j) => wire(busy + (i + j) * 2, { entity: `/f/${i + j}.ts` })))).status).toBe(201);
    }
    expect(await (await remove(u.key, { project: "kodo" })).json()).toEqual({ deleted: DELETE_MAX_HEARTBEATS, done: false });
    expect(await (await remove(u.key, { project: "kodo" })).json()).toEqual({ deleted: 500, done: true });
    const projects = (await (await call("/api/v1/users/current/projects", { key: u.key })).json()) as { data: unknown[] };
    expect(projects.data).toEqual([]);
  });

  it("needs a full key, or a session with its CSRF token", async () => {
    const reader = await aUser({ scope: "read" });
    expect((await postBeats(reader.key, tenMinutes(day(D1), "x"))).status).toBe(403);
    const refused = await remove(reader.key, { project: "x" });
    expect([refused.status, await refused.json()]).toEqual([403, { error: "This API key is read-only" }]);

    const s = await signIn();
    const noCsrf = await call("/api/kodo/account/heartbeats/delete", { method: "POST", body: JSON.stringify({ project: "x" }), headers: { cookie: s.cookie, origin: "http://kodo.test" } });
    expect(noCsrf.status).toBe(403);
    const ok = await call("/api/kodo/account/heartbeats/delete", asSession(s, { method: "POST", body: JSON.stringify({ project: "x" }) }));
    expect([ok.status, await ok.json()]).toEqual([200, { deleted: 0, done: true }]);
  });
});

/**
 * Deleting heartbeats on Cloudflare, below the black-box contract: the flush recomputes the
 * user's board entries in D1 (what leaderboards read) from the touched days, removing entries
 * left without time; each call is a bounded chunk, and only a signed-in session with its CSRF
 * token or a full key may.
 */
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DELETE_MAX_DAYS, DELETE_MAX_HEARTBEATS } from "@kodo/core";
import { aUser, call, freshStorage, postBeats, stubFor, wire } from "./helpers.ts";
import { asSession, signIn } from "./sign-in-helpers.ts";

beforeEach(freshStorage);

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const D1 = "2026-09-01";

const remove = (key: string, body: unknown) => call("/api/kodo/account/heartbeats/delete", { method: "POST", key, body: JSON.stringify(body) });

async function rows(userId: string) {
  const r = await env.DB.prepare("SELECT language, last_7_days AS seconds FROM board_entries WHERE user_id = ? ORDER BY language").bind(userId).all<{ language: string; seconds: number }>();
  return r.results;
}

/** Local (UTC) day `n` days before today. */
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** 11 heartbeats a minute apart: 10 minutes. */
const tenMinutes = (start: number, project: string, language = "TypeScript") => Array.from({ length: 11 }, (_, i) => wire(start + i * 60, { project, language }));

describe("deleting heartbeats (Cloudflare)", () => {
  it("recomputes the board entries of the touched days and removes those left without time; another user's stay", async () => {
    const u = await aUser();
    const other = await aUser();
    const [d1, d2] = [daysAgo(3), daysAgo(2)];
    const beats = [...tenMinutes(day(d1) + 3600, "a"), ...tenMinutes(day(d2) + 3600, "a"), ...tenMinutes(day(d2) + 7200, "b", "Go")];
    for (const x of [u, other]) {
      expect((await postBeats(x.key, beats)).status).toBe(201);
      await stubFor(x.id).flush();
    }
    const otherBefore = await rows(other.id);
    expect(await rows(u.id)).toEqual([
      { language: "", seconds: 1800 },
      { language: "Go", seconds: 600 },
      { language: "TypeScript", seconds: 1200 },
    ]);

    const res = await remove(u.key, { project: "a" });
    expect(await res.json()).toEqual({ deleted: 22, done: true });
    await stubFor(u.id).flush();
    expect(await rows(u.id)).toEqual([
      { language: "", seconds: 600 },
      { language: "Go", seconds: 600 },
    ]);
    const summaries = (await (await call(`/api/v1/users/current/summaries?start=${d1}&end=${d2}`, { key: u.key })).json()) as any;
    expect(summaries.data.map((d: any) => d.grand_total.total_seconds)).toEqual([0, 600]);
    expect(await (await remove(u.key, { project: "b" })).json()).toEqual({ deleted: 11, done: true });
    await stubFor(u.id).flush();
    expect(await rows(u.id)).toEqual([]);
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

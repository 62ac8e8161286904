/**
 * Remote import against a real local worker (wrangler dev on workerd) and the fake WakaTime
 * server on loopback (allowed here by KODO_ALLOW_LOOPBACK_IMPORT=1, the local-development
 * switch; the contract suite shows it refused without it): a day larger than a step's
 * heartbeat budget is split over steps inside the day without losing or repeating anything, a
 * paging server is followed page by page, and a redirect to a private address is refused.
 * And the file import refuses a hostile token (a 50 MiB number) with a 400 naming it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureUser, freePort, startWorker } from "../../scripts/local-worker.mjs";
import { startFakeWakaTime, type FakeHeartbeat, type FakeWakaTime } from "./fake-wakatime.ts";

const DAY = 86_400;
const STEP_MAX_HEARTBEATS = 5_000; // core/src/accounts/remote-import.ts
let worker: Awaited<ReturnType<typeof startWorker>>;
let persistTo: string;
const fakes: FakeWakaTime[] = [];
let counter = 0;

beforeAll(async () => {
  persistTo = mkdtempSync(path.join(tmpdir(), "kodo-remote-import-"));
  worker = await startWorker({ port: await freePort(), persistTo, vars: { KODO_ALLOW_LOOPBACK_IMPORT: "1" } });
});

afterAll(async () => {
  for (const f of fakes) await f.close();
  await worker?.stop();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

async function newKey() {
  const user = { username: `imp${++counter}_${crypto.randomUUID().slice(0, 6)}`, key: `waka_${crypto.randomUUID()}` };
  await ensureUser(persistTo, user);
  return user.key;
}

async function post(key: string, p: string, body: unknown) {
  const res = await fetch(`${worker.url}${p}`, { method: "POST", headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
}

/** `n` heartbeats on the UTC day `daysAgo` back, a second apart. */
function dayOf(daysAgo: number, n: number): [string, FakeHeartbeat[]] {
  const start = Math.floor(Date.now() / 1000 / DAY - daysAgo) * DAY;
  const day = new Date(start * 1000).toISOString().slice(0, 10);
  return [day, Array.from({ length: n }, (_, i) => ({ entity: `/r/f${i % 50}.go`, time: start + 3600 + i, project: "remote", language: "Go" }))];
}

async function fake(days: [string, FakeHeartbeat[]][], opts = {}) {
  const f = await startFakeWakaTime(new Map(days), opts);
  fakes.push(f);
  return f;
}

describe("remote import on workerd", () => {
  it("splits a day larger than a step's budget over steps inside the day, losing and repeating nothing", async () => {
    const big = dayOf(5, STEP_MAX_HEARTBEATS + 4_500);
    const small = dayOf(4, 3);
    const f = await fake([big, small]);
    const key = await newKey();
    const created = await post(key, "/api/kodo/account/imports", { url: f.url, api_key: f.key });
    expect(created.status).toBe(201);
    const id = created.json.data.id;
    const steps = [];
    for (let i = 0; i < 10; i++) {
      const s = await post(key, `/api/kodo/account/imports/${id}/step`, { api_key: f.key });
      expect(s.status).toBe(200);
      steps.push(s.json.data);
      if (s.json.data.status === "done") break;
    }
    // The first step stopped at its budget inside the big day: same day next, not counted done.
    expect(steps[0]).toMatchObject({ next_day: big[0], heartbeats_received: STEP_MAX_HEARTBEATS, heartbeats_created: STEP_MAX_HEARTBEATS });
    const last = steps[steps.length - 1];
    expect(last).toMatchObject({ status: "done", heartbeats_received: STEP_MAX_HEARTBEATS + 4_503, heartbeats_created: STEP_MAX_HEARTBEATS + 4_503, heartbeats_rejected: 0 });
    expect(last.days_done).toBe(last.days_total);
    // Every page of the day (GET heartbeats pages a big day by next_cursor).
    let listed = 0;
    for (let cursor: string | null = null, pages = 0; pages === 0 || (cursor !== null && pages < 50); pages++) {
      const res = await fetch(`${worker.url}/api/v1/users/current/heartbeats?date=${big[0]}${cursor ? `&cursor=${cursor}` : ""}`, { headers: { authorization: `Basic ${btoa(key)}` } });
      const page = (await res.json()) as { data: unknown[]; next_cursor: string | null };
      listed += page.data.length;
      cursor = page.next_cursor;
    }
    expect(listed).toBe(STEP_MAX_HEARTBEATS + 4_500);
  });

  it("follows a server that pages heartbeats?date= (page / next_page / total_pages)", async () => {
    const day = dayOf(3, 2_500);
    const f = await fake([day], { pageSize: 1_000 });
    const key = await newKey();
    const created = await post(key, "/api/kodo/account/imports", { url: f.url, api_key: f.key });
    let job = created.json.data;
    while (job.status !== "done") job = (await post(key, `/api/kodo/account/imports/${job.id}/step`, { api_key: f.key })).json.data;
    expect(job).toMatchObject({ heartbeats_received: 2_500, heartbeats_created: 2_500 });
    expect(f.requests.filter((r) => r.includes(`date=${day[0]}`))).toEqual([
      `/api/v1/users/current/heartbeats?date=${day[0]}`,
      `/api/v1/users/current/heartbeats?date=${day[0]}&page=2`,
      `/api/v1/users/current/heartbeats?date=${day[0]}&page=3`,
    ]);
  });

  it("refuses a redirect to a private or metadata address even with loopback allowed", async () => {
    const key = await newKey();
    for (const to of ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/api/v1/users/current/all_time_since_today"]) {
      const f = await fake([], { redirectTo: to });
      const res = await post(key, "/api/kodo/account/imports", { url: f.url, api_key: f.key });
      expect(res).toEqual({ status: 422, json: { error: "Could not connect to the server" } });
      expect(f.requests).toEqual(["/api/v1/users/current/all_time_since_today"]);
    }
  });
});

describe("file import on workerd", () => {
  it("refuses a 50 MiB number with a 400 naming the problem, storing nothing", async () => {
    const key = await newKey();
    // In the dump's `user` object, outside any heartbeat (a heartbeat is capped at 1 MiB whole).
    const head = '{"user":{"id":';
    const body = Buffer.concat([Buffer.from(head), Buffer.alloc(50 * 1_048_576, "7"), Buffer.from('},"days":[{"date":"2026-01-01","heartbeats":[]}]}')]);
    const res = await fetch(`${worker.url}/api/kodo/account/import`, { method: "POST", headers: { authorization: `Basic ${btoa(key)}`, "content-type": "application/json" }, body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`^Invalid JSON near character ${head.length + 64}: a number or literal longer than 64 characters\\. 0 heartbeats`));
    const all = await fetch(`${worker.url}/api/v1/users/current/all_time_since_today`, { headers: { authorization: `Basic ${btoa(key)}` } });
    expect(((await all.json()) as { data: { total_seconds: number } }).data.total_seconds).toBe(0);
  });
});

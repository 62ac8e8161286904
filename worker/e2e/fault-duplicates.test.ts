/**
 * Fault: a client that sends every heartbeat three times, shuffled, in batches of mixed sizes,
 * through both single and bulk routes and both API prefixes (a plugin retrying after timeouts,
 * an offline queue flushed twice). Its user must end up with exactly what a clean, in-order,
 * single send gives another user: same heartbeats, same summaries, same durations, same stats.
 * Run in UTC and in a zone with a DST change inside the trace.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, ensureUser, freePort, startWorker } from "../../scripts/local-worker.mjs";
import { UA, basic, batches, daysOf, expectedTotals, generateBeats, shuffled, storedBeats, summariesByDay, type Beat } from "./fault-helpers.ts";

const SEED = Number(process.env.FAULT_SEED ?? 20261124);

let persistTo: string;
let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
const users = {
  cleanUtc: { key: `waka_${crypto.randomUUID()}`, timeZone: "UTC" },
  messyUtc: { key: `waka_${crypto.randomUUID()}`, timeZone: "UTC" },
  cleanNy: { key: `waka_${crypto.randomUUID()}`, timeZone: "America/New_York" },
  messyNy: { key: `waka_${crypto.randomUUID()}`, timeZone: "America/New_York" },
};

beforeAll(async () => {
  persistTo = mkdtempSync(path.join(tmpdir(), "kodo-fault-dup-"));
  await applyMigrations(persistTo);
  for (const [name, u] of Object.entries(users)) await ensureUser(persistTo, { username: name, key: u.key, timeZone: u.timeZone });
  // Flushes happen during the sends, so D1 rows are rewritten as duplicates arrive.
  worker = await startWorker({ port: await freePort(), persistTo, vars: { FLUSH_QUIET_SECONDS: "1", FLUSH_MAX_DELAY_SECONDS: "2" }, migrate: false });
});

afterAll(async () => {
  await worker?.stop();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

async function post(key: string, path: string, body: unknown): Promise<number[]> {
  const res = await fetch(`${worker!.url}${path}`, {
    method: "POST",
    headers: { authorization: basic(key), "content-type": "application/json", "user-agent": UA },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { responses?: [unknown, number][] };
  if (res.status >= 300 && !json.responses) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json.responses ? json.responses.map(([, s]) => s) : [res.status];
}

async function sendClean(key: string, beats: Beat[]) {
  for (let i = 0; i < beats.length; i += 100) {
    const statuses = await post(key, "/api/v1/users/current/heartbeats.bulk", beats.slice(i, i + 100));
    expect(statuses.every((s) => s === 201)).toBe(true);
  }
}

/** Three copies, shuffled, in batches of 1-300, over single/array/bulk routes and both prefixes. */
async function sendMessy(key: string, beats: Beat[], seed: number) {
  const all = shuffled([...beats, ...beats, ...beats], seed);
  const statuses: number[] = [];
  for (const [i, batch] of batches(all, seed + 1, { min: 1, max: 300 }).entries()) {
    const prefix = i % 2 === 0 ? "/api/v1" : "/api/compat/wakatime/v1";
    if (batch.length === 1) statuses.push(...(await post(key, `${prefix}/users/current/heartbeats`, batch[0])));
    else if (i % 3 === 0) statuses.push(...(await post(key, `${prefix}/users/current/heartbeats`, batch)));
    else statuses.push(...(await post(key, `${prefix}/users/current/heartbeats.bulk`, batch)));
  }
  expect(statuses.filter((s) => s === 201).length).toBe(beats.length);
  expect(statuses.filter((s) => s === 202).length).toBe(2 * beats.length);
}

async function getJson(key: string, path: string): Promise<any> {
  const res = await fetch(`${worker!.url}${path}`, { headers: { authorization: basic(key) } });
  expect(res.status, path).toBe(200);
  return res.json();
}

/** Drops what names the user, so two users' answers can be compared. */
function anonymous(value: any): any {
  const { id: _id, user_id: _userId, username: _username, ...rest } = value.data;
  return { ...value, data: rest };
}

describe.each([
  ["UTC", users.cleanUtc, users.messyUtc],
  ["America/New_York (DST change inside the trace)", users.cleanNy, users.messyNy],
])("every heartbeat sent three times, shuffled, in %s", (_zone, clean, messy) => {
  it("gives the same result as one clean send", async () => {
    // The New York trace spans the first Sunday of November, when clocks fall back.
    const end = clean.timeZone === "UTC" ? Math.floor(Date.now() / 1000) - 7200 : Date.parse("2026-11-03T12:00:00Z") / 1000;
    const beats = generateBeats(SEED, 1500, end);
    await sendClean(clean.key, beats);
    await sendMessy(messy.key, beats, SEED + 7);

    const days = daysOf(beats);
    const first = days[0]!;
    const last = days.at(-1)!;
    const [a, b] = [await storedBeats(worker!.url, clean.key, days), await storedBeats(worker!.url, messy.key, days)];
    expect(b).toEqual(a);
    expect([...a.values()].every((n) => n === 1)).toBe(true);
    expect(a.size).toBe(beats.length);

    const summaries = `/api/v1/users/current/summaries?start=${first}&end=${last}`;
    expect(await getJson(messy.key, summaries)).toEqual(await getJson(clean.key, summaries));
    for (const day of days) {
      const durations = `/api/v1/users/current/durations?date=${day}`;
      expect(await getJson(messy.key, durations), durations).toEqual(await getJson(clean.key, durations));
    }
    const stats = "/api/v1/users/current/stats/all_time";
    expect(anonymous(await getJson(messy.key, stats))).toEqual(anonymous(await getJson(clean.key, stats)));

    if (clean.timeZone === "UTC") {
      // And both equal the totals computed without Kodo's merge code.
      const expected = expectedTotals(beats);
      const got = await summariesByDay(worker!.url, messy.key, first, last);
      for (const day of days) {
        const want = [...(expected.get(day)?.values() ?? [])].reduce((x, y) => x + y, 0);
        expect(got.get(day)!.total, day).toBeCloseTo(want, 1);
      }
    }
  }, 120_000);
});

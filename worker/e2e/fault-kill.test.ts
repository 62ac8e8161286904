/**
 * Fault: the local runtime dies (SIGKILL of wrangler and workerd) in the middle of a steady
 * ingest, twice, and comes back on the same persisted state. The client retries each batch
 * until it is acknowledged, as plugins do. Afterwards every heartbeat is stored exactly once
 * and the totals equal those computed independently from what was sent, both while days are
 * live in the Durable Object and after they were flushed to D1.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, ensureUser, freePort, startWorker } from "../../scripts/local-worker.mjs";
import { batches, beatId, daysOf, expectedTotals, generateBeats, sendUntilAcknowledged, storedBeats, summariesByDay, type Beat } from "./fault-helpers.ts";

const SEED = Number(process.env.FAULT_SEED ?? 20261123);
// Flush to D1 within seconds, so kills also land during flushes.
const VARS = { FLUSH_QUIET_SECONDS: "1", FLUSH_MAX_DELAY_SECONDS: "2" };

let persistTo: string;
let port: number;
let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
const key = `waka_${crypto.randomUUID()}`;

beforeAll(async () => {
  persistTo = mkdtempSync(path.join(tmpdir(), "kodo-fault-kill-"));
  port = await freePort();
  await applyMigrations(persistTo);
  await ensureUser(persistTo, { username: "survivor", key });
  worker = await startWorker({ port, persistTo, vars: VARS, migrate: false });
});

afterAll(async () => {
  await worker?.stop();
  if (persistTo) rmSync(persistTo, { recursive: true, force: true });
});

describe("killing the runtime during ingest", () => {
  it("loses no acknowledged heartbeat and stores none twice", async () => {
    const beats = generateBeats(SEED, 2400, Math.floor(Date.now() / 1000) - 3600);
    const queue = batches(beats, SEED + 1, { min: 1, max: 120 });
    const url = () => `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 150_000;

    // Two clients send in parallel, so requests are in flight whenever the runtime dies.
    let next = 0;
    let acknowledged = 0;
    let retried = 0;
    const acked: Beat[] = [];
    // When one side fails the others stop too, and the test waits for them all: a killer left
    // running would start a runtime after afterAll stopped the last one, and leave it behind.
    let failed = false;
    const sender = async () => {
      for (let i = next++; i < queue.length && !failed; i = next++) {
        const attempts = await sendUntilAcknowledged(url, key, queue[i]!, deadline);
        if (attempts > 1) retried++;
        acked.push(...queue[i]!);
        acknowledged++;
      }
    };
    const killer = async () => {
      for (const at of [Math.floor(queue.length / 3), Math.floor((2 * queue.length) / 3)]) {
        while (acknowledged < at && !failed) await new Promise((r) => setTimeout(r, 5));
        if (failed) return;
        await worker!.kill();
        worker = await startWorker({ port, persistTo, vars: VARS, migrate: false });
      }
    };
    const noteFailure = (p: Promise<void>) => p.catch((e: unknown) => ((failed = true), Promise.reject(e)));
    const outcomes = await Promise.allSettled([noteFailure(sender()), noteFailure(sender()), noteFailure(killer())]);
    for (const o of outcomes) if (o.status === "rejected") throw o.reason;
    expect(acked.length).toBe(beats.length);
    // The kills interrupted requests, or this test proved nothing about them.
    expect(retried).toBeGreaterThan(0);

    const days = daysOf(beats);
    await expectStoredOnce(days, acked);
    await expectTotals(days, acked); // live from the Durable Object, partly flushed
    await new Promise((r) => setTimeout(r, 4_000)); // alarms flush the rest to D1
    await expectTotals(days, acked);
  }, 170_000);
});

async function expectStoredOnce(days: string[], acked: Beat[]) {
  const stored = await storedBeats(`http://127.0.0.1:${port}`, key, days);
  const twice = [...stored].filter(([, n]) => n !== 1);
  expect(twice).toEqual([]);
  const missing = acked.map(beatId).filter((id) => !stored.has(id));
  expect(missing).toEqual([]);
  expect(stored.size).toBe(acked.length);
}

async function expectTotals(days: string[], acked: Beat[]) {
  const expected = expectedTotals(acked);
  const actual = await summariesByDay(`http://127.0.0.1:${port}`, key, days[0]!, days.at(-1)!);
  for (const day of days) {
    const want = expected.get(day) ?? new Map<string, number>();
    const got = actual.get(day)!;
    const wantTotal = [...want.values()].reduce((a, b) => a + b, 0);
    expect(got.total, `total of ${day}`).toBeCloseTo(wantTotal, 1);
    expect([...got.projects.keys()].sort(), `projects of ${day}`).toEqual([...want.keys()].filter((p) => want.get(p)! > 0).sort());
    for (const [project, seconds] of want) expect(got.projects.get(project) ?? 0, `${project} on ${day}`).toBeCloseTo(seconds, 1);
  }
}

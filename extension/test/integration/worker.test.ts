/**
 * The extension's tracker core against the real Kodo worker (wrangler dev on workerd, D1 and
 * the Durable Object persisted in a temp folder): simulated editor events in, what the server
 * stored and reports out. Started through scripts/local-worker.mjs, like `npm start`.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../../src/log/logger";
import { createKodoFileCheck } from "../../src/privacy/kodo-file-check";
import { PersistentQueue } from "../../src/queue/persistent-queue";
import { TrackerCore } from "../../src/tracker-core";
import { createApiClient } from "../../src/transport/api-client";
import type { WireHeartbeat } from "../../src/wire/wakatime-v1";
import { anEvent, FakeClock } from "../builders";

interface RunningWorker {
  url: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
  output(): string;
}
interface LocalWorker {
  applyMigrations(persistTo: string): Promise<void>;
  ensureUser(persistTo: string, user: { username: string; key: string; timeZone?: string }): Promise<void>;
  startWorker(options: { port: number; persistTo: string; migrate?: boolean }): Promise<RunningWorker>;
  freePort(): Promise<number>;
}

const REPO_ROOT = join(__dirname, "..", "..", "..");
const USER_AGENT = "kodo-vscode/0.1.0 vscode/1.95.0 (linux-x64)";
const APP = "/home/dev/kodo/src/app.ts";
const UTIL = "/home/dev/kodo/src/util.ts";

let local: LocalWorker;
let persistTo: string;
let port: number;
let worker: RunningWorker | undefined;
const key = `waka_${randomUUID()}`;
let apiUrl: string;

beforeAll(async () => {
  // A computed path: the script is plain JS without types, loaded at run time.
  const script = join(REPO_ROOT, "scripts", "local-worker.mjs");
  local = (await import(script)) as LocalWorker;
  persistTo = await mkdtemp(join(tmpdir(), "kodo-ext-worker-"));
  port = await local.freePort();
  await local.applyMigrations(persistTo);
  await local.ensureUser(persistTo, { username: "ext-test", key, timeZone: "UTC" });
  worker = await local.startWorker({ port, persistTo, migrate: false });
  apiUrl = `${worker.url}/api/v1`;
});
afterAll(async () => {
  await worker?.stop();
  await rm(persistTo, { recursive: true, force: true });
});

let queueDir: string;
const cores: TrackerCore[] = [];
beforeEach(async () => {
  queueDir = await mkdtemp(join(tmpdir(), "kodo-ext-queue-"));
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close().catch(() => undefined)));
  await rm(queueDir, { recursive: true, force: true });
});

async function startCore(clock: FakeClock, apiKey = key) {
  const logger = createMemoryLogger();
  const queue = await PersistentQueue.open<WireHeartbeat>({
    dir: queueDir,
    logger,
    compare: (a, b) => a.time - b.time,
    writeDelayMs: 1,
  });
  const core = new TrackerCore({
    clock: clock.now,
    random: () => 0.5,
    logger,
    queue,
    sender: { machine: "ext-test-box", userAgent: USER_AGENT },
    secret: "s",
    hasKodoFile: createKodoFileCheck(clock.now),
    privacy: { hideFileNames: "off", hideProjectNames: false, onlyProjectsWithKodoFile: false, pathFilter: () => true },
    isPaused: () => false,
  });
  const client = createApiClient({ apiUrl, apiKey, userAgent: USER_AGENT, machineName: "ext-test-box" });
  core.setClient(client);
  cores.push(core);
  return { core, queue, client, logger };
}

/** A clock a little in the past, so the whole simulated session is before "now". */
const recentClock = (minutesAgo: number) => new FakeClock(Date.now() - minutesAgo * 60_000);

async function heartbeatsOn(date: string) {
  const res = await fetch(`${apiUrl}/users/current/heartbeats?date=${date}`, {
    headers: { Authorization: `Basic ${Buffer.from(key).toString("base64")}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Array<Record<string, unknown>> }).data;
}

describe("tracker core against the real worker", () => {
  it("sends a simulated session that the server stores and counts", async () => {
    const clock = recentClock(12);
    const { core, queue, client } = await startCore(clock);
    for (let i = 0; i < 36; i += 1) {
      // 6 minutes of typing in app.ts, an edit every 10 s, then util.ts.
      core.handle(anEvent("edit", { filePath: i < 36 / 2 ? APP : UTIL }));
      clock.advance(10_000);
    }
    core.handle(anEvent("save", { filePath: UTIL }));
    await core.sendNow();
    expect(core.sync.state.kind).toBe("online");
    expect(queue.size).toBe(0);

    const startDay = new Date(clock.nowMs - 6 * 60_000).toISOString().slice(0, 10);
    const endDay = new Date(clock.nowMs).toISOString().slice(0, 10);
    const stored = [...(await heartbeatsOn(startDay)), ...(startDay === endDay ? [] : await heartbeatsOn(endDay))];
    const ours = stored.filter((h) => h.entity === APP || h.entity === UTIL);
    // app.ts at 0 s and 130 s, util.ts at 180 s and 310 s, and the save.
    expect(ours).toHaveLength(5);
    expect(ours.some((h) => h.is_write === true)).toBe(true);
    expect(ours[0]).toMatchObject({ project: "kodo", branch: "main", language: "TypeScript", category: "coding" });

    const today = await client.fetchToday();
    expect(today.kind).toBe("ok");
    if (today.kind === "ok" && startDay === endDay && endDay === new Date().toISOString().slice(0, 10)) {
      expect(today.today.totalSeconds).toBeGreaterThan(0);
    }
  });

  it("gets 202 for duplicates and drops items the server refuses (400)", async () => {
    const clock = recentClock(30);
    const { core, queue, client, logger } = await startCore(clock);
    core.handle(anEvent("edit", { filePath: "/home/dev/kodo/src/dup.ts" }));
    await core.idle();
    const original = queue.peek(1)[0]!.item;
    await core.sendNow();
    expect(queue.size).toBe(0);

    const bad = { ...original, entity: "", time: -5 } as WireHeartbeat;
    expect(await client.sendBulk([original, bad])).toEqual({ kind: "answered", statuses: [202, 400] });
    // Through the queue: both leave it (the duplicate as accepted, the bad one dropped).
    queue.push([original, bad]);
    await core.sendNow();
    expect(queue.size).toBe(0);
    expect(core.sync.state.kind).toBe("online");
    expect(logger.messages("warn").join("\n")).toMatch(/refused a heartbeat \(400\)/);
  });

  it("stops on a wrong key and keeps the heartbeats", async () => {
    const clock = recentClock(5);
    const { core, queue } = await startCore(clock, `waka_${randomUUID()}`);
    core.handle(anEvent("edit"));
    await core.sendNow();
    expect(core.sync.state.kind).toBe("unauthorized");
    expect(queue.size).toBe(1);
  });

  it("keeps activity while the server is down and delivers it after a restart", async () => {
    const clock = recentClock(20);
    const { core, queue } = await startCore(clock);
    await worker!.kill();
    worker = undefined;
    for (let i = 0; i < 10; i += 1) {
      core.handle(anEvent("edit", { filePath: `/home/dev/kodo/src/offline-${i}.ts` }));
      clock.advance(30_000);
    }
    await core.sendNow();
    expect(core.sync.state.kind).toBe("offline");
    expect(queue.size).toBe(10);

    worker = await local.startWorker({ port, persistTo, migrate: false });
    await core.sendNow();
    expect(queue.size).toBe(0);
    const day = new Date(clock.nowMs - 5 * 60_000).toISOString().slice(0, 10);
    const entities = (await heartbeatsOn(day)).map((h) => h.entity);
    const endDay = new Date(clock.nowMs).toISOString().slice(0, 10);
    if (endDay !== day) entities.push(...(await heartbeatsOn(endDay)).map((h) => h.entity));
    for (let i = 0; i < 10; i += 1) expect(entities).toContain(`/home/dev/kodo/src/offline-${i}.ts`);
  });
});

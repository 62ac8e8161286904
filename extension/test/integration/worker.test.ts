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
import { END_BEFORE_NOW_SECONDS, spanToday, utcDay, waitUntilSecondsIntoToday } from "./today-span";
import { expectedDayTotals, previousDay, type DayTotals } from "./today-totals";

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

/**
 * A clock a little in the past, on a whole second (so heartbeat times and gaps are exact
 * integers of seconds).
 */
const recentClock = (minutesAgo: number) => new FakeClock(Math.floor(Date.now() / 1000) * 1000 - minutesAgo * 60_000);

async function getJson(path: string): Promise<unknown> {
  const res = await fetch(`${apiUrl}/${path}`, {
    headers: { Authorization: `Basic ${Buffer.from(key).toString("base64")}` },
  });
  expect(res.status).toBe(200);
  return res.json();
}

interface ServerHeartbeat {
  entity: string;
  time: number;
  project: string | null;
  is_write: boolean;
  [field: string]: unknown;
}

async function heartbeatsOn(date: string): Promise<ServerHeartbeat[]> {
  return ((await getJson(`users/current/heartbeats?date=${date}`)) as { data: ServerHeartbeat[] }).data;
}

interface StatusBarToday {
  grand_total: { total_seconds: number };
  projects: Array<{ name: string; total_seconds: number }>;
  range: { date: string };
}

/**
 * statusbar/today, and what it must say according to the heartbeats the server stored that
 * day and the day before (today-totals.ts). The day is the one the server answered for, so a
 * midnight between the two reads cannot mix two days.
 */
async function todayAndExpected() {
  const today = ((await getJson("users/current/statusbar/today")) as { data: StatusBarToday }).data;
  const day = today.range.date;
  const stored = [...(await heartbeatsOn(previousDay(day))), ...(await heartbeatsOn(day))];
  return { today, day, stored, expected: expectedDayTotals(stored, day) };
}

function expectTodayMatches(today: StatusBarToday, expected: DayTotals): void {
  expect(today.grand_total.total_seconds).toBe(expected.totalSeconds);
  expect(Object.fromEntries(today.projects.map((p) => [p.name, p.total_seconds]))).toEqual(expected.projects);
}

/** Two files in two projects: each its own git repository and workspace folder (multi-root). */
const ALPHA = {
  filePath: "/home/dev/alpha/src/a.ts",
  languageId: "typescript",
  projectRoot: "/home/dev/alpha",
  workspaceFolder: "/home/dev/alpha",
  project: "alpha",
  branch: "main",
};
const BETA = {
  filePath: "/home/dev/beta/lib/b.py",
  languageId: "python",
  projectRoot: "/home/dev/beta",
  workspaceFolder: "/home/dev/beta",
  project: "beta",
  branch: "develop",
};
/** Typing time per file in the two-project session, in seconds (shorter right after midnight). */
const TYPING_SECONDS = 300;
const EDIT_EVERY_SECONDS = 10;

describe("tracker core against the real worker", () => {
  it("counts edits in two files of two projects in statusbar/today as the stored heartbeats add up", async () => {
    await waitUntilSecondsIntoToday(END_BEFORE_NOW_SECONDS + 20);
    // Per file: typing (an edit every 10 s) for T seconds, then a save at T-5 s; a.ts of
    // alpha from 0 s, then a switch to b.py of beta at T s. The session ends a minute ago.
    const span = spanToday(2 * TYPING_SECONDS - 5, END_BEFORE_NOW_SECONDS);
    const typingSeconds = Math.min(TYPING_SECONDS, Math.floor((span.lengthSeconds + 5) / 20) * 10);
    expect(typingSeconds).toBeGreaterThanOrEqual(EDIT_EVERY_SECONDS);
    const start = span.startSeconds;
    const clock = new FakeClock(start * 1000);
    const { core, queue, client } = await startCore(clock);
    const at = (offsetSeconds: number) => (clock.nowMs = (start + offsetSeconds) * 1000);

    const typeIn = (file: typeof ALPHA, from: number, firstKind: "edit" | "switch") => {
      at(from);
      core.handle(anEvent(firstKind, file));
      for (let s = EDIT_EVERY_SECONDS; s < typingSeconds; s += EDIT_EVERY_SECONDS) {
        at(from + s);
        core.handle(anEvent("edit", file, { lineChanges: { added: 1, deleted: 0 } }));
      }
      at(from + typingSeconds - 5);
      core.handle(anEvent("save", file));
    };
    typeIn(ALPHA, 0, "edit");
    typeIn(BETA, typingSeconds, "switch");
    await core.sendNow();
    expect(core.sync.state.kind).toBe("online");
    expect(queue.size).toBe(0);

    // WakaTime's rules on this 10 s grid: a heartbeat at the file's first event (the first one
    // at all, then the file change), then at the first edit more than 2 min after the previous
    // heartbeat (130 s, 260 s, ...); the edits in between collapse; the save is always one.
    // With 5 min per file: a.ts 0, 130, 260, save 295; b.py 300, 430, 560, save 595 (8).
    const fileBeats = (entity: string, from: number) => {
      const beats: Array<{ entity: string; time: number; is_write: boolean }> = [];
      for (let s = 0; s <= typingSeconds - EDIT_EVERY_SECONDS; s += 130) {
        beats.push({ entity, time: start + from + s, is_write: false });
      }
      beats.push({ entity, time: start + from + typingSeconds - 5, is_write: true });
      return beats;
    };
    const expectedBeats = [...fileBeats(ALPHA.filePath, 0), ...fileBeats(BETA.filePath, typingSeconds)];
    if (typingSeconds === TYPING_SECONDS) expect(expectedBeats).toHaveLength(8);

    const { today, day, stored, expected } = await todayAndExpected();
    expect(day).toBe(utcDay(start));
    const ours = stored
      .filter((h) => h.entity === ALPHA.filePath || h.entity === BETA.filePath)
      .sort((a, b) => a.time - b.time);
    expect(ours.map((h) => ({ entity: h.entity, time: h.time, is_write: h.is_write }))).toEqual(expectedBeats);
    const fieldsOf = {
      alpha: { branch: "main", language: "TypeScript" },
      beta: { branch: "develop", language: "Python" },
    };
    for (const h of ours) {
      const project = h.entity === ALPHA.filePath ? "alpha" : "beta";
      expect(h).toMatchObject({ project, ...fieldsOf[project], category: "coding", project_root_count: 4 });
    }

    expectTodayMatches(today, expected);
    // Both projects are there with at least this session's time: alpha from its first
    // heartbeat to the switch (T), beta from the switch to its save (T - 5).
    expect(expected.projects["alpha"]).toBeGreaterThanOrEqual(typingSeconds);
    expect(expected.projects["beta"]).toBeGreaterThanOrEqual(typingSeconds - 5);
    // The extension's own status-bar read shows the same total.
    expect(await client.fetchToday()).toMatchObject({ kind: "ok", today: { totalSeconds: expected.totalSeconds } });
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

  it("keeps activity on disk while the server is down, then delivers all of it once", async () => {
    await waitUntilSecondsIntoToday(END_BEFORE_NOW_SECONDS + 20);
    // Ten files of project gamma, one every 30 s (closer right after midnight), ending 12 min ago.
    const span = spanToday(9 * 30, 12 * 60);
    const stepSeconds = Math.min(30, Math.floor(span.lengthSeconds / 9));
    expect(stepSeconds).toBeGreaterThanOrEqual(1);
    const gammaFile = (i: number) => ({
      filePath: `/home/dev/gamma/src/offline-${i}.ts`,
      projectRoot: "/home/dev/gamma",
      workspaceFolder: "/home/dev/gamma",
      project: "gamma",
    });
    const clock = new FakeClock(span.startSeconds * 1000);
    const first = await startCore(clock);
    await worker!.kill();
    worker = undefined;
    for (let i = 0; i < 10; i += 1) {
      first.core.handle(anEvent("edit", gammaFile(i)));
      clock.advance(stepSeconds * 1000);
    }
    await first.core.sendNow();
    expect(first.core.sync.state.kind).toBe("offline");
    // Every file change is a heartbeat, and all of them wait in the queue.
    const generated = first.queue.peek(100).map((e) => e.item);
    expect(generated.map((h) => [h.entity, h.time])).toEqual(
      Array.from({ length: 10 }, (_, i) => [gammaFile(i).filePath, span.startSeconds + i * stepSeconds]),
    );

    // The editor is closed during the outage too: the next start finds the queue on disk.
    await first.core.close();
    const second = await startCore(clock);
    expect(second.queue.peek(100).map((e) => e.item)).toEqual(generated);

    worker = await local.startWorker({ port, persistTo, migrate: false });
    // A send whose answer was lost: the server already has the first four, the queue still
    // holds them, so they go again and must not count twice.
    expect(await second.client.sendBulk(generated.slice(0, 4))).toEqual({
      kind: "answered",
      statuses: [201, 201, 201, 201],
    });
    await second.core.sendNow();
    expect(second.queue.size).toBe(0);
    expect(second.core.sync.state.kind).toBe("online");

    const { today, day, stored, expected } = await todayAndExpected();
    expect(day).toBe(utcDay(span.startSeconds));
    const keyOf = (h: { entity: string; time: number }) => `${h.entity}@${h.time}`;
    const delivered = stored.filter((h) => h.project === "gamma").map(keyOf);
    // Complete and exactly once: the same entity+time set, and no key twice.
    expect(new Set(delivered).size).toBe(delivered.length);
    expect([...delivered].sort()).toEqual(generated.map(keyOf).sort());

    expectTodayMatches(today, expected);
    // Today's total includes the offline work: at least the 9 gaps between gamma's heartbeats.
    expect(expected.projects["gamma"]).toBeGreaterThanOrEqual(9 * stepSeconds);
  });
});

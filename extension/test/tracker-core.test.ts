import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../src/log/logger";
import { createKodoFileCheck } from "../src/privacy/kodo-file-check";
import { createPathFilter } from "../src/privacy/path-filter";
import type { PrivacyRules } from "../src/privacy/privacy-rules";
import { PersistentQueue } from "../src/queue/persistent-queue";
import { SEND_INTERVAL_MS } from "../src/sync/sync-loop";
import { TrackerCore } from "../src/tracker-core";
import { createApiClient } from "../src/transport/api-client";
import { RETRY_MAX_MS } from "../src/transport/backoff";
import type { WireHeartbeat } from "../src/wire/wakatime-v1";
import { anEvent, FakeClock } from "./builders";
import { FakeApiServer } from "./fake-api-server";

const USER_AGENT = "kodo-vscode/0.1.0 vscode/1.95.0 (linux-x64)";
const APP = "/home/dev/kodo/src/app.ts";
const UTIL = "/home/dev/kodo/src/util.ts";

let dir: string;
let server: FakeApiServer;
const cores: TrackerCore[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kodo-core-"));
  server = await new FakeApiServer().start();
});
afterEach(async () => {
  await Promise.all(cores.splice(0).map((c) => c.close().catch(() => undefined)));
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

const openPrivacy: PrivacyRules = {
  hideFileNames: "off",
  hideProjectNames: false,
  onlyProjectsWithKodoFile: false,
  pathFilter: () => true,
};

/** One "window": a tracker core over a real queue folder, a real server, a fake clock. */
async function startWindow(clock: FakeClock, options: { pid: number; privacy?: PrivacyRules }) {
  const logger = createMemoryLogger();
  const queue = await PersistentQueue.open<WireHeartbeat>({
    dir,
    logger,
    compare: (a, b) => a.time - b.time,
    writeDelayMs: 1,
    pid: options.pid,
    isProcessAlive: (pid) => pid === options.pid,
  });
  const core = new TrackerCore({
    clock: clock.now,
    random: () => 0.5,
    logger,
    queue,
    sender: { machine: "devbox", userAgent: USER_AGENT },
    secret: "install-secret",
    hasKodoFile: createKodoFileCheck(clock.now),
    privacy: options.privacy ?? openPrivacy,
    isPaused: () => false,
  });
  core.setClient(
    createApiClient({
      apiUrl: server.apiUrl,
      apiKey: server.validKey,
      userAgent: USER_AGENT,
      machineName: "devbox",
    }),
  );
  cores.push(core);
  return { core, logger, queue };
}

/** Types in `file` every `everyMs` for `forMs`, ticking the sender like the extension does. */
async function type(core: TrackerCore, clock: FakeClock, file: string, forMs: number, everyMs = 5_000) {
  for (let t = 0; t < forMs; t += everyMs) {
    core.handle(anEvent("edit", { filePath: file }));
    await core.idle();
    await core.tick();
    clock.advance(everyMs);
  }
}

describe("tracker core: simulated editor sessions", () => {
  it("records a morning of work with WakaTime's rules and batches it to the server", async () => {
    const clock = new FakeClock();
    const t0 = clock.nowMs / 1000;
    const { core } = await startWindow(clock, { pid: 100 });

    await type(core, clock, APP, 5 * 60_000); // 5 min in app.ts: t0, +2:05, +4:10
    core.handle(anEvent("switch", { filePath: UTIL })); // new file: +5:00
    core.handle(anEvent("scroll", { filePath: APP }, { windowFocused: false })); // ignored
    clock.advance(10_000);
    core.handle(anEvent("save", { filePath: UTIL })); // write: +5:10
    core.categories.debugStarted();
    clock.advance(10_000);
    core.handle(anEvent("select", { filePath: UTIL })); // category change: +5:20
    core.categories.debugEnded();
    clock.advance(SEND_INTERVAL_MS);
    await core.sendNow();

    const seen = server.stored.map((h) => [
      Math.round((h.time as number) - t0),
      (h.entity as string).split("/").pop(),
      h.is_write,
      h.category,
    ]);
    expect(seen).toEqual([
      [0, "app.ts", false, "coding"],
      [125, "app.ts", false, "coding"],
      [250, "app.ts", false, "coding"],
      [300, "util.ts", false, "coding"],
      [310, "util.ts", true, "coding"],
      [320, "util.ts", false, "debugging"],
    ]);
    // 6 heartbeats over 5.5 minutes went out in few requests: at most one per 30 s.
    const times = server.bulkRequests.map((r) => (r.body as WireHeartbeat[])[0]!.time);
    for (let i = 1; i < times.length; i += 1) {
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(SEND_INTERVAL_MS / 1000 - 5);
    }
    expect(server.stored[0]).toMatchObject({
      type: "file",
      project: "kodo",
      branch: "main",
      language: "TypeScript",
      lines: 120,
      lineno: 10,
      cursorpos: 5,
      machine: "devbox",
      user_agent: USER_AGENT,
    });
    expect(core.queuedCount).toBe(0);
  });

  it("never loses activity: offline for hours, then a crash, then the server is back", async () => {
    const clock = new FakeClock();
    const port = server.port;
    await server.stop();
    const first = await startWindow(clock, { pid: 100 });
    await type(first.core, clock, APP, 60 * 60_000, 30_000); // an hour, offline
    await first.core.idle();
    await first.queue.flush();
    const recorded = first.queue.size;
    // An edit every 30 s sends when more than 2 min passed: at 0, 150 s, 300 s, ... -> 24.
    expect(recorded).toBe(24);
    expect(first.core.sync.state.kind).toBe("offline");

    // The window dies without closing (no flush beyond what was already written). A new
    // window (another process) starts while the server is back.
    await server.start(port);
    const second = await startWindow(clock, { pid: 200 });
    expect(second.queue.size).toBe(recorded);
    clock.advance(RETRY_MAX_MS);
    await second.core.tick();
    expect(server.stored).toHaveLength(recorded);
    const sentTimes = server.stored.map((h) => h.time as number);
    expect(sentTimes).toEqual([...sentTimes].sort((a, b) => a - b));
    expect(second.queue.size).toBe(0);
  });

  it("applies privacy settings before anything is queued or sent", async () => {
    const clock = new FakeClock();
    const privacy: PrivacyRules = {
      hideFileNames: "extension",
      hideProjectNames: true,
      onlyProjectsWithKodoFile: false,
      pathFilter: createPathFilter({ exclude: ["**/secret/**"], include: [], windows: false }),
    };
    const { core, queue } = await startWindow(clock, { pid: 100, privacy });
    core.handle(anEvent("edit", { filePath: "/home/dev/kodo/secret/plan.ts" }));
    clock.advance(1000);
    core.handle(anEvent("edit", { filePath: APP }));
    await core.idle();
    await queue.flush();
    await core.sendNow();
    expect(server.stored).toHaveLength(1);
    const wireText = JSON.stringify(server.requests.map((r) => r.body));
    expect(wireText).not.toContain("plan");
    expect(wireText).not.toContain("kodo\"");
    expect(wireText).not.toContain("/home/dev");
    expect(server.stored[0]).toMatchObject({ entity: "HIDDEN.ts", language: "TypeScript" });
  });
});

import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeClock } from "../../test/builders";
import { FakeApiServer } from "../../test/fake-api-server";
import { createMemoryLogger } from "../log/logger";
import { PersistentQueue } from "../queue/persistent-queue";
import { createApiClient } from "../transport/api-client";
import { RETRY_BASE_MS } from "../transport/backoff";
import type { WireHeartbeat } from "../wire/wakatime-v1";
import { BATCH_SIZE, SEND_INTERVAL_MS, SyncLoop, type ConnectionState } from "./sync-loop";

const wire = (time: number): WireHeartbeat => ({
  entity: `/p/f${time % 7}.ts`,
  type: "file",
  category: "coding",
  time,
  is_write: false,
  machine: "devbox",
  user_agent: "kodo-vscode/0.1.0 vscode/1.95.0 (linux-x64)",
});

let dir: string;
let server: FakeApiServer;
const openQueues: Array<PersistentQueue<WireHeartbeat>> = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kodo-sync-"));
  server = await new FakeApiServer().start();
});
afterEach(async () => {
  await Promise.all(openQueues.splice(0).map((q) => q.close()));
  await server.stop();
  await rm(dir, { recursive: true, force: true });
});

async function setup(apiKey = server.validKey) {
  const clock = new FakeClock();
  const logger = createMemoryLogger();
  const queue = await PersistentQueue.open<WireHeartbeat>({
    dir,
    logger,
    compare: (a, b) => a.time - b.time,
    writeDelayMs: 1,
  });
  openQueues.push(queue);
  const states: ConnectionState[] = [];
  const sync = new SyncLoop({
    queue,
    clock: clock.now,
    random: () => 0,
    logger,
    onStateChange: (s) => states.push(s),
  });
  const clientFor = (key: string) =>
    createApiClient({ apiUrl: server.apiUrl, apiKey: key, userAgent: "t", machineName: "devbox" });
  sync.setClient(clientFor(apiKey));
  return { clock, logger, queue, sync, states, clientFor };
}
const sentTimes = () =>
  server.bulkRequests.flatMap((r) => (r.body as WireHeartbeat[]).map((h) => h.time));

describe("SyncLoop", () => {
  it("sends queued heartbeats at most every 30 s", async () => {
    const { clock, queue, sync } = await setup();
    queue.push([wire(1)]);
    await sync.tick();
    expect(server.bulkRequests).toHaveLength(1);
    queue.push([wire(2)]);
    clock.advance(SEND_INTERVAL_MS - 1);
    await sync.tick();
    expect(server.bulkRequests).toHaveLength(1);
    clock.advance(1);
    await sync.tick();
    expect(server.bulkRequests).toHaveLength(2);
    expect(queue.size).toBe(0);
  });

  it("drains a backlog in order, in batches of at most 500", async () => {
    const { queue, sync } = await setup();
    queue.push(Array.from({ length: 1200 }, (_, i) => wire(i + 1)));
    await sync.tick();
    expect(server.bulkRequests.map((r) => (r.body as unknown[]).length)).toEqual([
      BATCH_SIZE,
      BATCH_SIZE,
      200,
    ]);
    expect(sentTimes()).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
    expect(queue.size).toBe(0);
  });

  it("removes 201 and 202, drops 400 with a warning, retries any other item status", async () => {
    const { clock, queue, sync, logger } = await setup();
    const statuses = [201, 202, 400, 500];
    server.behaviour = { kind: "per-item", status: (_item, i) => statuses[i]! };
    queue.push([wire(1), wire(2), wire(3), wire(4)]);
    await sync.tick();
    expect(queue.peek(10).map((e) => e.item.time)).toEqual([4]);
    expect(logger.messages("warn").join("\n")).toContain("refused a heartbeat (400), dropped");
    expect(sync.state.kind).toBe("offline");
    server.behaviour = { kind: "normal" };
    clock.advance(RETRY_BASE_MS);
    await sync.tick();
    expect(queue.size).toBe(0);
    expect(sync.state.kind).toBe("online");
  });

  it("keeps everything on a 500 and retries with growing, capped delays", async () => {
    const { clock, queue, sync } = await setup();
    server.behaviour = { kind: "status", status: 500 };
    queue.push([wire(1), wire(2)]);
    const delays: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      await sync.tick();
      const state = sync.state;
      if (state.kind !== "offline") throw new Error("expected offline");
      delays.push(state.nextAttemptAtMs - clock.nowMs);
      clock.advance(1000);
      await sync.tick(); // too early: no request
      clock.nowMs = state.nextAttemptAtMs;
    }
    expect(server.bulkRequests).toHaveLength(12);
    // random() = 0: half of 15 s, 30 s, 60 s, ... up to half of the 10 min cap.
    expect(delays.slice(0, 4)).toEqual([7_500, 15_000, 30_000, 60_000]);
    expect(Math.max(...delays)).toBe(300_000);
    expect(queue.size).toBe(2);
  });

  it("honours Retry-After when it asks for longer than the backoff", async () => {
    const { clock, queue, sync } = await setup();
    server.behaviour = { kind: "status", status: 429, retryAfterSeconds: 120 };
    queue.push([wire(1)]);
    await sync.tick();
    const state = sync.state;
    expect(state.kind === "offline" && state.nextAttemptAtMs - clock.nowMs).toBe(120_000);
  });

  it("survives the server going away and sends everything, in order, when it is back", async () => {
    const { clock, queue, sync, states } = await setup();
    const port = server.port;
    await server.stop();
    queue.push([wire(1), wire(2)]);
    await sync.tick();
    queue.push([wire(3)]);
    expect(sync.state).toMatchObject({ kind: "offline", reason: "ECONNREFUSED" });
    await server.start(port);
    clock.advance(RETRY_BASE_MS);
    await sync.tick();
    expect(sentTimes()).toEqual([1, 2, 3]);
    expect(queue.size).toBe(0);
    expect(states.map((s) => s.kind)).toEqual(["online", "offline", "online"]);
  });

  it("stops on 401 until the key changes", async () => {
    const { clock, queue, sync, clientFor } = await setup("waka_wrong");
    queue.push([wire(1)]);
    await sync.tick();
    expect(sync.state.kind).toBe("unauthorized");
    clock.advance(3_600_000);
    await sync.tick();
    expect(server.bulkRequests).toHaveLength(1);
    sync.setClient(clientFor(server.validKey));
    await sync.tick();
    expect(queue.size).toBe(0);
  });

  it("halves the batch size when the server rejects a whole batch as too large", async () => {
    const { queue, sync } = await setup();
    server.maxBatch = 2;
    queue.push(Array.from({ length: 8 }, (_, i) => wire(i + 1)));
    await sync.tick();
    expect(server.bulkRequests.map((r) => (r.body as unknown[]).length)).toEqual([8, 4, 2, 2, 2, 2]);
    expect(server.stored.map((h) => h.time)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(queue.size).toBe(0);
  });

  it("sends now on request, ignoring the interval and the retry delay", async () => {
    const { queue, sync } = await setup();
    server.behaviour = { kind: "status", status: 503 };
    queue.push([wire(1)]);
    await sync.tick();
    server.behaviour = { kind: "normal" };
    await sync.tick();
    expect(queue.size).toBe(1);
    await sync.sendNow();
    expect(queue.size).toBe(0);
  });
});

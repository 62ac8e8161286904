import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryLogger } from "../log/logger";
import { PersistentQueue, type PersistentQueueOptions } from "./persistent-queue";
import { encodeAdd } from "./queue-log";

interface Beat {
  time: number;
  entity: string;
}
const beat = (time: number): Beat => ({ time, entity: `/p/file-${time}.ts` });

let dir: string;
const opened: Array<PersistentQueue<Beat>> = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "kodo-queue-"));
});
afterEach(async () => {
  // Let pending writes land before the folder goes (close() on a closed queue is a no-op).
  await Promise.all(opened.splice(0).map((q) => q.close()));
  await rm(dir, { recursive: true, force: true });
});

/** Every instance in a test runs in this one process; `pid` and `alive` play separate windows. */
function openQueue(over: Partial<PersistentQueueOptions<Beat>> = {}) {
  const logger = createMemoryLogger();
  const queue = PersistentQueue.open<Beat>({
    dir,
    logger,
    compare: (a, b) => a.time - b.time,
    writeDelayMs: 5,
    pid: 1111,
    isProcessAlive: () => false,
    ...over,
  });
  return queue.then((q) => {
    opened.push(q);
    return { q, logger };
  });
}
const items = (q: PersistentQueue<Beat>) => q.peek(Infinity).map((e) => e.item.time);

describe("PersistentQueue", () => {
  it("keeps items in order in memory and returns bounded batches", async () => {
    const { q } = await openQueue();
    q.push([beat(1), beat(2), beat(3)]);
    expect(q.size).toBe(3);
    expect(q.peek(2).map((e) => e.item.time)).toEqual([1, 2]);
  });

  it("loses nothing when the process dies: a new instance recovers everything", async () => {
    const { q: first } = await openQueue({ pid: 1111 });
    first.push([beat(1), beat(2), beat(3), beat(4)]);
    first.remove([first.peek(1)[0]!.id]);
    await first.flush();
    // No close(): the window crashed. The next start (a new process) adopts its file.
    const { q: second, logger } = await openQueue({ pid: 2222 });
    expect(items(second)).toEqual([2, 3, 4]);
    expect(logger.messages("info").join()).toContain("recovered 3 heartbeat(s)");
    // The adopted state is now in the new instance's own file: a second crash loses nothing.
    const { q: third } = await openQueue({ pid: 3333 });
    expect(items(third)).toEqual([2, 3, 4]);
    expect(await readdir(dir)).toHaveLength(1);
  });

  it("writes asynchronously: push returns before the disk is touched", async () => {
    const { q } = await openQueue({ writeDelayMs: 50 });
    q.push([beat(1)]);
    expect(await readdir(dir)).toEqual([]);
    await q.flush();
    expect(await readdir(dir)).toHaveLength(1);
  });

  it("survives a torn last line and reports it", async () => {
    const { q } = await openQueue({ pid: 1111 });
    q.push([beat(1), beat(2)]);
    await q.flush();
    const [file] = await readdir(dir);
    await appendFile(join(dir, file!), '{"a":99,"v":{"time":');
    const { q: next, logger } = await openQueue({ pid: 2222 });
    expect(items(next)).toEqual([1, 2]);
    expect(logger.messages("warn").join()).toContain("skipped 1 damaged line");
  });

  it("does not adopt the file of a window that is still running", async () => {
    const { q: running } = await openQueue({ pid: 1111 });
    running.push([beat(1)]);
    await running.flush();
    const { q: other } = await openQueue({ pid: 2222, isProcessAlive: (pid) => pid === 1111 });
    expect(other.size).toBe(0);
    // When that window closes with items left, its file is released and adopted at once.
    await running.close();
    expect(await other.adoptOrphans()).toBe(1);
    expect(items(other)).toEqual([1]);
  });

  it("lets exactly one of two starting windows adopt an orphan", async () => {
    const { q: crashed } = await openQueue({ pid: 1111 });
    crashed.push([beat(1), beat(2)]);
    await crashed.flush();
    const alive = (pid: number) => pid === 2222 || pid === 3333;
    const [a, b] = await Promise.all([
      openQueue({ pid: 2222, isProcessAlive: alive }),
      openQueue({ pid: 3333, isProcessAlive: alive }),
    ]);
    expect(a.q.size + b.q.size).toBe(2);
  });

  it("merges adopted items into time order", async () => {
    const { q: old } = await openQueue({ pid: 1111 });
    old.push([beat(10), beat(30)]);
    await old.close();
    const { q } = await openQueue({ pid: 2222, isProcessAlive: () => true });
    expect(items(q)).toEqual([10, 30]);
    q.push([beat(40)]);
    const { q: older } = await openQueue({ pid: 3333, isProcessAlive: () => true });
    older.push([beat(20)]);
    await older.close();
    await q.adoptOrphans();
    expect(items(q)).toEqual([10, 20, 30, 40]);
  });

  it("is bounded: past the limit the oldest are dropped with a warning", async () => {
    const { q, logger } = await openQueue({ pid: 1111, maxItems: 5 });
    q.push([1, 2, 3, 4, 5, 6, 7, 8].map(beat));
    expect(items(q)).toEqual([4, 5, 6, 7, 8]);
    expect(logger.messages("warn")).toEqual([
      "Offline queue is full (5 heartbeats): dropped the 3 oldest",
    ]);
    await q.flush();
    const { q: reopened } = await openQueue({ pid: 2222, maxItems: 5 });
    expect(items(reopened)).toEqual([4, 5, 6, 7, 8]);
  });

  it("compacts the log once most of it is dead, without losing live items", async () => {
    const { q } = await openQueue({ pid: 1111 });
    for (let i = 0; i < 30; i += 1) {
      q.push(Array.from({ length: 100 }, (_, j) => beat(i * 100 + j)));
      q.remove(q.peek(90).map((e) => e.id));
    }
    await q.flush();
    const [file] = await readdir(dir);
    const lines = (await readFile(join(dir, file!), "utf8")).trim().split("\n");
    // 3000 adds + 30 removals were written in total; compaction rewrote far fewer.
    expect(lines.length).toBeLessThan(1500);
    const { q: reopened } = await openQueue({ pid: 2222 });
    expect(reopened.size).toBe(300);
    expect(items(reopened)).toEqual(items(q));
  });

  it("deletes its file on close when empty, releases it when not", async () => {
    const { q } = await openQueue({ pid: 1111 });
    q.push([beat(1)]);
    q.remove(q.peek(1).map((e) => e.id));
    await q.close();
    expect(await readdir(dir)).toEqual([]);
    const { q: q2 } = await openQueue({ pid: 1111 });
    q2.push([beat(2)]);
    await q2.close();
    expect((await readdir(dir))[0]).toMatch(/^released-[0-9a-f]+\.jsonl$/);
    expect(() => q2.push([beat(3)])).toThrow(/closed/);
  });

  it("ignores unrelated files in its folder", async () => {
    await writeFile(join(dir, "notes.txt"), "hello");
    await writeFile(join(dir, "q-1-zz.jsonl.tmp"), encodeAdd({ id: 1, item: beat(1) }));
    const { q } = await openQueue();
    expect(q.size).toBe(0);
    expect((await stat(join(dir, "notes.txt"))).isFile()).toBe(true);
  });
});

describe("PersistentQueue when the disk fails", () => {
  it("keeps items in memory, logs, and writes them all once the folder is back", async () => {
    const { q, logger } = await openQueue({ pid: 1111 });
    q.push([beat(1)]);
    await q.flush();
    await rm(dir, { recursive: true, force: true });
    q.push([beat(2)]);
    await q.flush(); // the append fails: no folder
    expect(logger.messages("error").join()).toMatch(/could not write to disk/);
    expect(q.size).toBe(2);
    q.push([beat(3)]);
    await q.flush(); // retried as a full rewrite, which recreates the folder
    const { q: next } = await openQueue({ pid: 2222 });
    expect(items(next)).toEqual([1, 2, 3]);
  });
});

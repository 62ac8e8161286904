import { mkdir, open, readFile, rename, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../log/logger";
import {
  claimOrphans,
  isProcessAlive,
  newToken,
  ownedFileName,
  releasedFileName,
} from "./queue-files";
import { encodeAdd, encodeRemove, replayQueueLog, type QueueEntry } from "./queue-log";

/** Past this many queued items the oldest are dropped (with a warning in the log). */
export const MAX_QUEUED_ITEMS = 100_000;
/** Pushes within this window share one disk write. */
export const WRITE_DELAY_MS = 200;
/** Rewrite the file once it holds more dead lines than this and than live items. */
export const COMPACT_MIN_DEAD_LINES = 1_000;

export interface PersistentQueueOptions<T> {
  /** A folder of its own (the extension uses globalStorage/queue). */
  dir: string;
  logger: Logger;
  /** Order of items (the heartbeat time); adopted items are merged into this order. */
  compare: (a: T, b: T) => number;
  maxItems?: number;
  writeDelayMs?: number;
  /** Injected so tests can simulate a crashed owner within one process. */
  isProcessAlive?: (pid: number) => boolean;
  pid?: number;
}

/**
 * The offline queue: in memory for reads, persisted as an append-only JSONL log
 * (queue-log.ts) for crash safety, one file per instance (queue-files.ts).
 *
 * `push` and `remove` only change memory and schedule a write: no disk I/O happens on the
 * caller's path. Writes are coalesced (WRITE_DELAY_MS) and serialised on one promise chain;
 * each append is fsync'ed. The log is compacted (rewritten to a temp file, then renamed over
 * the old one, atomically) when dead lines outnumber live items.
 */
export class PersistentQueue<T> {
  private entries: Array<QueueEntry<T>> = [];
  private nextId = 1;
  private pendingLines: string[] = [];
  private deadLines = 0;
  private compactRequested = false;
  private writeTimer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly maxItems: number;
  private readonly writeDelayMs: number;
  private readonly isAlive: (pid: number) => boolean;
  private readonly pid: number;
  private readonly token = newToken();
  private readonly ownName: string;
  private readonly ownPath: string;

  private constructor(private readonly options: PersistentQueueOptions<T>) {
    this.maxItems = options.maxItems ?? MAX_QUEUED_ITEMS;
    this.writeDelayMs = options.writeDelayMs ?? WRITE_DELAY_MS;
    this.isAlive = options.isProcessAlive ?? isProcessAlive;
    this.pid = options.pid ?? process.pid;
    this.ownName = ownedFileName(this.pid, this.token);
    this.ownPath = join(options.dir, this.ownName);
  }

  /** Opens a queue in `dir` and adopts what crashed or closed instances left behind. */
  static async open<T>(options: PersistentQueueOptions<T>): Promise<PersistentQueue<T>> {
    await mkdir(options.dir, { recursive: true });
    const queue = new PersistentQueue<T>(options);
    await queue.adoptOrphans();
    return queue;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The oldest `limit` entries, in order. */
  peek(limit: number): ReadonlyArray<QueueEntry<T>> {
    return this.entries.slice(0, limit);
  }

  push(items: readonly T[]): void {
    this.assertOpen();
    for (const item of items) {
      const entry = { id: this.nextId++, item };
      this.entries.push(entry);
      this.pendingLines.push(encodeAdd(entry));
    }
    this.dropOverflow();
    this.scheduleWrite();
  }

  remove(ids: readonly number[]): void {
    this.assertOpen();
    if (ids.length === 0) return;
    const gone = new Set(ids);
    const before = this.entries.length;
    this.entries = this.entries.filter((e) => !gone.has(e.id));
    this.pendingLines.push(encodeRemove(ids));
    this.deadLines += before - this.entries.length + 1;
    this.scheduleWrite();
  }

  /**
   * Takes over the files of instances that are gone (queue-files.ts) and merges their items in
   * order. The merged state is written to our own file before the adopted files are deleted, so
   * a crash in between can duplicate items (the server deduplicates them) but never lose any.
   */
  async adoptOrphans(): Promise<number> {
    this.assertOpen();
    const { dir, logger } = this.options;
    const claimed = await claimOrphans(dir, this.ownName, this.pid, this.isAlive);
    if (claimed.length === 0) return 0;
    let adopted = 0;
    for (const path of claimed) {
      const { entries, corruptLines } = replayQueueLog<T>(await readFile(path, "utf8"));
      if (corruptLines > 0) logger.warn(`Offline queue: skipped ${corruptLines} damaged line(s) in ${path}`);
      for (const e of entries) this.entries.push({ id: this.nextId++, item: e.item });
      adopted += entries.length;
    }
    const { compare } = this.options;
    this.entries.sort((a, b) => compare(a.item, b.item) || a.id - b.id);
    this.dropOverflow();
    this.compactRequested = true;
    await this.flush();
    await Promise.all(claimed.map((p) => unlink(p).catch(() => undefined)));
    if (adopted > 0) logger.info(`Offline queue: recovered ${adopted} heartbeat(s) from disk`);
    return adopted;
  }

  /** Resolves once everything pushed or removed so far is on disk. */
  async flush(): Promise<void> {
    if (this.writeTimer !== undefined) {
      clearTimeout(this.writeTimer);
      this.writeTimer = undefined;
    }
    this.chain = this.chain.then(() => this.writePending());
    await this.chain;
  }

  /**
   * Writes what is pending, then deletes the file if the queue is empty, or releases it
   * (renames it so that the next instance, in any window, adopts it at once).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    try {
      if (this.entries.length === 0) await unlink(this.ownPath);
      else await rename(this.ownPath, join(this.options.dir, releasedFileName(this.token)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }

  private dropOverflow(): void {
    const excess = this.entries.length - this.maxItems;
    if (excess <= 0) return;
    const dropped = this.entries.splice(0, excess);
    this.pendingLines.push(encodeRemove(dropped.map((e) => e.id)));
    this.deadLines += excess + 1;
    this.options.logger.warn(
      `Offline queue is full (${this.maxItems} heartbeats): dropped the ${excess} oldest`,
    );
  }

  private scheduleWrite(): void {
    if (this.writeTimer !== undefined) return;
    this.writeTimer = setTimeout(() => {
      this.writeTimer = undefined;
      this.chain = this.chain.then(() => this.writePending());
    }, this.writeDelayMs);
    // A pending write must not keep a test runner or a shutting-down host alive; close()
    // flushes explicitly.
    this.writeTimer.unref?.();
  }

  /** Runs on the write chain only, so appends and compactions never interleave. */
  private async writePending(): Promise<void> {
    const needsCompaction =
      this.compactRequested ||
      (this.deadLines > COMPACT_MIN_DEAD_LINES && this.deadLines > this.entries.length);
    try {
      if (needsCompaction) await this.compact();
      else await this.append();
    } catch (error) {
      // Memory still holds everything; the next write retries, as a full rewrite to be safe.
      this.compactRequested = true;
      this.options.logger.error(`Offline queue: could not write to disk: ${String(error)}`);
    }
  }

  private async append(): Promise<void> {
    if (this.pendingLines.length === 0) return;
    const lines = this.pendingLines;
    this.pendingLines = [];
    try {
      await writeDurably(this.ownPath, "a", lines.join(""));
    } catch (error) {
      this.pendingLines = lines.concat(this.pendingLines);
      throw error;
    }
  }

  private async compact(): Promise<void> {
    // The snapshot is the whole current state, so the lines pending so far are included in
    // it; anything pushed while the rewrite is in progress lands in pendingLines again.
    const snapshot = this.entries.map(encodeAdd).join("");
    this.pendingLines = [];
    this.deadLines = 0;
    this.compactRequested = false;
    const tmp = `${this.ownPath}.tmp`;
    // Recreate the folder if it went away (a cleaned globalStorage); appends then work again.
    await mkdir(this.options.dir, { recursive: true });
    await writeDurably(tmp, "w", snapshot);
    await rename(tmp, this.ownPath);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error("offline queue is closed");
  }
}

async function writeDurably(path: string, flags: "a" | "w", text: string): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.writeFile(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

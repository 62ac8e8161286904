import type { Logger } from "../log/logger";
import type { QueueEntry } from "../queue/queue-log";
import type { Clock } from "../tracker/clock";
import type { ApiClient } from "../transport/api-client";
import { retryDelayMs } from "../transport/backoff";
import type { WireHeartbeat } from "../wire/wakatime-v1";

/** Queued heartbeats go out at most this often (WakaTime plugins batch the same way). */
export const SEND_INTERVAL_MS = 30_000;
/** Heartbeats per request: the API takes up to 1000; smaller requests fail and retry cheaper. */
export const BATCH_SIZE = 500;

/** The part of the offline queue the sender needs. */
export interface SendQueue {
  readonly size: number;
  peek(limit: number): ReadonlyArray<QueueEntry<WireHeartbeat>>;
  remove(ids: readonly number[]): void;
}

export type ConnectionState =
  | { kind: "no-credentials" }
  /** The last request worked, or none was needed yet. */
  | { kind: "online" }
  | { kind: "offline"; reason: string; nextAttemptAtMs: number }
  | { kind: "unauthorized" };

export interface SyncLoopOptions {
  queue: SendQueue;
  clock: Clock;
  /** In [0, 1); injected so retry jitter is reproducible in tests. */
  random: () => number;
  logger: Logger;
  onStateChange?: (state: ConnectionState) => void;
}

/**
 * Moves heartbeats from the offline queue to the server, oldest first, in batches of
 * BATCH_SIZE, at most every SEND_INTERVAL_MS. It owns no timer: the extension calls `tick()`
 * every few seconds and the loop decides from the clock whether a send is due, which keeps it
 * drivable by a fake clock in tests.
 *
 * What happens to each item, by the server's answer:
 *   per-item 2xx (201 stored, 202 duplicate)  -> removed from the queue;
 *   per-item 400 (the item itself is bad)     -> dropped, logged;
 *   any other per-item status                 -> kept, retried with backoff;
 *   401/403 for the request                   -> kept; sending stops until the key changes;
 *   400/413 for the request                   -> kept; the batch size is halved (and stays so
 *                                                for this server), then retried;
 *   5xx, 429, network error, timeout          -> kept, retried with backoff (backoff.ts).
 * When the server is back, the backlog drains batch after batch without waiting.
 */
export class SyncLoop {
  private client: ApiClient | null = null;
  private nextAttemptAtMs = 0;
  private failures = 0;
  private batchLimit = BATCH_SIZE;
  private running: Promise<void> | undefined;
  private current: ConnectionState = { kind: "no-credentials" };

  constructor(private readonly options: SyncLoopOptions) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** A new server URL or key: forget failures and the 401, and send at the next tick. */
  setClient(client: ApiClient | null): void {
    this.client = client;
    this.failures = 0;
    this.batchLimit = BATCH_SIZE;
    this.nextAttemptAtMs = 0;
    this.setState(client === null ? { kind: "no-credentials" } : { kind: "online" });
  }

  /** Sends if the interval (or the retry delay) has passed and there is something to send. */
  async tick(): Promise<void> {
    if (this.running) return;
    if (this.client === null || this.current.kind === "unauthorized") return;
    if (this.options.queue.size === 0 || this.options.clock() < this.nextAttemptAtMs) return;
    await this.run();
  }

  /** "Send queued heartbeats now": ignores the interval and any retry delay. */
  async sendNow(): Promise<void> {
    if (this.running) await this.running;
    if (this.client === null) return;
    await this.run();
  }

  private async run(): Promise<void> {
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
    await this.running;
  }

  private async drain(): Promise<void> {
    const { queue, clock, logger } = this.options;
    while (queue.size > 0 && this.client !== null) {
      const client = this.client;
      const batch = queue.peek(this.batchLimit);
      const outcome = await client.sendBulk(batch.map((e) => e.item));
      if (client !== this.client) return; // settings changed mid-flight; the next tick resends

      if (outcome.kind === "unauthorized") {
        logger.error(
          `The server refused the API key (HTTP ${outcome.httpStatus}); ` +
            "sending stops until it is changed",
        );
        this.setState({ kind: "unauthorized" });
        return;
      }
      if (outcome.kind === "rejected") {
        this.batchLimit = Math.max(1, Math.floor(batch.length / 2));
        logger.warn(
          `The server rejected a batch of ${batch.length} (HTTP ${outcome.httpStatus}); ` +
            `retrying in batches of ${this.batchLimit}`,
        );
        if (batch.length > 1) continue;
        this.backOff(`HTTP ${outcome.httpStatus}`);
        return;
      }
      if (outcome.kind === "retry") {
        this.backOff(outcome.reason, outcome.retryAfterMs);
        return;
      }

      const done: number[] = [];
      let dropped = 0;
      let kept = 0;
      outcome.statuses.forEach((status, i) => {
        const entry = batch[i]!;
        if (status >= 200 && status <= 299) {
          done.push(entry.id);
        } else if (status === 400) {
          done.push(entry.id);
          dropped += 1;
          const { entity, time } = entry.item;
          logger.warn(`The server refused a heartbeat (400), dropped: ${entity} at ${time}`);
        } else {
          kept += 1;
        }
      });
      queue.remove(done);
      logger.debug(
        `Sent ${batch.length} heartbeat(s): ${done.length - dropped} accepted, ` +
          `${dropped} dropped, ${kept} to retry`,
      );
      if (kept > 0) {
        this.backOff(`${kept} heartbeat(s) not accepted yet`);
        return;
      }
      this.failures = 0;
      this.setState({ kind: "online" });
    }
    this.nextAttemptAtMs = clock() + SEND_INTERVAL_MS;
  }

  private backOff(reason: string, retryAfterMs = 0): void {
    this.failures += 1;
    const delayMs = Math.max(retryDelayMs(this.failures, this.options.random()), retryAfterMs);
    this.nextAttemptAtMs = this.options.clock() + delayMs;
    const seconds = Math.round(delayMs / 1000);
    this.options.logger.warn(`Could not send heartbeats (${reason}); retrying in ${seconds} s`);
    this.setState({ kind: "offline", reason, nextAttemptAtMs: this.nextAttemptAtMs });
  }

  private setState(state: ConnectionState): void {
    const changed = JSON.stringify(state) !== JSON.stringify(this.current);
    this.current = state;
    if (changed) this.options.onStateChange?.(state);
  }
}

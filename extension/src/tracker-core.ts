import type { Logger } from "./log/logger";
import type { KodoFileCheck } from "./privacy/kodo-file-check";
import type { PrivacyRules } from "./privacy/privacy-rules";
import type { PersistentQueue } from "./queue/persistent-queue";
import { SyncLoop, type ConnectionState } from "./sync/sync-loop";
import { ActivityCategoryState } from "./tracker/activity-category";
import type { Clock } from "./tracker/clock";
import type { ActivityEvent } from "./tracker/editor-snapshot";
import { HeartbeatPipeline } from "./tracker/heartbeat-pipeline";
import { Tracker } from "./tracker/tracker";
import type { ApiClient } from "./transport/api-client";
import type { SenderIdentity, WireHeartbeat } from "./wire/wakatime-v1";

export interface TrackerCoreOptions {
  clock: Clock;
  random: () => number;
  logger: Logger;
  queue: PersistentQueue<WireHeartbeat>;
  sender: SenderIdentity;
  /** Per-installation secret for hashing hidden names (privacy/keyed-hash.ts). */
  secret: string;
  hasKodoFile: KodoFileCheck;
  privacy: PrivacyRules;
  isPaused: (nowMs: number) => boolean;
  onStateChange?: (state: ConnectionState) => void;
}

/**
 * Everything the extension does, minus VS Code: editor events in, heartbeats out to the
 * server. Rules (Tracker) -> privacy + wire shape (HeartbeatPipeline) -> offline queue
 * (PersistentQueue) -> server (SyncLoop + ApiClient). `extension.ts` feeds it events from
 * VS Code and calls `tick()` on a timer; tests drive it with simulated events and a fake clock.
 */
export class TrackerCore {
  readonly categories = new ActivityCategoryState();
  readonly sync: SyncLoop;
  private readonly tracker: Tracker;
  private readonly pipeline: HeartbeatPipeline;
  private privacy: PrivacyRules;

  constructor(private readonly options: TrackerCoreOptions) {
    this.privacy = options.privacy;
    this.pipeline = new HeartbeatPipeline({
      sink: options.queue,
      sender: options.sender,
      privacyDeps: { secret: options.secret, hasKodoFile: options.hasKodoFile },
      rules: () => this.privacy,
      logger: options.logger,
    });
    this.tracker = new Tracker({
      clock: options.clock,
      category: () => this.categories.current(),
      isPaused: options.isPaused,
      emit: (draft) => this.pipeline.submit(draft),
    });
    this.sync = new SyncLoop({
      queue: options.queue,
      clock: options.clock,
      random: options.random,
      logger: options.logger,
      ...(options.onStateChange ? { onStateChange: options.onStateChange } : {}),
    });
  }

  /** The keystroke path: synchronous, no I/O. */
  handle(event: ActivityEvent): void {
    this.tracker.handle(event);
  }

  setPrivacy(rules: PrivacyRules): void {
    this.privacy = rules;
  }

  setClient(client: ApiClient | null): void {
    this.sync.setClient(client);
  }

  get queuedCount(): number {
    return this.options.queue.size;
  }

  tick(): Promise<void> {
    return this.sync.tick();
  }

  async sendNow(): Promise<void> {
    await this.pipeline.idle();
    await this.sync.sendNow();
  }

  /** Resolves when every heartbeat so far has reached the queue. */
  idle(): Promise<void> {
    return this.pipeline.idle();
  }

  /** Shutdown: everything recorded reaches the disk; sending resumes at the next start. */
  async close(): Promise<void> {
    await this.pipeline.idle();
    await this.options.queue.close();
  }
}

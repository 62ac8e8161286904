import type { Logger } from "../log/logger";
import { applyPrivacy, type PrivacyDeps, type PrivacyRules } from "../privacy/privacy-rules";
import { toWireHeartbeat, type SenderIdentity, type WireHeartbeat } from "../wire/wakatime-v1";
import type { HeartbeatDraft } from "./heartbeat-draft";

export interface HeartbeatSink {
  push(items: readonly WireHeartbeat[]): void;
}

/**
 * The asynchronous half of recording: privacy rules (which may look for a `.kodo` file on
 * disk), then the wire shape, then the offline queue. `submit` is what the tracker calls on
 * the keystroke path; it only appends to a promise chain and returns. The chain is serial so
 * heartbeats reach the queue in the order they happened, whatever each one waits for.
 */
export class HeartbeatPipeline {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      sink: HeartbeatSink;
      sender: SenderIdentity;
      privacyDeps: PrivacyDeps;
      rules: () => PrivacyRules;
      logger: Logger;
    },
  ) {}

  submit(draft: HeartbeatDraft): void {
    this.chain = this.chain.then(() => this.process(draft));
  }

  /** Resolves when everything submitted so far is in the queue (or was filtered out). */
  idle(): Promise<void> {
    return this.chain;
  }

  private async process(draft: HeartbeatDraft): Promise<void> {
    const { sink, sender, privacyDeps, rules, logger } = this.options;
    try {
      const kept = await applyPrivacy(draft, rules(), privacyDeps);
      if (kept === null) {
        logger.debug("Heartbeat not recorded (privacy settings)");
        return;
      }
      sink.push([toWireHeartbeat(kept, sender)]);
      logger.debug(`Heartbeat: ${kept.entity} ${kept.isWrite ? "(write)" : ""}`.trimEnd());
    } catch (error) {
      logger.error(`Could not record a heartbeat: ${String(error)}`);
    }
  }
}

/**
 * The relay's outbox in the user's Durable Object (core relay/relay.ts has the rules): newly
 * stored heartbeats are queued by ingest in the same synchronous write, and sent in batches on
 * the object's alarm (which it shares with the D1 flush: the object asks for the earliest of
 * the two). The setting (URL, sealed key) and the queue's state live in the meta table.
 */
import {
  RELAY_BATCH_SIZE,
  RELAY_GATHER_SECONDS,
  RELAY_MAX_AGE_SECONDS,
  RELAY_QUEUE_MAX,
  openSecret,
  relayBatchOutcome,
  relayRetryDelaySeconds,
  relayWireHeartbeat,
  sendRelayBatch,
  type Heartbeat,
  type Outbound,
  type RelayStatus,
} from "@kodo/core";
import type { Meta } from "./meta.ts";

/** The setting as stored. `generation` changes on every set, so a send in flight can tell. */
interface RelayConfig {
  url: string;
  sealedKey: string;
  keyHint: string;
  setAt: number;
  generation: string;
}

interface RelayState {
  failures: number;
  nextAttemptAt: number | null;
  lastSuccessAt: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  forwarded: number;
  dropped: number;
}

const FRESH: RelayState = { failures: 0, nextAttemptAt: null, lastSuccessAt: null, lastError: null, lastErrorAt: null, forwarded: 0, dropped: 0 };

/** What a send needs from the object: the server secret, the address policy, the backoff base. */
export interface RelayEnvironment {
  secret: string | undefined;
  outbound: Outbound;
  retryBaseSeconds: number;
}

export class RelayOutbox {
  constructor(
    private readonly sql: SqlStorage,
    private readonly meta: Meta,
  ) {}

  config(): RelayConfig | null {
    const v = this.meta.get("relay");
    return v === null ? null : (JSON.parse(v) as RelayConfig);
  }

  private state(): RelayState {
    const v = this.meta.get("relay_state");
    return v === null ? { ...FRESH } : { ...FRESH, ...(JSON.parse(v) as Partial<RelayState>) };
  }

  private setState(s: RelayState): void {
    this.meta.set("relay_state", JSON.stringify(s));
  }

  private queued(): number {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM relay_outbox").one().n;
  }

  status(): RelayStatus | null {
    const config = this.config();
    if (!config) return null;
    const s = this.state();
    const oldest = this.sql.exec<{ t: number | null }>("SELECT min(queued_at) AS t FROM relay_outbox").one().t;
    const queued = this.queued();
    return { url: config.url, keyHint: config.keyHint, setAt: config.setAt, queued, oldestQueuedAt: oldest, ...s, nextAttemptAt: queued > 0 ? s.nextAttemptAt : null };
  }

  /**
   * Sets the upstream. The same URL keeps the queue and its counters and retries at once (the
   * key may just have been fixed); another URL starts afresh: what waited was meant for the old
   * one. Returns when the alarm should next run for the relay (null: nothing to send).
   */
  set(config: Omit<RelayConfig, "generation">, now: number): number | null {
    const previous = this.config();
    this.meta.set("relay", JSON.stringify({ ...config, generation: crypto.randomUUID() }));
    if (previous?.url !== config.url) {
      this.sql.exec("DELETE FROM relay_outbox");
      this.setState({ ...FRESH });
      return null;
    }
    const s = this.state();
    const queued = this.queued();
    this.setState({ ...s, failures: 0, nextAttemptAt: queued > 0 ? now : null });
    return queued > 0 ? now : null;
  }

  /** Removes the setting and drops the queue; false when none was set. */
  clear(): boolean {
    const had = this.config() !== null;
    this.meta.set("relay", null);
    this.meta.set("relay_state", null);
    this.sql.exec("DELETE FROM relay_outbox");
    return had;
  }

  /**
   * Queues newly stored heartbeats (only those: a duplicate is never queued, and the unique id
   * keeps one that is queued from being queued again). Past RELAY_QUEUE_MAX waiting, the rest
   * are counted as dropped. Returns when the alarm should run for the relay, or null when it is
   * already set to (or there is no relay).
   */
  enqueue(items: { id: string; hb: Heartbeat }[], now: number): number | null {
    if (items.length === 0 || this.meta.get("relay") === null) return null;
    const room = Math.max(0, RELAY_QUEUE_MAX - this.queued());
    for (const { id, hb } of items.slice(0, room)) {
      this.sql.exec("INSERT OR IGNORE INTO relay_outbox (id, machine, body, queued_at) VALUES (?, ?, ?, ?)", id, hb.machine, JSON.stringify(relayWireHeartbeat(hb)), now);
    }
    const s = this.state();
    const refused = items.length - Math.min(room, items.length);
    if (refused > 0) {
      s.dropped += refused;
      s.lastError = `the queue is full (${RELAY_QUEUE_MAX} heartbeats wait): ${refused} new heartbeat(s) not forwarded`;
      s.lastErrorAt = now;
    }
    if (s.nextAttemptAt !== null && refused === 0) return null;
    if (s.nextAttemptAt === null) s.nextAttemptAt = now + RELAY_GATHER_SECONDS;
    this.setState(s);
    return s.nextAttemptAt;
  }

  /** When the relay next wants the alarm (null: nothing waits). */
  dueAt(now: number): number | null {
    if (this.meta.get("relay") === null) return null;
    if (this.sql.exec("SELECT 1 FROM relay_outbox LIMIT 1").toArray().length === 0) return null;
    return this.state().nextAttemptAt ?? now;
  }

  /**
   * The alarm's relay work: drops what waited too long, then, if an attempt is due, sends one
   * batch (at most RELAY_BATCH_SIZE heartbeats of one machine, oldest first) and applies the
   * answer. One request per run keeps each run's CPU small; when more waits after a success,
   * the next run is due at once. Returns when the relay next wants the alarm.
   */
  async run(userId: string, env: RelayEnvironment, now: number): Promise<number | null> {
    const config = this.config();
    if (!config) return null;
    const s = this.state();
    const expired = this.sql.exec("DELETE FROM relay_outbox WHERE queued_at < ?", now - RELAY_MAX_AGE_SECONDS).rowsWritten;
    if (expired > 0) {
      s.dropped += expired;
      s.lastError = `${expired} heartbeat(s) dropped after waiting 7 days (the upstream did not accept them in time)`;
      s.lastErrorAt = now;
      this.setState(s);
    }
    const due = this.dueAt(now);
    if (due === null || due > now) return due;

    const first = this.sql.exec<{ machine: string | null }>("SELECT machine FROM relay_outbox ORDER BY seq LIMIT 1").one();
    const rows = this.sql
      .exec<{ id: string; body: string }>("SELECT id, body FROM relay_outbox WHERE machine IS ? ORDER BY seq LIMIT ?", first.machine, RELAY_BATCH_SIZE)
      .toArray();
    const key = env.secret ? await openSecret(env.secret, userId, config.sealedKey) : null;
    if (key === null) return this.failed(config, s, now, env, "the stored key cannot be read (the server's KODO_RELAY_SECRET changed or is unset): set the relay again");

    const answer = await sendRelayBatch(
      env.outbound,
      config.url,
      key,
      first.machine,
      rows.map((r) => r.body),
    );
    // The setting may have changed (or the account been deleted) while the request was out.
    const current = this.config();
    if (!current || current.generation !== config.generation) return this.dueAt(now);

    const after = this.state();
    if (answer.kind === "retry") return this.failed(config, after, now, env, answer.error);
    const outcome = relayBatchOutcome(answer, rows.map((r) => r.id));
    const { done, retry } = outcome;
    after.forwarded += outcome.forwarded;
    after.dropped += outcome.dropped;
    if (outcome.error !== null) {
      after.lastError = outcome.error;
      after.lastErrorAt = now;
    }
    if (answer.kind === "items" && done.length > 0) after.lastSuccessAt = now;
    this.sql.exec("DELETE FROM relay_outbox WHERE id IN (SELECT value FROM json_each(?))", JSON.stringify(done));
    if (retry) return this.failed(config, after, now, env, `upstream answered 5xx for ${rows.length - done.length} heartbeat(s)`);
    after.failures = 0;
    after.nextAttemptAt = now;
    this.setState(after);
    const next = this.dueAt(now);
    if (next === null) this.setState({ ...after, nextAttemptAt: null });
    return next;
  }

  /** Records a failed attempt and backs off; returns when to try again. */
  private failed(config: RelayConfig, s: RelayState, now: number, env: RelayEnvironment, error: string): number | null {
    const current = this.config();
    if (!current || current.generation !== config.generation) return this.dueAt(now);
    s.failures++;
    s.lastError = error;
    s.lastErrorAt = now;
    s.nextAttemptAt = now + relayRetryDelaySeconds(s.failures, env.retryBaseSeconds);
    this.setState(s);
    return s.nextAttemptAt;
  }
}

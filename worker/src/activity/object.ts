import { DurableObject } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/durable-sqlite";
import { migrate } from "drizzle-orm/durable-sqlite/migrator";
import {
  addDays,
  startOfDay,
  dayOf,
  dedupeKeys,
  nextFlushAt,
  resolvePlaceholders,
  entityTotals,
  type EntityInput,
  type EntityTotal,
  type SessionFilter,
  type DayActivity,
  type DaysOptions,
  type Heartbeat,
  type IngestOutcome,
  type MergeSettings,
  type SeenValue,
  type StoredHeartbeat,
  type HeartbeatPage,
  type HeartbeatDeletion,
  type DeletionChunk,
  type HeartbeatPageRequest,
  type RelayStatus,
  pageLimit,
  type ExternalDuration,
  type ExternalWriteOutcome,
  type CountedProjects,
  type ProjectDay,
} from "@kodo/core";
import migrations from "../../drizzle/activity/migrations.js";
import { heartbeatCountBetween, heartbeatPageBetween, heartbeatsAfter, insertHeartbeats } from "./log.ts";
import { DayStore } from "./day-store.ts";
import { flushBoard, type FlushResult } from "./flush.ts";
import { daysAffectedByAll } from "./stale-days.ts";
import { flushPolicyOf, relayRetryBaseOf } from "./config.ts";
import { RelayOutbox } from "./relay.ts";
import { cloudflareOutbound } from "../outbound.ts";
import { Meta } from "./meta.ts";
import { deleteChunk, refreshSeen } from "./deletion.ts";
import { deleteExternal, externalBetween, putExternal } from "./external.ts";

type SeenKind = "project" | "userAgent" | "machine";

/**
 * One per user (`idFromName(userId)`): the user's source of truth. It keeps the raw heartbeat
 * log (deduplicated) and each local day's derived sessions and totals, which every read of the
 * user's activity takes from here (issue 16). D1 gets only the user's board standing: an alarm
 * (the flush) writes the board entries that changed in one batch, and comes back at the user's
 * next local midnight while their boards hold time. Rules live in @kodo/core; this class only
 * stores and schedules.
 */
export class UserActivity extends DurableObject<Env> {
  private readonly sql: SqlStorage;
  private readonly meta: Meta;
  private readonly dayStore: DayStore;
  private readonly relay: RelayOutbox;
  /** Epoch seconds of the latest ingest this instance saw (for the quiet-period rule). */
  private lastActivityAt = 0;
  /** First/last seen times this instance has written, by kind and value. */
  private readonly seenCache = new Map<string, { first: number; last: number }>();
  /** When the pending flush alarm was set to fire (null when unknown, e.g. after eviction). */
  private armedFor: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    this.meta = new Meta(this.sql);
    this.dayStore = new DayStore(this.sql, this.meta);
    this.relay = new RelayOutbox(this.sql, this.meta);
    const db = drizzle(ctx.storage);
    void ctx.blockConcurrencyWhile(async () => {
      await migrate(db, migrations);
    });
  }

  /**
   * Stores heartbeats (deduplicated) and marks the days they can change as stale. Resolves once
   * the writes are durable: the runtime holds this RPC's reply until storage has committed.
   */
  async ingest(userId: string, settings: MergeSettings, batch: Heartbeat[]): Promise<IngestOutcome[]> {
    this.meta.assertLive();
    this.meta.bind(userId);
    this.applySettings(settings);
    // Placeholders (<<LAST_PROJECT>>, ...) take the values of the latest heartbeat before them.
    let last = this.meta.lastHeartbeat();
    const resolved = batch.map((hb) => {
      const r = resolvePlaceholders(hb, last);
      if (!last || r.time >= last.time) last = { time: r.time, project: r.project, language: r.language, branch: r.branch };
      return r;
    });
    const keys = await dedupeKeys(userId, resolved);

    // From here on everything is synchronous: no other request interleaves with the writes.
    const now = Date.now() / 1000;
    const createdTimes: number[] = [];
    const seen = new Map<string, { kind: SeenKind; value: string; first: number; last: number }>();
    const created: { id: string; hb: Heartbeat }[] = [];
    const inserted = insertHeartbeats(this.ctx.storage, resolved.map((hb, i) => ({ id: keys[i]!, hb })), now);
    const outcomes = resolved.map((hb, i): IngestOutcome => {
      // A key repeated inside one batch is stored once: only its first occurrence is "created".
      if (!inserted.delete(keys[i]!)) return "duplicate";
      createdTimes.push(hb.time);
      created.push({ id: keys[i]!, hb });
      noteSeen(seen, "project", hb.project, hb.time);
      noteSeen(seen, "userAgent", hb.userAgent, hb.time);
      noteSeen(seen, "machine", hb.machine, hb.time);
      return "created";
    });
    // The days the new heartbeats can change (all of them at once: see stale-days.ts).
    const staleDays = daysAffectedByAll(createdTimes, settings);
    if (staleDays.length === 0) return outcomes;
    // Newly stored heartbeats only go to the relay's outbox, in this same synchronous write.
    const relayAt = this.relay.enqueue(created, now);
    for (const s of seen.values()) {
      // Seen times are kept to the minute: skip the write when it would change nothing more.
      const cacheKey = `${s.kind}\u0000${s.value}`;
      const known = this.seenCache.get(cacheKey);
      if (known && s.first >= known.first && s.last <= known.last + 60) continue;
      this.seenCache.set(cacheKey, { first: Math.min(s.first, known?.first ?? s.first), last: Math.max(s.last, known?.last ?? s.last) });
      this.sql.exec(
        `INSERT INTO seen (kind, value, first_seen, last_seen) VALUES (?, ?, ?, ?)
         ON CONFLICT (kind, value) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`,
        s.kind, s.value, s.first, s.last,
      );
    }
    this.dayStore.markStale(staleDays);
    if (last) this.meta.setLastHeartbeat(last);
    await this.scheduleFlush(now);
    if (relayAt !== null) await this.armBy(relayAt);
    return outcomes;
  }

  /**
   * Every day with activity in `start..end`, computed now where stale (ActivityStore.days), as
   * JSON text (parse with day-store.ts parseDay): a year of days crosses the RPC as strings
   * instead of a structured clone of every totals map.
   */
  async daysBetween(userId: string, settings: MergeSettings, start: string, end: string, options: DaysOptions = {}): Promise<string[]> {
    this.meta.bind(userId);
    this.applySettings(settings);
    return this.dayStore.betweenJson(start, end, settings, options);
  }

  /** Per day of `start..end`, the time of `projects` (ActivityStore.projectDays; a team board's read). */
  async projectDays(userId: string, settings: MergeSettings, start: string, end: string, projects: CountedProjects): Promise<ProjectDay[]> {
    this.meta.bind(userId);
    this.applySettings(settings);
    return this.dayStore.projectDays(start, end, settings, projects);
  }

  /** A page of one local day's heartbeats (see core heartbeat/paging.ts for the bounds). */
  async heartbeatsOn(settings: MergeSettings, day: string, page: HeartbeatPageRequest): Promise<HeartbeatPage> {
    const { from, to } = dayBounds(day, settings);
    const { heartbeats, more } = heartbeatPageBetween(this.sql, from, to, page.after, pageLimit(page.limit));
    // Only a day that fills its first page needs counting (a pass over the whole day).
    return { heartbeats, more, total: page.withTotal ? (more ? heartbeatCountBetween(this.sql, from, to) : heartbeats.length) : null };
  }

  async seenValues(kind: SeenKind): Promise<SeenValue[]> {
    return this.sql
      .exec<{ value: string; first_seen: number; last_seen: number }>("SELECT value, first_seen, last_seen FROM seen WHERE kind = ?", kind)
      .toArray()
      .map((r) => ({ value: r.value, firstSeen: r.first_seen, lastSeen: r.last_seen }));
  }

  async heartbeatCount(): Promise<number> {
    return this.sql.exec<{ n: number }>("SELECT count(*) AS n FROM heartbeats").one().n;
  }

  async firstDay(settings: MergeSettings): Promise<string | null> {
    const row = this.sql.exec<{ t: number | null }>("SELECT min(time) AS t FROM heartbeats").one();
    return row.t === null ? null : dayOf(row.t, settings.timeZone);
  }

  /**
   * Per-entity time over local days `start..end` for the sessions matching `filter` (a
   * project's files), by core's `entityTotals`. It reads the log from one timeout before the
   * first day to one timeout after the last: the gaps that can reach into the range.
   */
  async entityTotals(settings: MergeSettings, start: string, end: string, filter: SessionFilter): Promise<EntityTotal[]> {
    const from = startOfDay(start, settings.timeZone);
    const to = startOfDay(addDays(end, 1), settings.timeZone);
    const margin = settings.keystrokeTimeoutMinutes * 60;
    const rows = this.sql
      .exec<EntityInput & Record<string, SqlStorageValue>>(
        `SELECT time, entity, type, category, project, branch, language, editor, operating_system AS operatingSystem, machine
         FROM heartbeats WHERE time >= ? AND time <= ?`,
        from - margin,
        to + margin,
      )
      .toArray();
    return entityTotals(rows, settings, from, to, filter);
  }

  /** Recompute progress after a settings change: null when none is running. */
  async recomputeProgress(): Promise<{ done: number; total: number } | null> {
    return this.dayStore.recomputeProgress();
  }

  /**
   * Takes the user's settings now (not on the next heartbeat): a changed time zone or timeout
   * starts the background recompute at once. Answers its progress.
   */
  async adoptSettings(userId: string, settings: MergeSettings): Promise<{ done: number; total: number } | null> {
    this.meta.assertLive();
    this.meta.bind(userId);
    this.applySettings(settings);
    return this.dayStore.recomputeProgress();
  }

  /** Up to `limit` heartbeats after (afterTime, afterId) in (time, id) order: the export's pages. */
  async heartbeatPage(afterTime: number | null, afterId: string | null, limit: number): Promise<StoredHeartbeat[]> {
    return heartbeatsAfter(this.sql, afterTime === null ? null : { time: afterTime, id: afterId ?? "" }, Math.max(1, Math.min(limit, 5000)));
  }

  /**
   * Writes the board entries that changed to D1 now (the alarm's work; also the drain's of old
   * daily_activity rows, tests' and benchmarks').
   */
  async flush(): Promise<FlushResult> {
    const { result, more } = await this.flushNow();
    if (more) await this.armBy(Date.now() / 1000 + 1);
    const refreshAt = this.meta.boardRefreshAt();
    if (refreshAt !== null) await this.armBy(refreshAt);
    return result;
  }

  /** The flush; `more` when a recompute has chunks left (the alarm comes back in a second). */
  private async flushNow(): Promise<{ result: FlushResult; more: boolean }> {
    const userId = this.meta.userId();
    const none = { daysChanged: 0, entriesWritten: 0, rowsWritten: 0 };
    if (!userId) return { result: none, more: false };
    this.meta.clearPendingSince();
    const settings = this.meta.settings();
    if (!settings) return { result: none, more: false };
    const more = this.dayStore.advanceRecompute(settings);
    const now = Date.now() / 1000;
    const { result, written, refreshAt } = await flushBoard(this.env.DB, userId, this.dayStore, settings, this.meta.boardWritten(), now);
    this.meta.setBoard(written, refreshAt, now);
    return { result, more };
  }

  /**
   * One alarm serves three schedules: the flush, the relay's sends and the board refresh at the
   * user's local midnight. Each run does what is due and re-arms for the earliest still wanted.
   */
  override async alarm(): Promise<void> {
    const now = Date.now() / 1000;
    let wanted: number | null = null;
    // Ingest arms the alarm once per pending period and leaves it; if activity went on since
    // (or the alarm came early for the relay), the flush is not due yet: re-arm for the time
    // the policy gives now. A recompute after a settings change is never postponed.
    const pendingSince = this.meta.pendingSince();
    const armedFor = this.armedFor;
    const postponable = pendingSince !== null && armedFor !== null && this.meta.recompute() === null;
    const due = postponable ? nextFlushAt(pendingSince, this.lastActivityAt, flushPolicyOf(this.env), this.meta.flushedAt()) : now;
    // Woken for the relay before the flush's time: the flush waits for its own.
    const relayDue = this.relay.dueAt(now);
    const forRelay = relayDue !== null && relayDue <= now + 0.5 && due > now + 0.5;
    // The board's day moved on (local midnight): the flush, which recomputes it, runs now.
    const boardAt = this.meta.boardRefreshAt();
    const boardDue = boardAt !== null && boardAt <= now + 0.5;
    if (postponable && !boardDue && (forRelay || due > armedFor + 0.5)) {
      this.armedFor = due;
      wanted = due;
    } else if ((await this.flushNow()).more) {
      wanted = now + 1;
    }
    const relayAt = await this.runRelay(now);
    // Heartbeats that came in while the relay's request was out may have started a new
    // pending period: its flush time counts too.
    if (wanted === null && this.meta.pendingSince() !== null) wanted = this.armedFor ?? now + 1;
    if (relayAt !== null && (wanted === null || relayAt < wanted)) wanted = relayAt;
    const refreshAt = this.meta.boardRefreshAt();
    if (refreshAt !== null && (wanted === null || refreshAt < wanted)) wanted = refreshAt;
    if (wanted !== null) await this.ctx.storage.setAlarm(wanted * 1000);
  }

  /** The relay's part of an alarm; its failures are recorded in its state, never thrown. */
  private async runRelay(now: number): Promise<number | null> {
    const userId = this.meta.userId();
    if (!userId) return null;
    try {
      const env = this.env as unknown as Record<string, unknown>;
      return await this.relay.run(userId, { secret: typeof env.KODO_RELAY_SECRET === "string" ? env.KODO_RELAY_SECRET : undefined, outbound: cloudflareOutbound(env), retryBaseSeconds: relayRetryBaseOf(env) }, now);
    } catch (err) {
      console.error("relay run failed", err);
      return now + relayRetryBaseOf(this.env);
    }
  }

  /** The relay setting and its queue's state (null when none is set). */
  async relayStatus(): Promise<RelayStatus | null> {
    return this.relay.status();
  }

  /** Sets the relay upstream; the key arrives sealed (worker/src/stores/relay.ts). */
  async setRelay(userId: string, config: { url: string; sealedKey: string; keyHint: string }): Promise<RelayStatus> {
    this.meta.assertLive();
    this.meta.bind(userId);
    const now = Date.now() / 1000;
    const at = this.relay.set({ ...config, setAt: now }, now);
    if (at !== null) await this.armBy(at);
    return this.relay.status()!;
  }

  /** Removes the relay and drops its queue. */
  async clearRelay(): Promise<boolean> {
    return this.relay.clear();
  }

  /**
   * Deletes a chunk of matching heartbeats (deletion.ts); the days they touched are marked
   * stale (reads recompute them at once, the flush rewrites the board entries they change).
   */
  async deleteHeartbeats(userId: string, settings: MergeSettings, which: HeartbeatDeletion): Promise<DeletionChunk> {
    this.meta.bind(userId);
    this.applySettings(settings);
    const chunk = deleteChunk(this.sql, settings, which);
    if (chunk.deleted === 0) return { deleted: 0, more: false };
    refreshSeen(this.sql, chunk.touched, which, chunk.more);
    for (const t of chunk.touched) this.seenCache.delete(`${t.kind}\u0000${t.value}`);
    // Placeholders resolve from the latest heartbeat: it may have been deleted.
    const latest = this.sql
      .exec<{ time: number; project: string | null; language: string | null; branch: string | null }>("SELECT time, project, language, branch FROM heartbeats ORDER BY time DESC LIMIT 1")
      .toArray()[0];
    this.meta.setLastHeartbeat(latest ?? { time: 0, project: null, language: null, branch: null });
    this.dayStore.markStale(daysAffectedByAll(chunk.times, settings));
    // Deleted time leaves the boards at the usual pace (quiet period), not held back by the
    // flush interval: also when a flush of new activity is already pending, later.
    const now = Date.now() / 1000;
    this.meta.forgetFlushedAt();
    await this.scheduleFlush(now);
    const at = nextFlushAt(this.meta.pendingSince() ?? now, now, flushPolicyOf(this.env));
    if (this.armedFor === null || at < this.armedFor) {
      this.armedFor = at;
      await this.armBy(at);
    }
    return { deleted: chunk.deleted, more: chunk.more };
  }

  /** Stores external durations (replacing by id); null when the user would hold more than `max`. */
  externalPut(userId: string, items: ExternalDuration[], max: number): ExternalWriteOutcome[] | null {
    this.meta.assertLive();
    this.meta.bind(userId);
    return putExternal(this.sql, items, max);
  }

  /** External durations overlapping [from, to), by start. */
  externalBetween(from: number, to: number): ExternalDuration[] {
    return externalBetween(this.sql, from, to);
  }

  externalDelete(id: string): boolean {
    this.meta.assertLive();
    return deleteExternal(this.sql, id);
  }

  /** Erases everything this object holds (account deletion). */
  async deleteAll(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    // This instance may be called again (a request already in flight): it must see an empty
    // object, not cached state of the erased one, and find its (empty) tables.
    this.meta.forgetCache();
    this.seenCache.clear();
    this.dayStore.forgetCache();
    this.armedFor = null;
    await migrate(drizzle(this.ctx.storage), migrations);
    this.meta.markDeleted();
  }

  private applySettings(settings: MergeSettings): void {
    const previous = this.meta.settings();
    if (previous && previous.timeZone === settings.timeZone && previous.keystrokeTimeoutMinutes === settings.keystrokeTimeoutMinutes) return;
    this.meta.setSettings(settings);
    if (previous) {
      // New day boundaries or a new timeout: every derived day is recomputed from the raw log,
      // in chunks on the alarm; reads compute what they need on the way.
      this.dayStore.startRecompute();
      void this.ctx.storage.setAlarm(Date.now() + 1000);
    }
  }

  /**
   * Arms the flush alarm for the first change of a pending period only; later ingests just note
   * the time (in memory: after an eviction the alarm simply flushes a little early).
   */
  private async scheduleFlush(now: number): Promise<void> {
    this.lastActivityAt = now;
    if (this.meta.pendingSince() !== null) return;
    this.meta.setPendingSince(now);
    this.armedFor = nextFlushAt(now, now, flushPolicyOf(this.env), this.meta.flushedAt());
    await this.armBy(this.armedFor);
  }

  /** Makes the alarm fire at `at` (epoch seconds) or earlier: it keeps an earlier one set. */
  private async armBy(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at * 1000) await this.ctx.storage.setAlarm(at * 1000);
  }
}

function noteSeen(map: Map<string, { kind: SeenKind; value: string; first: number; last: number }>, kind: SeenKind, value: string | null, time: number) {
  if (value === null) return;
  const key = `${kind}\u0000${value}`;
  const s = map.get(key);
  if (!s) map.set(key, { kind, value, first: time, last: time });
  else {
    s.first = Math.min(s.first, time);
    s.last = Math.max(s.last, time);
  }
}

function dayBounds(day: string, settings: MergeSettings) {
  return { from: startOfDay(day, settings.timeZone), to: startOfDay(addDays(day, 1), settings.timeZone) };
}

import type { Heartbeat, MergeSettings } from "@kodo/core";

type Last = Pick<Heartbeat, "time" | "project" | "language" | "branch">;

/** What an erased (deleted account's) object answers to a write: the caller turns it into a 401. */
export const ACCOUNT_DELETED = "kodo: this account was deleted";

/** Typed access to the object's small key/value table. */
export class Meta {
  private cache = new Map<string, string | null>();

  constructor(private readonly sql: SqlStorage) {}

  /** Forgets cached values (after the object's storage was erased). */
  forgetCache(): void {
    this.cache.clear();
    this.parsed.clear();
  }

  get(key: string): string | null {
    if (this.cache.has(key)) return this.cache.get(key)!;
    const row = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0];
    const value = row?.value ?? null;
    this.cache.set(key, value);
    return value;
  }

  set(key: string, value: string | null): void {
    if (this.get(key) === value) return;
    if (value === null) this.sql.exec("DELETE FROM meta WHERE key = ?", key);
    else this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
    this.cache.set(key, value);
  }

  /** Parsed values by key, valid while the stored text is the same string. */
  private parsed = new Map<string, { text: string; value: unknown }>();

  private getJson<T>(key: string): T | null {
    const v = this.get(key);
    if (v === null) return null;
    const hit = this.parsed.get(key);
    if (hit && hit.text === v) return hit.value as T;
    const value = JSON.parse(v) as T;
    this.parsed.set(key, { text: v, value });
    return value;
  }

  /** Records whose object this is; an object never serves two users. */
  bind(userId: string): void {
    // A deleted account's object stays empty: reads find nothing, writes are refused (assertLive).
    if (this.get("deleted") !== null) return;
    const bound = this.get("user_id");
    if (bound === null) this.set("user_id", userId);
    else if (bound !== userId) throw new Error("user activity object bound to another user");
  }

  /**
   * Marks the erased object as a deleted account's: the only row it keeps, naming nobody. A
   * request from an isolate that still holds the deleted account's key (its look-up cache lives
   * a few seconds) is then refused instead of storing activity for an account that is gone.
   */
  assertLive(): void {
    if (this.get("deleted") !== null) throw new Error(ACCOUNT_DELETED);
  }

  markDeleted(): void {
    this.set("deleted", "1");
  }

  userId(): string | null {
    return this.get("user_id");
  }

  settings(): MergeSettings | null {
    return this.getJson<MergeSettings>("settings");
  }

  setSettings(s: MergeSettings): void {
    this.set("settings", JSON.stringify({ timeZone: s.timeZone, keystrokeTimeoutMinutes: s.keystrokeTimeoutMinutes }));
  }

  lastHeartbeat(): Last | null {
    return this.getJson<Last>("last_heartbeat");
  }

  /**
   * The latest heartbeat's values, for placeholders. Stored only when a value changes: the time
   * alone is kept in memory (after an eviction the stored time is older, which only makes the
   * next heartbeat count as later, as it is).
   */
  setLastHeartbeat(last: Last): void {
    const stored = this.lastHeartbeat();
    const text = JSON.stringify(last);
    if (stored && stored.project === last.project && stored.language === last.language && stored.branch === last.branch) {
      this.cache.set("last_heartbeat", text);
    } else {
      this.set("last_heartbeat", text);
    }
    this.parsed.set("last_heartbeat", { text, value: { ...last } });
  }

  /** Epoch seconds of the first change not yet flushed to D1. */
  pendingSince(): number | null {
    const v = this.get("pending_since");
    return v === null ? null : Number(v);
  }

  setPendingSince(t: number): void {
    this.set("pending_since", String(t));
  }

  clearPendingSince(): void {
    this.set("pending_since", null);
  }

  /** The board entries last written to D1 (flush.ts), by board language. */
  boardWritten(): Record<string, string> {
    return this.getJson<Record<string, string>>("board_written") ?? {};
  }

  /** When the board standing must be computed again (epoch seconds), or null. */
  boardRefreshAt(): number | null {
    const v = this.get("board_refresh_at");
    return v === null ? null : Number(v);
  }

  /**
   * Stores what a flush wrote, when to compute the standing again and when the flush ran (the
   * next one waits for the flush policy's interval after it, core flush-policy.ts).
   */
  setBoard(written: Record<string, string>, refreshAt: number | null, flushedAt: number): void {
    this.set("board_written", Object.keys(written).length === 0 ? null : JSON.stringify(written));
    this.set("board_refresh_at", refreshAt === null ? null : String(refreshAt));
    this.set("flushed_at", String(flushedAt));
  }

  /** Epoch seconds of the last flush, or null (none, or the next one must not wait for the interval). */
  flushedAt(): number | null {
    const v = this.get("flushed_at");
    return v === null ? null : Number(v);
  }

  /** The next flush follows the usual quiet/bound rule, not the interval (a deletion's). */
  forgetFlushedAt(): void {
    this.set("flushed_at", null);
  }

  recompute(): { cursorDay: string; lastDay: string; firstDay: string } | null {
    return this.getJson("recompute");
  }

  setRecompute(r: { cursorDay: string; lastDay: string; firstDay: string } | null): void {
    this.set("recompute", r === null ? null : JSON.stringify(r));
  }
}

import type { Heartbeat, MergeSettings } from "@kodo/core";

type Last = Pick<Heartbeat, "time" | "project" | "language" | "branch">;

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
    const bound = this.get("user_id");
    if (bound === null) this.set("user_id", userId);
    else if (bound !== userId) throw new Error("user activity object bound to another user");
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

  recompute(): { cursorDay: string; lastDay: string; firstDay: string } | null {
    return this.getJson("recompute");
  }

  setRecompute(r: { cursorDay: string; lastDay: string; firstDay: string } | null): void {
    this.set("recompute", r === null ? null : JSON.stringify(r));
  }
}

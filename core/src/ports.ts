/**
 * Ports: what the shared HTTP app needs from a platform. Each platform's entry file builds
 * adapters implementing these (Cloudflare: D1 + a Durable Object per user; AWS: DynamoDB) and
 * puts them on the request context. Route code never reads platform bindings.
 */
import type { DayActivity, Heartbeat, MergeSettings } from "./types.ts";

export interface User {
  id: string;
  username: string;
  displayName: string | null;
  email: string | null;
  timeZone: string;
  keystrokeTimeoutMinutes: number;
  /** ISO timestamp. */
  createdAt: string;
}

export type KeyScope = "full" | "read";

export interface AuthenticatedKey {
  user: User;
  keyId: string;
  scope: KeyScope;
}

export interface AccountStore {
  /** The user owning the API key whose SHA-256 hex digest is `keyHash`, or null. */
  findByKeyHash(keyHash: string): Promise<AuthenticatedKey | null>;
  /** Creates the user with this key when missing (the local `dev` account); idempotent. */
  ensureUserWithKey(input: { username: string; keyHash: string; label: string; timeZone: string }): Promise<User>;
}

/** Result of storing one valid heartbeat. */
export type IngestOutcome = "created" | "duplicate";

/** A heartbeat as kept in the raw log, with its dedupe key as id. */
export interface StoredHeartbeat extends Heartbeat {
  id: string;
  /** ISO timestamp of when Kodo stored it. */
  createdAt: string;
}

export interface SeenValue {
  value: string;
  firstSeen: number;
  lastSeen: number;
}

/**
 * Per-user activity: the raw log, sessions and roll-ups. On Cloudflare one Durable Object per
 * user serialises it; on AWS DynamoDB conditional writes do.
 */
export interface ActivityStore {
  /**
   * Stores the heartbeats durably (deduplicated) and merges them into sessions. Resolves only
   * once they are stored: an acknowledged heartbeat is never lost. Outcomes in input order.
   */
  ingest(user: User, heartbeats: Heartbeat[]): Promise<IngestOutcome[]>;
  /**
   * Derived activity for local days `start`..`end` (inclusive); days without activity omitted.
   * Sessions are loaded only with `{ sessions: true }` (filters, durations, other zones need
   * them); otherwise each day's `sessions` is empty and only the totals are read, which keeps
   * long ranges cheap.
   */
  days(user: User, start: string, end: string, options?: DaysOptions): Promise<DayActivity[]>;
  /** The raw heartbeats of one local day, in time order. */
  heartbeatsOn(user: User, day: string): Promise<StoredHeartbeat[]>;
  /** Projects, user agents and machines seen, with first/last heartbeat times. */
  seen(user: User, kind: "project" | "userAgent" | "machine"): Promise<SeenValue[]>;
  /** The first local day with any heartbeat, or null. */
  firstDay(user: User): Promise<string | null>;
}

export interface DaysOptions {
  sessions?: boolean;
}

export interface Ports {
  accounts: AccountStore;
  activity: ActivityStore;
  /** The current time in epoch seconds (tests pass a fixed clock). */
  now(): number;
}

export function mergeSettingsOf(user: Pick<User, "timeZone" | "keystrokeTimeoutMinutes">): MergeSettings {
  return { timeZone: user.timeZone, keystrokeTimeoutMinutes: user.keystrokeTimeoutMinutes };
}

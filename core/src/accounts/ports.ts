/**
 * Ports for account management (keys, settings, export, import, deletion) and for cookie
 * sessions. They are optional on `Ports`: a platform that does not provide them answers the
 * account routes with 501 (see routes/account-auth.ts). Cloudflare implements them with D1,
 * the per-user Durable Object and Better Auth (worker/src/stores, worker/src/auth).
 */
import type { KeyScope, StoredHeartbeat, User } from "../ports.ts";
import type { DeletionChunk, HeartbeatDeletion } from "./heartbeat-deletion.ts";

/** An API key as the owner sees it: never the key itself nor its hash. */
export interface ApiKeyInfo {
  id: string;
  label: string;
  scope: KeyScope;
  /** The key's last four characters, to tell keys apart. */
  hint: string;
  /** ISO timestamps. */
  createdAt: string;
  lastUsedAt: string | null;
}

export interface NewApiKey {
  keyHash: string;
  label: string;
  scope: KeyScope;
  hint: string;
}

export interface ProfileChange {
  username?: string;
  displayName?: string | null;
  timeZone?: string;
  keystrokeTimeoutMinutes?: number;
}

/** A pull from another WakaTime-compatible server (see accounts/remote-import.ts). */
export interface ImportJob {
  id: string;
  baseUrl: string;
  status: "running" | "done" | "failed";
  firstDay: string;
  lastDay: string;
  /** The next remote day to pull; null once done. */
  nextDay: string | null;
  daysDone: number;
  daysTotal: number;
  heartbeatsReceived: number;
  heartbeatsCreated: number;
  heartbeatsRejected: number;
  /** The remote's user agent and machine ids -> names (WakaTime returns ids in heartbeats). */
  lookups: RemoteLookups | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RemoteLookups {
  userAgents: Record<string, string>;
  machines: Record<string, string>;
}

export type ImportJobChange = Partial<
  Pick<ImportJob, "status" | "nextDay" | "daysDone" | "heartbeatsReceived" | "heartbeatsCreated" | "heartbeatsRejected" | "lookups" | "error">
>;

/** Account rows (D1 on Cloudflare). Every method acts on the given user's rows only. */
export interface AccountAdmin {
  findUser(userId: string): Promise<User | null>;
  /** True when another user has this username. */
  usernameTaken(username: string, exceptUserId: string): Promise<boolean>;
  /** Applies the change; returns the updated user, or "username-taken" (a race lost). */
  updateProfile(userId: string, change: ProfileChange): Promise<User | "username-taken">;

  /**
   * How the user signs in: provider ids ("google", "email", ...) and when each was linked; each
   * passkey is one ("passkey", with the name its owner gave it; never its key).
   */
  listIdentities(userId: string): Promise<{ provider: string; name?: string | null; createdAt: string }[]>;

  /**
   * The user's sharing settings as stored (snake_case fields), or null when never set (all
   * private). Optional: an adapter without it exports `sharing: null`.
   */
  sharingOf?(userId: string): Promise<Record<string, unknown> | null>;

  listKeys(userId: string): Promise<ApiKeyInfo[]>;
  /** Stores a new key; null when a key with this hash exists already (any user). */
  createKey(userId: string, key: NewApiKey): Promise<ApiKeyInfo | null>;
  /**
   * Replaces the secret of the user's key `keyId` (rotation): the old secret stops working at
   * once. Null when the user has no such key or the new hash is in use.
   */
  replaceKeySecret(userId: string, keyId: string, secret: { keyHash: string; hint: string }): Promise<ApiKeyInfo | null>;
  /** Deletes the user's key; false when the user has no such key. */
  revokeKey(userId: string, keyId: string): Promise<boolean>;

  createImportJob(userId: string, job: Pick<ImportJob, "baseUrl" | "firstDay" | "lastDay" | "daysTotal">): Promise<ImportJob>;
  /** The user's job, or null (also for another user's job id). */
  findImportJob(userId: string, jobId: string): Promise<ImportJob | null>;
  /** The user's jobs, newest first: at most `limit` (default 50). */
  listImportJobs(userId: string, limit?: number): Promise<ImportJob[]>;
  /**
   * Applies the change if the job's `nextDay` still equals `expectedNextDay` (two steps
   * running at once must not both advance it); null when the job is gone or moved on.
   */
  updateImportJob(userId: string, jobId: string, change: ImportJobChange, expectedNextDay: string | null): Promise<ImportJob | null>;

  /** Ends every sign-in session and revokes every key of the user (first step of deletion). */
  revokeAllAccess(userId: string): Promise<void>;
  /** Deletes every remaining row that belongs to or names the user. Idempotent. */
  deleteAccountRows(userId: string): Promise<void>;
}

export interface RecomputeProgress {
  /** Days recomputed so far, of `total`. */
  done: number;
  total: number;
}

/** Per-user activity beyond the ActivityStore: paging the raw log, settings, erasure. */
export interface ActivityAdmin {
  /**
   * Up to `limit` heartbeats after the position (time, id), in (time, id) order: the export
   * streams the log page by page so a year of heavy use never sits in memory at once.
   */
  heartbeatPage(user: User, after: { time: number; id: string } | null, limit: number): Promise<StoredHeartbeat[]>;
  heartbeatCount(user: User): Promise<number>;
  /**
   * Hands the user's (changed) merge settings to the activity store, which starts recomputing
   * history in the background; returns the recompute's progress (null when none runs).
   */
  adoptSettings(user: User): Promise<RecomputeProgress | null>;
  recomputeProgress(user: User): Promise<RecomputeProgress | null>;
  /** Erases everything held for the user (the raw log, days, bookkeeping). */
  deleteAll(user: User): Promise<void>;
  /**
   * Deletes up to DELETE_MAX_HEARTBEATS matching heartbeats touching at most DELETE_MAX_DAYS
   * local days, in time order; their days are recomputed (roll-ups rewritten, emptied days
   * removed) and the projects and machines seen corrected. `more`: call again.
   */
  deleteHeartbeats(user: User, which: HeartbeatDeletion): Promise<DeletionChunk>;
}

/** A browser session (cookie) resolved to its user. */
export interface SignedInSession {
  user: User;
  sessionId: string;
  /** Must come back in the X-CSRF-Token header on state-changing requests. */
  csrfToken: string;
  expiresAt: string;
}

/** Resolves sign-in cookies (Better Auth, core/src/auth/sessions.ts: on D1 and on DynamoDB). */
export interface SessionResolver {
  /** The live session the request's cookies carry, or null (none, expired, revoked). */
  resolve(headers: Headers): Promise<SignedInSession | null>;
  /** Origins (scheme://host[:port]) allowed to make cookie-authenticated writes. */
  trustedOrigins(): readonly string[];
  /** Set-Cookie values that clear the sign-in cookies (after the account is deleted). */
  clearingCookies(): string[];
}

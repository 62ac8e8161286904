/**
 * Ports: what the shared HTTP app needs from a platform. Each platform's entry file builds
 * adapters implementing these (Cloudflare: D1 + a Durable Object per user; AWS: DynamoDB) and
 * puts them on the request context. Route code never reads platform bindings.
 */
import type { DayActivity, Heartbeat, MergeSettings } from "./types.ts";
import type { HeartbeatPage, HeartbeatPageRequest } from "./heartbeat/paging.ts";
import type { AccountAdmin, ActivityAdmin, SessionResolver } from "./accounts/ports.ts";
import type { SessionFilter } from "./sessions/filter.ts";
import type { EntityTotal } from "./dashboard/types.ts";
import type { SocialStore } from "./social/ports.ts";
import type { TeamStore } from "./social/team-ports.ts";
import type { Outbound } from "./net/safe-fetch.ts";
import type { ExternalDurationStore } from "./external/external-durations.ts";
import type { RelayStore } from "./relay/relay.ts";
import type { CountedProjects, ProjectDay } from "./sessions/project-days.ts";

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

/** What an activity read needs of a user: whose days, and the settings their days are derived with. */
export type ActivityOwner = Pick<User, "id" | "timeZone" | "keystrokeTimeoutMinutes">;

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
  /**
   * Drops this process's cached key look-ups of the user (they carry the user's profile and
   * settings). Called by the cache fan-out (http/user-caches.ts); optional for stores that
   * cache nothing.
   */
  forgetUser?(userId: string): void;
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
  /**
   * Per local day of `start`..`end`, the time of the sessions of `projects` (every category,
   * and coding alone) in whole milliseconds, equal to core's `projectDaysOf` over the days'
   * sessions; days without counted time omitted. Stores answer it from a compact
   * per-day-per-project record kept beside each day (sessions/project-days.ts), never from the
   * sessions: it is what a team board reads for each member (issue 16).
   */
  projectDays(user: ActivityOwner, start: string, end: string, projects: CountedProjects): Promise<ProjectDay[]>;
  /**
   * One page of the raw heartbeats of a local day, in (time, id) order, from `page.after`
   * (keyset: no OFFSET scan), bounded by count and bytes (heartbeat/paging.ts).
   */
  heartbeatsOn(user: User, day: string, page: HeartbeatPageRequest): Promise<HeartbeatPage>;
  /** Projects, user agents and machines seen, with first/last heartbeat times. */
  seen(user: User, kind: "project" | "userAgent" | "machine"): Promise<SeenValue[]>;
  /** The first local day with any heartbeat, or null. */
  firstDay(user: User): Promise<string | null>;
  /**
   * Time per entity (file, domain, app) over local days `start`..`end`, from the raw log with
   * the session rules extended to the entity (core `entityTotals`), for the sessions matching
   * `filter`; largest first. Optional: a platform without it shows no file list.
   */
  entityTotals?(user: User, start: string, end: string, filter: SessionFilter): Promise<EntityTotal[]>;
}

export interface DaysOptions {
  sessions?: boolean;
  /**
   * `false`: the caller does not read the branch totals (summaries without a project filter),
   * so a store may leave them out of what it reads; they are often most of a day's totals.
   */
  branches?: boolean;
}

/**
 * What a user lets others see (D1 `user_sharing`). Private by default: a user without a row,
 * or with `publicProfile` off, is shown to nobody.
 */
export interface SharingSettings {
  /** Public JSON, badges and the activity map. */
  publicProfile: boolean;
  leaderboards: boolean;
  /** Project names: not shown, shown as "Project 1", "Project 2", ..., or shown. */
  projects: "hidden" | "alias" | "public";
  languages: boolean;
  editors: boolean;
  operatingSystems: boolean;
  machines: boolean;
  /**
   * How many days back (today included) others may see. 0 means "totals only": range totals
   * are shown but nothing day by day (no activity map).
   */
  historyDays: number;
}

/**
 * What a user who never changed their sharing shares: nothing public (D1's `user_sharing`
 * column defaults, and every other store's).
 */
export const PRIVATE_SHARING: SharingSettings = {
  publicProfile: false,
  leaderboards: false,
  projects: "hidden",
  languages: true,
  editors: true,
  operatingSystems: true,
  machines: false,
  historyDays: 365,
};

export interface PublicUser {
  user: User;
  sharing: SharingSettings;
  /**
   * The user's cache generation: part of every cache key of their public reads, and changed
   * by `PublicDirectory.bumpCacheVersion` on every change to what is public, so that one bump
   * makes every old cached answer unreachable, in every data centre at once.
   */
  cacheVersion: string;
}

/** Public reads by username (badges, public JSON). */
export interface PublicDirectory {
  /**
   * The user with this username and their sharing settings, or null when there is no such
   * user OR they do not share a public profile: callers cannot tell the two apart, so a
   * private user's existence is never revealed.
   */
  findPublicUser(username: string): Promise<PublicUser | null>;
  /**
   * Gives the user a new cache generation (a no-op for users without sharing settings: they
   * are private, nothing of theirs is cached). Only the cache fan-out calls this.
   */
  bumpCacheVersion(userId: string): Promise<void>;
}

/**
 * A shared response cache in front of public reads (a README badge is fetched on every page
 * view): the Workers Cache API on Cloudflare, memory or nothing elsewhere.
 */
export interface EdgeCache {
  /** The response stored under `key` (an absolute URL) if it has not expired. */
  match(key: string): Promise<Response | undefined>;
  /** Stores a copy of `response` under `key` for `ttlSeconds`. */
  put(key: string, response: Response, ttlSeconds: number): Promise<void>;
}

export interface Ports {
  accounts: AccountStore;
  activity: ActivityStore;
  /** Public reads by username. Without one, every user is private (badges say "private"). */
  publicDirectory?: PublicDirectory;
  /** Cache for public reads (badges, public JSON). Without one, nothing is cached. */
  edgeCache?: EdgeCache;
  /** The current time in epoch seconds (tests pass a fixed clock). */
  now(): number;
  /** Account management and cookie sessions (accounts/ports.ts); absent -> those routes answer 501. */
  accountAdmin?: AccountAdmin;
  activityAdmin?: ActivityAdmin;
  sessions?: SessionResolver;
  /** Sharing, friends and leaderboards (social/ports.ts); absent -> those routes answer 501. */
  social?: SocialStore;
  /** Teams (social/team-ports.ts); absent -> the team routes answer 501. */
  teams?: TeamStore;
  /**
   * Fetch and DNS for URLs a user gives (remote import), always used through the address
   * policy (net/safe-fetch.ts); absent -> remote import answers 501.
   */
  outbound?: Outbound;
  /**
   * External durations (WakaTime's `external_durations`), kept per user; absent -> those routes
   * answer 501. When present, every read of days counts them (createApi wraps `activity`).
   */
  externalDurations?: ExternalDurationStore;
  /** Forwarding to an upstream WakaTime-compatible server (relay/relay.ts); absent -> 501. */
  relay?: RelayStore;
}

export function mergeSettingsOf(user: Pick<User, "timeZone" | "keystrokeTimeoutMinutes">): MergeSettings {
  return { timeZone: user.timeZone, keystrokeTimeoutMinutes: user.keystrokeTimeoutMinutes };
}

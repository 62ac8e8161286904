/**
 * External durations (WakaTime's `external_durations`): stretches of time another tool reports
 * (a meeting from a calendar, time in an app Kodo's plugins cannot see), stored per user and
 * counted with the heartbeat sessions in every read of days: summaries, stats, the status bar,
 * the dashboard, goals and insights.
 * Rules:
 * - Identity: (provider, external_id). Sending the same pair again replaces the stored one (a
 *   calendar sync re-sends a moved meeting); the Kodo id is a digest of the pair.
 * - provider: the body's `provider`, else the User-Agent's first product name, else "api".
 * - Bounds: start_time from 2000-01-01, end_time at most an hour ahead of the server clock
 *   (as heartbeats), 0 < end - start <= 24 h; text fields as heartbeats'; `meta` at most 2 000
 *   characters; at most MAX_EXTERNAL_BULK per bulk request; at most MAX_EXTERNAL_PER_USER kept.
 * - Counting: a duration is split at the user's local midnights and added to each day's totals
 *   and sessions as a session of its project, language, branch and category, with the provider
 *   as its editor (no OS or machine: "Unknown"). Time overlapping heartbeat sessions is counted
 *   as sent (not merged away), as WakaTime counts external durations on top of coding time.
 */
import { MAX_ENTITY_LENGTH, MAX_FUTURE_SKEW_SECONDS, MAX_STRING_LENGTH, MIN_HEARTBEAT_TIME } from "../heartbeat/limits.ts";
import { CATEGORIES } from "../heartbeat/schema.ts";
import { addDays, dayOf, startOfDay } from "../time/zone.ts";
import { emptyTotals, roundMs, UNKNOWN } from "../sessions/rollup.ts";
import { DIMENSIONS, type DayActivity, type DimensionTotals, type Session } from "../types.ts";
import type { ActivityStore, User } from "../ports.ts";
import { addProjectDays, projectDaysOf } from "../sessions/project-days.ts";

export interface ExternalDuration {
  /** Digest of (provider, externalId). */
  id: string;
  externalId: string;
  provider: string;
  entity: string;
  type: string;
  category: string;
  /** Epoch seconds. */
  startTime: number;
  endTime: number;
  project: string | null;
  branch: string | null;
  language: string | null;
  meta: string | null;
  /** ISO timestamp of the last write. */
  updatedAt: string;
}

export type ExternalWriteOutcome = "created" | "updated";

/** Per-user storage of external durations (Cloudflare: the user's Durable Object; AWS: the activity table). */
export interface ExternalDurationStore {
  /** Stores each (replacing one with the same id); outcomes in input order. Refuses past MAX_EXTERNAL_PER_USER with null. */
  put(user: User, items: ExternalDuration[]): Promise<ExternalWriteOutcome[] | null>;
  /** The durations overlapping [from, to) (epoch seconds), by start time. */
  between(user: Pick<User, "id">, from: number, to: number): Promise<ExternalDuration[]>;
  /** Deletes one; false when the user has none with this id. */
  delete(user: User, id: string): Promise<boolean>;
}

export const MAX_EXTERNAL_BULK = 100;
export const MAX_EXTERNAL_PER_USER = 100_000;
export const MAX_EXTERNAL_SECONDS = 86_400;
export const MAX_EXTERNAL_META_LENGTH = 2000;
export const EXTERNAL_TYPES = ["file", "app", "domain", "url", "event"] as const;

const FIELDS = new Set(["external_id", "provider", "entity", "type", "category", "start_time", "end_time", "project", "branch", "language", "meta"]);

/** The provider a request speaks for when its body names none: the User-Agent's first product name. */
export function providerOf(userAgent: string | undefined): string {
  const name = /^\s*([A-Za-z0-9._-]{1,64})/.exec(userAgent ?? "")?.[1];
  return name ? name.toLowerCase() : "api";
}

const encoder = new TextEncoder();

export async function externalIdOf(provider: string, externalId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(`${provider}\u0000${externalId}`));
  return [...new Uint8Array(digest, 0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Validates one external duration; returns it or an error naming the field. */
export async function parseExternalDuration(body: unknown, defaultProvider: string, nowSeconds: number): Promise<ExternalDuration | string> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return "expected a JSON object";
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!FIELDS.has(key)) return `${key.slice(0, 40)}: unknown field`;
  const text = (key: string, max: number, required: boolean): string | null | undefined => {
    const v = b[key];
    if (v === undefined || v === null) return required ? undefined : null;
    return typeof v === "string" && v.length >= 1 && v.length <= max ? v : undefined;
  };
  const externalId = text("external_id", MAX_STRING_LENGTH, true);
  if (!externalId) return `external_id: required, 1 to ${MAX_STRING_LENGTH} characters`;
  const provider = text("provider", 64, false);
  if (provider === undefined) return "provider: 1 to 64 characters";
  const entity = text("entity", MAX_ENTITY_LENGTH, true);
  if (!entity) return `entity: required, 1 to ${MAX_ENTITY_LENGTH} characters`;
  const type = b.type === undefined ? "app" : b.type;
  if (typeof type !== "string" || !(EXTERNAL_TYPES as readonly string[]).includes(type)) return `type: one of ${EXTERNAL_TYPES.join(", ")}`;
  const category = b.category === undefined ? "meeting" : b.category;
  if (typeof category !== "string" || !(CATEGORIES as readonly string[]).includes(category)) return "category: one of WakaTime's categories (coding, meeting, browsing, ...)";
  const start = b.start_time;
  const end = b.end_time;
  if (typeof start !== "number" || !Number.isFinite(start) || start < MIN_HEARTBEAT_TIME) return "start_time: epoch seconds from 2000-01-01";
  if (typeof end !== "number" || !Number.isFinite(end) || end <= start) return "end_time: epoch seconds after start_time";
  if (end - start > MAX_EXTERNAL_SECONDS) return "end_time: at most 24 hours after start_time";
  if (end > nowSeconds + MAX_FUTURE_SKEW_SECONDS) return "end_time: in the future";
  const project = text("project", MAX_STRING_LENGTH, false);
  const branch = text("branch", MAX_STRING_LENGTH, false);
  const language = text("language", MAX_STRING_LENGTH, false);
  for (const [name, v] of [["project", project], ["branch", branch], ["language", language]] as const) {
    if (v === undefined) return `${name}: 1 to ${MAX_STRING_LENGTH} characters`;
  }
  let meta: string | null = null;
  if (b.meta !== undefined && b.meta !== null) {
    meta = typeof b.meta === "string" ? b.meta : JSON.stringify(b.meta);
    if (meta.length > MAX_EXTERNAL_META_LENGTH) return `meta: at most ${MAX_EXTERNAL_META_LENGTH} characters`;
  }
  const who = provider ?? defaultProvider;
  return {
    id: await externalIdOf(who, externalId),
    externalId,
    provider: who,
    entity,
    type,
    category,
    startTime: roundMs(start),
    endTime: roundMs(end),
    project: project ?? null,
    branch: branch ?? null,
    language: language ?? null,
    meta,
    updatedAt: new Date(nowSeconds * 1000).toISOString(),
  };
}

/** The duration's pieces in local days (split at the zone's midnights), as sessions. */
export function externalSessions(d: ExternalDuration, timeZone: string): Session[] {
  const out: Session[] = [];
  let from = d.startTime;
  while (from < d.endTime) {
    const day = dayOf(from, timeZone);
    const to = Math.min(d.endTime, startOfDay(addDays(day, 1), timeZone));
    out.push({ day, start: from, end: to, project: d.project, language: d.language, editor: d.provider, operatingSystem: null, machine: null, branch: d.branch, category: d.category });
    from = to;
  }
  return out;
}

/**
 * Adds the external durations' sessions to days `start`..`end` (both read for one user in
 * `timeZone`). Days are copied before they change (stores may cache them); a day only
 * external time touched is created; a bucket the caller left out (branches) stays out.
 */
export function addExternalTime(days: readonly DayActivity[], durations: readonly ExternalDuration[], timeZone: string, start: string, end: string, withSessions: boolean): DayActivity[] {
  if (durations.length === 0) return [...days];
  const byDay = new Map(days.map((d) => [d.day, d]));
  const copied = new Set<string>();
  for (const d of durations) {
    for (const s of externalSessions(d, timeZone)) {
      if (s.day < start || s.day > end) continue;
      let day = byDay.get(s.day);
      if (!copied.has(s.day)) {
        const totals = emptyTotals();
        for (const dim of DIMENSIONS) {
          if (!day) continue;
          if (day.totals[dim]) Object.assign(totals[dim], day.totals[dim]);
          else delete (totals as Partial<DimensionTotals>)[dim];
        }
        day = { day: s.day, totalSeconds: day?.totalSeconds ?? 0, sessions: [...(day?.sessions ?? [])], totals };
        byDay.set(s.day, day);
        copied.add(s.day);
      }
      const seconds = s.end - s.start;
      day!.totalSeconds = roundMs(day!.totalSeconds + seconds);
      for (const dim of DIMENSIONS) {
        const bucket = day!.totals[dim];
        if (!bucket) continue;
        const key = s[dim] ?? UNKNOWN;
        bucket[key] = roundMs((bucket[key] ?? 0) + seconds);
      }
      if (withSessions) day!.sessions.push(s);
    }
  }
  for (const day of copied) byDay.get(day)!.sessions.sort((a, b) => a.start - b.start);
  return [...byDay.values()].sort((a, b) => (a.day < b.day ? -1 : 1));
}

/** The activity port with the user's external durations counted in every read of days. */
export function withExternalDurations(activity: ActivityStore, external: ExternalDurationStore): ActivityStore {
  return {
    ...activity,
    ingest: (user, beats) => activity.ingest(user, beats),
    heartbeatsOn: (user, day, page) => activity.heartbeatsOn(user, day, page),
    seen: (user, kind) => activity.seen(user, kind),
    firstDay: (user) => activity.firstDay(user),
    ...(activity.entityTotals ? { entityTotals: activity.entityTotals.bind(activity) } : {}),
    async days(user, start, end, options = {}) {
      const [days, durations] = await Promise.all([
        activity.days(user, start, end, options),
        external.between(user, startOfDay(start, user.timeZone), startOfDay(addDays(end, 1), user.timeZone)),
      ]);
      return addExternalTime(days, durations, user.timeZone, start, end, options.sessions === true);
    },
    async projectDays(user, start, end, projects) {
      const [days, durations] = await Promise.all([
        activity.projectDays(user, start, end, projects),
        external.between(user, startOfDay(start, user.timeZone), startOfDay(addDays(end, 1), user.timeZone)),
      ]);
      // The durations' sessions, split at local midnights as every read of days counts them.
      const byDay = new Map<string, Session[]>();
      for (const s of durations.flatMap((d) => externalSessions(d, user.timeZone))) {
        if (s.day < start || s.day > end) continue;
        byDay.set(s.day, [...(byDay.get(s.day) ?? []), s]);
      }
      return addProjectDays(days, projectDaysOf([...byDay].map(([day, sessions]) => ({ day, sessions })), projects));
    },
  };
}

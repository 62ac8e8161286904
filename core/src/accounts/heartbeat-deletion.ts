/**
 * Deleting heartbeats (as WakaTime and Wakapi allow): a time range and/or a project, or one
 * day's heartbeats by id (WakaTime's `DELETE users/current/heartbeats.bulk`). The activity store
 * removes them from the raw log, marks the days they touched stale (their sessions and D1 /
 * DynamoDB roll-ups are recomputed, days left empty are removed) and corrects the projects and
 * machines seen. One call does a bounded chunk; the caller repeats until `more` is false.
 */
import { addDays, isDay, startOfDay } from "../time/zone.ts";
import { MAX_STRING_LENGTH } from "../heartbeat/limits.ts";
import type { Parsed } from "./api-keys.ts";

/** Heartbeats removed per call at most: the log rows, their days' recompute and seen updates stay bounded. */
export const DELETE_MAX_HEARTBEATS = 10_000;
/** Local days one call may touch at most (each is recomputed from the log): as a recompute step. */
export const DELETE_MAX_DAYS = 31;
/** Ids per WakaTime bulk delete request. */
export const DELETE_MAX_IDS = 1000;

/** Which heartbeats to delete: time in [from, to), and optionally one project and/or given ids. */
export interface HeartbeatDeletion {
  from: number;
  to: number;
  project?: string;
  ids?: string[];
}

export interface DeletionChunk {
  deleted: number;
  /** True when matching heartbeats remain (call again). */
  more: boolean;
}

/** No time bound: the whole log (epoch seconds far past any accepted heartbeat). */
const END_OF_TIME = 32_503_680_000; // 3000-01-01

/**
 * The project whose every heartbeat goes (a project without a range), or null. Once its last
 * chunk is deleted its seen row goes too, without searching the log for what is left of it;
 * before that it still has heartbeats, so its seen row is left until then.
 */
export function wholeProjectOf(which: HeartbeatDeletion): string | null {
  return which.project !== undefined && which.ids === undefined && which.from <= 0 && which.to >= END_OF_TIME ? which.project : null;
}

/**
 * `{start?, end?, project?}`: local days (YYYY-MM-DD, in the user's zone, both inclusive) and a
 * project name. At least a range or a project; a range needs both ends.
 */
export function parseDeletion(body: Record<string, unknown>, timeZone: string): Parsed<HeartbeatDeletion> {
  const { start, end, project } = body;
  const known = new Set(["start", "end", "project"]);
  const unknown = Object.keys(body).find((k) => !known.has(k));
  if (unknown !== undefined) return { ok: false, error: `${unknown.slice(0, 40)}: unknown field (give start and end, and/or project)` };
  if (project !== undefined && (typeof project !== "string" || project.trim() === "" || project.length > MAX_STRING_LENGTH)) {
    return { ok: false, error: `project: a project name (1 to ${MAX_STRING_LENGTH} characters)` };
  }
  const hasRange = start !== undefined || end !== undefined;
  if (!hasRange && project === undefined) return { ok: false, error: "Give start and end (YYYY-MM-DD), and/or project" };
  if (!hasRange) return { ok: true, value: { from: 0, to: END_OF_TIME, project: (project as string).trim() } };
  if (typeof start !== "string" || !isDay(start)) return { ok: false, error: "start: a day as YYYY-MM-DD" };
  if (typeof end !== "string" || !isDay(end)) return { ok: false, error: "end: a day as YYYY-MM-DD" };
  if (start > end) return { ok: false, error: "start: not after end" };
  const value: HeartbeatDeletion = { from: startOfDay(start, timeZone), to: startOfDay(addDays(end, 1), timeZone) };
  if (typeof project === "string") value.project = project.trim();
  return { ok: true, value };
}

/** WakaTime's `{date, ids}`: heartbeats of one local day by id (the ids GET heartbeats gives). */
export function parseBulkDeletion(body: unknown, timeZone: string): Parsed<HeartbeatDeletion> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return { ok: false, error: "Body must be {\"date\": \"YYYY-MM-DD\", \"ids\": [...]}" };
  const { date, ids } = body as Record<string, unknown>;
  if (typeof date !== "string" || !isDay(date.slice(0, 10))) return { ok: false, error: "date: required, as YYYY-MM-DD" };
  if (!Array.isArray(ids) || ids.length === 0) return { ok: false, error: "ids: a non-empty list of heartbeat ids" };
  if (ids.length > DELETE_MAX_IDS) return { ok: false, error: `ids: at most ${DELETE_MAX_IDS} per request (got ${ids.length})` };
  if (!ids.every((id) => typeof id === "string" && id.length > 0 && id.length <= 128)) return { ok: false, error: "ids: each a heartbeat id (a string)" };
  const day = date.slice(0, 10);
  return { ok: true, value: { from: startOfDay(day, timeZone), to: startOfDay(addDays(day, 1), timeZone), ids: [...new Set(ids as string[])] } };
}

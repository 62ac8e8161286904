/**
 * The account export: one JSON document with everything Kodo holds about a user, written as a
 * stream so that a year of heavy use (hundreds of thousands of heartbeats) never sits in
 * memory: the heartbeats arrive page by page and are written as they come. The document is
 * described field by field in docs/accounts.md ("Export format"); `format`/`version` let an import
 * recognise it (a Kodo export can be imported again, into this or another Kodo).
 */
import type { StoredHeartbeat, User } from "../ports.ts";
import type { DayActivity, Session } from "../types.ts";
import type { ApiKeyInfo } from "./ports.ts";
import { toWireHeartbeat } from "../wakatime/v1/heartbeat.ts";
import type { ExportedRelations } from "./export-relations.ts";

export const EXPORT_FORMAT = "kodo-export";
/** 2: adds goals, friends, teams and import_jobs; sharing with true/false instead of 1/0. */
export const EXPORT_VERSION = 2;

export interface ExportSources {
  user: User;
  keys: ApiKeyInfo[];
  /** Sign-in identities: provider id and when it was linked (a passkey's name; never its key). */
  identities: { provider: string; name?: string | null; createdAt: string }[];
  /** Sharing settings as stored; null = never set (everything private). */
  sharing: Record<string, unknown> | null;
  /** Goals, friends, teams, import jobs (export-relations.ts). */
  relations: ExportedRelations;
  exportedAt: string;
  /** The user's days in order, e.g. a month at a time. */
  days: AsyncIterable<DayActivity[]>;
  /** The raw log in time order, a page at a time. */
  heartbeats: AsyncIterable<StoredHeartbeat[]>;
  /** External durations in start order, a page at a time, already in their wire shape (absent: none). */
  externalDurations?: AsyncIterable<unknown[]>;
}

/**
 * A heartbeat as exported: the API's wire shape (toWireHeartbeat), except that the machine and
 * user agent keep WakaTime's input names, so the file imports anywhere.
 */
export function exportedHeartbeat(hb: StoredHeartbeat) {
  const { machine_name_id: machine, user_agent_id: user_agent, ...wire } = toWireHeartbeat(hb);
  return { ...wire, machine, user_agent };
}

function exportedSession(s: Session) {
  return {
    start: s.start,
    end: s.end,
    seconds: Math.round((s.end - s.start) * 1000) / 1000,
    project: s.project,
    language: s.language,
    editor: s.editor,
    operating_system: s.operatingSystem,
    machine: s.machine,
    branch: s.branch,
    category: s.category,
  };
}

function exportedDay(d: DayActivity) {
  return {
    date: d.day,
    total_seconds: d.totalSeconds,
    totals: {
      projects: d.totals.project,
      languages: d.totals.language,
      editors: d.totals.editor,
      operating_systems: d.totals.operatingSystem,
      machines: d.totals.machine,
      branches: d.totals.branch,
      categories: d.totals.category,
    },
    sessions: d.sessions.map(exportedSession),
  };
}

const ABOUT =
  "Everything Kodo holds about this user: profile, settings, API keys (metadata only: keys are stored hashed and never exported), " +
  "sign-in identities (passkeys by name and date: their public keys are not exported), sharing settings (null: never set, all private), goals, friends and friend requests (the other users' usernames only), " +
  "teams (own role and projects; members of teams the user owns), import jobs (status and cursor; remote keys are never stored), " +
  "per-day activity (sessions and totals, derived from the heartbeats with the settings above, external durations included), external durations (as sent) and the raw heartbeats. " +
  "Times: *_at fields are ISO-8601 UTC; time/start/end are epoch seconds; dates are days in settings.time_zone. " +
  "Import this file into any Kodo (Account > Data > Import) to restore the heartbeats, settings, sharing and goals; days are recomputed from them. " +
  "Friends and teams are not re-created: that needs the other users' consent.";

/** Sharing columns stored as 0/1 (D1 booleans), exported as true/false. */
const SHARING_BOOLEANS = new Set(["public_profile", "leaderboards", "languages", "editors", "operating_systems", "machines"]);

/** The stored sharing row as exported: booleans as booleans, without the cache generation. */
function exportedSharing(row: Record<string, unknown> | null): Record<string, unknown> | null {
  if (row === null) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === "updated_at") continue;
    out[k] = SHARING_BOOLEANS.has(k) && typeof v === "number" ? v !== 0 : v;
  }
  return out;
}

/** The document's text, piece by piece (each piece is small). */
export async function* exportChunks(src: ExportSources): AsyncGenerator<string> {
  const u = src.user;
  const head = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exported_at: src.exportedAt,
    about: ABOUT,
    user: { id: u.id, username: u.username, display_name: u.displayName, email: u.email, created_at: u.createdAt },
    settings: { time_zone: u.timeZone, keystroke_timeout_minutes: u.keystrokeTimeoutMinutes },
    api_keys: src.keys.map((k) => ({ id: k.id, label: k.label, scope: k.scope, hint: k.hint, created_at: k.createdAt, last_used_at: k.lastUsedAt })),
    identities: src.identities.map((i) => ({ provider: i.provider, ...(i.provider === "passkey" ? { name: i.name ?? null } : {}), created_at: i.createdAt })),
    sharing: exportedSharing(src.sharing),
    ...src.relations,
  };
  // The head's closing brace is replaced by the streamed arrays.
  yield JSON.stringify(head, null, 1).replace(/\n}$/, ",\n");
  yield ' "days": [';
  let first = true;
  for await (const page of src.days) {
    for (const d of page) {
      yield `${first ? "\n  " : ",\n  "}${JSON.stringify(exportedDay(d))}`;
      first = false;
    }
  }
  yield first ? "],\n" : "\n ],\n";
  yield ' "external_durations": [';
  first = true;
  for await (const page of src.externalDurations ?? []) {
    for (const d of page) {
      yield `${first ? "\n  " : ",\n  "}${JSON.stringify(d)}`;
      first = false;
    }
  }
  yield first ? "],\n" : "\n ],\n";
  yield ' "heartbeats": [';
  first = true;
  let count = 0;
  for await (const page of src.heartbeats) {
    let text = "";
    for (const hb of page) {
      text += `${first ? "\n  " : ",\n  "}${JSON.stringify(exportedHeartbeat(hb))}`;
      first = false;
      count++;
    }
    if (text) yield text;
  }
  yield first ? "],\n" : "\n ],\n";
  yield ` "heartbeat_count": ${count}\n}\n`;
}

/** The document as a byte stream: pulled piece by piece, so a slow reader slows the reading. */
export function exportStream(src: ExportSources): ReadableStream<Uint8Array> {
  const chunks = exportChunks(src);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

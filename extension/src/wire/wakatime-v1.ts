/**
 * WakaTime v1 wire shapes: the only place that speaks WakaTime's field names. Kodo servers and
 * any WakaTime-compatible server accept these.
 */
import type { HeartbeatDraft } from "../tracker/heartbeat-draft";

export interface WireHeartbeat {
  entity: string;
  type: "file";
  category: string;
  /** Epoch seconds, fractional (millisecond precision). */
  time: number;
  project?: string;
  project_root_count?: number;
  branch?: string;
  language?: string;
  lines?: number;
  lineno?: number;
  cursorpos?: number;
  is_write: boolean;
  line_additions?: number;
  line_deletions?: number;
  machine: string;
  user_agent: string;
}

export interface SenderIdentity {
  machine: string;
  userAgent: string;
}

/** Null fields are left out rather than sent as null: unknown is "not sent". */
export function toWireHeartbeat(draft: HeartbeatDraft, sender: SenderIdentity): WireHeartbeat {
  const wire: WireHeartbeat = {
    entity: draft.entity,
    type: "file",
    category: draft.category,
    time: draft.timeMs / 1000,
    lines: draft.lines,
    lineno: draft.lineNumber,
    cursorpos: draft.cursorPosition,
    is_write: draft.isWrite,
    machine: sender.machine,
    user_agent: sender.userAgent,
  };
  if (draft.project !== null) wire.project = draft.project;
  if (draft.projectRootCount !== null) wire.project_root_count = draft.projectRootCount;
  if (draft.branch !== null) wire.branch = draft.branch;
  if (draft.language !== null) wire.language = draft.language;
  if (draft.lineAdditions !== null) wire.line_additions = draft.lineAdditions;
  if (draft.lineDeletions !== null) wire.line_deletions = draft.lineDeletions;
  return wire;
}

/**
 * The per-item statuses of a `heartbeats.bulk` answer, `{"responses":[[body,status],...]}` in
 * request order. Null when the answer does not have that shape or the wrong length.
 */
export function parseBulkStatuses(body: unknown, expectedCount: number): number[] | null {
  if (typeof body !== "object" || body === null) return null;
  const responses = (body as { responses?: unknown }).responses;
  if (!Array.isArray(responses) || responses.length !== expectedCount) return null;
  const statuses: number[] = [];
  for (const r of responses) {
    if (!Array.isArray(r) || typeof r[1] !== "number") return null;
    statuses.push(r[1]);
  }
  return statuses;
}

export interface TodayTotal {
  /** Human text as the server formats it, e.g. "1 hr 5 mins". */
  text: string;
  totalSeconds: number;
}

/** `GET statusbar/today` -> `{"data":{"grand_total":{"text","total_seconds"}}}`. */
export function parseStatusbarToday(body: unknown): TodayTotal | null {
  const total = (body as { data?: { grand_total?: { text?: unknown; total_seconds?: unknown } } })
    ?.data?.grand_total;
  if (typeof total?.text !== "string" || typeof total.total_seconds !== "number") return null;
  return { text: total.text, totalSeconds: total.total_seconds };
}

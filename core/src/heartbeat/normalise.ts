/**
 * Wire heartbeat -> domain `Heartbeat`, and whole-request validation.
 * Pure: the clock and the request headers come in as arguments.
 */
import type { Heartbeat } from "../types.ts";
import { MAX_BATCH_SIZE, MAX_FUTURE_SKEW_SECONDS, MAX_STRING_LENGTH, MIN_HEARTBEAT_TIME } from "./limits.ts";
import { canonicalLanguage } from "./languages.ts";
import { parseWireHeartbeat, type WireHeartbeat } from "./schema.ts";
import { fastParseWireHeartbeat } from "./fast-parse.ts";
import { cleanHeaderValue } from "./text.ts";
import { parseUserAgent, type ParsedUserAgent } from "./user-agent.ts";

/** Request-level facts a heartbeat falls back on when it does not carry them itself. */
export interface RequestContext {
  /** The request's User-Agent header (wakatime-cli sends the same UA it puts in heartbeats). */
  userAgentHeader?: string | null;
  /** The X-Machine-Name header (wakatime-cli sends the hostname there). */
  machineHeader?: string | null;
}

/** Millisecond precision is what WakaTime keeps and what the dedupe key compares. */
function roundToMillis(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}

/**
 * Builds the domain heartbeat. The heartbeat's own `user_agent` wins over the header, field
 * by field (a UA that names the editor but not the OS still gets the OS from the header),
 * as Wakapi does. Strings arrive trimmed from the schema; "" already became null there.
 */
export function normaliseHeartbeat(wire: WireHeartbeat, context: RequestContext = {}): Heartbeat {
  const header = cleanHeaderValue(context.userAgentHeader, MAX_STRING_LENGTH);
  const own: ParsedUserAgent = wire.user_agent ? parseUserAgent(wire.user_agent) : { editor: null, operatingSystem: null };
  const fromHeader: ParsedUserAgent = header ? parseUserAgent(header) : { editor: null, operatingSystem: null };

  return {
    time: roundToMillis(wire.time),
    entity: wire.entity,
    type: wire.type,
    category: wire.category,
    project: wire.project,
    projectRootCount: wire.project_root_count,
    branch: wire.branch,
    language: canonicalLanguage(wire.language),
    dependencies: wire.dependencies,
    lines: wire.lines,
    lineNumber: wire.lineno,
    cursorPosition: wire.cursorpos,
    lineAdditions: wire.line_additions,
    lineDeletions: wire.line_deletions,
    isWrite: wire.is_write ?? false,
    editor: own.editor ?? fromHeader.editor,
    operatingSystem: own.operatingSystem ?? fromHeader.operatingSystem,
    machine: wire.machine ?? cleanHeaderValue(context.machineHeader, MAX_STRING_LENGTH),
    userAgent: wire.user_agent ?? header,
    aiLineChanges: wire.ai_line_changes,
    humanLineChanges: wire.human_line_changes,
  };
}

export type ItemResult = { ok: true; heartbeat: Heartbeat } | { ok: false; error: string };
export type BatchResult = { ok: true; items: ItemResult[] } | { ok: false; error: string };

/**
 * Validates a request body: one heartbeat object or an array of them.
 * Batch-level problems (wrong body shape, too many items) give `{ ok: false }` (a 400 for the
 * whole request); otherwise every item gets its own result, in request order, so one bad
 * heartbeat never costs the good ones beside it. Old timestamps are accepted (offline queues
 * sync days or weeks later) back to MIN_HEARTBEAT_TIME (2000); earlier ones and ones too far
 * in the future are refused per item.
 * Never throws on any JSON value.
 */
export function validateBatch(body: unknown, nowSeconds: number, context: RequestContext = {}): BatchResult {
  let raw: unknown[];
  if (Array.isArray(body)) {
    if (body.length > MAX_BATCH_SIZE) {
      return {
        ok: false,
        error: `Too many heartbeats: at most ${MAX_BATCH_SIZE} per request (got ${body.length})`,
      };
    }
    raw = body;
  } else if (typeof body === "object" && body !== null) {
    raw = [body];
  } else {
    return { ok: false, error: "Body must be a heartbeat object or an array of heartbeats" };
  }
  return { ok: true, items: raw.map((item) => validateItem(item, nowSeconds, context)) };
}

function validateItem(item: unknown, nowSeconds: number, context: RequestContext): ItemResult {
  // Plain heartbeats (nearly all) skip zod: same result, a fraction of the cost.
  const fast = fastParseWireHeartbeat(item);
  const parsed = fast ? ({ ok: true, value: fast } as const) : parseWireHeartbeat(item);
  if (!parsed.ok) return parsed;
  const time = parsed.value.time;
  if (time < MIN_HEARTBEAT_TIME) {
    const hint = time < 1e7 ? "; it looks like a relative or zeroed time, epoch seconds are expected" : "";
    return { ok: false, error: `time: before 2000-01-01T00:00:00Z (${MIN_HEARTBEAT_TIME} epoch seconds), the earliest time Kodo accepts${hint}` };
  }
  if (time > nowSeconds + MAX_FUTURE_SKEW_SECONDS) {
    // A millisecond timestamp (13 digits) is the usual cause: say so.
    const hint = time > 1e11 ? "; it looks like milliseconds, epoch seconds are expected" : "";
    return {
      ok: false,
      error: `time: more than ${MAX_FUTURE_SKEW_SECONDS} seconds in the future${hint}`,
    };
  }
  return { ok: true, heartbeat: normaliseHeartbeat(parsed.value, context) };
}

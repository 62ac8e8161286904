/**
 * Paging of `GET users/current/heartbeats?date=`: a busy day (an offline sync, a script) can
 * hold 100 000 heartbeats, whose one answer was over the Durable Object RPC limit (32 MiB) and
 * took seconds of CPU. A page is at most HEARTBEATS_PER_PAGE heartbeats AND at most
 * HEARTBEAT_PAGE_MAX_BYTES of stored text (a heartbeat can carry a 1 KiB path and 100
 * dependencies), whichever comes first. Pages are read by keyset on the log's key (time, id)
 * from an opaque cursor, never by OFFSET, so page 20 costs what page 1 costs.
 */
import type { StoredHeartbeat } from "../ports.ts";
import { isDay } from "../time/zone.ts";

export const HEARTBEATS_PER_PAGE = 5000;

/** Stored text per page (entity + detail + dimensions): the wire JSON is about 1.5x this. */
export const HEARTBEAT_PAGE_MAX_BYTES = 8 * 1024 * 1024;

/** Where a page starts: after this log key. */
export interface LogPosition {
  time: number;
  id: string;
}

export interface HeartbeatPageRequest {
  /** Start after this key; null for the day's first page. */
  after: LogPosition | null;
  /** At most this many heartbeats (capped at HEARTBEATS_PER_PAGE by the stores). */
  limit: number;
  /** Also count the day's heartbeats (the first page only: the count is carried in the cursor). */
  withTotal: boolean;
}

export interface HeartbeatPage {
  heartbeats: StoredHeartbeat[];
  /** True when heartbeats follow this page. */
  more: boolean;
  /** The day's heartbeat count when asked for, else null. */
  total: number | null;
}

/** What a stored heartbeat weighs toward the page's byte bound (its text, plus fixed fields). */
export function storedBytes(entity: string, detail: string): number {
  return entity.length + detail.length + 200;
}

/**
 * Takes a page from rows in key order (an iterator read lazily, so rows past the page are never
 * decoded): up to `limit` rows and HEARTBEAT_PAGE_MAX_BYTES, at least one row. `more` says
 * whether any row was left.
 */
export function takePage<R>(rows: Iterable<R>, limit: number, bytesOf: (row: R) => number, maxBytes = HEARTBEAT_PAGE_MAX_BYTES): { rows: R[]; more: boolean } {
  const out: R[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = bytesOf(row);
    if (out.length >= limit || (out.length > 0 && bytes + size > maxBytes)) return { rows: out, more: true };
    out.push(row);
    bytes += size;
  }
  return { rows: out, more: false };
}

/** A clamp of the page size a request may ask for. */
export function pageLimit(requested: number | undefined): number {
  if (requested === undefined) return HEARTBEATS_PER_PAGE;
  return Math.max(1, Math.min(HEARTBEATS_PER_PAGE, Math.floor(requested)));
}

/** The cursor's content: the day it belongs to, the page it opens, where it starts, the day's count. */
export interface HeartbeatCursor {
  day: string;
  page: number;
  after: LogPosition;
  total: number;
}

export function encodeHeartbeatCursor(c: HeartbeatCursor): string {
  const json = JSON.stringify([c.day, c.page, c.after.time, c.after.id, c.total]);
  return btoa(String.fromCharCode(...new TextEncoder().encode(json))).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The cursor, or null when the text is not one this server made (any input: never throws). */
export function decodeHeartbeatCursor(text: string): HeartbeatCursor | null {
  if (text.length > 600 || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    const value: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
    if (!Array.isArray(value) || value.length !== 5) return null;
    const [day, page, time, id, total] = value as unknown[];
    if (typeof day !== "string" || !isDay(day)) return null;
    if (!Number.isSafeInteger(page) || (page as number) < 2) return null;
    if (typeof time !== "number" || !Number.isFinite(time)) return null;
    if (typeof id !== "string" || id.length === 0 || id.length > 128) return null;
    if (!Number.isSafeInteger(total) || (total as number) < 0) return null;
    return { day, page: page as number, after: { time, id }, total: total as number };
  } catch {
    return null;
  }
}

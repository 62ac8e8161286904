/**
 * Where a remote import resumes. A step may stop inside a day (its heartbeat or time budget ran
 * out half-way through a big day, or the server pages that day), so the cursor is a day plus,
 * inside it, the page to ask for and how many of that page's heartbeats are already imported.
 *
 * It is stored in the job's `nextDay` text (no schema change): "2024-03-01" at a day's start,
 * "2024-03-01~1500~" 1500 heartbeats into its first page, "2024-03-01~0~3" at the start of
 * page token "3". Storing the whole position there keeps the job's compare-and-set on
 * `nextDay` (two steps at once must not both advance) covering it. Days still sort first, so a
 * cursor string compares with the job's last day as its day does.
 */
import { isDay } from "../time/zone.ts";

export interface RemoteCursor {
  day: string;
  /** The page token to ask for (the server's `next_page`); null for the day's first page. */
  page: string | null;
  /** Heartbeats of that page already imported. */
  skip: number;
}

export const MAX_PAGE_TOKEN_CHARS = 200;

export function encodeCursor(c: RemoteCursor): string {
  return c.page === null && c.skip === 0 ? c.day : `${c.day}~${c.skip}~${c.page ?? ""}`;
}

export function decodeCursor(stored: string): RemoteCursor {
  const day = stored.slice(0, 10);
  if (!isDay(day)) throw new Error(`bad import cursor ${stored}`);
  if (stored.length === 10) return { day, page: null, skip: 0 };
  const m = /^~(\d{1,9})~(.*)$/s.exec(stored.slice(10));
  if (!m) throw new Error(`bad import cursor ${stored}`);
  return { day, skip: Number(m[1]), page: m[2] === "" ? null : m[2]! };
}

/** The day a stored cursor is on (what the job's view shows as `next_day`). */
export function cursorDay(stored: string | null): string | null {
  return stored === null ? null : stored.slice(0, 10);
}

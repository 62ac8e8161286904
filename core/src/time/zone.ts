/**
 * Calendar days in a user's time zone, from the platform's Intl data (present in workerd,
 * Node and browsers). A day is "YYYY-MM-DD"; instants are epoch seconds.
 *
 * Formatters are cached per zone: constructing an Intl.DateTimeFormat costs far more than
 * formatting with one, and the merge path asks for the day of every heartbeat.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== "string" || timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(epochSeconds: number, timeZone: string): LocalParts {
  const parts = formatterFor(timeZone).formatToParts(new Date(Math.floor(epochSeconds) * 1000));
  const out: Record<string, number> = {};
  for (const p of parts) if (p.type !== "literal") out[p.type] = Number(p.value);
  return out as unknown as LocalParts;
}

/** Offset of `timeZone` from UTC at the instant, in seconds (east positive). */
export function offsetSeconds(epochSeconds: number, timeZone: string): number {
  const p = localParts(epochSeconds, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000;
  return asUtc - Math.floor(epochSeconds);
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/**
 * The local calendar day ("YYYY-MM-DD") that contains the instant. Heartbeats come in time
 * order, so the last day found in each zone is remembered as its span of instants and answers
 * without Intl while the next instants fall inside it (most of ingest's and merging's calls).
 */
export function dayOf(epochSeconds: number, timeZone: string): string {
  const span = daySpans.get(timeZone);
  if (span !== undefined && epochSeconds >= span.from && epochSeconds < span.to) return span.day;
  const day = dayOfUncached(epochSeconds, timeZone);
  rememberDaySpan(day, timeZone);
  return day;
}

/** dayOf straight from Intl (no remembered span). */
export function dayOfUncached(epochSeconds: number, timeZone: string): string {
  const p = localParts(epochSeconds, timeZone);
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
}

/** The last day found per zone, as the instants [from, to) it covers. */
const daySpans = new Map<string, { from: number; to: number; day: string }>();

function rememberDaySpan(day: string, timeZone: string): void {
  if (day > `${LAST_SUPPORTED_YEAR}-12-30` || day < `${FIRST_SUPPORTED_YEAR}-01-01`) return;
  const from = startOfDay(day, timeZone);
  const to = startOfDay(addDays(day, 1), timeZone);
  // Only a day with one offset throughout is a single straight stretch of local time: a day
  // holding a DST change (or a zone's jump across the date line) is never remembered, so a
  // fall-back across midnight, which makes local days overlap, is always asked of Intl.
  if (!(to > from) || offsetSeconds(from, timeZone) !== offsetSeconds(to - 1, timeZone)) return;
  if (daySpans.size >= 1000 && !daySpans.has(timeZone)) daySpans.clear();
  daySpans.set(timeZone, { from, to, day });
}

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Days Kodo accepts in requests: heartbeat times are positive epoch seconds, so nothing lies
 * before 1969-12-31 anywhere; the upper bound keeps day arithmetic inside four-digit years.
 */
export const FIRST_SUPPORTED_YEAR = 1969;
export const LAST_SUPPORTED_YEAR = 2999;

/** True for a real calendar date written "YYYY-MM-DD" within the supported years. */
export function isDay(value: string): boolean {
  const m = DAY_RE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < FIRST_SUPPORTED_YEAR || y > LAST_SUPPORTED_YEAR) return false;
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** Calendar arithmetic on days, independent of any zone. */
export function addDays(day: string, n: number): string {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`not a day: ${day}`);
  const t = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + n));
  return `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** Whole days from `a` to `b` (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  const ta = Date.parse(`${a}T00:00:00Z`);
  const tb = Date.parse(`${b}T00:00:00Z`);
  return Math.round((tb - ta) / 86_400_000);
}

/**
 * The instant (epoch seconds) at which local `day` begins in `timeZone`. Midnight can be
 * skipped by a DST change in a few zones; then the day begins at the first instant that
 * falls on it, which this finds by correcting the guess with the offset twice.
 */
export function startOfDay(day: string, timeZone: string): number {
  const key = `${timeZone}|${day}`;
  const hit = midnights.get(key);
  if (hit !== undefined) return hit;
  const t = computeStartOfDay(day, timeZone);
  // Bounded: a year of days in a few zones; cleared wholesale rather than tracking age.
  if (midnights.size >= 20_000) midnights.clear();
  midnights.set(key, t);
  return t;
}

/** Local midnights already computed, by "zone|day": reads ask for the same days again and again. */
const midnights = new Map<string, number>();

function computeStartOfDay(day: string, timeZone: string): number {
  const guess = Date.parse(`${day}T00:00:00Z`) / 1000;
  let t = guess - offsetSeconds(guess, timeZone);
  t = guess - offsetSeconds(t, timeZone);
  // If midnight does not exist (DST gap at 00:00), step forward to the first local instant of `day`.
  if (dayOfUncached(t, timeZone) !== day) {
    const later = t + 3600;
    if (dayOfUncached(later, timeZone) === day) {
      // binary search the boundary to the second
      let lo = t;
      let hi = later;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (dayOfUncached(mid, timeZone) === day) hi = mid;
        else lo = mid;
      }
      return hi;
    }
  }
  return t;
}

/** Every day from `first` to `last`, inclusive. */
export function eachDay(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

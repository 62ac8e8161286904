import { addDays, dayOf, isDay } from "./zone.ts";

/** A span of local days, both ends inclusive. */
export interface DayRange {
  start: string;
  end: string;
  /** WakaTime's range name when the span was given by name ("last_7_days"), else null. */
  name: string | null;
  /** Human text, as WakaTime shows it ("Last 7 Days"). */
  text: string;
}

export const NAMED_RANGES = [
  "today",
  "yesterday",
  "last_7_days",
  "last_14_days",
  "last_30_days",
  "last_6_months",
  "last_year",
  "last_12_months",
  "all_time",
  "this_week",
  "last_week",
  "this_month",
  "last_month",
] as const;

const TEXT: Record<string, string> = {
  today: "Today",
  yesterday: "Yesterday",
  last_7_days: "Last 7 Days",
  last_14_days: "Last 14 Days",
  last_30_days: "Last 30 Days",
  last_6_months: "Last 6 Months",
  last_year: "Last Year",
  last_12_months: "Last 12 Months",
  all_time: "All Time",
  this_week: "This Week",
  last_week: "Last Week",
  this_month: "This Month",
  last_month: "Last Month",
};

/** WakaTime also accepts these spellings. */
const ALIASES: Record<string, string> = {
  "Today": "today",
  "Yesterday": "yesterday",
  "Last 7 Days": "last_7_days",
  "Last 14 Days": "last_14_days",
  "Last 30 Days": "last_30_days",
  "Last 6 Months": "last_6_months",
  "Last Year": "last_year",
  "Last 12 Months": "last_12_months",
  "All Time": "all_time",
  "This Week": "this_week",
  "Last Week": "last_week",
  "This Month": "this_month",
  "Last Month": "last_month",
};

/** Earliest day an "all time" range reaches back to when the user has no earlier data. */
export const EPOCH_DAY = "2000-01-01";

/**
 * "All time" never starts before this day: 2000-01-01T00:00:00Z (the earliest heartbeat time
 * accepted, MIN_HEARTBEAT_TIME) is still 1999-12-31 in the zones west of UTC. Heartbeats stored
 * before that floor existed (a 1970 timestamp) stay in the log and the export but are left out
 * of all-time views, whose span is thus bounded by the calendar rather than by the oldest
 * timestamp a client once sent. Such views are exempt from the custom-range length cap.
 */
export const ALL_TIME_FIRST_DAY = "1999-12-31";

/** True for the named range "all time" (either spelling), which starts at the user's first day. */
export function isAllTimeName(name: string | null | undefined): boolean {
  return name === "all_time" || name === "All Time";
}

/**
 * Resolves a WakaTime range name ("last_7_days", "2026", "2026-03") to local days, relative to
 * "today" in the user's zone. "Last N days" ends today and includes it, as WakaTime's does.
 * Returns null for anything else.
 */
export function resolveRange(name: string, now: number, timeZone: string, firstDay: string | null = null): DayRange | null {
  // Own keys only: a name like "constructor" must not resolve through the prototype.
  const key = Object.hasOwn(ALIASES, name) ? ALIASES[name]! : name;
  const today = dayOf(now, timeZone);
  const make = (start: string, end: string): DayRange => ({ start, end, name: key, text: Object.hasOwn(TEXT, key) ? TEXT[key]! : key });
  switch (key) {
    case "today":
      return make(today, today);
    case "yesterday":
      return make(addDays(today, -1), addDays(today, -1));
    case "last_7_days":
      return make(addDays(today, -6), today);
    case "last_14_days":
      return make(addDays(today, -13), today);
    case "last_30_days":
      return make(addDays(today, -29), today);
    case "last_6_months":
      return make(addMonths(today, -6, 1), today);
    case "last_year":
    case "last_12_months":
      return make(addMonths(today, -12, 1), today);
    case "all_time": {
      const first = firstDay !== null && firstDay < ALL_TIME_FIRST_DAY ? ALL_TIME_FIRST_DAY : firstDay;
      return make(first !== null && first < today ? first : today, today);
    }
    case "this_week": {
      const monday = addDays(today, -((weekday(today) + 6) % 7));
      return make(monday, today);
    }
    case "last_week": {
      const monday = addDays(today, -((weekday(today) + 6) % 7) - 7);
      return make(monday, addDays(monday, 6));
    }
    case "this_month":
      return make(`${today.slice(0, 7)}-01`, today);
    case "last_month": {
      const first = addMonths(`${today.slice(0, 7)}-01`, -1, 0);
      return make(first, addDays(`${today.slice(0, 7)}-01`, -1));
    }
  }
  if (/^\d{4}$/.test(key) && isDay(`${key}-01-01`)) {
    const start = `${key}-01-01`;
    return { start, end: `${key}-12-31`, name: key, text: key };
  }
  if (/^\d{4}-\d{2}$/.test(key) && isDay(`${key}-01`)) {
    const start = `${key}-01`;
    return { start, end: addDays(addMonths(start, 1, 0), -1), name: key, text: key };
  }
  return null;
}

/** 0 = Sunday ... 6 = Saturday. */
function weekday(day: string): number {
  return new Date(`${day}T00:00:00Z`).getUTCDay();
}

/** Moves `months` calendar months, clamping the day of month, then `plusDays` days. */
function addMonths(day: string, months: number, plusDays: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  const nd = Math.min(d, last);
  return addDays(`${String(ny).padStart(4, "0")}-${String(nm).padStart(2, "0")}-${String(nd).padStart(2, "0")}`, plusDays);
}

/** A custom range from explicit dates (WakaTime accepts "YYYY-MM-DD" or an ISO timestamp). */
export function customRange(start: string, end: string): DayRange | null {
  const s = start.slice(0, 10);
  const e = end.slice(0, 10);
  if (!isDay(s) || !isDay(e) || s > e) return null;
  return { start: s, end: e, name: null, text: `${s} - ${e}` };
}

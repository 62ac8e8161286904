/** The ranges leaderboards, team dashboards and friends' stats offer (last 7 days first: the default). */
export const SOCIAL_RANGES = [
  { value: "last_7_days", label: "Last 7 days" },
  { value: "last_30_days", label: "Last 30 days" },
  { value: "this_week", label: "This week" },
  { value: "this_month", label: "This month" },
] as const;

export type SocialRange = (typeof SOCIAL_RANGES)[number]["value"];

/** The asked range when it is one of ours, else the default (a bad link still shows a page). */
export function socialRange(value: string | null): SocialRange {
  return SOCIAL_RANGES.some((r) => r.value === value) ? (value as SocialRange) : "last_7_days";
}

export function rangeLabel(value: string): string {
  return SOCIAL_RANGES.find((r) => r.value === value)?.label ?? value;
}

/** Today's date ("YYYY-MM-DD") in a time zone. */
function todayIn(timeZone: string, now: Date): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

const shift = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/**
 * Every day of a range in the viewer's zone, with the API's days (members' own local days)
 * merged in and missing days at zero: a chart of a quiet week still shows the whole week.
 */
export function fillDays(range: SocialRange, timeZone: string, days: readonly { day: string; totalSeconds: number }[], now = new Date()) {
  const today = todayIn(timeZone, now);
  let first = today;
  if (range === "last_7_days") first = shift(today, -6);
  else if (range === "last_30_days") first = shift(today, -29);
  else if (range === "this_week") first = shift(today, -((new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7));
  else if (range === "this_month") first = `${today.slice(0, 8)}01`;
  const byDay = new Map(days.map((d) => [d.day, d.totalSeconds]));
  for (let d = first; d <= today; d = shift(d, 1)) if (!byDay.has(d)) byDay.set(d, 0);
  return [...byDay].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([day, totalSeconds]) => ({ day, totalSeconds }));
}

/** How the dashboard writes durations, days and times. Pure: used on the server and in the browser. */

/** "3 hrs 25 mins", "12 mins", "40 secs": WakaTime's wording (its status bar's `text`). */
export function durationText(seconds: number): string {
  const whole = Math.floor(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours} hr${hours === 1 ? "" : "s"}`);
  if (minutes > 0) parts.push(`${minutes} min${minutes === 1 ? "" : "s"}`);
  if (parts.length === 0) parts.push(`${whole % 60} sec${whole % 60 === 1 ? "" : "s"}`);
  return parts.join(" ");
}

/** "3h 25m", "12m": for charts and share tables (whole minutes, down, as durationText counts). */
export function shortDuration(seconds: number): string {
  const minutesTotal = Math.floor(seconds / 60);
  const hours = Math.floor(minutesTotal / 60);
  const minutes = minutesTotal % 60;
  if (hours === 0) return `${minutes}m`;
  return minutes === 0 ? `${hours}h` : `${hours}h ${minutes}m`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** "Mar 2" (with the year when asked): days are already the user's local days. */
export function dayText(day: string, withYear = false): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return `${MONTHS[m - 1]} ${d}${withYear ? `, ${y}` : ""}`;
}

/** "Mon, Mar 2, 2026". */
export function longDayText(day: string): string {
  const weekday = WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()];
  return `${weekday}, ${dayText(day, true)}`;
}

/** "Mar 2026". */
export function monthText(day: string): string {
  const [y, m] = day.split("-").map(Number) as [number, number];
  return `${MONTHS[m - 1]} ${y}`;
}

/** A bucket's label on the daily chart: a day, a week ("Week of Mar 2") or a month. */
export function bucketText(label: string, bucket: "day" | "week" | "month", withYear = false): string {
  if (bucket === "month") return monthText(label);
  if (bucket === "week") return `Week of ${dayText(label, withYear)}`;
  return dayText(label, withYear);
}

/** "09:05" for an offset in seconds from the local day's start. */
export function clockText(secondsIntoDay: number): string {
  const minutes = Math.floor(secondsIntoDay / 60);
  return `${String(Math.floor(minutes / 60) % 24).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

export function percentText(percent: number): string {
  return `${percent >= 10 ? percent.toFixed(0) : percent.toFixed(1)}%`;
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

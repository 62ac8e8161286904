/**
 * The dashboard's state lives in its URL (`/dashboard?range=last_30_days&project=kodo`), so
 * every view can be bookmarked, shared with oneself, and reloaded; the server load passes the
 * same parameters to the API.
 */

/** The range picker's choices, in the order shown. */
export const RANGES = [
  { value: "today", label: "Today" },
  { value: "yesterday", label: "Yesterday" },
  { value: "last_7_days", label: "Last 7 days" },
  { value: "last_30_days", label: "Last 30 days" },
  { value: "this_week", label: "This week" },
  { value: "this_month", label: "This month" },
  { value: "last_6_months", label: "Last 6 months" },
  { value: "last_year", label: "Last year" },
  { value: "all_time", label: "All time" },
] as const;

export const DEFAULT_RANGE = "last_7_days";

/** Filters the dashboard offers, their URL names and the view's option lists. */
export const FILTERS = [
  { param: "project", key: "project", label: "Project" },
  { param: "language", key: "language", label: "Language" },
  { param: "editor", key: "editor", label: "Editor" },
  { param: "machine", key: "machine", label: "Machine" },
  { param: "branch", key: "branch", label: "Branch" },
] as const;

/** Every URL parameter the API understands; anything else is dropped. */
const API_PARAMS = ["range", "start", "end", "project", "language", "editor", "os", "machine", "branch", "category", "day"] as const;
const PROJECT_PARAMS = ["range", "start", "end", "language", "editor", "os", "machine", "branch", "category"] as const;

function pick(params: URLSearchParams, names: readonly string[]): URLSearchParams {
  const out = new URLSearchParams();
  for (const name of names) {
    const value = params.get(name);
    if (value !== null && value !== "") out.set(name, value);
  }
  // A custom range wins over a leftover range name (the picker sends both); "custom" alone
  // (chosen without dates, e.g. without JavaScript) is the picker's own state, not a range.
  if (out.has("start") || out.has("end") || out.get("range") === "custom") out.delete("range");
  return out;
}

/** The API query for a dashboard page URL. */
export function dashboardApiQuery(params: URLSearchParams): string {
  return pick(params, API_PARAMS).toString();
}

/** The API query for a project page URL. */
export function projectApiQuery(params: URLSearchParams): string {
  return pick(params, PROJECT_PARAMS).toString();
}

/** The current URL's parameters with `changes` applied (null removes); the timeline day resets with the range. */
export function withParams(params: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === "") next.delete(k);
    else next.set(k, v);
  }
  if ("range" in changes || "start" in changes) next.delete("day");
  if ("range" in changes && changes.range !== null) {
    next.delete("start");
    next.delete("end");
  }
  const s = next.toString();
  return s ? `?${s}` : "";
}

/** The range part of the parameters, to carry into links (project pages keep the range). */
export function rangeParams(params: URLSearchParams): string {
  const out = pick(params, ["range", "start", "end"]);
  const s = out.toString();
  return s ? `?${s}` : "";
}

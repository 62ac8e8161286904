import type { Dimension, Session } from "../../types.ts";
import { round2 } from "./format.ts";

/** Dimensions `durations?slice_by=` accepts, by WakaTime's names. */
export const SLICE_BY: Record<string, Dimension> = {
  project: "project",
  language: "language",
  editor: "editor",
  operating_system: "operatingSystem",
  machine: "machine",
  branch: "branch",
  category: "category",
};

/**
 * `GET users/current/durations?date=`: the day's sessions, joined where consecutive sessions
 * touch and share the sliced dimension (WakaTime slices by project unless told otherwise).
 */
export function durationsResponse(sessions: readonly Session[], sliceBy: Dimension, day: string, range: { start: string; end: string; timeZone: string }) {
  const sorted = [...sessions].sort((a, b) => a.start - b.start);
  const joined: { key: string | null; start: number; end: number; s: Session }[] = [];
  for (const s of sorted) {
    const key = s[sliceBy];
    const last = joined[joined.length - 1];
    if (last && last.key === key && last.end === s.start) last.end = s.end;
    else joined.push({ key, start: s.start, end: s.end, s });
  }
  const branches = [...new Set(sorted.map((s) => s.branch).filter((b): b is string => b !== null))].sort();
  return {
    data: joined.map((j) => ({
      [sliceByWireName(sliceBy)]: j.key ?? (sliceBy === "project" ? "Unknown Project" : "Unknown"),
      time: j.start,
      duration: round2(j.end - j.start),
      color: null,
    })),
    branches,
    start: range.start,
    end: range.end,
    timezone: range.timeZone,
    date: day,
  };
}

function sliceByWireName(d: Dimension): string {
  for (const [wire, dim] of Object.entries(SLICE_BY)) if (dim === d) return wire;
  return d;
}

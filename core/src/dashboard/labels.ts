import { UNKNOWN } from "../sessions/rollup.ts";
import type { Dimension } from "../types.ts";
import type { ShareItem } from "./types.ts";

/** What the dashboard shows for a missing value, as WakaTime's pages do. */
const UNKNOWN_LABEL: Record<Dimension, string> = {
  project: "Unknown Project",
  language: "Other",
  editor: "Unknown Editor",
  operatingSystem: "Unknown OS",
  machine: "Unknown Machine",
  branch: "No Branch",
  category: "Coding",
};

/** Categories arrive lower-case ("code reviewing"); shown capitalised like WakaTime's. */
function categoryLabel(name: string): string {
  return name.replace(/(^|\s)\S/g, (c) => c.toUpperCase());
}

export function labelOf(dimension: Dimension, name: string | null): string {
  if (name === null || name === UNKNOWN) return UNKNOWN_LABEL[dimension];
  return dimension === "category" ? categoryLabel(name) : name;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

/** Items of one dimension's totals, largest first (ties by name), with their share of `totalSeconds`. */
export function shareItems(byName: Record<string, number>, dimension: Dimension, totalSeconds: number): ShareItem[] {
  return Object.entries(byName)
    .filter(([, seconds]) => seconds > 0)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name, seconds]) => ({
      name,
      label: labelOf(dimension, name),
      seconds,
      percent: totalSeconds > 0 ? round2((seconds / totalSeconds) * 100) : 0,
    }));
}

/**
 * A heartbeat as the extension builds it, before privacy rules and before the wire format.
 * Field names are Kodo's (camelCase); WakaTime's names appear only in `wire/`.
 */
export interface HeartbeatDraft {
  /** Epoch milliseconds. */
  timeMs: number;
  /** Absolute file path (privacy rules may replace it). */
  entity: string;
  category: ActivityCategory;
  project: string | null;
  /** Kept so privacy rules can test paths and look for a `.kodo` marker; never sent. */
  projectRoot: string | null;
  /** Number of path segments of the project root, as wakatime-cli sends it; null when hidden. */
  projectRootCount: number | null;
  branch: string | null;
  /** Canonical language name ("TypeScript"). */
  language: string | null;
  lines: number;
  lineNumber: number;
  cursorPosition: number;
  isWrite: boolean;
  lineAdditions: number | null;
  lineDeletions: number | null;
}

export type ActivityCategory = "coding" | "debugging" | "building";

/**
 * Kodo's domain types. Wire formats (WakaTime v1 field names) live in `wakatime/v1/`;
 * these are the shapes the rest of the code base speaks.
 */

/** A heartbeat after validation and normalisation: the unit stored in the raw log. */
export interface Heartbeat {
  /** Epoch seconds (fractional, millisecond precision). */
  time: number;
  /** File path, domain, URL or app name, depending on `type`. */
  entity: string;
  /** WakaTime entity type: "file" | "domain" | "url" | "app" | "event". */
  type: string;
  /** WakaTime category, canonical lower-case ("coding", "debugging", "building", ...). */
  category: string;
  project: string | null;
  projectRootCount: number | null;
  branch: string | null;
  /** Canonical language name ("TypeScript", "Go", ...). */
  language: string | null;
  dependencies: string[];
  lines: number | null;
  lineNumber: number | null;
  cursorPosition: number | null;
  lineAdditions: number | null;
  lineDeletions: number | null;
  isWrite: boolean;
  /** Canonical editor name ("VS Code", "IntelliJ IDEA", ...), from the user agent. */
  editor: string | null;
  /** Canonical OS name ("Linux", "Mac", "Windows", ...), from the user agent. */
  operatingSystem: string | null;
  /** Machine name (X-Machine-Name header or heartbeat field). */
  machine: string | null;
  userAgent: string | null;
  /** AI-assisted coding fields WakaTime added in 2025 (null when the plugin does not send them). */
  aiLineChanges: number | null;
  humanLineChanges: number | null;
}

/** The dimensions a session belongs to; a change of any of them starts a new session. */
export const DIMENSIONS = [
  "project",
  "language",
  "editor",
  "operatingSystem",
  "machine",
  "branch",
  "category",
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** A stretch of continuous activity in one set of dimensions, within one local day. */
export interface Session {
  /** Local calendar day in the user's time zone, "YYYY-MM-DD". */
  day: string;
  /** Epoch seconds. */
  start: number;
  /** Epoch seconds; `end - start` is the duration. */
  end: number;
  project: string | null;
  language: string | null;
  editor: string | null;
  operatingSystem: string | null;
  machine: string | null;
  branch: string | null;
  category: string;
}

/** Per-dimension totals for one day: dimension -> name -> seconds. `null` names are "Unknown". */
export type DimensionTotals = Record<Dimension, Record<string, number>>;

/** Everything derived for one local day: what D1 stores per user-day. */
export interface DayActivity {
  day: string;
  totalSeconds: number;
  sessions: Session[];
  totals: DimensionTotals;
}

/** Per-user settings that change how heartbeats become sessions. */
export interface MergeSettings {
  /** IANA time zone name, e.g. "Europe/Berlin". */
  timeZone: string;
  /** Gap (minutes, 1-240) after which a session ends. */
  keystrokeTimeoutMinutes: number;
}

export const DEFAULT_KEYSTROKE_TIMEOUT_MINUTES = 15;
export const MIN_KEYSTROKE_TIMEOUT_MINUTES = 1;
export const MAX_KEYSTROKE_TIMEOUT_MINUTES = 240;

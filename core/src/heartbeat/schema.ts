/**
 * The wire schema of ONE incoming heartbeat, in WakaTime's field names.
 *
 * Field set: WakaTime's documented heartbeat fields, plus what wakatime-cli actually sends
 * (pkg/heartbeat/heartbeat.go: the ai_* fields and human_line_changes added in 2025), plus
 * `machine` (Wakapi's per-heartbeat machine name) and `is_unsaved_entity` (sent by some
 * plugins that post directly). Unknown fields are ignored, since plugins send extras.
 *
 * Leniency follows wakatime-cli's own parsing of plugin input: numbers may arrive as numeric
 * strings, booleans as "true"/"false"/0/1, null means "not sent". Text is trimmed; strings
 * holding U+0000 or lone surrogates are refused (they cannot be stored or exported safely).
 * Each failure message names the field: "time: must be a positive number of epoch seconds".
 */
import { z } from "zod";
import {
  MAX_DEPENDENCIES,
  MAX_ENTITY_LENGTH,
  MAX_LINE_NUMBER,
  MAX_STRING_LENGTH,
} from "./limits.ts";
import { hasLoneSurrogate, hasNullByte } from "./text.ts";

export const ENTITY_TYPES = ["file", "domain", "url", "app", "event"] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

/** WakaTime's category list (API docs, 2025). */
export const CATEGORIES = [
  "coding",
  "building",
  "indexing",
  "debugging",
  "browsing",
  "running tests",
  "writing tests",
  "manual testing",
  "writing docs",
  "communicating",
  "code reviewing",
  "researching",
  "learning",
  "designing",
  "ai coding",
  "meeting",
  "planning",
  "supporting",
  "advising",
  "translating",
] as const;
export type Category = (typeof CATEGORIES)[number];

export const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORIES);
export const ENTITY_TYPE_SET: ReadonlySet<string> = new Set(ENTITY_TYPES);

/** "Code-Reviewing", "writing_tests", " AI  Coding " -> the canonical spelling, or null. */
export function canonicalCategory(value: string): Category | null {
  const key = value.trim().toLowerCase().replace(/[\s_-]+/g, " ");
  return CATEGORY_SET.has(key) ? (key as Category) : null;
}

// ---- field builders -------------------------------------------------------------------

const missing = (input: unknown) => input === undefined || input === null;

/** Trimmed text, bounded, without U+0000 or lone surrogates. */
function text(max: number) {
  return z
    .string({ error: (iss) => (missing(iss.input) ? "is required" : "must be a string") })
    .trim()
    .max(max, { error: `must be at most ${max} characters`, abort: true })
    .refine((s) => !hasNullByte(s), { error: "must not contain null bytes (U+0000)", abort: true })
    .refine((s) => !hasLoneSurrogate(s), {
      error: "must be valid Unicode text (it contains a lone surrogate)",
      abort: true,
    });
}

/** Optional text: absent, null and "" (after trimming) all become null. */
function optionalText(max = MAX_STRING_LENGTH) {
  return text(max)
    .nullish()
    .transform((v) => (v ? v : null));
}

/** "12", " 1.5e3 ", "-4" -> number; anything else (hex, "Infinity", "abc") -> null. */
function numericString(s: string): number | null {
  const t = s.trim();
  return /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(t) ? Number(t) : null;
}

/**
 * A whole number given as a number or a numeric string; fractions are truncated (a plugin
 * sending 12.0 or 12.5 for a line number still gets its time recorded). "" means not sent.
 */
function wholeNumber(min: number, max: number) {
  const message =
    min === 0 ? `must be a whole number from 0 to ${max}` : `must be a whole number from ${min} to ${max}`;
  return z
    .union([z.number(), z.string()], { error: message })
    .transform((v, ctx): number | null => {
      if (typeof v === "string" && v.trim() === "") return null;
      const n = typeof v === "number" ? v : numericString(v);
      const whole = n === null || !Number.isFinite(n) ? NaN : Math.trunc(n);
      if (!(whole >= min && whole <= max)) {
        ctx.issues.push({ code: "custom", message, input: v });
        return z.NEVER;
      }
      return whole === 0 ? 0 : whole; // no -0
    })
    .nullish()
    .transform((v) => v ?? null);
}

const TRUE_WORDS = new Set(["true", "t", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "f", "0", "no"]);

/** true/false, 1/0, or the strings wakatime-cli's strconv.ParseBool accepts. */
function looseBoolean() {
  const message = "must be true or false";
  return z
    .union([z.boolean(), z.number(), z.string()], { error: message })
    .transform((v, ctx): boolean | null => {
      if (typeof v === "boolean") return v;
      if (v === 1 || v === 0) return v === 1;
      if (typeof v === "string") {
        const key = v.trim().toLowerCase();
        if (key === "") return null;
        if (TRUE_WORDS.has(key)) return true;
        if (FALSE_WORDS.has(key)) return false;
      }
      ctx.issues.push({ code: "custom", message, input: v });
      return z.NEVER;
    })
    .nullish()
    .transform((v) => v ?? null);
}

/** A closed word list, matched case-insensitively; absent/null/"" -> the default. */
function oneOf<T extends string>(canon: (s: string) => T | null, allowed: readonly T[], fallback: T) {
  const message = `must be one of: ${allowed.join(", ")}`;
  return z
    .string({ error: message })
    .transform((v, ctx): T => {
      if (v.trim() === "") return fallback;
      const c = canon(v);
      if (c === null) {
        ctx.issues.push({ code: "custom", message, input: v });
        return z.NEVER;
      }
      return c;
    })
    .nullish()
    .transform((v) => v ?? fallback);
}

const time = z
  .union([z.number(), z.string()], {
    error: (iss) =>
      missing(iss.input) ? "is required (epoch seconds)" : "must be a positive number of epoch seconds",
  })
  .transform((v, ctx): number => {
    const n = typeof v === "number" ? v : numericString(v);
    // Kodo keeps whole milliseconds: the value must stay positive and exact once rounded.
    const millis = n === null ? NaN : Math.round(n * 1000);
    if (n === null || !(millis > 0 && Number.isSafeInteger(millis))) {
      ctx.issues.push({ code: "custom", message: "must be a positive number of epoch seconds", input: v });
      return z.NEVER;
    }
    return n;
  });

/**
 * WakaTime documents a comma-separated string; wakatime-cli sends an array. Both are
 * accepted; blanks are dropped, duplicates collapsed, and only the first MAX_DEPENDENCIES
 * kept (wakatime-cli may send up to 1000, and refusing would lose the heartbeat itself).
 */
const dependencies = z
  .union([z.string(), z.array(z.string())], { error: "must be a string or a list of strings" })
  .transform((v, ctx): string[] => {
    const items = typeof v === "string" ? v.split(",") : v;
    const kept = new Set<string>();
    for (const raw of items) {
      const item = raw.trim();
      if (item === "") continue;
      const problem =
        item.length > MAX_STRING_LENGTH
          ? `each must be at most ${MAX_STRING_LENGTH} characters`
          : hasNullByte(item)
            ? "must not contain null bytes (U+0000)"
            : hasLoneSurrogate(item)
              ? "must be valid Unicode text (it contains a lone surrogate)"
              : null;
      if (problem) {
        ctx.issues.push({ code: "custom", message: problem, input: v });
        return z.NEVER;
      }
      if (kept.size < MAX_DEPENDENCIES) kept.add(item);
    }
    return [...kept];
  })
  .nullish()
  .transform((v) => v ?? []);

const ENTITY_TYPE_CANON = (s: string) => {
  const key = s.trim().toLowerCase();
  return ENTITY_TYPE_SET.has(key) ? (key as EntityType) : null;
};

const count = () => wholeNumber(0, MAX_LINE_NUMBER);
/** AI/human line changes: signed, in case a plugin reports net changes. */
const signedCount = () => wholeNumber(-MAX_LINE_NUMBER, MAX_LINE_NUMBER);
const tokens = () => wholeNumber(0, Number.MAX_SAFE_INTEGER);

export const wireHeartbeatSchema = z.object(
  {
    entity: text(MAX_ENTITY_LENGTH).min(1, { error: "must not be empty", abort: true }),
    type: oneOf(ENTITY_TYPE_CANON, ENTITY_TYPES, "file"),
    category: oneOf(canonicalCategory, CATEGORIES, "coding"),
    time,
    project: optionalText(),
    project_root_count: count(),
    branch: optionalText(),
    language: optionalText(),
    dependencies,
    lines: count(),
    lineno: count(),
    cursorpos: count(),
    line_additions: count(),
    line_deletions: count(),
    is_write: looseBoolean(),
    is_unsaved_entity: looseBoolean(),
    user_agent: optionalText(),
    machine: optionalText(),
    ai_line_changes: signedCount(),
    human_line_changes: signedCount(),
    ai_session: optionalText(),
    ai_subscription_plan: optionalText(),
    ai_model: optionalText(),
    ai_input_tokens: tokens(),
    ai_output_tokens: tokens(),
    ai_prompt_length: tokens(),
  },
  { error: "must be a JSON object" },
);

/** A heartbeat as accepted off the wire (WakaTime names, trimmed, defaults applied). */
export type WireHeartbeat = z.output<typeof wireHeartbeatSchema>;
/** What a client may send (for OpenAPI and tests). */
export type WireHeartbeatInput = z.input<typeof wireHeartbeatSchema>;

export type ParseResult = { ok: true; value: WireHeartbeat } | { ok: false; error: string };

/** Parses one heartbeat; on failure, one readable line naming each bad field. */
export function parseWireHeartbeat(input: unknown): ParseResult {
  const result = wireHeartbeatSchema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: formatIssues(result.error.issues) };
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "heartbeat";
    return `${path}: ${issue.message}`;
  });
  return [...new Set(lines)].join("; ");
}

/**
 * A shortcut in front of the wire schema for the heartbeats plugins actually send: every field
 * absent, null, or already of its plain type and in range. For such input it builds exactly
 * what `wireHeartbeatSchema` would (a property test holds the two equal on generated input);
 * for anything else (a numeric string, a mixed-case category, a value out of range, any
 * error) it answers `undefined` and the schema decides, with its messages. zod runs without
 * its JIT in workerd (no `new Function`), which made it the largest cost of bulk ingest after
 * SQLite itself.
 */
import { CATEGORY_SET, ENTITY_TYPE_SET, type WireHeartbeat } from "./schema.ts";
import { MAX_DEPENDENCIES, MAX_ENTITY_LENGTH, MAX_LINE_NUMBER, MAX_STRING_LENGTH } from "./limits.ts";
import { hasLoneSurrogate, hasNullByte } from "./text.ts";

/** Signals "not plain: let the schema decide". */
const DEFER = Symbol("defer");
type Deferred = typeof DEFER;

/** What the schema's text(max) gives for a string it accepts; DEFER otherwise. */
function plainText(v: string, max: number): string | Deferred {
  const t = v.trim();
  if (t.length > max || hasNullByte(t) || hasLoneSurrogate(t)) return DEFER;
  return t;
}

function optionalText(v: unknown): string | null | Deferred {
  if (v === undefined || v === null) return null;
  if (typeof v !== "string") return DEFER;
  const t = plainText(v, MAX_STRING_LENGTH);
  return t === DEFER ? DEFER : t === "" ? null : t;
}

function whole(v: unknown, min: number, max: number): number | null | Deferred {
  if (v === undefined || v === null) return null;
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) return DEFER;
  return v === 0 ? 0 : v; // no -0
}

function flag(v: unknown): boolean | null | Deferred {
  if (v === undefined || v === null) return null;
  return typeof v === "boolean" ? v : DEFER;
}

function word<T>(v: unknown, allowed: ReadonlySet<string>, fallback: T): T | Deferred {
  if (v === undefined || v === null) return fallback;
  return typeof v === "string" && allowed.has(v) ? (v as T) : DEFER;
}

function dependencies(v: unknown): string[] | Deferred {
  if (v === undefined || v === null) return [];
  const items = typeof v === "string" ? v.split(",") : Array.isArray(v) ? v : null;
  if (items === null) return DEFER;
  const kept = new Set<string>();
  for (const raw of items) {
    if (typeof raw !== "string") return DEFER;
    const item = raw.trim();
    if (item === "") continue;
    if (item.length > MAX_STRING_LENGTH || hasNullByte(item) || hasLoneSurrogate(item)) return DEFER;
    if (kept.size < MAX_DEPENDENCIES) kept.add(item);
  }
  return [...kept];
}

/** The schema's output for plain input, or undefined when the schema must decide. */
export function fastParseWireHeartbeat(input: unknown): WireHeartbeat | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input)) return undefined;
  const o = input as Record<string, unknown>;

  if (typeof o.entity !== "string") return undefined;
  const entity = plainText(o.entity, MAX_ENTITY_LENGTH);
  if (entity === DEFER || entity === "") return undefined;
  const time = o.time;
  if (typeof time !== "number") return undefined;
  const millis = Math.round(time * 1000);
  if (!(millis > 0 && Number.isSafeInteger(millis))) return undefined;

  const out = {
    entity,
    type: word(o.type, ENTITY_TYPE_SET, "file"),
    category: word(o.category, CATEGORY_SET, "coding"),
    time,
    project: optionalText(o.project),
    project_root_count: whole(o.project_root_count, 0, MAX_LINE_NUMBER),
    branch: optionalText(o.branch),
    language: optionalText(o.language),
    dependencies: dependencies(o.dependencies),
    lines: whole(o.lines, 0, MAX_LINE_NUMBER),
    lineno: whole(o.lineno, 0, MAX_LINE_NUMBER),
    cursorpos: whole(o.cursorpos, 0, MAX_LINE_NUMBER),
    line_additions: whole(o.line_additions, 0, MAX_LINE_NUMBER),
    line_deletions: whole(o.line_deletions, 0, MAX_LINE_NUMBER),
    is_write: flag(o.is_write),
    is_unsaved_entity: flag(o.is_unsaved_entity),
    user_agent: optionalText(o.user_agent),
    machine: optionalText(o.machine),
    ai_line_changes: whole(o.ai_line_changes, -MAX_LINE_NUMBER, MAX_LINE_NUMBER),
    human_line_changes: whole(o.human_line_changes, -MAX_LINE_NUMBER, MAX_LINE_NUMBER),
    ai_session: optionalText(o.ai_session),
    ai_subscription_plan: optionalText(o.ai_subscription_plan),
    ai_model: optionalText(o.ai_model),
    ai_input_tokens: whole(o.ai_input_tokens, 0, Number.MAX_SAFE_INTEGER),
    ai_output_tokens: whole(o.ai_output_tokens, 0, Number.MAX_SAFE_INTEGER),
    ai_prompt_length: whole(o.ai_prompt_length, 0, Number.MAX_SAFE_INTEGER),
  };
  for (const key in out) if (out[key as keyof typeof out] === DEFER) return undefined;
  return out as WireHeartbeat;
}
